// The endpoints controller (pkg/controller/endpoint): one level-triggered reconcile, syncService,
// per Service key. The Endpoints object of a Service with a selector lists the addresses of the
// pods it selects, ready ones in `addresses` and the others in `notReadyAddresses`, with each
// Service port resolved in each pod (subsets repacked by port set); a Service that is gone has
// its Endpoints deleted. Services without a selector, and ExternalName Services, are left alone
// (their Endpoints, if any, are the user's). Written only when the subsets or labels change.
import type { KObject, PodObject, ServiceObject } from '../../api/types.js';
import { splitKey } from '../../api/types.js';
import type { LocalAPIServer } from '../../apiserver/interface.js';
import { listItems, resource, tryGet, isStatus } from '../../client/client.js';
import { jsonEqual as sameJSON } from '../../util/canonical.js';
import {
  LAST_CHANGE_TRIGGER_TIME, TriggerTimeTracker, endpointsLabels, findPort, podIP, podReady, selectedPods, shouldPodBeInEndpoints, shouldSetHostname,
} from './util.js';

export const COMPONENT = 'endpoint-controller';
const ENDPOINTS = resource('Endpoints');

export interface EndpointsControllerOptions {
  api: LocalAPIServer;
}

interface Address {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}
interface Port {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: Port[];
}

/** RepackSubsets and SortSubsets: one subset per distinct port set, addresses sorted by IP then uid. */
export function repackSubsets(entries: { addr: Address; ready: boolean; port?: Port }[]): Subset[] {
  const byAddr = new Map<string, { addr: Address; ready: boolean; ports: Port[] }>();
  for (const e of entries) {
    const k = `${e.ready}|${JSON.stringify(e.addr)}`;
    const cur = byAddr.get(k) ?? { addr: e.addr, ready: e.ready, ports: [] };
    if (e.port && !cur.ports.some((p) => sameJSON(p, e.port))) cur.ports.push(e.port);
    byAddr.set(k, cur);
  }
  const subsets = new Map<string, Subset>();
  for (const { addr, ready, ports } of byAddr.values()) {
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port || a.protocol.localeCompare(b.protocol));
    const k = JSON.stringify(ports);
    const ss = subsets.get(k) ?? {};
    const list = ready ? (ss.addresses ??= []) : (ss.notReadyAddresses ??= []);
    list.push(addr);
    if (ports.length) ss.ports = ports;
    subsets.set(k, ss);
  }
  const byIP = (a: Address, b: Address) => a.ip.localeCompare(b.ip, 'en', { numeric: true }) || a.targetRef.uid.localeCompare(b.targetRef.uid);
  const out = [...subsets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, ss]) => {
    ss.addresses?.sort(byIP);
    ss.notReadyAddresses?.sort(byIP);
    // Field order as the API serialises an EndpointSubset.
    return { ...(ss.addresses ? { addresses: ss.addresses } : {}), ...(ss.notReadyAddresses ? { notReadyAddresses: ss.notReadyAddresses } : {}), ...(ss.ports ? { ports: ss.ports } : {}) };
  });
  return out;
}

/** The subsets the endpoints controller computes for a Service from its pods. */
export function desiredSubsets(svc: ServiceObject, pods: PodObject[]): Subset[] {
  const tolerateUnready = !!svc.spec?.publishNotReadyAddresses;
  const entries: { addr: Address; ready: boolean; port?: Port }[] = [];
  for (const pod of selectedPods(svc, pods)) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const addr: Address = {
      ip: podIP(pod),
      ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec?.hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
    };
    const ready = tolerateUnready || podReady(pod);
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) {
      // A headless Service without ports still lists its pods' addresses.
      if (svc.spec?.clusterIP === 'None') entries.push({ addr, ready });
      continue;
    }
    for (const sp of ports) {
      const n = findPort(pod, sp);
      if (n === undefined) continue; // "Failed to find port for service" (logged there)
      entries.push({ addr, ready, port: { ...(sp.name ? { name: sp.name } : {}), port: n, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) } });
    }
  }
  return repackSubsets(entries);
}

export class EndpointsController {
  private readonly api: LocalAPIServer;
  private readonly triggerTimes = new TriggerTimeTracker();

  constructor(opts: EndpointsControllerOptions) {
    this.api = opts.api;
  }

  /** syncService: namespace/name of a Service. */
  syncService(key: string): void {
    const { namespace, name } = splitKey(key);
    const svc = tryGet(this.api, 'Service', namespace, name);
    if (!svc) {
      this.triggerTimes.forget(key);
      try {
        this.api.delete(ENDPOINTS, namespace, name);
      } catch (e) {
        if (!isStatus(e, 'NotFound')) throw e;
      }
      return;
    }
    if (svc.spec?.type === 'ExternalName' || !svc.spec?.selector) return;
    const pods = selectedPods(svc, listItems(this.api, 'Pod', namespace));
    const triggerTime = this.triggerTimes.compute(key, svc, pods);
    const subsets = desiredSubsets(svc, pods);
    const labels = endpointsLabels(svc);
    const current = tryGet(this.api, 'Endpoints', namespace, name);
    if (current && sameJSON(current.subsets ?? [], subsets) && sameJSON(current.metadata.labels ?? {}, labels)) return;
    const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
    if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME] = triggerTime;
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    const body: KObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...(current?.metadata ?? { name, namespace }),
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      ...(subsets.length ? { subsets } : {}),
    };
    if (!Object.keys(labels).length) delete body.metadata.labels;
    if (!Object.keys(annotations).length) delete body.metadata.annotations;
    try {
      if (current) this.api.update(ENDPOINTS, namespace, name, body);
      else this.api.create(ENDPOINTS, namespace, body);
    } catch (e) {
      // A conflict or a create race: the next change (or the retry) looks again.
      if (isStatus(e, 'Conflict', 'AlreadyExists')) throw new Error(`endpoints ${key}: ${(e as Error).message}`);
      throw e;
    }
  }
}
