// The contract of kjob's apiserver: the one door between every writer (the CLI, the controllers,
// the kubelet, `kjob serve`) and the store. It speaks in resources and request bodies, as the
// REST API does, so the HTTP server is a thin translation of it and the CLI can talk to a real
// cluster through the same shape (an HTTP client implements it too).
//
// Errors are StatusError (src/errors.ts) with the apiserver's reasons and messages: NotFound,
// AlreadyExists, Conflict, Invalid (with causes), BadRequest (decoding), Forbidden (admission),
// Expired (a watch from a resourceVersion the change log no longer holds: 410 Gone).
import type { KObject } from '../api/types.js';
import type { TableViewRow } from '../api/table_view.js';
import type { ResourceInfo } from '../api/resources.js';
import type { FieldValidation } from './decode.js';

export interface WriteOptions {
  /** dryRun=All: admission, defaults and validation run; nothing is stored. */
  dryRun?: boolean;
  /** fieldValidation: what to do with unknown fields of the body (default Strict, as kubectl sends). */
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  /**
   * An in-process caller that only reads the object a write returns (the engine's controllers,
   * scheduler and kubelet, for the writes of a pod's way through a Job): the write takes the
   * stored object it replaces from the store's shared, frozen ones (the caller's own read of it,
   * nearly always) instead of reading and parsing it again, and what it returns is frozen and
   * kept as the new version's shared object (store WriteHow.share), as an informer's objects
   * are shared: its next readers, the informer's handlers among them, do not parse it again. An
   * apiserver across a connection has nothing to share and ignores it.
   */
  readOnlyResult?: boolean;
}

export interface ListOptions {
  /** undefined: all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  /** labels.Parse syntax: `app=x,tier!=db,env in (a,b),!foo` */
  labelSelector?: string;
  /** fields.ParseSelector syntax over the fields each resource supports (metadata.name, status.phase, ...) */
  fieldSelector?: string;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'json' | 'merge' | 'strategic';

/** application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json */
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface WriteResult {
  object: KObject;
  /** Warning headers (`unknown field "spec.foo"` with fieldValidation=Warn, deprecations). */
  warnings: string[];
}

export interface DeleteResult extends WriteResult {
  /** false: only marked (deletionTimestamp, finalizers, a pod's grace period); the object still exists. */
  removed: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
}

/** A watch: events after a resourceVersion, in order, for the objects the options select. */
export interface Watch {
  /** Events since the last call (or since the start), oldest first; [] when nothing happened. Throws Expired (410). */
  next(): WatchEvent[];
  /** The resourceVersion the watch has reached (for a BOOKMARK). */
  resourceVersion(): string;
  /**
   * Calls then when next() may have more: soon after another process commits a write, at the
   * latest after pollMs. Once per next(); close() calls a pending then.
   */
  wait(pollMs: number, then: () => void): void;
  close(): void;
}

/** create() options: a body for a subresource of an existing object (pods/binding: a Binding whose metadata.name is the pod). */
export interface CreateOptions extends WriteOptions {
  subresource?: 'binding';
}

export interface APIServer {
  get(resource: ResourceInfo, namespace: string | undefined, name: string): KObject;
  list(resource: ResourceInfo, opts?: ListOptions): { items: KObject[]; resourceVersion: string };
  /**
   * A list for a table: each object's table view (api/table_view.ts), its row as the printers
   * print it. undefined when the kind has no views or a field selector is given (then list() is
   * the way). Each row is given to each in list order, as it is read; the rows have their labels
   * only with opts.withLabels.
   */
  listViews?(resource: ResourceInfo, opts: ListOptions & { withLabels?: boolean }, each: (row: TableViewRow) => void): { resourceVersion: string } | undefined;
  /** POST: decode, admission (mutating), defaults, generateName, validation, admission (validating), store. */
  create(resource: ResourceInfo, namespace: string | undefined, body: unknown, opts?: CreateOptions): WriteResult;
  /** PUT: the same over the stored object; status is kept as stored (status is its own subresource). */
  update(resource: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts?: WriteOptions): WriteResult;
  /** PUT .../status: only status changes (metadata and spec kept as stored). */
  updateStatus(resource: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts?: WriteOptions): WriteResult;
  /** PUT of pods/ephemeralcontainers: only the pod's spec.ephemeralContainers changes. */
  updateEphemeralContainers(resource: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts?: WriteOptions): WriteResult;
  /** PATCH (or PATCH .../status): applied to the stored object and retried on a conflict, as the apiserver does. */
  patch(resource: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' }): WriteResult;
  delete(resource: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): DeleteResult;
  /** From resourceVersion (exclusive); "" or undefined: from now (after a list, pass its resourceVersion). */
  watch(resource: ResourceInfo, opts?: ListOptions & { resourceVersion?: string }): Watch;
}

/**
 * The apiserver in this process (src/apiserver/apiserver.ts), which the engine's controllers and
 * the kubelet use: the same door, plus requests grouped into one atomic step where upstream's
 * controllers rely on protocols a single writer process does not need (the Job controller counts
 * a finished pod and releases its finalizer together; a CronJob sync creates its Job and records
 * it in its status together). An HTTP client cannot offer it, and nothing above the engine uses it.
 */
export interface LocalAPIServer extends APIServer {
  /** Runs fn's requests as one transaction of the store: all of them happen, or none. */
  atomic<T>(fn: () => T): T;
  /**
   * Runs fn's reads and its one write (at most) with nothing written in between: in a
   * transaction of its own, or in the caller's as it is, without a savepoint (a write the apiserver
   * refuses is refused before it writes, so there is nothing of it to undo; admission may have
   * created the namespace's default ServiceAccount first, which stays: the serviceaccounts
   * controller makes it in every namespace anyway).
   */
  readThenWrite<T>(fn: () => T): T;
  /**
   * Calls fn(true) once the transaction this request runs in has committed (at once outside one),
   * fn(false) once it is rolled back: what a caller remembers of its own writes (their
   * resourceVersions) must not outlive them, as the store gives a rolled-back resourceVersion to
   * the next write, and what it did beside them (processes started) may have to be undone.
   */
  afterTransaction(fn: (committed: boolean) => void): void;
  /**
   * The pods of namespace whose controller (ownerReference with controller: true) has this uid,
   * as list() orders them: a controller's informer-indexed lookup, at the cost of the pods found.
   * The objects may be shared between calls (an informer's cache): frozen, not to be changed.
   * leaveOut: pods it says yes to are not listed; its verdict on a version of a pod may be
   * remembered, so it must depend on the pod alone (a function kept, not made for each call).
   */
  listControlledPods(namespace: string, controllerUID: string, leaveOut?: (pod: KObject) => boolean): KObject[];
  /**
   * The Events of namespace about the object with this uid (involvedObject.uid), as a list with
   * that field selector returns them, by the store's reference index: an event recorder's lookup
   * of what it wrote before, without a list request's selector parsing and copies. Shared and
   * frozen, as listControlledPods' pods are.
   */
  listEventsAbout(namespace: string, uid: string): KObject[];
  /**
   * The stored object as a lister returns it from an informer's cache: shared between calls while
   * its version stands, frozen, not to be changed (copy it first). undefined when there is none.
   * For readers that only look: a get parses the object anew for every call.
   */
  getShared(resource: ResourceInfo, namespace: string | undefined, name: string): KObject | undefined;
  /** The resourceVersion a list would return now, without listing. */
  currentResourceVersion(): string;
}
