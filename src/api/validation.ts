// The apiserver's create/update validation for the kinds kjob stores, with kube-apiserver's field
// paths and messages (pkg/apis/batch/validation, pkg/apis/core/validation, apimachinery
// field/errors.go). Validation runs on the defaulted object (defaultObject first).
import { goUnmarshalMapError } from '../util/go_unmarshal.js';
import { validateAppsWorkload } from './validation_apps.js';
import { jsonEqual } from '../util/canonical.js';
import { goQuote } from '../util/go.js';
import { isRestartableInitContainer } from './pod_util.js';
import { GoValue, duplicate, forbidden, invalid, notFound, notSupported, required, tooLong, tooMany } from './field_errors.js';
import type { StatusCause } from '../errors.js';
import { asKind, type KObject, type JobObject, type ServiceObject } from './types.js';
import type { LabelSelector, LabelSelectorRequirement, ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { JobSpec, CronJobSpec, PodFailurePolicyRule, SuccessPolicyRule } from 'kubernetes-types/batch/v1.js';
import type {
  Container,
  ContainerPort,
  DownwardAPIVolumeFile,
  EnvFromSource,
  EnvVar,
  KeyToPath,
  ObjectFieldSelector,
  PodSpec,
  PodTemplateSpec,
  ServicePort,
  Volume,
  VolumeMount,
  VolumeProjection,
} from 'kubernetes-types/core/v1.js';
import type { ResourceInfo } from './resources.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isConfigMapKey,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  maskTrailingDash,
} from './names.js';
import { selectorFromLabelSelector } from './labels.js';
import {
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from './defaults.js';
import { scheduleError } from '../util/cron/cron.js';
import { loadLocationError } from '../util/cron/zone.js';
import { validateAnnotationsSize, validateJobValues, validateCronJobValues, validatePodValues, validateServiceValues, validateNamespaceValues } from './validation_fields.js';

export interface ValidateOptions {
  /** robfig/cron ParseStandard: returns the parser's error text, or undefined when valid. */
  validateSchedule?: (schedule: string) => string | undefined;
  /** time.LoadLocation: returns the Go error text (e.g. "unknown time zone Foo/Bar") or undefined. */
  loadLocation?: (tz: string) => string | undefined;
}

/** What the apiserver validates schedules and time zones with (robfig/cron and the tz database). */
export const CRON_VALIDATION: Required<ValidateOptions> = { validateSchedule: scheduleError, loadLocation: loadLocationError };

// ---------------------------------------------------------------- Go values in field errors

type Errs = StatusCause[];

/** Go %#v of a map[string]string (keys sorted, as fmt prints maps). */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const body = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(m[k])}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

/** Go %#v of a metav1.LabelSelector (the value field errors print for spec.selector). */
export function goLabelSelector(ls: LabelSelector | undefined | null): string {
  if (ls === undefined || ls === null) return 'null';
  const ml = ls.matchLabels == null ? 'map[string]string(nil)' : goStringMap(ls.matchLabels);
  let me: string;
  if (ls.matchExpressions == null) me = '[]v1.LabelSelectorRequirement(nil)';
  else {
    me =
      '[]v1.LabelSelectorRequirement{' +
      ls.matchExpressions
        .map((e: LabelSelectorRequirement) => {
          const vals = e.values == null ? '[]string(nil)' : `[]string{${e.values.map((v: string) => goQuote(v)).join(', ')}}`;
          return `v1.LabelSelectorRequirement{Key:${goQuote(e.key ?? '')}, Operator:${goQuote(e.operator ?? '')}, Values:${vals}}`;
        })
        .join(', ') +
      '}';
  }
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegative = (errs: Errs, v: unknown, field: string) => {
  if (isInt(v) && v < 0) errs.push(invalid(field, v, 'must be greater than or equal to 0'));
};

/** Identical field+message pairs are shown once (kubectl's statusCausesToAggrError). */
export function dedupe(errs: Errs): Errs {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const k = `${e.field}: ${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------- metadata

type NameFn = (s: string) => string[];

export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameFn: NameFn, opts: { skipLabels?: boolean } = {}): Errs {
  const errs: Errs = [];
  const m = meta ?? {};
  if (m.generateName) for (const msg of nameFn(maskTrailingDash(m.generateName))) errs.push(invalid('metadata.generateName', m.generateName, msg));
  if (!m.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameFn(m.name)) errs.push(invalid('metadata.name', m.name, msg));
  if (namespaced) {
    if (!m.namespace) errs.push(required('metadata.namespace'));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (!opts.skipLabels) errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  return errs;
}

export function validateLabels(labels: Record<string, unknown> | undefined | null, field: string): Errs {
  const errs: Errs = [];
  for (const k of Object.keys(labels ?? {}).sort()) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(field, k, msg));
    const v = (labels as Record<string, unknown>)[k];
    const sv = typeof v === 'string' ? v : String(v);
    for (const msg of isValidLabelValue(sv)) errs.push(invalid(field, sv, msg));
  }
  return errs;
}

function validateAnnotations(ann: Record<string, unknown> | undefined | null, field: string): Errs {
  const errs: Errs = [];
  for (const k of Object.keys(ann ?? {}).sort()) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, msg));
  }
  return errs;
}

// ---------------------------------------------------------------- pod spec

export function validatePodTemplateSpec(tpl: PodTemplateSpec | undefined, path: string): Errs {
  const errs: Errs = [];
  errs.push(...validateLabels(tpl?.metadata?.labels, `${path}.labels`));
  errs.push(...validateAnnotations(tpl?.metadata?.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(tpl?.spec ?? {}, `${path}.spec`));
  if (tpl?.spec?.ephemeralContainers?.length) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

export function validatePodSpec(spec: Partial<PodSpec>, path: string): Errs {
  const errs: Errs = [];
  // volumes
  const volNames = new Set<string>();
  (spec.volumes ?? []).forEach((v: Volume, i: number) => {
    const p = `${path}.volumes[${i}]`;
    if (!v?.name) errs.push(required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(v.name)) errs.push(invalid(`${p}.name`, v.name, msg));
      if (volNames.has(v.name)) errs.push(duplicate(`${p}.name`, v.name));
      volNames.add(v.name);
    }
    errs.push(...validateVolumeSource(v ?? {}, p));
  });
  // containers
  const containers: Container[] = spec.containers ?? [];
  const names = new Set<string>();
  if (containers.length === 0) errs.push(required(`${path}.containers`));
  else
    containers.forEach((c, i) => {
      const p = `${path}.containers[${i}]`;
      errs.push(...validateContainerCommon(c ?? {}, p, volNames));
      if (names.has(c?.name)) errs.push(duplicate(`${p}.name`, c?.name ?? ''));
      else names.add(c?.name);
      if (c?.restartPolicy != null) errs.push(forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
    });
  (spec.initContainers ?? []).forEach((c: Container, i: number) => {
    const p = `${path}.initContainers[${i}]`;
    errs.push(...validateContainerCommon(c ?? {}, p, volNames));
    // validateInitContainers: Always (a sidecar) is the one restartPolicy of a container.
    if (c?.restartPolicy != null && c.restartPolicy !== 'Always') errs.push(notSupported(`${p}.restartPolicy`, c.restartPolicy, ['Always']));
    if (names.has(c?.name)) errs.push(duplicate(`${p}.name`, c?.name ?? ''));
    else names.add(c?.name);
    // What only a container that runs beside the others has: a plain init container runs to its end first.
    if (!isRestartableInitContainer(c)) {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c?.[f] != null) errs.push(forbidden(`${p}.${f}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  // restartPolicy, dnsPolicy
  const rp = spec.restartPolicy ?? '';
  if (rp === '') errs.push(required(`${path}.restartPolicy`));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
  const dp = spec.dnsPolicy ?? '';
  if (dp === '') errs.push(required(`${path}.dnsPolicy`));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dp))
    errs.push(notSupported(`${path}.dnsPolicy`, dp, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  if (spec.serviceAccountName) {
    for (const msg of isDNS1123Subdomain(spec.serviceAccountName)) errs.push(invalid(`${path}.serviceAccountName`, spec.serviceAccountName, msg));
  }
  if (spec.activeDeadlineSeconds != null && isInt(spec.activeDeadlineSeconds)) {
    const v = spec.activeDeadlineSeconds;
    if (v < 1 || v > 2147483647) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, 'must be between 1 and 2147483647, inclusive'));
  }
  if (spec.hostname) for (const msg of isDNS1123Label(spec.hostname)) errs.push(invalid(`${path}.hostname`, spec.hostname, msg));
  if (spec.subdomain) for (const msg of isDNS1123Label(spec.subdomain)) errs.push(invalid(`${path}.subdomain`, spec.subdomain, msg));
  return errs;
}

/** validateContainerCommon: what every container is held to (regular, init and ephemeral). */
export function validateContainerCommon(c: Partial<Container>, p: string, volNames: Set<string>): Errs {
  const errs: Errs = [];
  if (!c.name) errs.push(required(`${p}.name`));
  else for (const msg of isDNS1123Label(c.name)) errs.push(invalid(`${p}.name`, c.name, msg));
  if (!c.image) errs.push(required(`${p}.image`));
  const tmp = c.terminationMessagePolicy;
  if (tmp !== undefined && tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    if (tmp === '') errs.push(required(`${p}.terminationMessagePolicy`, 'must be \'File\' or \'FallbackToLogsOnError\''));
    else errs.push(invalid(`${p}.terminationMessagePolicy`, tmp, "must be 'File' or 'FallbackToLogsOnError'"));
  }
  (c.ports ?? []).forEach((port: ContainerPort, i: number) => {
    const pp = `${p}.ports[${i}]`;
    if (port?.containerPort == null || port.containerPort === 0) errs.push(required(`${pp}.containerPort`));
    else if (isInt(port.containerPort) && (port.containerPort < 1 || port.containerPort > 65535))
      errs.push(invalid(`${pp}.containerPort`, port.containerPort, 'must be between 1 and 65535, inclusive'));
    if (port?.protocol && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) errs.push(notSupported(`${pp}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  (c.env ?? []).forEach((e: EnvVar, i: number) => {
    if (!e?.name) errs.push(required(`${p}.env[${i}].name`));
    errs.push(...validateEnvVarValueFrom(e ?? {}, `${p}.env[${i}].valueFrom`));
  });
  errs.push(...validateEnvFrom(c.envFrom, `${p}.envFrom`));
  // ValidateVolumeMounts. subPath and subPathExpr errors name the list, not the item
  // (fldPath.Child("subPath") where the other fields use idxPath): the apiserver's own paths.
  const mountPoints = new Set<string>();
  (c.volumeMounts ?? []).forEach((m: VolumeMount, i: number) => {
    const mp = `${p}.volumeMounts[${i}]`;
    if (!m?.name) errs.push(required(`${mp}.name`));
    else if (!volNames.has(m.name)) errs.push(notFound(`${mp}.name`, m.name));
    if (!m?.mountPath) errs.push(required(`${mp}.mountPath`));
    if (mountPoints.has(m?.mountPath ?? '')) errs.push(invalid(`${mp}.mountPath`, m.mountPath, 'must be unique'));
    mountPoints.add(m?.mountPath ?? '');
    if (typeof m?.subPath === 'string' && m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, `${p}.volumeMounts.subPath`));
    if (typeof m?.subPathExpr === 'string' && m.subPathExpr) {
      if (m.subPath) errs.push(invalid(`${mp}.subPathExpr`, m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, `${p}.volumeMounts.subPathExpr`));
    }
  });
  if (c.imagePullPolicy === '' || c.imagePullPolicy === undefined) errs.push(required(`${p}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  return errs;
}

// ---------------------------------------------------------------- env and volume sources

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

function fileMode(errs: Errs, mode: unknown, field: string): void {
  if (isInt(mode) && (mode > 0o777 || mode < 0)) errs.push(invalid(field, mode, FILE_MODE_ERROR));
}

/** ValidateLocalNonReservedPath: relative, no '..' element, not starting with '..'. */
function validateLocalNonReservedPath(p: string, field: string): Errs {
  const errs: Errs = [];
  if (p.startsWith('/')) errs.push(invalid(field, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalid(field, p, "must not contain '..'"));
  if (errs.length === 0 && pathClean(p).startsWith('..')) errs.push(invalid(field, p, "must not start with '..'"));
  return errs;
}

/** Go's path.Clean, enough for the '..' prefix test. */
function pathClean(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/') || '.';
}

function validateKeyToPath(kp: KeyToPath | undefined, field: string): Errs {
  const errs: Errs = [];
  if (!kp?.key) errs.push(required(`${field}.key`));
  if (!kp?.path) errs.push(required(`${field}.path`));
  errs.push(...validateLocalNonReservedPath(String(kp?.path ?? ''), `${field}.path`));
  fileMode(errs, kp?.mode, `${field}.mode`);
  return errs;
}

const VOLUME_DOWNWARD_API_FIELDS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

function validateObjectFieldSelector(fs: ObjectFieldSelector | undefined, supported: string[], field: string): Errs {
  if (!fs?.apiVersion) return [required(`${field}.apiVersion`)];
  if (!fs?.fieldPath) return [required(`${field}.fieldPath`)];
  const m = /^([^[]+)\[(.*)\]$/.exec(fs.fieldPath);
  if (m) {
    const sub = m[2].replace(/^'(.*)'$/, '$1');
    if (m[1] === 'metadata.annotations') return isQualifiedName(sub.toLowerCase()).map((msg) => invalid(field, sub.toLowerCase(), msg));
    if (m[1] === 'metadata.labels') return isQualifiedName(sub).map((msg) => invalid(field, sub, msg));
    return [invalid(field, m[1], 'does not support subscript')];
  }
  if (!supported.includes(fs.fieldPath)) return [notSupported(`${field}.fieldPath`, fs.fieldPath, supported)];
  return [];
}

function validateDownwardAPIFiles(items: DownwardAPIVolumeFile[] | undefined, field: string): Errs {
  const errs: Errs = [];
  (items ?? []).forEach((f: DownwardAPIVolumeFile, i: number) => {
    const p = `${field}[${i}]`;
    if (!f?.path) errs.push(required(`${p}.path`));
    errs.push(...validateLocalNonReservedPath(String(f?.path ?? ''), `${p}.path`));
    if (f?.fieldRef) {
      errs.push(...validateObjectFieldSelector(f.fieldRef, VOLUME_DOWNWARD_API_FIELDS, `${p}.fieldRef`));
      if (f.resourceFieldRef) errs.push(invalid(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    } else if (!f?.resourceFieldRef) {
      errs.push(required(p, 'one of fieldRef and resourceFieldRef is required'));
    }
    fileMode(errs, f?.mode, `${p}.mode`);
  });
  return errs;
}

/** The configMap, secret, downwardAPI and projected volume sources (validateVolumeSource). */
function validateVolumeSource(v: Partial<Volume>, p: string): Errs {
  const errs: Errs = [];
  if (v.configMap) {
    const f = `${p}.configMap`;
    if (!v.configMap.name) errs.push(required(`${f}.name`));
    fileMode(errs, v.configMap.defaultMode, `${f}.defaultMode`);
    (v.configMap.items ?? []).forEach((kp: KeyToPath, i: number) => errs.push(...validateKeyToPath(kp, `${f}.items[${i}]`)));
  }
  if (v.secret) {
    const f = `${p}.secret`;
    if (!v.secret.secretName) errs.push(required(`${f}.secretName`));
    fileMode(errs, v.secret.defaultMode, `${f}.defaultMode`);
    (v.secret.items ?? []).forEach((kp: KeyToPath, i: number) => errs.push(...validateKeyToPath(kp, `${f}.items[${i}]`)));
  }
  if (v.downwardAPI) {
    fileMode(errs, v.downwardAPI.defaultMode, `${p}.downwardAPI.defaultMode`);
    errs.push(...validateDownwardAPIFiles(v.downwardAPI.items, `${p}.downwardAPI.items`));
  }
  if (v.projected) {
    const f = `${p}.projected`;
    fileMode(errs, v.projected.defaultMode, `${f}.defaultMode`);
    (v.projected.sources ?? []).forEach((src: VolumeProjection, i: number) => {
      const sp = `${f}.sources[${i}]`;
      for (const kind of ['secret', 'configMap'] as const) {
        const s = src?.[kind];
        if (!s) continue;
        if (!s.name) errs.push(required(`${sp}.${kind}.name`));
        (s.items ?? []).forEach((kp: KeyToPath, j: number) => errs.push(...validateKeyToPath(kp, `${sp}.${kind}.items[${j}]`)));
      }
      if (src?.downwardAPI) errs.push(...validateDownwardAPIFiles(src.downwardAPI.items, `${sp}.downwardAPI.items`));
      if (src?.serviceAccountToken) {
        const t = src.serviceAccountToken;
        const tp = `${sp}.serviceAccountToken`;
        if (isInt(t.expirationSeconds) && t.expirationSeconds < 600) errs.push(invalid(`${tp}.expirationSeconds`, t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
        if (isInt(t.expirationSeconds) && t.expirationSeconds > 2 ** 32) errs.push(invalid(`${tp}.expirationSeconds`, t.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
        if (!t.path) errs.push(required(`${tp}.path`));
      }
    });
  }
  return errs;
}

function validateKeySelector(s: { name?: string; key?: string } | undefined, field: string): Errs {
  const errs: Errs = [];
  for (const msg of isDNS1123Subdomain(s?.name ?? '')) errs.push(invalid(`${field}.name`, s?.name ?? '', msg));
  if (!s?.key) errs.push(required(`${field}.key`));
  else for (const msg of isConfigMapKey(s.key)) errs.push(invalid(`${field}.key`, s.key, msg));
  return errs;
}

/** validateEnvVarValueFrom (fieldRef and resourceFieldRef are counted, not checked here). */
function validateEnvVarValueFrom(e: Partial<EnvVar>, field: string): Errs {
  const vf = e.valueFrom;
  if (vf === undefined || vf === null) return [];
  const errs: Errs = [];
  let n = 0;
  if (vf.fieldRef) n++;
  if (vf.resourceFieldRef) n++;
  if (vf.configMapKeyRef) {
    n++;
    errs.push(...validateKeySelector(vf.configMapKeyRef, `${field}.configMapKeyRef`));
  }
  if (vf.secretKeyRef) {
    n++;
    errs.push(...validateKeySelector(vf.secretKeyRef, `${field}.secretKeyRef`));
  }
  if (n === 0) errs.push(invalid(field, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (e.value) errs.push(invalid(field, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** ValidateEnvFrom, with RelaxedEnvironmentVariableValidation (on by default in v1.32) for prefixes. */
function validateEnvFrom(envFrom: EnvFromSource[] | undefined, field: string): Errs {
  const errs: Errs = [];
  (envFrom ?? []).forEach((ev: EnvFromSource, i: number) => {
    const p = `${field}[${i}]`;
    if (ev?.prefix && !isRelaxedEnvVarName(ev.prefix)) {
      errs.push(invalid(`${p}.prefix`, ev.prefix, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
    }
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = ev?.[kind];
      if (!ref) continue;
      n++;
      if (!ref.name) errs.push(required(`${p}.${kind}.name`));
      else for (const msg of isDNS1123Subdomain(maskTrailingDash(ref.name))) errs.push(invalid(`${p}.${kind}.name`, ref.name, msg));
    }
    if (n === 0) errs.push(invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

// ---------------------------------------------------------------- ConfigMap, Secret, ServiceAccount

/** core.MaxSecretSize: the total size of a ConfigMap's or a Secret's data (1 MiB). */
export const MAX_SECRET_SIZE = 1024 * 1024;

const base64Len = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').length : 0);
const goSortedKeys = (m: unknown) => Object.keys((m as object) ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** ValidateConfigMap (keys in sorted order: Go ranges over the map in random order). */
export function validateConfigMap(cm: KObject): Errs {
  const errs = validateObjectMeta(cm.metadata, true, isDNS1123Subdomain);
  const data = (cm.data ?? {}) as Record<string, string>;
  const binary = (cm.binaryData ?? {}) as Record<string, string>;
  let total = 0;
  for (const k of goSortedKeys(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, msg));
    if (k in binary) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(String(data[k] ?? ''), 'utf8');
  }
  for (const k of goSortedKeys(binary)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`binaryData[${k}]`, k, msg));
    if (k in data) errs.push(invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    total += base64Len(binary[k]);
  }
  // field.NewPath("") prints as "[]"
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('[]', MAX_SECRET_SIZE));
  return errs;
}

/** ValidateSecret, with the per-type required keys (field paths as upstream writes them). */
export function validateSecret(secret: KObject): Errs {
  const errs = validateObjectMeta(secret.metadata, true, isDNS1123Subdomain);
  const data = (secret.data ?? {}) as Record<string, string>;
  let total = 0;
  for (const k of goSortedKeys(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, msg));
    total += base64Len(data[k]);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const jsonCheck = (k: string) => {
    if (!has(k)) return errs.push(required(`data[${k}]`));
    const err = goUnmarshalMapError(Buffer.from(data[k] ?? '', 'base64'));
    if (err) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', err));
    return 0;
  };
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      jsonCheck('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonCheck('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        // upstream builds these paths with field.NewPath("data[%s]").Key(...)
        errs.push(required('data[%s][username]'), required('data[%s][password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Len(data['ssh-privatekey']) === 0) errs.push(required('data[%s][ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(required('data[tls.key]'));
      break;
  }
  return errs;
}

const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/** ValidateConfigMapUpdate: metadata, the immutable flag and data, then ValidateConfigMap. */
export function validateConfigMapUpdate(oldCm: KObject, newCm: KObject): StatusCause[] {
  const errs = validateObjectMetaUpdate(oldCm, newCm);
  if (oldCm.immutable === true) {
    if (newCm.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!jsonEqual(emptyToUndef(newCm.data), emptyToUndef(oldCm.data))) errs.push(forbidden('data', IMMUTABLE_WHEN_SET));
    if (!jsonEqual(emptyToUndef(newCm.binaryData), emptyToUndef(oldCm.binaryData))) errs.push(forbidden('binaryData', IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateConfigMap(newCm));
  return dedupe(errs);
}

/** ValidateSecretUpdate: the type is immutable; so is data once `immutable` is set. */
export function validateSecretUpdate(oldS: KObject, newS: KObject): StatusCause[] {
  const errs = validateObjectMetaUpdate(oldS, newS);
  if ((newS.type ?? '') !== (oldS.type ?? '')) errs.push(invalid('type', newS.type ?? '', 'field is immutable'));
  if (oldS.immutable === true) {
    if (newS.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_WHEN_SET));
    if (!jsonEqual(emptyToUndef(newS.data), emptyToUndef(oldS.data))) errs.push(forbidden('data', IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateSecret(newS));
  return dedupe(errs);
}

function emptyToUndef(m: unknown): unknown {
  return m && typeof m === 'object' && Object.keys(m).length > 0 ? m : undefined;
}

/** validateLocalDescendingPath: not absolute, and no ".." element (one error for any number of them). */
function validateLocalDescendingPath(target: string, field: string): Errs {
  const errs: Errs = [];
  if (target.startsWith('/')) errs.push(invalid(field, target, 'must be a relative path'));
  if (target.split('/').includes('..')) errs.push(invalid(field, target, "must not contain '..'"));
  return errs;
}

// ---------------------------------------------------------------- Job

const MAX_PARALLELISM_INDEXED = 100000;
const MAX_FAILED_INDEXES = 100000;
const COMPLETIONS_SOFT_LIMIT = 100000;
const PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10000;
const MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10000;

function validateGeneratedSelector(job: JobObject): Errs {
  const errs: Errs = [];
  const spec: Partial<NonNullable<JobObject['spec']>> = job.spec ?? {};
  if (spec.manualSelector === true || spec.selector == null) return errs;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  if (!uid) errs.push(required('metadata.uid'));
  const labels = spec.template?.metadata?.labels;
  const hasLabel = (key: string, expected: string) => {
    const path = `spec.template.metadata.labels[${key}]`;
    if (!labels || !(key in labels)) errs.push(required(path, `must be '${expected}'`));
    else if (labels[key] !== expected) errs.push(invalid(path, new GoValue(goStringMap(labels)), `must be '${expected}'`));
  };
  hasLabel(LEGACY_CONTROLLER_UID_LABEL, uid);
  hasLabel(LEGACY_JOB_NAME_LABEL, name);
  hasLabel(CONTROLLER_UID_LABEL, uid);
  hasLabel(JOB_NAME_LABEL, name);
  const expected = { [CONTROLLER_UID_LABEL]: uid, [JOB_NAME_LABEL]: name, [LEGACY_CONTROLLER_UID_LABEL]: uid, [LEGACY_JOB_NAME_LABEL]: name };
  try {
    if (!selectorFromLabelSelector(spec.selector).matches(expected)) {
      errs.push(invalid('spec.selector', new GoValue(goLabelSelector(spec.selector)), '`selector` not auto-generated'));
    }
  } catch {
    /* reported by the selector validation */
  }
  return errs;
}

export function validateLabelSelector(ls: LabelSelector, path: string): Errs {
  const errs: Errs = [];
  (ls.matchExpressions ?? []).forEach((e: LabelSelectorRequirement, i: number) => {
    const p = `${path}.matchExpressions[${i}]`;
    const op = e?.operator;
    const vals: unknown[] = e?.values ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (vals.length === 0) errs.push(required(`${p}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (vals.length > 0) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(invalid(`${p}.operator`, op ?? '', 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(e?.key ?? '')) errs.push(invalid(`${p}.key`, e?.key ?? '', msg));
  });
  errs.push(...validateLabels(ls.matchLabels, `${path}.matchLabels`));
  return errs;
}

/** validateJobSpec (shared by Job and CronJob.spec.jobTemplate.spec). */
function validateJobSpecCommon(spec: Partial<JobSpec>, path: string): Errs {
  const errs: Errs = [];
  nonNegative(errs, spec.parallelism, `${path}.parallelism`);
  nonNegative(errs, spec.completions, `${path}.completions`);
  nonNegative(errs, spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`);
  nonNegative(errs, spec.backoffLimit, `${path}.backoffLimit`);
  nonNegative(errs, spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`);
  nonNegative(errs, spec.backoffLimitPerIndex, `${path}.backoffLimitPerIndex`);
  if (spec.maxFailedIndexes != null) {
    nonNegative(errs, spec.maxFailedIndexes, `${path}.maxFailedIndexes`);
    if (spec.backoffLimitPerIndex == null) errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  }
  if (spec.managedBy != null) {
    const mb = String(spec.managedBy);
    const parts = mb.split('/');
    if (parts.length < 2 || parts[0] === '') errs.push(invalid(`${path}.managedBy`, mb, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    if (mb.length > 63) errs.push(tooLong(`${path}.managedBy`, 63));
  }
  const mode = spec.completionMode;
  if (mode != null) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions == null) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
      if (isInt(spec.parallelism) && spec.parallelism > MAX_PARALLELISM_INDEXED)
        errs.push(invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
      if (isInt(spec.completions) && isInt(spec.maxFailedIndexes) && spec.maxFailedIndexes > spec.completions)
        errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'must be less than or equal to completions'));
      if (isInt(spec.maxFailedIndexes) && spec.maxFailedIndexes > MAX_FAILED_INDEXES)
        errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES}`));
      if (isInt(spec.completions) && spec.completions > COMPLETIONS_SOFT_LIMIT && spec.backoffLimitPerIndex != null) {
        if (spec.maxFailedIndexes == null) errs.push(required(`${path}.maxFailedIndexes`, `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        if (isInt(spec.parallelism) && spec.parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS)
          errs.push(
            invalid(
              `${path}.parallelism`,
              spec.parallelism,
              `must be less than or equal to ${PARALLELISM_LIMIT_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`,
            ),
          );
        if (isInt(spec.maxFailedIndexes) && spec.maxFailedIndexes > MAX_FAILED_INDEXES_HIGH_COMPLETIONS)
          errs.push(
            invalid(
              `${path}.maxFailedIndexes`,
              spec.maxFailedIndexes,
              `must be less than or equal to ${MAX_FAILED_INDEXES_HIGH_COMPLETIONS} when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`,
            ),
          );
      }
    }
  }
  if (mode == null || mode === 'NonIndexed') {
    if (spec.backoffLimitPerIndex != null) errs.push(invalid(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (spec.maxFailedIndexes != null) errs.push(invalid(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (spec.podFailurePolicy != null) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (spec.successPolicy != null) {
    if ((mode ?? 'NonIndexed') !== 'Indexed') {
      errs.push(invalid(`${path}.successPolicy`, new GoValue('batch.SuccessPolicy{...}'), 'requires indexed completion mode'));
    } else {
      errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
    }
  }
  // podReplacementPolicy
  if (spec.podReplacementPolicy != null) {
    const supported = spec.podFailurePolicy != null ? ['Failed'] : ['Failed', 'TerminatingOrFailed'];
    if (!supported.includes(spec.podReplacementPolicy))
      errs.push(notSupported(`${path}.podReplacementPolicy`, spec.podReplacementPolicy, supported));
  }
  errs.push(...validatePodTemplateSpec(spec.template ?? {}, `${path}.template`));
  const rp = spec.template?.spec?.restartPolicy ?? '';
  const rpPath = `${path}.template.spec.restartPolicy`;
  if (rp === 'Always' || rp === '') errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (spec.podFailurePolicy != null && rp !== 'Never') errs.push(invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

const PFP_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

function validatePodFailurePolicy(spec: Partial<JobSpec>, path: string): Errs {
  const errs: Errs = [];
  const rules: PodFailurePolicyRule[] = spec.podFailurePolicy?.rules ?? [];
  if (rules.length > 20) errs.push(tooMany(`${path}.rules`, rules.length, 20));
  const containerNames = new Set<string>([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c: Container) => c?.name));
  rules.forEach((rule, i) => {
    const p = `${path}.rules[${i}]`;
    const action = rule?.action ?? '';
    if (action === '') errs.push(required(`${p}.action`, 'valid values: ["Count" "FailIndex" "FailJob" "Ignore"]'));
    else if (!PFP_ACTIONS.includes(action)) errs.push(notSupported(`${p}.action`, action, PFP_ACTIONS));
    else if (action === 'FailIndex' && spec.backoffLimitPerIndex == null) errs.push(invalid(`${p}.action`, action, 'requires the backoffLimitPerIndex to be set'));
    const oc = rule?.onExitCodes;
    const conds = rule?.onPodConditions ?? [];
    const hasCodes = oc != null;
    const hasConds = Array.isArray(rule?.onPodConditions) && conds.length > 0;
    if (hasCodes && hasConds) errs.push({ field: p, type: 'FieldValueInvalid', message: 'Invalid value: specifying both OnExitCodes and OnPodConditions is not supported' });
    else if (!hasCodes && !hasConds) errs.push({ field: p, type: 'FieldValueInvalid', message: 'Invalid value: specifying one of OnExitCodes and OnPodConditions is required' });
    if (oc != null) {
      const cp = `${p}.onExitCodes`;
      if (oc.containerName != null && !containerNames.has(oc.containerName))
        errs.push(invalid(`${cp}.containerName`, oc.containerName, 'must be one of the container or initContainer names in the pod template'));
      const op = oc.operator ?? '';
      if (op === '') errs.push(required(`${cp}.operator`, 'valid values: ["In" "NotIn"]'));
      else if (op !== 'In' && op !== 'NotIn') errs.push(notSupported(`${cp}.operator`, op, ['In', 'NotIn']));
      const vals: number[] = oc.values ?? [];
      if (vals.length === 0) errs.push(invalid(`${cp}.values`, new GoValue(oc.values == null ? '[]int32(nil)' : '[]int32{}'), 'at least one value is required'));
      else if (vals.length > 255) errs.push(tooMany(`${cp}.values`, vals.length, 255));
      else {
        const seen = new Set<number>();
        let prev: number | undefined;
        let ordered = true;
        vals.forEach((v, j) => {
          if (op === 'In' && v === 0) errs.push(invalid(`${cp}.values[${j}]`, 0, 'must not be 0 for the In operator'));
          if (seen.has(v)) errs.push(duplicate(`${cp}.values[${j}]`, v));
          if (prev !== undefined && prev > v) ordered = false;
          seen.add(v);
          prev = v;
        });
        if (!ordered) errs.push(invalid(`${cp}.values`, new GoValue(`[]int32{${vals.join(', ')}}`), 'must be ordered'));
      }
    }
    if (hasConds) {
      if (conds.length > 20) errs.push(tooMany(`${p}.onPodConditions`, conds.length, 20));
      conds.forEach((pat, j: number) => {
        const pp = `${p}.onPodConditions[${j}]`;
        const st = pat?.status ?? '';
        if (st === '') errs.push(required(`${pp}.status`, 'valid values: ["False" "True" "Unknown"]'));
        else if (!['False', 'True', 'Unknown'].includes(st)) errs.push(notSupported(`${pp}.status`, st, ['False', 'True', 'Unknown']));
        for (const msg of isQualifiedName(pat?.type ?? '')) errs.push(invalid(`${pp}.type`, pat?.type ?? '', msg));
      });
    }
  });
  return errs;
}

/** parseIndexInterval/validateIndexesFormat; returns [count, error]. */
export function validateIndexesFormat(s: string, completions: number): [number, string | undefined] {
  if (s.length === 0) return [0, undefined];
  let last: number | undefined;
  let total = 0;
  for (const interval of s.split(',')) {
    const parts = interval.split('-');
    if (parts.length > 2) return [0, `the fragment ${goQuote(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`];
    const toInt = (x: string) => (/^[+-]?\d+$/.test(x) ? Number(x) : NaN);
    const x = toInt(parts[0]);
    if (Number.isNaN(x)) return [0, `cannot convert string to integer for index: ${goQuote(parts[0])}`];
    if (x >= completions) return [0, `too large index: ${goQuote(parts[0])}`];
    let y = x;
    if (parts.length > 1) {
      y = toInt(parts[1]);
      if (Number.isNaN(y)) return [0, `cannot convert string to integer for index: ${goQuote(parts[1])}`];
      if (y >= completions) return [0, `too large index: ${goQuote(parts[1])}`];
      if (x >= y) return [0, `non-increasing order, previous: ${x}, current: ${y}`];
    }
    if (last !== undefined && last >= x) return [0, `non-increasing order, previous: ${last}, current: ${x}`];
    total += y - x + 1;
    last = y;
  }
  return [total, undefined];
}

function validateSuccessPolicy(spec: Partial<JobSpec>, path: string): Errs {
  const errs: Errs = [];
  const rules: SuccessPolicyRule[] = spec.successPolicy?.rules ?? [];
  const rp = `${path}.rules`;
  if (rules.length === 0) errs.push(required(rp, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > 20) errs.push(tooMany(rp, rules.length, 20));
  const completions = isInt(spec.completions) ? spec.completions : 0;
  rules.forEach((rule, i) => {
    const p = `${rp}[${i}]`;
    if (rule?.succeededCount == null && rule?.succeededIndexes == null) {
      errs.push(required(p, 'at least one of succeededCount or succeededIndexes must be specified'));
    }
    let total = 0;
    if (rule?.succeededIndexes != null) {
      const si = String(rule.succeededIndexes);
      const [n, err] = validateIndexesFormat(si, completions);
      total = n;
      if (err) errs.push(invalid(`${p}.succeededIndexes`, si, `error parsing succeededIndexes: ${err}`));
      if (si.length > 64 * 1024) errs.push(tooLong(`${p}.succeededIndexes`, 64 * 1024));
    }
    if (rule?.succeededCount != null) {
      const c = rule.succeededCount;
      nonNegative(errs, c, `${p}.succeededCount`);
      if (isInt(c) && c > completions)
        errs.push(invalid(`${p}.succeededCount`, c, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (rule.succeededIndexes != null && isInt(c) && c > total)
        errs.push(invalid(`${p}.succeededCount`, c, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
    }
  });
  return errs;
}

/** ValidateJobSpec: validateJobSpec + selector required/valid + selector matches template labels. */
function validateJobSpecFull(spec: Partial<JobSpec>, path: string): Errs {
  const errs = validateJobSpecCommon(spec, path);
  if (spec.selector == null) errs.push(required(`${path}.selector`));
  else errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  try {
    const labels = spec.template?.metadata?.labels;
    if (!selectorFromLabelSelector(spec.selector).matches(labels)) {
      errs.push(invalid(`${path}.template.metadata.labels`, new GoValue(goStringMap(labels)), '`selector` does not match template `labels`'));
    }
  } catch {
    /* an invalid selector was reported above */
  }
  return errs;
}

function validateJob(job: JobObject): Errs {
  const spec: Partial<NonNullable<JobObject['spec']>> = job.spec ?? {};
  // A Job's labels mirror its template's (SetDefaults_Job). The apiserver validates them before
  // the selector generator runs, so mirrored generated labels are reported only under
  // spec.template.labels. UNCONFIRMED: a Job whose template had labels of its own reports the
  // generated-label errors under metadata.labels too.
  const mirrored = sameMap(job.metadata?.labels, spec.template?.metadata?.labels);
  const errs = validateObjectMeta(job.metadata, true, isDNS1123Subdomain, { skipLabels: mirrored });
  errs.push(...validateGeneratedSelector(job));
  errs.push(...validateJobSpecFull(spec, 'spec'));
  if (spec.completionMode === 'Indexed' && isInt(spec.completions) && spec.completions > 0) {
    const host = `${job.metadata?.name ?? ''}-${spec.completions - 1}`;
    if (isDNS1123Label(host).length > 0) {
      errs.push(invalid('metadata.name', job.metadata?.name ?? '', `will not able to create pod with invalid DNS label: ${host}`));
    }
  }
  return errs;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (!a || !b) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

// ---------------------------------------------------------------- CronJob

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function defaultLoadLocation(tz: string): string | undefined {
  if (tz === 'UTC' || tz === 'Local') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `unknown time zone ${tz}`;
  }
}

function validateCronJobSpec(spec: Partial<CronJobSpec>, oldSpec: Partial<CronJobSpec> | undefined, opts: ValidateOptions): Errs {
  const errs: Errs = [];
  const schedule: string = spec.schedule ?? '';
  if (schedule.length === 0) errs.push(required('spec.schedule'));
  else {
    const perr = opts.validateSchedule?.(schedule);
    if (perr) errs.push(invalid('spec.schedule', schedule, perr));
    const allowTZ = oldSpec ? String(oldSpec.schedule ?? '').includes('TZ') : false;
    if (allowTZ && schedule.includes('TZ') && spec.timeZone != null)
      errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && schedule.includes('TZ'))
      errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  nonNegative(errs, spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds');
  if (!oldSpec || oldSpec.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, opts));
  const cp = spec.concurrencyPolicy ?? '';
  if (cp === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  const jts: Partial<JobSpec> = spec.jobTemplate?.spec ?? {};
  errs.push(...validateJobSpecCommon(jts, 'spec.jobTemplate.spec'));
  if (jts.selector != null) errs.push(invalid('spec.jobTemplate.spec.selector', new GoValue(goLabelSelector(jts.selector)), '`selector` will be auto-generated'));
  if (jts.manualSelector === true) errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  nonNegative(errs, spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit');
  nonNegative(errs, spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit');
  return errs;
}

function validateTimeZone(tz: unknown, opts: ValidateOptions): Errs {
  if (tz === undefined || tz === null) return [];
  const s = String(tz);
  if (s.length === 0) return [invalid('spec.timeZone', s, 'timeZone must be nil or non-empty string')];
  for (const part of s.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_PART.test(part)) return [invalid('spec.timeZone', s, `unknown time zone ${s}`)];
  }
  const errs: Errs = [];
  if (s.toLowerCase() === 'local') errs.push(invalid('spec.timeZone', s, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  const lerr = (opts.loadLocation ?? defaultLoadLocation)(s);
  if (lerr) errs.push(invalid('spec.timeZone', s, lerr));
  return errs;
}

// ---------------------------------------------------------------- Service

function validateService(svc: ServiceObject): Errs {
  const errs = validateObjectMeta(svc.metadata, true, isDNS1035Label);
  const spec = svc.spec ?? {};
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  const ports: ServicePort[] = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
  } else if (ports.length === 0 && !headless) {
    errs.push(required('spec.ports'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p?.name) errs.push(required(`${pp}.name`));
    else if (p?.name) {
      for (const msg of isDNS1123Label(p.name)) errs.push(invalid(`${pp}.name`, p.name, msg));
      if (names.has(p.name)) errs.push(duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    if (!isInt(p?.port) || p.port < 1 || p.port > 65535) errs.push(invalid(`${pp}.port`, p?.port ?? 0, 'must be between 1 and 65535, inclusive'));
    if (p?.protocol && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  if (spec.type && !types.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, types));
  if (spec.sessionAffinity && !['ClientIP', 'None'].includes(spec.sessionAffinity))
    errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  return errs;
}

// ---------------------------------------------------------------- entry points

/** Validate an object being created (already defaulted). [] when valid. */
export function validateCreate(info: ResourceInfo, obj: KObject, opts: ValidateOptions = CRON_VALIDATION): StatusCause[] {
  switch (info.kind) {
    case 'Job':
      return dedupe([...validateJob(asKind('Job', obj)), ...validateJobValues(asKind('Job', obj))]);
    case 'CronJob': {
      const errs = validateObjectMeta(obj.metadata, true, isDNS1123Subdomain);
      errs.push(...validateCronJobSpec(obj.spec ?? {}, undefined, opts));
      const name = obj.metadata?.name ?? '';
      if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
      errs.push(...validateCronJobValues(asKind('CronJob', obj)));
      return dedupe(errs);
    }
    case 'Pod': {
      const errs = validateObjectMeta(obj.metadata, true, isDNS1123Subdomain);
      errs.push(...validatePodSpec(obj.spec ?? {}, 'spec'));
      errs.push(...validatePodValues(asKind('Pod', obj)));
      return dedupe(errs);
    }
    case 'Service':
      return dedupe([...validateService(asKind('Service', obj)), ...validateServiceValues(asKind('Service', obj))]);
    case 'Namespace':
      return dedupe([...validateObjectMeta(obj.metadata, false, isDNS1123Label), ...validateNamespaceValues(obj)]);
    case 'Node':
      return dedupe(validateObjectMeta(obj.metadata, false, isDNS1123Subdomain));
    case 'ConfigMap':
      return dedupe(validateConfigMap(obj));
    case 'Secret':
      return dedupe(validateSecret(obj));
    case 'ServiceAccount':
      return dedupe(validateObjectMeta(obj.metadata, true, isDNS1123Subdomain));
    case 'Event':
      return [];
    case 'Endpoints':
    case 'EndpointSlice':
      return dedupe(validateObjectMeta(obj.metadata, true, isDNS1123Subdomain));
    case 'Deployment':
    case 'ReplicaSet':
      return dedupe(validateAppsWorkload(info.kind, obj));
  }
}

/** CronJob updates: spec rules again (no 52-char name rule; TZ-in-schedule tolerated if it was there). */
export function validateCronJobUpdate(oldCj: KObject, newCj: KObject, opts: ValidateOptions = CRON_VALIDATION): StatusCause[] {
  const errs = validateObjectMetaUpdate(oldCj, newCj);
  errs.push(...validateCronJobSpec(newCj.spec ?? {}, oldCj.spec ?? {}, opts));
  errs.push(...validateCronJobValues(asKind('CronJob', newCj)).filter((e) => e.field !== 'metadata.annotations'));
  return dedupe(errs);
}

export function validateObjectMetaUpdate(oldObj: KObject, newObj: KObject): Errs {
  const errs: Errs = [];
  if (newObj.metadata?.name !== oldObj.metadata?.name) errs.push(invalid('metadata.name', newObj.metadata?.name ?? '', 'field is immutable'));
  if ((newObj.metadata?.namespace ?? '') !== (oldObj.metadata?.namespace ?? ''))
    errs.push(invalid('metadata.namespace', newObj.metadata?.namespace ?? '', 'field is immutable'));
  errs.push(...validateLabels(newObj.metadata?.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(newObj.metadata?.annotations, 'metadata.annotations'));
  errs.push(...validateAnnotationsSize(newObj.metadata?.annotations, 'metadata.annotations'));
  return errs;
}


/** Validate a spec update of a Job (both defaulted). Renders the template as `core.PodTemplateSpec{...}`. */
export function validateJobUpdate(oldJob: JobObject, newJob: JobObject): StatusCause[] {
  const spec: Partial<NonNullable<JobObject['spec']>> = newJob.spec ?? {};
  const old: Partial<NonNullable<JobObject['spec']>> = oldJob.spec ?? {};
  const errs = validateObjectMetaUpdate(oldJob, newJob);
  errs.push(...validateJobSpecFull(spec, 'spec'));
  // completions
  if (spec.completionMode !== 'Indexed') {
    if (!jsonEqual(spec.completions, old.completions)) errs.push(invalid('spec.completions', spec.completions ?? null, 'field is immutable'));
  } else if (!jsonEqual(spec.completions, old.completions) && spec.completions != null && spec.completions !== spec.parallelism) {
    errs.push(invalid('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism'));
  }
  if (!jsonEqual(spec.selector, old.selector)) errs.push(invalid('spec.selector', new GoValue(goLabelSelector(spec.selector)), 'field is immutable'));
  // template (scheduling directives are mutable while suspended and never started)
  let oldTpl = old.template;
  const newTpl = spec.template;
  if (old.suspend === true && oldJob.status?.startTime == null && oldTpl && newTpl) {
    oldTpl = structuredClone(oldTpl);
    oldTpl.metadata = { ...(oldTpl.metadata ?? {}), labels: newTpl.metadata?.labels, annotations: newTpl.metadata?.annotations };
    const oldSpec: PodSpec = (oldTpl.spec = { ...(oldTpl.spec ?? ({} as PodSpec)) });
    const mutable = <K extends keyof PodSpec>(k: K) => {
      oldSpec[k] = newTpl.spec?.[k] as PodSpec[K];
    };
    for (const k of ['nodeSelector', 'tolerations', 'schedulingGates', 'affinity'] as const) mutable(k);
  }
  if (!jsonEqual(newTpl, oldTpl)) errs.push(invalid('spec.template', new GoValue('core.PodTemplateSpec{...}'), 'field is immutable'));
  if (!jsonEqual(spec.completionMode, old.completionMode)) errs.push(invalid('spec.completionMode', spec.completionMode ?? null, 'field is immutable'));
  if (!jsonEqual(spec.podFailurePolicy, old.podFailurePolicy))
    errs.push(invalid('spec.podFailurePolicy', new GoValue(spec.podFailurePolicy == null ? 'null' : 'batch.PodFailurePolicy{...}'), 'field is immutable'));
  if (!jsonEqual(spec.backoffLimitPerIndex, old.backoffLimitPerIndex))
    errs.push(invalid('spec.backoffLimitPerIndex', spec.backoffLimitPerIndex ?? null, 'field is immutable'));
  if (!jsonEqual(spec.managedBy, old.managedBy)) errs.push(invalid('spec.managedBy', spec.managedBy ?? null, 'field is immutable'));
  if (!jsonEqual(spec.successPolicy, old.successPolicy))
    errs.push(invalid('spec.successPolicy', new GoValue(spec.successPolicy == null ? 'null' : 'batch.SuccessPolicy{...}'), 'field is immutable'));
  return dedupe(errs);
}
