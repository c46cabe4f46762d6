// The Job controller's helpers over pods; the shared predicates live in api/job_util and api/pod_util.
import type { PodObject } from '../../api/types.js';

export { JOB_TRACKING_FINALIZER, findCondition, hasTrueCondition, isJobFinished, hasTrackingFinalizer, managedByExternalController, type JobCondition } from '../../api/job_util.js';
export { podPhase, isPodTerminal, isPodActive, isPodReady } from '../../api/pod_util.js';

/** Latest finish time of a pod, as backoff_utils getFinishedTime computes it. */
export function podFinishTime(pod: PodObject): number {
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
