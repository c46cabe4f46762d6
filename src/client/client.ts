// What the controllers and the kubelet need on top of the apiserver's requests, as client-go's
// listers and typed clients give it: the resources by kind, and a get that answers "not there".
import { asKind, type Kind, type ObjectOf } from '../api/types.js';
import { resourceForKind, type ResourceInfo } from '../api/resources.js';
import { StatusError } from '../errors.js';
import type { APIServer, LocalAPIServer } from '../apiserver/interface.js';

export function resource(kind: Kind): ResourceInfo {
  return resourceForKind(kind)!;
}

export const JOBS = resource('Job');
export const CRONJOBS = resource('CronJob');
export const PODS = resource('Pod');
export const NODES = resource('Node');
export const NAMESPACES = resource('Namespace');
export const EVENTS = resource('Event');

/**
 * A lister's get: the object shared from the apiserver's cache where it keeps one (this process's:
 * LocalAPIServer.getShared), frozen, for readers that only look, as client-go's listers hand out
 * their informer's objects; a GET elsewhere. undefined when there is none.
 */
export function tryGetShared<K extends Kind>(api: APIServer, kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined {
  const local = api as Partial<LocalAPIServer>;
  if (typeof local.getShared !== 'function') return tryGet(api, kind, namespace, name);
  const o = local.getShared(resource(kind), namespace, name);
  return o && asKind(kind, o);
}

/**
 * fn(true) once the transaction the caller's requests run in has committed, fn(false) once it is
 * rolled back (LocalAPIServer.afterTransaction); fn(true) at once with an apiserver that has no
 * transactions, where each write is stored as it is made.
 */
export function afterTransaction(api: APIServer, fn: (committed: boolean) => void): void {
  const local = api as Partial<LocalAPIServer>;
  if (typeof local.afterTransaction === 'function') local.afterTransaction(fn);
  else fn(true);
}

/** GET, with NotFound as undefined. */
export function tryGet<K extends Kind>(api: APIServer, kind: K, namespace: string | undefined, name: string): ObjectOf<K> | undefined {
  try {
    return asKind(kind, api.get(resource(kind), namespace, name));
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'NotFound') return undefined;
    throw e;
  }
}

/** The items of a list (every namespace when namespace is undefined). */
export function listItems<K extends Kind>(api: APIServer, kind: K, namespace?: string, labelSelector?: string): ObjectOf<K>[] {
  return api.list(resource(kind), { namespace, labelSelector }).items.map((o) => asKind(kind, o));
}

export function isStatus(e: unknown, ...reasons: string[]): e is StatusError {
  return e instanceof StatusError && (reasons.length === 0 || reasons.includes(e.reason));
}
