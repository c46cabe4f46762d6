// The endpoints controller, one sync over a test apiserver: a Service, a ready pod, a pod that is
// not ready, a finished one and one of another app; then the Service deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI } from '../../apiserver/testing.js';
import { resource, tryGet } from '../../client/client.js';
import { EndpointsController } from './endpoints_controller.js';
import { addPod, serviceManifest } from './testing.js';

const SVC = resource('Service');

test('one sync: ready pods in addresses, not ready in notReadyAddresses, finished and unselected left out; labels and the trigger time', () => {
  const t = openTestAPI('ep');
  try {
    t.api.create(SVC, 'default', serviceManifest());
    const ready = addPod(t, 'web-a', '10.1.0.2', true, { hostname: 'a', subdomain: 'web' });
    const unready = addPod(t, 'web-b', '10.1.0.3', false);
    addPod(t, 'web-done', '10.1.0.4', true, { phase: 'Succeeded' });
    addPod(t, 'other', '10.1.0.5', true, { labels: { app: 'other' } });
    const c = new EndpointsController({ api: t.api });
    c.syncService('default/web');
    const ep = t.api.get(resource('Endpoints'), 'default', 'web');
    assert.deepEqual(ep.metadata.labels, { tier: 'front' });
    assert.equal(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'] !== undefined, true);
    assert.deepEqual(ep.subsets, [{
      addresses: [{ ip: '10.1.0.2', hostname: 'a', nodeName: 'kjob-node', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: ready.metadata.uid } }],
      notReadyAddresses: [{ ip: '10.1.0.3', nodeName: 'kjob-node', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-b', uid: unready.metadata.uid } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
    // Idempotent: nothing changed, nothing written.
    const rv = ep.metadata.resourceVersion;
    c.syncService('default/web');
    assert.equal(t.api.get(resource('Endpoints'), 'default', 'web').metadata.resourceVersion, rv);
    // The Service gone: its Endpoints go.
    t.api.delete(SVC, 'default', 'web');
    c.syncService('default/web');
    assert.equal(tryGet(t.api, 'Endpoints', 'default', 'web'), undefined);
  } finally {
    t.dispose();
  }
});

test('a Service without a selector keeps the Endpoints its user wrote', () => {
  const t = openTestAPI('ep2');
  try {
    t.api.create(SVC, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { ports: [{ port: 80 }] } });
    t.api.create(resource('Endpoints'), 'default', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] });
    new EndpointsController({ api: t.api }).syncService('default/ext');
    const ep = t.api.get(resource('Endpoints'), 'default', 'ext');
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
  } finally {
    t.dispose();
  }
});
