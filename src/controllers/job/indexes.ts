// Completion indexes (indexed_job_utils.go): the index of a pod, and the interval strings of
// status.completedIndexes, status.failedIndexes and successPolicy.rules[].succeededIndexes.
import type { PodObject } from '../../api/types.js';

export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';

/** getCompletionIndex: the annotation (then the label), or -1 when absent or not a number. */
export function podIndex(pod: PodObject): number {
  const raw = pod.metadata.annotations?.[COMPLETION_INDEX_KEY] ?? pod.metadata.labels?.[COMPLETION_INDEX_KEY];
  if (raw === undefined || !/^\d+$/.test(String(raw))) return -1;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : -1;
}

/** A pod whose index is valid for a Job of `completions` completions. */
export function validIndex(pod: PodObject, completions: number): boolean {
  const i = podIndex(pod);
  return i >= 0 && i < completions;
}

/** Parse an interval list ("0-4,7", "1,2"); indexes ≥ completions and malformed parts are dropped. */
export function parseIndexes(s: string | undefined | null, completions: number): Set<number> {
  const out = new Set<number>();
  if (!s) return out;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = a; i <= Math.min(b, completions - 1); i++) out.add(i);
  }
  return out;
}

/** Format as upstream: ≥3 consecutive → "a-b", two → "a,b", one → "a". */
export function formatIndexes(set: Iterable<number>): string {
  const xs = [...new Set(set)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < xs.length) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    if (j === i) parts.push(String(xs[i]));
    else if (j === i + 1) parts.push(`${xs[i]},${xs[j]}`);
    else parts.push(`${xs[i]}-${xs[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The lowest indexes in [0, completions) not in any of `taken`, at most `n`. */
export function firstPendingIndexes(n: number, completions: number, ...taken: Set<number>[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < n; i++) {
    if (!taken.some((s) => s.has(i))) out.push(i);
  }
  return out;
}

/** The Indexed pod's name prefix: `<job>-<index>-`, with the job name cut so the total is ≤ 58. */
export function indexedGenerateName(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  if (prefix.length <= 58) return prefix;
  return jobName.slice(0, 58 - suffix.length) + suffix;
}

export function annotationCount(pod: PodObject, key: string): number {
  const raw = pod.metadata.annotations?.[key];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : 0;
}
