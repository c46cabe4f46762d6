// The endpointslice controller (pkg/controller/endpointslice and k8s.io/endpointslice's
// reconciler), for one node's scale: one IPv4 slice per Service with a selector, named
// `<service>-<5 random>` (generateName), labelled kubernetes.io/service-name and managed-by
// endpointslice-controller.k8s.io, owned by the Service (the garbage collector deletes it with
// the Service). Each selected pod with an address that has not finished is an endpoint with its
// conditions: ready (ready and not terminating, or publishNotReadyAddresses), serving (ready),
// terminating (deletionTimestamp). With no endpoints, the slice is the placeholder kubernetes
// keeps (no ports, no endpoints). Written only when something differs.
import type { PodObject, ServiceObject } from '../../api/types.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import { splitKey } from '../../api/types.js';
import type { LocalAPIServer } from '../../apiserver/interface.js';
import { listItems, resource, tryGet, isStatus } from '../../client/client.js';
import { jsonEqual as sameJSON } from '../../util/canonical.js';
import {
  LAST_CHANGE_TRIGGER_TIME, TriggerTimeTracker, endpointsLabels, findPort, podIP, podReady, selectedPods, shouldPodBeInEndpoints, shouldSetHostname,
} from '../endpoint/util.js';

export const COMPONENT = 'endpointslice-controller';
export const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const SLICES = resource('EndpointSlice');

/** The ports and endpoints of a Service's slice, as the reconciler computes them. */
export function desiredSlice(svc: ServiceObject, pods: PodObject[]): { ports: EndpointPort[] | null; endpoints: Endpoint[] | null } {
  const endpoints: Endpoint[] = [];
  let ports: EndpointPort[] | null = null;
  for (const pod of selectedPods(svc, pods)) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const podPorts: EndpointPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const n = findPort(pod, sp);
      if (n === undefined) continue;
      podPorts.push({ name: sp.name ?? '', port: n, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // One slice here: the first pod's port set is the slice's (pods resolving named ports
    // differently would get slices of their own on a cluster).
    ports ??= podPorts;
    const serving = podReady(pod);
    const terminating = !!pod.metadata.deletionTimestamp;
    endpoints.push({
      addresses: [podIP(pod)],
      conditions: { ready: !!svc.spec?.publishNotReadyAddresses || (serving && !terminating), serving, terminating },
      ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec?.hostname } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    });
  }
  if (endpoints.length === 0) return { ports: null, endpoints: null };
  return { ports: ports && ports.length ? ports : null, endpoints };
}

export class EndpointSliceController {
  private readonly api: LocalAPIServer;
  private readonly triggerTimes = new TriggerTimeTracker();

  constructor(opts: { api: LocalAPIServer }) {
    this.api = opts.api;
  }

  /** syncService: namespace/name of a Service. A deleted Service's slices go with it (GC). */
  syncService(key: string): void {
    const { namespace, name } = splitKey(key);
    const svc = tryGet(this.api, 'Service', namespace, name);
    if (!svc || svc.metadata.deletionTimestamp) {
      this.triggerTimes.forget(key);
      return;
    }
    if (svc.spec?.type === 'ExternalName' || !svc.spec?.selector) return;
    const pods = selectedPods(svc, listItems(this.api, 'Pod', namespace));
    const triggerTime = this.triggerTimes.compute(key, svc, pods);
    const existing = listItems(this.api, 'EndpointSlice', namespace, `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY}=${CONTROLLER_NAME}`).sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name!.localeCompare(b.metadata.name!),
    );
    const { ports, endpoints } = desiredSlice(svc, pods);
    const labels = { ...endpointsLabels(svc), [SERVICE_NAME_LABEL]: name, [MANAGED_BY]: CONTROLLER_NAME };
    const ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }];
    const [slice, ...extra] = existing;
    for (const s of extra) {
      try {
        this.api.delete(SLICES, namespace, s.metadata.name!);
      } catch (e) {
        if (!isStatus(e, 'NotFound')) throw e;
      }
    }
    if (slice && slice.addressType === 'IPv4' && sameJSON(slice.ports ?? null, ports) && sameJSON(slice.endpoints ?? null, endpoints)
      && sameJSON(slice.metadata.labels ?? {}, labels) && sameJSON(slice.metadata.ownerReferences ?? [], ownerReferences)) return;
    const annotations: Record<string, string> = { ...(slice?.metadata.annotations ?? {}) };
    if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME] = triggerTime;
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    const metadata: Record<string, unknown> = slice ? { ...slice.metadata } : { generateName: `${name}-`, namespace };
    metadata.labels = labels;
    metadata.ownerReferences = ownerReferences;
    if (Object.keys(annotations).length) metadata.annotations = annotations;
    else delete metadata.annotations;
    // No endpoints or ports: the fields left out, as the apiserver's decoding leaves them.
    const body = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata, addressType: 'IPv4', ...(endpoints ? { endpoints } : {}), ...(ports ? { ports } : {}) };
    if (slice) this.api.update(SLICES, namespace, slice.metadata.name!, body);
    else this.api.create(SLICES, namespace, body);
  }
}
