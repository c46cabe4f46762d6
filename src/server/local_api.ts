// A stand-in for src/apiserver's APIServer over today's write paths (api/strategy.ts, the store's
// graceful deletion, cli/patch.ts's patchers), so `kjob serve` can be built against the contract
// while the apiserver layer is written. It goes when that layer lands.
import type { KObject } from '../api/types.js';
import { groupResource, type ResourceInfo } from '../api/resources.js';
import { prepareCreate, prepareUpdate } from '../api/strategy.js';
import { parseSelector } from '../api/labels.js';
import { StatusError, notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import { mergePatch, applyJSONPatch } from '../cli/patch.js';
import { serviceAccountGetter } from '../controllers/serviceaccount/serviceaccounts_controller.js';
import type { APIServer, DeleteOptions, DeleteResult, ListOptions, PatchType, Watch, WatchEvent, WriteOptions, WriteResult } from '../apiserver/interface.js';
import { fieldSelectorMatcher } from './fields.js';

export class LocalAPIServer implements APIServer {
  constructor(private readonly store: Store) {}

  get(r: ResourceInfo, namespace: string | undefined, name: string): KObject {
    const o = this.store.get(r.kind, r.namespaced ? namespace : undefined, name);
    if (!o) throw notFound(groupResource(r), name);
    return o;
  }

  list(r: ResourceInfo, opts: ListOptions = {}): { items: KObject[]; resourceVersion: string } {
    const rv = String(this.store.currentRV());
    const matches = matcher(r, opts);
    const items = this.store.list(r.kind, { namespace: r.namespaced ? opts.namespace : undefined }).filter(matches);
    return { items, resourceVersion: rv };
  }

  create(r: ResourceInfo, namespace: string | undefined, body: unknown, opts: WriteOptions = {}): WriteResult {
    const manifest = structuredClone(body) as KObject;
    manifest.metadata ??= {};
    if (r.namespaced) manifest.metadata.namespace = namespace ?? manifest.metadata.namespace ?? 'default';
    if (!manifest.metadata.name && manifest.metadata.generateName) manifest.metadata.name = `${manifest.metadata.generateName}${randomName()}`;
    const obj = prepareCreate(r, manifest, { serviceAccount: serviceAccountGetter(this.store) });
    if (this.store.get(r.kind, obj.metadata.namespace, obj.metadata.name!)) {
      throw new StatusError('AlreadyExists', `${groupResource(r)} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: r.resource, group: r.group });
    }
    return { object: opts.dryRun ? obj : this.store.create(obj), warnings: [] };
  }

  update(r: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): WriteResult {
    const existing = this.get(r, namespace, name);
    const desired = body as KObject;
    const rv = desired.metadata?.resourceVersion;
    const updated = prepareUpdate(r, existing, desired);
    if (rv) updated.metadata.resourceVersion = rv;
    return { object: opts.dryRun ? updated : this.store.update(updated), warnings: [] };
  }

  updateStatus(r: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): WriteResult {
    const existing = this.get(r, namespace, name);
    const next = { ...existing, status: (body as KObject).status };
    return { object: opts.dryRun ? next : this.store.update(next), warnings: [] };
  }

  patch(r: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: WriteOptions & { subresource?: 'status' } = {}): WriteResult {
    for (let attempt = 0; ; attempt++) {
      const existing = this.get(r, namespace, name);
      const patched = (type === 'json' ? applyJSONPatch(existing, patch) : mergePatch(existing, patch, type === 'strategic')) as KObject;
      try {
        if (opts.subresource === 'status') return this.updateStatus(r, namespace, name, patched, opts);
        patched.metadata = { ...patched.metadata, uid: existing.metadata.uid, resourceVersion: existing.metadata.resourceVersion };
        return this.update(r, namespace, name, patched, opts);
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'Conflict' && attempt < 5) continue;
        throw e;
      }
    }
  }

  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    const existing = this.get(r, namespace, name);
    if (opts.dryRun) return { object: existing, removed: false, warnings: [] };
    const res = this.store.delete(r.kind, r.namespaced ? namespace : undefined, name, {
      gracePeriodSeconds: opts.gracePeriodSeconds,
      propagationPolicy: opts.propagationPolicy,
      preconditionUid: opts.preconditions?.uid,
    });
    return { object: res.object, removed: res.removed, warnings: [] };
  }

  watch(r: ResourceInfo, opts: ListOptions & { resourceVersion?: string } = {}): Watch {
    const store = this.store;
    let rv = opts.resourceVersion ? Number(opts.resourceVersion) : store.currentRV();
    const matches = matcher(r, opts);
    return {
      next(): WatchEvent[] {
        const out: WatchEvent[] = [];
        for (;;) {
          if (rv + 1 < store.oldestChangeRV()) {
            throw new StatusError('Expired', `too old resource version: ${rv} (${store.oldestChangeRV() - 1})`);
          }
          const changes = store.changesSince(rv, 500);
          for (const c of changes) {
            rv = c.rv;
            if (c.kind !== r.kind) continue;
            if (r.namespaced && opts.namespace && c.namespace !== opts.namespace) continue;
            const object = { ...c.object, metadata: { ...c.object.metadata, resourceVersion: String(c.rv) } };
            if (!matches(object)) continue;
            out.push({ type: c.type, object });
          }
          if (changes.length < 500) return out;
        }
      },
      resourceVersion: () => String(rv),
      close: () => undefined,
    };
  }
}

function matcher(r: ResourceInfo, opts: ListOptions): (o: KObject) => boolean {
  const labels = opts.labelSelector ? parseSelector(opts.labelSelector) : undefined;
  const fields = opts.fieldSelector ? fieldSelectorMatcher(r, opts.fieldSelector) : undefined;
  return (o) => (!labels || labels.matches(o.metadata.labels ?? {})) && (!fields || fields(o));
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function randomName(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}
