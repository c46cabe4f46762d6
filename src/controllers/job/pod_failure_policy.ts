// spec.podFailurePolicy (pod_failure_policy.go): the first rule matching a failed pod decides
// what its failure means.
import type { PodFailurePolicy, PodObject } from '../../api/types.js';
import type { PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyOnPodConditionsPattern } from 'kubernetes-types/batch/v1.js';

export type PodFailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PolicyMatch {
  action: PodFailureAction;
  /** The FailJob message (also set for the other actions, for the record). */
  message: string;
  rule: number;
}

/** matchPodFailurePolicy: undefined when no rule matches (the failure is counted normally). */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: PodObject): PolicyMatch | undefined {
  const rules = policy?.rules ?? [];
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const action = rule.action as PodFailureAction;
    if (rule.onExitCodes) {
      const c = matchOnExitCodes(rule.onExitCodes, pod);
      if (c) {
        return {
          action,
          rule: i,
          message: `Container ${c.name} for pod ${ns}/${name} failed with exit code ${c.code} matching ${action} rule at index ${i}`,
        };
      }
    } else if (rule.onPodConditions) {
      const t = matchOnPodConditions(rule.onPodConditions, pod);
      if (t) return { action, rule: i, message: `Pod ${ns}/${name} has condition ${t} matching ${action} rule at index ${i}` };
    }
  }
  return undefined;
}

function matchOnExitCodes(req: PodFailurePolicyOnExitCodesRequirement, pod: PodObject): { name: string; code: number } | undefined {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  for (const s of statuses) {
    if (req.containerName && req.containerName !== s.name) continue;
    const t = s.state?.terminated;
    if (!t || t.exitCode === 0 || t.exitCode === undefined) continue;
    const vals: number[] = req.values ?? [];
    const isIn = vals.includes(t.exitCode);
    if ((req.operator === 'In' && isIn) || (req.operator === 'NotIn' && !isIn)) return { name: s.name, code: t.exitCode };
  }
  return undefined;
}

function matchOnPodConditions(patterns: PodFailurePolicyOnPodConditionsPattern[], pod: PodObject): string | undefined {
  for (const c of pod.status?.conditions ?? []) {
    for (const p of patterns) {
      if (p.type === c.type && (p.status ?? 'True') === c.status) return c.type;
    }
  }
  return undefined;
}
