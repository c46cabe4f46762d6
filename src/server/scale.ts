// The scale subresource of Deployments and ReplicaSets (autoscaling/v1 Scale), which
// `kubectl scale` reads and patches: spec.replicas of the object, status.replicas and its
// selector as a string.
import type { DeploymentObject, KObject, ReplicaSetObject } from '../api/types.js';
import { asKind } from '../api/types.js';
import type { ResourceInfo } from '../api/resources.js';
import type { APIServer } from '../apiserver/interface.js';
import { StatusError } from '../errors.js';
import { formatLabelSelector } from '../printers/labels.js';

export function toScale(obj: KObject): KObject {
  // Only Deployments and ReplicaSets serve a scale subresource.
  const o: DeploymentObject | ReplicaSetObject = asKind(obj.kind as 'Deployment' | 'ReplicaSet', obj);
  const m = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: formatLabelSelector(o.spec?.selector) },
  };
}

/** GET, PUT or PATCH (merge, strategic: the same for a Scale) of NAME/scale; a dry run (?dryRun=All) stores nothing. */
export function serveScale(api: APIServer, r: ResourceInfo, ns: string | undefined, name: string, method: string, body: unknown, dryRun = false): KObject {
  const current = api.get(r, ns, name);
  if (method === 'GET') return toScale(current);
  const b = (body ?? {}) as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
  if (method === 'PUT' && b.metadata?.resourceVersion && b.metadata.resourceVersion !== current.metadata.resourceVersion) {
    throw new StatusError('Conflict', `Operation cannot be fulfilled on ${r.resource}.${r.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name });
  }
  const replicas = b.spec?.replicas;
  if (replicas === undefined) return toScale(current);
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) throw new StatusError('BadRequest', `json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  if (replicas < 0) {
    throw new StatusError('Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`, {
      name,
      causes: [{ field: 'spec.replicas', type: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }],
    });
  }
  return toScale(api.patch(r, ns, name, 'merge', { spec: { replicas } }, { dryRun }).object);
}
