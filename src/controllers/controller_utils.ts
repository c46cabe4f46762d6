// What kube-controller-manager's controllers share (pkg/controller/controller_utils.go).
import { parseTime, type PodObject } from '../api/types.js';
import { isPodReady } from '../api/pod_util.js';

/**
 * slowStartBatch: calls create for count items in batches of 1, 2, 4, ... (SlowStartInitialBatchSize
 * 1); every call of a batch is made, and after a batch in which one failed no other batch is, so a
 * request the apiserver refuses (a quota, a missing ServiceAccount) is made about once a sync
 * rather than once per missing pod. create returns its error, or undefined when it succeeded.
 */
export function slowStartBatch<E>(count: number, create: (i: number) => E | undefined): { successes: number; error?: E } {
  let successes = 0;
  for (let start = 0, batch = 1; start < count; start += batch, batch *= 2) {
    let error: E | undefined;
    for (let i = start; i < Math.min(start + batch, count); i++) {
      const e = create(i);
      if (e === undefined) successes++;
      else error ??= e;
    }
    if (error !== undefined) return { successes, error };
  }
  return { successes };
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** podReadyTime: when a ready pod's Ready condition last became True (ms); undefined (Go's zero time) for one not ready. */
export function podReadyTime(pod: PodObject): number | undefined {
  if (!isPodReady(pod)) return undefined;
  return parseTime((pod.status?.conditions ?? []).find((x) => x.type === 'Ready')?.lastTransitionTime);
}

/** maxContainerRestarts: the most restarts of the pod's containers (not its init containers). */
export function maxContainerRestarts(pod: PodObject): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

/** The pod's phase as ActivePods ranks it: Pending < Unknown < Running (any other as Pending). */
export function phaseOrdinal(pod: PodObject): number {
  return PHASE_ORDINAL[pod.status?.phase ?? 'Pending'] ?? 0;
}

/** afterOrZero: whether t1 is after t2, a zero (undefined) time counting as after any other. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/**
 * controller.ActivePods' Less as a comparator: the pods to delete first come first. Unscheduled
 * before scheduled; Pending, Unknown, then Running; not ready before ready; of two ready pods the
 * one ready for less time; more restarts before fewer; newer before older.
 */
export function compareActivePods(a: PodObject, b: PodObject): number {
  const less = (x: PodObject, y: PodObject): boolean => {
    const nx = x.spec?.nodeName ?? '', ny = y.spec?.nodeName ?? '';
    if (nx !== ny && (nx === '' || ny === '')) return nx === '';
    if (phaseOrdinal(x) !== phaseOrdinal(y)) return phaseOrdinal(x) < phaseOrdinal(y);
    if (isPodReady(x) !== isPodReady(y)) return !isPodReady(x);
    if (isPodReady(x) && isPodReady(y)) {
      const tx = podReadyTime(x), ty = podReadyTime(y);
      if (tx !== ty) return afterOrZero(tx, ty);
    }
    if (maxContainerRestarts(x) !== maxContainerRestarts(y)) return maxContainerRestarts(x) > maxContainerRestarts(y);
    const cx = parseTime(x.metadata.creationTimestamp), cy = parseTime(y.metadata.creationTimestamp);
    if (cx !== cy) return afterOrZero(cx, cy);
    return false;
  };
  return less(a, b) ? -1 : less(b, a) ? 1 : 0;
}
