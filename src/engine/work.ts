// Whether the engine has anything to do: the CLI starts it only then, and it exits when not.
import type { Store } from '../store/store.js';
import { isJobFinished, hasTrackingFinalizer, isPodTerminal } from '../controllers/job/utils.js';

export function hasPendingWork(store: Store): boolean {
  for (const pod of store.list('Pod')) {
    if (!isPodTerminal(pod) || pod.metadata.deletionTimestamp) return true;
    if (hasTrackingFinalizer(pod)) return true; // finished but not yet counted by its Job
  }
  for (const job of store.list('Job')) {
    if (job.metadata.deletionTimestamp) return true;
    if (!isJobFinished(job) && job.spec?.suspend !== true) return true;
  }
  for (const cj of store.list('CronJob')) {
    if (cj.metadata.deletionTimestamp) return true;
  }
  return false;
}
