// pkg/registry/core/endpoint/strategy.go and pkg/registry/discovery/endpointslice/strategy.go:
// neither kind has a status; both are written by their controllers (the endpoints and
// endpointslice controllers of kube-controller-manager), and users may create Endpoints for a
// Service without a selector.
import type { KObject } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { BaseStrategy } from './strategy.js';
import { jsonEqual } from '../../util/canonical.js';

export class EndpointsStrategy extends BaseStrategy {
  constructor() {
    super(resourceForKind('Endpoints')!);
  }
}

export class EndpointSliceStrategy extends BaseStrategy {
  constructor() {
    super(resourceForKind('EndpointSlice')!);
  }
  /** endpointSliceStrategy: generation 1 on create, bumped when anything but metadata changes. */
  override prepareForCreate(obj: KObject): void {
    obj.metadata.generation = 1;
  }
  override prepareForUpdate(obj: KObject, old: KObject): void {
    const strip = (o: KObject) => ({ ...o, metadata: undefined });
    if (!jsonEqual(strip(obj), strip(old))) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    else obj.metadata.generation = old.metadata.generation;
  }
}
