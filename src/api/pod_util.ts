// Predicates over Pods (k8s.io/kubernetes/pkg/api/v1/pod, controller.IsPodActive) that the
// controllers, the kubelet, the engine and the CLI share.
import type { PodObject } from './types.js';

export function podPhase(pod: PodObject): string {
  return pod.status?.phase ?? 'Pending';
}

export function isPodTerminal(pod: PodObject): boolean {
  const p = podPhase(pod);
  return p === 'Succeeded' || p === 'Failed';
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(pod: PodObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: PodObject): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}
