// pkg/registry/core/pod/strategy.go: a new pod is Pending with its QoS class; an update keeps the
// status and the spec; the status strategy keeps spec and metadata; deletion is graceful
// (CheckGracefulDelete); binding (pods/binding) assigns the node.
import { StatusError } from '../../errors.js';
import type { StatusCause } from '../../errors.js';
import { asKind, rfc3339, type KObject, type PodObject, type PodSpec } from '../../api/types.js';
import { isTerminalPhase } from '../../api/pod_util.js';
import { resourceForKind } from '../../api/resources.js';
import { podQOSClass } from '../../api/defaults.js';
import { validateCreate } from '../../api/validation.js';
import { forbidden } from '../../api/field_errors.js';
import { BaseStrategy, keepStatus } from './strategy.js';
import { jsonCopy } from '../../util/canonical.js';

export class PodStrategy extends BaseStrategy {
  override readonly statusSubresource = true;
  constructor() {
    super(resourceForKind('Pod')!);
  }
  override prepareForCreate(pod: PodObject): void {
    pod.status = { phase: 'Pending', qosClass: podQOSClass(pod.spec) };
  }
  override prepareForUpdate(pod: PodObject, old: PodObject): void {
    keepStatus(pod, old);
    // A pod's spec is immutable but for images, activeDeadlineSeconds and added tolerations, which
    // the kubelet here does not act on: the stored spec is kept (upstream refuses other changes
    // with a Forbidden error that renders a diff of the two specs).
    pod.spec = old.spec;
  }
  /** ValidatePodCreate: ephemeral containers come only through pods/ephemeralcontainers. */
  override validate(pod: PodObject): StatusCause[] {
    const causes = validateCreate(this.info, pod);
    if (pod.spec?.ephemeralContainers?.length) causes.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
    return causes;
  }
  override validateUpdate(pod: PodObject, _old: PodObject): StatusCause[] {
    return validateCreate(this.info, pod);
  }
  /** CheckGracefulDelete: the pod's (or the request's) grace, 0 for a pod not on a node or already finished. */
  gracePeriod(pod: PodObject, requested: number | undefined): number {
    let grace = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (!(grace > 0)) grace = 0;
    grace = Math.floor(grace);
    if (!pod.spec?.nodeName) grace = 0;
    const phase = pod.status?.phase;
    if (isTerminalPhase(phase)) grace = 0;
    return grace;
  }
}

/**
 * The binding subresource (BindingREST.assignPod): the pod's node, and its PodScheduled
 * condition. Conflict when it is already bound or being deleted. shallow: stored is the store's
 * shared, frozen object and the result is only read (WriteOptions.readOnlyResult): the parts the
 * binding leaves are shared, not copied.
 */
export function bindPod(stored: KObject, nodeName: string, now: Date, shallow = false): PodObject {
  const pod = asKind('Pod', stored);
  const name = pod.metadata.name;
  if (pod.metadata.deletionTimestamp) throw new StatusError('Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is being deleted, cannot be assigned to a host`, { name });
  if (pod.spec?.nodeName) {
    throw new StatusError('Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`, { name });
  }
  const next = shallow ? { ...pod, metadata: { ...pod.metadata } } : jsonCopy(pod);
  next.spec = { ...(next.spec as PodSpec), nodeName };
  const status = { ...(next.status ?? {}) };
  const conditions = [...(status.conditions ?? [])].filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) });
  status.conditions = conditions;
  if (!status.phase) status.phase = 'Pending';
  next.status = status;
  return next;
}
