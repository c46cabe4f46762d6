import { UserError } from '../errors.js';

// Every built-in delay in one place, with Kubernetes' values as defaults. KJOB_TIME_SCALE scales
// them (0.01 turns a 10s back-off into 100ms); durations a user writes in a manifest
// (activeDeadlineSeconds, ttlSecondsAfterFinished, terminationGracePeriodSeconds) are not scaled.
export interface Timing {
  /** Job controller: pod re-creation back-off base (10s), doubling, capped (10min). */
  podFailureBackoffBaseMs: number;
  podFailureBackoffMaxMs: number;
  /**
   * Job controller: batching delay after pod events. Upstream waits 1s (syncJobBatchPeriod) to
   * shed load from a real cluster's apiserver; no user sees it, so kjob does not wait: every pod
   * change drained in one round of the engine queues its Job once (the work queue coalesces).
   */
  jobSyncBatchMs: number;
  /** Job controller: retry after a failed pod create (DefaultJobApiBackOff 1s, doubling, MaxJobApiBackOff 1min). */
  jobApiBackoffBaseMs: number;
  jobApiBackoffMaxMs: number;
  /** Kubelet: container restart back-off base (10s), doubling, capped (5min). */
  containerBackoffBaseMs: number;
  containerBackoffMaxMs: number;
  /** Kubelet's volume manager: retry of a failed mount (nestedpendingoperations: 500ms, doubling, capped at 2min 2s). */
  volumeMountRetryBaseMs: number;
  volumeMountRetryMaxMs: number;
  /** CronJob controller: requeue slack after a schedule time (100ms upstream). */
  cronJobRequeueSlackMs: number;
  /** Engine: how long it stays up with nothing to do before exiting. */
  engineIdleExitMs: number;
  /**
   * Kubelet: the generic PLEG's relist period (1s). The kubelet learns that a container it started
   * runs at its next relist, and only then reports it (Running, ready, a start that failed); kjob
   * learns of a container's end at once (its shim's note), so one that ends sooner is reported
   * ended without ever being Running, as a cluster shows a short container.
   */
  plegRelistMs: number;
  /** Pod network: how long a finished pod's namespace waits for its controller's next pod (PodNetwork.keepForReuse). */
  netnsKeepMs: number;
}

export const KUBERNETES_TIMING: Timing = {
  podFailureBackoffBaseMs: 10_000,
  podFailureBackoffMaxMs: 600_000,
  jobSyncBatchMs: 0,
  jobApiBackoffBaseMs: 1_000,
  jobApiBackoffMaxMs: 60_000,
  containerBackoffBaseMs: 10_000,
  containerBackoffMaxMs: 300_000,
  volumeMountRetryBaseMs: 500,
  volumeMountRetryMaxMs: 122_000,
  cronJobRequeueSlackMs: 100,
  plegRelistMs: 1_000,
  engineIdleExitMs: 2_000,
  netnsKeepMs: 5_000,
};

export function parseTimeScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`error: KJOB_TIME_SCALE must be a positive number, got "${raw}"`);
  return n;
}

export function scaledTiming(scale: number, base: Timing = KUBERNETES_TIMING): Timing {
  const out = { ...base };
  for (const k of Object.keys(out) as (keyof Timing)[]) {
    if (k === 'engineIdleExitMs' || k === 'netnsKeepMs') continue; // not Kubernetes delays
    out[k] = base[k] * scale;
  }
  return out;
}

export function timingFromEnv(env: NodeJS.ProcessEnv = process.env): Timing {
  return scaledTiming(parseTimeScale(env.KJOB_TIME_SCALE));
}

/** An exponential back-off's nth wait (n ≥ 1): base, 2×base, 4×base, ... capped at max (client-go's, the kubelet's, the Job controller's). */
export function exponentialBackoffMs(n: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** (n - 1), maxMs);
}
