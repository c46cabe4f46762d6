// kjob's apiserver: the one door to the store. Every writer (the CLI verbs, the controllers, the
// kubelet, `kjob serve`) goes through it, and each request goes the way kube-apiserver takes it:
//
//   create   decode strictly → defaults → mutating admission (NamespaceLifecycle, ServiceAccount,
//            Priority, DefaultTolerationSeconds) → uid, creationTimestamp, generateName →
//            PrepareForCreate → Validate (+ object meta) → warnings → size limit → store
//            (a generated name that is taken is generated again, up to 8 times)
//   update   decode → defaults → admission → the stored object's system fields → PrepareForUpdate
//            (status kept: it is a subresource) → ValidateUpdate (immutable fields) → store, with
//            optimistic concurrency on resourceVersion; removing the last finalizer of an object
//            being deleted deletes it
//   status   the same over the status subresource: only status changes
//   patch    the patch (JSON, merge, strategic) applied to the stored object, decoded, defaulted,
//            then the update path; read, patch and write are one transaction, so a patch never
//            conflicts unless it names a resourceVersion itself
//   delete   preconditions → graceful deletion (pods) → propagation (orphan, background,
//            foreground finalizer) → finalizers → removed, or only marked
//   list, watch  label and field selectors; watch from the store's change log
//
// Sources: k8s.io/apiserver pkg/endpoints/handlers (create.go, update.go, patch.go, delete.go),
// pkg/registry/generic/registry/store.go, pkg/registry/rest (create.go, update.go, delete.go).
import { StatusError, invalid, notFound, type StatusCause } from '../errors.js';
import type { KObject, Kind } from '../api/types.js';
import type { TableViewRow } from '../api/table_view.js';
import { asKind, rfc3339, KINDS } from '../api/types.js';
import { apiVersionOf, groupResource, resourceForKind, type ResourceInfo } from '../api/resources.js';
import { parseSelector, everything, type Selector } from '../api/labels.js';
import { randomSuffix } from '../api/names.js';
import { strategicMergePatch, PatchError } from '../api/patch/strategic.js';
import { patchMetaForKind } from '../api/patch/meta.js';
import { jsonMergePatch } from '../api/patch/merge.js';
import { applyJSONPatch, JSONPatchDecodeError, JSONPatchError } from '../api/patch/json.js';
import type { JSONMap } from '../api/patch/gofmt.js';
import { asJSONMap, goV } from '../api/patch/gofmt.js';
import { goQuote, jsonKind } from '../util/go.js';
import { jsonCopy, jsonEqual } from '../util/canonical.js';
import { newUID } from '../util/uid.js';
import { realClock, type Clock } from '../util/clock.js';
import { Store } from '../store/store.js';
import type {
  CreateOptions,
  DeleteOptions,
  DeleteResult,
  ListOptions,
  LocalAPIServer as LocalAPIServerContract,
  PatchType,
  Watch,
  WriteOptions,
  WriteResult,
} from './interface.js';
import { decodeTyped, decodeError, knownToDecode, readable, storedDecoded, type FieldValidation } from './decode.js';
import { strategyFor, type Strategy } from './registry/index.js';
import { bindPod } from './registry/pod.js';
import { prepareEphemeralUpdate, validateEphemeralUpdate } from './registry/pod_ephemeral.js';
import { admit, type Attributes } from './admission/admission.js';
import { DEFAULT_SERVICE_ACCOUNT } from './admission/serviceaccount.js';
import { parseFieldSelector, selectableFields, storeFieldFilter, EVERYTHING, type FieldSelector } from './fieldselector.js';
import { StoreWatch } from './watch.js';

/** The apiserver's request body limit (--max-request-bytes default for the handlers: 3 MiB). */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
/** maxNameGenerationCreateAttempts */
const GENERATE_NAME_ATTEMPTS = 8;
const MAX_GENERATED_NAME_BASE = 58; // 63 - 5 random characters

export const FINALIZER_FOREGROUND = 'foregroundDeletion';
export const FINALIZER_ORPHAN = 'orphan';

export interface LocalAPIServerOptions {
  /** creationTimestamp, deletionTimestamp: the state directory's clock */
  clock?: Clock;
  /**
   * Every client is in this process and writes objects it built from decoded ones with the API's
   * types (the engine's controllers and kubelet, as client-go's typed clients do): decoding such a
   * body into its Go type changes nothing, so a create's and an update's body is only copied. What
   * is stored is the object itself (asStored), as decoding would give it back. Never for an
   * apiserver that takes what users wrote (the CLI's, `kjob serve`'s).
   */
  typedClients?: boolean;
  /**
   * Typed clients' objects are decoded all the same, and one that decoding changes is refused as a
   * bug (asStored). Default: KJOB_CHECK_TYPED_WRITES=1 in the environment, which the test suite
   * sets (scripts/test.mjs).
   */
  checkTypedWrites?: boolean;
}

type Meta = KObject['metadata'];

/** How asStored's check refuses a typed client's object: a bug of the engine's (the e2e tests look for it in the engine's log). */
export const TYPED_WRITE_BUG = 'kjob: this is a bug: a typed client wrote an object';

export class LocalAPIServer implements LocalAPIServerContract {
  readonly store: Store;
  readonly clock: Clock;

  private readonly typedClients: boolean;
  private readonly checkTypedWrites: boolean;

  constructor(store: Store, opts: LocalAPIServerOptions = {}) {
    this.store = store;
    this.clock = opts.clock ?? realClock;
    this.typedClients = opts.typedClients === true;
    this.checkTypedWrites = opts.checkTypedWrites ?? process.env.KJOB_CHECK_TYPED_WRITES === '1';
  }

  atomic<T>(fn: () => T): T {
    return this.store.transaction(fn);
  }

  readThenWrite<T>(fn: () => T): T {
    return this.store.oneWrite(fn);
  }

  afterTransaction(fn: (committed: boolean) => void): void {
    this.store.afterTransaction(fn);
  }

  // ================================================================ reads

  get(resource: ResourceInfo, namespace: string | undefined, name: string): KObject {
    const obj = this.store.get(resource.kind, requestNamespace(resource, namespace), name);
    if (!obj) throw notFound(groupResource(resource), name);
    return obj;
  }

  list(resource: ResourceInfo, opts: ListOptions = {}): { items: KObject[]; resourceVersion: string } {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(resource.kind, opts.fieldSelector);
    const ns = resource.namespaced ? opts.namespace : undefined;
    return this.store.read(() => {
      const resourceVersion = String(this.store.currentRV());
      const items = this.store
        .list(resource.kind, { namespace: ns, fields: storeFieldFilter(resource.kind, fields), labelSelector: labels.empty() ? undefined : (l) => labels.matches(l) })
        .filter((o) => fields.empty() || fields.matches(selectableFields(o)));
      return { items, resourceVersion };
    });
  }

  listViews(resource: ResourceInfo, opts: ListOptions & { withLabels?: boolean }, each: (row: TableViewRow) => void): { resourceVersion: string } | undefined {
    if (opts.fieldSelector) return undefined;
    const labels = parseLabelSelector(opts.labelSelector);
    const ns = resource.namespaced ? opts.namespace : undefined;
    return this.store.read(() => {
      const resourceVersion = String(this.store.currentRV());
      const found = this.store.eachView(resource.kind, { namespace: ns, labels: opts.withLabels, labelSelector: labels.empty() ? undefined : (l) => labels.matches(l) }, each);
      return found ? { resourceVersion } : undefined;
    });
  }

  currentResourceVersion(): string {
    return String(this.store.currentRV());
  }

  getShared(resource: ResourceInfo, namespace: string | undefined, name: string): KObject | undefined {
    return this.store.getShared(resource.kind, requestNamespace(resource, namespace), name);
  }

  listControlledPods(namespace: string, controllerUID: string, leaveOut?: (pod: KObject) => boolean): KObject[] {
    return this.store.listByRefShared('Pod', namespace, controllerUID, leaveOut) as KObject[];
  }

  listEventsAbout(namespace: string, uid: string): KObject[] {
    return this.store.listByRefShared('Event', namespace, uid) as KObject[];
  }

  watch(resource: ResourceInfo, opts: ListOptions & { resourceVersion?: string } = {}): Watch {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(resource.kind, opts.fieldSelector);
    const from = opts.resourceVersion ? Number(opts.resourceVersion) : this.store.currentRV();
    if (!Number.isInteger(from) || from < 0) throw new StatusError('BadRequest', `invalid resource version: ${goQuote(String(opts.resourceVersion))}`);
    return new StoreWatch(this.store, { kind: resource.kind, namespace: resource.namespaced ? opts.namespace : undefined, labels, fields }, from);
  }

  // ================================================================ create

  create(resource: ResourceInfo, namespace: string | undefined, body: unknown, opts: CreateOptions = {}): WriteResult {
    if (opts.subresource === 'binding') return this.bind(resource, namespace, body, opts);
    const strategy = strategyFor(resource.kind);
    const { object: decoded, warnings } = this.decode(resource, body, opts.fieldValidation);
    const ns = requestNamespace(resource, namespace, decoded.metadata?.namespace);
    ensureNamespace(resource, ns, decoded.metadata);
    const obj = strategy.defaults(decoded, true); // decoded is this request's own copy
    // One write: an AlreadyExists of a generated name is refused before anything is written.
    return this.store.oneWrite(() => {
      this.admit({ operation: 'CREATE', resource, namespace: ns ?? '', name: obj.metadata.name ?? '', object: obj });
      const generated = !obj.metadata.name && !!obj.metadata.generateName;
      for (let attempt = 1; ; attempt++) {
        try {
          // createObject changes what it is given: a generated name's retry starts from a copy.
          return this.createObject(strategy, generated ? structuredClone(obj) : obj, warnings, opts.dryRun === true, opts.readOnlyResult === true);
        } catch (e) {
          if (!(generated && e instanceof StatusError && e.reason === 'AlreadyExists' && attempt < GENERATE_NAME_ATTEMPTS)) throw e;
        }
      }
    });
  }

  /** store.go create: system fields, the generated name, BeforeCreate, the store. */
  private createObject(strategy: Strategy, obj: KObject, warnings: string[], dryRun: boolean, share: boolean): WriteResult {
    const info = strategy.info;
    const m = obj.metadata as Meta;
    // FillObjectMetaSystemFields
    m.creationTimestamp = rfc3339(this.clock.now());
    m.uid = newUID();
    delete m.resourceVersion;
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink', 'managedFields'] as const) delete (m as Record<string, unknown>)[k];
    if (!m.name && m.generateName) m.name = m.generateName.slice(0, MAX_GENERATED_NAME_BASE) + randomSuffix(5);
    // BeforeCreate
    strategy.prepareForCreate(obj);
    const causes = strategy.validate(obj);
    if (causes.length > 0) throw invalid(info.kind, info.group, m.name ?? '', causes);
    const out = this.asStored(info, obj, () => mustDecode(info, obj));
    const all = [...warnings, ...strategy.warningsOnCreate(out)];
    if (dryRun) {
      if (this.store.get(info.kind, m.namespace, m.name!)) throw alreadyExistsError(info, this.store, m.namespace, m.name!);
      return { object: out, warnings: all };
    }
    try {
      return { object: storedDecoded(info.kind, this.store.create(out, { adopt: true, share })), warnings: all };
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'AlreadyExists') throw alreadyExistsError(info, this.store, m.namespace, m.name!);
      throw e;
    }
  }

  /** pods/binding: the scheduler assigns a node. */
  private bind(resource: ResourceInfo, namespace: string | undefined, body: unknown, opts: WriteOptions): WriteResult {
    if (resource.kind !== 'Pod') throw new StatusError('NotFound', 'the server could not find the requested resource');
    const b = body as { metadata?: { name?: string }; target?: { kind?: string; name?: string } };
    const name = b?.metadata?.name ?? '';
    const node = b?.target?.name ?? '';
    if (!node || (b.target?.kind && b.target.kind !== 'Node')) {
      throw invalid('Binding', '', name, [{ field: 'target.kind', message: 'Unsupported value: ' + goQuote(b?.target?.kind ?? '') + ': supported values: "Node"', type: 'FieldValueNotSupported' }]);
    }
    return this.store.oneWrite(() => {
      const share = opts.readOnlyResult === true && !opts.dryRun;
      const pod = this.stored(resource, requestNamespace(resource, namespace), name, { readOnlyResult: share });
      if (!pod) throw notFound(groupResource(resource), name);
      const next = bindPod(pod, node, this.clock.now(), share);
      if (opts.dryRun) return { object: next, warnings: [] };
      const bound = this.store.update(next, { resourceVersion: pod.metadata.resourceVersion }, { adopt: true, share });
      // A binding sets a node name and a condition of a pod that decoded: so does the bound one (the
      // engine's next sync of the pod need not decode it to see, as it did for every pod).
      return { object: knownToDecode('Pod', pod.metadata.uid!, pod.metadata.resourceVersion!) ? storedDecoded('Pod', bound) : bound, warnings: [] };
    });
  }

  // ================================================================ update, status, patch

  update(resource: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): WriteResult {
    const { object, warnings } = this.decode(resource, body, opts.fieldValidation);
    return this.store.oneWrite(() => this.updateObject(resource, namespace, name, object, warnings, opts, false));
  }

  updateStatus(resource: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): WriteResult {
    const { object, warnings } = this.decode(resource, this.typedClients ? statusUpdatePart(body) : body, opts.fieldValidation);
    return this.store.oneWrite(() => this.updateObject(resource, namespace, name, object, warnings, opts, true));
  }

  /** PUT of pods/ephemeralcontainers: only spec.ephemeralContainers of the stored pod changes. */
  updateEphemeralContainers(resource: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): WriteResult {
    const { object, warnings } = this.decode(resource, body, opts.fieldValidation);
    return this.store.oneWrite(() => this.updateObject(resource, namespace, name, object, warnings, opts, 'ephemeralcontainers'));
  }

  patch(resource: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patchIn: unknown, opts: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' } = {}): WriteResult {
    const text = sizeChecked(patchIn);
    const patch = text === undefined ? undefined : (JSON.parse(text) as unknown);
    if (type !== 'json' && !isPlainObject(patch)) {
      // The apiserver reads a merge patch into a map first.
      throw new StatusError('BadRequest', `json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
    }
    // A JSON patch is decoded where it is applied, to the object read (its NotFound first): applyPatch.
    // Read, patch and write in one transaction: no other writer comes in between, so the patch
    // is never refused with a Conflict (patch.go's retries of GuaranteedUpdate have nothing to do).
    return this.store.oneWrite(() => {
      const stored = this.stored(resource, requestNamespace(resource, namespace), name, opts);
      if (!stored) throw notFound(groupResource(resource), name);
      // An object stored before decoding was strict is patched from its readable view.
      const current = readable(resource.kind, stored) as KObject;
      const patched = applyPatch(resource, current, type, patch, opts.fieldValidation ?? 'Strict');
      const { object, warnings } = this.decodePatched(resource, patched, type, patch, opts.fieldValidation ?? 'Strict');
      // The stored object's resourceVersion, unless the patch named one (then it is a precondition).
      const patchRV = (isPlainObject(patch) && isPlainObject(patch.metadata) ? patch.metadata.resourceVersion : undefined) as string | undefined;
      object.metadata.resourceVersion = patchRV ?? stored.metadata.resourceVersion;
      // The stored object read above, not read again: nothing wrote it since (the same transaction),
      // and the patch functions work on copies of it.
      return this.updateObject(resource, namespace, name, object, warnings, opts, opts.subresource === 'ephemeralcontainers' ? 'ephemeralcontainers' : opts.subresource === 'status', stored);
    });
  }

  /**
   * store.go Update with rest.BeforeUpdate, over a decoded body: one store write (update, or delete
   * of an object whose last finalizer goes). Call inside a transaction. patchedFrom: a patch's, the
   * stored object it was applied to, read in this transaction.
   */
  private updateObject(resource: ResourceInfo, namespace: string | undefined, name: string, decoded: KObject, warnings: string[], opts: WriteOptions, sub: boolean | 'ephemeralcontainers', patchedFrom?: KObject): WriteResult {
    const status = sub === true;
    const ephemeral = sub === 'ephemeralcontainers';
    const strategy = strategyFor(resource.kind);
    const info = strategy.info;
    const ns = requestNamespace(resource, namespace, decoded.metadata?.namespace);
    ensureNamespace(resource, ns, decoded.metadata);
    checkName(decoded, name);
    const stored = patchedFrom ?? this.stored(info, ns, name, opts);
    if (!stored) throw notFound(groupResource(info), name);
    const old = readable(info.kind, stored) as KObject;
    const rv = decoded.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== stored.metadata.resourceVersion) throw conflictError(info, name);
    if (status && !strategy.statusSubresource) throw new StatusError('NotFound', 'the server could not find the requested resource');
    if (ephemeral && info.kind !== 'Pod') throw new StatusError('NotFound', 'the server could not find the requested resource');
    // decoded is this request's own copy. Defaulting sets nothing a status update keeps from its
    // request (its status, a Deployment's annotations: defaults.test.ts), and all else is the
    // stored object's (prepareForStatusUpdate): a status update is not defaulted.
    let obj = status ? decoded : strategy.defaults(decoded, true);
    if (ephemeral) obj = prepareEphemeralUpdate(asKind('Pod', obj), asKind('Pod', old));
    this.admit({ operation: 'UPDATE', resource, subresource: status ? 'status' : ephemeral ? 'ephemeralcontainers' : undefined, namespace: ns ?? '', name, object: obj, oldObject: old });
    // rest.BeforeUpdate
    const m = obj.metadata as Meta;
    const om = old.metadata;
    if (m.uid && m.uid !== om.uid) {
      throw invalid(info.kind, info.group, name, [{ field: 'metadata.uid', message: `Invalid value: ${goQuote(m.uid)}: field is immutable`, type: 'FieldValueInvalid' }]);
    }
    // Requests cannot set the generation; the strategy bumps it for a new spec.
    setOrDelete(m, 'generation', om.generation);
    if (status) strategy.prepareForStatusUpdate(obj, old);
    else if (!ephemeral) strategy.prepareForUpdate(obj, old);
    const mm = obj.metadata as Meta;
    mm.uid = om.uid;
    mm.name = om.name;
    if (info.namespaced) mm.namespace = om.namespace;
    else delete mm.namespace;
    mm.creationTimestamp = om.creationTimestamp;
    setOrDelete(mm, 'deletionTimestamp', om.deletionTimestamp);
    if (om.deletionGracePeriodSeconds != null && mm.deletionGracePeriodSeconds == null) mm.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    let causes = status ? strategy.validateStatusUpdate(obj, old) : ephemeral ? validateEphemeralUpdate(asKind('Pod', obj), asKind('Pod', old)) : strategy.validateUpdate(obj, old);
    // Ratcheting: what the stored object already was does not refuse an update of it. An older kjob
    // stored what a rule added since refuses (a plain init container's probe), and such an object
    // must still take its finalizers' removal, a label, its deletion; what an update brings anew is
    // held to every rule.
    if (causes.length > 0 && !status && !ephemeral) {
      const stored = new Set(strategy.validate(old).map(causeKey));
      // The same cause, about a value the update leaves as it was (a cause's path names a list
      // item by its index: another item there is new).
      causes = causes.filter((c) => !(stored.has(causeKey(c)) && sameAt(obj, old, c.field)));
    }
    if (causes.length > 0) throw invalid(info.kind, info.group, name, causes);
    // A patch's result is decoded, a typed client's too: what the patch leaves empty (a list of
    // finalizers it emptied) goes, as Go's omitempty drops it.
    const decode = () => (status ? mustDecodeStatusUpdate(info, obj, old) : mustDecode(info, obj));
    const out = patchedFrom ? decode() : this.asStored(info, obj, decode);
    out.metadata.resourceVersion = stored.metadata.resourceVersion;
    if (opts.dryRun) return { object: out, warnings };
    // ShouldDeleteDuringUpdate: the last finalizer of an object being deleted is gone, and its grace
    // period is over (a pod in its graceful termination stays until the kubelet deletes it).
    if (om.deletionTimestamp && (out.metadata.finalizers ?? []).length === 0 && !om.deletionGracePeriodSeconds) {
      return { object: this.store.delete(info.kind, ns, name, { lastState: out, preconditions: { resourceVersion: stored.metadata.resourceVersion } }), warnings };
    }
    return { object: storedDecoded(info.kind, this.store.update(out, { resourceVersion: stored.metadata.resourceVersion }, { adopt: true, share: opts.readOnlyResult })), warnings };
  }

  // ================================================================ delete

  delete(resource: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    const strategy = strategyFor(resource.kind);
    const info = strategy.info;
    const ns = requestNamespace(resource, namespace);
    return this.store.transaction(() => {
      const stored = this.store.get(info.kind, ns, name);
      if (!stored) throw notFound(groupResource(info), name);
      this.admit({ operation: 'DELETE', resource, namespace: ns ?? '', name, oldObject: stored });
      const obj = structuredClone(stored);
      const m = obj.metadata as Meta;
      // rest.BeforeDelete: the preconditions first.
      const pre = opts.preconditions ?? {};
      const kindGR = info.group ? `${info.kind}.${info.group}` : info.kind;
      if (pre.uid !== undefined && pre.uid !== m.uid) {
        throw new StatusError(
          'Conflict',
          `Operation cannot be fulfilled on ${kindGR} "${name}": the UID in the precondition (${pre.uid}) does not match the UID in record (${m.uid}). The object might have been deleted and then recreated`,
          { name },
        );
      }
      if (pre.resourceVersion !== undefined && pre.resourceVersion !== m.resourceVersion) {
        throw new StatusError(
          'Conflict',
          `Operation cannot be fulfilled on ${kindGR} "${name}": the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${m.resourceVersion}). The object might have been modified`,
          { name },
        );
      }
      const now = this.clock.now();
      const warnings: string[] = [];
      // Graceful deletion (pods): a pending graceful deletion may only be shortened; the
      // propagation policy cannot change during it.
      let graceful = false;
      if (strategy.gracePeriod) {
        const r = gracefulDelete(strategy, obj, opts.gracePeriodSeconds, now);
        if (r === 'pending') return { object: stored, removed: false, warnings };
        graceful = r === 'graceful';
      }
      const existing = m.finalizers ?? [];
      let policy = opts.propagationPolicy;
      if (!policy) {
        if (existing.includes(FINALIZER_FOREGROUND)) policy = 'Foreground';
        else if (existing.includes(FINALIZER_ORPHAN)) policy = 'Orphan';
        else if (strategy.defaultGarbageCollectionPolicy() === 'OrphanDependents') {
          policy = 'Orphan';
          const w = strategy.deleteWarning?.();
          if (w) warnings.push(w);
        } else policy = 'Background';
      }
      // The garbage collector's orphaning, done here at once: the dependents lose their owner
      // reference before the owner goes (deletionFinalizersForGarbageCollection leaves no
      // "orphan" finalizer to wait for).
      if (policy === 'Orphan' && !opts.dryRun) this.orphanDependents(m.uid!);
      const finalizers = existing.filter((f) => f !== FINALIZER_FOREGROUND && f !== FINALIZER_ORPHAN);
      if (policy === 'Foreground') finalizers.push(FINALIZER_FOREGROUND);
      if (finalizers.length > 0) m.finalizers = finalizers;
      else delete m.finalizers;
      if (graceful || finalizers.length > 0) {
        if (!graceful) markAsDeleting(obj, now);
        const out = opts.dryRun ? obj : this.store.update(obj, { resourceVersion: stored.metadata.resourceVersion });
        return { object: out, removed: false, warnings };
      }
      if (opts.dryRun) return { object: obj, removed: true, warnings };
      return { object: this.store.delete(info.kind, ns, name, { lastState: obj }), removed: true, warnings };
    });
  }

  /** Orphan propagation: strip owner references to uid from every object that has one. */
  private orphanDependents(uid: string): void {
    for (const kind of KINDS) {
      if (kind === 'Event' || kind === 'Namespace' || kind === 'Node') continue;
      for (const o of this.store.list(kind)) {
        const refs = o.metadata.ownerReferences;
        if (!refs || !refs.some((r) => r.uid === uid)) continue;
        const kept = refs.filter((r) => r.uid !== uid);
        if (kept.length > 0) o.metadata.ownerReferences = kept;
        else delete o.metadata.ownerReferences;
        this.store.update(o);
      }
    }
  }

  // ================================================================ housekeeping

  /**
   * The apiserver's --event-ttl (1h): Events not written for that long are removed, as etcd's
   * lease on them expires. Returns how many.
   */
  expireEvents(ttlSeconds = 3600): number {
    return this.store.transaction(() => {
      const cutoff = this.clock.now().getTime() - ttlSeconds * 1000;
      let n = 0;
      for (const ev of this.store.list('Event')) {
        const last = Date.parse(String(ev.lastTimestamp ?? ev.metadata.creationTimestamp ?? ''));
        if (!Number.isFinite(last) || last >= cutoff) continue;
        this.store.delete('Event', ev.metadata.namespace, ev.metadata.name!);
        n++;
      }
      return n;
    });
  }

  // ================================================================ internals

  /**
   * The stored object a write starts from: the store's shared, frozen one when the caller only
   * reads what the write returns (WriteOptions.readOnlyResult), else a fresh copy of its own.
   */
  private stored(resource: ResourceInfo, namespace: string | undefined, name: string, opts: WriteOptions): KObject | undefined {
    return opts.readOnlyResult ? this.store.getShared(resource.kind, namespace, name) : this.store.get(resource.kind, namespace, name);
  }

  private admit(a: Attributes): void {
    admit(a, {
      get: (kind, ns, name) => this.store.getShared(kind, ns, name),
      ensureDefaultServiceAccount: (ns) => this.ensureDefaultServiceAccount(ns),
      randomSuffix: () => randomSuffix(5),
    });
  }

  /**
   * What the ServiceAccount admission plugin waits for: the serviceaccounts controller gives every
   * active namespace a "default" ServiceAccount. In one process the wait is this create.
   */
  ensureDefaultServiceAccount(namespace: string): KObject | undefined {
    const existing = this.store.get('ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT);
    if (existing) return existing;
    const ns = this.store.get('Namespace', undefined, namespace);
    if (ns ? ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating' : namespace !== 'default') return undefined;
    try {
      return this.create(resourceForKind('ServiceAccount')!, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } }).object;
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'AlreadyExists') return this.store.get('ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT);
      throw e;
    }
  }

  /** The create and update handlers' decoding of a body into the kind's Go type. */
  private decode(resource: ResourceInfo, body: unknown, validation: FieldValidation = 'Strict'): { object: KObject; warnings: string[] } {
    // A typed client's object is copied without its text: the request's size limit (3 MiB) is
    // above the store's (1.5 MiB), which what is stored is held to all the same.
    const text = this.typedClients ? undefined : sizeChecked(body);
    if (!isPlainObject(body)) throw new StatusError('BadRequest', `the object provided is unrecognized (must be of type ${resource.kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(body)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
    // A body is JSON: what is not JSON (undefined members) is not part of it.
    const src = (this.typedClients ? jsonCopy(body) : JSON.parse(text!)) as Record<string, unknown>;
    if (src.kind !== undefined && src.kind !== resource.kind) {
      throw decodeError(resource.kind, src, `json: cannot unmarshal into Go value of type ${resource.kind}`);
    }
    src.kind ??= resource.kind;
    src.apiVersion ??= apiVersionOf(resource);
    if (this.typedClients) {
      const object = src as KObject;
      object.metadata ??= {} as Meta;
      return { object, warnings: [] };
    }
    const { error, result } = decodeTyped(resource.kind, src, validation, { keepNullTimes: true });
    if (error !== undefined) throw decodeError(resource.kind, src, error);
    const object = result!.object as KObject;
    object.metadata ??= {} as Meta;
    return { object, warnings: result!.warnings };
  }

  /**
   * What is stored of a typed client's object (LocalAPIServerOptions.typedClients): the object
   * itself, which decoding would give back unchanged. The engine's controllers and kubelet build
   * theirs with the API's types from decoded objects, as client-go's typed clients build Go
   * structs; decoding each of their writes again was a tenth of the engine's CPU during a Job
   * (docs/performance.md, the thirty-fifth session). The test suite checks it instead
   * (checkTypedWrites): there every such object is decoded, and one that decoding changes (a
   * value's type, an empty field Go's omitempty leaves out, the order of the fields) or refuses
   * fails the write, as a bug of the code that built it.
   */
  private asStored(info: ResourceInfo, obj: KObject, decode: () => KObject): KObject {
    if (!this.typedClients) return decode();
    if (!this.checkTypedWrites) return obj;
    let decoded: KObject;
    try {
      decoded = decode();
    } catch (e) {
      throw new Error(`${TYPED_WRITE_BUG} (${info.kind}) that decoding refuses: ${(e as Error).message}`);
    }
    // A member left undefined is not in the stored text, but would be in the object kept as its version's.
    let undefinedAt: string | undefined;
    const was = JSON.stringify(obj, (k, v: unknown) => {
      if (v === undefined) undefinedAt ??= k;
      return v;
    });
    if (undefinedAt !== undefined) throw new Error(`${TYPED_WRITE_BUG} (${info.kind}) with a member left undefined: ${undefinedAt}`);
    const is = JSON.stringify(decoded);
    if (was !== is) {
      let at = 0;
      while (was[at] === is[at]) at++;
      const around = (t: string) => t.slice(Math.max(0, at - 60), at + 60);
      throw new Error(`${TYPED_WRITE_BUG} (${info.kind}) that decoding changes: ...${around(was)}... decodes to ...${around(is)}...`);
    }
    // What is stored outside the tests: the object as built.
    return obj;
  }

  /** applyPatchToObject's decoding of the patched object: its errors are Invalid, about "patch". */
  private decodePatched(resource: ResourceInfo, patched: unknown, type: PatchType, patch: unknown, validation: FieldValidation): { object: KObject; warnings: string[] } {
    if (!isPlainObject(patched)) throw patchInvalid(type, patch, patched, `json: cannot unmarshal ${jsonKind(patched)} into Go value of type ${goTypeOf(resource)}`);
    // A typed client's patched object is decoded once, by updateObject (a patch's result always is);
    // copied, since a JSON patch shares what it leaves alone with the stored (maybe frozen) object.
    if (this.typedClients) {
      const object = jsonCopy(patched) as KObject;
      object.metadata ??= {} as Meta;
      return { object, warnings: [] };
    }
    const { error, result } = decodeTyped(resource.kind, patched, validation, { keepNullTimes: true });
    if (error !== undefined) throw patchInvalid(type, patch, patched, error);
    const object = result!.object as KObject;
    object.metadata ??= {} as Meta;
    return { object, warnings: result!.warnings };
  }
}

// ---------------------------------------------------------------- helpers

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function goTypeOf(r: ResourceInfo): string {
  return `v1.${r.kind}`;
}

/** The request's namespace for a resource: the given one, else the body's, else default; none for cluster-scoped kinds. */
function requestNamespace(resource: ResourceInfo, namespace: string | undefined, bodyNamespace?: string): string | undefined {
  if (!resource.namespaced) return undefined;
  return namespace || bodyNamespace || 'default';
}

/** rest.EnsureObjectNamespaceMatchesRequestNamespace. */
function ensureNamespace(resource: ResourceInfo, ns: string | undefined, meta: Meta | undefined): void {
  if (!meta) return;
  const own = meta.namespace;
  if (!resource.namespaced) {
    delete meta.namespace;
    return;
  }
  if (own && own !== ns) throw new StatusError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  meta.namespace = ns;
}

const causeKey = (c: StatusCause) => `${c.field ?? ''}\0${c.message ?? ''}`;

/** Whether a and b hold the same value at a cause's field path (spec.containers[0].name); false for a path not understood. */
function sameAt(a: unknown, b: unknown, field: string | undefined): boolean {
  if (!field) return false;
  const parts = [...field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)].map((m) => m[1] ?? m[2]);
  let x = a;
  let y = b;
  for (const p of parts) {
    if (!isPlainObject(x) && !Array.isArray(x)) return false;
    if (!isPlainObject(y) && !Array.isArray(y)) return false;
    x = (x as Record<string, unknown>)[p];
    y = (y as Record<string, unknown>)[p];
  }
  return jsonEqual(x, y);
}

/** checkName: the body's name is the URL's. */
function checkName(obj: KObject, name: string): void {
  const own = obj.metadata.name;
  if (own && own !== name) throw new StatusError('BadRequest', `the name of the object (${own}) does not match the name on the URL (${name})`);
  obj.metadata.name = name;
}

/** The body as JSON, refused (413) over the request limit; the text is also the request's own copy. */
function sizeChecked(body: unknown): string | undefined {
  const text = JSON.stringify(body);
  // A string is never shorter in UTF-8 bytes than in UTF-16 units, nor longer than three per unit.
  if (text !== undefined && text.length * 3 > MAX_REQUEST_BYTES && Buffer.byteLength(text) > MAX_REQUEST_BYTES) {
    throw new StatusError('RequestEntityTooLarge', `Request entity too large: limit is ${MAX_REQUEST_BYTES}`);
  }
  return text;
}

function parseLabelSelector(s: string | undefined): Selector {
  if (!s) return everything();
  try {
    return parseSelector(s);
  } catch (e) {
    throw new StatusError('BadRequest', `unable to parse requirement: ${(e as Error).message}`);
  }
}

/**
 * What is stored must decode as the kind's Go type (a strategy or a readable view could slip),
 * and is what Go would write back: empty optional lists and maps left out.
 */
export function mustDecode(info: ResourceInfo, obj: KObject): KObject {
  // obj is the request's own: what decodes to itself is kept, not copied (share), so that the
  // engine's writes, whose objects nearly always decode unchanged, do not copy each one again.
  const { error, result } = decodeTyped(info.kind, obj as Record<string, unknown>, 'Strict', { keepNullTimes: true, omitEmpty: true, share: true });
  if (error !== undefined) throw decodeError(info.kind, obj as Record<string, unknown>, error);
  return result!.object as KObject;
}

/**
 * What a status update keeps of a typed client's body (its kind, apiVersion, metadata and status,
 * in its order): the rest is the stored object's (prepareForStatusUpdate), so that the decoding's
 * copy leaves it out (a pod's spec was most of the copy of each of the kubelet's status writes).
 */
function statusUpdatePart(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  const part: Record<string, unknown> = {};
  for (const k of Object.keys(body)) if (k === 'kind' || k === 'apiVersion' || k === 'metadata' || k === 'status') part[k] = body[k];
  return part;
}

/**
 * mustDecode of a status update, whose strategy took every part but the status and metadata from
 * the stored object (prepareForStatusUpdate): those parts, the very objects of old, which was
 * decoded when it was stored, are kept as they are and not decoded again. A pod's spec was most
 * of the decoding of the kubelet's status writes (about 4% of the engine's time during a Job).
 * The result is what mustDecode(obj) gives, in the same key order (apiserver.test.ts compares them).
 */
export function mustDecodeStatusUpdate(info: ResourceInfo, obj: KObject, old: KObject): KObject {
  const whole = obj as Record<string, unknown>;
  const stored = old as Record<string, unknown>;
  const partial: Record<string, unknown> = {};
  let kept = false;
  for (const k of Object.keys(whole)) {
    const v = whole[k];
    if (k !== 'status' && k !== 'metadata' && v !== null && typeof v === 'object' && v === stored[k]) kept = true;
    else partial[k] = v;
  }
  if (!kept) return mustDecode(info, obj);
  const decoded = mustDecode(info, partial as KObject) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(whole)) {
    if (k in partial) {
      if (k in decoded) out[k] = decoded[k];
    } else out[k] = whole[k];
  }
  for (const k of Object.keys(decoded)) if (!(k in out)) out[k] = decoded[k];
  return out as KObject;
}

function conflictError(info: ResourceInfo, name: string): StatusError {
  return new StatusError(
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource(info)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name },
  );
}

/** AlreadyExists, with "object is being deleted: " when the one that exists is terminating. */
function alreadyExistsError(info: ResourceInfo, store: Store, namespace: string | undefined, name: string): StatusError {
  const existing = store.get(info.kind, namespace, name);
  const msg = `${groupResource(info)} "${name}" already exists`;
  return new StatusError('AlreadyExists', existing?.metadata.deletionTimestamp ? `object is being deleted: ${msg}` : msg, { name, kind: info.resource, group: info.group });
}

function setOrDelete(m: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined || value === null) delete m[key];
  else m[key] = value;
}

/**
 * rest.BeforeDelete with the strategy's CheckGracefulDelete. Mutates obj. 'pending': a graceful
 * deletion at least as short is under way (nothing to do); 'graceful': deletionTimestamp in the
 * future is set (write it, keep the object); 'immediate': grace 0.
 */
function gracefulDelete(strategy: Strategy, obj: KObject, requested: number | undefined, now: Date): 'pending' | 'graceful' | 'immediate' {
  const m = obj.metadata as Meta;
  // Negative values count as 1s on the delete path.
  const req = requested !== undefined && requested < 0 ? 1 : requested;
  if (m.deletionTimestamp) {
    const old = m.deletionGracePeriodSeconds;
    if (old === undefined || old === null || old === 0) return 'immediate';
    if (req === undefined) return 'pending';
    const grace = Math.floor(req);
    if (grace >= old) return 'pending';
    const started = Date.parse(m.deletionTimestamp) - old * 1000;
    m.deletionTimestamp = rfc3339(new Date(started + grace * 1000));
    m.deletionGracePeriodSeconds = grace;
    return grace > 0 ? 'graceful' : 'immediate';
  }
  const grace = strategy.gracePeriod!(obj, req);
  m.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
  m.deletionGracePeriodSeconds = grace;
  if (m.generation && m.generation > 0) m.generation += 1;
  return grace > 0 ? 'graceful' : 'immediate';
}

/** store.go markAsDeleting: deletionTimestamp = now unless already earlier, grace 0, generation bump on first mark. */
function markAsDeleting(obj: KObject, now: Date): void {
  const m = obj.metadata as Meta;
  if (!m.deletionTimestamp && m.generation && m.generation > 0) m.generation += 1;
  const existing = m.deletionTimestamp ? Date.parse(m.deletionTimestamp) : undefined;
  if (existing === undefined || existing > now.getTime()) m.deletionTimestamp = rfc3339(now);
  m.deletionGracePeriodSeconds = 0;
}

/**
 * jsonPatcher's strict decoding of a JSON patch into []jsonPatchOp, which runs unless the field
 * validation is Ignore (a request without one is Warn there): its BadRequest, before the library's.
 */
function checkJSONPatchOps(patch: unknown): void {
  const bad = (what: string) => new StatusError('BadRequest', `error decoding patch: json: cannot unmarshal ${what}`);
  if (patch === null) return;
  if (!Array.isArray(patch)) throw bad(`${jsonKind(patch)} into Go value of type []handlers.jsonPatchOp`);
  for (const op of patch) {
    if (op === null) continue;
    if (!isPlainObject(op)) throw bad(`${jsonKind(op)} into Go value of type handlers.jsonPatchOp`);
    for (const field of ['op', 'path', 'from'] as const) {
      const v = (op as Record<string, unknown>)[field];
      if (v !== undefined && v !== null && typeof v !== 'string') throw bad(`${jsonKind(v)} into Go struct field jsonPatchOp.${field} of type string`);
    }
  }
}

/** The patch applied to the current object, with the apiserver's errors. */
function applyPatch(resource: ResourceInfo, current: KObject, type: PatchType, patch: unknown, validation: FieldValidation): unknown {
  if (type === 'json' && validation !== 'Ignore') checkJSONPatchOps(patch);
  try {
    if (type === 'json') return applyJSONPatch(current, patch);
    if (type === 'merge') return jsonMergePatch(current, patch);
    return strategicMergePatch(asJSONMap(current), patch as JSONMap, patchMetaForKind(resource.kind));
  } catch (e) {
    // A JSON patch that cannot be applied: 422 without the library's words.
    if (e instanceof JSONPatchDecodeError) throw new StatusError('BadRequest', e.message);
    if (e instanceof JSONPatchError) throw new StatusError('Invalid', 'the server rejected our request due to an error in our request', { unqualified: true });
    if (e instanceof PatchError) {
      if (e.kind === 'BadRequest') throw new StatusError('BadRequest', e.message);
      if (e.kind === 'Unprocessable') throw new StatusError('Invalid', 'the server rejected our request due to an error in our request');
      throw new StatusError('Unknown', e.message);
    }
    throw e;
  }
}

/**
 * field.Invalid(field.NewPath("patch"), value, detail) in a kind-less Invalid: the value is the
 * patched object (JSON and merge patches) or the patch as Go prints a map (strategic).
 */
function patchInvalid(type: PatchType, patch: unknown, patched: unknown, detail: string): StatusError {
  const value = type === 'strategic' ? goV(patch) : JSON.stringify(sortKeysDeep(patched));
  const cause: StatusCause = { field: 'patch', message: `Invalid value: ${goQuote(value)}: ${detail}`, type: 'FieldValueInvalid' };
  return new StatusError('Invalid', `patch: Invalid value: ${goQuote(value)}: ${detail}`, { causes: [cause] });
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeysDeep(v[k])]));
  return v;
}

export { selectableFields, parseFieldSelector, EVERYTHING };
export type { FieldSelector, Kind };
