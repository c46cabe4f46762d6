// pkg/controller/deployment/util (deployment_util.go) and pkg/controller/controller_utils.go's
// ComputeHash: revisions, replica annotations, surge and unavailability, the template hash.
import type { DeploymentObject, KObject, ReplicaSetObject } from '../../api/types.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { jsonEqual } from '../../util/canonical.js';
import { spewGoSyntax } from '../../util/spew.js';
import { formatQuantity, parseQuantity } from '../../api/quantity.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Annotations a Deployment does not copy to its ReplicaSets (skipCopyAnnotation). */
const SKIP_COPY = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** rand.SafeEncodeString's alphabet: no vowels, no confusable characters. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** FNV-1a, 32 bits (hash/fnv's New32a), of a string's UTF-8 bytes or of bytes. */
export function fnv32a(data: string | Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of typeof data === 'string' ? Buffer.from(data, 'utf8') : data) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * controller.ComputeHash: FNV-32a of hashutil.DeepHashObject's printing of the template (go-spew's
 * `%#v` of the v1.PodTemplateSpec Go struct, src/util/spew.ts), then, when the Deployment has a
 * collisionCount, its 4 little-endian bytes padded to 8; the sum in decimal, encoded with
 * SafeEncodeString. The template is the Deployment's, defaulted by the apiserver, without the
 * pod-template-hash label. Checked against a cluster's names: seed 004's two Deployments
 * (nginx-67f9b78699, nginx-5bdd68b495) with the Go types of Kubernetes 1.28 (src/util/spew.test.ts);
 * kjob prints with v1.32's, whose PodSpec has more fields, so its names are v1.32's.
 */
export function computeHash(template: unknown, collisionCount?: number | null): string {
  let data = Buffer.from(spewGoSyntax('core.PodTemplateSpec', template ?? {}, { canonicalQuantity }), 'utf8');
  if (collisionCount != null) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0);
    data = Buffer.concat([data, b]);
  }
  return safeEncodeString(String(fnv32a(data)));
}

function canonicalQuantity(s: string): string {
  const q = parseQuantity(s);
  return q ? formatQuantity(q) : s;
}

/** A template without its pod-template-hash label (EqualIgnoreHash compares these). */
export function templateWithoutHash(t: PodTemplateSpec | undefined): unknown {
  const c: PodTemplateSpec = structuredClone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  return c;
}

export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return jsonEqual(templateWithoutHash(a), templateWithoutHash(b));
}

export function revisionOf(rs: KObject): number {
  const v = parseInt(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isFinite(v) ? v : 0;
}

export function maxRevision(rss: KObject[]): number {
  return Math.max(0, ...rss.map(revisionOf));
}

/** intstrutil.GetScaledValueFromIntOrPercent */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) {
    const x = (parseInt(v, 10) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return parseInt(v, 10);
  return 0;
}

const isRolling = (d: DeploymentObject) => d.spec?.strategy?.type === 'RollingUpdate';
const replicas = (o: DeploymentObject | ReplicaSetObject): number => o.spec?.replicas ?? 1;

/** ResolveFenceposts: surge rounds up, unavailability down; both 0 means one unavailable. */
export function resolveFenceposts(d: DeploymentObject): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const desired = replicas(d);
  const surge = scaledValue(ru.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: DeploymentObject): number {
  return isRolling(d) ? resolveFenceposts(d)[0] : 0;
}

export function maxUnavailable(d: DeploymentObject): number {
  if (!isRolling(d) || replicas(d) === 0) return 0;
  return Math.min(resolveFenceposts(d)[1], replicas(d));
}

export const specReplicas = (rss: (ReplicaSetObject | undefined)[]) => rss.reduce((n, rs) => n + (rs ? replicas(rs) : 0), 0);
export const statusReplicas = (rss: (ReplicaSetObject | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: (ReplicaSetObject | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: (ReplicaSetObject | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/** NewRSNewReplicas: how many replicas the new ReplicaSet may have now. */
export function newRSNewReplicas(d: DeploymentObject, all: ReplicaSetObject[], newRS: ReplicaSetObject): number {
  if (!isRolling(d)) return replicas(d);
  const current = specReplicas(all);
  const maxTotal = replicas(d) + maxSurge(d);
  if (current >= maxTotal) return replicas(newRS);
  const up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
  return replicas(newRS) + up;
}

/** SetReplicasAnnotations: desired-replicas and max-replicas; true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSetObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations = rs.metadata.annotations ?? {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSetObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** SetNewReplicaSetAnnotations: the Deployment's annotations, the revision (and its history on a roll back). */
export function setNewReplicaSetAnnotations(d: DeploymentObject, rs: ReplicaSetObject, newRevision: number, exists: boolean): boolean {
  let changed = false;
  const a = (rs.metadata.annotations = rs.metadata.annotations ?? {});
  for (const [k, v] of Object.entries<string>(d.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[REVISION_ANNOTATION];
  const had = oldRevision !== undefined;
  let oldInt = 0;
  if (had) {
    oldInt = parseInt(oldRevision, 10);
    if (!Number.isFinite(oldInt)) {
      if (oldRevision !== '') return false;
      oldInt = 0;
    }
  }
  if (oldInt < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (had) {
      const hist = a[REVISION_HISTORY_ANNOTATION];
      a[REVISION_HISTORY_ANNOTATION] = hist ? `${hist},${oldRevision}` : oldRevision;
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** GetProportion: a ReplicaSet's share of a scaling during a rollout. */
export function proportion(rs: ReplicaSetObject, d: DeploymentObject, toAdd: number, added: number): number {
  if (replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicas(d) === 0) fraction = -replicas(rs);
  else {
    const dReplicas = replicas(d) + maxSurge(d);
    const annotated = parseInt(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] ?? '', 10);
    const base = Number.isFinite(annotated) ? annotated : (d.status?.replicas ?? 0);
    fraction = Math.round((replicas(rs) * dReplicas) / base) - replicas(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

const created = (o: KObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: KObject, b: KObject): number {
  return created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
}
