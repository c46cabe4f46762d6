// kubectl describe for Job, Pod and CronJob: a port of k8s.io/kubectl/pkg/describe/describe.go
// (v0.32). Output is written through text/tabwriter(minwidth 0, padding 2) via a PrefixWriter
// (2 spaces per level), every Write escaped as printers.WriteEscaped does.
import { findNodeRoles, printBoolPtr } from './tables.js';
import { extractContainerResourceValue, formatQuantity, parseQuantity, podResources, quantityMilliValue, quantityValue, zeroQuantity, type Quantity, type ResourceList } from '../api/quantity.js';
import { isTerminalPhase } from '../api/pod_util.js';
import type {
  KObject, JobObject, CronJobObject, PodObject, NodeObject, EventObject, ConfigMapObject, SecretObject, ServiceAccountObject,
  Container, ContainerState, ContainerStatus, EnvVar, PodTemplateSpec, Toleration, Volume,
} from '../api/types.js';
import type { Probe, ResourceRequirements, Taint } from 'kubernetes-types/core/v1.js';
import { describeTabWriter, escapeTerminal, type TabWriter } from './tabwriter.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import { goCompare, labelSelectorString } from './labels.js';
import { twoDigits } from '../util/go.js';

// ---------------------------------------------------------------------------------------------
// Time formatting: Go's time.RFC1123Z in the local zone (metav1.Time is unmarshalled .Local()).

/** Minutes east of UTC for an instant; defaults to the process's zone (TZ). */
export type TzOffsetFn = (d: Date) => number;
const localOffset: TzOffsetFn = (d) => -d.getTimezoneOffset();
let tzOffset: TzOffsetFn = localOffset;

/** For tests: format describe times in another zone (null restores the process's zone). */
export function setDescribeTimeZone(fn: TzOffsetFn | null): void {
  tzOffset = fn ?? localOffset;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon, 02 Jan 2006 15:04:05 -0700"; a zero/unset time is Go's zero time in UTC. */
export function formatRFC1123Z(ts: string | undefined | null, offsetFn: TzOffsetFn = tzOffset): string {
  const t = parseTime(ts);
  if (t === undefined) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(t);
  const off = offsetFn(d);
  const l = new Date(t + off * 60000);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${DAYS[l.getUTCDay()]}, ${twoDigits(l.getUTCDate())} ${MONTHS[l.getUTCMonth()]} ${String(l.getUTCFullYear()).padStart(4, '0')} ` +
    `${twoDigits(l.getUTCHours())}:${twoDigits(l.getUTCMinutes())}:${twoDigits(l.getUTCSeconds())} ${sign}${twoDigits(Math.floor(a / 60))}${twoDigits(a % 60)}`;
}

// ---------------------------------------------------------------------------------------------
// PrefixWriter

class PrefixWriter {
  /** tw: a TabWriter, or any writer (kubectl's printTemplate writes its PrefixWriter unaligned). */
  constructor(private readonly tw: Pick<TabWriter, 'write' | 'flush'>) {}
  write(level: number, s: string): void {
    this.tw.write(escapeTerminal('  '.repeat(level) + s));
  }
  writeLine(s: string): void {
    this.tw.write(escapeTerminal(s + '\n'));
  }
  flush(): void {
    this.tw.flush();
  }
}

function tabbedString(f: (w: PrefixWriter) => void): string {
  let out = '';
  const tw = describeTabWriter((s) => (out += s));
  f(new PrefixWriter(tw));
  tw.flush();
  return out;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_ANNOTATION_LEN = 140;

function sortedKeys(m: Record<string, unknown> | undefined | null, skip?: string): string[] {
  return Object.keys(m ?? {}).filter((k) => k !== skip).sort(goCompare);
}

function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined | null): void {
  w.write(0, `${title}:\t`);
  const keys = sortedKeys(labels);
  if (keys.length === 0) return w.writeLine('<none>');
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function shorten(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length > max) return b.subarray(0, max).toString('utf8') + '...';
  return s;
}

function printAnnotationsMultiline(w: PrefixWriter, title: string, ann: Record<string, string> | undefined | null): void {
  w.write(0, `${title}:\t`);
  const keys = sortedKeys(ann, LAST_APPLIED);
  if (keys.length === 0) return w.writeLine('<none>');
  const indent = '\t';
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, indent);
    let value = ann![k];
    if (value.endsWith('\n')) value = value.slice(0, -1);
    if (byteLen(value) + byteLen(k) + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const s of value.split('\n')) w.write(0, `${indent}  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else {
      w.write(0, `${k}: ${value}\n`);
    }
  });
}

function printController(obj: { metadata: KObject['metadata'] }): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: Toleration[] | undefined): void {
  w.write(0, `${title}:\t`);
  const ts = [...(tolerations ?? [])];
  if (ts.length === 0) return w.writeLine('<none>');
  ts.sort((a, b) => goCompare(a.key ?? '', b.key ?? ''));
  ts.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
    w.write(0, s + '\n');
  });
}

// ---------------------------------------------------------------------------------------------
// Containers

type EnvResolver = ((e: EnvVar) => string) | null;

function describeContainers(label: string, containers: Container[] | undefined, statuses: ContainerStatus[] | undefined,
  resolver: EnvResolver, w: PrefixWriter, space: string): void {
  const cs = containers ?? [];
  const byName = new Map<string, ContainerStatus>();
  for (const s of statuses ?? []) byName.set(s.name, s);
  w.write(0, `${space}${label}:${cs.length === 0 ? ' <none>' : ''}\n`);
  for (const c of cs) {
    const st = byName.get(c.name);
    const ok = statuses !== undefined && st !== undefined;
    // basic info
    w.write(1, `${space.length > 0 ? ' ' : ''}${c.name}:\n`);
    if (ok) w.write(2, `Container ID:\t${st.containerID ?? ''}\n`);
    w.write(2, `Image:\t${c.image ?? ''}\n`);
    if (ok) w.write(2, `Image ID:\t${st.imageID ?? ''}\n`);
    const ports = c.ports ?? [];
    const portString = ports.map((p) => `${p.containerPort}/${p.protocol ?? ''}`).join(', ');
    if (portString.includes(',')) w.write(2, `Ports:\t${portString}\n`);
    else w.write(2, `Port:\t${portString || '<none>'}\n`);
    const hostPortString = ports.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? ''}`).join(', ');
    if (hostPortString.includes(',')) w.write(2, `Host Ports:\t${hostPortString}\n`);
    else w.write(2, `Host Port:\t${hostPortString || '<none>'}\n`);
    const sp = c.securityContext?.seccompProfile;
    if (sp) {
      w.write(2, `SeccompProfile:\t${sp.type}\n`);
      if (sp.type === 'Localhost') w.write(3, `LocalhostProfile:\t${sp.localhostProfile ?? ''}\n`);
    }
    // command
    if (c.command && c.command.length > 0) {
      w.write(2, 'Command:\n');
      for (const x of c.command) for (const s of String(x).split('\n')) w.write(3, `${s}\n`);
    }
    if (c.args && c.args.length > 0) {
      w.write(2, 'Args:\n');
      for (const x of c.args) for (const s of String(x).split('\n')) w.write(3, `${s}\n`);
    }
    if (ok) {
      describeState('State', st.state ?? {}, w);
      if (st.lastState?.terminated) describeState('Last State', st.lastState, w);
      w.write(2, `Ready:\t${st.ready ? 'True' : 'False'}\n`);
      w.write(2, `Restart Count:\t${st.restartCount ?? 0}\n`);
    }
    describeResources(c.resources, w);
    describeProbes(c, w);
    if ((c.envFrom ?? []).length > 0) describeEnvFrom(c, w);
    describeEnv(c, resolver, w);
    describeMounts(c, w);
  }
}

function describeState(name: string, state: ContainerState, w: PrefixWriter): void {
  if (state.running) {
    w.write(2, `${name}:\tRunning\n`);
    w.write(3, `Started:\t${formatRFC1123Z(state.running.startedAt)}\n`);
  } else if (state.waiting) {
    w.write(2, `${name}:\tWaiting\n`);
    if (state.waiting.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state.terminated) {
    const t = state.terminated;
    w.write(2, `${name}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode ?? 0}\n`);
    if ((t.signal ?? 0) > 0) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${formatRFC1123Z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${formatRFC1123Z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${name}:\tWaiting\n`);
  }
}

/** SortedResourceNames: by name. */
function describeResources(r: ResourceRequirements | undefined, w: PrefixWriter): void {
  if (!r) return;
  for (const [title, m] of [['Limits', r.limits], ['Requests', r.requests]] as const) {
    const keys = sortedKeys(m);
    if (keys.length > 0) w.write(2, `${title}:\n`);
    for (const k of keys) w.write(3, `${k}:\t${String(m![k])}\n`);
  }
}

function describeProbe(p: Probe): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 0}s period=${p.periodSeconds ?? 0}s #success=${p.successThreshold ?? 0} #failure=${p.failureThreshold ?? 0}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const h = p.httpGet;
    const scheme = String(h.scheme ?? 'HTTP').toLowerCase();
    const host = h.host ?? '';
    const port = h.port !== undefined ? `:${h.port}` : '';
    return `http-get ${scheme}://${host}${port}${h.path ?? ''} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeProbes(c: Container, w: PrefixWriter): void {
  if (c.livenessProbe) w.write(2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
  if (c.readinessProbe) w.write(2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
  if (c.startupProbe) w.write(2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
}

function describeEnvFrom(c: Container, w: PrefixWriter): void {
  w.write(2, 'Environment Variables from:\n');
  for (const e of c.envFrom ?? []) {
    let from = '';
    let name = '';
    let optional = false;
    if (e.configMapRef) {
      from = 'ConfigMap';
      name = e.configMapRef.name ?? '';
      optional = !!e.configMapRef.optional;
    } else if (e.secretRef) {
      from = 'Secret';
      name = e.secretRef.name ?? '';
      optional = !!e.secretRef.optional;
    }
    if (!e.prefix) w.write(3, `${name}\t${from}\tOptional: ${optional}\n`);
    else w.write(3, `${name}\t${from} with prefix '${e.prefix}'\tOptional: ${optional}\n`);
  }
}

function describeEnv(c: Container, resolver: EnvResolver, w: PrefixWriter): void {
  const env = c.env ?? [];
  w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) {
    const vf = e.valueFrom;
    if (!vf) {
      String(e.value ?? '').split('\n').forEach((s, i) => {
        if (i === 0) w.write(3, `${e.name}:\t${s}\n`);
        else w.write(3, `\t${s}\n`);
      });
      continue;
    }
    if (vf.fieldRef) {
      const v = resolver ? resolver(e) : '';
      w.write(3, `${e.name}:\t${v} (${vf.fieldRef.apiVersion ?? ''}:${vf.fieldRef.fieldPath})\n`);
    } else if (vf.resourceFieldRef) {
      // kubectl reads the container's own requests and limits (not the node's allocatable).
      let v = extractContainerResourceValue(vf.resourceFieldRef, c) ?? '';
      const resource = vf.resourceFieldRef.resource;
      if (v === '0' && (resource === 'limits.cpu' || resource === 'limits.memory')) v = 'node allocatable';
      w.write(3, `${e.name}:\t${v} (${resource})\n`);
    } else if (vf.secretKeyRef) {
      w.write(3, `${e.name}:\t<set to the key '${vf.secretKeyRef.key}' in secret '${vf.secretKeyRef.name}'>\tOptional: ${!!vf.secretKeyRef.optional}\n`);
    } else if (vf.configMapKeyRef) {
      w.write(3, `${e.name}:\t<set to the key '${vf.configMapKeyRef.key}' of config map '${vf.configMapKeyRef.name}'>\tOptional: ${!!vf.configMapKeyRef.optional}\n`);
    }
  }
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function describeMounts(c: Container, w: PrefixWriter): void {
  const mounts = [...(c.volumeMounts ?? [])];
  w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
  mounts.sort((a, b) => goCompare(a.mountPath ?? '', b.mountPath ?? ''));
  for (const m of mounts) {
    const flags = [m.readOnly ? 'ro' : 'rw'];
    if (m.subPath) flags.push(`path=${goQuote(m.subPath)}`);
    w.write(3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`);
  }
  const devices = c.volumeDevices ?? [];
  if (devices.length > 0) {
    w.write(2, 'Devices:\n');
    for (const d of [...devices].sort((a, b) => goCompare(a.devicePath, b.devicePath))) {
      w.write(3, `${d.devicePath} from ${d.name}\n`);
    }
  }
}

/**
 * EnvValueRetriever: kubectl's scheme only has the default field-label conversion
 * (metadata.name, metadata.namespace); any other path fails conversion and resolves to "".
 */
function podFieldPath(pod: PodObject, path: string): string {
  if (path === 'metadata.name') return pod.metadata.name ?? '';
  if (path === 'metadata.namespace') return pod.metadata.namespace ?? '';
  return '';
}

// ---------------------------------------------------------------------------------------------
// Volumes

function describeVolumes(volumes: Volume[] | undefined, w: PrefixWriter, space: string): void {
  const vs = volumes ?? [];
  if (vs.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of vs) {
    w.write(1, `${space.length > 0 ? ' ' : ''}${v.name}:\n`);
    if (v.hostPath) {
      w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? '<none>'}\n`);
    } else if (v.emptyDir) {
      const sl = v.emptyDir.sizeLimit;
      const size = sl !== undefined && sl !== null && !/^0+(\.0*)?[a-zA-Z]*$/.test(String(sl)) ? String(sl) : '<unset>';
      w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v.emptyDir.medium ?? ''}\n    SizeLimit:\t${size}\n`);
    } else if (v.configMap) {
      w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name ?? ''}\n    Optional:\t${!!v.configMap.optional}\n`);
    } else if (v.secret) {
      w.write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v.secret.secretName ?? ''}\n    Optional:\t${!!v.secret.optional}\n`);
    } else if (v.downwardAPI) {
      w.write(2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
      for (const it of v.downwardAPI.items ?? []) {
        if (it.fieldRef) w.write(3, `${it.fieldRef.fieldPath ?? ''} -> ${it.path ?? ''}\n`);
        if (it.resourceFieldRef) w.write(3, `${it.resourceFieldRef.resource ?? ''} -> ${it.path ?? ''}\n`);
      }
    } else if (v.persistentVolumeClaim) {
      w.write(2, `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${v.persistentVolumeClaim.claimName}\n    ReadOnly:\t${!!v.persistentVolumeClaim.readOnly}\n`);
    } else if (v.projected) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const s of v.projected.sources ?? []) {
        if (s.secret) {
          w.write(2, `SecretName:\t${s.secret.name ?? ''}\n    SecretOptionalName:\t${goPtr(s.secret.optional)}\n`);
        } else if (s.downwardAPI) {
          w.write(2, 'DownwardAPI:\ttrue\n');
        } else if (s.configMap) {
          w.write(2, `ConfigMapName:\t${s.configMap.name ?? ''}\n    ConfigMapOptional:\t${goPtr(s.configMap.optional)}\n`);
        } else if (s.serviceAccountToken) {
          w.write(2, `TokenExpirationSeconds:\t${s.serviceAccountToken.expirationSeconds ?? 0}\n`);
        }
      }
    } else {
      w.write(1, '<unknown>\n');
    }
  }
}

/** %v of a *bool: "<nil>" when unset (a set pointer prints an address in kubectl). */
function goPtr(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : String(v);
}

function describePodTemplate(t: PodTemplateSpec | undefined, w: PrefixWriter): void {
  w.write(0, 'Pod Template:\n');
  if (!t) {
    w.write(1, '<unset>');
    return;
  }
  const meta = t.metadata ?? {};
  const spec: Partial<NonNullable<PodTemplateSpec['spec']>> = t.spec ?? {};
  printLabelsMultiline(w, '  Labels', meta.labels);
  if (Object.keys(meta.annotations ?? {}).length > 0) printAnnotationsMultiline(w, '  Annotations', meta.annotations);
  if (spec.serviceAccountName) w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if ((spec.initContainers ?? []).length > 0) describeContainers('Init Containers', spec.initContainers, undefined, null, w, '  ');
  describeContainers('Containers', spec.containers, undefined, null, w, '  ');
  describeVolumes(spec.volumes, w, '  ');
  if (spec.priorityClassName) w.write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  printLabelsMultiline(w, '  Node-Selectors', spec.nodeSelector);
  printTolerationsMultiline(w, '  Tolerations', spec.tolerations);
}

// ---------------------------------------------------------------------------------------------
// Events

function describeEvents(events: EventObject[], w: PrefixWriter, now: Date): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const sorted = [...events].sort((a, b) => (parseTime(a.lastTimestamp) ?? -Infinity) - (parseTime(b.lastTimestamp) ?? -Infinity));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    let first = translateTimestampSince(e.eventTime, now);
    if (parseTime(e.eventTime) === undefined) first = translateTimestampSince(e.firstTimestamp, now);
    let interval: string;
    if (e.series) interval = `${translateTimestampSince(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${translateTimestampSince(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    else interval = first;
    const source = e.source?.component || e.reportingComponent || '';
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${String(e.message ?? '').trim()}\n`);
  }
}

// ---------------------------------------------------------------------------------------------
// Job

function capIndexesListOrNone(indexes: string | undefined, softLimit: number): string {
  if (!indexes) return '<none>';
  let ix = softLimit;
  for (; ix < indexes.length; ix++) if (indexes[ix] === ',') break;
  if (ix >= indexes.length) return indexes;
  return indexes.slice(0, ix) + ',...';
}

export function describeJob(job: JobObject, events: EventObject[], now: Date): string {
  return tabbedString((w) => {
    const spec: Partial<NonNullable<JobObject['spec']>> = job.spec ?? {};
    const st = job.status ?? {};
    w.write(0, `Name:\t${job.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${job.metadata.namespace ?? ''}\n`);
    w.write(0, `Selector:\t${labelSelectorString(spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', job.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', job.metadata.annotations);
    const cb = printController(job);
    if (cb) w.write(0, `Controlled By:\t${cb}\n`);
    if (spec.parallelism !== undefined && spec.parallelism !== null) w.write(0, `Parallelism:\t${spec.parallelism}\n`);
    if (spec.completions !== undefined && spec.completions !== null) w.write(0, `Completions:\t${spec.completions}\n`);
    else w.write(0, 'Completions:\t<unset>\n');
    if (spec.completionMode) w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
    if (spec.suspend !== undefined && spec.suspend !== null) w.write(0, `Suspend:\t${spec.suspend}\n`);
    if (spec.backoffLimit !== undefined && spec.backoffLimit !== null) w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
    if (spec.ttlSecondsAfterFinished !== undefined && spec.ttlSecondsAfterFinished !== null) {
      w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
    }
    if (st.startTime) w.write(0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
    if (st.completionTime) w.write(0, `Completed At:\t${formatRFC1123Z(st.completionTime)}\n`);
    if (st.startTime && st.completionTime) {
      w.write(0, `Duration:\t${humanDuration((parseTime(st.completionTime) ?? 0) - (parseTime(st.startTime) ?? 0))}\n`);
    }
    if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
      w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
    }
    if (st.ready === undefined || st.ready === null) {
      w.write(0, `Pods Statuses:\t${st.active ?? 0} Active / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
    } else {
      w.write(0, `Pods Statuses:\t${st.active ?? 0} Active (${st.ready} Ready) / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
    }
    if (spec.completionMode === 'Indexed') w.write(0, `Completed Indexes:\t${capIndexesListOrNone(st.completedIndexes, 50)}\n`);
    describePodTemplate(spec.template, w);
    describeEvents(events, w, now);
  });
}

// ---------------------------------------------------------------------------------------------
// CronJob


const isSet = (v: unknown) => v !== undefined && v !== null;

/** `jobs` is accepted for callers' convenience; kubectl 1.32 lists Active Jobs from status.active. */
export function describeCronJob(cj: CronJobObject, _jobs: KObject[], events: EventObject[], now: Date): string {
  return tabbedString((w) => {
    const spec: Partial<NonNullable<CronJobObject['spec']>> = cj.spec ?? {};
    const st = cj.status ?? {};
    w.write(0, `Name:\t${cj.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${cj.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cj.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', cj.metadata.annotations);
    w.write(0, `Schedule:\t${spec.schedule ?? ''}\n`);
    w.write(0, `Concurrency Policy:\t${spec.concurrencyPolicy ?? ''}\n`);
    w.write(0, `Suspend:\t${printBoolPtr(spec.suspend)}\n`);
    w.write(0, `Successful Job History Limit:\t${isSet(spec.successfulJobsHistoryLimit) ? spec.successfulJobsHistoryLimit : '<unset>'}\n`);
    w.write(0, `Failed Job History Limit:\t${isSet(spec.failedJobsHistoryLimit) ? spec.failedJobsHistoryLimit : '<unset>'}\n`);
    w.write(0, `Starting Deadline Seconds:\t${isSet(spec.startingDeadlineSeconds) ? `${spec.startingDeadlineSeconds}s` : '<unset>'}\n`);
    const jt: Partial<NonNullable<NonNullable<typeof spec.jobTemplate>['spec']>> = spec.jobTemplate?.spec ?? {};
    w.write(0, `Selector:\t${jt.selector ? labelSelectorString(jt.selector) : '<unset>'}\n`);
    w.write(0, `Parallelism:\t${isSet(jt.parallelism) ? jt.parallelism : '<unset>'}\n`);
    w.write(0, `Completions:\t${isSet(jt.completions) ? jt.completions : '<unset>'}\n`);
    if (isSet(jt.activeDeadlineSeconds)) w.write(0, `Active Deadline Seconds:\t${jt.activeDeadlineSeconds}s\n`);
    describePodTemplate(jt.template, w);
    w.write(0, `Last Schedule Time:\t${st.lastScheduleTime ? formatRFC1123Z(st.lastScheduleTime) : '<unset>'}\n`);
    w.write(0, 'Active Jobs:\t');
    const active = st.active ?? [];
    if (active.length === 0) w.writeLine('<none>');
    else {
      w.write(0, active.map((j) => j.name ?? '').join(', '));
      w.writeLine('');
    }
    describeEvents(events, w, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Pod

/** kubectl util/qos.GetPodQOS: status.qosClass, else computed from requests and limits. */
function podQOS(pod: PodObject): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const requests: Record<string, boolean> = {};
  const limits: Record<string, boolean> = {};
  let isGuaranteed = true;
  const supported = (n: string) => n === 'cpu' || n === 'memory';
  const nonZero = (q: unknown) => !/^0+(\.0*)?[a-zA-Z]*$/.test(String(q));
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const [n, q] of Object.entries(req)) if (supported(n) && nonZero(q)) requests[n] = true;
    const qosLimits: Record<string, boolean> = {};
    for (const [n, q] of Object.entries(lim)) if (supported(n) && nonZero(q)) { qosLimits[n] = true; limits[n] = true; }
    if (!qosLimits.cpu || !qosLimits.memory) isGuaranteed = false;
  }
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const c of containers) {
      const req = c.resources?.requests ?? {};
      const lim = c.resources?.limits ?? {};
      for (const n of ['cpu', 'memory']) if (req[n] !== undefined && String(req[n]) !== String(lim[n] as string | undefined)) isGuaranteed = false;
    }
  }
  return isGuaranteed ? 'Guaranteed' : 'Burstable';
}

export function describePod(pod: PodObject, events: EventObject[], now: Date): string {
  return tabbedString((w) => {
    const spec: Partial<NonNullable<PodObject['spec']>> = pod.spec ?? {};
    const st = pod.status ?? {};
    w.write(0, `Name:\t${pod.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${pod.metadata.namespace ?? ''}\n`);
    if (isSet(spec.priority)) w.write(0, `Priority:\t${spec.priority}\n`);
    if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
    if (spec.runtimeClassName) w.write(0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
    if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
    if (!spec.nodeName) w.write(0, 'Node:\t<none>\n');
    else w.write(0, `Node:\t${spec.nodeName}/${st.hostIP ?? ''}\n`);
    if (st.startTime) w.write(0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
    printLabelsMultiline(w, 'Labels', pod.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', pod.metadata.annotations);
    if (pod.metadata.deletionTimestamp && !isTerminalPhase(st.phase)) {
      w.write(0, `Status:\tTerminating (lasts ${translateTimestampSince(pod.metadata.deletionTimestamp, now)})\n`);
      w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
    } else {
      w.write(0, `Status:\t${st.phase ?? ''}\n`);
    }
    if (st.reason) w.write(0, `Reason:\t${st.reason}\n`);
    if (st.message) w.write(0, `Message:\t${st.message}\n`);
    const sp = spec.securityContext?.seccompProfile;
    if (sp) {
      w.write(0, `SeccompProfile:\t${sp.type}\n`);
      if (sp.type === 'Localhost') w.write(1, `LocalhostProfile:\t${sp.localhostProfile ?? ''}\n`);
    }
    w.write(0, `IP:\t${st.podIP ?? ''}\n`);
    const ips = st.podIPs ?? [];
    if (ips.length === 0) w.write(0, 'IPs:\t<none>\n');
    else {
      w.write(0, 'IPs:\n');
      for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
    }
    const cb = printController(pod);
    if (cb) w.write(0, `Controlled By:\t${cb}\n`);
    if (st.nominatedNodeName) w.write(0, `NominatedNodeName:\t${st.nominatedNodeName}\n`);
    const resolver: EnvResolver = (e) => podFieldPath(pod, e.valueFrom!.fieldRef!.fieldPath);
    if ((spec.initContainers ?? []).length > 0) {
      describeContainers('Init Containers', spec.initContainers, st.initContainerStatuses ?? [], resolver, w, '');
    }
    describeContainers('Containers', spec.containers, st.containerStatuses ?? [], resolver, w, '');
    if ((spec.ephemeralContainers ?? []).length > 0) {
      describeContainers('Ephemeral Containers', spec.ephemeralContainers as Container[], st.ephemeralContainerStatuses ?? [], resolver, w, '');
    }
    const gates = spec.readinessGates ?? [];
    if (gates.length > 0) {
      w.write(0, 'Readiness Gates:\n  Type\tStatus\n');
      for (const g of gates) {
        const c = (st.conditions ?? []).find((c) => c.type === g.conditionType);
        w.write(1, `${g.conditionType} \t${c ? c.status : '<none>'} \n`);
      }
    }
    const conds = st.conditions ?? [];
    if (conds.length > 0) {
      w.write(0, 'Conditions:\n  Type\tStatus\n');
      for (const c of conds) w.write(1, `${c.type} \t${c.status} \n`);
    }
    describeVolumes(spec.volumes, w, '');
    w.write(0, `QoS Class:\t${podQOS(pod)}\n`);
    printLabelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
    printTolerationsMultiline(w, 'Tolerations', spec.tolerations);
    describeEvents(events, w, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Node

function printNodeTaintsMultiline(w: PrefixWriter, title: string, taints: Taint[] | undefined): void {
  w.write(0, `${title}:\t`);
  const ts = [...(taints ?? [])];
  if (ts.length === 0) return w.writeLine('<none>');
  const key = (t: Taint) => `${t.effect ?? ''},${t.key ?? ''}`;
  ts.sort((a, b) => goCompare(key(a), key(b)));
  ts.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${t.value ? `${t.key}=${t.value}` : t.key}:${t.effect ?? ''}\n`);
  });
}

const q0 = (list: ResourceList, name: string): Quantity => list[name] ?? zeroQuantity();
const milli = (q: Quantity | undefined) => Number(q ? quantityMilliValue(q.value) : 0n);
const whole = (q: Quantity | undefined) => Number(q ? quantityValue(q.value) : 0n);
/** Go's int64(float64(a) / float64(b) * 100) (NaN and Inf as Go converts them on amd64). */
const percent = (a: number, b: number): number => {
  const f = (a / b) * 100;
  return Number.isFinite(f) ? Math.trunc(f) : -9223372036854775808;
};

/**
 * kubectl describe node. `pods` are the node's non-terminated pods (spec.nodeName = the node, not
 * Succeeded or Failed). The Lease section is the kubelet's node lease as a cluster shows it: held by
 * the node, renewed at its last heartbeat.
 */
export function describeNode(node: NodeObject, pods: PodObject[], events: EventObject[], now: Date): string {
  return tabbedString((w) => {
    const st = node.status ?? {};
    const spec = node.spec ?? {};
    w.write(0, `Name:\t${node.metadata.name ?? ''}\n`);
    const roles = findNodeRoles(node);
    w.write(0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', node.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
    w.write(0, `CreationTimestamp:\t${formatRFC1123Z(node.metadata.creationTimestamp)}\n`);
    printNodeTaintsMultiline(w, 'Taints', spec.taints);
    w.write(0, `Unschedulable:\t${spec.unschedulable === true}\n`);
    const ready = (st.conditions ?? []).find((c) => c.type === 'Ready');
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${node.metadata.name ?? ''}\n`);
    w.write(1, 'AcquireTime:\t<unset>\n');
    w.write(1, `RenewTime:\t${ready?.lastHeartbeatTime ? formatRFC1123Z(ready.lastHeartbeatTime) : '<unset>'}\n`);
    const conds = st.conditions ?? [];
    if (conds.length > 0) {
      w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of conds) {
        w.write(1, `${c.type} \t${c.status} \t${formatRFC1123Z(c.lastHeartbeatTime)} \t${formatRFC1123Z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
      }
    }
    w.write(0, 'Addresses:\n');
    for (const a of st.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
    const printResourceList = (list: Record<string, unknown> | undefined = {}) => {
      for (const name of Object.keys(list).sort()) {
        const q = parseQuantity(list[name]);
        w.write(0, `  ${name}:\t${q ? formatQuantity(q) : String(list[name])}\n`);
      }
    };
    if (Object.keys(st.capacity ?? {}).length > 0) {
      w.write(0, 'Capacity:\n');
      printResourceList(st.capacity);
    }
    if (Object.keys(st.allocatable ?? {}).length > 0) {
      w.write(0, 'Allocatable:\n');
      printResourceList(st.allocatable);
    }
    const info: Partial<NonNullable<typeof st.nodeInfo>> = st.nodeInfo ?? {};
    w.write(0, 'System Info:\n');
    w.write(0, `  Machine ID:\t${info.machineID ?? ''}\n`);
    w.write(0, `  System UUID:\t${info.systemUUID ?? ''}\n`);
    w.write(0, `  Boot ID:\t${info.bootID ?? ''}\n`);
    w.write(0, `  Kernel Version:\t${info.kernelVersion ?? ''}\n`);
    w.write(0, `  OS Image:\t${info.osImage ?? ''}\n`);
    w.write(0, `  Operating System:\t${info.operatingSystem ?? ''}\n`);
    w.write(0, `  Architecture:\t${info.architecture ?? ''}\n`);
    w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`);
    w.write(0, `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`);
    w.write(0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}\n`);
    if (spec.podCIDR) w.write(0, `PodCIDR:\t${spec.podCIDR}\n`);
    if (spec.podCIDRs && spec.podCIDRs.length > 0) w.write(0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
    if (spec.providerID) w.write(0, `ProviderID:\t${spec.providerID}\n`);
    describeNodeResource(pods, node, w, now);
    describeEvents(events, w, now);
  });
}

function describeNodeResource(pods: PodObject[], node: NodeObject, w: PrefixWriter, now: Date): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const st = node.status ?? {};
  const raw: Record<string, unknown> = (Object.keys(st.allocatable ?? {}).length > 0 ? st.allocatable : st.capacity) ?? {};
  const allocatable: ResourceList = {};
  for (const [k, v] of Object.entries(raw)) {
    const q = parseQuantity(v);
    if (q) allocatable[k] = q;
  }
  const allocCpu = milli(allocatable.cpu);
  const allocMem = whole(allocatable.memory);
  const fmt = (q: Quantity) => formatQuantity(q);
  for (const pod of pods) {
    const req = podResources(pod, 'requests');
    const lim = podResources(pod, 'limits');
    const [cr, cl, mr, ml] = [q0(req, 'cpu'), q0(lim, 'cpu'), q0(req, 'memory'), q0(lim, 'memory')];
    w.write(1, `${pod.metadata.namespace ?? ''}\t${pod.metadata.name ?? ''}\t\t${fmt(cr)} (${percent(milli(cr), allocCpu)}%)\t${fmt(cl)} (${percent(milli(cl), allocCpu)}%)\t` +
      `${fmt(mr)} (${percent(whole(mr), allocMem)}%)\t${fmt(ml)} (${percent(whole(ml), allocMem)}%)\t${translateTimestampSince(pod.metadata.creationTimestamp, now)}\n`);
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const reqs: ResourceList = {};
  const limits: ResourceList = {};
  for (const pod of pods) {
    for (const [k, q] of Object.entries(podResources(pod, 'requests'))) reqs[k] = reqs[k] ? { value: addRational(reqs[k], q), format: reqs[k].format } : q;
    for (const [k, q] of Object.entries(podResources(pod, 'limits'))) limits[k] = limits[k] ? { value: addRational(limits[k], q), format: limits[k].format } : q;
  }
  const row = (name: string, a: number, measure: (q: Quantity | undefined) => number) => {
    const r = q0(reqs, name);
    const l = q0(limits, name);
    const fr = a !== 0 ? percent(measure(r), a) : 0;
    const fl = a !== 0 ? percent(measure(l), a) : 0;
    w.write(1, `${name}\t${fmt(r)} (${fr}%)\t${fmt(l)} (${fl}%)\n`);
  };
  row('cpu', allocCpu, milli);
  row('memory', allocMem, whole);
  row('ephemeral-storage', whole(allocatable['ephemeral-storage']), whole);
  const names = Object.keys(allocatable);
  for (const h of names.filter((n) => n.startsWith('hugepages-')).sort()) row(h, whole(allocatable[h]), whole);
  const standard = (n: string) => ['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(n) || n.startsWith('hugepages-');
  for (const ext of names.filter((n) => !standard(n)).sort()) w.write(1, `${ext}\t${fmt(q0(reqs, ext))}\t${fmt(q0(limits, ext))}\n`);
}

function addRational(a: Quantity, b: Quantity): Quantity['value'] {
  return { num: a.value.num * b.value.den + b.value.num * a.value.den, den: a.value.den * b.value.den };
}

/** Several describe outputs, as kubectl prints them: separated by a blank line pair. */
export function describeObjects(outputs: string[]): string {
  return outputs.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// ConfigMap, Secret, ServiceAccount
//
// kubectl ranges over the data maps, so it prints their keys in Go's random map order; kjob
// prints them sorted (one of the orders kubectl prints).

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedDataKeys = (m: unknown) => Object.keys((m as object) ?? {}).sort(byteOrder);
const decodedLength = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').length : 0);

export function describeConfigMap(cm: ConfigMapObject, events: EventObject[], now: Date): string {
  return tabbedString((w) => {
    w.write(0, `Name:\t${cm.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${cm.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cm.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
    w.write(0, '\nData\n====\n');
    const data = cm.data ?? {};
    for (const k of sortedDataKeys(data)) {
      w.write(0, `${k}:\n----\n`);
      w.write(0, `${data[k] ?? ''}\n`);
      w.write(0, '\n');
    }
    w.write(0, '\nBinaryData\n====\n');
    const bin = cm.binaryData ?? {};
    for (const k of sortedDataKeys(bin)) w.write(0, `${k}: ${decodedLength(bin[k])} bytes\n`);
    w.write(0, '\n');
    describeEvents(events, w, now);
  });
}

/** Byte counts only, never values (but the token of a service-account-token Secret, as kubectl). */
export function describeSecret(secret: SecretObject): string {
  return tabbedString((w) => {
    w.write(0, `Name:\t${secret.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${secret.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', secret.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', secret.metadata.annotations);
    w.write(0, `\nType:\t${secret.type ?? ''}\n`);
    w.write(0, '\nData\n====\n');
    const data = secret.data ?? {};
    for (const k of sortedDataKeys(data)) {
      if (k === 'token' && secret.type === 'kubernetes.io/service-account-token') {
        w.write(0, `${k}:\t${Buffer.from(data[k] ?? '', 'base64').toString('utf8')}\n`);
      } else {
        w.write(0, `${k}:\t${decodedLength(data[k])} bytes\n`);
      }
    }
  });
}

/**
 * `secrets` are the Secrets of the account's namespace: its tokens (service-account-token
 * Secrets naming it by name and uid) and which referenced Secrets are missing.
 */
export function describeServiceAccount(sa: ServiceAccountObject, secrets: SecretObject[], events: EventObject[], now: Date): string {
  return tabbedString((w) => {
    w.write(0, `Name:\t${sa.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${sa.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', sa.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', sa.metadata.annotations);
    const existing = new Set(secrets.map((s) => s.metadata.name));
    const tokens = secrets
      .filter((s) => s.type === 'kubernetes.io/service-account-token')
      .filter((s) => s.metadata.annotations?.['kubernetes.io/service-account.name'] === sa.metadata.name
        && s.metadata.annotations?.['kubernetes.io/service-account.uid'] === sa.metadata.uid)
      .map((s) => s.metadata.name ?? '');
    const names = (refs: { name?: string }[] | undefined) => (refs ?? []).map((r) => r?.name ?? '');
    const pull = names(sa.imagePullSecrets);
    const mount = names(sa.secrets);
    const missing = new Set([...pull, ...mount].filter((n) => !existing.has(n)));
    const groups: [string, string[]][] = [
      ['Image pull secrets:', pull],
      ['Mountable secrets: ', mount],
      ['Tokens:            ', tokens],
    ];
    const empty = '                   ';
    for (const [header, list] of groups) {
      if (list.length === 0) {
        w.write(0, `${header}\t<none>\n`);
        continue;
      }
      let prefix = header;
      for (const n of list) {
        w.write(0, `${prefix}\t${n}${missing.has(n) ? ' (not found)' : ''}\n`);
        prefix = empty;
      }
    }
    describeEvents(events, w, now);
  });
}

// The building blocks, for the describers of other kinds (src/printers/describe_more.ts, describe_apps.ts).
export { tabbedString, printLabelsMultiline, printAnnotationsMultiline, describeEvents, PrefixWriter, printController, describePodTemplate };
