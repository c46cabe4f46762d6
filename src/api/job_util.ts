// Predicates over Jobs that controllers, the engine and the CLI share (pkg/controller/job/util,
// batch's IsJobFinished): they read an object, so they sit with the API types.
import type { JobCondition, JobObject, JobStatus, KObject, PodObject } from './types.js';

/** The finalizer the Job controller puts on its pods until it has counted them. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export type JobConditionType = 'Complete' | 'Failed' | 'SuccessCriteriaMet' | 'FailureTarget' | 'Suspended';

export type { JobCondition };

export function findCondition(job: JobObject, type: JobConditionType): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => c.type === type);
}

export function hasTrueCondition(job: JobObject, type: JobConditionType): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** IsJobFinished: a true Complete or Failed condition. */
export function isJobFinished(job: JobObject): boolean {
  return hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
}

/** The Job controller's name, the one spec.managedBy value that leaves a Job to it. */
const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** managedByExternalController (JobManagedBy, beta and on in v1.32): the controller named in spec.managedBy when it is another. */
export function managedByExternalController(job: KObject): string | undefined {
  const m = (job.spec as { managedBy?: unknown } | undefined)?.managedBy;
  return typeof m === 'string' && m !== JOB_CONTROLLER_NAME ? m : undefined;
}

export function hasTrackingFinalizer(pod: KObject | PodObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/** A Job's state in one word, as `kubectl get job` shows it (first condition of each type). */
export function jobState(job: { metadata: { deletionTimestamp?: string }; status?: JobStatus }): 'Complete' | 'Failed' | 'Terminating' | 'Suspended' | 'FailureTarget' | 'Running' | 'Pending' {
  const conds = job.status?.conditions ?? [];
  const is = (t: string) => conds.find((c) => c.type === t)?.status === 'True';
  if (is('Complete')) return 'Complete';
  if (is('Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (is('Suspended')) return 'Suspended';
  if (is('FailureTarget')) return 'FailureTarget';
  if (!job.status?.startTime) return 'Pending';
  return 'Running';
}
