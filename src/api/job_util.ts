// Predicates over Jobs that controllers, the engine and the CLI share (pkg/controller/job/util,
// batch's IsJobFinished): they read an object, so they sit with the API types.
import type { KObject } from './types.js';

/** The finalizer the Job controller puts on its pods until it has counted them. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export type JobConditionType = 'Complete' | 'Failed' | 'SuccessCriteriaMet' | 'FailureTarget' | 'Suspended';

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

export function findCondition(job: KObject, type: JobConditionType): JobCondition | undefined {
  return ((job.status?.conditions ?? []) as JobCondition[]).find((c) => c.type === type);
}

export function hasTrueCondition(job: KObject, type: JobConditionType): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** IsJobFinished: a true Complete or Failed condition. */
export function isJobFinished(job: KObject): boolean {
  return hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
}

export function hasTrackingFinalizer(pod: KObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}
