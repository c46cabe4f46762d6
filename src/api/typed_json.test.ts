// asTypedJSON: the apiserver's JSON as kubectl's typed clients print it after a Go round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asTypedJSON } from './typed_json.js';
import type { KObject } from './types.js';

test("fields in the Go struct's order, kind and apiVersion first, map keys sorted, unknown fields dropped", () => {
  const stored = {
    status: {},
    spec: {
      template: {
        spec: { terminationGracePeriodSeconds: 30, restartPolicy: 'Always', containers: [{ resources: {}, image: 'busybox', name: 'c', imagePullPolicy: 'Always' }] },
        metadata: { labels: { b: '2', a: '1' } },
      },
      replicas: 0,
      selector: { matchLabels: { a: '1' } },
      nope: true,
    },
    metadata: { generation: 1, uid: 'u', name: 'web', namespace: 'default', creationTimestamp: '2026-12-06T00:00:00Z' },
    apiVersion: 'apps/v1',
    kind: 'Deployment',
  } as unknown as KObject;
  const typed = asTypedJSON(stored);
  assert.equal(
    JSON.stringify(typed),
    JSON.stringify({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', namespace: 'default', uid: 'u', generation: 1, creationTimestamp: '2026-12-06T00:00:00Z' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { a: '1' } },
        // a value struct the answer lacked is written as Go's zero: {} (creationTimestamp: null)
        template: {
          metadata: { creationTimestamp: null, labels: { a: '1', b: '2' } },
          spec: { containers: [{ name: 'c', image: 'busybox', resources: {}, imagePullPolicy: 'Always' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30 },
        },
        strategy: {},
      },
      status: {},
    }),
  );
});

test('a kind the v1.32 table does not have is printed as it is', () => {
  const odd = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, z: 1, a: 2 } as unknown as KObject;
  assert.equal(asTypedJSON(odd), odd);
});
