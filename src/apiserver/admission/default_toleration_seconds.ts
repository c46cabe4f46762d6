// The DefaultTolerationSeconds admission plugin: a pod that does not tolerate the not-ready and
// unreachable taints (NoExecute) tolerates them for 300 seconds.
import type { KObject } from '../../api/types.js';

export function admitDefaultTolerationSeconds(pod: KObject): void {
  const spec = (pod.spec = pod.spec ?? {});
  const tolerations: { key?: string; operator?: string; effect?: string }[] = (spec.tolerations = [...(spec.tolerations ?? [])]);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some((t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
    if (!has) tolerations.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 } as never);
  }
}
