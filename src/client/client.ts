// What the controllers and the kubelet need on top of the apiserver's requests, as client-go's
// listers and typed clients give it: the resources by kind, and a get that answers "not there".
import type { KObject, Kind } from '../api/types.js';
import { resourceForKind, type ResourceInfo } from '../api/resources.js';
import { StatusError } from '../errors.js';
import type { APIServer } from '../apiserver/interface.js';

export function resource(kind: Kind): ResourceInfo {
  return resourceForKind(kind)!;
}

export const JOBS = resource('Job');
export const CRONJOBS = resource('CronJob');
export const PODS = resource('Pod');
export const NODES = resource('Node');
export const NAMESPACES = resource('Namespace');
export const EVENTS = resource('Event');

/** GET, with NotFound as undefined. */
export function tryGet(api: APIServer, kind: Kind, namespace: string | undefined, name: string): KObject | undefined {
  try {
    return api.get(resource(kind), namespace, name);
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'NotFound') return undefined;
    throw e;
  }
}

/** The items of a list (every namespace when namespace is undefined). */
export function listItems(api: APIServer, kind: Kind, namespace?: string, labelSelector?: string): KObject[] {
  return api.list(resource(kind), { namespace, labelSelector }).items;
}

export function isStatus(e: unknown, ...reasons: string[]): e is StatusError {
  return e instanceof StatusError && (reasons.length === 0 || reasons.includes(e.reason));
}
