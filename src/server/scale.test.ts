// The scale subresource kubectl scale reads and writes through `kjob serve`.
import { test, afterEach, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, type TestAPI } from '../apiserver/testing.js';
import { resourceForKind } from '../api/resources.js';
import { serveScale } from './scale.js';

let t: TestAPI;
beforeEach(() => {
  t = openTestAPI('scale');
});
afterEach(() => t.dispose());

const DEPLOYMENTS = resourceForKind('Deployment')!;
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
};

test('a scale PATCH sets spec.replicas; a dry run (kubectl scale --dry-run=server) answers the same and stores nothing', () => {
  t.api.create(DEPLOYMENTS, 'default', deployment);
  const dry = serveScale(t.api, DEPLOYMENTS, 'default', 'web', 'PATCH', { spec: { replicas: 3 } }, true);
  assert.deepEqual(dry.spec, { replicas: 3 });
  assert.equal(t.api.get(DEPLOYMENTS, 'default', 'web').spec.replicas, 0, 'nothing stored');
  const real = serveScale(t.api, DEPLOYMENTS, 'default', 'web', 'PATCH', { spec: { replicas: 2 } });
  assert.deepEqual(real.spec, { replicas: 2 });
  assert.equal(t.api.get(DEPLOYMENTS, 'default', 'web').spec.replicas, 2);
  assert.deepEqual(serveScale(t.api, DEPLOYMENTS, 'default', 'web', 'GET', undefined).status, { replicas: 0, selector: 'app=web' });
});
