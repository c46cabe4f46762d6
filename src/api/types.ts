// The objects kjob stores are plain Kubernetes objects as the apiserver returns them
// (JSON-compatible, defaults applied). kubernetes-types gives the exact shapes; KObject is the
// common envelope the store, printers and controllers pass around.
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { DeploymentSpec, DeploymentStatus, ReplicaSetSpec, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Job, CronJob, JobSpec, JobStatus, JobCondition, CronJobSpec, CronJobStatus, PodFailurePolicy, PodFailurePolicyRule, SuccessPolicy } from 'kubernetes-types/batch/v1.js';
import type {
  Pod,
  Service,
  ServiceSpec,
  ServiceStatus,
  ServicePort,
  Namespace,
  NamespaceSpec,
  NamespaceStatus,
  Node,
  NodeSpec,
  NodeStatus,
  Event,
  Container,
  ContainerStatus,
  ContainerState,
  PodSpec,
  PodStatus,
  PodCondition,
  PodTemplateSpec,
  ConfigMap,
  Secret,
  ServiceAccount,
  ObjectReference,
  Toleration,
  Volume,
  EnvVar,
} from 'kubernetes-types/core/v1.js';
import { twoDigits } from '../util/go.js';

export type {
  ObjectMeta,
  OwnerReference,
  Job,
  CronJob,
  JobSpec,
  JobStatus,
  JobCondition,
  CronJobSpec,
  CronJobStatus,
  PodFailurePolicy,
  PodFailurePolicyRule,
  SuccessPolicy,
  Pod,
  Service,
  ServiceSpec,
  ServiceStatus,
  ServicePort,
  Namespace,
  NamespaceSpec,
  NamespaceStatus,
  Node,
  NodeSpec,
  NodeStatus,
  Event,
  Container,
  ContainerStatus,
  ContainerState,
  PodSpec,
  PodStatus,
  PodCondition,
  PodTemplateSpec,
  ConfigMap,
  Secret,
  ServiceAccount,
  ObjectReference,
  Toleration,
  Volume,
  EnvVar,
};

/** Any stored object. metadata.name/namespace/uid/resourceVersion/creationTimestamp are set once stored. */
/** kubernetes-types marks server-set fields readonly; the apiserver and controllers here set them. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type MutableObjectMeta = Mutable<ObjectMeta>;

/**
 * The envelope of any stored object. Code that reads spec or status narrows the object to its
 * kind first (asKind, or a TypedObject parameter), so the compiler checks the field names against
 * kubernetes-types; here they are unknown.
 */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: MutableObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/**
 * A stored object of one kind, typed with kubernetes-types: the compiler checks the field names of
 * its spec and status. (A type alias, so that it is also a KObject.) Objects decoded by the
 * apiserver have these shapes; readers of what a state file holds go through readable() first.
 */
export type TypedObject<S, T> = {
  apiVersion: string;
  kind: string;
  metadata: MutableObjectMeta;
  spec?: S;
  status?: T;
};

/**
 * A pod condition as the apiserver serialises it: Go's zero metav1.Time marshals as null, which
 * kubernetes-types (string | undefined) cannot say.
 */
export type PodConditionWire = Omit<PodCondition, 'lastProbeTime'> & { lastProbeTime?: string | null };

export type JobObject = TypedObject<JobSpec, JobStatus>;
export type CronJobObject = TypedObject<CronJobSpec, CronJobStatus>;
/** A pod's status as stored and served: conditions as the apiserver serialises them. */
export type PodStatusWire = Omit<PodStatus, 'conditions'> & { conditions?: PodConditionWire[] };
export type PodObject = TypedObject<PodSpec, PodStatusWire>;
export type ServiceObject = TypedObject<ServiceSpec, ServiceStatus>;
export type DeploymentObject = TypedObject<DeploymentSpec, DeploymentStatus>;
export type ReplicaSetObject = TypedObject<ReplicaSetSpec, ReplicaSetStatus>;
export type NodeObject = TypedObject<NodeSpec, NodeStatus>;
export type NamespaceObject = TypedObject<NamespaceSpec, NamespaceStatus>;

/**
 * A stored object of a kind without spec/status (Event, ConfigMap, Secret, ServiceAccount): its
 * kubernetes-types fields, with the envelope every stored object has.
 */
export type FlatObject<T> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & {
  apiVersion: string;
  kind: string;
  metadata: MutableObjectMeta;
};
export type EventObject = FlatObject<Event>;
export type ConfigMapObject = FlatObject<ConfigMap>;
export type SecretObject = FlatObject<Secret>;
export type ServiceAccountObject = FlatObject<ServiceAccount>;
export type EndpointsObject = FlatObject<Endpoints>;
export type EndpointSliceObject = FlatObject<EndpointSlice>;

/** The kinds kjob stores. Event is written only by the engine (read-only to users). */
export type Kind = 'Job' | 'CronJob' | 'Deployment' | 'ReplicaSet' | 'Pod' | 'Service' | 'Endpoints' | 'EndpointSlice' | 'Namespace' | 'Node' | 'Event' | 'ConfigMap' | 'Secret' | 'ServiceAccount';

/** The typed object of each kind kjob stores. */
export interface KindObjects {
  Job: JobObject;
  CronJob: CronJobObject;
  Pod: PodObject;
  Service: ServiceObject;
  Namespace: NamespaceObject;
  Node: NodeObject;
  Event: EventObject;
  ConfigMap: ConfigMapObject;
  Secret: SecretObject;
  ServiceAccount: ServiceAccountObject;
  Deployment: DeploymentObject;
  ReplicaSet: ReplicaSetObject;
  Endpoints: EndpointsObject;
  EndpointSlice: EndpointSliceObject;
}

/** The typed object of a kind named by a literal; any other string gives the envelope. */
export type ObjectOf<K extends string> = K extends Kind ? KindObjects[K] : KObject;

/**
 * A served object seen as the typed object of its kind. Only for objects that come out of the
 * apiserver (decoded, or made readable()), whose fields have the types kubernetes-types gives.
 */
export function asKind<K extends string>(_kind: K, obj: KObject): ObjectOf<K> {
  return obj as ObjectOf<K>;
}

export const KINDS: readonly Kind[] = ['Namespace', 'Node', 'ServiceAccount', 'ConfigMap', 'Secret', 'Service', 'CronJob', 'Job', 'Deployment', 'ReplicaSet', 'Pod', 'Endpoints', 'EndpointSlice', 'Event'];

/** "namespace/name", the key work queues and caches use, as client-go's MetaNamespaceKeyFunc. */
export function keyOf(obj: { metadata: ObjectMeta }): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : `${obj.metadata.name}`;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The controller owner reference, as metav1.GetControllerOf. */
export function controllerOf(obj: { metadata: ObjectMeta }): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/**
 * The zero metav1.Time, which Go writes as null (`creationTimestamp: null` in what kubectl create
 * --dry-run prints and in a template's metadata): kubernetes-types has no null for a time, so the
 * one cast that says it is here.
 */
export const ZERO_TIME = null as unknown as string;

/**
 * RFC3339 with second precision, the way metav1.Time serialises. From the UTC fields rather
 * than toISOString(), whose first call in a process loads the local time zone (about 1 ms, in
 * every apply and create).
 */
export function rfc3339(d: Date): string {
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${String(y).padStart(4, '0')}-${twoDigits(d.getUTCMonth() + 1)}-${twoDigits(d.getUTCDate())}T${twoDigits(d.getUTCHours())}:${twoDigits(d.getUTCMinutes())}:${twoDigits(d.getUTCSeconds())}Z`;
}

/** Milliseconds since the epoch of an RFC3339 timestamp, or undefined for unset/zero. */
export function parseTime(ts: string | undefined | null): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return undefined;
  if (t === GO_ZERO_TIME_MS) return undefined;
  return t;
}

const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');
