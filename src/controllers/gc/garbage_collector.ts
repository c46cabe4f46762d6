// The garbage collector (pkg/controller/garbagecollector): dependents whose owner is gone are
// deleted (background propagation); an owner deleted in the foreground keeps its
// foregroundDeletion finalizer until its blocking dependents are gone. Orphaning is done by the
// store at delete time (it strips the owner references), so nothing is left for it here.
import type { KObject, Kind } from '../../api/types.js';
import type { Store } from '../../store/store.js';
import { StatusError } from '../../errors.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
const DEPENDENT_KINDS: Kind[] = ['Job', 'Pod'];
const OWNER_KINDS: Kind[] = ['CronJob', 'Job'];

export class GarbageCollector {
  constructor(private readonly store: Store) {}

  /** One pass over the ownership graph; returns true when it changed something. */
  sync(): boolean {
    const store = this.store;
    let changed = false;
    const dependents = DEPENDENT_KINDS.flatMap((k) => store.list(k)).filter((o) => (o.metadata.ownerReferences ?? []).length > 0);
    for (const dep of dependents) {
      const refs = dep.metadata.ownerReferences ?? [];
      const owners = refs.map((r) => store.getByUid(r.uid));
      // Deleted only when every owner is gone (attemptToDeleteItem: no solid owner left).
      const allGone = owners.every((o) => o === undefined);
      const foregroundOwner = owners.some((o) => o && o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER));
      if ((allGone || foregroundOwner) && !dep.metadata.deletionTimestamp) {
        // Dependents of a foreground deletion are themselves deleted in the foreground.
        changed = this.deleteQuietly(dep, foregroundOwner && dep.kind !== 'Pod' ? 'Foreground' : 'Background') || changed;
      }
    }
    for (const owner of OWNER_KINDS.flatMap((k) => store.list(k))) {
      if (!owner.metadata.deletionTimestamp || !(owner.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) continue;
      const uid = owner.metadata.uid;
      const blocking = DEPENDENT_KINDS.flatMap((k) => store.list(k, { namespace: owner.metadata.namespace })).some((d) =>
        (d.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion),
      );
      if (blocking) continue;
      owner.metadata.finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND_FINALIZER);
      try {
        store.update(owner);
        changed = true;
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
    return changed;
  }

  private deleteQuietly(obj: KObject, propagationPolicy: 'Background' | 'Foreground'): boolean {
    try {
      this.store.delete(obj.kind as Kind, obj.metadata.namespace, obj.metadata.name!, { propagationPolicy, preconditionUid: obj.metadata.uid });
      return true;
    } catch (e) {
      if (e instanceof StatusError) return false;
      throw e;
    }
  }
}
