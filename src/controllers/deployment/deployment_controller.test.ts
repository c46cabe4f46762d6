// The Deployment controller over a test apiserver, with the ReplicaSet controller beside it and
// pods made ready by hand: the first ReplicaSet, a rolling update step by step, Recreate, scaling,
// revisions and conditions; the hash helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI } from '../../apiserver/testing.js';
import { resource, listItems } from '../../client/client.js';
import { rfc3339 } from '../../api/types.js';
import { ReplicaSetController } from '../replicaset/replica_set.js';
import { DeploymentController } from './deployment_controller.js';
import { computeHash, fnv32a, safeEncodeString, resolveFenceposts } from './util.js';

const DEPLOY = resource('Deployment');
const PODS = resource('Pod');

const manifest = (image: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image }] } },
    ...extra,
  },
});

function world() {
  const t = openTestAPI('deploy');
  const rsc = new ReplicaSetController({ api: t.api, clock: t.clock });
  const dc = new DeploymentController({ api: t.api, clock: t.clock });
  /** Every pod ready (the kubelet's part), terminating pods gone; then both controllers until nothing changes. */
  const settle = (readyPods = true) => {
    for (let i = 0; i < 20; i++) {
      const before = t.store.currentRV();
      for (const p of listItems(t.api, 'Pod', 'default')) {
        if (p.metadata.deletionTimestamp) t.api.delete(PODS, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
        else if (readyPods && p.status?.phase !== 'Running')
          t.api.updateStatus(PODS, 'default', p.metadata.name!, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(t.clock.now()) }] } });
      }
      for (const rs of listItems(t.api, 'ReplicaSet', 'default')) rsc.syncReplicaSet(`default/${rs.metadata.name}`);
      dc.syncDeployment('default/nginx');
      if (t.store.currentRV() === before) return;
    }
  };
  const scaling = () => listItems(t.api, 'Event', 'default').filter((e) => e.reason === 'ScalingReplicaSet').map((e) => String(e.message).replace(/nginx-[a-z0-9]+/g, 'RS'));
  return { t, settle, scaling };
}

test('a new Deployment: one ReplicaSet named by the template hash, revision 1, complete', () => {
  const { t, settle } = world();
  try {
    t.api.create(DEPLOY, 'default', manifest('nginx:1.25'));
    settle();
    const [rs] = listItems(t.api, 'ReplicaSet', 'default');
    const hash = rs.metadata.labels!['pod-template-hash'];
    assert.equal(rs.metadata.name, `nginx-${hash}`);
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    assert.deepEqual(rs.spec.selector.matchLabels, { app: 'nginx', 'pod-template-hash': hash });
    assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata.annotations!['deployment.kubernetes.io/max-replicas'], '4');
    for (const p of listItems(t.api, 'Pod', 'default')) assert.ok(p.metadata.name!.startsWith(`nginx-${hash}-`));
    const d = t.api.get(DEPLOY, 'default', 'nginx');
    assert.equal(d.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual(
      d.status.conditions.map((c: { type: string; reason: string; message: string }) => `${c.type} ${c.reason} ${c.message}`),
      ['Available MinimumReplicasAvailable Deployment has minimum availability.', `Progressing NewReplicaSetAvailable ReplicaSet "${rs.metadata.name}" has successfully progressed.`],
    );
    assert.equal(d.status.replicas, 3);
    assert.equal(d.status.availableReplicas, 3);
  } finally {
    t.dispose();
  }
});

test('RollingUpdate with 25%/25% of 3: one surge, one unavailable at a time', () => {
  const { t, settle, scaling } = world();
  try {
    t.api.create(DEPLOY, 'default', manifest('nginx:1.25'));
    settle();
    const d = t.api.get(DEPLOY, 'default', 'nginx');
    t.api.update(DEPLOY, 'default', 'nginx', { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ ...d.spec.template.spec.containers[0], image: 'nginx:1.26' }] } } } });
    settle();
    assert.deepEqual(scaling(), [
      'Scaled up replica set RS from 0 to 3',
      'Scaled up replica set RS from 0 to 1',
      'Scaled down replica set RS from 3 to 2',
      'Scaled up replica set RS from 1 to 2',
      'Scaled down replica set RS from 2 to 1',
      'Scaled up replica set RS from 2 to 3',
      'Scaled down replica set RS from 1 to 0',
    ]);
    const rss = listItems(t.api, 'ReplicaSet', 'default');
    assert.deepEqual(rss.map((r) => [r.spec.replicas, r.metadata.annotations!['deployment.kubernetes.io/revision']]).sort(), [[0, '1'], [3, '2']]);
    assert.equal(t.api.get(DEPLOY, 'default', 'nginx').metadata.annotations!['deployment.kubernetes.io/revision'], '2');
  } finally {
    t.dispose();
  }
});

test('Recreate: the old ReplicaSet goes to 0 and its pods away before the new one scales up', () => {
  const { t, settle, scaling } = world();
  try {
    t.api.create(DEPLOY, 'default', manifest('nginx:1.25', { strategy: { type: 'Recreate' } }));
    settle();
    const d = t.api.get(DEPLOY, 'default', 'nginx');
    t.api.update(DEPLOY, 'default', 'nginx', { ...d, spec: { ...d.spec, template: { ...d.spec.template, metadata: { labels: { app: 'nginx', v: '2' } } } } });
    settle();
    assert.deepEqual(scaling(), ['Scaled up replica set RS from 0 to 3', 'Scaled down replica set RS from 3 to 0', 'Scaled up replica set RS from 0 to 3']);
  } finally {
    t.dispose();
  }
});

test('scaling a Deployment scales its ReplicaSet', () => {
  const { t, settle, scaling } = world();
  try {
    t.api.create(DEPLOY, 'default', manifest('nginx:1.25'));
    settle();
    t.api.patch(DEPLOY, 'default', 'nginx', 'merge', { spec: { replicas: 5 } });
    settle();
    t.api.patch(DEPLOY, 'default', 'nginx', 'merge', { spec: { replicas: 1 } });
    settle();
    assert.deepEqual(scaling(), ['Scaled up replica set RS from 0 to 3', 'Scaled up replica set RS from 3 to 5', 'Scaled down replica set RS from 5 to 1']);
    assert.equal(listItems(t.api, 'Pod', 'default').length, 1);
  } finally {
    t.dispose();
  }
});

test('hash helpers: FNV-32a, SafeEncodeString, stable and collision-sensitive', () => {
  assert.equal(fnv32a(''), 0x811c9dc5);
  assert.equal(fnv32a('a'), 0xe40c292c);
  assert.equal(fnv32a('foobar'), 0xbf9cf968);
  // SafeEncodeString maps each byte of the decimal string into its 27-letter alphabet.
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  const tpl = { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };
  assert.equal(computeHash(tpl), computeHash(structuredClone(tpl)));
  assert.notEqual(computeHash(tpl), computeHash(tpl, 1));
  assert.deepEqual(resolveFenceposts({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: { replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } } }), [1, 0]);
});
