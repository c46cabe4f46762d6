// The ReplicaSet controller, one sync at a time over a test apiserver (pods made ready by hand,
// as the kubelet would): creates, adoption, release, ranked deletes, status and events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI } from '../../apiserver/testing.js';
import { resource, listItems } from '../../client/client.js';
import { rfc3339, type KObject } from '../../api/types.js';
import { ReplicaSetController, rankPodsForDeletion } from './replica_set.js';

const RS = resource('ReplicaSet');
const PODS = resource('Pod');

const rsManifest = (replicas: number, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'queue' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'queue' } },
    template: { metadata: { labels: { app: 'queue' } }, spec: { containers: [{ name: 'q', image: 'kuard' }] } },
    ...extra,
  },
});

function makeReady(t: ReturnType<typeof openTestAPI>, pod: KObject): void {
  const now = rfc3339(t.clock.now());
  t.api.updateStatus(PODS, 'default', pod.metadata.name!, {
    ...pod,
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] },
  });
}

test('creates the missing pods with owner references and SuccessfulCreate events; status counts them', () => {
  const t = openTestAPI('rs');
  try {
    const c = new ReplicaSetController({ api: t.api, clock: t.clock });
    t.api.create(RS, 'default', rsManifest(3));
    c.syncReplicaSet('default/queue');
    const pods = listItems(t.api, 'Pod', 'default');
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name!, /^queue-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata.labels, { app: 'queue' });
      assert.equal(p.metadata.ownerReferences?.[0].kind, 'ReplicaSet');
      assert.equal(p.metadata.ownerReferences?.[0].controller, true);
    }
    const events = listItems(t.api, 'Event', 'default').map((e) => `${e.reason} ${e.message}`);
    assert.deepEqual(events.sort(), pods.map((p) => `SuccessfulCreate Created pod: ${p.metadata.name}`).sort());
    let rs = t.api.get(RS, 'default', 'queue');
    assert.deepEqual(rs.status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    makeReady(t, pods[0]);
    c.syncReplicaSet('default/queue');
    rs = t.api.get(RS, 'default', 'queue');
    assert.deepEqual(rs.status, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
  } finally {
    t.dispose();
  }
});

test('availability waits for minReadySeconds and the sync asks to be requeued then', () => {
  const t = openTestAPI('rs');
  try {
    const c = new ReplicaSetController({ api: t.api, clock: t.clock });
    t.api.create(RS, 'default', rsManifest(1, { minReadySeconds: 10 }));
    c.syncReplicaSet('default/queue');
    makeReady(t, listItems(t.api, 'Pod', 'default')[0]);
    const r = c.syncReplicaSet('default/queue');
    assert.equal(t.api.get(RS, 'default', 'queue').status.availableReplicas, undefined);
    assert.equal(r.requeueAfterMs, 10_001);
    t.clock.step(11_000);
    c.syncReplicaSet('default/queue');
    assert.equal(t.api.get(RS, 'default', 'queue').status.availableReplicas, 1);
  } finally {
    t.dispose();
  }
});

test('adopts a matching orphan, releases a pod whose labels changed, deletes not-ready pods first', () => {
  const t = openTestAPI('rs');
  try {
    const c = new ReplicaSetController({ api: t.api, clock: t.clock });
    t.api.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'queue' } }, spec: { containers: [{ name: 'q', image: 'kuard' }] } });
    t.api.create(RS, 'default', rsManifest(2));
    c.syncReplicaSet('default/queue');
    assert.equal(t.api.get(PODS, 'default', 'orphan').metadata.ownerReferences?.[0].name, 'queue');
    assert.equal(listItems(t.api, 'Pod', 'default').length, 2);
    // release
    t.api.patch(PODS, 'default', 'orphan', 'merge', { metadata: { labels: { app: 'other' } } });
    c.syncReplicaSet('default/queue');
    assert.equal(t.api.get(PODS, 'default', 'orphan').metadata.ownerReferences, undefined);
    const owned = listItems(t.api, 'Pod', 'default').filter((p) => p.metadata.ownerReferences);
    assert.equal(owned.length, 2);
    // scale down to 1: the pod that is not ready goes
    makeReady(t, owned[0]);
    t.api.patch(RS, 'default', 'queue', 'merge', { spec: { replicas: 1 } });
    c.syncReplicaSet('default/queue');
    assert.equal(tryName(t, owned[1].metadata.name!), 'deleted');
    assert.equal(tryName(t, owned[0].metadata.name!), 'kept');
    assert.ok(listItems(t.api, 'Event', 'default').some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted pod: ${owned[1].metadata.name}`));
  } finally {
    t.dispose();
  }
});

function tryName(t: ReturnType<typeof openTestAPI>, name: string): string {
  try {
    return t.api.get(PODS, 'default', name).metadata.deletionTimestamp ? 'deleted' : 'kept';
  } catch {
    return 'deleted';
  }
}

test('ranking: unscheduled, pending, not ready, then more restarts, then newer', () => {
  const mk = (name: string, o: { node?: string; phase?: string; ready?: boolean; restarts?: number; created?: string }): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, uid: name, creationTimestamp: o.created ?? '2026-11-23T11:00:00Z' },
    spec: { nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-23T11:00:00Z' }] : [],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  });
  const pods = [
    mk('ready-old', { node: 'n', ready: true }),
    mk('restarts', { node: 'n', restarts: 3 }),
    mk('unscheduled', { phase: 'Pending' }),
    mk('pending', { node: 'n', phase: 'Pending' }),
    mk('notready', { node: 'n' }),
  ];
  const order = rankPodsForDeletion(pods, new Map(), new Date('2026-11-23T12:00:00Z')).map((p) => p.metadata.name);
  assert.deepEqual(order, ['unscheduled', 'pending', 'restarts', 'notready', 'ready-old']);
});
