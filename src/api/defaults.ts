// The versioned defaulting functions the apiserver's decoder applies to every body it reads
// (pkg/apis/core/v1/defaults.go, pkg/apis/batch/v1/defaults.go), and the object transforms the
// registry strategies use at create time (Job selector generation, QoS class, Service addresses).
// The strategies themselves are src/apiserver/registry; the admission plugins src/apiserver/admission.
import { createHash } from 'node:crypto';
import { asKind, ZERO_TIME, type KObject, type JobObject, type CronJobObject, type JobSpec, type PodSpec, type PodTemplateSpec, type Container, type Volume, type ServiceObject } from './types.js';
import type { ResourceInfo } from './resources.js';
import type { HTTPGetAction, Probe, DownwardAPIVolumeFile, ServicePort } from 'kubernetes-types/core/v1.js';
import type { PodFailurePolicy } from 'kubernetes-types/batch/v1.js';
import type { DeploymentSpec } from 'kubernetes-types/apps/v1.js';


export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
const isEmptyMap = (m: unknown) => m === undefined || m === null || Object.keys(m as object).length === 0;

/**
 * SetDefaults_<Kind>: the object with the defaults the decoder fills in, a new one unless owned
 * (obj is the caller's own copy, the apiserver's decoded body: defaulted in place, as the decoder
 * defaults the object it has just made). Nothing here depends on the object's name or uid (those
 * are set later, by the registry); what does is in the strategies' PrepareForCreate.
 */
export function setDefaults(info: ResourceInfo, obj: KObject, owned = false): KObject {
  const o = (owned ? obj : clone(obj)) as KObject;
  o.metadata = o.metadata ?? {};
  switch (info.kind) {
    case 'Job':
      defaultJob(asKind('Job', o));
      break;
    case 'CronJob':
      defaultCronJob(asKind('CronJob', o));
      break;
    case 'Deployment':
    case 'ReplicaSet':
      defaultAppsWorkload(info.kind, o);
      break;
    case 'Endpoints':
      // SetDefaults_EndpointPort: TCP unless said otherwise.
      for (const ss of asKind('Endpoints', o).subsets ?? []) for (const p of ss.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
      break;
    case 'EndpointSlice':
      // discovery/v1 SetDefaults_EndpointPort: name "" and TCP.
      for (const p of asKind('EndpointSlice', o).ports ?? []) {
        if (p.name == null) p.name = '';
        if (!p.protocol) p.protocol = 'TCP';
      }
      break;
    case 'Pod': {
      const pod = asKind('Pod', o);
      pod.spec = defaultPodSpec(pod.spec ?? ({} as PodSpec), false);
      break;
    }
    case 'Service':
      defaultService(asKind('Service', o));
      break;
    case 'Namespace':
      // SetDefaults_Namespace: the name label (again once a generated name is known).
      if (o.metadata.name) o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      break;
    case 'Secret':
      defaultSecret(o);
      break;
    case 'ConfigMap':
    case 'ServiceAccount':
    case 'Node':
    case 'Event':
      break;
  }
  return o;
}

// ---------------------------------------------------------------- Secret

/** SetDefaults_Secret (type Opaque) and the v1 conversion that merges stringData into data
 * (stringData wins; it is write-only and never stored). Data values stay base64, as served. */
function defaultSecret(o: KObject): void {
  if (!o.type) o.type = 'Opaque';
  const sd = o.stringData as Record<string, string | null> | undefined;
  if (sd && typeof sd === 'object' && Object.keys(sd).length > 0) {
    const data: Record<string, string> = { ...((o.data as Record<string, string> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(v ?? '', 'utf8').toString('base64');
    o.data = data;
  }
  delete o.stringData;
}

// ---------------------------------------------------------------- Job

function defaultJob(o: JobObject): void {
  const spec: JobSpec = (o.spec = o.spec ?? ({} as JobSpec));
  // SetDefaults_Job, in order
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism == null) spec.parallelism = 1;
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  if (spec.completionMode == null) spec.completionMode = 'NonIndexed';
  if (spec.suspend == null) spec.suspend = false;
  defaultPodFailurePolicy(spec);
  if (spec.podReplacementPolicy == null) spec.podReplacementPolicy = spec.podFailurePolicy != null ? 'Failed' : 'TerminatingOrFailed';
  if (spec.manualSelector == null) spec.manualSelector = false;
  spec.template = defaultPodTemplate(spec.template ?? {});
  mirrorJobLabels(o);
}

/**
 * SetDefaults_Job step 4, as a Job reads back from storage: with no labels of its own it carries
 * the (generator-augmented) template labels.
 */
export function mirrorJobLabels(o: JobObject): void {
  const tl = o.spec?.template?.metadata?.labels;
  if (isEmptyMap(o.metadata.labels) && tl != null) o.metadata.labels = { ...tl };
}

/** JobStrategy.PrepareForCreate's generateSelector: the controller-uid and job-name labels and selector. */
export function generateJobSelector(o: JobObject): void {
  const spec = o.spec!;
  const name = o.metadata.name ?? '';
  const uid = o.metadata.uid ?? '';
  const meta = (spec.template.metadata ??= {});
  const labels: Record<string, string> = (meta.labels = meta.labels ?? {});
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  spec.selector = spec.selector ?? {};
  spec.selector.matchLabels = spec.selector.matchLabels ?? {};
  if (!(CONTROLLER_UID_LABEL in spec.selector.matchLabels)) spec.selector.matchLabels[CONTROLLER_UID_LABEL] = uid;
}

function defaultPodFailurePolicy(spec: { podFailurePolicy?: PodFailurePolicy }): void {
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const p of rule?.onPodConditions ?? []) if (p && !p.status) p.status = 'True';
  }
}

/** PodTemplateSpec as serialised by a v1.32 apiserver: metadata always present with
 * `creationTimestamp: null` (the zero metav1.Time; omitted only from v1.33, kubernetes#130989).
 * In place, as defaultPodSpec: the template is part of setDefaults' own copy. */
export function defaultPodTemplate(tpl: PodTemplateSpec): PodTemplateSpec {
  tpl.metadata = { creationTimestamp: ZERO_TIME, ...(tpl.metadata ?? {}) };
  if (tpl.metadata.creationTimestamp === undefined) tpl.metadata = { ...tpl.metadata, creationTimestamp: ZERO_TIME };
  tpl.spec = defaultPodSpec(tpl.spec ?? ({} as PodSpec), true);
  return tpl;
}

// ---------------------------------------------------------------- apps/v1

/** SetDefaults_Deployment and SetDefaults_ReplicaSet (pkg/apis/apps/v1/defaults.go), and the template's pod defaults. */
function defaultAppsWorkload(kind: 'Deployment' | 'ReplicaSet', obj: KObject): void {
  // A ReplicaSet's spec has a subset of the Deployment's fields, of the same types.
  const o: { spec?: Partial<DeploymentSpec> } = asKind(kind, obj);
  const spec = (o.spec = o.spec ?? {});
  if (spec.replicas == null) spec.replicas = 1;
  if (kind === 'Deployment') {
    const strategy = (spec.strategy = spec.strategy ?? {});
    if (!strategy.type) strategy.type = 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const ru = (strategy.rollingUpdate = strategy.rollingUpdate ?? {});
      if (ru.maxUnavailable == null) ru.maxUnavailable = '25%';
      if (ru.maxSurge == null) ru.maxSurge = '25%';
    }
    if (spec.revisionHistoryLimit == null) spec.revisionHistoryLimit = 10;
    if (spec.progressDeadlineSeconds == null) spec.progressDeadlineSeconds = 600;
  }
  spec.template = defaultPodTemplate(spec.template ?? {});
}

// ---------------------------------------------------------------- CronJob

function defaultCronJob(o: CronJobObject): void {
  const spec = (o.spec = o.spec ?? ({} as NonNullable<CronJobObject['spec']>));
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  if (spec.suspend == null) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit == null) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit == null) spec.failedJobsHistoryLimit = 1;
  const jt = (spec.jobTemplate = { ...(spec.jobTemplate ?? {}) });
  jt.metadata = { creationTimestamp: ZERO_TIME, ...(jt.metadata ?? {}) };
  if (jt.metadata.creationTimestamp === undefined) jt.metadata = { ...jt.metadata, creationTimestamp: ZERO_TIME };
  jt.spec = { ...(jt.spec ?? ({} as JobSpec)) };
  // Job-level defaults are not applied to the template (SetDefaults_Job takes a *Job); pod
  // template defaults are.
  jt.spec.template = defaultPodTemplate(jt.spec.template ?? {});
}

// ---------------------------------------------------------------- PodSpec

/** SetDefaults_PodSpec + per-container/volume defaults; isTemplate=false adds SetDefaults_Pod. In
 * place: the spec is part of setDefaults' own copy. */
export function defaultPodSpec(spec: PodSpec, isTemplate: boolean): PodSpec {
  const s: PodSpec = spec ?? ({} as PodSpec);
  if (!s.dnsPolicy) s.dnsPolicy = 'ClusterFirst';
  if (!s.restartPolicy) s.restartPolicy = 'Always';
  if (s.securityContext == null) s.securityContext = {};
  if (s.terminationGracePeriodSeconds == null) s.terminationGracePeriodSeconds = 30;
  if (!s.schedulerName) s.schedulerName = 'default-scheduler';
  if (!isTemplate && s.enableServiceLinks == null) s.enableServiceLinks = true;
  for (const list of [s.initContainers, s.containers, s.ephemeralContainers as Container[] | undefined]) {
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      list[i] = defaultContainer(list[i] ?? ({} as Container), !!s.hostNetwork);
      if (!isTemplate) requestsFromLimits(list[i]);
    }
  }
  if (Array.isArray(s.volumes)) s.volumes = s.volumes.map(defaultVolume);
  return s;
}

function defaultContainer(c: Container, hostNetwork: boolean): Container {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  if (c.resources == null) c.resources = {};
  for (const p of c.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (hostNetwork && p.hostPort == null) p.hostPort = p.containerPort;
  }
  for (const e of c.env ?? []) {
    if (e?.valueFrom?.fieldRef && !e.valueFrom.fieldRef.apiVersion) e.valueFrom.fieldRef.apiVersion = 'v1';
    // ResourceFieldSelector.divisor is a Quantity value, never omitted: unset reads back as "0".
    if (e?.valueFrom?.resourceFieldRef && e.valueFrom.resourceFieldRef.divisor == null) e.valueFrom.resourceFieldRef.divisor = '0';
  }
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) if (c[k]) defaultProbe(c[k]!);
  for (const k of ['postStart', 'preStop'] as const) if (c.lifecycle?.[k]?.httpGet) defaultHTTPGet(c.lifecycle[k]!.httpGet!);
  return c;
}

function defaultProbe(p: Probe): void {
  if (p.timeoutSeconds == null) p.timeoutSeconds = 1;
  if (p.periodSeconds == null) p.periodSeconds = 10;
  if (p.successThreshold == null) p.successThreshold = 1;
  if (p.failureThreshold == null) p.failureThreshold = 3;
  if (p.httpGet) defaultHTTPGet(p.httpGet);
  if (p.grpc && p.grpc.service == null) p.grpc.service = '';
}

function defaultHTTPGet(h: HTTPGetAction): void {
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

/** parsers.ParseImageName's tag: untagged (and not digest-pinned) images count as :latest. */
export function imageTag(image: string): string {
  if (!image) return '';
  const at = image.indexOf('@');
  const beforeDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', lastSlash + 1);
  if (colon >= 0) return beforeDigest.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function requestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits || Object.keys(limits).length === 0) return;
  const requests = (c.resources!.requests = c.resources!.requests ?? {});
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function defaultVolume(v: Volume): Volume {
  const vol = v ?? ({} as Volume);
  // (image is newer than kubernetes-types: read by its name all the same)
  if (!VOLUME_SOURCES.some((k) => vol[k as keyof Volume] != null)) vol.emptyDir = {};
  if (vol.hostPath && vol.hostPath.type == null) vol.hostPath.type = '';
  if (vol.secret && vol.secret.defaultMode == null) vol.secret.defaultMode = 420;
  if (vol.configMap && vol.configMap.defaultMode == null) vol.configMap.defaultMode = 420;
  if (vol.downwardAPI) {
    if (vol.downwardAPI.defaultMode == null) vol.downwardAPI.defaultMode = 420;
    defaultDownwardItems(vol.downwardAPI.items);
  }
  if (vol.projected) {
    if (vol.projected.defaultMode == null) vol.projected.defaultMode = 420;
    for (const src of vol.projected.sources ?? []) {
      if (src?.serviceAccountToken && src.serviceAccountToken.expirationSeconds == null) src.serviceAccountToken.expirationSeconds = 3600;
      if (src?.downwardAPI) defaultDownwardItems(src.downwardAPI.items);
    }
  }
  return vol;
}

function defaultDownwardItems(items: DownwardAPIVolumeFile[] | undefined): void {
  for (const it of items ?? []) {
    if (it?.fieldRef && !it.fieldRef.apiVersion) it.fieldRef.apiVersion = 'v1';
    if (it?.resourceFieldRef && it.resourceFieldRef.divisor == null) it.resourceFieldRef.divisor = '0';
  }
}

// ---------------------------------------------------------------- QoS

const UNITS: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** resource.Quantity as a number (enough precision to compare and to test for zero). */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  return n * UNITS[m[3] ?? ''];
}

/** qos.GetPodQOS over cpu and memory of containers and init containers. */
export function podQOSClass(spec: PodSpec | undefined): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests: Record<string, number> = {};
  const limits: Record<string, number> = {};
  let guaranteed = true;
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  for (const c of all) {
    for (const [k, v] of Object.entries(c?.resources?.requests ?? {})) {
      if (k !== 'cpu' && k !== 'memory') continue;
      const n = parseQuantity(v);
      if (n > 0) requests[k] = (requests[k] ?? 0) + n;
    }
    const seen = new Set<string>();
    for (const [k, v] of Object.entries(c?.resources?.limits ?? {})) {
      if (k !== 'cpu' && k !== 'memory') continue;
      const n = parseQuantity(v);
      if (n > 0) {
        seen.add(k);
        limits[k] = (limits[k] ?? 0) + n;
      }
    }
    if (!seen.has('cpu') || !seen.has('memory')) guaranteed = false;
  }
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, v] of Object.entries(requests)) {
      if (limits[k] === undefined || Math.abs(limits[k] - v) > 1e-12 * Math.max(1, v)) {
        guaranteed = false;
        break;
      }
    }
  }
  if (guaranteed && Object.keys(requests).length === Object.keys(limits).length) return 'Guaranteed';
  return 'Burstable';
}

// ---------------------------------------------------------------- Service

/** A stable fake ClusterIP in 10.96.0.0/12's first /16, derived from the uid. Skips .0.0, .0.1 and .0.10. */
export function clusterIPFor(uid: string): string {
  const h = createHash('sha256').update(uid).digest();
  let x = h[0];
  let y = h[1];
  if (x === 0 && (y === 0 || y === 1 || y === 10)) y = 11 + h[2] % 200;
  if (x === 255 && y === 255) y = 254;
  return `10.96.${x}.${y}`;
}

function defaultService(o: ServiceObject): void {
  const spec = (o.spec = o.spec ?? {});
  if (!spec.type) spec.type = 'ClusterIP';
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    if (!spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null) spec.allocateLoadBalancerNodePorts = true;
}

/**
 * What the Service REST allocates on create (ClusterIP from the uid, node ports) and the
 * IP-family fields it fills in with them.
 */
export function allocateServiceAddresses(o: ServiceObject, uid: string): void {
  const spec = (o.spec = o.spec ?? {});
  if (spec.type !== 'ExternalName') {
    if (!spec.clusterIP) spec.clusterIP = spec.clusterIPs?.[0] ?? clusterIPFor(uid);
    if (!spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
    if (!spec.ipFamilies) spec.ipFamilies = ['IPv4'];
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
    if (!spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    (spec.ports ?? []).forEach((p: ServicePort, i: number) => {
      if (p.nodePort == null) {
        const h = createHash('sha256').update(`${uid}/${i}`).digest();
        p.nodePort = 30000 + (h.readUInt16BE(0) % 2768);
      }
    });
  }
}

