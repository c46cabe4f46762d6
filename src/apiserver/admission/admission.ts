// The admission chain of a v1.32 kube-apiserver, for the kinds kjob serves, in the order of its
// plugins (AllOrderedPlugins): NamespaceLifecycle, ServiceAccount, Priority,
// DefaultTolerationSeconds. Mutating plugins run on the decoded, defaulted object before the
// registry names it; validating ones on the object the registry is about to store.
import { asKind, type KObject } from '../../api/types.js';
import type { ResourceInfo } from '../../api/resources.js';
import { namespaceLifecycle } from './namespace_lifecycle.js';
import { admitServiceAccount } from './serviceaccount.js';
import { admitPriority } from './priority.js';
import { admitDefaultTolerationSeconds } from './default_toleration_seconds.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface Attributes {
  operation: Operation;
  resource: ResourceInfo;
  subresource?: string;
  namespace: string;
  name: string;
  /** the object of the request (CREATE, UPDATE); mutating plugins change it in place */
  object?: KObject;
  /** the stored object (UPDATE, DELETE) */
  oldObject?: KObject;
}

/** What the plugins read (listers) and, for the ServiceAccount plugin, the wait for the controller. */
export interface AdmissionContext {
  /** The stored object, shared with other readers: never changed (it is frozen). */
  get(kind: 'Namespace' | 'ServiceAccount', namespace: string | undefined, name: string): Readonly<KObject> | undefined;
  /** The serviceaccounts controller's work that the ServiceAccount plugin waits for: the namespace's "default" account. */
  ensureDefaultServiceAccount(namespace: string): KObject | undefined;
  randomSuffix(): string;
}

/** mutating admission (admission.MutationInterface.Admit), plugin by plugin. Throws the plugin's StatusError. */
export function admit(a: Attributes, ctx: AdmissionContext): void {
  namespaceLifecycle(a, ctx);
  if (a.resource.kind === 'Pod' && a.operation === 'CREATE' && !a.subresource && a.object) {
    const pod = asKind('Pod', a.object);
    admitServiceAccount(pod, ctx);
    admitPriority(pod);
    admitDefaultTolerationSeconds(pod);
  }
}

/**
 * The name admission.NewForbidden gives the object: its name, else its generateName (names are
 * generated after admission), else "Unknown".
 */
export function forbiddenName(a: { name?: string; object?: KObject }): string {
  return a.object?.metadata?.name || a.object?.metadata?.generateName || a.name || 'Unknown';
}
