// What the endpoints and endpointslice controllers share (pkg/controller/util/endpoint and
// k8s.io/endpointslice/util): which pods belong in a Service's endpoints, a port's number in a
// pod (podutil.FindPort), the hostname rule, and the trigger-time tracker behind the
// endpoints.kubernetes.io/last-change-trigger-time annotation.
import type { PodObject, ServiceObject } from '../../api/types.js';
import { findPort, isPodReady, isTerminalPhase } from '../../api/pod_util.js';

export { findPort };
import { selectorFromLabelSelector } from '../../api/labels.js';

export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export const podReady = (pod: PodObject): boolean => isPodReady(pod);

/** The pods a Service's selector picks in its namespace (none for a Service without a selector). */
export function selectedPods(svc: ServiceObject, pods: PodObject[]): PodObject[] {
  const sel = svc.spec?.selector as Record<string, string> | undefined;
  if (!sel) return [];
  const selector = selectorFromLabelSelector({ matchLabels: sel });
  return pods.filter((p) => p.metadata.namespace === svc.metadata.namespace && selector.matches(p.metadata.labels));
}

/** ShouldPodBeInEndpoints: an address, not terminating (unless asked), and not finished for good. */
export function shouldPodBeInEndpoints(pod: PodObject, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return !isTerminalPhase(phase);
  if (policy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/** ShouldSetHostname: the pod's hostname, when its subdomain is this Service's name. */
export function shouldSetHostname(pod: PodObject, svc: ServiceObject): boolean {
  return !!pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

export const podIP = (pod: PodObject): string => pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';

/** The service labels as endpoints carry them: the Service's, and the headless marker. */
export function endpointsLabels(svc: ServiceObject): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  delete labels[HEADLESS_LABEL];
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

/**
 * TriggerTimeTracker (pkg/controller/util/endpoint/trigger_time_tracker.go): the time of the
 * earliest change not yet reflected in a Service's endpoints: a pod's Ready condition's last
 * transition, or the Service's creation, for each one that changed since the last sync.
 * Undefined when nothing changed.
 */
export class TriggerTimeTracker {
  private readonly state = new Map<string, { svc: string; pods: Map<string, string> }>();

  compute(key: string, svc: ServiceObject, pods: PodObject[]): string | undefined {
    const prev = this.state.get(key);
    const svcTime = svc.metadata.creationTimestamp ?? '';
    const next = { svc: svcTime, pods: new Map<string, string>() };
    let min: string | undefined;
    const consider = (t: string) => {
      if (t && (min === undefined || Date.parse(t) < Date.parse(min))) min = t;
    };
    if (!prev || prev.svc !== svcTime) consider(svcTime);
    for (const p of pods) {
      const ready = (p.status?.conditions ?? []).find((c) => c.type === 'Ready');
      const t: string = ready?.lastTransitionTime ?? '';
      next.pods.set(p.metadata.name!, t);
      if (!prev || prev.pods.get(p.metadata.name!) !== t) consider(t);
    }
    this.state.set(key, next);
    return min === undefined ? undefined : new Date(Date.parse(min)).toISOString().replace('.000Z', 'Z');
  }

  forget(key: string): void {
    this.state.delete(key);
  }
}
