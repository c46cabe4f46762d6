// The serviceaccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
// every active namespace has a ServiceAccount named "default", created when the namespace
// appears and re-created when it is deleted. kjob runs this step where a cluster would notice
// it within milliseconds: when a namespace is created, when the engine sees a namespace or the
// default account change, and when the ServiceAccount admission plugin looks up "default" (the
// plugin retries that lookup for a while, waiting for this controller).
// There is no token controller: no API server issues tokens, so no token Secrets are made.
import type { KObject } from '../../api/types.js';
import { StatusError } from '../../errors.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** The part of the Store this controller uses. */
export interface ServiceAccountStore {
  get(kind: 'Namespace' | 'ServiceAccount', namespace: string | undefined, name: string): KObject | undefined;
  create(obj: KObject): KObject;
}

/** Whether the namespace exists and is not being deleted (kjob's "default" namespace always exists). */
function activeNamespace(store: ServiceAccountStore, namespace: string): boolean {
  const ns = store.get('Namespace', undefined, namespace);
  if (!ns) return namespace === 'default';
  return !ns.metadata.deletionTimestamp && ns.status?.phase !== 'Terminating';
}

/** syncNamespace: create the namespace's "default" ServiceAccount when it is missing. */
export function ensureDefaultServiceAccount(store: ServiceAccountStore, namespace: string): KObject | undefined {
  const existing = store.get('ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT);
  if (existing) return existing;
  if (!activeNamespace(store, namespace)) return undefined;
  try {
    return store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'AlreadyExists') return store.get('ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT);
    throw e;
  }
}

/**
 * The ServiceAccount admission plugin's getServiceAccount: the account, or undefined when it does
 * not exist. "default" is waited for (the controller creates it), other names are not.
 */
export function serviceAccountGetter(store: ServiceAccountStore): (namespace: string, name: string) => KObject | undefined {
  return (namespace, name) => {
    const sa = store.get('ServiceAccount', namespace, name);
    if (sa || name !== DEFAULT_SERVICE_ACCOUNT) return sa;
    return ensureDefaultServiceAccount(store, namespace);
  };
}
