// What the apiserver tells clients about itself: /version, the legacy discovery documents (/api,
// /apis, /api/v1, /apis/<group>/<version>) and aggregated discovery (apidiscovery.k8s.io/v2, which
// kubectl 1.32 asks for first), for the resources kjob serves.
import { RESOURCES, apiVersionOf, resourceCategories, resourceVerbs } from '../api/resources.js';
import { versionInfo } from '../util/version.js';
export { versionInfo };

/** Subresources the server serves, and their verbs. */
export const SUBRESOURCES: Record<string, Record<string, string[]>> = {
  pods: { ephemeralcontainers: ['get', 'patch', 'update'], log: ['get'], status: ['get', 'patch', 'update'] },
  jobs: { status: ['get', 'patch', 'update'] },
  cronjobs: { status: ['get', 'patch', 'update'] },
  deployments: { scale: ['get', 'patch', 'update'], status: ['get', 'patch', 'update'] },
  replicasets: { scale: ['get', 'patch', 'update'], status: ['get', 'patch', 'update'] },
  nodes: { status: ['get', 'patch', 'update'] },
  namespaces: { status: ['get', 'patch', 'update'] },
  services: { status: ['get', 'patch', 'update'] },
};

const verbsOf = resourceVerbs;

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';


const groups = (): string[] => [...new Set(RESOURCES.map((r) => r.group))].filter((g) => g !== '').sort();

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

export function apiGroupList(): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups().map((g) => ({ name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' } })),
  };
}

/** APIResourceList of a group version, or undefined if kjob serves none of it. */
export function apiResourceList(group: string, version: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const r of [...rs].sort((a, b) => a.resource.localeCompare(b.resource))) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsOf(r),
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(resourceCategories(r).length ? { categories: resourceCategories(r) } : {}),
    });
    for (const [sub, verbs] of Object.entries(SUBRESOURCES[r.resource] ?? {})) {
      const scale = sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {};
      resources.push({ name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, ...scale, kind: sub === 'log' ? 'Pod' : sub === 'scale' ? 'Scale' : r.kind, verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(rs[0]), resources };
}

function discoveryGroup(group: string): unknown {
  const rs = RESOURCES.filter((r) => r.group === group).sort((a, b) => a.resource.localeCompare(b.resource));
  return {
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: [
      {
        version: 'v1',
        resources: rs.map((r) => ({
          resource: r.resource,
          responseKind: { group, version: r.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: verbsOf(r),
          ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
          ...(resourceCategories(r).length ? { categories: resourceCategories(r) } : {}),
          ...(SUBRESOURCES[r.resource]
            ? {
                subresources: Object.entries(SUBRESOURCES[r.resource]).map(([sub, verbs]) => ({
                  subresource: sub,
                  responseKind:
                    sub === 'log' ? { group: '', version: '', kind: 'string' } : sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group, version: r.version, kind: r.kind },
                  verbs,
                })),
              }
            : {}),
        })),
        freshness: 'Current',
      },
    ],
  };
}

/** Aggregated discovery for /api (the core group) or /apis (every named group). */
export function aggregatedDiscovery(core: boolean): unknown {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: core ? [discoveryGroup('')] : groups().map(discoveryGroup),
  };
}
