// The registry strategies (k8s.io/apiserver/pkg/registry/rest: RESTCreateStrategy,
// RESTUpdateStrategy, RESTDeleteStrategy, and the status strategies of the kinds with a status
// subresource): what happens to an object of a kind on create, update, status update and delete,
// between the request handler (src/apiserver/apiserver.ts) and the store.
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../api/types.js';
import type { ResourceInfo } from '../../api/resources.js';
import { setDefaults } from '../../api/defaults.js';
import { validateCreate } from '../../api/validation.js';

export type GarbageCollectionPolicy = 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';

export interface Strategy {
  readonly info: ResourceInfo;
  /** The kind has a status subresource: an update keeps the stored status, a status update changes only it. */
  readonly statusSubresource: boolean;
  /** The decoder's defaulting (SetDefaults_<Kind>): applied to every body, before admission; on a
   * copy of obj unless owned (obj is the caller's own copy). */
  defaults(obj: KObject, owned?: boolean): KObject;
  /** PrepareForCreate: once the object has its name, uid and creationTimestamp. Mutates obj. */
  prepareForCreate(obj: KObject): void;
  validate(obj: KObject): StatusCause[];
  warningsOnCreate(obj: KObject): string[];
  /**
   * PrepareForUpdate (mutates obj). old is the stored object as this request read it, which
   * nothing changes afterwards: obj may take its parts without copying them (as Go's strategies
   * assign the old object's fields).
   */
  prepareForUpdate(obj: KObject, old: KObject): void;
  validateUpdate(obj: KObject, old: KObject): StatusCause[];
  /** The status strategy's PrepareForUpdate: everything but status as stored (old as for prepareForUpdate). */
  prepareForStatusUpdate(obj: KObject, old: KObject): void;
  validateStatusUpdate(obj: KObject, old: KObject): StatusCause[];
  /**
   * CheckGracefulDelete: for a kind with graceful deletion, the grace period (seconds) this
   * deletion gets, 0 for none; undefined for kinds deleted at once.
   */
  gracePeriod?(obj: KObject, requested: number | undefined): number;
  /** DefaultGarbageCollectionPolicy: what a delete without a propagation policy does to dependents. */
  defaultGarbageCollectionPolicy(): GarbageCollectionPolicy;
  /** A warning for a delete without a propagation policy (batch/v1 Jobs orphan their pods). */
  deleteWarning?(): string | undefined;
}

/** What every kind does unless its strategy says otherwise. */
export class BaseStrategy implements Strategy {
  readonly statusSubresource: boolean = false;
  constructor(readonly info: ResourceInfo) {}
  defaults(obj: KObject, owned = false): KObject {
    return setDefaults(this.info, obj, owned);
  }
  prepareForCreate(obj: KObject): void {
    if (this.statusSubresource) obj.status = {};
  }
  validate(obj: KObject): StatusCause[] {
    return validateCreate(this.info, obj);
  }
  warningsOnCreate(_obj: KObject): string[] {
    return [];
  }
  prepareForUpdate(obj: KObject, old: KObject): void {
    if (this.statusSubresource) keepStatus(obj, old);
  }
  validateUpdate(obj: KObject, _old: KObject): StatusCause[] {
    return validateCreate(this.info, obj);
  }
  prepareForStatusUpdate(obj: KObject, old: KObject): void {
    for (const k of Object.keys(obj)) if (k !== 'status' && k !== 'metadata') delete obj[k];
    for (const [k, v] of Object.entries(old)) if (k !== 'status' && k !== 'metadata') obj[k] = v;
    obj.metadata = { ...old.metadata, resourceVersion: obj.metadata?.resourceVersion };
  }
  validateStatusUpdate(_obj: KObject, _old: KObject): StatusCause[] {
    return [];
  }
  defaultGarbageCollectionPolicy(): GarbageCollectionPolicy {
    return 'DeleteDependents';
  }
}

/** The stored status (or none), whatever the request said. */
export function keepStatus(obj: KObject, old: KObject): void {
  if (old.status !== undefined) obj.status = old.status;
  else delete obj.status;
}
