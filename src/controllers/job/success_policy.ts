// spec.successPolicy (success_policy.go): Indexed Jobs that succeed before every index has.
import type { SuccessPolicy } from '../../api/types.js';
import { parseIndexes } from './indexes.js';

/** The index of the first matching rule, or undefined. */
export function matchSuccessPolicy(policy: SuccessPolicy | undefined, succeeded: Set<number>, completions: number): number | undefined {
  const rules = policy?.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.succeededIndexes != null) {
      const want = parseIndexes(String(r.succeededIndexes), completions);
      if (want.size === 0) continue;
      let have = 0;
      for (const x of want) if (succeeded.has(x)) have++;
      if (r.succeededCount != null ? have >= r.succeededCount : have === want.size) return i;
    } else if (r.succeededCount != null && succeeded.size >= r.succeededCount) {
      return i;
    }
  }
  return undefined;
}
