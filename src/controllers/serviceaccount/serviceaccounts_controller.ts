// The serviceaccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
// every active namespace has a ServiceAccount named "default", created when the namespace
// appears and re-created when it is deleted. The engine runs this step when it sees a namespace
// or the default account change; the ServiceAccount admission plugin (src/apiserver/admission)
// waits for the same account when a pod needs it.
// There is no token controller: no API server issues tokens, so no token Secrets are made.
import { asKind, type KObject } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { StatusError } from '../../errors.js';
import type { APIServer } from '../../apiserver/interface.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

const NAMESPACES = resourceForKind('Namespace')!;
const SERVICE_ACCOUNTS = resourceForKind('ServiceAccount')!;

function getOrUndefined(api: APIServer, kind: 'Namespace' | 'ServiceAccount', namespace: string | undefined, name: string): KObject | undefined {
  try {
    return api.get(kind === 'Namespace' ? NAMESPACES : SERVICE_ACCOUNTS, namespace, name);
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'NotFound') return undefined;
    throw e;
  }
}

/** syncNamespace: create the namespace's "default" ServiceAccount when it is missing. */
export function ensureDefaultServiceAccount(api: APIServer, namespace: string): KObject | undefined {
  const existing = getOrUndefined(api, 'ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT);
  if (existing) return existing;
  const found = getOrUndefined(api, 'Namespace', undefined, namespace);
  const ns = found && asKind('Namespace', found);
  // kjob's "default" namespace always exists; others must be active.
  if (ns ? ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating' : namespace !== 'default') return undefined;
  try {
    return api.create(SERVICE_ACCOUNTS, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } }).object;
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'AlreadyExists') return getOrUndefined(api, 'ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT);
    throw e;
  }
}
