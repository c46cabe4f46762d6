// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount) for a new Pod: the
// "default" account unless one is named, which must exist (the plugin waits for the
// serviceaccounts controller to create "default"); the projected kube-api-access-<suffix> volume
// mounted in every container unless the pod or its account opts out; the account's
// imagePullSecrets when the pod has none.
import { StatusError } from '../../errors.js';
import { asKind, type PodObject, type PodSpec } from '../../api/types.js';
import { SERVICE_ACCOUNT_MOUNT_PATH } from '../../api/defaults.js';
import type { AdmissionContext } from './admission.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

export function admitServiceAccount(pod: PodObject, ctx: AdmissionContext): void {
  const spec = (pod.spec = pod.spec ?? ({} as PodSpec));
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
  spec.serviceAccount = spec.serviceAccountName; // v1 conversion mirrors the deprecated field
  const ns = pod.metadata?.namespace || 'default';
  const name = spec.serviceAccountName;
  let found = ctx.get('ServiceAccount', ns, name);
  // getServiceAccount retries "default" for a while: the serviceaccounts controller creates it.
  if (!found && name === DEFAULT_SERVICE_ACCOUNT) found = ctx.ensureDefaultServiceAccount(ns);
  if (!found) {
    // admission.NewForbidden names the object by generateName before a name is generated.
    const who = pod.metadata?.name || pod.metadata?.generateName || 'Unknown';
    throw new StatusError('Forbidden', `pods "${who}" is forbidden: error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`, {
      kind: 'pods',
      name: who,
    });
  }
  // shouldAutomount: the pod's preference, then the account's, else true.
  const sa = asKind('ServiceAccount', found);
  const automount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
  if (automount !== false) {
    const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const needs = containers.some((c) => !(c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH));
    if (needs) {
      const volName = `kube-api-access-${ctx.randomSuffix()}`;
      spec.volumes = [
        ...(spec.volumes ?? []),
        {
          name: volName,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
              { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
            ],
          },
        },
      ];
      for (const c of containers) {
        if ((c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
        c.volumeMounts = [...(c.volumeMounts ?? []), { mountPath: SERVICE_ACCOUNT_MOUNT_PATH, name: volName, readOnly: true }];
      }
    }
  }
  const saSecrets = sa.imagePullSecrets ?? [];
  if ((spec.imagePullSecrets ?? []).length === 0 && saSecrets.length > 0) {
    spec.imagePullSecrets = saSecrets.map((r) => ({ name: r?.name ?? '' }));
  }
}
