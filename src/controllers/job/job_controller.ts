// The Job controller (pkg/controller/job): one level-triggered reconcile, syncJob, per Job key.
// It reads the Job and its pods, decides what should exist, creates or deletes pods, and writes
// the status once, all through the apiserver. Pods are counted exactly once through the
// job-tracking finalizer: a finished pod is counted and its finalizer removed in one atomic group
// of requests (kjob's controllers and apiserver share a process, so the upstream two-phase
// uncountedTerminatedPods protocol collapses into one atomic write).
import type { JobObject, JobSpec, JobStatus, KObject, PodObject, PodSpec, PodTemplateSpec } from '../../api/types.js';
import { asKind, rfc3339, splitKey } from '../../api/types.js';
import { isTerminalPhase } from '../../api/pod_util.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { StatusError } from '../../errors.js';
import type { LocalAPIServer } from '../../apiserver/interface.js';
import { APIEventRecorder, type EventRecorder } from '../../client/record.js';
import { JOBS, PODS, tryGet, tryGetShared } from '../../client/client.js';
import type { Clock } from '../../util/clock.js';
import { exponentialBackoffMs, type Timing } from '../../util/timing.js';
import { jsonEqual } from '../../util/canonical.js';
import {
  JOB_TRACKING_FINALIZER,
  type JobCondition,
  managedByExternalController,
  findCondition,
  hasTrackingFinalizer,
  isJobFinished,
  isPodActive,
  isPodReady,
  isPodTerminal,
  podFinishTime,
} from './utils.js';
import { BackoffRecord, backoffDelayMs, remainingBackoffMs, updateBackoffRecord } from './backoff.js';
import {
  COMPLETION_INDEX_KEY,
  INDEX_FAILURE_COUNT,
  INDEX_IGNORED_FAILURE_COUNT,
  annotationCount,
  firstPendingIndexes,
  formatIndexes,
  indexedGenerateName,
  parseIndexes,
  podIndex,
  validIndex,
} from './indexes.js';
import { matchPodFailurePolicy, type PolicyMatch } from './pod_failure_policy.js';
import { matchSuccessPolicy } from './success_policy.js';
import { compareActivePods, slowStartBatch } from '../controller_utils.js';

export const COMPONENT = 'job-controller';
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export interface SyncResult {
  /** Sync again after this many ms (back-off expiry, deadline). */
  requeueAfterMs?: number;
}

export interface JobControllerOptions {
  api: LocalAPIServer;
  clock: Clock;
  timing: Timing;
  /** default: Events through api, as job-controller */
  recorder?: EventRecorder;
}

interface FinishedCondition {
  type: 'FailureTarget' | 'SuccessCriteriaMet';
  reason: string;
  message: string;
}

/**
 * A pod no sync of its Job looks at again: succeeded, counted (the tracking finalizer that kept it
 * uncounted is gone) and not being deleted. Upstream's syncJob lists every pod of the Job and
 * passes over them all; each pass leaves these out (the newly finished and the active hold a
 * finalizer or run, the failure checks and a failed index's last pod take only Failed or
 * unfinished pods, Succeeded indexes come from status.completedIndexes), so podsForJob leaves them
 * out first. Without it a Job's sync cost grew with its completions: a Job of 1,000 listed them
 * all at each of its ~300 syncs. Conservative: a pod of an unexpected shape is listed.
 */
function settledPod(pod: KObject): boolean {
  const m = pod.metadata;
  if ((pod.status as { phase?: unknown } | undefined)?.phase !== 'Succeeded' || m.deletionTimestamp != null) return false;
  const f: unknown = m.finalizers;
  return f == null || (Array.isArray(f) && !f.includes(JOB_TRACKING_FINALIZER));
}

export class JobController {
  private readonly api: LocalAPIServer;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly timing: Timing;
  /** In-memory pod-failure back-off per Job (lost on restart, as upstream). */
  private readonly backoff = new Map<string, BackoffRecord>();
  /** Consecutive syncs per Job whose pod creates were refused (the rate-limited requeue). */
  private readonly createFailures = new Map<string, number>();
  /**
   * podsForJob's verdict on a pod, by the object the apiserver handed out: the engine's reads hand
   * out one shared, frozen object per version of a pod, a pod is listed only for the Job that is
   * its controller (the store's reference index), and a Job's selector never changes, so a pod
   * unchanged since its Job's last sync is not matched again (a Job's sync lists all its pods: the
   * selector and owner checks were 4% of the engine in a Job of 1,000).
   */
  private readonly podOwned = new WeakMap<object, boolean>();

  constructor(opts: JobControllerOptions) {
    this.api = opts.api;
    this.clock = opts.clock;
    this.timing = opts.timing;
    this.recorder = opts.recorder ?? new APIEventRecorder(opts.api, { component: COMPONENT }, opts.clock);
  }

  syncJob(key: string): SyncResult {
    const { namespace, name } = splitKey(key);
    const job = tryGet(this.api, 'Job', namespace, name);
    if (!job) {
      this.backoff.delete(key);
      this.createFailures.delete(key);
      return {};
    }
    // spec.managedBy (JobManagedBy, beta and on in v1.32): another controller's Job, untouched.
    if (managedByExternalController(job) !== undefined) return {};
    const pods = this.podsForJob(job);
    if (isJobFinished(job)) {
      // Pods that finish after the Job did (e.g. torn down by a deletion) are released.
      this.removeTrackingFinalizers(pods.filter((p) => hasTrackingFinalizer(p) && (isPodTerminal(p) || p.metadata.deletionTimestamp)));
      this.backoff.delete(key);
      return {};
    }
    return this.reconcile(key, job, pods);
  }

  /** Pods controlled by this Job (by owner reference uid), as podsForJob without adoption. */
  podsForJob(job: JobObject): PodObject[] {
    const uid = job.metadata.uid!;
    // Parsed at every sync, whether a pod needs it or not: a selector that does not parse (stored
    // without validation) fails the sync before it creates anything, as it always did.
    const selector = selectorFromLabelSelector(job.spec?.selector);
    // By the store's index of pods by controller uid (the informer's index), without the settled.
    const candidates = this.api.listControlledPods(job.metadata.namespace ?? 'default', uid, settledPod).map((o) => asKind('Pod', o));
    return candidates.filter((p) => {
      let owned = this.podOwned.get(p);
      if (owned === undefined) {
        owned = selector.matches(p.metadata.labels ?? {}) && (p.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === uid);
        this.podOwned.set(p, owned);
      }
      return owned;
    });
  }

  /**
   * A pod whose Job is gone still carries the tracking finalizer; upstream the controller
   * removes it when it sees such an orphan, so the pod can be deleted.
   */
  syncOrphanPod(key: string): SyncResult {
    const { namespace, name } = splitKey(key);
    const pod = tryGetShared(this.api, 'Pod', namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return {};
    const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
    if (owner) {
      // Another kind of controller's pod: not ours to release.
      if (owner.kind !== 'Job' || owner.apiVersion !== 'batch/v1') return {};
      const job = tryGetShared(this.api, 'Job', namespace, owner.name);
      if (job && job.metadata.uid === owner.uid) {
        // A Job another controller manages keeps its pods' finalizers; an unfinished one counts the pod itself.
        if (managedByExternalController(job) !== undefined || !isJobFinished(job)) return {};
      }
    }
    this.removeTrackingFinalizers([pod]);
    return {};
  }

  private reconcile(key: string, job: JobObject, pods: PodObject[]): SyncResult {
    const now = this.clock.now();
    const spec: Partial<JobSpec> = job.spec ?? {};
    const status: JobStatus = structuredClone(job.status ?? {});
    const beingDeleted = !!job.metadata.deletionTimestamp;
    const suspended = spec.suspend === true;
    const indexed = spec.completionMode === 'Indexed';
    const completions: number = spec.completions ?? 0;
    const perIndex = indexed && spec.backoffLimitPerIndex != null;
    const pfp = spec.podFailurePolicy;
    let requeueAfterMs: number | undefined;
    const requeue = (ms: number) => {
      requeueAfterMs = requeueAfterMs === undefined ? ms : Math.min(requeueAfterMs, ms);
    };

    // Newly finished pods: still carrying our finalizer, so not counted yet.
    const newlySucceeded: PodObject[] = [];
    const newlyFailed: PodObject[] = []; // counted in status.failed
    const newlyIgnored: PodObject[] = []; // failed, but an Ignore rule says not to count them
    const released: PodObject[] = []; // finished pods that are not counted (Indexed: invalid index)
    const matches = new Map<string, PolicyMatch | undefined>();
    for (const p of pods) {
      if (!hasTrackingFinalizer(p)) continue;
      const phase = p.status?.phase;
      const finished = isTerminalPhase(phase) || (!!p.metadata.deletionTimestamp && this.terminatingCountsAsFailed(job));
      if (!finished) continue;
      if (indexed && !validIndex(p, completions)) {
        released.push(p);
        continue;
      }
      if (phase === 'Succeeded') newlySucceeded.push(p);
      else {
        const m = phase === 'Failed' && pfp ? matchPodFailurePolicy(pfp, p) : undefined;
        matches.set(p.metadata.uid!, m);
        if (m?.action === 'Ignore') newlyIgnored.push(p);
        else newlyFailed.push(p);
      }
    }
    const counted = new Set([...newlySucceeded, ...newlyFailed, ...newlyIgnored, ...released].map((p) => p.metadata.uid));
    let active = pods.filter((p) => isPodActive(p) && !counted.has(p.metadata.uid));
    const terminatingPods = pods.filter((p) => p.metadata.deletionTimestamp && !isPodTerminal(p));
    let terminating = terminatingPods.length;

    // Indexes (Indexed Jobs): succeeded = distinct succeeded indexes; failed indexes per index.
    const succeededIdx = indexed ? parseIndexes(status.completedIndexes, completions) : new Set<number>();
    for (const p of newlySucceeded) if (indexed) succeededIdx.add(podIndex(p));
    const failedIdx = perIndex ? parseIndexes(status.failedIndexes, completions) : new Set<number>();
    if (perIndex) {
      for (const p of newlyFailed) {
        const i = podIndex(p);
        if (succeededIdx.has(i)) continue;
        if (matches.get(p.metadata.uid!)?.action === 'FailIndex' || annotationCount(p, INDEX_FAILURE_COUNT) >= (spec.backoffLimitPerIndex ?? 0)) failedIdx.add(i);
      }
    }

    let succeeded = indexed ? succeededIdx.size : (status.succeeded ?? 0) + newlySucceeded.length;
    let failed = (status.failed ?? 0) + newlyFailed.length;
    // Each index's most recently finished failed pod (backoffLimitPerIndex): its annotations carry
    // the index's failure counts to the index's next pod (manageJob). Where that pod is still to
    // come, it keeps its finalizer, so it is not in status.failed yet
    // (getPodsWithDelayedDeletionPerIndex); it counts towards backoffLimit at once, and in the
    // status once the next pod runs or the Job finishes.
    const lastFailed = perIndex ? this.lastFailedPodPerIndex(job, pods, completions) : new Map<number, PodObject>();
    const delayed = new Set<string>();
    if (!beingDeleted && lastFailed.size > 0) {
      const activeIdx = new Set(active.map(podIndex));
      for (const [i, p] of lastFailed) if (!succeededIdx.has(i) && !failedIdx.has(i) && !activeIdx.has(i)) delayed.add(p.metadata.uid!);
    }

    if (!status.startTime && !suspended) status.startTime = rfc3339(now);

    const record = updateBackoffRecord(
      this.backoff.get(key),
      newlySucceeded.map(podFinishTime),
      [...newlyFailed, ...newlyIgnored].map(podFinishTime),
    );

    const events: [type: 'Normal' | 'Warning', reason: string, message: string][] = [];
    const conditions: JobCondition[] = structuredClone(status.conditions ?? []);

    // Decide whether the Job is finishing (first hit wins).
    let finished: FinishedCondition | undefined;
    const scm = findCondition(job, 'SuccessCriteriaMet');
    const ft = findCondition(job, 'FailureTarget');
    if (scm?.status === 'True') {
      finished = { type: 'SuccessCriteriaMet', reason: scm.reason ?? '', message: scm.message ?? '' };
    } else if (ft?.status === 'True') {
      finished = { type: 'FailureTarget', reason: ft.reason ?? '', message: ft.message ?? '' };
    }
    if (!finished && pfp) {
      for (const p of pods) {
        if (p.status?.phase !== 'Failed') continue;
        const m = matches.has(p.metadata.uid!) ? matches.get(p.metadata.uid!) : matchPodFailurePolicy(pfp, p);
        if (m?.action === 'FailJob') {
          finished = { type: 'FailureTarget', reason: 'PodFailurePolicy', message: m.message };
          break;
        }
      }
    }
    if (!finished && (failed > (spec.backoffLimit ?? 6) || this.restartCountExceeded(job, pods))) {
      finished = { type: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    }
    if (!finished && this.pastActiveDeadline(job, status.startTime, now)) {
      finished = { type: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    }
    if (!finished && perIndex) {
      if (spec.maxFailedIndexes != null && failedIdx.size > spec.maxFailedIndexes) {
        finished = { type: 'FailureTarget', reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
      } else if (failedIdx.size > 0 && failedIdx.size + succeededIdx.size >= completions) {
        finished = { type: 'FailureTarget', reason: 'FailedIndexes', message: 'Job has failed indexes' };
      }
    }
    if (!finished && indexed && spec.successPolicy && succeededIdx.size > 0) {
      const rule = matchSuccessPolicy(spec.successPolicy, succeededIdx, completions);
      if (rule !== undefined) finished = { type: 'SuccessCriteriaMet', reason: 'SuccessPolicy', message: `Matched rules at index ${rule}` };
    }

    const deletes: PodObject[] = [];
    const creates: PodObject[] = [];
    if (finished) {
      if (finished.type === 'FailureTarget') {
        // Every pod not yet finished is counted as failed as it is torn down.
        for (const p of pods) {
          if (!hasTrackingFinalizer(p) || counted.has(p.metadata.uid) || p.status?.phase === 'Succeeded') continue;
          if (indexed && !validIndex(p, completions)) continue;
          newlyFailed.push(p);
          counted.add(p.metadata.uid);
          failed++;
        }
      }
      deletes.push(...active);
      terminating += active.length;
      active = [];
      status.active = 0;
    } else if (!beingDeleted) {
      if (perIndex && failedIdx.size > 0) {
        // The pods still running for an index that has already failed are torn down, counted
        // as failed as they go (upstream manageJob terminates them before anything else).
        const doomed = active.filter((p) => failedIdx.has(podIndex(p)));
        for (const p of doomed) {
          newlyFailed.push(p);
          counted.add(p.metadata.uid);
          failed++;
        }
        deletes.push(...doomed);
        terminating += doomed.length;
        active = active.filter((p) => !failedIdx.has(podIndex(p)));
      }
      const plan = this.manageJob(job, lastFailed, active, terminatingPods, succeeded, succeededIdx, failedIdx, record, now);
      deletes.push(...plan.deletes);
      creates.push(...plan.creates);
      if (plan.requeueAfterMs !== undefined) requeue(plan.requeueAfterMs);
      const deleted = new Set(plan.deletes.map((p) => p.metadata.uid));
      active = active.filter((p) => !deleted.has(p.metadata.uid));
      terminating += plan.deletes.length;
      const activeAfter = active.length + plan.creates.length;
      const complete = spec.completions == null ? succeeded > 0 && activeAfter === 0 : succeeded >= spec.completions && activeAfter === 0;
      if (complete) {
        finished = { type: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
      } else {
        this.syncSuspendedCondition(conditions, status, suspended, now, events);
      }
      if (!suspended && spec.activeDeadlineSeconds != null && status.startTime) {
        const due = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now.getTime();
        requeue(Math.max(due, 0));
      }
      status.active = activeAfter;
    } else {
      status.active = active.length;
    }

    if (finished) {
      setCondition(conditions, finished.type, 'True', finished.reason, finished.message, now);
      // The terminal condition waits until no pod is terminating (delayed terminal conditions, 1.31+).
      if (terminating === 0) {
        const terminal = finished.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed';
        if (!conditions.some((c) => c.type === terminal && c.status === 'True')) {
          setCondition(conditions, terminal, 'True', finished.reason, finished.message, now);
          if (terminal === 'Complete') {
            status.completionTime = rfc3339(now);
            if (spec.completions != null && succeeded > spec.completions) {
              events.push(['Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached']);
            }
            events.push(['Normal', 'Completed', 'Job completed']);
          } else {
            events.push(['Warning', finished.reason, finished.message]);
          }
        }
      }
    }

    // canRemoveFinalizer: a finishing Job lets every pod go.
    const keep = finished ? new Set<string>() : delayed;
    status.conditions = conditions.length ? conditions : undefined;
    status.succeeded = succeeded;
    status.failed = failed - newlyFailed.filter((p) => keep.has(p.metadata.uid!)).length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating;
    if (indexed) status.completedIndexes = formatIndexes(succeededIdx) || undefined;
    if (perIndex) status.failedIndexes = formatIndexes(failedIdx);
    status.uncountedTerminatedPods = {};
    // JobStatus' plain int32 counters are omitempty; ready and terminating are pointers and stay.
    for (const k of ['active', 'succeeded', 'failed'] as const) if (status[k] === 0) delete status[k];

    const finalized = [...newlySucceeded, ...newlyFailed, ...newlyIgnored, ...released].filter((p) => !keep.has(p.metadata.uid!));
    const failedCreates = this.commit(job, status, finalized, deletes, creates, events);
    // Only once the writes succeeded: a retried sync must not count the same failures twice.
    this.backoff.set(key, record);
    if (failedCreates > 0) {
      // The sync returns an error upstream: the key is requeued rate-limited (1s doubling to 1min).
      const n = (this.createFailures.get(key) ?? 0) + 1;
      this.createFailures.set(key, n);
      const delay = exponentialBackoffMs(n, this.timing.jobApiBackoffBaseMs, this.timing.jobApiBackoffMaxMs);
      requeueAfterMs = requeueAfterMs === undefined ? delay : Math.min(requeueAfterMs, delay);
    } else if (creates.length > 0) {
      this.createFailures.delete(key);
    }
    return { requeueAfterMs };
  }

  /** Pods that failed (or count as failed) for this Job: phase Failed, or terminating when the replacement policy says so. */
  private terminatingCountsAsFailed(job: JobObject): boolean {
    return this.replacementPolicy(job) === 'TerminatingOrFailed' && !job.spec?.podFailurePolicy;
  }

  /** manageJob: how many pods should run, and which to create or delete now. */
  private manageJob(
    job: JobObject,
    lastFailed: Map<number, PodObject>,
    active: PodObject[],
    terminatingPods: PodObject[],
    succeeded: number,
    succeededIdx: Set<number>,
    failedIdx: Set<number>,
    record: BackoffRecord,
    now: Date,
  ): { creates: PodObject[]; deletes: PodObject[]; requeueAfterMs?: number } {
    const spec: Partial<JobSpec> = job.spec ?? {};
    const indexed = spec.completionMode === 'Indexed';
    const completions: number = spec.completions ?? 0;
    if (spec.suspend === true) {
      return { creates: [], deletes: [...active].sort(compareActivePods).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC) };
    }
    const parallelism: number = spec.parallelism ?? 1;
    let wantActive: number;
    if (spec.completions == null) {
      // Work queue: after the first success no new pods, and none are killed.
      wantActive = succeeded > 0 ? active.length : parallelism;
    } else {
      wantActive = Math.max(0, Math.min(parallelism, spec.completions - succeeded));
    }
    let rmAtLeast = active.length - wantActive;
    const deletes: PodObject[] = [];
    if (indexed) {
      // Pods with an index out of range, and all but the best pod of an index, go first.
      const byIndex = new Map<number, PodObject[]>();
      for (const p of active) {
        const i = podIndex(p);
        if (i < 0 || i >= completions) deletes.push(p);
        else byIndex.set(i, [...(byIndex.get(i) ?? []), p]);
      }
      for (const group of byIndex.values()) {
        if (group.length > 1) deletes.push(...[...group].sort(compareActivePods).slice(0, group.length - 1));
      }
    }
    if (rmAtLeast > deletes.length) {
      const chosen = new Set(deletes.map((p) => p.metadata.uid));
      const ranked = active.filter((p) => !chosen.has(p.metadata.uid)).sort(compareActivePods);
      deletes.push(...ranked.slice(0, rmAtLeast - deletes.length));
    }
    if (deletes.length > 0) return { creates: [], deletes: deletes.slice(0, MAX_POD_CREATE_DELETE_PER_SYNC) };
    rmAtLeast = 0;

    const waitForTerminating = this.replacementPolicy(job) === 'Failed' || spec.podFailurePolicy != null;
    let diff = wantActive - active.length - (waitForTerminating ? terminatingPods.length : 0);
    if (diff <= 0) return { creates: [], deletes: [] };
    const perIndex = indexed && spec.backoffLimitPerIndex != null;
    if (!perIndex) {
      const remaining = remainingBackoffMs(record, now.getTime(), this.timing);
      if (remaining > 0) return { creates: [], deletes: [], requeueAfterMs: remaining };
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    const creates: PodObject[] = [];
    if (!indexed) {
      for (let i = 0; i < diff; i++) creates.push(this.podFromTemplate(job));
      return { creates, deletes: [] };
    }
    const activeIdx = new Set(active.map(podIndex));
    const terminatingIdx = new Set(waitForTerminating ? terminatingPods.map(podIndex) : []);
    let requeueAfterMs: number | undefined;
    // The first diff pending indexes (firstPendingIndexes), then those of them whose back-off has
    // passed (getPodCreationInfoForIndependentIndexes): an index still backing off holds its
    // place, a later one does not start instead.
    for (const i of firstPendingIndexes(diff, completions, succeededIdx, activeIdx, failedIdx, terminatingIdx)) {
      let failureCount = 0;
      let ignoredCount = 0;
      if (perIndex) {
        const last = lastFailed.get(i);
        if (last) {
          const ignored = spec.podFailurePolicy && matchPodFailurePolicy(spec.podFailurePolicy, last)?.action === 'Ignore';
          failureCount = annotationCount(last, INDEX_FAILURE_COUNT) + (ignored ? 0 : 1);
          ignoredCount = annotationCount(last, INDEX_IGNORED_FAILURE_COUNT) + (ignored ? 1 : 0);
          const remaining = backoffDelayMs(failureCount + ignoredCount, this.timing) - (now.getTime() - podFinishTime(last));
          if (remaining > 0) {
            requeueAfterMs = requeueAfterMs === undefined ? remaining : Math.min(requeueAfterMs, remaining);
            continue;
          }
        }
      }
      creates.push(this.podFromTemplate(job, i, perIndex ? { failureCount, ignoredCount } : undefined));
    }
    return { creates, deletes: [], requeueAfterMs };
  }

  /** Each valid index's most recently finished failed pod (the last of equal finish times, in the pods' order). */
  private lastFailedPodPerIndex(job: JobObject, pods: PodObject[], completions: number): Map<number, PodObject> {
    const last = new Map<number, PodObject>();
    for (const p of pods) {
      if (!validIndex(p, completions) || !this.failedForJob(job, p)) continue;
      const best = last.get(podIndex(p));
      if (!best || podFinishTime(p) >= podFinishTime(best)) last.set(podIndex(p), p);
    }
    return last;
  }

  /** isPodFailed: phase Failed, or terminating when the Job's replacement policy counts that as failed. */
  private failedForJob(job: JobObject, p: PodObject): boolean {
    return p.status?.phase === 'Failed' || (!!p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && this.terminatingCountsAsFailed(job));
  }

  private replacementPolicy(job: JobObject): string {
    return job.spec?.podReplacementPolicy ?? (job.spec?.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
  }

  /** restartPolicy OnFailure: in-place restarts of active pods count toward backoffLimit. */
  private restartCountExceeded(job: JobObject, pods: PodObject[]): boolean {
    if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
    const limit: number = job.spec?.backoffLimit ?? 6;
    let restarts = 0;
    for (const p of pods) {
      const phase = p.status?.phase ?? 'Pending';
      if (phase !== 'Running' && phase !== 'Pending') continue;
      for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
    }
    return limit === 0 ? restarts > 0 : restarts >= limit;
  }

  private pastActiveDeadline(job: JobObject, startTime: string | undefined, now: Date): boolean {
    const ads = job.spec?.activeDeadlineSeconds;
    if (ads == null || !startTime || job.spec?.suspend === true) return false;
    return now.getTime() - Date.parse(startTime) >= ads * 1000;
  }

  private syncSuspendedCondition(
    conditions: JobCondition[],
    status: JobStatus,
    suspended: boolean,
    now: Date,
    events: [type: 'Normal' | 'Warning', reason: string, message: string][],
  ): void {
    const cur = conditions.find((c) => c.type === 'Suspended');
    if (suspended) {
      if (cur?.status !== 'True') {
        setCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        events.push(['Normal', 'Suspended', 'Job suspended']);
      }
    } else if (cur?.status === 'True') {
      setCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
      events.push(['Normal', 'Resumed', 'Job resumed']);
      // The active deadline counts from the last resume.
      status.startTime = rfc3339(now);
    }
  }

  /** The pod the Job's template describes (controller_utils GetPodFromTemplate + Job additions). */
  private podFromTemplate(job: JobObject, index?: number, perIndex?: { failureCount: number; ignoredCount: number }): PodObject {
    const tmpl: PodTemplateSpec = structuredClone(job.spec?.template ?? {});
    const meta = tmpl.metadata ?? {};
    const name = job.metadata.name!;
    const labels: Record<string, string> = { ...(meta.labels ?? {}) };
    const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
    const spec: PodSpec = tmpl.spec ?? { containers: [] };
    if (index !== undefined) {
      annotations[COMPLETION_INDEX_KEY] = String(index);
      if (perIndex) {
        annotations[INDEX_FAILURE_COUNT] = String(perIndex.failureCount);
        if (perIndex.ignoredCount > 0) annotations[INDEX_IGNORED_FAILURE_COUNT] = String(perIndex.ignoredCount);
      }
      labels[COMPLETION_INDEX_KEY] = String(index);
      spec.hostname = `${name}-${index}`;
      // JOB_COMPLETION_INDEX from the downward API, in every container that does not set it.
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        if ((c.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) continue;
        c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.labels['${COMPLETION_INDEX_KEY}']` } } }];
      }
    }
    const pod: PodObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: index === undefined ? `${name}-` : indexedGenerateName(name, index),
        namespace: job.metadata.namespace,
        labels,
        ...(Object.keys(annotations).length ? { annotations } : {}),
        finalizers: [...new Set([...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER])],
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'Job', name, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true },
        ],
      },
      spec,
    };
    // The apiserver defaults it and runs admission (ServiceAccount, ...) when it is created, in commit.
    return pod;
  }

  /**
   * Write everything decided in this sync: one status update, pod finalizers, creations,
   * deletions, events. Returns how many pod creates did not make a pod (they are not active): the
   * apiserver refused them, or slow start did not try them after a batch with a refusal.
   */
  private commit(
    job: JobObject,
    status: JobStatus,
    countedPods: PodObject[],
    deletes: PodObject[],
    creates: PodObject[],
    events: [type: 'Normal' | 'Warning', reason: string, message: string][],
  ): number {
    const api = this.api;
    const ns = job.metadata.namespace;
    let failedCreates = 0;
    api.atomic(() => {
      // Counted pods are released so that they can go away.
      this.removeTrackingFinalizers(countedPods);
      for (const p of deletes) {
        // Pods removed by scale-down or suspend are not counted: drop the finalizer first. On a
        // failure teardown they were counted as failed above, which released them already.
        this.removeTrackingFinalizers([p]);
        try {
          api.delete(PODS, ns, p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
          this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          if (e.reason !== 'NotFound') this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${e.message}`);
        }
      }
      // manageJob's slow start: after a batch with a refused create the rest are not tried (nor
      // counted active) until the next sync.
      const { successes } = slowStartBatch(creates.length, (i) => {
        try {
          const created = api.create(PODS, ns, creates[i], { readOnlyResult: true }).object;
          this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
          return undefined;
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
          return e;
        }
      });
      failedCreates = creates.length - successes;
      if (failedCreates > 0 && typeof status.active === 'number') {
        status.active -= failedCreates;
        if (status.active === 0) delete status.active;
      }
      // Read only (compared, spread into the status write, an Event's subject): the shared object.
      const fresh = tryGetShared(api, 'Job', ns, job.metadata.name!);
      if (fresh && fresh.metadata.uid === job.metadata.uid && !jsonEqual(fresh.status ?? {}, status)) {
        api.updateStatus(JOBS, ns, job.metadata.name!, { ...fresh, status: stripUndefined(status) }, { readOnlyResult: true });
      }
      for (const [type, reason, message] of events) this.recorder.event(fresh ?? job, type, reason, message);
    });
    return failedCreates;
  }

  /** The tracking finalizer removed, as the upstream controller patches it away. */
  private removeTrackingFinalizers(pods: PodObject[]): void {
    for (const p of pods) {
      const cur = tryGetShared(this.api, 'Pod', p.metadata.namespace, p.metadata.name!);
      if (!cur || cur.metadata.uid !== p.metadata.uid || !hasTrackingFinalizer(cur)) continue;
      this.api.patch(PODS, p.metadata.namespace, p.metadata.name!, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } }, { readOnlyResult: true });
    }
  }
}

function setCondition(conditions: JobCondition[], type: string, status: string, reason: string, message: string, now: Date): void {
  const t = rfc3339(now);
  const cur = conditions.find((c) => c.type === type);
  if (cur) {
    if (cur.status !== status || cur.reason !== reason || cur.message !== message) {
      Object.assign(cur, { status, reason, message, lastProbeTime: t, lastTransitionTime: t });
    }
    return;
  }
  conditions.push({ type, status, reason, message, lastProbeTime: t, lastTransitionTime: t });
}

function stripUndefined<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}
