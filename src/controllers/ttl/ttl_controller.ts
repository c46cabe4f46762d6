// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted, in the foreground (its pods first), that many seconds
// after its Complete or Failed condition. It emits no events. The TTL is the user's duration and
// is never scaled by KJOB_TIME_SCALE.
import type { JobObject } from '../../api/types.js';
import { splitKey } from '../../api/types.js';
import { StatusError } from '../../errors.js';
import type { APIServer } from '../../apiserver/interface.js';
import { JOBS, tryGet } from '../../client/client.js';
import type { Clock } from '../../util/clock.js';
import { isJobFinished } from '../../api/job_util.js';

export interface SyncResult {
  requeueAfterMs?: number;
}

/** A Job the controller watches: TTL set, finished, not being deleted. */
export function needsCleanup(job: JobObject): boolean {
  return job.spec?.ttlSecondsAfterFinished != null && !job.metadata.deletionTimestamp && isJobFinished(job);
}

/** When the Job's TTL expires (ms since epoch): its finish time plus the TTL. */
export function expiresAt(job: JobObject): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl == null) return undefined;
  const cond = ((job.status?.conditions ?? []) as { type: string; status: string; lastTransitionTime?: string }[]).find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  if (!cond?.lastTransitionTime) return undefined;
  return Date.parse(cond.lastTransitionTime) + ttl * 1000;
}

export class TTLAfterFinishedController {
  constructor(private readonly opts: { api: APIServer; clock: Clock }) {}

  sync(key: string): SyncResult {
    const { namespace, name } = splitKey(key);
    const api = this.opts.api;
    // Always the fresh object: the TTL may have been edited since it was queued.
    const job = tryGet(api, 'Job', namespace, name);
    if (!job || !needsCleanup(job)) return {};
    const at = expiresAt(job);
    if (at === undefined) return {};
    const left = at - this.opts.clock.now().getTime();
    if (left > 0) return { requeueAfterMs: left };
    try {
      api.delete(JOBS, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.reason !== 'NotFound' && e.reason !== 'Conflict') throw e;
    }
    return {};
  }
}
