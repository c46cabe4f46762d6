// Pod re-creation back-off (backoff_utils.go): after failures, new pods wait
// base * 2^(failures-1), capped, measured from the latest failure.
import { exponentialBackoffMs, type Timing } from '../../util/timing.js';

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** ms since epoch of the latest counted failure, or 0 */
  lastFailureTime: number;
}

/** Fold the finish times of newly finished pods into the record, as upstream newBackoffRecord does. */
export function updateBackoffRecord(prev: BackoffRecord | undefined, succeededAt: number[], failedAt: number[]): BackoffRecord {
  const rec: BackoffRecord = prev ? { ...prev } : { failuresAfterLastSuccess: 0, lastFailureTime: 0 };
  if (succeededAt.length === 0 && failedAt.length === 0) return rec;
  if (succeededAt.length === 0) {
    return {
      failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedAt.length,
      lastFailureTime: Math.max(rec.lastFailureTime, ...failedAt),
    };
  }
  const lastSuccess = Math.max(...succeededAt);
  const after = failedAt.filter((t) => t > lastSuccess);
  return { failuresAfterLastSuccess: after.length, lastFailureTime: after.length ? Math.max(...after) : 0 };
}

export function backoffDelayMs(failures: number, timing: Timing): number {
  if (failures <= 0) return 0;
  return exponentialBackoffMs(failures, timing.podFailureBackoffBaseMs, timing.podFailureBackoffMaxMs);
}

/** How long pod creation must still wait, 0 when it may go ahead. */
export function remainingBackoffMs(rec: BackoffRecord, nowMs: number, timing: Timing): number {
  if (rec.failuresAfterLastSuccess === 0) return 0;
  const remaining = backoffDelayMs(rec.failuresAfterLastSuccess, timing) - (nowMs - rec.lastFailureTime);
  return Math.max(0, remaining);
}
