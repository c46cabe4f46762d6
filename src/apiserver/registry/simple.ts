// The strategies of the kinds without a status subresource or anything of their own at create:
// ConfigMap (immutable data once `immutable` is set), Secret (its type is immutable),
// ServiceAccount, Event; and Node (status is its own subresource).
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { validateConfigMapUpdate, validateSecretUpdate } from '../../api/validation.js';
import { BaseStrategy } from './strategy.js';

export class ConfigMapStrategy extends BaseStrategy {
  constructor() {
    super(resourceForKind('ConfigMap')!);
  }
  override validateUpdate(cm: KObject, old: KObject): StatusCause[] {
    return validateConfigMapUpdate(old, cm);
  }
}

export class SecretStrategy extends BaseStrategy {
  constructor() {
    super(resourceForKind('Secret')!);
  }
  override validateUpdate(s: KObject, old: KObject): StatusCause[] {
    return validateSecretUpdate(old, s);
  }
}

export class ServiceAccountStrategy extends BaseStrategy {
  constructor() {
    super(resourceForKind('ServiceAccount')!);
  }
}

export class EventStrategy extends BaseStrategy {
  constructor() {
    super(resourceForKind('Event')!);
  }
}

export class NodeStrategy extends BaseStrategy {
  override readonly statusSubresource = true;
  constructor() {
    super(resourceForKind('Node')!);
  }
  override prepareForCreate(_node: KObject): void {
    // A kubelet registers its node with its status.
  }
}
