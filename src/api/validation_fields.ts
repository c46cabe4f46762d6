// Value checks of kube-apiserver's validation that catch a wrong sign, an out-of-range or an
// oversized value in a field of Job, CronJob, Pod and Service (pkg/apis/core/validation,
// apimachinery's ValidateAnnotations and util/validation), with its field paths and messages.
// validateCreate (validation.ts) appends these to the rules it already has.
import type { StatusCause } from '../errors.js';
import type { KObject, JobObject, CronJobObject, PodObject, ServiceObject } from './types.js';
import { isQualifiedName } from './names.js';
import { parseQuantity } from './defaults.js';
import { isRestartableInitContainer } from './pod_util.js';
import { forbidden, invalid, required, tooLong } from './field_errors.js';

type Errs = StatusCause[];

/** ValidateAnnotationsSize: keys and values together, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const PORT_RANGE_ERROR = 'must be between 1 and 65535, inclusive';
const ID_RANGE_ERROR = 'must be between 0 and 2147483647, inclusive';
const NON_NEGATIVE = 'must be greater than or equal to 0';
const RELAXED_ENV_NAME_ERROR = "a valid environment variable name must consist only of printable ASCII characters other than '='";

// The objects here may be any shape (validation runs on what was decoded, and on what a state
// file written before decoding was strict holds): every value is unknown until narrowed.
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** apimachinery ValidateAnnotations' size rule. */
export function validateAnnotationsSize(ann: unknown, field: string): Errs {
  if (!isObj(ann)) return [];
  let total = 0;
  for (const [k, v] of Object.entries(ann)) total += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  return total > TOTAL_ANNOTATION_SIZE_LIMIT ? [tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT)] : [];
}

/** validation.IsValidPortName */
export function portNameErrors(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port[0] === '-' || port[port.length - 1] === '-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** validation.IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is beta, on, in v1.32). */
export function envVarNameErrors(name: string): string[] {
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c > 0x7e || c < 0x20 || ch === '=') return [RELAXED_ENV_NAME_ERROR];
  }
  return [];
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

function validateResources(res: unknown, path: string): Errs {
  const errs: Errs = [];
  if (!isObj(res)) return errs;
  for (const kind of ['limits', 'requests']) {
    const m = res[kind];
    if (!isObj(m)) continue;
    for (const name of Object.keys(m).sort()) {
      const p = `${path}.${kind}[${name}]`;
      const qn = isQualifiedName(name);
      for (const msg of qn) errs.push(invalid(p, name, msg));
      if (qn.length === 0 && !name.includes('/') && !STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
        errs.push(invalid(p, name, 'must be a standard resource type or fully qualified'));
      }
      const q = parseQuantity(m[name]);
      if (q < 0) errs.push(invalid(p, String(m[name]), NON_NEGATIVE));
    }
  }
  return errs;
}

/**
 * validateHandler: exactly one of the handler types kinds names (a probe's, or a lifecycle hook's),
 * a second one refused where it comes, and the one found checked: exec's command, the port of
 * httpGet and tcpSocket (a missing port is IntOrString's 0).
 */
function validateHandler(handler: unknown, path: string, kinds: readonly string[]): Errs {
  const errs: Errs = [];
  if (!isObj(handler)) return errs;
  let found = 0;
  for (const kind of kinds) {
    const h = handler[kind];
    if (h === undefined || h === null) continue;
    if (found++ > 0) {
      errs.push(forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    if (!isObj(h)) continue;
    if (kind === 'exec' && list(h.command).length === 0) errs.push(required(`${path}.exec.command`));
    if (kind === 'httpGet' || kind === 'tcpSocket') {
      const port = h.port ?? 0;
      if (num(port) && (port < 1 || port > 65535)) errs.push(invalid(`${path}.${kind}.port`, port, PORT_RANGE_ERROR));
      // ValidatePortNumOrName: a string, even an empty one, is a port name.
      else if (typeof port === 'string') for (const msg of portNameErrors(port)) errs.push(invalid(`${path}.${kind}.port`, port, msg));
    }
  }
  if (found === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

function validateProbe(probe: unknown, path: string): Errs {
  const errs: Errs = [];
  if (!isObj(probe)) return errs;
  errs.push(...validateHandler(probe, path, PROBE_HANDLERS));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (num(probe[f]) && probe[f] < 0) errs.push(invalid(`${path}.${f}`, probe[f], NON_NEGATIVE));
  }
  if (num(probe.terminationGracePeriodSeconds) && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validateSecurityContextIDs(sc: unknown, path: string, podLevel: boolean): Errs {
  const errs: Errs = [];
  if (!isObj(sc)) return errs;
  const ids = podLevel ? ['runAsUser', 'runAsGroup', 'fsGroup'] : ['runAsUser', 'runAsGroup'];
  for (const f of ids) {
    if (num(sc[f]) && (sc[f] < 0 || sc[f] > 2147483647)) errs.push(invalid(`${path}.${f}`, sc[f], ID_RANGE_ERROR));
  }
  if (podLevel) {
    list(sc.supplementalGroups).forEach((g, i) => {
      if (num(g) && (g < 0 || g > 2147483647)) errs.push(invalid(`${path}.supplementalGroups[${i}]`, g, ID_RANGE_ERROR));
    });
  }
  return errs;
}

/** plainInit: an init container that is no sidecar, whose probes and lifecycle are refused, not looked into (validateInitContainers). */
function validateContainer(c: unknown, path: string, plainInit = false): Errs {
  const errs: Errs = [];
  if (!isObj(c)) return errs;
  if (typeof c.image === 'string' && c.image.length > 0 && c.image !== c.image.trim()) {
    errs.push(invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  }
  list(c.ports).forEach((port, i) => {
    if (!isObj(port)) return;
    const pp = `${path}.ports[${i}]`;
    if (typeof port.name === 'string' && port.name.length > 0) for (const msg of portNameErrors(port.name)) errs.push(invalid(`${pp}.name`, port.name, msg));
    if (num(port.hostPort) && port.hostPort !== 0 && (port.hostPort < 1 || port.hostPort > 65535)) errs.push(invalid(`${pp}.hostPort`, port.hostPort, PORT_RANGE_ERROR));
  });
  list(c.env).forEach((e, i) => {
    if (isObj(e) && typeof e.name === 'string' && e.name.length > 0) {
      for (const msg of envVarNameErrors(e.name)) errs.push(invalid(`${path}.env[${i}].name`, e.name, msg));
    }
  });
  errs.push(...validateResources(c.resources, `${path}.resources`));
  if (!plainInit) {
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) errs.push(...validateProbe(c[probe], `${path}.${probe}`));
    if (isObj(c.lifecycle)) for (const h of ['postStart', 'preStop']) errs.push(...validateHandler(c.lifecycle[h], `${path}.lifecycle.${h}`, LIFECYCLE_HANDLERS));
  }
  errs.push(...validateSecurityContextIDs(c.securityContext, `${path}.securityContext`, false));
  return errs;
}

function validateMode(mode: unknown, path: string): Errs {
  return num(mode) && (mode < 0 || mode > 0o777) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function validateVolumes(volumes: unknown, path: string): Errs {
  const errs: Errs = [];
  list(volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const vp = `${path}[${i}]`;
    for (const src of ['secret', 'configMap', 'downwardAPI', 'projected']) {
      const s = v[src];
      if (!isObj(s)) continue;
      errs.push(...validateMode(s.defaultMode, `${vp}.${src}.defaultMode`));
      list(s.items).forEach((it, j) => {
        if (isObj(it)) errs.push(...validateMode(it.mode, `${vp}.${src}.items[${j}].mode`));
      });
    }
  });
  return errs;
}

/** The value rules of a pod spec at `path` (spec, spec.template.spec, ...). */
export function validatePodSpecValues(spec: unknown, path: string): Errs {
  const errs: Errs = [];
  if (!isObj(spec)) return errs;
  errs.push(...validateVolumes(spec.volumes, `${path}.volumes`));
  list(spec.containers).forEach((c, i) => errs.push(...validateContainer(c, `${path}.containers[${i}]`)));
  list(spec.initContainers).forEach((c, i) => errs.push(...validateContainer(c, `${path}.initContainers[${i}]`, !(isObj(c) && isRestartableInitContainer(c)))));
  errs.push(...validateSecurityContextIDs(spec.securityContext, `${path}.securityContext`, true));
  list(spec.topologySpreadConstraints).forEach((t, i) => {
    if (isObj(t) && num(t.maxSkew) && t.maxSkew <= 0) errs.push(invalid(`${path}.topologySpreadConstraints[${i}].maxSkew`, t.maxSkew, 'must be greater than zero'));
  });
  const aff = isObj(spec.affinity) ? spec.affinity : {};
  const weights = (terms: unknown, p: string) =>
    list(terms).forEach((t, i) => {
      if (isObj(t) && num(t.weight) && (t.weight < 1 || t.weight > 100)) errs.push(invalid(`${p}[${i}].weight`, t.weight, 'must be in the range 1-100'));
    });
  if (isObj(aff.nodeAffinity)) weights(aff.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, `${path}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`);
  for (const k of ['podAffinity', 'podAntiAffinity']) {
    if (isObj(aff[k])) weights(aff[k].preferredDuringSchedulingIgnoredDuringExecution, `${path}.affinity.${k}.preferredDuringSchedulingIgnoredDuringExecution`);
  }
  return errs;
}

function templateValues(tpl: unknown, path: string): Errs {
  if (!isObj(tpl)) return [];
  return [...validateAnnotationsSize(isObj(tpl.metadata) ? tpl.metadata.annotations : undefined, `${path}.annotations`), ...validatePodSpecValues(tpl.spec, `${path}.spec`)];
}

export function validateJobValues(job: JobObject): Errs {
  return [...validateAnnotationsSize(job.metadata?.annotations, 'metadata.annotations'), ...templateValues(job.spec?.template, 'spec.template')];
}

export function validateCronJobValues(cj: CronJobObject): Errs {
  const jt = cj.spec?.jobTemplate;
  return [
    ...validateAnnotationsSize(cj.metadata?.annotations, 'metadata.annotations'),
    ...validateAnnotationsSize(jt?.metadata?.annotations, 'spec.jobTemplate.metadata.annotations'),
    ...templateValues(jt?.spec?.template, 'spec.jobTemplate.spec.template'),
  ];
}

export function validatePodValues(pod: PodObject): Errs {
  return [...validateAnnotationsSize(pod.metadata?.annotations, 'metadata.annotations'), ...validatePodSpecValues(pod.spec, 'spec')];
}

export function validateServiceValues(svc: ServiceObject): Errs {
  const errs = validateAnnotationsSize(svc.metadata?.annotations, 'metadata.annotations');
  const spec: NonNullable<ServiceObject['spec']> = svc.spec ?? {};
  list(spec.ports).forEach((p, i) => {
    if (!isObj(p)) return;
    const pp = `spec.ports[${i}]`;
    if (num(p.nodePort) && p.nodePort !== 0) {
      if (p.nodePort < 1 || p.nodePort > 65535) errs.push(invalid(`${pp}.nodePort`, p.nodePort, PORT_RANGE_ERROR));
      if ((spec.type ?? 'ClusterIP') === 'ClusterIP') errs.push(forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    }
    const tp = p.targetPort;
    if (num(tp)) {
      if (tp < 1 || tp > 65535) errs.push(invalid(`${pp}.targetPort`, tp, PORT_RANGE_ERROR));
    } else if (typeof tp === 'string') {
      for (const msg of portNameErrors(tp)) errs.push(invalid(`${pp}.targetPort`, tp, msg));
    }
  });
  if (spec.sessionAffinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (num(t) && (t <= 0 || t > 86400)) errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  }
  return errs;
}

export function validateNamespaceValues(ns: KObject): Errs {
  return validateAnnotationsSize(ns.metadata?.annotations, 'metadata.annotations');
}
