// What kube-controller-manager's controllers share (pkg/controller/controller_utils.go).

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
