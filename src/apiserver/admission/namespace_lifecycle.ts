// NamespaceLifecycle (k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle): nothing is
// created or updated in a namespace that does not exist, nothing created in one that is being
// terminated, and the immortal namespaces (default, kube-system, kube-public) are never deleted.
import { StatusError, notFound } from '../../errors.js';
import { forbiddenName, type Attributes, type AdmissionContext } from './admission.js';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(a: Attributes, ctx: AdmissionContext): void {
  if (a.operation === 'DELETE' && a.resource.kind === 'Namespace' && IMMORTAL.has(a.name)) {
    throw new StatusError('Forbidden', `namespaces "${a.name}" is forbidden: this namespace may not be deleted`, { kind: 'namespaces', name: a.name });
  }
  if (a.namespace === '' && a.resource.kind !== 'Namespace') return; // cluster-scoped
  if (a.resource.kind === 'Namespace') return;
  if (a.operation === 'DELETE') return;
  const ns = ctx.get('Namespace', undefined, a.namespace);
  if (!ns) {
    // kjob creates "default" with the state file (the apiserver's bootstrap does on a cluster); a
    // state file opened only by the engine may not have it yet.
    if (a.namespace === 'default') return;
    throw notFound('namespaces', a.namespace);
  }
  if (a.operation === 'CREATE' && (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
    const who = a.resource.group ? `${a.resource.resource}.${a.resource.group}` : a.resource.resource;
    const name = forbiddenName(a);
    throw new StatusError('Forbidden', `${who} "${name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`, {
      kind: a.resource.resource,
      name,
      causes: [{ type: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}
