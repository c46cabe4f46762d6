// Whether the engine has anything to do: the CLI starts it only then, and it exits when not.
import type { Store } from '../store/store.js';
import { isJobFinished, hasTrackingFinalizer, hasTrueCondition } from '../api/job_util.js';
import { isPodTerminal } from '../api/pod_util.js';
import { storedDecodeError } from '../apiserver/decode.js';
import { asKind, type Kind, type ObjectOf } from '../api/types.js';

/** Objects the controllers act on: one stored before decoding was strict that does not decode is skipped by them. */
const decodable = <K extends Kind>(store: Store, kind: K): ObjectOf<K>[] =>
  store.list(kind).filter((o) => storedDecodeError(kind, o) === undefined).map((o) => asKind(kind, o));

export function hasPendingWork(store: Store): boolean {
  const jobs = decodable(store, 'Job');
  const owners = new Set([...store.list('Job'), ...store.list('CronJob'), ...store.list('Deployment'), ...store.list('ReplicaSet')].map((o) => o.metadata.uid));
  // Dependents whose owner is gone wait for the garbage collector.
  const orphaned = (o: { metadata: { ownerReferences?: { uid: string }[] } }) =>
    (o.metadata.ownerReferences ?? []).length > 0 && o.metadata.ownerReferences!.every((r) => !owners.has(r.uid));
  if (jobs.some(orphaned)) return true;
  for (const pod of decodable(store, 'Pod')) {
    if (!isPodTerminal(pod) || pod.metadata.deletionTimestamp || orphaned(pod)) return true;
    if (hasTrackingFinalizer(pod)) return true; // finished but not yet counted by its Job
  }
  for (const job of jobs) {
    if (job.metadata.deletionTimestamp) return true;
    if (!isJobFinished(job) && job.spec?.suspend !== true) return true;
    // A suspended Job waits for nothing, once the Job controller has recorded it as suspended
    // (condition Suspended=True, event Suspended); until then syncing it is work.
    if (!isJobFinished(job) && !hasTrueCondition(job, 'Suspended')) return true;
    if (isJobFinished(job) && job.spec?.ttlSecondsAfterFinished != null) return true; // waiting for its TTL
  }
  // Deployments and ReplicaSets whose controller has not caught up yet (a new generation, a
  // replica count not reached); their running pods keep the engine up anyway.
  for (const kind of ['Deployment', 'ReplicaSet'] as const) {
    for (const o of decodable(store, kind)) {
      if (o.metadata.deletionTimestamp || orphaned(o)) return true;
      if ((o.status?.observedGeneration ?? 0) < (o.metadata.generation ?? 1)) return true;
      if ((o.status?.replicas ?? 0) !== (o.spec?.replicas ?? 1)) return true;
    }
  }
  for (const cj of decodable(store, 'CronJob')) {
    if (cj.metadata.deletionTimestamp) return true;
    if (cj.spec?.suspend !== true) return true; // its next scheduled time is work to wait for
  }
  return false;
}
