// The ReplicaSet controller (pkg/controller/replicaset): one level-triggered reconcile,
// syncReplicaSet, per ReplicaSet key. It claims the pods its selector matches (adopting orphans,
// releasing the ones that no longer match), creates missing pods in slow-start batches, deletes
// the surplus ranked as ActivePodsWithRanks ranks them, and writes the status once through the
// status subresource. Expectations are not needed here: the controller and the store share a
// process, so what it just created is in the next list.
import type { KObject, MutableObjectMeta, OwnerReference, PodObject, ReplicaSetObject } from '../../api/types.js';
import type { ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { asKind, rfc3339, splitKey } from '../../api/types.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { isPodActive, isPodReady } from '../../api/pod_util.js';
import type { LocalAPIServer } from '../../apiserver/interface.js';
import { APIEventRecorder, type EventRecorder } from '../../client/record.js';
import { PODS, listItems, resource, tryGet } from '../../client/client.js';
import { StatusError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import { jsonEqual as sameJSON } from '../../util/canonical.js';
import { maxContainerRestarts, phaseOrdinal, podReadyTime, slowStartBatch } from '../controller_utils.js';

export const COMPONENT = 'replicaset-controller';
/** burstReplicas: at most this many creates or deletes per sync. */
const BURST_REPLICAS = 500;
const RS_RESOURCE = resource('ReplicaSet');

export interface SyncResult {
  requeueAfterMs?: number;
}

export interface ReplicaSetControllerOptions {
  api: LocalAPIServer;
  clock: Clock;
  recorder?: EventRecorder;
}

/** The controller reference a controller puts on what it creates (metav1.NewControllerRef). */
export function controllerRef(owner: KObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds. */
export function isPodAvailable(pod: PodObject, minReadySeconds: number, now: Date): boolean {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready');
  if (!c || c.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const t = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(t) && t + minReadySeconds * 1000 < now.getTime();
}

/** When a ready pod becomes available (for the requeue after minReadySeconds). */
function availableAt(pod: PodObject, minReadySeconds: number): number | undefined {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready');
  if (!c || c.status !== 'True') return undefined;
  const t = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(t) ? t + minReadySeconds * 1000 : undefined;
}

const deletionCost = (pod: PodObject) => parseInt(pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? '0', 10) || 0;

/** logarithmicRankDiff: the difference of the log2 buckets of two ages (in nanoseconds). */
function logRankDiff(t1: number, t2: number, now: number): number {
  const r = (t: number) => (now - t > 0 ? Math.floor(Math.log2((now - t) * 1e6)) : -1);
  return r(t1) - r(t2);
}

/**
 * ActivePodsWithRanks.Less (LogarithmicScaleDown on, as in v1.32): the pods to delete first come
 * first. rank is the number of related pods on the same node.
 */
export function rankPodsForDeletion(pods: PodObject[], ranks: Map<string, number>, now: Date): PodObject[] {
  const n = now.getTime();
  const less = (a: PodObject, b: PodObject): number => {
    const na = a.spec?.nodeName ?? '', nb = b.spec?.nodeName ?? '';
    if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
    const pa = phaseOrdinal(a), pb = phaseOrdinal(b);
    if (pa !== pb) return pa - pb;
    if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    const ra = ranks.get(a.metadata.uid!) ?? 0, rb = ranks.get(b.metadata.uid!) ?? 0;
    if (ra !== rb) return rb - ra;
    if (isPodReady(a) && isPodReady(b)) {
      const ta = podReadyTime(a), tb = podReadyTime(b);
      if (ta !== tb) {
        if (ta === undefined || tb === undefined) return ta === undefined ? -1 : 1;
        const d = logRankDiff(ta, tb, n);
        if (d === 0) return a.metadata.uid! < b.metadata.uid! ? -1 : 1;
        return d;
      }
    }
    if (maxContainerRestarts(a) !== maxContainerRestarts(b)) return maxContainerRestarts(b) - maxContainerRestarts(a);
    const ca = Date.parse(a.metadata.creationTimestamp ?? ''), cb = Date.parse(b.metadata.creationTimestamp ?? '');
    if (ca !== cb) {
      const d = logRankDiff(ca, cb, n);
      if (d === 0) return a.metadata.uid! < b.metadata.uid! ? -1 : 1;
      return d;
    }
    return 0;
  };
  return [...pods].sort(less);
}

/** controller.GetPodFromTemplate: a pod of the template, named after its controller, controlled by it. */
export function podFromTemplate(owner: ReplicaSetObject): PodObject {
  const tpl = owner.spec?.template ?? {};
  const meta: MutableObjectMeta = { generateName: `${owner.metadata.name}-`, ownerReferences: [controllerRef(owner)] };
  if (tpl.metadata?.labels) meta.labels = { ...tpl.metadata.labels };
  if (tpl.metadata?.annotations) meta.annotations = { ...tpl.metadata.annotations };
  if (tpl.metadata?.finalizers) meta.finalizers = [...tpl.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: structuredClone(tpl.spec ?? ({} as PodSpec)) }; // validation makes the template's spec required
}

export class ReplicaSetController {
  private readonly api: LocalAPIServer;
  private readonly clock: Clock;
  private readonly recorder: EventRecorder;

  constructor(opts: ReplicaSetControllerOptions) {
    this.api = opts.api;
    this.clock = opts.clock;
    this.recorder = opts.recorder ?? new APIEventRecorder(opts.api, { component: COMPONENT }, opts.clock);
  }

  /** The ReplicaSets whose selector matches a pod's labels (getPodReplicaSets), to enqueue for an orphan. */
  replicaSetsForPod(pod: PodObject): ReplicaSetObject[] {
    return listItems(this.api, 'ReplicaSet', pod.metadata.namespace).filter((rs) => {
      try {
        const s = selectorFromLabelSelector(rs.spec?.selector);
        return !s.empty() && s.matches(pod.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  syncReplicaSet(key: string): SyncResult {
    const { namespace, name } = splitKey(key);
    const rs = tryGet(this.api, 'ReplicaSet', namespace, name);
    if (!rs) return {};
    const now = this.clock.now();
    const all = listItems(this.api, 'Pod', namespace);
    const pods = this.claimPods(rs, all.filter((p) => isPodActive(p)));
    let manageError: string | undefined;
    if (!rs.metadata.deletionTimestamp) manageError = this.manageReplicas(rs, pods, all, now);
    // The status counts the pods as they are after this sync's creates and deletes.
    const current = this.claimed(rs, listItems(this.api, 'Pod', namespace).filter((p) => isPodActive(p)));
    return this.updateStatus(rs, current, now, manageError);
  }

  /** The active pods this ReplicaSet controls, after adoption and release (ClaimPods). */
  private claimPods(rs: ReplicaSetObject, active: PodObject[]): PodObject[] {
    let selector;
    try {
      selector = selectorFromLabelSelector(rs.spec?.selector);
    } catch {
      return [];
    }
    const uid = rs.metadata.uid;
    const out: PodObject[] = [];
    for (const pod of active) {
      const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
      const matches = !selector.empty() && selector.matches(pod.metadata.labels ?? {});
      if (ref && ref.uid !== uid) continue;
      if (ref) {
        if (matches) out.push(pod);
        else if (!rs.metadata.deletionTimestamp) this.release(pod, uid!);
        continue;
      }
      if (!matches || rs.metadata.deletionTimestamp) continue;
      const adopted = this.adopt(rs, pod);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  private claimed(rs: ReplicaSetObject, active: PodObject[]): PodObject[] {
    return active.filter((p) => (p.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === rs.metadata.uid));
  }

  /** AdoptPod: a strategic merge patch that adds the controller reference (with the pod's uid as precondition). */
  private adopt(rs: ReplicaSetObject, pod: PodObject): PodObject | undefined {
    try {
      return asKind('Pod', this.api.patch(PODS, pod.metadata.namespace, pod.metadata.name!, 'strategic', {
        metadata: { ownerReferences: [controllerRef(rs)], uid: pod.metadata.uid },
      }).object);
    } catch (e) {
      if (e instanceof StatusError) return undefined;
      throw e;
    }
  }

  /** ReleasePod: the controller reference removed. */
  private release(pod: PodObject, uid: string): void {
    try {
      this.api.patch(PODS, pod.metadata.namespace, pod.metadata.name!, 'strategic', {
        metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: pod.metadata.uid },
      });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  /** manageReplicas: create or delete pods to reach spec.replicas; the error of a refused create, if any. */
  private manageReplicas(rs: ReplicaSetObject, pods: PodObject[], all: PodObject[], now: Date): string | undefined {
    const want: number = rs.spec?.replicas ?? 1;
    const diff = pods.length - want;
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      const { error } = slowStartBatch(count, () => {
        try {
          const pod = asKind('Pod', this.api.create(PODS, rs.metadata.namespace, podFromTemplate(rs)).object);
          this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          return undefined;
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
          return e.message;
        }
      });
      if (error !== undefined) return error;
    } else if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      // getPodsToDelete: ranked by the pods of the same owner (related pods) on each node.
      const related = this.relatedPods(rs, all);
      const perNode = new Map<string, number>();
      for (const p of related) if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
      const ranks = new Map(pods.map((p) => [p.metadata.uid!, p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0]));
      for (const pod of rankPodsForDeletion(pods, ranks, now).slice(0, count)) {
        try {
          this.api.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
          this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          if (e.reason !== 'NotFound') {
            this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${e.message}`);
            return e.message;
          }
        }
      }
    }
    return undefined;
  }

  /** getIndirectlyRelatedPods: the active pods of every ReplicaSet with the same controller (or just this one's). */
  private relatedPods(rs: ReplicaSetObject, all: PodObject[]): PodObject[] {
    const owner = (rs.metadata.ownerReferences ?? []).find((r) => r.controller);
    const uids = new Set<string>([rs.metadata.uid!]);
    if (owner) {
      for (const o of listItems(this.api, 'ReplicaSet', rs.metadata.namespace)) {
        if ((o.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.uid)) uids.add(o.metadata.uid!);
      }
    }
    return all.filter((p) => isPodActive(p) && (p.metadata.ownerReferences ?? []).some((r) => r.controller && uids.has(r.uid)));
  }

  /** calculateStatus + updateReplicaSetStatus: written only when it changed. */
  private updateStatus(rs: ReplicaSetObject, pods: PodObject[], now: Date, manageError: string | undefined): SyncResult {
    const minReady: number = rs.spec?.minReadySeconds ?? 0;
    const tplLabels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
    const fully = pods.filter((p) => Object.entries(tplLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
    const ready = pods.filter((p) => isPodReady(p)).length;
    const available = pods.filter((p) => isPodAvailable(p, minReady, now)).length;
    const old: Partial<ReplicaSetStatus> = rs.status ?? {};
    const status: Record<string, unknown> = { replicas: pods.length };
    if (fully) status.fullyLabeledReplicas = fully;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    status.observedGeneration = rs.metadata.generation ?? 1;
    // The ReplicaFailure condition: set when creating or deleting failed, removed when it works again.
    let conditions = [...(old.conditions ?? [])].filter((c: { type: string }) => c.type !== 'ReplicaFailure');
    const oldFailure = (old.conditions ?? []).find((c: { type: string }) => c.type === 'ReplicaFailure');
    if (manageError) {
      const want: number = rs.spec?.replicas ?? 1;
      const reason = pods.length < want ? 'FailedCreate' : 'FailedDelete';
      conditions = [
        ...conditions,
        oldFailure && oldFailure.reason === reason && oldFailure.message === manageError
          ? oldFailure
          : { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: manageError },
      ];
    }
    if (conditions.length) status.conditions = conditions;
    if (!sameJSON(status, old)) {
      try {
        this.api.updateStatus(RS_RESOURCE, rs.metadata.namespace, rs.metadata.name!, { ...rs, status });
      } catch (e) {
        if (!(e instanceof StatusError) || (e.reason !== 'Conflict' && e.reason !== 'NotFound')) throw e;
        return { requeueAfterMs: 0 };
      }
    }
    // A ready pod becomes available minReadySeconds later: look again then.
    if (minReady > 0 && available < ready) {
      const next = Math.min(...pods.map((p) => availableAt(p, minReady)).filter((t): t is number => t !== undefined && t >= now.getTime()));
      if (Number.isFinite(next)) return { requeueAfterMs: Math.max(0, next - now.getTime()) + 1 };
    }
    return manageError ? { requeueAfterMs: 1000 } : {};
  }
}
