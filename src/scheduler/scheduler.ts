// kube-scheduler for a one-node cluster: every unscheduled pod is bound to the node.
import type { KObject } from '../api/types.js';
import { rfc3339 } from '../api/types.js';

/** The part of the Store the scheduler needs (the real Store satisfies it structurally). */
export interface SchedulerStore {
  update(obj: KObject): KObject;
  recordEvent(involved: KObject, type: 'Normal' | 'Warning', reason: string, message: string, source: { component: string; host?: string }, fieldPath?: string): void;
}

/** Binds pod to nodeName: spec.nodeName, condition PodScheduled=True, event Scheduled. Returns the
 * updated pod, or undefined when it was already bound. Throws the store's Conflict like any write. */
export function schedulePod(store: SchedulerStore, pod: KObject, nodeName: string, now: Date): KObject | undefined {
  if (pod.spec?.nodeName) return undefined;
  const next: KObject = structuredClone(pod);
  next.spec = { ...next.spec, nodeName };
  const status = { ...(next.status ?? {}) };
  const conditions: any[] = [...(status.conditions ?? [])].filter((c: any) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) });
  status.conditions = conditions;
  if (!status.phase) status.phase = 'Pending';
  next.status = status;
  const out = store.update(next);
  store.recordEvent(out, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, { component: 'default-scheduler' });
  return out;
}
