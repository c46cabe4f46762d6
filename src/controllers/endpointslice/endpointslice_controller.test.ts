// The endpointslice controller, one sync over a test apiserver: the slice's name, labels, owner,
// ports and endpoint conditions; idempotence; readiness followed; the placeholder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI } from '../../apiserver/testing.js';
import { resource, listItems } from '../../client/client.js';
import { EndpointSliceController } from './endpointslice_controller.js';
import { addPod, serviceManifest } from '../endpoint/testing.js';

const SVC = resource('Service');
const PODS = resource('Pod');

test('one slice per Service: generated name, labels, owner reference, ports, endpoints with conditions', () => {
  const t = openTestAPI('eps');
  try {
    const svc = t.api.create(SVC, 'default', serviceManifest()).object;
    const a = addPod(t, 'web-a', '10.1.0.2', true);
    const b = addPod(t, 'web-b', '10.1.0.3', false);
    const c = new EndpointSliceController({ api: t.api });
    c.syncService('default/web');
    const slices = listItems(t.api, 'EndpointSlice', 'default');
    assert.equal(slices.length, 1);
    const s = slices[0];
    assert.match(s.metadata.name!, /^web-[a-z0-9]{5}$/);
    assert.deepEqual(s.metadata.labels, { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(s.endpoints, [
      { addresses: ['10.1.0.2'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: a.metadata.uid }, nodeName: 'kjob-node' },
      { addresses: ['10.1.0.3'], conditions: { ready: false, serving: false, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'web-b', uid: b.metadata.uid }, nodeName: 'kjob-node' },
    ]);
    const rv = s.metadata.resourceVersion;
    c.syncService('default/web');
    assert.equal(listItems(t.api, 'EndpointSlice', 'default')[0].metadata.resourceVersion, rv);
    // web-a stops being ready: its endpoint follows, in the same slice.
    const cur = t.api.get(PODS, 'default', 'web-a');
    t.api.updateStatus(PODS, 'default', 'web-a', { ...cur, status: { ...cur.status, conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:01:00Z' }] } });
    c.syncService('default/web');
    const after = listItems(t.api, 'EndpointSlice', 'default');
    assert.equal(after.length, 1);
    assert.equal(after[0].metadata.name, s.metadata.name);
    assert.deepEqual(after[0].endpoints[0].conditions, { ready: false, serving: false, terminating: false });
    assert.equal(after[0].metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2026-01-01T00:01:00Z');
  } finally {
    t.dispose();
  }
});

test('no pods: the placeholder slice, without ports or endpoints', () => {
  const t = openTestAPI('eps2');
  try {
    t.api.create(SVC, 'default', serviceManifest());
    new EndpointSliceController({ api: t.api }).syncService('default/web');
    const [s] = listItems(t.api, 'EndpointSlice', 'default');
    assert.equal(s.endpoints ?? null, null);
    assert.equal(s.ports ?? null, null);
  } finally {
    t.dispose();
  }
});
