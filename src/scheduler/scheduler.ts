// kube-scheduler for a one-node cluster (pkg/scheduler, default profile). An unscheduled pod is
// run through the Filter plugins that matter on one node, in the profile's order, the first
// failure deciding (NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts,
// NodeResourcesFit); NodeAffinity's PreFilter narrows to the nodes named by matchFields
// metadata.name. A pod that fits is bound (spec.nodeName, PodScheduled=True, event Scheduled); one
// that does not stays Pending with PodScheduled=False/Unschedulable and a FailedScheduling event
// whose message is framework.FitError's, the default preemption's PostFilter message included.
// Preemption itself is not implemented: where it could help, kjob reports that no victims were found.
import type { KObject, PodObject, TypedObject, PodConditionWire, Toleration } from '../api/types.js';
import type { NodeSpec, NodeStatus, NodeSelectorRequirement, NodeSelectorTerm, Taint } from 'kubernetes-types/core/v1.js';
import { asKind, rfc3339 } from '../api/types.js';
import { isPodTerminal } from '../api/pod_util.js';
import type { APIServer } from '../apiserver/interface.js';
import type { EventRecorder } from '../client/record.js';
import { PODS, afterTransaction, tryGetShared } from '../client/client.js';
import {
  compareQuantities,
  parseQuantityExact,
  podResources,
  quantityMilliValue,
  quantityValue,
  type Rational,
} from '../api/quantity.js';

export const SCHEDULER_NAME = 'default-scheduler';

/** How often an unschedulable pod is retried and its FailedScheduling recorded again without a change (podMaxInUnschedulablePodsDuration). */
export const UNSCHEDULABLE_RETRY_MS = 5 * 60_000;

interface Status {
  /** Unschedulable (preemption might help) or UnschedulableAndUnresolvable (it cannot). */
  code: 'Unschedulable' | 'UnschedulableAndUnresolvable';
  reasons: string[];
}

type NodeObject = TypedObject<NodeSpec, NodeStatus>;

export type FitResult = { fits: true } | { fits: false; message: string };

// ---------------------------------------------------------------- filters

function tolerates(tolerations: readonly Toleration[] | undefined, taint: { key?: string; value?: string; effect?: string }): boolean {
  return (tolerations ?? []).some((t) => {
    if (t?.effect && t.effect !== taint.effect) return false;
    if (t?.key && t.key !== taint.key) return false;
    const op = t?.operator ?? '';
    if (op === 'Exists') return true;
    if (op === '' || op === 'Equal') return (t?.value ?? '') === (taint.value ?? '');
    return false;
  });
}

function nodeUnschedulable(pod: PodObject, node: NodeObject): Status | undefined {
  if (!node.spec?.unschedulable) return undefined;
  if (tolerates(pod.spec?.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return undefined;
  return { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] };
}

function taintToleration(pod: PodObject, node: NodeObject): Status | undefined {
  for (const taint of (node.spec?.taints ?? []) as readonly Taint[]) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(pod.spec?.tolerations, taint)) {
      return { code: 'UnschedulableAndUnresolvable', reasons: [`node(s) had untolerated taint {${taint.key ?? ''}: ${taint.value ?? ''}}`] };
    }
  }
  return undefined;
}

/** A NodeSelectorRequirement against a value lookup (labels, or the node's fields). */
function requirementMatches(r: NodeSelectorRequirement | undefined, get: (key: string) => string | undefined): boolean {
  const v = get(r?.key ?? '');
  const values: string[] = (r?.values ?? []).map(String);
  switch (r?.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || values.length !== 1 || !/^[+-]?\d+$/.test(v) || !/^[+-]?\d+$/.test(values[0])) return false;
      const a = BigInt(v);
      const b = BigInt(values[0]);
      return r?.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: its expressions and fields ANDed; an empty term matches nothing. */
function termMatches(term: NodeSelectorTerm | undefined, node: NodeObject): boolean {
  const exprs = term?.matchExpressions ?? [];
  const fields = term?.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels: Record<string, string> = node.metadata.labels ?? {};
  const label = (k: string) => (Object.prototype.hasOwnProperty.call(labels, k) ? labels[k] : undefined);
  const field = (k: string) => (k === 'metadata.name' ? node.metadata.name : undefined);
  return exprs.every((r) => requirementMatches(r, label)) && fields.every((r) => requirementMatches(r, field));
}

function requiredTerms(pod: PodObject): readonly NodeSelectorTerm[] | undefined {
  return pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
}

/**
 * NodeAffinity's PreFilter: the node names every term restricts metadata.name to (In), or
 * undefined when some term leaves all nodes eligible.
 */
function preFilterNodeNames(pod: PodObject): Set<string> | undefined {
  const terms = requiredTerms(pod);
  if (!terms) return undefined;
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t?.matchFields ?? []) {
      if (r?.key !== 'metadata.name' || r?.operator !== 'In') continue;
      const s = new Set<string>((r.values ?? []).map(String));
      termNames = termNames === undefined ? s : new Set([...termNames].filter((n) => s.has(n)));
    }
    if (termNames === undefined) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}

function nodeAffinity(pod: PodObject, node: NodeObject): Status | undefined {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  const selectorOk = Object.entries(pod.spec?.nodeSelector ?? {}).every(([k, v]) => labels[k] === String(v));
  const terms = requiredTerms(pod);
  const affinityOk = terms === undefined || terms.some((t) => termMatches(t, node));
  if (selectorOk && affinityOk) return undefined;
  return { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
}

interface HostPort { ip: string; protocol: string; port: number }

function hostPorts(pod: PodObject): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c?.ports ?? []) {
      if (!p?.hostPort) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

function nodePorts(pod: PodObject, others: PodObject[]): Status | undefined {
  const want = hostPorts(pod);
  if (want.length === 0) return undefined;
  const used = others.flatMap(hostPorts);
  const conflict = want.some((w) => used.some((u) => u.port === w.port && u.protocol === w.protocol && (u.ip === w.ip || u.ip === '0.0.0.0' || w.ip === '0.0.0.0')));
  return conflict ? { code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] } : undefined;
}

/** The scheduler compares cpu in millicores and everything else in whole units. */
function amount(name: string, q: Rational | undefined): bigint {
  if (!q) return 0n;
  return name === 'cpu' ? quantityMilliValue(q) : quantityValue(q);
}

function nodeResourcesFit(pod: PodObject, node: NodeObject, others: PodObject[], maxPodsFallback = 110): Status | undefined {
  const allocatable: Record<string, string> = node.status?.allocatable ?? {};
  const reasons: string[] = [];
  const allowedPods = allocatable.pods !== undefined ? amount('pods', parseQuantityExact(allocatable.pods)) : BigInt(maxPodsFallback);
  if (BigInt(others.length + 1) > allowedPods) reasons.push('Too many pods');
  const want = podResources(pod, 'requests');
  const used = new Map<string, bigint>();
  for (const o of others) {
    for (const [k, q] of Object.entries(podResources(o, 'requests'))) used.set(k, (used.get(k) ?? 0n) + amount(k, q.value));
  }
  const names = Object.keys(want).filter((k) => k !== 'pods' && compareQuantities(want[k].value, { num: 0n, den: 1n }) > 0);
  const order = ['cpu', 'memory', 'ephemeral-storage'];
  names.sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  for (const k of names) {
    const free = amount(k, parseQuantityExact(allocatable[k] ?? '0')) - (used.get(k) ?? 0n);
    if (amount(k, want[k].value) > free) reasons.push(`Insufficient ${k}`);
  }
  return reasons.length ? { code: 'Unschedulable', reasons } : undefined;
}

/** Whether a pod holds its node's resources: bound to it, and not Succeeded or Failed. */
function holdsNodeResources(p: PodObject): boolean {
  return !!p.spec?.nodeName && !isPodTerminal(p);
}

/** Pods bound to the node that still hold its resources. */
function podsOnNode(pods: PodObject[], nodeName: string, except: PodObject): PodObject[] {
  return pods.filter((p) => p.spec?.nodeName === nodeName && p.metadata.uid !== except.metadata.uid && holdsNodeResources(p));
}

/** One scheduling attempt of pod on node (the only node): fits, or FitError's message. */
export function findFit(pod: PodObject, node: NodeObject, allPods: PodObject[]): FitResult {
  const nodeName = node.metadata.name!;
  let status: Status | undefined;
  const names = preFilterNodeNames(pod);
  if (names !== undefined && names.size === 0) {
    // NodeAffinity PreFilter: the terms' node names conflict; no node is looked at.
    return { fits: false, message: `0/1 nodes are available: pod affinity terms conflict. ${postFilterMessage(pod, 'UnschedulableAndUnresolvable')}` };
  }
  if (names !== undefined && !names.has(nodeName)) {
    // Nodes the PreFilter result leaves out get this status (NodeToStatus.AbsentNodesStatus).
    status = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't satisfy plugin(s) [NodeAffinity]"] };
  } else {
    const others = podsOnNode(allPods, nodeName, pod);
    status = nodeUnschedulable(pod, node) ?? taintToleration(pod, node) ?? nodeAffinity(pod, node) ?? nodePorts(pod, others) ?? nodeResourcesFit(pod, node, others);
  }
  if (!status) return { fits: true };
  const histogram = [...new Set(status.reasons)].map((r) => `1 ${r}`).sort();
  return { fits: false, message: `0/1 nodes are available: ${histogram.join(', ')}. ${postFilterMessage(pod, status.code)}` };
}

/** DefaultPreemption's PostFilter message for the one node. */
function postFilterMessage(pod: PodObject, code: Status['code']): string {
  if (pod.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const why = code === 'UnschedulableAndUnresolvable' ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
  return `preemption: 0/1 nodes are available: 1 ${why}.`;
}

// ---------------------------------------------------------------- the scheduler

export class Scheduler {
  /** Last FailedScheduling recorded per pod uid: its message and when (the engine's clock, ms). */
  private readonly recorded = new Map<string, { message: string; at: number }>();

  /**
   * The scheduler cache: the pods bound to a node that still hold its resources, by uid. The
   * engine's informer keeps it (podChanged, resync: the assigned-pod handlers of a scheduler on a
   * shared informer); a pod this scheduler binds counts at once (assume), before the informer
   * brings its binding. Only these pods count for a fit (podsOnNode): a Job's finished pods, kept
   * by a cache of all pods and copied for each attempt, made every attempt cost the number of
   * pods the Job had run. A watch of its own parsed every pod change the informer had parsed
   * already (3% of the engine's time during a Job).
   */
  private readonly assigned = new Map<string, PodObject>();

  constructor(
    private readonly api: APIServer,
    private readonly recorder: EventRecorder,
  ) {}

  /**
   * A pod's change, as the informer saw it (addPodToCache, updatePodInCache, deletePodFromCache).
   * A pod not bound is the scheduling queue's, not the cache's: such a change is an older version
   * of a pod this scheduler may have assumed since (a committed binding is never undone), and
   * leaves it. The cache learns of a pod that finished or was deleted when the informer next reads
   * the change log (the engine's next round): until then the pod still counts, as on a cluster.
   */
  podChanged(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: PodObject): void {
    const uid = pod.metadata.uid;
    if (!uid) return;
    // A pod that is gone needs no more attempts: should it be back, its next attempt records at once.
    if (type === 'DELETED') this.recorded.delete(uid);
    if (type === 'DELETED' || isPodTerminal(pod)) this.assigned.delete(uid);
    else if (holdsNodeResources(pod)) this.assigned.set(uid, pod);
  }

  /**
   * The informer listed every pod again (its start, or a relist after falling behind): the cache
   * is what it listed, and what was recorded of a pod not listed (deleted meanwhile) goes.
   */
  resync(pods: readonly PodObject[]): void {
    this.assigned.clear();
    const listed = new Set(pods.map((p) => p.metadata.uid));
    for (const uid of this.recorded.keys()) if (!listed.has(uid)) this.recorded.delete(uid);
    for (const p of pods) this.podChanged('ADDED', p);
  }

  /**
   * AssumePod: a pod this scheduler bound holds its node's resources from now on. Its binding
   * rolled back with the transaction it was made in (the engine's round did not commit), the pod
   * is not bound after all, and goes (ForgetPod).
   */
  private assume(pod: PodObject): void {
    const uid = pod.metadata.uid!;
    this.assigned.set(uid, pod);
    afterTransaction(this.api, (committed) => {
      if (!committed && this.assigned.get(uid) === pod) this.assigned.delete(uid);
    });
  }

  /**
   * One scheduling attempt. Returns after how long to try again when the pod stays unschedulable
   * (it is also retried whenever it changes), or the bound pod once this attempt bound it.
   */
  schedule(pod: PodObject, nodeName: string, now: Date, retryMs: number): { requeueAfterMs?: number; bound?: PodObject } {
    if (pod.spec?.nodeName) return {};
    const node = tryGetShared(this.api, 'Node', undefined, nodeName);
    const fit: FitResult = node ? findFit(pod, node as NodeObject, [...this.assigned.values()]) : { fits: true };
    const uid = pod.metadata.uid!;
    if (fit.fits) {
      this.recorded.delete(uid);
      const bound = bindPod(this.api, this.recorder, pod, nodeName);
      if (!bound) return {};
      const boundPod = asKind('Pod', bound);
      this.assume(boundPod);
      return { bound: boundPod };
    }
    const last = this.recorded.get(uid);
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
    const due = !last || last.message !== fit.message || now.getTime() - last.at >= UNSCHEDULABLE_RETRY_MS || cond?.message !== fit.message;
    if (due) {
      markUnschedulable(this.api, this.recorder, pod, fit.message, now);
      this.recorded.set(uid, { message: fit.message, at: now.getTime() });
    }
    const at = this.recorded.get(uid)!.at;
    return { requeueAfterMs: Math.max(0, Math.min(retryMs, at + UNSCHEDULABLE_RETRY_MS - now.getTime())) };
  }
}

/** PodScheduled=False/Unschedulable with the message (podutil.UpdatePodCondition), and the FailedScheduling event. */
function markUnschedulable(api: APIServer, recorder: EventRecorder, pod: PodObject, message: string, now: Date): KObject {
  const next: PodObject = structuredClone(pod);
  const status = { ...(next.status ?? {}) };
  const conditions: PodConditionWire[] = [...(status.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === 'PodScheduled');
  const prev = i >= 0 ? conditions[i] : undefined;
  const cond: PodConditionWire = {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: prev?.status === 'False' ? prev.lastTransitionTime : rfc3339(now),
    reason: 'Unschedulable',
    message,
  };
  if (i >= 0) conditions[i] = cond;
  else conditions.push(cond);
  status.conditions = conditions;
  if (!status.phase) status.phase = 'Pending';
  next.status = status;
  const out = api.updateStatus(PODS, pod.metadata.namespace, pod.metadata.name!, next).object;
  recorder.event(out, 'Warning', 'FailedScheduling', message);
  return out;
}

/** Binds pod to nodeName through pods/binding (spec.nodeName, condition PodScheduled=True) and
 * records Scheduled. Returns the bound pod, or undefined when it was already bound. Throws the
 * apiserver's Conflict like any write. */
export function bindPod(api: APIServer, recorder: EventRecorder, pod: PodObject, nodeName: string): KObject | undefined {
  if (pod.spec?.nodeName) return undefined;
  const binding = {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  };
  // The bound pod is only read (the kubelet's sync goes on with it, frozen, as with every pod it reads).
  const out = api.create(PODS, pod.metadata.namespace, binding, { subresource: 'binding', readOnlyResult: true }).object;
  recorder.event(out, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`);
  return out;
}
