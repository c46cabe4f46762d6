// The Deployment controller (pkg/controller/deployment): one level-triggered reconcile,
// syncDeployment, per Deployment key. It claims the ReplicaSets its selector matches, finds or
// creates the new ReplicaSet of the current template (named after the pod-template-hash), and
// moves replicas from the old ones to the new one as the strategy says (rolling.go,
// recreate.go), a scaling of the Deployment spreads over them (sync.go), the revision
// annotations follow, and the status with its Available and Progressing conditions is written
// through the status subresource (progress.go).
import type { DeploymentObject, ReplicaSetObject } from '../../api/types.js';
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { asKind, rfc3339, splitKey } from '../../api/types.js';
import { isPodTerminal } from '../../api/pod_util.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import type { LocalAPIServer } from '../../apiserver/interface.js';
import { APIEventRecorder, type EventRecorder } from '../../client/record.js';
import { listItems, resource, tryGet } from '../../client/client.js';
import { StatusError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import { jsonEqual } from '../../util/canonical.js';
import { controllerRef } from '../replicaset/replica_set.js';
import {
  POD_TEMPLATE_HASH_LABEL,
  DESIRED_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  availableReplicas,
  byCreation,
  computeHash,
  equalIgnoreHash,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  readyReplicas,
  replicasAnnotationsNeedUpdate,
  revisionOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
  statusReplicas,
} from './util.js';

export const COMPONENT = 'deployment-controller';
const DEPLOYMENTS = resource('Deployment');
const REPLICASETS = resource('ReplicaSet');

export interface SyncResult {
  requeueAfterMs?: number;
}

interface Condition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

const replicas = (o: DeploymentObject | ReplicaSetObject): number => o.spec?.replicas ?? 1;
const getCondition = (status: { conditions?: Condition[] } | undefined, type: string) => (status?.conditions ?? []).find((c) => c.type === type);

/** SetDeploymentCondition: a condition with the same status and reason is left as it is. */
function setCondition(status: { conditions?: Condition[] }, cond: Condition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  if (cur && cur.status === cond.status) cond.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

function removeCondition(status: { conditions?: Condition[] }, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c) => c.type !== type);
}

export class DeploymentController {
  private readonly api: LocalAPIServer;
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;

  constructor(opts: { api: LocalAPIServer; clock: Clock; recorder?: EventRecorder }) {
    this.api = opts.api;
    this.clock = opts.clock;
    this.recorder = opts.recorder ?? new APIEventRecorder(opts.api, { component: COMPONENT }, opts.clock);
  }

  private now(): string {
    return rfc3339(this.clock.now());
  }

  private newCondition(type: string, status: string, reason: string, message: string): Condition {
    const t = this.now();
    return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
  }

  /** The Deployments whose selector matches a ReplicaSet's labels (getDeploymentsForReplicaSet), for an orphan. */
  deploymentsForReplicaSet(rs: ReplicaSetObject): DeploymentObject[] {
    return listItems(this.api, 'Deployment', rs.metadata.namespace).filter((d) => {
      try {
        const s = selectorFromLabelSelector(d.spec?.selector);
        return !s.empty() && s.matches(rs.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  syncDeployment(key: string): SyncResult {
    const { namespace, name } = splitKey(key);
    let d = tryGet(this.api, 'Deployment', namespace, name);
    if (!d) return {};
    d = structuredClone(d);
    const rsList = this.claimReplicaSets(d);
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    if (d.spec?.paused) return this.sync(d, rsList);
    if (this.isScalingEvent(d, rsList)) return this.sync(d, rsList);
    if (d.spec?.strategy?.type === 'Recreate') return this.rolloutRecreate(d, rsList);
    return this.rolloutRolling(d, rsList);
  }

  /** getReplicaSetsForDeployment: ClaimReplicaSets (adoption and release by selector). */
  private claimReplicaSets(d: DeploymentObject): ReplicaSetObject[] {
    let selector;
    try {
      selector = selectorFromLabelSelector(d.spec?.selector);
    } catch {
      return [];
    }
    const uid = d.metadata.uid;
    const out: ReplicaSetObject[] = [];
    for (const rs of listItems(this.api, 'ReplicaSet', d.metadata.namespace)) {
      const ref = (rs.metadata.ownerReferences ?? []).find((r) => r.controller);
      const matches = !selector.empty() && selector.matches(rs.metadata.labels ?? {});
      if (ref && ref.uid !== uid) continue;
      if (ref) {
        if (matches) out.push(rs);
        else if (!d.metadata.deletionTimestamp) this.patchOwner(rs, { ownerReferences: [{ $patch: 'delete', uid }] });
        continue;
      }
      if (!matches || d.metadata.deletionTimestamp || rs.metadata.deletionTimestamp) continue;
      const adopted = this.patchOwner(rs, { ownerReferences: [controllerRef(d)] });
      if (adopted) out.push(adopted);
    }
    return out;
  }

  private patchOwner(rs: ReplicaSetObject, meta: Record<string, unknown>): ReplicaSetObject | undefined {
    try {
      return asKind('ReplicaSet', this.api.patch(REPLICASETS, rs.metadata.namespace, rs.metadata.name!, 'strategic', { metadata: { ...meta, uid: rs.metadata.uid } }).object);
    } catch (e) {
      if (e instanceof StatusError) return undefined;
      throw e;
    }
  }

  /** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's (ignoring the hash label). */
  private findNewReplicaSet(d: DeploymentObject, rsList: ReplicaSetObject[]): ReplicaSetObject | undefined {
    return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
  }

  private isScalingEvent(d: DeploymentObject, rsList: ReplicaSetObject[]): boolean {
    const [newRS, oldRSs] = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    for (const rs of [...oldRSs, newRS].filter((r): r is ReplicaSetObject => !!r && replicas(r) > 0)) {
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      if (desired !== undefined && parseInt(desired, 10) !== replicas(d)) return true;
    }
    return false;
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked) and all the old ones. */
  private getAllReplicaSetsAndSyncRevision(d: DeploymentObject, rsList: ReplicaSetObject[], create: boolean): [ReplicaSetObject | undefined, ReplicaSetObject[]] {
    const existing = this.findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    return [this.getNewReplicaSet(d, rsList, oldRSs, existing, create), oldRSs];
  }

  private getNewReplicaSet(d: DeploymentObject, rsList: ReplicaSetObject[], oldRSs: ReplicaSetObject[], existing: ReplicaSetObject | undefined, create: boolean): ReplicaSetObject | undefined {
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const rsCopy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReadyChanged = (rsCopy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyChanged) {
        rsCopy.spec!.minReadySeconds = d.spec?.minReadySeconds ?? 0;
        if (!rsCopy.spec!.minReadySeconds) delete rsCopy.spec!.minReadySeconds;
        return this.updateRS(rsCopy) ?? existing;
      }
      let needsUpdate = this.setDeploymentRevision(d, rsCopy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      if (d.spec?.progressDeadlineSeconds != null && !getCondition(d.status, 'Progressing')) {
        d.status = d.status ?? {};
        setCondition(d.status, this.newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${rsCopy.metadata.name}"`));
        needsUpdate = true;
      }
      if (needsUpdate) this.writeStatus(d);
      return rsCopy;
    }
    if (!create) return undefined;
    const template = structuredClone(d.spec?.template ?? {});
    const collisionCount: number | undefined = d.status?.collisionCount;
    const hash = computeHash(template, collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const newRS: ReplicaSetObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [controllerRef(d)], labels: { ...template.metadata.labels } },
      spec: { replicas: 0, selector, template, ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}) },
    };
    const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = count;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);
    let createdRS: ReplicaSetObject;
    let alreadyExists = false;
    try {
      createdRS = asKind('ReplicaSet', this.api.create(REPLICASETS, d.metadata.namespace, newRS).object);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.reason === 'AlreadyExists') {
        const rs = tryGet(this.api, 'ReplicaSet', d.metadata.namespace, newRS.metadata.name!);
        const ref = rs && (rs.metadata.ownerReferences ?? []).find((r) => r.controller);
        if (rs && ref?.uid === d.metadata.uid && equalIgnoreHash(rs.spec?.template, d.spec?.template)) {
          createdRS = rs;
          alreadyExists = true;
        } else {
          // A hash collision: the next sync hashes with a bigger collision count.
          d.status = { ...(d.status ?? {}), collisionCount: (collisionCount ?? 0) + 1 };
          this.writeStatus(d);
          return undefined;
        }
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${e.message}`;
        if (d.spec?.progressDeadlineSeconds != null) {
          d.status = d.status ?? {};
          setCondition(d.status, this.newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg));
          this.writeStatus(d);
        }
        this.recorder.event(d, 'Warning', 'FailedCreate', msg);
        return undefined;
      }
    }
    if (!alreadyExists && count > 0) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${createdRS.metadata.name} from 0 to ${count}`);
    let needsUpdate = this.setDeploymentRevision(d, String(newRevision));
    if (!alreadyExists && d.spec?.progressDeadlineSeconds != null) {
      d.status = d.status ?? {};
      setCondition(d.status, this.newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${createdRS.metadata.name}"`));
      needsUpdate = true;
    }
    if (needsUpdate) this.writeStatus(d);
    void rsList;
    return createdRS;
  }

  /** SetDeploymentRevision: the Deployment's revision annotation; true when it changed. */
  private setDeploymentRevision(d: DeploymentObject, revision: string): boolean {
    const a = (d.metadata.annotations = d.metadata.annotations ?? {});
    if (a[REVISION_ANNOTATION] === revision) return false;
    a[REVISION_ANNOTATION] = revision;
    return true;
  }

  /** UpdateStatus of the Deployment as the controller holds it (annotations included); d follows the stored object. */
  private writeStatus(d: DeploymentObject): boolean {
    try {
      const out = asKind('Deployment', this.api.updateStatus(DEPLOYMENTS, d.metadata.namespace, d.metadata.name!, d).object);
      d.metadata = out.metadata;
      d.status = out.status;
      return true;
    } catch (e) {
      if (!(e instanceof StatusError) || (e.reason !== 'Conflict' && e.reason !== 'NotFound')) throw e;
      return false;
    }
  }

  private updateRS(rs: ReplicaSetObject): ReplicaSetObject | undefined {
    try {
      return asKind('ReplicaSet', this.api.update(REPLICASETS, rs.metadata.namespace, rs.metadata.name!, rs).object);
    } catch (e) {
      if (!(e instanceof StatusError) || (e.reason !== 'Conflict' && e.reason !== 'NotFound')) throw e;
      return undefined;
    }
  }

  /** scaleReplicaSetAndRecordEvent / scaleReplicaSet: the size and the replica annotations, one event per size change. */
  private scaleReplicaSet(rs: ReplicaSetObject, newScale: number, d: DeploymentObject, operation?: string): ReplicaSetObject {
    const old = replicas(rs);
    const sizeChanged = old !== newScale;
    const desired = replicas(d);
    const max = desired + maxSurge(d);
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return rs;
    const copy = structuredClone(rs);
    copy.spec!.replicas = newScale;
    setReplicasAnnotations(copy, desired, max);
    const out = this.updateRS(copy);
    if (!out) return rs;
    if (sizeChanged) {
      const op = operation ?? (old < newScale ? 'up' : 'down');
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${old} to ${newScale}`);
    }
    Object.assign(rs, out);
    return out;
  }

  /** sync: scale (a scaling event or a paused Deployment), then the status. */
  private sync(d: DeploymentObject, rsList: ReplicaSetObject[]): SyncResult {
    const [newRS, oldRSs] = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    this.scale(d, newRS, oldRSs);
    if (d.spec?.paused) this.cleanupDeployment(oldRSs, d);
    return this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  private scale(d: DeploymentObject, newRS: ReplicaSetObject | undefined, oldRSs: ReplicaSetObject[]): void {
    const active = [...oldRSs, ...(newRS ? [newRS] : [])].filter((rs) => replicas(rs) > 0);
    // FindActiveOrLatest
    let activeOrLatest: ReplicaSetObject | undefined;
    if (active.length === 1) activeOrLatest = active[0];
    else if (active.length === 0) activeOrLatest = newRS ?? [...oldRSs].sort(byCreation).reverse()[0];
    if (activeOrLatest || active.length <= 1) {
      if (activeOrLatest && replicas(activeOrLatest) !== replicas(d)) this.scaleReplicaSet(activeOrLatest, replicas(d), d);
      return;
    }
    // IsSaturated: the new ReplicaSet has all the replicas, and they are available.
    if (newRS && replicas(newRS) === replicas(d) && parseInt(newRS.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] ?? '', 10) === replicas(d) && (newRS.status?.availableReplicas ?? 0) === replicas(d)) {
      for (const old of oldRSs.filter((rs) => replicas(rs) > 0)) this.scaleReplicaSet(old, 0, d);
      return;
    }
    if (d.spec?.strategy?.type !== 'RollingUpdate') return;
    const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
    const toAdd = allowed - specReplicas(active);
    let operation: string | undefined;
    const sorted = [...active];
    if (toAdd > 0) {
      // ReplicaSetsBySizeNewer: larger first, then newer first
      sorted.sort((a, b) => replicas(b) - replicas(a) || byCreation(b, a));
      operation = 'up';
    } else if (toAdd < 0) {
      // ReplicaSetsBySizeOlder: larger first, then older first
      sorted.sort((a, b) => replicas(b) - replicas(a) || byCreation(a, b));
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<ReplicaSetObject, number>();
    for (const rs of sorted) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs, replicas(rs) + p);
        added += p;
      } else sizes.set(rs, replicas(rs));
    }
    sorted.forEach((rs, i) => {
      if (i === 0 && toAdd !== 0) sizes.set(rs, Math.max(0, sizes.get(rs)! + toAdd - added));
      this.scaleReplicaSet(rs, sizes.get(rs)!, d, operation);
    });
  }

  private rolloutRolling(d: DeploymentObject, rsList: ReplicaSetObject[]): SyncResult {
    const [newRS, oldRSs] = this.getAllReplicaSetsAndSyncRevision(d, rsList, true);
    if (!newRS) return { requeueAfterMs: 0 };
    const all = [...oldRSs, newRS];
    // reconcileNewReplicaSet
    if (replicas(newRS) !== replicas(d)) {
      const target = replicas(newRS) > replicas(d) ? replicas(d) : newRSNewReplicas(d, all, newRS);
      if (target !== replicas(newRS)) {
        this.scaleReplicaSet(newRS, target, d);
        return this.syncRolloutStatus(all, newRS, d);
      }
    }
    if (this.reconcileOldReplicaSets(all, oldRSs.filter((rs) => replicas(rs) > 0), newRS, d)) return this.syncRolloutStatus(all, newRS, d);
    if (this.complete(d, this.calculateStatus(all, newRS, d))) this.cleanupDeployment(oldRSs, d);
    return this.syncRolloutStatus(all, newRS, d);
  }

  private reconcileOldReplicaSets(all: ReplicaSetObject[], oldRSs: ReplicaSetObject[], newRS: ReplicaSetObject, d: DeploymentObject): boolean {
    if (specReplicas(oldRSs) === 0) return false;
    const minAvailable = replicas(d) - maxUnavailable(d);
    const newUnavailable = replicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // cleanupUnhealthyReplicas: old replicas that are not available go first.
    let cleaned = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const avail = rs.status?.availableReplicas ?? 0;
      if (replicas(rs) === 0 || replicas(rs) === avail) continue;
      const n = Math.min(maxScaledDown - cleaned, replicas(rs) - avail);
      this.scaleReplicaSet(rs, replicas(rs) - n, d);
      cleaned += n;
    }
    // scaleDownOldReplicaSetsForRollingUpdate: as far as availability allows.
    let scaled = 0;
    const available = availableReplicas(all);
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of [...oldRSs].sort(byCreation)) {
        if (scaled >= total) break;
        if (replicas(rs) === 0) continue;
        const n = Math.min(replicas(rs), total - scaled);
        this.scaleReplicaSet(rs, replicas(rs) - n, d);
        scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  private rolloutRecreate(d: DeploymentObject, rsList: ReplicaSetObject[]): SyncResult {
    let [newRS, oldRSs] = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    let all = [...oldRSs, ...(newRS ? [newRS] : [])];
    let scaledDown = false;
    for (const rs of oldRSs.filter((r) => replicas(r) > 0)) {
      this.scaleReplicaSet(rs, 0, d);
      scaledDown = true;
    }
    if (scaledDown || this.oldPodsRunning(newRS, oldRSs, d)) return this.syncRolloutStatus(all, newRS, d);
    if (!newRS) {
      [newRS, oldRSs] = this.getAllReplicaSetsAndSyncRevision(d, this.claimReplicaSets(d), true);
      if (!newRS) return { requeueAfterMs: 0 };
      all = [...oldRSs, newRS];
    }
    this.scaleReplicaSet(newRS, replicas(d), d);
    if (this.complete(d, this.calculateStatus(all, newRS, d))) this.cleanupDeployment(oldRSs, d);
    return this.syncRolloutStatus(all, newRS, d);
  }

  /** oldPodsRunning: old ReplicaSets still report replicas, or pods of theirs are not finished (terminating ones count). */
  private oldPodsRunning(newRS: ReplicaSetObject | undefined, oldRSs: ReplicaSetObject[], d: DeploymentObject): boolean {
    if (statusReplicas(oldRSs) > 0) return true;
    const oldUIDs = new Set(oldRSs.map((rs) => rs.metadata.uid));
    return listItems(this.api, 'Pod', d.metadata.namespace).some((p) => {
      const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller);
      if (!ref || !oldUIDs.has(ref.uid) || ref.uid === newRS?.metadata.uid) return false;
      return !isPodTerminal(p);
    });
  }

  /** cleanupDeployment: old, empty ReplicaSets beyond revisionHistoryLimit are deleted, oldest revision first. */
  private cleanupDeployment(oldRSs: ReplicaSetObject[], d: DeploymentObject): void {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit == null) return;
    const cleanable = oldRSs.filter((rs) => replicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        this.api.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } });
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private calculateStatus(all: ReplicaSetObject[], newRS: ReplicaSetObject | undefined, d: DeploymentObject): DeploymentStatus {
    const available = availableReplicas(all);
    const status: DeploymentStatus = { observedGeneration: d.metadata.generation ?? 1 };
    const set = (k: 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas', v: number) => {
      if (v) status[k] = v;
    };
    set('replicas', statusReplicas(all));
    set('updatedReplicas', statusReplicas([newRS]));
    set('readyReplicas', readyReplicas(all));
    set('availableReplicas', available);
    set('unavailableReplicas', Math.max(0, specReplicas(all) - available));
    if (d.status?.collisionCount != null) status.collisionCount = d.status.collisionCount;
    status.conditions = structuredClone(d.status?.conditions ?? []);
    if (available >= replicas(d) - maxUnavailable(d)) setCondition(status, this.newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'));
    else setCondition(status, this.newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'));
    return status;
  }

  /** DeploymentComplete */
  private complete(d: DeploymentObject, s: DeploymentStatus): boolean {
    const n = replicas(d);
    return (s.updatedReplicas ?? 0) === n && (s.replicas ?? 0) === n && (s.availableReplicas ?? 0) === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
  }

  private syncDeploymentStatus(all: ReplicaSetObject[], newRS: ReplicaSetObject | undefined, d: DeploymentObject): SyncResult {
    const status = this.calculateStatus(all, newRS, d);
    if (!jsonEqual(status, d.status ?? {})) this.writeStatus({ ...d, status });
    return {};
  }

  private syncStatusOnly(d: DeploymentObject, rsList: ReplicaSetObject[]): SyncResult {
    const [newRS, oldRSs] = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    return this.syncDeploymentStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  /** syncRolloutStatus (progress.go): the Progressing condition, replica failures, and a requeue at the progress deadline. */
  private syncRolloutStatus(all: ReplicaSetObject[], newRS: ReplicaSetObject | undefined, d: DeploymentObject): SyncResult {
    const status = this.calculateStatus(all, newRS, d);
    const deadline: number | undefined = d.spec?.progressDeadlineSeconds ?? undefined;
    if (deadline == null) removeCondition(status, 'Progressing');
    const cur = getCondition(d.status, 'Progressing');
    const isComplete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && cur?.reason === 'NewReplicaSetAvailable';
    if (deadline != null && !isComplete) {
      const old = d.status ?? {};
      const progressing =
        (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
        (status.replicas ?? 0) - (status.updatedReplicas ?? 0) < (old.replicas ?? 0) - (old.updatedReplicas ?? 0) ||
        (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
        (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
      if (this.complete(d, status)) {
        setCondition(status, this.newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${newRS?.metadata.name}" has successfully progressed.`));
      } else if (progressing) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        const c = this.newCondition('Progressing', 'True', 'ReplicaSetUpdated', msg);
        const curNew = getCondition(status, 'Progressing');
        if (curNew) {
          if (curNew.status === 'True') c.lastTransitionTime = curNew.lastTransitionTime;
          removeCondition(status, 'Progressing');
        }
        setCondition(status, c);
      } else if (this.timedOut(d, status)) {
        setCondition(status, this.newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${newRS?.metadata.name}" has timed out progressing.`));
      }
    }
    // getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, as the Deployment's.
    const failure = [newRS, ...all].map((rs) => getCondition(rs?.status, 'ReplicaFailure')).find((c) => c && c.status === 'True');
    if (failure) setCondition(status, { type: 'ReplicaFailure', status: 'True', lastUpdateTime: failure.lastTransitionTime, lastTransitionTime: failure.lastTransitionTime, reason: failure.reason, message: failure.message });
    else removeCondition(status, 'ReplicaFailure');
    if (!jsonEqual(status, d.status ?? {})) {
      this.writeStatus({ ...d, status });
      d.status = status;
    }
    return this.requeueStuck(d, status);
  }

  private timedOut(d: DeploymentObject, status: DeploymentStatus): boolean {
    const c = getCondition(status, 'Progressing');
    if (!c || c.reason === 'NewReplicaSetAvailable') return false;
    if (c.reason === 'ProgressDeadlineExceeded') return true;
    const from = Date.parse(c.lastUpdateTime ?? '');
    return Number.isFinite(from) && from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 < this.clock.now().getTime();
  }

  /** requeueStuckDeployment: look again when the progress deadline passes. */
  private requeueStuck(d: DeploymentObject, status: DeploymentStatus): SyncResult {
    const c = getCondition(status, 'Progressing');
    if (d.spec?.progressDeadlineSeconds == null || !c || c.status !== 'True' || c.reason === 'NewReplicaSetAvailable' || this.complete(d, status)) return {};
    const from = Date.parse(c.lastUpdateTime ?? '');
    if (!Number.isFinite(from)) return {};
    const after = from + d.spec.progressDeadlineSeconds * 1000 - this.clock.now().getTime();
    return { requeueAfterMs: Math.max(0, after) + 1000 };
  }
}
