// pkg/registry/core/namespace: a new namespace is Active with the "kubernetes" finalizer in its
// spec and its name label; status is its own subresource.
import type { NamespaceObject } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { BaseStrategy, keepStatus } from './strategy.js';

export class NamespaceStrategy extends BaseStrategy {
  override readonly statusSubresource = true;
  constructor() {
    super(resourceForKind('Namespace')!);
  }
  override prepareForCreate(ns: NamespaceObject): void {
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name! };
    ns.spec = { ...(ns.spec ?? {}), finalizers: ns.spec?.finalizers ?? ['kubernetes'] };
    ns.status = { phase: 'Active' };
  }
  override prepareForUpdate(ns: NamespaceObject, old: NamespaceObject): void {
    keepStatus(ns, old);
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name! };
    // The spec (its finalizers) is the namespace controller's, through the finalize subresource.
    if (old.spec !== undefined) ns.spec = old.spec;
  }
}
