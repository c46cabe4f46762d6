// The default ServiceAccount, and the Job controller's pod creates going through the
// ServiceAccount admission plugin (FailedCreate, rate-limited retry).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../../store/testing.js';
import { KUBERNETES_TIMING } from '../../engine/timing.js';
import { JobController } from '../job/job_controller.js';
import { createTestJob } from '../job/testing.js';
import { ensureDefaultServiceAccount, serviceAccountGetter } from './serviceaccounts_controller.js';

let t: TestStore;
beforeEach(() => (t = openTestStore('sa')));
afterEach(() => t.dispose());

test('the default namespace, and any active namespace, get a "default" ServiceAccount once', () => {
  const sa = ensureDefaultServiceAccount(t.store, 'default')!;
  assert.equal(sa.metadata.name, 'default');
  assert.equal(ensureDefaultServiceAccount(t.store, 'default')!.metadata.uid, sa.metadata.uid);
  assert.equal(ensureDefaultServiceAccount(t.store, 'team'), undefined, 'no such namespace');
  t.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  assert.equal(ensureDefaultServiceAccount(t.store, 'team')!.metadata.namespace, 'team');
  const get = serviceAccountGetter(t.store);
  assert.equal(get('team', 'bot'), undefined);
  t.store.delete('ServiceAccount', 'team', 'default');
  assert.equal(get('team', 'default')!.metadata.name, 'default', 'the admission plugin waits for the controller to re-create it');
});

test('a Job naming a missing ServiceAccount: FailedCreate, nothing active, retried with back-off until the account exists', () => {
  const jc = new JobController({ store: t.store, clock: t.clock, timing: KUBERNETES_TIMING });
  createTestJob(t.store, {}, 'pi');
  const job = t.store.get('Job', 'default', 'pi')!;
  job.spec.template.spec.serviceAccountName = 'nope';
  t.store.update(job);
  const r1 = jc.syncJob('default/pi');
  assert.equal(t.store.list('Pod').length, 0);
  assert.equal(t.store.get('Job', 'default', 'pi')!.status.active, undefined);
  const events = t.store.list('Event', { namespace: 'default' }) as any[];
  assert.deepEqual(events.map((e) => [e.reason, e.message]), [
    ['FailedCreate', 'Error creating: pods "pi-" is forbidden: error looking up service account default/nope: serviceaccount "nope" not found'],
  ]);
  assert.equal(r1.requeueAfterMs, 1000);
  assert.equal(jc.syncJob('default/pi').requeueAfterMs, 2000, 'doubling');
  assert.equal((t.store.list('Event', { namespace: 'default' })[0] as any).count, 2, 'the same event, counted');
  t.store.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nope', namespace: 'default' } });
  jc.syncJob('default/pi');
  const pods = t.store.list('Pod');
  assert.equal(pods.length, 1);
  assert.equal(pods[0].spec.serviceAccountName, 'nope');
  assert.equal(t.store.get('Job', 'default', 'pi')!.status.active, 1);
});

test('Job pods with the default account are admitted, and the account is created if it was missing', () => {
  const jc = new JobController({ store: t.store, clock: t.clock, timing: KUBERNETES_TIMING });
  createTestJob(t.store, {}, 'pi');
  jc.syncJob('default/pi');
  assert.equal(t.store.list('Pod')[0].spec.serviceAccountName, 'default');
  assert.match(t.store.list('Pod')[0].spec.volumes[0].name, /^kube-api-access-/);
  assert.ok(t.store.get('ServiceAccount', 'default', 'default'));
});
