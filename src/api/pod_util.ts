// Predicates over Pods (k8s.io/kubernetes/pkg/api/v1/pod, controller.IsPodActive) that the
// controllers, the kubelet, the engine and the CLI share.
import type { PodObject } from './types.js';
import type { ServicePort } from 'kubernetes-types/core/v1.js';

/**
 * IsRestartableInitContainer: an init container with restartPolicy Always, a sidecar (beta and on
 * by default in v1.32): it starts in the init containers' order, runs beside the pod's
 * containers, restarts whatever the pod's restartPolicy, and is stopped once they have ended.
 */
export function isRestartableInitContainer(c: { restartPolicy?: string } | undefined | null): boolean {
  return c?.restartPolicy === 'Always';
}

export function podPhase(pod: PodObject): string {
  return pod.status?.phase ?? 'Pending';
}

export function isPodTerminal(pod: PodObject): boolean {
  return isTerminalPhase(podPhase(pod));
}

export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(pod: PodObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

export function isPodReady(pod: PodObject): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** podutil.FindPort: a Service port's targetPort as a number in this pod, or undefined. */
export function findPort(pod: PodObject, sp: ServicePort): number | undefined {
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(String(t))) return Number(t);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === t && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}
