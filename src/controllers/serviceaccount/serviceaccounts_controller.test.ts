// The default ServiceAccount, and the Job controller's pod creates going through the
// ServiceAccount admission plugin (FailedCreate, rate-limited retry).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, type TestAPI } from '../../apiserver/testing.js';
import { JOBS, PODS, EVENTS, resource } from '../../client/client.js';
import { KUBERNETES_TIMING } from '../../util/timing.js';
import { JobController } from '../job/job_controller.js';
import { createTestJob } from '../job/testing.js';
import { ensureDefaultServiceAccount } from './serviceaccounts_controller.js';

let t: TestAPI;
beforeEach(() => (t = openTestAPI('sa')));
afterEach(() => t.dispose());

test('the default namespace, and any active namespace, get a "default" ServiceAccount once', () => {
  const sa = ensureDefaultServiceAccount(t.api, 'default')!;
  assert.equal(sa.metadata.name, 'default');
  assert.equal(ensureDefaultServiceAccount(t.api, 'default')!.metadata.uid, sa.metadata.uid);
  assert.equal(ensureDefaultServiceAccount(t.api, 'team'), undefined, 'no such namespace');
  t.api.create(resource('Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  assert.equal(ensureDefaultServiceAccount(t.api, 'team')!.metadata.namespace, 'team');
  t.api.delete(resource('ServiceAccount'), 'team', 'default');
  // A pod that needs "default": the admission plugin waits for the controller to re-create it.
  const pod = t.api.create(PODS, 'team', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }).object;
  assert.equal(pod.spec.serviceAccountName, 'default');
  assert.ok(t.api.get(resource('ServiceAccount'), 'team', 'default'));
});

test('a Job naming a missing ServiceAccount: FailedCreate, nothing active, retried with back-off until the account exists', () => {
  const jc = new JobController({ api: t.api, clock: t.clock, timing: KUBERNETES_TIMING });
  t.api.create(JOBS, 'default', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: { template: { spec: { serviceAccountName: 'nope', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } } },
  });
  const r1 = jc.syncJob('default/pi');
  assert.equal(t.api.list(PODS).items.length, 0);
  assert.equal(t.api.get(JOBS, 'default', 'pi').status.active, undefined);
  const events = t.api.list(EVENTS, { namespace: 'default' }).items as any[];
  assert.deepEqual(events.map((e) => [e.reason, e.message]), [
    ['FailedCreate', 'Error creating: pods "pi-" is forbidden: error looking up service account default/nope: serviceaccount "nope" not found'],
  ]);
  assert.equal(r1.requeueAfterMs, 1000);
  assert.equal(jc.syncJob('default/pi').requeueAfterMs, 2000, 'doubling');
  assert.equal((t.api.list(EVENTS, { namespace: 'default' }).items[0] as any).count, 2, 'the same event, counted');
  t.api.create(resource('ServiceAccount'), 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nope', namespace: 'default' } });
  jc.syncJob('default/pi');
  const pods = t.api.list(PODS).items;
  assert.equal(pods.length, 1);
  assert.equal(pods[0].spec.serviceAccountName, 'nope');
  assert.equal(t.api.get(JOBS, 'default', 'pi').status.active, 1);
});

test('Job pods with the default account are admitted, and the account is created if it was missing', () => {
  const jc = new JobController({ api: t.api, clock: t.clock, timing: KUBERNETES_TIMING });
  createTestJob(t.api, {}, 'pi');
  jc.syncJob('default/pi');
  assert.equal(t.api.list(PODS).items[0].spec.serviceAccountName, 'default');
  assert.match(t.api.list(PODS).items[0].spec.volumes[0].name, /^kube-api-access-/);
  assert.ok(t.api.get(resource('ServiceAccount'), 'default', 'default'));
});
