import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTable } from './table.js';

const ready = [{ type: 'Ready', status: 'True' }];
const pod = (name: string, ip: string, labels: Record<string, string>, extra: any = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra.spec },
  status: { phase: 'Running', podIP: ip, conditions: ready, ...extra.status },
}) as any;

test('a ClusterIP Service: its name resolves to the ClusterIP, its port goes to ready pods (named targetPort)', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'queue', namespace: 'default' }, spec: { clusterIP: '10.96.1.2', selector: { app: 'q' }, ports: [{ port: 8080, targetPort: 'http', protocol: 'TCP' }] } } as any;
  const t = buildTable([svc], [
    pod('a', '10.244.0.2', { app: 'q' }),
    pod('b', '10.244.0.3', { app: 'q' }, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }),
    pod('c', '10.244.0.4', { app: 'other' }),
  ]);
  assert.deepEqual(t.dns['queue.default.svc.cluster.local'], ['10.96.1.2']);
  assert.deepEqual(t.services, [{ ip: '10.96.1.2', port: 8080, protocol: 'TCP', service: 'default/queue', backends: [{ ip: '10.244.0.2', port: 8080 }] }]);
});

test('a headless Service resolves to its pods, and <hostname>.<subdomain> to each pod', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless-svc', namespace: 'default' }, spec: { clusterIP: 'None', selector: { 'job-name': 'j' } } } as any;
  const t = buildTable([svc], [
    pod('j-0', '10.244.0.2', { 'job-name': 'j' }, { spec: { hostname: 'j-0', subdomain: 'headless-svc' } }),
    pod('j-1', '10.244.0.3', { 'job-name': 'j' }, { spec: { hostname: 'j-1', subdomain: 'headless-svc' } }),
  ]);
  assert.deepEqual(t.dns['headless-svc.default.svc.cluster.local'], ['10.244.0.2', '10.244.0.3']);
  assert.deepEqual(t.dns['j-1.headless-svc.default.svc.cluster.local'], ['10.244.0.3']);
  assert.deepEqual(t.services, []);
});

test('a pod that succeeded under a subdomain keeps its name while it exists; one that failed does not', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h', namespace: 'default' }, spec: { clusterIP: 'None', selector: { j: 'x' } } } as any;
  const t = buildTable([svc], [
    pod('x-0', '10.244.0.2', { j: 'x' }, { spec: { hostname: 'x-0', subdomain: 'h' }, status: { phase: 'Succeeded', conditions: [] } }),
    pod('x-1', '10.244.0.3', { j: 'x' }, { spec: { hostname: 'x-1', subdomain: 'h' }, status: { phase: 'Failed', conditions: [] } }),
  ]);
  assert.deepEqual(t.dns['x-0.h.default.svc.cluster.local'], ['10.244.0.2']);
  assert.equal(t.dns['x-1.h.default.svc.cluster.local'], undefined);
  assert.deepEqual(t.dns['h.default.svc.cluster.local'], []);
});
