// Whether the engine has anything to do: the CLI starts it only then, and it exits when not.
//
// Deciding it from scratch reads every Job, CronJob and Pod. So the answer "nothing to do" is
// remembered with the resourceVersion it holds for (a meta key of the state file); a later
// question looks only at what changed since then in the change log, which is what every write
// appends to. `kjob get pod X` with 100,000 finished pods stored costs the same as with none.
import type { Change, Store } from '../store/store.js';
import { isJobFinished, hasTrackingFinalizer, hasTrueCondition, managedByExternalController } from '../api/job_util.js';
import { isPodTerminal } from '../api/pod_util.js';
import { storedDecodeError } from '../apiserver/decode.js';
import type { Kind, KObject } from '../api/types.js';
import { asKind, controllerOf } from '../api/types.js';
import { DEFAULT_SERVICE_ACCOUNT } from '../controllers/serviceaccount/serviceaccounts_controller.js';

/** The meta key: the resourceVersion at which the state was last found to hold no work. */
export const IDLE_RV_META_KEY = 'engine.idleRV';
/** More changes than this since the last answer: decide from scratch. */
const MAX_INCREMENTAL_CHANGES = 2000;

type Owned = { metadata: { ownerReferences?: { uid: string; name?: string; kind?: string }[]; namespace?: string } };

/** Objects the controllers act on: one stored before decoding was strict that does not decode is skipped by them. */
const decodes = (kind: Kind, o: KObject) => storedDecodeError(kind, o) === undefined;

function jobIsWork(obj: KObject): boolean {
  const job = asKind('Job', obj);
  if (job.metadata.deletionTimestamp) return true;
  // Another controller's unfinished Job: the Job controller leaves it alone (a finished one's TTL is work, below).
  if (!isJobFinished(job) && managedByExternalController(job) !== undefined) return false;
  if (!isJobFinished(job) && job.spec?.suspend !== true) return true;
  // A suspended Job waits for nothing, once the Job controller has recorded it as suspended
  // (condition Suspended=True, event Suspended); until then syncing it is work.
  if (!isJobFinished(job) && !hasTrueCondition(job, 'Suspended')) return true;
  if (isJobFinished(job) && job.spec?.ttlSecondsAfterFinished != null) return true; // waiting for its TTL
  return false;
}

function podIsWork(store: Store, obj: KObject): boolean {
  const pod = asKind('Pod', obj);
  if (!isPodTerminal(pod) || pod.metadata.deletionTimestamp) return true;
  // Finished but not yet counted by its Job; unless the Job keeps it so while it is suspended
  // (backoffLimitPerIndex: an index's last failed pod waits for the index's next pod).
  return hasTrackingFinalizer(pod) && !keptBySuspendedJob(store, obj);
}

/** The pod's Job is suspended, and waits for nothing (jobIsWork): resuming it is the change that brings work. */
function keptBySuspendedJob(store: Store, pod: KObject): boolean {
  const ref = controllerOf(pod);
  if (ref?.kind !== 'Job') return false;
  const job = store.get('Job', pod.metadata.namespace, ref.name);
  return job !== undefined && job.metadata.uid === ref.uid && asKind('Job', job).spec?.suspend === true && !jobIsWork(job);
}

function cronJobIsWork(obj: KObject): boolean {
  const cj = asKind('CronJob', obj);
  if (cj.metadata.deletionTimestamp) return true;
  return cj.spec?.suspend !== true; // its next scheduled time is work to wait for
}

/** A Deployment or ReplicaSet whose controller has not caught up yet (a new generation, a replica
 * count not reached); their running pods keep the engine up anyway. */
function appsIsWork(obj: KObject): boolean {
  const o = asKind(obj.kind as 'Deployment' | 'ReplicaSet', obj);
  if (o.metadata.deletionTimestamp) return true;
  if ((o.status?.observedGeneration ?? 0) < (o.metadata.generation ?? 1)) return true;
  return (o.status?.replicas ?? 0) !== (o.spec?.replicas ?? 1);
}

/**
 * The serviceaccounts controller's work: an active namespace without its "default" ServiceAccount
 * (one created or deleted through `kjob serve`, where no kjob verb makes it at once).
 */
function namespaceIsWork(store: Store, obj: KObject): boolean {
  if (!decodes('Namespace', obj)) return false;
  const ns = asKind('Namespace', obj);
  if (ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return false;
  return store.get('ServiceAccount', ns.metadata.name, DEFAULT_SERVICE_ACCOUNT) === undefined;
}

/** The kinds that own others here (their dependents wait for the garbage collector once they are gone). */
const OWNER_KINDS = new Set(['Job', 'CronJob', 'Deployment', 'ReplicaSet']);
const WORK_KINDS = new Set(['Job', 'Pod', 'CronJob', 'Deployment', 'ReplicaSet']);

/** The whole state, read once. */
function scan(store: Store): boolean {
  const jobs = store.list('Job').filter((j) => decodes('Job', j));
  const owners = new Set([...store.list('Job'), ...store.list('CronJob'), ...store.list('Deployment'), ...store.list('ReplicaSet')].map((o) => o.metadata.uid));
  // Dependents whose owner is gone wait for the garbage collector.
  const orphaned = (o: Owned) => (o.metadata.ownerReferences ?? []).length > 0 && o.metadata.ownerReferences!.every((r) => !owners.has(r.uid));
  if (jobs.some(orphaned)) return true;
  for (const pod of store.list('Pod')) {
    if ((podIsWork(store, pod) || orphaned(pod)) && decodes('Pod', pod)) return true;
  }
  if (jobs.some(jobIsWork)) return true;
  for (const kind of ['Deployment', 'ReplicaSet'] as const) {
    if (store.list(kind).some((o) => (appsIsWork(o) || orphaned(o)) && decodes(kind, o))) return true;
  }
  if (store.list('Namespace').some((ns) => namespaceIsWork(store, ns))) return true;
  return store.list('CronJob').some((cj) => cronJobIsWork(cj) && decodes('CronJob', cj));
}

/** Whether one change since a state without work brings work; undefined: cannot tell from it alone. */
function changeIsWork(store: Store, c: Change): boolean | undefined {
  if (c.kind === 'Namespace' || (c.kind === 'ServiceAccount' && c.type === 'DELETED' && c.name === DEFAULT_SERVICE_ACCOUNT)) {
    const ns = store.get('Namespace', undefined, c.kind === 'Namespace' ? c.name : c.namespace);
    return ns !== undefined && namespaceIsWork(store, ns);
  }
  if (!WORK_KINDS.has(c.kind)) return false;
  // A deleted owner leaves dependents to the garbage collector.
  if (c.type === 'DELETED') return c.kind === 'Pod' ? false : undefined;
  // The object as it is now (a later change of it is looked at too).
  const obj = store.get(c.kind, c.namespace, c.name);
  if (!obj || obj.metadata.uid !== c.uid || !decodes(c.kind, obj)) return false;
  if (c.kind === 'CronJob') return cronJobIsWork(obj);
  if (c.kind === 'Pod' && podIsWork(store, obj)) return true;
  if (c.kind === 'Job' && jobIsWork(obj)) return true;
  if ((c.kind === 'Deployment' || c.kind === 'ReplicaSet') && appsIsWork(obj)) return true;
  // Orphaned: every owner gone. Owners are objects of the same namespace, by name.
  const refs = (obj as Owned).metadata.ownerReferences ?? [];
  if (refs.length === 0) return false;
  return refs.every((r) => {
    if (!r.kind || !OWNER_KINDS.has(r.kind)) return true;
    return store.get(r.kind as Kind, c.namespace, r.name ?? '')?.metadata.uid !== r.uid;
  });
}

export function hasPendingWork(store: Store): boolean {
  const { work, rv } = store.read(() => {
    const rv = store.currentRV();
    const idle = Number(store.getMeta(IDLE_RV_META_KEY) ?? NaN);
    if (idle === rv) return { work: false, rv: undefined };
    if (Number.isInteger(idle) && idle < rv && rv - idle <= MAX_INCREMENTAL_CHANGES && store.oldestChangeRV() <= idle + 1) {
      let undecided = false;
      for (const c of store.changesSince(idle, MAX_INCREMENTAL_CHANGES)) {
        const w = changeIsWork(store, c);
        if (w === true) return { work: true, rv };
        if (w === undefined) undecided = true;
      }
      if (!undecided) return { work: false, rv };
    }
    return { work: scan(store), rv };
  });
  if (!work && rv !== undefined) remember(store, rv);
  return work;
}

/** Remembers "no work at rv" (best effort: a read-only state file just answers). */
function remember(store: Store, rv: number): void {
  try {
    store.setMeta(IDLE_RV_META_KEY, String(rv));
  } catch {
    /* not writable: the next question scans again */
  }
}
