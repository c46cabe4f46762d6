// What kube-proxy and the cluster DNS know, computed from Services and Pods: each ClusterIP
// port's ready backends, and the DNS names of Services and of pods behind a headless Service
// (`<hostname>.<subdomain>`). The engine writes it to run/net/table.json after every change of a
// Service or a Pod; netd.ts, inside the node's network namespace, serves it.
import type { PodObject, ServiceObject } from '../../api/types.js';
import type { ServiceSpec } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { findPort, isPodReady, isPodTerminal } from '../../api/pod_util.js';
import { CLUSTER_DOMAIN, DNS_IP } from '../addresses.js';

export interface Backend { ip: string; port: number }
export interface ServicePort { ip: string; port: number; protocol: string; service: string; backends: Backend[] }
export interface Table {
  /** fully qualified names, lower case -> A addresses */
  dns: Record<string, string[]>;
  services: ServicePort[];
}

/**
 * kjob only: a pod that succeeded under a subdomain keeps its network and its DNS name until it
 * is deleted. The pods of an Indexed Job that reach each other by <hostname>.<subdomain> (the
 * pod-to-pod tutorial) start here within a second of each other, so the first to have reached
 * all its peers ends before the others have reached it; on a cluster, slower starts hide that.
 */
export function keepsNetwork(pod: PodObject): boolean {
  return pod.status?.phase === 'Succeeded' && !!pod.spec?.subdomain && !!pod.spec?.hostname;
}

function selects(svc: ServiceObject, pod: PodObject): boolean {
  const sel = svc.spec?.selector;
  return !!sel && Object.keys(sel).length > 0 && selectorFromLabelSelector({ matchLabels: sel }).matches(pod.metadata.labels);
}

/** The pods that back a Service, as the Endpoints controller picks them: selected, scheduled,
 * with an address, not terminal or terminating; ready unless publishNotReadyAddresses. */
export function servicePods(svc: ServiceObject, pods: PodObject[]): PodObject[] {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  const selector = selectorFromLabelSelector({ matchLabels: sel });
  const ns = svc.metadata.namespace;
  return pods.filter((p) => p.metadata.namespace === ns && selector.matches(p.metadata.labels) && p.status?.podIP && !p.metadata.deletionTimestamp
    && !isPodTerminal(p) && (svc.spec!.publishNotReadyAddresses || isPodReady(p)));
}

export function buildTable(services: ServiceObject[], pods: PodObject[]): Table {
  const dns: Record<string, string[]> = {};
  const add = (name: string, ips: string[]) => {
    const k = name.toLowerCase();
    dns[k] = [...new Set([...(dns[k] ?? []), ...ips])];
  };
  add(`kube-dns.kube-system.svc.${CLUSTER_DOMAIN}`, [DNS_IP]);
  const out: ServicePort[] = [];
  for (const svc of services) {
    const spec: Partial<ServiceSpec> = svc.spec ?? {};
    if (spec.type === 'ExternalName') continue;
    const ns = svc.metadata.namespace ?? 'default';
    const fqdn = `${svc.metadata.name}.${ns}.svc.${CLUSTER_DOMAIN}`;
    const backing = servicePods(svc, pods);
    if (spec.clusterIP === 'None') {
      add(fqdn, backing.map((p) => p.status!.podIP!));
      // A pod with a hostname and this Service as its subdomain: <hostname>.<service>; kjob
      // keeps the name of such a pod that succeeded while the pod exists (keepsNetwork).
      const done = pods.filter((p) => keepsNetwork(p) && p.status?.podIP && !p.metadata.deletionTimestamp && p.metadata.namespace === ns && selects(svc, p));
      for (const p of [...backing, ...done]) if (p.spec?.hostname && p.spec?.subdomain === svc.metadata.name) add(`${p.spec.hostname}.${fqdn}`, [p.status!.podIP!]);
      continue;
    }
    if (!spec.clusterIP) continue;
    add(fqdn, [spec.clusterIP]);
    for (const sp of spec.ports ?? []) {
      const backends: Backend[] = [];
      for (const p of backing) {
        const port = findPort(p, sp);
        if (port !== undefined) backends.push({ ip: p.status!.podIP!, port });
      }
      out.push({ ip: spec.clusterIP, port: sp.port, protocol: sp.protocol ?? 'TCP', service: `${ns}/${svc.metadata.name}`, backends });
    }
  }
  return { dns, services: out };
}
