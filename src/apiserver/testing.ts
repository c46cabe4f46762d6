// For tests: an apiserver over a throwaway state directory on a fake clock, what it stores on
// create (for fixtures), and a recorder of the requests a controller makes (sample-controller
// style: one reconcile step, then assert the actions).
import fs from 'node:fs';
import type { KObject } from '../api/types.js';
import { resourceForKind, type ResourceInfo } from '../api/resources.js';
import { Store } from '../store/store.js';
import { FakeClock } from '../util/clock.js';
import { LocalAPIServer } from './apiserver.js';
import { strategyFor } from './registry/index.js';
import type { LocalAPIServer as LocalAPI } from './interface.js';
import { admit } from './admission/admission.js';
import { StatusError } from '../errors.js';
import { tempDir } from '../util/testing.js';

export interface TestAPI {
  home: string;
  store: Store;
  api: LocalAPIServer;
  clock: FakeClock;
  /** Close the store and remove its directory (call in afterEach). */
  dispose(): void;
}

export function openTestAPI(prefix: string, start = '2026-11-23T12:00:00Z'): TestAPI {
  const home = tempDir(`${prefix}`);
  const clock = new FakeClock(start);
  const store = Store.open(home);
  const api = new LocalAPIServer(store, { clock });
  return {
    home,
    store,
    api,
    clock,
    dispose() {
      store.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * What the apiserver stores for this manifest on create, without a store or admission: the
 * defaults, the given uid, and the strategy's PrepareForCreate (Job selector and labels, status).
 */
export function defaultObject(info: ResourceInfo, manifest: KObject, opts: { uid: string }): KObject {
  const s = strategyFor(info.kind);
  const o = s.defaults(manifest);
  o.metadata ??= {};
  o.metadata.uid = opts.uid;
  if (info.namespaced && !o.metadata.namespace) o.metadata.namespace = 'default';
  s.prepareForCreate(o);
  return o;
}

export interface Action {
  verb: 'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'watch';
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The apiserver, recording every request made through it (reads too) in `actions`. */
export function recordingAPI<T extends LocalAPI>(api: T): T & { actions: Action[]; writes(): string[] } {
  const actions: Action[] = [];
  const proxy = new Proxy(api, {
    get(target, prop) {
      if (prop === 'actions') return actions;
      if (prop === 'writes') {
        return () =>
          actions
            .filter((a) => !['get', 'list', 'watch'].includes(a.verb))
            .map((a) => `${a.verb === 'updateStatus' ? 'update' : a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.name ? ` ${a.name}` : ''}`);
      }
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      // A recorder's lookup of the Events it wrote: a list of events, by the store's index.
      if (prop === 'listEventsAbout') {
        return (namespace: string, uid: string) => {
          actions.push({ verb: 'list', resource: 'events', namespace });
          return target.listEventsAbout(namespace, uid);
        };
      }
      const verb = String(prop) as Action['verb'];
      if (!['get', 'list', 'create', 'update', 'updateStatus', 'patch', 'delete', 'watch'].includes(verb)) return v.bind(target);
      return (...args: unknown[]) => {
        // The arguments of the APIServer's verbs, by position: (resource, namespace | list options, name | body, ..., options).
        const r = args[0] as ResourceInfo;
        const a: Action = { verb, resource: r.resource, namespace: args[1] as string | undefined };
        if (verb === 'get' || verb === 'update' || verb === 'updateStatus' || verb === 'patch' || verb === 'delete') a.name = args[2] as string;
        if (verb === 'list' || verb === 'watch') a.namespace = (args[1] as { namespace?: string } | undefined)?.namespace;
        if (verb === 'create') {
          const body = args[2] as (Partial<KObject> & { reason?: string }) | undefined;
          a.name = body?.metadata?.name || (body?.metadata?.generateName ? `${body.metadata.generateName}*` : undefined);
          // An Event is named by its reason (its name is a timestamp).
          if (r.resource === 'events') a.name = body?.reason;
          const opts = args[3] as { subresource?: string } | undefined;
          if (opts?.subresource) a.subresource = opts.subresource;
        }
        if (verb === 'patch' && r.resource === 'events') a.name = undefined;
        const patchOpts = args[5] as { subresource?: string } | undefined;
        if (verb === 'patch' && patchOpts?.subresource) a.subresource = patchOpts.subresource;
        if (verb === 'updateStatus') a.subresource = 'status';
        actions.push(a);
        return v.apply(target, args);
      };
    },
  });
  return proxy as T & { actions: Action[]; writes(): string[] };
}

// ---------------------------------------------------------------- the write path, without a store

let shared: TestAPI | undefined;
function sharedAPI(): TestAPI {
  if (!shared) {
    shared = openTestAPI('write-path');
    const s = shared;
    process.once('exit', () => s.dispose());
  }
  return shared;
}

/** What a create of this manifest stores (a dry run): decoding, defaults, admission, PrepareForCreate, validation. Throws the StatusError. */
export function prepareCreate(info: ResourceInfo, manifest: KObject): KObject {
  const ns = info.namespaced ? (manifest.metadata?.namespace ?? 'default') : undefined;
  return sharedAPI().api.create(info, ns, manifest, { dryRun: true }).object;
}

/** What an update of `existing` (as stored) with `desired` stores (a dry run). Throws the StatusError. */
export function prepareUpdate(info: ResourceInfo, existing: KObject, desired: KObject): KObject {
  const { api, store } = sharedAPI();
  const ns = info.namespaced ? (existing.metadata.namespace ?? 'default') : undefined;
  const stored = store.create({ ...structuredClone(existing), metadata: { ...existing.metadata, namespace: ns, uid: existing.metadata.uid ?? 'uid' } });
  try {
    const body = structuredClone(desired);
    body.metadata = { ...(body.metadata ?? {}), resourceVersion: stored.metadata.resourceVersion };
    return api.update(info, ns, existing.metadata.name!, body, { dryRun: true }).object;
  } finally {
    store.delete(info.kind, ns, existing.metadata.name!);
  }
}

/**
 * The pod admission plugins (ServiceAccount, Priority, DefaultTolerationSeconds) on a pod, with
 * `serviceAccount` as the plugin's lister (without it every account exists and mounts its token).
 */
export function admitPod(pod: KObject, opts: { randomSuffix: () => string; serviceAccount?: (namespace: string, name: string) => KObject | undefined }): KObject {
  const p = structuredClone(pod);
  const lookup = opts.serviceAccount ?? ((ns: string, name: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } }) as KObject);
  admit(
    { operation: 'CREATE', resource: resourceForKind('Pod')!, namespace: p.metadata?.namespace ?? 'default', name: p.metadata?.name ?? '', object: p },
    {
      get: (kind, ns, name) => (kind === 'Namespace' ? ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } } as KObject) : lookup(ns!, name)),
      ensureDefaultServiceAccount: (ns) => lookup(ns, 'default'),
      randomSuffix: opts.randomSuffix,
    },
  );
  return p;
}

/** The StatusError a request fails with; a request that succeeds, or fails otherwise, fails the test. */
export function statusErrorOf(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}
