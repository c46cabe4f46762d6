// The DefaultTolerationSeconds admission plugin: a pod that does not tolerate the not-ready and
// unreachable taints (NoExecute) tolerates them for 300 seconds.
import type { PodObject, PodSpec, Toleration } from '../../api/types.js';

export function admitDefaultTolerationSeconds(pod: PodObject): void {
  // Admission runs before validation: a pod without a spec gets an empty one, as before.
  const spec = (pod.spec = pod.spec ?? ({} as PodSpec));
  const tolerations: Toleration[] = (spec.tolerations = [...(spec.tolerations ?? [])]);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some((t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'));
    if (!has) tolerations.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
  }
}
