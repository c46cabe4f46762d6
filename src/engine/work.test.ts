// hasPendingWork: what starts the engine and keeps it up.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, type TestAPI } from '../apiserver/testing.js';
import { JOBS, PODS } from '../client/client.js';
import { rfc3339 } from '../api/types.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import { JobController } from '../controllers/job/job_controller.js';
import { createTestJob } from '../controllers/job/testing.js';
import { hasPendingWork, IDLE_RV_META_KEY } from './work.js';
import { resourceForKind } from '../api/resources.js';
import { ensureDefaultServiceAccount } from '../controllers/serviceaccount/serviceaccounts_controller.js';

let t: TestAPI;

beforeEach(() => {
  t = openTestAPI('work');
});
afterEach(() => t.dispose());

test('a Job created suspended is work until the Job controller has recorded it as suspended', () => {
  const { api, store } = t;
  createTestJob(api, { suspend: true }, 'later');
  assert.equal(hasPendingWork(store), true, 'its Suspended condition and event are still to be written');
  new JobController({ api, clock: t.clock, timing: KUBERNETES_TIMING }).syncJob('default/later');
  assert.equal(hasPendingWork(store), false, 'nothing to wait for while it stays suspended');
  const j = api.get(JOBS, 'default', 'later');
  j.spec.suspend = false;
  api.update(JOBS, 'default', 'later', j);
  assert.equal(hasPendingWork(store), true, 'resumed');
});

test("an index's failed pod its suspended Job keeps uncounted (backoffLimitPerIndex) is no work: the engine would never exit when idle", () => {
  const { api, store } = t;
  createTestJob(api, { completionMode: 'Indexed', completions: 1, parallelism: 1, backoffLimitPerIndex: 1 }, 'held');
  const jc = new JobController({ api, clock: t.clock, timing: KUBERNETES_TIMING });
  jc.syncJob('default/held');
  const pod = api.list(PODS, { namespace: 'default' }).items[0];
  pod.status = { phase: 'Failed', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode: 1, startedAt: rfc3339(t.clock.now()), finishedAt: rfc3339(t.clock.now()) } } }] };
  api.updateStatus(PODS, 'default', pod.metadata.name!, pod);
  jc.syncJob('default/held');
  assert.ok(api.get(PODS, 'default', pod.metadata.name!).metadata.finalizers?.length, 'the index backs off: its failed pod is kept');
  const j = api.get(JOBS, 'default', 'held');
  j.spec.suspend = true;
  api.update(JOBS, 'default', 'held', j);
  jc.syncJob('default/held');
  assert.ok(api.get(PODS, 'default', pod.metadata.name!).metadata.finalizers?.length, 'kept while suspended, as in v1.32');
  assert.equal(hasPendingWork(store), false);
  store.setMeta(IDLE_RV_META_KEY, 'none'); // no answer remembered: a full look
  assert.equal(hasPendingWork(store), false, 'by a full look too');
  const resumed = api.get(JOBS, 'default', 'held');
  resumed.spec.suspend = false;
  api.update(JOBS, 'default', 'held', resumed);
  assert.equal(hasPendingWork(store), true, 'resumed');
});

test('a Job another controller manages (spec.managedBy) is no work for the engine: it would never exit when idle', () => {
  const { api, store } = t;
  createTestJob(api, { managedBy: 'example.com/queue' }, 'elsewhere');
  assert.equal(hasPendingWork(store), false);
  createTestJob(api, { managedBy: 'kubernetes.io/job-controller' }, 'ours');
  assert.equal(hasPendingWork(store), true);
});

test("another controller's Job that finished with a ttlSecondsAfterFinished is work: the TTL controller deletes it", () => {
  const { api, store } = t;
  createTestJob(api, { managedBy: 'example.com/queue', ttlSecondsAfterFinished: 60 }, 'elsewhere');
  assert.equal(hasPendingWork(store), false);
  const j = api.get(JOBS, 'default', 'elsewhere');
  const now = '2026-11-23T12:00:00Z';
  j.status = { ...j.status, startTime: now, completionTime: now, succeeded: 1, conditions: [
    { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now },
    { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now },
  ] };
  api.updateStatus(JOBS, 'default', 'elsewhere', j);
  assert.equal(hasPendingWork(store), true);
});

test('"no work" is remembered with its resourceVersion; later questions look only at the changes since', () => {
  const { api, store } = t;
  assert.equal(hasPendingWork(store), false);
  assert.equal(store.getMeta(IDLE_RV_META_KEY), String(store.currentRV()), 'remembered');
  // A change that brings no work (a ConfigMap) moves the answer forward without a scan.
  api.create(resourceForKind('ConfigMap')!, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
  assert.equal(hasPendingWork(store), false);
  assert.equal(store.getMeta(IDLE_RV_META_KEY), String(store.currentRV()));
  // A new Job is work, found from the change log.
  createTestJob(api, {}, 'now');
  assert.equal(hasPendingWork(store), true);
  assert.equal(Number(store.getMeta(IDLE_RV_META_KEY)) < store.currentRV(), true, 'work is not remembered');
});

test('deleting an owner is decided by a full look (its dependents may be left to the garbage collector)', () => {
  const { api, store } = t;
  createTestJob(api, { suspend: true }, 'later');
  new JobController({ api, clock: t.clock, timing: KUBERNETES_TIMING }).syncJob('default/later');
  assert.equal(hasPendingWork(store), false);
  store.delete('Job', 'default', 'later');
  assert.equal(hasPendingWork(store), false, 'nothing depended on it');
});

test('a namespace without its "default" ServiceAccount is work (the serviceaccounts controller\'s), found by a change and by a full look', () => {
  const { api, store } = t;
  const NAMESPACES = resourceForKind('Namespace')!;
  const SERVICE_ACCOUNTS = resourceForKind('ServiceAccount')!;
  assert.equal(hasPendingWork(store), false);
  api.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
  assert.equal(hasPendingWork(store), true, 'created through the API (kjob serve), without its account');
  store.setMeta(IDLE_RV_META_KEY, 'none');
  assert.equal(hasPendingWork(store), true, 'by a full look too');
  ensureDefaultServiceAccount(api, 'dev');
  assert.equal(hasPendingWork(store), false, 'made');
  api.delete(SERVICE_ACCOUNTS, 'dev', 'default');
  assert.equal(hasPendingWork(store), true, 'deleted: the controller makes it again');
  ensureDefaultServiceAccount(api, 'dev');
  api.create(SERVICE_ACCOUNTS, 'dev', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'dev' } });
  api.delete(SERVICE_ACCOUNTS, 'dev', 'bot');
  assert.equal(hasPendingWork(store), false, 'another account deleted is nobody\'s work');
  api.delete(NAMESPACES, undefined, 'dev');
  assert.equal(hasPendingWork(store), false, 'a namespace going away needs no account');
});
