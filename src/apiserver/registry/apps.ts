// pkg/registry/apps/deployment/strategy.go and pkg/registry/apps/replicaset/strategy.go:
// generation 1 and an empty status on create; a spec change (for a Deployment, an annotation
// change too, since annotations are copied to its ReplicaSets) bumps the generation; status is
// its own subresource; the selector is immutable in apps/v1.
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { validateAppsWorkloadUpdate } from '../../api/validation_apps.js';
import { BaseStrategy, keepStatus } from './strategy.js';
import { jsonEqual } from '../../util/canonical.js';

class AppsWorkloadStrategy extends BaseStrategy {
  override readonly statusSubresource = true;
  constructor(private readonly kind: 'Deployment' | 'ReplicaSet') {
    super(resourceForKind(kind)!);
  }
  override prepareForCreate(obj: KObject): void {
    obj.status = {};
    obj.metadata.generation = 1;
  }
  override prepareForUpdate(obj: KObject, old: KObject): void {
    keepStatus(obj, old);
    const annotationsChanged = this.kind === 'Deployment' && !jsonEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {});
    if (!jsonEqual(obj.spec, old.spec) || annotationsChanged) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  override validateUpdate(obj: KObject, old: KObject): StatusCause[] {
    return validateAppsWorkloadUpdate(this.kind, obj, old);
  }
  override prepareForStatusUpdate(obj: KObject, old: KObject): void {
    const annotations = obj.metadata?.annotations;
    super.prepareForStatusUpdate(obj, old);
    // deploymentStatusStrategy keeps only the spec and labels as stored: the deployment
    // controller records the revision annotation with its status updates.
    if (this.kind === 'Deployment') {
      if (annotations && Object.keys(annotations).length) obj.metadata.annotations = annotations;
      else delete obj.metadata.annotations;
    }
  }
}

export class DeploymentStrategy extends AppsWorkloadStrategy {
  constructor() {
    super('Deployment');
  }
}

export class ReplicaSetStrategy extends AppsWorkloadStrategy {
  constructor() {
    super('ReplicaSet');
  }
}
