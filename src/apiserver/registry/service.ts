// pkg/registry/core/service: the ClusterIP and node ports are allocated on create (from the uid
// here), kept on update when the request leaves them out; status is its own subresource.
import type { ServiceObject, ServiceSpec } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { allocateServiceAddresses } from '../../api/defaults.js';
import { BaseStrategy, keepStatus } from './strategy.js';

export class ServiceStrategy extends BaseStrategy {
  override readonly statusSubresource = true;
  constructor() {
    super(resourceForKind('Service')!);
  }
  override prepareForCreate(svc: ServiceObject): void {
    allocateServiceAddresses(svc, svc.metadata.uid!);
    svc.status = { loadBalancer: {} };
  }
  override prepareForUpdate(svc: ServiceObject, old: ServiceObject): void {
    keepStatus(svc, old);
    const spec = (svc.spec = svc.spec ?? {});
    const o: ServiceSpec = old.spec ?? {};
    const keep = <K extends keyof ServiceSpec>(k: K) => {
      if (spec[k] == null && o[k] != null) spec[k] = o[k];
    };
    for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy', 'internalTrafficPolicy'] as const) keep(k);
    (spec.ports ?? []).forEach((p, i) => {
      if (p.nodePort == null && o.ports?.[i]?.nodePort != null) p.nodePort = o.ports[i].nodePort;
    });
  }
}
