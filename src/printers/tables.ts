// The server-side Table conversion: a port of k8s.io/kubernetes/pkg/printers/internalversion
// printers.go for the kinds kjob stores. The apiserver always generates the wide cells
// (GenerateOptions{Wide: true}); the client (get.ts) hides priority>0 columns unless -o wide.
import type {
  Kind, KObject, PodObject, JobObject, CronJobObject, ServiceObject, NodeObject, NamespaceObject,
  EventObject, ConfigMapObject, DeploymentObject, ReplicaSetObject, SecretObject, ServiceAccountObject, Container, PodStatusWire, JobStatus,
} from '../api/types.js';
import type { LoadBalancerStatus, ServicePort } from 'kubernetes-types/core/v1.js';
import type { DeploymentSpec, DeploymentStatus, ReplicaSetSpec, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import { Since, type Cell, type SinceFields } from '../api/table_view.js';
import { isRestartableInitContainer, isTerminalPhase } from '../api/pod_util.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import { printEndpoints, printEndpointSlice } from './endpoints.js';
import { formatLabels, formatLabelSelector } from './labels.js';

export interface Column {
  name: string;
  priority: number;
}

export interface TableRow {
  cells: string[];
  object: KObject;
}

export interface Table {
  columns: Column[];
  rows: TableRow[];
}

const col = (name: string, priority = 0): Column => ({ name, priority });

export const COLUMNS: Record<Kind, Column[]> = {
  Pod: [
    col('Name'), col('Ready'), col('Status'), col('Restarts'), col('Age'),
    col('IP', 1), col('Node', 1), col('Nominated Node', 1), col('Readiness Gates', 1),
  ],
  Job: [
    col('Name'), col('Status'), col('Completions'), col('Duration'), col('Age'),
    col('Containers', 1), col('Images', 1), col('Selector', 1),
  ],
  CronJob: [
    col('Name'), col('Schedule'), col('Timezone'), col('Suspend'), col('Active'), col('Last Schedule'), col('Age'),
    col('Containers', 1), col('Images', 1), col('Selector', 1),
  ],
  Deployment: [
    col('Name'), col('Ready'), col('Up-to-date'), col('Available'), col('Age'),
    col('Containers', 1), col('Images', 1), col('Selector', 1),
  ],
  ReplicaSet: [
    col('Name'), col('Desired'), col('Current'), col('Ready'), col('Age'),
    col('Containers', 1), col('Images', 1), col('Selector', 1),
  ],
  Event: [
    col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 1), col('Source', 1),
    col('Message'), col('First Seen', 1), col('Count', 1), col('Name', 1),
  ],
  Service: [
    col('Name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 1),
  ],
  Endpoints: [col('Name'), col('Endpoints'), col('Age')],
  EndpointSlice: [col('Name'), col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
  Namespace: [col('Name'), col('Status'), col('Age')],
  Node: [
    col('Name'), col('Status'), col('Roles'), col('Age'), col('Version'),
    col('Internal-IP', 1), col('External-IP', 1), col('OS-Image', 1), col('Kernel-Version', 1), col('Container-Runtime', 1),
  ],
  ConfigMap: [col('Name'), col('Data'), col('Age')],
  Secret: [col('Name'), col('Type'), col('Data'), col('Age')],
  ServiceAccount: [col('Name'), col('Secrets'), col('Age')],
};

export function toTable(kind: Kind, objects: KObject[], now: Date): Table {
  const columns = COLUMNS[kind].map((c) => ({ ...c }));
  const rows = objects.map((o) => ({ cells: cellsFor(kind, o, now), object: o }));
  return { columns, rows };
}

/**
 * The cells of a row of a kind with a table view (api/table_view.ts), its clock's cells as Since:
 * printed by printCells at any time, they are the cells cellsFor prints then. wide false: as cellsFor.
 */
export function rowCells(kind: Kind, o: KObject, wide = true): Cell[] | undefined {
  switch (kind) {
    case 'Pod': return podRow(o as PodObject);
    case 'Job': return jobRow(o as JobObject, wide);
    case 'CronJob': return cronJobRow(o as CronJobObject, wide);
    default: return undefined;
  }
}

/** translateTimestampSince, with the clock read when the cell is printed. */
const sinceCell = (ts: string | undefined | null): Cell => {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : new Since(t);
};

/** A row's cells as printed at now; a cell that is neither text nor a Since is left as it is (an odd object's). */
function printCells(cells: readonly unknown[], now: Date): unknown[] {
  return cells.map((c) => (c instanceof Since ? printSince(c, now) : c));
}

/** A Since as printed at now (also one read back from JSON, a plain object of the same fields). */
export function printSince(c: SinceFields, now: Date): string {
  return `${c.prefix ?? ''}${humanDuration(now.getTime() - c.since)}${c.suffix ?? ''}`;
}

/**
 * The cells of an object's row. wide false: a table printed without -o wide, whose priority-1
 * cells are not shown, may leave the costly ones empty (the label selectors of Jobs and CronJobs).
 */
export function cellsFor(kind: Kind, o: KObject, now: Date, wide = true): string[] {
  switch (kind) {
    case 'Pod':
    case 'Job':
    case 'CronJob':
      // Not strings only for an object of an odd shape (get.ts checks every cell).
      return printCells(rowCells(kind, o, wide)!, now) as string[];
    case 'Deployment': return printDeployment(o as DeploymentObject, now);
    case 'ReplicaSet': return printReplicaSet(o as ReplicaSetObject, now);
    case 'Event': return printEvent(o as EventObject, now);
    case 'Service': return printService(o as ServiceObject, now);
    case 'Endpoints': return printEndpoints(o, now);
    case 'EndpointSlice': return printEndpointSlice(o, now);
    case 'Namespace': return printNamespace(o as NamespaceObject, now);
    case 'Node': return printNode(o as NodeObject, now);
    case 'ConfigMap': return printConfigMap(o as ConfigMapObject, now);
    case 'Secret': return printSecret(o as SecretObject, now);
    case 'ServiceAccount': return printServiceAccount(o as ServiceAccountObject, now);
  }
}

function printNamespace(o: NamespaceObject, now: Date): string[] {
  return [o.metadata.name ?? '', String(o.status?.phase ?? ''), translateTimestampSince(o.metadata.creationTimestamp, now)];
}

function printConfigMap(o: ConfigMapObject, now: Date): string[] {
  return [o.metadata.name ?? '', String(count(o.data) + count(o.binaryData)), translateTimestampSince(o.metadata.creationTimestamp, now)];
}

function printSecret(o: SecretObject, now: Date): string[] {
  return [o.metadata.name ?? '', String(o.type ?? ''), String(count(o.data)), translateTimestampSince(o.metadata.creationTimestamp, now)];
}

function printServiceAccount(o: ServiceAccountObject, now: Date): string[] {
  return [o.metadata.name ?? '', String((o.secrets ?? []).length), translateTimestampSince(o.metadata.creationTimestamp, now)];
}

const count = (m: unknown) => (m && typeof m === 'object' ? Object.keys(m).length : 0);

// ---------------------------------------------------------------------------------------------
// Node

/** findNodeRoles: node-role.kubernetes.io/<role> labels and a kubernetes.io/role value, sorted. */
export function findNodeRoles(o: { metadata: KObject['metadata'] }): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

function printNode(o: NodeObject, now: Date): string[] {
  const st = o.status ?? {};
  const status: string[] = [];
  const ready = (st.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (o.spec?.unschedulable) status.push('SchedulingDisabled');
  const roles = findNodeRoles(o);
  const address = (type: string) => (st.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
  const info: Partial<NonNullable<typeof st.nodeInfo>> = st.nodeInfo ?? {};
  return [
    o.metadata.name ?? '', status.join(','), roles.join(',') || '<none>', translateTimestampSince(o.metadata.creationTimestamp, now), info.kubeletVersion ?? '',
    address('InternalIP'), address('ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
  ];
}

// ---------------------------------------------------------------------------------------------
// Pod

function conditionTrue(status: PodStatusWire | JobStatus | undefined, type: string): boolean {
  return (status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** The later of two timestamps (ms), a zero time being undefined. */
function later(a: number | undefined, ts: string | undefined | null): number | undefined {
  const t = parseTime(ts);
  if (t === undefined) return a;
  if (a === undefined || a < t) return t;
  return a;
}

export interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

export function podSummary(pod: PodObject, now: Date): PodSummary {
  const s = podSummaryCells(pod);
  return { ...s, restarts: s.restarts instanceof Since ? printSince(s.restarts, now) : s.restarts };
}

/** podSummary, its RESTARTS a Since when it tells how long ago the last restart was. */
function podSummaryCells(pod: PodObject): { ready: string; reason: string; restarts: Cell } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const podPhase = status.phase ?? '';
  let reason = podPhase;
  if (status.reason) reason = status.reason;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    if (cs.lastState?.terminated) lastRestart = later(lastRestart, cs.lastState.terminated.finishedAt);
    const sidecar = isRestartableInitContainer(initContainers.get(cs.name));
    if (sidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      if (cs.lastState?.terminated) lastSidecarRestart = later(lastSidecarRestart, cs.lastState.terminated.finishedAt);
    }
    const term = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) {
        reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      } else {
        reason = 'Init:' + term.reason;
      }
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = 'Init:' + waiting.reason;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += cs.restartCount ?? 0;
      if (cs.lastState?.terminated) lastRestart = later(lastRestart, cs.lastState.terminated.finishedAt);
      const waiting = cs.state?.waiting;
      const term = cs.state?.terminated;
      if (waiting && waiting.reason) {
        reason = waiting.reason;
      } else if (term && term.reason) {
        reason = term.reason;
      } else if (term) {
        reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = !!pod.metadata.deletionTimestamp;
  if (deleting && status.reason === 'NodeLost') {
    reason = 'Unknown';
  } else if (deleting && !isTerminalPhase(podPhase)) {
    reason = 'Terminating';
  }

  let restartsCell: Cell = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) restartsCell = new Since(lastRestart, `${restarts} (`, ' ago)');
  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts: restartsCell };
}

function podRow(pod: PodObject): Cell[] {
  const s = podSummaryCells(pod);
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const podIP = (status.podIPs ?? [])[0]?.ip || '<none>';
  const nodeName = spec.nodeName || '<none>';
  const nominated = status.nominatedNodeName || '<none>';
  let gates = '<none>';
  const rg = spec.readinessGates ?? [];
  if (rg.length > 0) {
    let t = 0;
    for (const g of rg) {
      const c = (status.conditions ?? []).find((c) => c.type === g.conditionType);
      if (c && c.status === 'True') t++;
    }
    gates = `${t}/${rg.length}`;
  }
  return [
    pod.metadata.name ?? '', s.ready, s.reason, s.restarts, sinceCell(pod.metadata.creationTimestamp),
    podIP, nodeName, nominated, gates,
  ];
}

// ---------------------------------------------------------------------------------------------
// Job and CronJob


export function jobStatus(job: JobObject): string {
  const st = job.status ?? {};
  if (conditionTrue(st, 'Complete')) return 'Complete';
  if (conditionTrue(st, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (conditionTrue(st, 'Suspended')) return 'Suspended';
  if (conditionTrue(st, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function layoutContainerCells(containers: Container[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

function jobRow(job: JobObject, wide: boolean): Cell[] {
  const spec: Partial<NonNullable<JobObject['spec']>> = job.spec ?? {};
  const st = job.status ?? {};
  const succeeded = st.succeeded ?? 0;
  let completions: string;
  if (spec.completions !== undefined && spec.completions !== null) {
    completions = `${succeeded}/${spec.completions}`;
  } else {
    const parallelism = spec.parallelism ?? 0;
    completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  }
  let dur: Cell = '';
  const start = parseTime(st.startTime);
  const end = parseTime(st.completionTime);
  if (start !== undefined) dur = end !== undefined ? humanDuration(end - start) : new Since(start);
  const [names, images] = layoutContainerCells(spec.template?.spec?.containers);
  return [
    job.metadata.name ?? '', jobStatus(job), completions, dur, sinceCell(job.metadata.creationTimestamp),
    names, images, wide ? formatLabelSelector(spec.selector) : '',
  ];
}

// ---------------------------------------------------------------------------------------------
// Deployment and ReplicaSet (printDeployment, printReplicaSet)

function printDeployment(d: DeploymentObject, now: Date): string[] {
  const spec: Partial<DeploymentSpec> = d.spec ?? {};
  const st: DeploymentStatus = d.status ?? {};
  const [names, images] = layoutContainerCells(spec.template?.spec?.containers);
  return [
    d.metadata.name ?? '', `${st.readyReplicas ?? 0}/${spec.replicas ?? 0}`, String(st.updatedReplicas ?? 0), String(st.availableReplicas ?? 0),
    translateTimestampSince(d.metadata.creationTimestamp, now), names, images, formatLabelSelector(spec.selector),
  ];
}

function printReplicaSet(rs: ReplicaSetObject, now: Date): string[] {
  const spec: Partial<ReplicaSetSpec> = rs.spec ?? {};
  const st: Partial<ReplicaSetStatus> = rs.status ?? {};
  const [names, images] = layoutContainerCells(spec.template?.spec?.containers);
  return [
    rs.metadata.name ?? '', String(spec.replicas ?? 0), String(st.replicas ?? 0), String(st.readyReplicas ?? 0),
    translateTimestampSince(rs.metadata.creationTimestamp, now), names, images, formatLabelSelector(spec.selector),
  ];
}

/** Go %v of a *bool as the CronJob printers show it: True, False or <unset>. */
export function printBoolPtr(v: unknown): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

function cronJobRow(cj: CronJobObject, wide: boolean): Cell[] {
  const spec: Partial<NonNullable<CronJobObject['spec']>> = cj.spec ?? {};
  const st = cj.status ?? {};
  const last = st.lastScheduleTime ? sinceCell(st.lastScheduleTime) : '<none>';
  const [names, images] = layoutContainerCells(spec.jobTemplate?.spec?.template?.spec?.containers);
  return [
    cj.metadata.name ?? '', spec.schedule ?? '', spec.timeZone ?? '<none>', printBoolPtr(spec.suspend),
    String((st.active ?? []).length), last, sinceCell(cj.metadata.creationTimestamp),
    names, images, wide ? formatLabelSelector(spec.jobTemplate?.spec?.selector) : '',
  ];
}

// ---------------------------------------------------------------------------------------------
// Event

function printEvent(e: EventObject, now: Date): string[] {
  let first = translateTimestampSince(e.firstTimestamp, now);
  if (parseTime(e.firstTimestamp) === undefined) first = translateTimestampSince(e.eventTime, now);
  let last = translateTimestampSince(e.lastTimestamp, now);
  if (parseTime(e.lastTimestamp) === undefined) last = first;
  let count = e.count ?? 0;
  if (e.series) {
    last = translateTimestampSince(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const io = e.involvedObject ?? {};
  const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  const source = instance ? `${component}, ${instance}` : component;
  return [
    last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', source,
    String(e.message ?? '').trim(), first, String(count), e.metadata.name ?? '',
  ];
}

// ---------------------------------------------------------------------------------------------
// Service

function loadBalancerStatusStringer(lb: LoadBalancerStatus | undefined, wide: boolean): string {
  const result: string[] = [];
  for (const ing of lb?.ingress ?? []) {
    if (ing.ip) result.push(ing.ip);
    else if (ing.hostname) result.push(ing.hostname);
  }
  let r = result.join(',');
  if (!wide && r.length > 16) r = r.slice(0, 13) + '...';
  return r;
}

function serviceExternalIP(svc: ServiceObject, wide: boolean): string {
  const spec = svc.spec ?? {};
  const ext = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length > 0 ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatusStringer(svc.status?.loadBalancer, wide);
      if (ext.length > 0) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

function printService(svc: ServiceObject, now: Date): string[] {
  const spec = svc.spec ?? {};
  const clusterIP = (spec.clusterIPs ?? [])[0] ?? '<none>';
  const ports = (spec.ports ?? [])
    .map((p: ServicePort) => ((p.nodePort ?? 0) > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`))
    .join(',');
  // The apiserver generates wide cells, but EXTERNAL-IP is computed once; kubectl shows the same cell.
  return [
    svc.metadata.name ?? '', spec.type ?? '', clusterIP, serviceExternalIP(svc, true), ports || '<none>',
    translateTimestampSince(svc.metadata.creationTimestamp, now), formatLabels(spec.selector),
  ];
}
