// What apiserver discovery tells kubectl: resource names, short names, groups, scope.
import type { Kind } from './types.js';

export interface ResourceInfo {
  kind: Kind;
  /** plural resource name, e.g. "jobs" */
  resource: string;
  singular: string;
  shortNames: string[];
  group: string; // "" for core
  version: string;
  namespaced: boolean;
}

export const RESOURCES: readonly ResourceInfo[] = [
  { kind: 'Pod', resource: 'pods', singular: 'pod', shortNames: ['po'], group: '', version: 'v1', namespaced: true },
  { kind: 'Service', resource: 'services', singular: 'service', shortNames: ['svc'], group: '', version: 'v1', namespaced: true },
  { kind: 'Endpoints', resource: 'endpoints', singular: 'endpoints', shortNames: ['ep'], group: '', version: 'v1', namespaced: true },
  { kind: 'Event', resource: 'events', singular: 'event', shortNames: ['ev'], group: '', version: 'v1', namespaced: true },
  { kind: 'ConfigMap', resource: 'configmaps', singular: 'configmap', shortNames: ['cm'], group: '', version: 'v1', namespaced: true },
  { kind: 'Secret', resource: 'secrets', singular: 'secret', shortNames: [], group: '', version: 'v1', namespaced: true },
  { kind: 'ServiceAccount', resource: 'serviceaccounts', singular: 'serviceaccount', shortNames: ['sa'], group: '', version: 'v1', namespaced: true },
  { kind: 'Namespace', resource: 'namespaces', singular: 'namespace', shortNames: ['ns'], group: '', version: 'v1', namespaced: false },
  { kind: 'Node', resource: 'nodes', singular: 'node', shortNames: ['no'], group: '', version: 'v1', namespaced: false },
  { kind: 'Job', resource: 'jobs', singular: 'job', shortNames: [], group: 'batch', version: 'v1', namespaced: true },
  { kind: 'CronJob', resource: 'cronjobs', singular: 'cronjob', shortNames: ['cj'], group: 'batch', version: 'v1', namespaced: true },
  { kind: 'Deployment', resource: 'deployments', singular: 'deployment', shortNames: ['deploy'], group: 'apps', version: 'v1', namespaced: true },
  { kind: 'ReplicaSet', resource: 'replicasets', singular: 'replicaset', shortNames: ['rs'], group: 'apps', version: 'v1', namespaced: true },
  { kind: 'EndpointSlice', resource: 'endpointslices', singular: 'endpointslice', shortNames: [], group: 'discovery.k8s.io', version: 'v1', namespaced: true },
];

/** Resolve a command-line type as kubectl's RESTMapper does: pods, pod, po, jobs.batch, jobs.v1.batch. */
export function resolveResource(arg: string): ResourceInfo | undefined {
  const a = arg.toLowerCase();
  for (const r of RESOURCES) {
    const names = [r.resource, r.singular, ...r.shortNames];
    if (names.includes(a)) return r;
    if (r.group) {
      if (a === `${r.resource}.${r.group}` || a === `${r.singular}.${r.group}`) return r;
      if (a === `${r.resource}.${r.version}.${r.group}` || a === `${r.singular}.${r.version}.${r.group}`) return r;
    } else if (a === `${r.resource}.${r.version}` || a === `${r.singular}.${r.version}`) {
      return r;
    }
  }
  return undefined;
}

export function resourceForKind(kind: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

/** "jobs.batch" or "pods": how Status messages name a resource. */
export function groupResource(r: ResourceInfo): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** "job.batch" or "pod": the NamePrinter / mutation-message form (lower(kind)[.group]). */
export function kindGroup(r: ResourceInfo): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}

export function apiVersionOf(r: ResourceInfo): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The verbs discovery lists for a resource, as a v1.32 apiserver does (namespaces have no deletecollection). */
export function resourceVerbs(r: ResourceInfo): string[] {
  return r.kind === 'Namespace' ? ALL_VERBS.filter((v) => v !== 'deletecollection') : ALL_VERBS;
}

/** The categories discovery lists: `all` for what `kubectl get all` shows. */
export function resourceCategories(r: ResourceInfo): string[] {
  return ['pods', 'services', 'jobs', 'cronjobs', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'replicationcontrollers', 'horizontalpodautoscalers'].includes(r.resource) ? ['all'] : [];
}
