// Fixtures of the endpoints and endpointslice controllers' tests: a Service and its pods.
import type { openTestAPI } from '../../apiserver/testing.js';
import { resource } from '../../client/client.js';
import type { KObject } from '../../api/types.js';

const PODS = resource('Pod');

export function addPod(t: ReturnType<typeof openTestAPI>, name: string, ip: string, ready: boolean, extra: { labels?: Record<string, string>; phase?: string; hostname?: string; subdomain?: string } = {}): KObject {
  const p = t.api.create(PODS, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels: extra.labels ?? { app: 'web' } },
    spec: { restartPolicy: 'Never', nodeName: 'kjob-node', hostname: extra.hostname, subdomain: extra.subdomain, containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] },
  }).object;
  return t.api.updateStatus(PODS, 'default', name, {
    ...p,
    status: { phase: extra.phase ?? 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:0' + ip.slice(-1) + 'Z' }] },
  }).object;
}

export const serviceManifest = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra },
});

