// `kjob timeline`: when each pod of a Job ran, computed from what the store holds (no clock, no
// I/O): the Job (creation, startTime, completionTime, conditions, activeDeadlineSeconds), its pods
// (creation, each container attempt's startedAt/finishedAt from state and lastState, exit codes,
// deletion) and its events. One row per completion index (Indexed Jobs) or per pod; a row's
// segments are its pods' pending time, attempts, and the back-offs between them. Deleted pods are
// gone from the store: the timeline says how many, from the Job's events and counters.
import { jobState } from '../api/job_util.js';
import type { JobObject, PodObject, EventObject, JobCondition, PodConditionWire } from '../api/types.js';
import { isPodTerminal } from '../api/pod_util.js';

export type SegmentKind = 'pending' | 'running' | 'succeeded' | 'failed' | 'backoff';

export interface Segment {
  kind: SegmentKind;
  start: number;
  end: number;
  pod: string;
  /** container attempt (0 = first run), for running/succeeded/failed */
  attempt?: number;
  exitCode?: number;
  reason?: string;
  /** still going at `now` */
  open?: boolean;
}

export interface Row {
  /** "index 2", or the pod name */
  label: string;
  segments: Segment[];
}

export type MarkerKind = 'created' | 'started' | 'deadline' | 'complete' | 'failed' | 'suspended' | 'resumed';

export interface Marker {
  kind: MarkerKind;
  at: number;
  text: string;
}

export interface TimelineEvent {
  at: number;
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
}

export interface JobTimeline {
  name: string;
  namespace: string;
  /** Complete, Failed, Suspended, Running, Pending (kubectl get's STATUS words) */
  state: string;
  reason?: string;
  message?: string;
  indexed: boolean;
  parallelism?: number;
  completions?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  succeeded: number;
  failed: number;
  rows: Row[];
  markers: Marker[];
  events: TimelineEvent[];
  notes: string[];
  /** attempts drawn (one bar each) */
  attempts: number;
}

export interface Timeline {
  /** what was asked: job.batch/pi or cronjob.batch/hello */
  subject: string;
  start: number;
  end: number;
  now: number;
  jobs: JobTimeline[];
  notes: string[];
}

const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

const time = (s: unknown): number | undefined => {
  if (typeof s !== 'string') return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};


/** The pods of a Job: its controller-uid label (or owner reference). */
export function podsOfJob(job: JobObject, pods: PodObject[]): PodObject[] {
  const uid = job.metadata.uid;
  return pods.filter(
    (p) =>
      p.metadata.namespace === job.metadata.namespace &&
      (p.metadata.labels?.['batch.kubernetes.io/controller-uid'] === uid ||
        p.metadata.labels?.['controller-uid'] === uid ||
        (p.metadata.ownerReferences ?? []).some((o) => o.uid === uid)),
  );
}

/** The Job's events, and its pods' warnings (the routine Scheduled/Pulled/Started are left out). */
export function eventsOfJob(job: JobObject, pods: PodObject[], events: EventObject[]): TimelineEvent[] {
  const podUids = new Set(pods.map((p) => p.metadata.uid));
  return events
    .filter((e) => {
      const io = e.involvedObject ?? {};
      if (io.namespace !== undefined && io.namespace !== job.metadata.namespace) return false;
      return io.uid === job.metadata.uid || (podUids.has(io.uid) && e.type === 'Warning');
    })
    .map((x) => {
      return {
        at: time(x.lastTimestamp) ?? time(x.firstTimestamp) ?? time(x.eventTime) ?? 0,
        type: x.type ?? '',
        reason: x.reason ?? '',
        message: x.message ?? '',
        object: `${(x.involvedObject.kind ?? '').toLowerCase()}/${x.involvedObject.name ?? ''}`,
        count: x.count ?? 1,
      };
    })
    .sort((a, b) => a.at - b.at);
}

function firstCondition(job: JobObject, type: string): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => c.type === type);
}

/** A Job's state in one word (api/job_util.ts). */
export const jobStateWord = jobState;

interface Attempt {
  start: number;
  end?: number;
  exitCode?: number;
  reason?: string;
  attempt: number;
}

/** A pod's segments: pending until its first attempt, attempts, back-offs between them. */
function podSegments(pod: PodObject, now: number, notes: string[]): Segment[] {
  const name = pod.metadata.name!;
  const created = time(pod.metadata.creationTimestamp) ?? now;
  const main = (pod.spec?.containers ?? [])[0]?.name;
  const st = (pod.status?.containerStatuses ?? []).find((s) => s.name === main) ?? (pod.status?.containerStatuses ?? [])[0];
  const terminal = isPodTerminal(pod);
  const deleted = time(pod.metadata.deletionTimestamp);
  const restarts = st?.restartCount ?? 0;
  const attempts: Attempt[] = [];
  const last = st?.lastState?.terminated;
  if (last && time(last.startedAt) !== undefined) {
    attempts.push({ start: time(last.startedAt)!, end: time(last.finishedAt), exitCode: last.exitCode, reason: last.reason, attempt: Math.max(0, restarts - 1) });
  }
  const cur: NonNullable<NonNullable<typeof st>['state']> = st?.state ?? {};
  if (cur.terminated && time(cur.terminated.startedAt) !== undefined) {
    attempts.push({ start: time(cur.terminated.startedAt)!, end: time(cur.terminated.finishedAt), exitCode: cur.terminated.exitCode, reason: cur.terminated.reason, attempt: restarts });
  } else if (cur.running && time(cur.running.startedAt) !== undefined) {
    attempts.push({ start: time(cur.running.startedAt)!, attempt: restarts });
  }
  if (restarts > 1) notes.push(`pod ${name} restarted ${restarts} times: its status keeps only the last ${attempts.length} attempt(s), the first ${restarts + 1 - attempts.length} are not drawn`);
  // When the pod's story ends: its last attempt's end, its deletion, or now.
  const podEnd = (fallback: number) => (terminal || deleted !== undefined ? Math.min(fallback, deleted ?? fallback) : now);
  const segs: Segment[] = [];
  const firstStart = attempts[0]?.start;
  const pendingEnd = firstStart ?? (terminal ? (time(conditionTime(pod, 'Ready')) ?? deleted ?? created) : (deleted ?? now));
  if (pendingEnd > created || attempts.length === 0) {
    segs.push({ kind: 'pending', start: created, end: Math.max(created, pendingEnd), pod: name, open: attempts.length === 0 && !terminal && deleted === undefined, reason: cur.waiting?.reason });
  }
  attempts.forEach((a, i) => {
    if (i > 0) {
      const prevEnd = attempts[i - 1].end ?? a.start;
      if (a.start > prevEnd) segs.push({ kind: 'backoff', start: prevEnd, end: a.start, pod: name, reason: 'CrashLoopBackOff' });
    }
    if (a.end === undefined) {
      segs.push({ kind: 'running', start: a.start, end: podEnd(now), pod: name, attempt: a.attempt, open: !terminal && deleted === undefined });
    } else {
      segs.push({ kind: a.exitCode === 0 ? 'succeeded' : 'failed', start: a.start, end: Math.max(a.start, a.end), pod: name, attempt: a.attempt, exitCode: a.exitCode, reason: a.reason });
    }
  });
  // Waiting to restart after the last recorded attempt (CrashLoopBackOff now).
  const lastA = attempts[attempts.length - 1];
  if (lastA?.end !== undefined && cur.waiting && !terminal && deleted === undefined) {
    segs.push({ kind: 'backoff', start: lastA.end, end: now, pod: name, reason: cur.waiting.reason, open: true });
  }
  return segs;
}

function conditionTime(pod: PodObject, type: string): string | undefined {
  return (pod.status?.conditions ?? []).find((c: PodConditionWire) => c.type === type)?.lastTransitionTime;
}

/** The timeline of one Job, from its pods and events as the store holds them. */
export function jobTimeline(job: JobObject, allPods: PodObject[], allEvents: EventObject[], now: number): JobTimeline {
  const pods = podsOfJob(job, allPods).sort(
    (a, b) => (time(a.metadata.creationTimestamp) ?? 0) - (time(b.metadata.creationTimestamp) ?? 0) || a.metadata.name!.localeCompare(b.metadata.name!),
  );
  const indexed = job.spec?.completionMode === 'Indexed';
  const notes: string[] = [];
  const rows: Row[] = [];
  let attempts = 0;
  const byIndex = new Map<string, Segment[]>();
  for (const pod of pods) {
    const segs = podSegments(pod, now, notes);
    attempts += segs.filter((s) => s.kind === 'running' || s.kind === 'succeeded' || s.kind === 'failed').length;
    if (!indexed) {
      // A replacement pod: the back-off since the latest failure before it was created.
      const created = time(pod.metadata.creationTimestamp);
      const failures = rows.flatMap((r) => r.segments.filter((x) => x.kind === 'failed').map((x) => x.end)).filter((f) => created !== undefined && f < created);
      if (failures.length && created !== undefined) segs.unshift({ kind: 'backoff', start: Math.max(...failures), end: created, pod: pod.metadata.name!, reason: 'pod back-off' });
      rows.push({ label: pod.metadata.name!, segments: segs });
      continue;
    }
    const idx = pod.metadata.annotations?.[INDEX_ANNOTATION] ?? pod.metadata.labels?.[INDEX_ANNOTATION] ?? '?';
    const row = byIndex.get(idx) ?? [];
    // the back-off between a failed pod of this index and its replacement
    const prev = row[row.length - 1];
    const created = time(pod.metadata.creationTimestamp);
    if (prev && created !== undefined && created > prev.end && (prev.kind === 'failed' || prev.kind === 'pending')) {
      row.push({ kind: 'backoff', start: prev.end, end: created, pod: pod.metadata.name!, reason: 'pod back-off' });
    }
    row.push(...segs);
    byIndex.set(idx, row);
  }
  if (indexed) {
    const keys = [...byIndex.keys()].sort((a, b) => Number(a) - Number(b));
    for (const k of keys) rows.push({ label: `index ${k}`, segments: byIndex.get(k)! });
  }

  const markers: Marker[] = [];
  const created = time(job.metadata.creationTimestamp);
  if (created !== undefined) markers.push({ kind: 'created', at: created, text: 'created' });
  const started = time(job.status?.startTime);
  if (started !== undefined && started !== created) markers.push({ kind: 'started', at: started, text: 'started' });
  const ads = job.spec?.activeDeadlineSeconds;
  if (typeof ads === 'number' && started !== undefined) markers.push({ kind: 'deadline', at: started + ads * 1000, text: `deadline (activeDeadlineSeconds ${ads})` });
  const completed = time(job.status?.completionTime) ?? (firstCondition(job, 'Complete')?.status === 'True' ? time(firstCondition(job, 'Complete')!.lastTransitionTime) : undefined);
  if (completed !== undefined) markers.push({ kind: 'complete', at: completed, text: 'complete' });
  const failedC = firstCondition(job, 'Failed');
  if (failedC?.status === 'True' && time(failedC.lastTransitionTime) !== undefined) markers.push({ kind: 'failed', at: time(failedC.lastTransitionTime)!, text: `failed: ${failedC.reason ?? ''}` });
  const target = firstCondition(job, 'FailureTarget');
  if (failedC?.status !== 'True' && target?.status === 'True' && time(target.lastTransitionTime) !== undefined) {
    markers.push({ kind: 'failed', at: time(target.lastTransitionTime)!, text: `failing: ${target.reason ?? ''} (pods being stopped)` });
  }
  const susp = firstCondition(job, 'Suspended');
  if (susp && time(susp.lastTransitionTime) !== undefined) {
    markers.push(susp.status === 'True' ? { kind: 'suspended', at: time(susp.lastTransitionTime)!, text: 'suspended' } : { kind: 'resumed', at: time(susp.lastTransitionTime)!, text: 'resumed' });
  }
  markers.sort((a, b) => a.at - b.at);

  const events = eventsOfJob(job, pods, allEvents);
  // Pods the Job's events name that the store no longer holds (deleted, or collected).
  const kept = new Set(pods.map((p) => p.metadata.name));
  const gone = new Set<string>();
  for (const e of events) {
    // A combined Event (client-go's correlator, from the tenth of a Job's pods) names its last pod only.
    const m = /^(?:\(combined from similar events\): )?(?:Created|Deleted) pod: (\S+)$/.exec(e.message);
    if (m && !kept.has(m[1])) gone.add(m[1]);
  }
  const st: Partial<NonNullable<JobObject['status']>> = job.status ?? {};
  const counted = (st.succeeded ?? 0) + (st.failed ?? 0) + (st.active ?? 0);
  // The events name every pod gone only while there were few: past that the counters tell more.
  if (gone.size > 0 && gone.size >= counted - pods.length) notes.push(`${gone.size} pod(s) are gone from the store (${[...gone].sort().join(', ')}): not drawn`);
  else if (counted > pods.length) notes.push(`the Job counts ${counted} pods, the store keeps ${pods.length}: the others were deleted and are not drawn`);
  if (pods.length === 0 && gone.size === 0 && counted === 0) notes.push('no pods yet');

  const state = jobStateWord(job);
  const why = state === 'Failed' ? failedC : state === 'Complete' ? firstCondition(job, 'Complete') : state === 'Suspended' ? susp : state === 'FailureTarget' ? target : undefined;
  return {
    name: job.metadata.name!,
    namespace: job.metadata.namespace ?? 'default',
    state,
    reason: why?.reason,
    message: why?.message,
    indexed,
    parallelism: job.spec?.parallelism ?? undefined,
    completions: job.spec?.completions ?? undefined,
    backoffLimit: job.spec?.backoffLimit ?? undefined,
    activeDeadlineSeconds: typeof ads === 'number' ? ads : undefined,
    succeeded: st.succeeded ?? 0,
    failed: st.failed ?? 0,
    rows,
    markers,
    events,
    notes,
    attempts,
  };
}

/** The time span to draw: from the first thing known to the last (or now for a live Job). */
export function timeline(subject: string, jobs: JobTimeline[], now: number, notes: string[] = []): Timeline {
  const times: number[] = [];
  for (const j of jobs) {
    for (const r of j.rows) for (const s of r.segments) times.push(s.start, s.end);
    for (const m of j.markers) if (m.kind !== 'deadline') times.push(m.at);
    const live = !['Complete', 'Failed'].includes(j.state);
    if (live) times.push(now);
    // the deadline is shown when it falls within the run, or the Job is still running toward it
    const dl = j.markers.find((m) => m.kind === 'deadline');
    if (dl && (live || dl.at <= Math.max(...times))) times.push(dl.at);
  }
  const start = times.length ? Math.min(...times) : now;
  let end = times.length ? Math.max(...times) : now;
  if (end <= start) end = start + 1000;
  return { subject, start, end, now, jobs, notes };
}

/** The line under a Job's name: its spec's shape and its counts, the same in every rendering. */
export function jobSummary(j: JobTimeline): string {
  const facts = [
    j.indexed ? 'Indexed' : undefined,
    j.parallelism !== undefined ? `parallelism ${j.parallelism}` : undefined,
    j.completions !== undefined ? `completions ${j.completions}` : undefined,
    j.backoffLimit !== undefined ? `backoffLimit ${j.backoffLimit}` : undefined,
    j.activeDeadlineSeconds !== undefined ? `activeDeadlineSeconds ${j.activeDeadlineSeconds}` : undefined,
  ].filter(Boolean);
  return `${facts.join(', ')} · ${j.succeeded} succeeded, ${j.failed} failed · ${j.attempts} attempt${j.attempts === 1 ? '' : 's'} drawn`;
}
