// The garbage collector (pkg/controller/garbagecollector): dependents whose owner is gone are
// deleted (background propagation); an owner deleted in the foreground keeps its
// foregroundDeletion finalizer until its blocking dependents are gone. Orphaning is done by the
// apiserver at delete time (it strips the owner references), so nothing is left for it here.
// Owners are looked up by the coordinates of the owner reference and must have its uid, as the
// collector's graph checks them.
import type { KObject, Kind, OwnerReference } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { StatusError } from '../../errors.js';
import type { APIServer } from '../../apiserver/interface.js';
import { listItems, resource, tryGet } from '../../client/client.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
const DEPENDENT_KINDS: Kind[] = ['Job', 'ReplicaSet', 'Pod', 'EndpointSlice'];
const OWNER_KINDS: Kind[] = ['CronJob', 'Job', 'Deployment', 'ReplicaSet', 'Service'];

export class GarbageCollector {
  constructor(private readonly api: APIServer) {}

  /** The owner a reference names, if it still exists with that uid. */
  private owner(dep: KObject, ref: OwnerReference): KObject | undefined {
    const info = resourceForKind(ref.kind);
    if (!info) return undefined;
    const o = tryGet(this.api, info.kind, info.namespaced ? dep.metadata.namespace : undefined, ref.name);
    return o && o.metadata.uid === ref.uid ? o : undefined;
  }

  /** One pass over the ownership graph; returns true when it changed something. */
  sync(): boolean {
    const api = this.api;
    let changed = false;
    const dependents = DEPENDENT_KINDS.flatMap((k) => listItems(api, k)).filter((o) => (o.metadata.ownerReferences ?? []).length > 0);
    for (const dep of dependents) {
      const refs = dep.metadata.ownerReferences ?? [];
      const owners = refs.map((r) => this.owner(dep, r));
      // Deleted only when every owner is gone (attemptToDeleteItem: no solid owner left).
      const allGone = owners.every((o) => o === undefined);
      const foregroundOwner = owners.some((o) => o && o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER));
      if ((allGone || foregroundOwner) && !dep.metadata.deletionTimestamp) {
        // Dependents of a foreground deletion are themselves deleted in the foreground.
        changed = this.deleteQuietly(dep, foregroundOwner && dep.kind !== 'Pod' ? 'Foreground' : 'Background') || changed;
      }
    }
    for (const owner of OWNER_KINDS.flatMap((k) => listItems(api, k))) {
      if (!owner.metadata.deletionTimestamp || !(owner.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) continue;
      const uid = owner.metadata.uid;
      const blocking = DEPENDENT_KINDS.flatMap((k) => listItems(api, k, owner.metadata.namespace)).some((d) =>
        (d.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion),
      );
      if (blocking) continue;
      try {
        // removeFinalizer: a patch of the owner's finalizers (with its uid as precondition).
        api.patch(resource(owner.kind as Kind), owner.metadata.namespace, owner.metadata.name!, 'strategic', {
          metadata: { uid, [`$deleteFromPrimitiveList/finalizers`]: [FOREGROUND_FINALIZER] },
        });
        changed = true;
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
    return changed;
  }

  private deleteQuietly(obj: KObject, propagationPolicy: 'Background' | 'Foreground'): boolean {
    try {
      this.api.delete(resource(obj.kind as Kind), obj.metadata.namespace, obj.metadata.name!, { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
      return true;
    } catch (e) {
      if (e instanceof StatusError) return false;
      throw e;
    }
  }
}
