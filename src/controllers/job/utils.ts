// Small predicates over Job and Pod objects, as pkg/controller/job/util and podutil keep them.
import type { KObject } from '../../api/types.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

type ConditionType = 'Complete' | 'Failed' | 'SuccessCriteriaMet' | 'FailureTarget' | 'Suspended';

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

export function findCondition(job: KObject, type: ConditionType): JobCondition | undefined {
  return ((job.status?.conditions ?? []) as JobCondition[]).find((c) => c.type === type);
}

export function hasTrueCondition(job: KObject, type: ConditionType): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** IsJobFinished: a true Complete or Failed condition. */
export function isJobFinished(job: KObject): boolean {
  return hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
}

export function podPhase(pod: KObject): string {
  return pod.status?.phase ?? 'Pending';
}

export function isPodTerminal(pod: KObject): boolean {
  const p = podPhase(pod);
  return p === 'Succeeded' || p === 'Failed';
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(pod: KObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

export function hasTrackingFinalizer(pod: KObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/** Latest finish time of a pod, as backoff_utils getFinishedTime computes it. */
export function podFinishTime(pod: KObject): number {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  let latest = 0;
  let allTerminated = statuses.length > 0;
  for (const s of statuses) {
    const t = s.state?.terminated;
    if (!t) {
      allTerminated = false;
      break;
    }
    const f = t.finishedAt ? Date.parse(t.finishedAt) : 0;
    if (f > latest) latest = f;
  }
  if (allTerminated && latest > 0) return latest;
  const ready = (pod.status?.conditions ?? []).find((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'False');
  if (ready?.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (pod.metadata.deletionTimestamp) {
    return Date.parse(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  }
  return Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}
