// The scheduler's filters on one node, and one scheduling step against a store (no sleeps).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import { openTestAPI, type TestAPI } from '../apiserver/testing.js';
import { APIEventRecorder } from '../client/record.js';
import { EVENTS, NODES, PODS } from '../client/client.js';
import { findFit, Scheduler, UNSCHEDULABLE_RETRY_MS } from './scheduler.js';

const NOT_HELPFUL = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
const NO_VICTIMS = 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

function node(extra: { labels?: Record<string, string>; spec?: any; allocatable?: Record<string, string> } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'kjob-node', labels: { 'kubernetes.io/hostname': 'kjob-node', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', ...(extra.labels ?? {}) } },
    spec: extra.spec ?? {},
    status: { allocatable: extra.allocatable ?? { cpu: '2', memory: '4Gi', 'ephemeral-storage': '10Gi', pods: '110' } },
  };
}

function pod(name: string, spec: any = {}, extra: any = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra },
    spec: { containers: [{ name: 'c', image: 'busybox', ...(spec.container ?? {}) }], ...spec, container: undefined },
    status: { phase: extra.phase ?? 'Pending' },
  };
}

const msg = (r: ReturnType<typeof findFit>) => (r.fits ? 'fits' : r.message);

test('nodeSelector: matching labels fit; any other value or a missing label does not', () => {
  assert.equal(msg(findFit(pod('a', { nodeSelector: { 'kubernetes.io/os': 'linux' } }), node(), [])), 'fits');
  assert.equal(msg(findFit(pod('b', { nodeSelector: { disktype: 'ssd' } }), node(), [])), `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`);
  assert.equal(msg(findFit(pod('c', { nodeSelector: { disktype: 'ssd' } }), node({ labels: { disktype: 'ssd' } }), [])), 'fits');
});

test('required node affinity: terms ORed, expressions ANDed, In/NotIn/Exists/DoesNotExist/Gt/Lt, matchFields', () => {
  const aff = (...terms: any[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  const n = node({ labels: { cores: '8' } });
  const fits = (spec: any) => findFit(pod('p', spec), n, []).fits;
  assert.ok(fits(aff({ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }, { key: 'gpu', operator: 'DoesNotExist' }] })));
  assert.ok(!fits(aff({ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'NotIn', values: ['amd64'] }] })));
  assert.ok(fits(aff({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] })));
  assert.ok(!fits(aff({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] })));
  assert.ok(!fits(aff({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['x'] }] })), 'a bad number matches nothing');
  assert.ok(!fits(aff({})), 'an empty term matches nothing');
  assert.ok(fits(aff({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kjob-node'] }] })));
  assert.equal(
    msg(findFit(pod('p', aff({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['other'] }] })), n, [])),
    `0/1 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity]. ${NOT_HELPFUL}`,
  );
  assert.ok(!fits({ nodeSelector: { cores: '8' }, ...aff({ matchExpressions: [{ key: 'cores', operator: 'In', values: ['4'] }] }) }), 'nodeSelector and affinity must both match');
});

test('taints and tolerations; an unschedulable node', () => {
  const tainted = node({ spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] } });
  assert.equal(msg(findFit(pod('p'), tainted, [])), `0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. ${NOT_HELPFUL}`);
  assert.ok(findFit(pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), tainted, []).fits);
  assert.ok(findFit(pod('p', { tolerations: [{ operator: 'Exists' }] }), tainted, []).fits);
  assert.ok(!findFit(pod('p', { tolerations: [{ key: 'dedicated', value: 'cpu' }] }), tainted, []).fits);
  const cordoned = node({ spec: { unschedulable: true } });
  assert.equal(msg(findFit(pod('p'), cordoned, [])), `0/1 nodes are available: 1 node(s) were unschedulable. ${NOT_HELPFUL}`);
  assert.ok(findFit(pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), cordoned, []).fits);
});

test('resources: requests against allocatable minus the requests of running pods; pod count; first failing filter only', () => {
  const n = node();
  const req = (r: Record<string, string>) => ({ container: { resources: { requests: r } } });
  assert.ok(findFit(pod('p', req({ cpu: '2', memory: '4Gi' })), n, []).fits, 'exactly allocatable fits');
  assert.equal(msg(findFit(pod('p', req({ cpu: '2100m', memory: '5Gi' })), n, [])), `0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. ${NO_VICTIMS}`);
  const running = pod('r', { nodeName: 'kjob-node', ...req({ cpu: '1500m' }) }, { phase: 'Running' });
  const done = pod('d', { nodeName: 'kjob-node', ...req({ cpu: '2' }) }, { phase: 'Succeeded' });
  assert.equal(msg(findFit(pod('p', req({ cpu: '600m' })), n, [running, done])), `0/1 nodes are available: 1 Insufficient cpu. ${NO_VICTIMS}`);
  assert.ok(findFit(pod('p', req({ cpu: '500m' })), n, [running, done]).fits, 'finished pods hold nothing');
  assert.equal(msg(findFit(pod('p', req({ 'example.com/gpu': '1' })), n, [])), `0/1 nodes are available: 1 Insufficient example.com/gpu. ${NO_VICTIMS}`);
  const full = node({ allocatable: { cpu: '2', memory: '4Gi', pods: '1' } });
  assert.equal(msg(findFit(pod('p'), full, [running])), `0/1 nodes are available: 1 Too many pods. ${NO_VICTIMS}`);
  assert.equal(
    msg(findFit(pod('p', { nodeSelector: { disktype: 'ssd' }, ...req({ cpu: '64' }) }), n, [])),
    `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`,
    'NodeAffinity runs before NodeResourcesFit and decides',
  );
  assert.equal(msg(findFit(pod('p', { preemptionPolicy: 'Never', ...req({ cpu: '64' }) }), n, [])), '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
});

let t: TestAPI;
beforeEach(() => (t = openTestAPI('sched')));
afterEach(() => t.dispose());

/** The node, a pod p whose node selector it does not match, a scheduler; p as stored, the Events. */
function unschedulablePod() {
  const { api, clock } = t;
  api.create(NODES, undefined, node());
  api.create(PODS, 'default', pod('p', { nodeSelector: { disktype: 'ssd' } }));
  const s = new Scheduler(api, new APIEventRecorder(api, { component: 'default-scheduler' }, clock));
  return { s, get: () => api.get(PODS, 'default', 'p'), events: () => api.list(EVENTS, { namespace: 'default' }).items as any[] };
}

test('an unschedulable pod: PodScheduled=False/Unschedulable and FailedScheduling once per message, again after 5 minutes; bound once it fits', () => {
  const { api, clock, store } = t;
  const { s, get, events } = unschedulablePod();
  let r = s.schedule(get(), 'kjob-node', clock.now(), 2000);
  assert.equal(r.requeueAfterMs, 2000);
  const cond = get().status.conditions.find((c: any) => c.type === 'PodScheduled');
  const message = `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`;
  assert.deepEqual(cond, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-11-23T12:00:00Z', reason: 'Unschedulable', message });
  assert.equal(get().spec.nodeName, undefined);
  assert.equal(get().status.phase, 'Pending');
  assert.deepEqual(events().map((e) => [e.type, e.reason, e.message, e.source.component, e.count]), [['Warning', 'FailedScheduling', message, 'default-scheduler', 1]]);
  const rv = store.currentRV();
  clock.step(2000);
  s.schedule(get(), 'kjob-node', clock.now(), 2000);
  assert.equal(store.currentRV(), rv, 'a retry with the same outcome writes nothing');
  clock.step(UNSCHEDULABLE_RETRY_MS);
  s.schedule(get(), 'kjob-node', clock.now(), 2000);
  assert.equal(events()[0].count, 2, 'recorded again after five minutes');
  // The node gets the label: the next attempt binds the pod (pods/binding).
  const n = api.get(NODES, undefined, 'kjob-node');
  n.metadata.labels!.disktype = 'ssd';
  api.update(NODES, undefined, 'kjob-node', n);
  r = s.schedule(get(), 'kjob-node', clock.now(), 2000);
  assert.equal(r.requeueAfterMs, undefined);
  assert.equal(get().spec.nodeName, 'kjob-node');
  assert.deepEqual(r.bound, get(), 'the bound pod, as stored');
  assert.deepEqual(get().status.conditions.map((c: any) => `${c.type}=${c.status}`), ['PodScheduled=True']);
  assert.equal(events().at(-1).reason, 'Scheduled');
});

function cacheScheduler() {
  const { api, clock } = t;
  api.create(NODES, undefined, node());
  const s = new Scheduler(api, new APIEventRecorder(api, { component: 'default-scheduler' }, clock));
  const req = (cpu: string) => ({ container: { resources: { requests: { cpu } } } });
  const get = (n: string) => api.get(PODS, 'default', n);
  const schedule = (n: string) => s.schedule(get(n), 'kjob-node', clock.now(), 2000);
  const bound = (n: string) => get(n).spec.nodeName === 'kjob-node';
  return { s, req, get, schedule, bound };
}

test('the scheduler cache: a pod it bound counts at once; finished or deleted, as the informer tells, it no longer does', () => {
  const { api } = t;
  const { s, req, get, schedule, bound } = cacheScheduler();
  api.create(PODS, 'default', pod('a', req('1500m')));
  const unbound = get('a');
  schedule('a');
  api.create(PODS, 'default', pod('b', req('1')));
  schedule('b');
  assert.equal(bound('b'), false, 'a, assumed, holds 1500m of 2 before the informer tells of its binding');
  s.podChanged('ADDED', unbound);
  schedule('b');
  assert.equal(bound('b'), false, 'an older version of a, not bound, leaves it in the cache');
  const a = get('a');
  s.podChanged('MODIFIED', api.updateStatus(PODS, 'default', 'a', { ...a, status: { ...a.status, phase: 'Succeeded' } }).object);
  schedule('b');
  assert.equal(bound('b'), true, 'a finished: its cpu is free');
  api.create(PODS, 'default', pod('c', req('1500m')));
  schedule('c');
  assert.equal(bound('c'), false, 'b holds 1 of 2');
  const b = get('b');
  api.delete(PODS, 'default', 'b', { gracePeriodSeconds: 0 });
  s.podChanged('DELETED', b);
  schedule('c');
  assert.equal(bound('c'), true, 'b deleted');
});

test('the scheduler cache: a relist replaces it with the bound pods it lists', () => {
  const { api } = t;
  const { s, req, get, schedule, bound } = cacheScheduler();
  api.create(PODS, 'default', pod('a', req('1500m')));
  schedule('a');
  s.resync([]);
  api.create(PODS, 'default', pod('b', req('1')));
  schedule('b');
  assert.equal(bound('b'), true, 'a relist without a: nothing holds the cpu');
  api.create(PODS, 'default', pod('c', req('1')));
  s.resync([get('a'), get('b'), get('c')]);
  schedule('c');
  assert.equal(bound('c'), false, 'a and b, bound, are listed again: 2500m of 2 held');
});

test('the scheduler cache: a binding rolled back with its transaction is forgotten (ForgetPod)', () => {
  const { api, store } = t;
  const { s, req, get, schedule, bound } = cacheScheduler();
  api.create(PODS, 'default', pod('a', req('1500m')));
  assert.throws(
    () =>
      store.transaction(() => {
        schedule('a');
        assert.equal(bound('a'), true);
        throw new Error('the sync fails after the binding');
      }),
    /the sync fails/,
  );
  assert.equal(bound('a'), false, 'the binding was rolled back');
  api.create(PODS, 'default', pod('b', req('1')));
  schedule('b');
  assert.equal(bound('b'), true, 'a, not bound after all, holds nothing');
  // The same for a binding made in a savepoint that fails, in a transaction that commits.
  const bPod = get('b');
  s.podChanged('MODIFIED', api.updateStatus(PODS, 'default', 'b', { ...bPod, status: { ...bPod.status, phase: 'Failed' } }).object);
  api.create(PODS, 'default', pod('c', req('1500m')));
  store.transaction(() => {
    assert.throws(() =>
      store.transaction(() => {
        schedule('c');
        throw new Error('the step after the binding fails');
      }),
    );
  });
  assert.equal(bound('c'), false);
  api.create(PODS, 'default', pod('d', req('1500m')));
  schedule('d');
  assert.equal(bound('d'), true, 'c, its binding rolled back with the savepoint, holds nothing');
});

test('what was recorded of a pod goes with it, as the informer tells (deleted, or not listed again): its next attempt, should it be back, records at once', () => {
  const { clock, store } = t;
  const { s, get, events } = unschedulablePod();
  s.schedule(get(), 'kjob-node', clock.now(), 2000);
  const rv = store.currentRV();
  s.podChanged('MODIFIED', get());
  s.resync([get()]);
  s.schedule(get(), 'kjob-node', clock.now(), 2000);
  assert.equal(store.currentRV(), rv, 'kept while the pod is there: a retry with the same outcome writes nothing');
  s.podChanged('DELETED', get());
  s.schedule(get(), 'kjob-node', clock.now(), 2000);
  assert.equal(events()[0].count, 2, 'deleted: recorded again without the five minutes');
  s.resync([]);
  s.schedule(get(), 'kjob-node', clock.now(), 2000);
  assert.equal(events()[0].count, 3, 'not listed by a relist: recorded again');
});
