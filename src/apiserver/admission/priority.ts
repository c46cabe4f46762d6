// The Priority admission plugin (plugin/pkg/admission/priority): spec.priority from the pod's
// priorityClassName (kjob knows the two built-in classes), never given by the pod itself.
import { StatusError } from '../../errors.js';
import type { PodObject, PodSpec } from '../../api/types.js';

const BUILTIN_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

export function admitPriority(pod: PodObject): void {
  const spec = (pod.spec = pod.spec ?? ({} as PodSpec));
  let priority = 0;
  if (spec.priorityClassName) {
    const v = BUILTIN_PRIORITY_CLASSES[spec.priorityClassName];
    if (v === undefined) {
      const name = pod.metadata?.name ?? pod.metadata?.generateName ?? '';
      throw new StatusError('Forbidden', `pods "${name}" is forbidden: no PriorityClass with name ${spec.priorityClassName} was found`, { kind: 'pods', name });
    }
    priority = v;
  }
  if (spec.priority != null && spec.priority !== priority) {
    const name = pod.metadata?.name ?? '';
    throw new StatusError(
      'Forbidden',
      `pods "${name}" is forbidden: the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      { kind: 'pods', name },
    );
  }
  spec.priority = priority;
  if (spec.preemptionPolicy == null) spec.preemptionPolicy = 'PreemptLowerPriority';
}
