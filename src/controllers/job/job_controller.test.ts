// One reconcile step of syncJob on a fixture state, asserting the writes (sample-controller style).
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, recordingAPI, type TestAPI } from '../../apiserver/testing.js';
import type { LocalAPIServer } from '../../apiserver/apiserver.js';
import { JOBS, PODS, EVENTS, CRONJOBS, tryGet } from '../../client/client.js';
import type { FakeClock } from '../../util/clock.js';
import { KUBERNETES_TIMING } from '../../util/timing.js';
import { rfc3339, type KObject } from '../../api/types.js';
import { JobController } from './job_controller.js';
import { bindPod, createTestJob } from './testing.js';
import { JOB_TRACKING_FINALIZER } from './utils.js';
import { StatusError } from '../../errors.js';
import { resourceForKind } from '../../api/resources.js';

let t: TestAPI;
let api: LocalAPIServer;
let clock: FakeClock;
let jc: JobController;

beforeEach(() => {
  t = openTestAPI('jobctl');
  ({ api, clock } = t);
  jc = new JobController({ api, clock, timing: KUBERNETES_TIMING });
});

afterEach(() => t.dispose());

const createJob = (spec: Record<string, any>, name = 'pi'): KObject => createTestJob(api, spec, name);

const pods = () => api.list(PODS, { namespace: 'default' }).items;
const job = (name = 'pi') => api.get(JOBS, 'default', name);
const reasons = () => api.list(EVENTS, { namespace: 'default' }).items.map((e) => (e as { reason?: string }).reason);

/** What the kubelet would write when a pod's container exits. */
function finishPod(pod: KObject, phase: 'Succeeded' | 'Failed'): void {
  const cur = api.get(PODS, 'default', pod.metadata.name!);
  const t = rfc3339(clock.now());
  cur.status = {
    ...(cur.status ?? {}),
    phase,
    containerStatuses: [
      {
        name: 'c',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: t, finishedAt: t } },
      },
    ],
  };
  api.updateStatus(PODS, 'default', cur.metadata.name!, cur);
}

test('a new Job gets one pod with owner reference, labels and the tracking finalizer', () => {
  createJob({});
  jc.syncJob('default/pi');
  const [pod] = pods();
  assert.equal(pods().length, 1);
  assert.match(pod.metadata.name!, /^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(pod.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
  const owner = pod.metadata.ownerReferences![0];
  assert.equal(owner.kind, 'Job');
  assert.equal(owner.uid, job().metadata.uid);
  assert.equal(owner.controller, true);
  assert.equal(pod.metadata.labels!['batch.kubernetes.io/job-name'], 'pi');
  assert.equal(job().status.active, 1);
  assert.equal(job().status.startTime, '2026-11-23T12:00:00Z');
  assert.deepEqual(reasons(), ['SuccessfulCreate']);
});

test('one sync, the requests it makes (sample-controller style): the pod, its event, the status', () => {
  const rec = recordingAPI(api);
  const c = new JobController({ api: rec, clock, timing: KUBERNETES_TIMING });
  createJob({});
  c.syncJob('default/pi');
  assert.deepEqual(rec.writes(), ['create pods pi-*', 'create events SuccessfulCreate', 'update jobs/status pi']);
  rec.actions.length = 0;
  finishPod(pods()[0], 'Succeeded');
  c.syncJob('default/pi');
  const name = pods()[0].metadata.name;
  // The finished pod is counted and released (its tracking finalizer patched away) with the status write.
  assert.deepEqual(rec.writes(), [`patch pods ${name}`, 'update jobs/status pi', 'create events Completed']);
  rec.actions.length = 0;
  c.syncJob('default/pi');
  assert.deepEqual(rec.writes(), [], 'a finished Job: nothing to write');
});

test('podsForJob follows a pod whose labels leave the selector and come back (each version is matched again)', () => {
  createJob({ parallelism: 2, completions: 2 });
  jc.syncJob('default/pi');
  const names = () => jc.podsForJob(job() as any).map((p) => p.metadata.name).sort();
  const all = names();
  assert.equal(all.length, 2);
  assert.deepEqual(names(), all, 'an unchanged pod, matched again from what was kept');
  // The generated selector is the controller-uid label.
  const uid = job().metadata.uid!;
  const relabel = (name: string, controllerUid: string) => {
    const p = api.get(PODS, 'default', name);
    p.metadata.labels = { ...p.metadata.labels, 'batch.kubernetes.io/controller-uid': controllerUid, 'controller-uid': controllerUid };
    api.update(PODS, 'default', name, p);
  };
  relabel(all[1], 'another-uid');
  assert.deepEqual(names(), [all[0]], 'its new labels do not match the selector');
  relabel(all[1], uid);
  assert.deepEqual(names(), all);
});

test('podsForJob leaves out the settled pods (succeeded and counted), and the syncs count the same without them', () => {
  const rec = recordingAPI(api);
  const c = new JobController({ api: rec, clock, timing: KUBERNETES_TIMING });
  createJob({ parallelism: 3, completions: 4, backoffLimit: 5 });
  c.syncJob('default/pi');
  const names = () => c.podsForJob(job() as any).map((p) => p.metadata.name).sort();
  const [p0, p1, p2] = pods().map((p) => p.metadata.name!).sort();
  finishPod(api.get(PODS, 'default', p0), 'Succeeded');
  finishPod(api.get(PODS, 'default', p1), 'Failed');
  assert.deepEqual(names(), [p0, p1, p2], 'finished, but not counted yet: their finalizers hold them');
  c.syncJob('default/pi');
  assert.deepEqual([job().status.succeeded, job().status.failed, job().status.active], [1, 1, 3]);
  const all = pods().map((p) => p.metadata.name!);
  assert.ok(all.includes(p0), 'a settled pod stays (only the list leaves it out)');
  assert.deepEqual(names(), all.filter((n) => n !== p0).sort(), 'the counted failed pod is still listed (the failure checks look at it)');
  rec.actions.length = 0;
  c.syncJob('default/pi');
  assert.deepEqual(rec.writes(), [], 'nothing new: nothing written');
  // A settled pod that changes is looked at again: one being deleted is listed.
  const settled = api.get(PODS, 'default', p0);
  settled.metadata.finalizers = ['example.com/hold'];
  api.update(PODS, 'default', p0, settled);
  api.delete(PODS, 'default', p0);
  assert.ok(names().includes(p0), 'deletionTimestamp set: listed again');
  for (const p of pods().filter((p) => p.metadata.name !== p0 && p.metadata.name !== p1)) finishPod(p, 'Succeeded');
  c.syncJob('default/pi');
  assert.deepEqual([job().status.succeeded, job().status.failed, job().status.active ?? 0], [4, 1, 0]);
  assert.equal(job().status.conditions?.find((x: { type: string }) => x.type === 'Complete')?.status, 'True');
  assert.deepEqual(names(), [p0, p1].sort(), 'the failed pod, and the one being deleted');
});

test('the sync is idempotent: a second sync creates nothing more', () => {
  createJob({});
  jc.syncJob('default/pi');
  const rv = t.store.currentRV();
  jc.syncJob('default/pi');
  assert.equal(pods().length, 1);
  assert.equal(t.store.currentRV(), rv);
});

test('parallelism 2, completions 8: never more than 2 active, 8 pods in all', () => {
  createJob({ parallelism: 2, completions: 8 });
  let created = 0;
  for (let round = 0; round < 10; round++) {
    jc.syncJob('default/pi');
    const active = pods().filter((p) => !p.status?.phase || p.status.phase === 'Pending');
    assert.ok(active.length <= 2, `round ${round}: ${active.length} active`);
    created = Math.max(created, pods().length);
    for (const p of active) finishPod(p, 'Succeeded');
    clock.step(1000);
  }
  jc.syncJob('default/pi');
  const j = job();
  assert.equal(j.status.succeeded, 8);
  assert.equal(api.list(EVENTS, { namespace: 'default' }).items.filter((e) => (e as { reason?: string }).reason === 'SuccessfulCreate').length, 8);
  assert.deepEqual(
    j.status.conditions.map((c: { type: string }) => c.type),
    ['SuccessCriteriaMet', 'Complete'],
  );
  assert.equal(j.status.completionTime !== undefined, true);
});

test('success: SuccessCriteriaMet then Complete, counted pods released, Completed event', () => {
  createJob({});
  jc.syncJob('default/pi');
  finishPod(pods()[0], 'Succeeded');
  clock.step(5000);
  jc.syncJob('default/pi');
  const j = job();
  assert.equal(j.status.succeeded, 1);
  assert.equal(j.status.active, undefined, "active is omitempty: absent when 0");
  assert.equal(j.status.ready, 0);
  assert.equal(j.status.terminating, 0);
  const [scm, complete] = j.status.conditions;
  assert.equal(scm.type, 'SuccessCriteriaMet');
  assert.equal(scm.reason, 'CompletionsReached');
  assert.equal(scm.message, 'Reached expected number of succeeded pods');
  assert.equal(complete.type, 'Complete');
  assert.equal(j.status.completionTime, '2026-11-23T12:00:05Z');
  assert.equal(pods()[0].metadata.finalizers, undefined);
  assert.deepEqual(reasons(), ['SuccessfulCreate', 'Completed']);
});

test('work queue (no completions): after the first success no new pods; complete when all ended', () => {
  createJob({ parallelism: 3, completions: null });
  jc.syncJob('default/pi');
  assert.equal(pods().length, 3);
  finishPod(pods()[0], 'Succeeded');
  jc.syncJob('default/pi');
  assert.equal(pods().length, 3, 'no replacement pods after the first success');
  assert.equal(job().status.active, 2, 'the others are not killed');
  assert.equal(job().status.conditions, undefined);
  for (const p of pods().slice(1)) finishPod(p, 'Succeeded');
  jc.syncJob('default/pi');
  assert.equal(job().status.conditions.at(-1).type, 'Complete');
});

test('a failed pod is replaced only after the pod-failure back-off', () => {
  createJob({});
  jc.syncJob('default/pi');
  finishPod(pods()[0], 'Failed');
  const r = jc.syncJob('default/pi');
  assert.equal(job().status.failed, 1);
  assert.equal(pods().length, 1, 'no replacement during the back-off');
  assert.equal(r.requeueAfterMs, 10_000);
  clock.step(10_000);
  jc.syncJob('default/pi');
  assert.equal(pods().length, 2);
});

test('backoffLimit 0: the first failure fails the Job with BackoffLimitExceeded', () => {
  createJob({ backoffLimit: 0 });
  jc.syncJob('default/pi');
  finishPod(pods()[0], 'Failed');
  jc.syncJob('default/pi');
  const j = job();
  assert.deepEqual(
    j.status.conditions.map((c: { type: string; reason: string }) => [c.type, c.reason]),
    [
      ['FailureTarget', 'BackoffLimitExceeded'],
      ['Failed', 'BackoffLimitExceeded'],
    ],
  );
  assert.equal(j.status.completionTime, undefined);
  assert.ok(reasons().includes('BackoffLimitExceeded'));
});

test('a pod deleted by its Job being scaled down is not counted as failed', () => {
  createJob({ parallelism: 3, completions: 3 });
  jc.syncJob('default/pi');
  assert.equal(pods().length, 3);
  const j = job();
  j.spec.parallelism = 1;
  api.update(JOBS, 'default', 'pi', j);
  jc.syncJob('default/pi');
  assert.equal(job().status.failed, undefined, "no failures counted");
  assert.equal(reasons().filter((r) => r === 'SuccessfulDelete').length, 2);
});

test('scaled down, a Job deletes the pod ready for less time first, as controller.ActivePods ranks them', () => {
  createJob({ parallelism: 2, completions: 2 });
  jc.syncJob('default/pi');
  const [a, b] = pods();
  // Both running and ready: a since 12:01 and restarted three times, b since 12:05.
  const run = (pod: KObject, readySince: string, restarts: number) => {
    bindPod(api, pod.metadata.name!);
    const cur = api.get(PODS, 'default', pod.metadata.name!);
    cur.status = {
      ...(cur.status ?? {}),
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: true, restartCount: restarts, state: { running: { startedAt: readySince } } }],
    };
    api.updateStatus(PODS, 'default', cur.metadata.name!, cur);
  };
  run(a, '2026-11-23T12:01:00Z', 3);
  run(b, '2026-11-23T12:05:00Z', 0);
  const j = job();
  j.spec.parallelism = 1;
  api.update(JOBS, 'default', 'pi', j);
  jc.syncJob('default/pi');
  const deleted = pods().filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
  assert.deepEqual(deleted, [b.metadata.name], 'the one ready for less time, not the one with more restarts');
});

test('an orphaned pod (its Job deleted) loses the tracking finalizer', () => {
  createJob({});
  jc.syncJob('default/pi');
  const pod = pods()[0];
  api.delete(JOBS, 'default', 'pi', { propagationPolicy: 'Orphan' });
  jc.syncOrphanPod(`default/${pod.metadata.name}`);
  assert.equal(api.get(PODS, 'default', pod.metadata.name!).metadata.finalizers, undefined);
});

test("syncOrphanPod: a pod without a controller is released; one of an unfinished Job, of a Job another controller manages, or of another kind of controller is not", () => {
  createJob({ parallelism: 2, completions: 2 });
  jc.syncJob('default/pi');
  const [a, b] = pods().map((p) => p.metadata.name!);
  const fin = (n: string) => api.get(PODS, 'default', n).metadata.finalizers;
  jc.syncOrphanPod(`default/${a}`);
  assert.deepEqual(fin(a), [JOB_TRACKING_FINALIZER], 'its Job runs');
  const p = api.get(PODS, 'default', b);
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }];
  api.update(PODS, 'default', b, p);
  jc.syncOrphanPod(`default/${b}`);
  assert.deepEqual(fin(b), [JOB_TRACKING_FINALIZER], "another controller's pod");
  p.metadata = api.get(PODS, 'default', b).metadata;
  p.metadata.ownerReferences = [];
  api.update(PODS, 'default', b, p);
  jc.syncOrphanPod(`default/${b}`);
  assert.equal(fin(b), undefined, 'no controller at all: released');
  // A finished Job's pod is released, unless another controller manages that Job.
  for (const [name, managedBy, kept] of [['done', undefined, false], ['external', 'example.com/queue', true]] as const) {
    const j = createJob(managedBy ? { managedBy } : {}, name);
    const now = rfc3339(clock.now());
    const st = api.get(JOBS, 'default', name);
    st.status = { ...st.status, startTime: now, completionTime: now, conditions: [
      { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now },
      { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now },
    ] };
    api.updateStatus(JOBS, 'default', name, st);
    api.create(PODS, 'default', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `${name}-pod`, finalizers: [JOB_TRACKING_FINALIZER], ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: j.metadata.uid!, controller: true }] },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
    });
    jc.syncOrphanPod(`default/${name}-pod`);
    assert.deepEqual(fin(`${name}-pod`), kept ? [JOB_TRACKING_FINALIZER] : undefined, kept ? "a finished Job another controller manages: its pod is that controller's" : 'a finished Job: released');
  }
});

test('slow start: creates go in batches of 1, 2, 4; after a refused one the rest wait for the next sync (one FailedCreate a sync)', () => {
  const rec = recordingAPI(api);
  const c = new JobController({ api: rec, clock, timing: KUBERNETES_TIMING });
  createJob({ parallelism: 4, completions: 4, template: { spec: { serviceAccountName: 'nope', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } });
  const r = c.syncJob('default/pi');
  assert.deepEqual(rec.writes().filter((w) => w.startsWith('create pods')), ['create pods pi-*'], 'the account is missing: one try, not four');
  assert.equal(pods().length, 0);
  assert.deepEqual(reasons().filter((x) => x === 'FailedCreate').length, 1);
  assert.equal(job().status.active, undefined);
  assert.ok(r.requeueAfterMs !== undefined && r.requeueAfterMs > 0, 'retried later');
  // Once it can, the batches double: 1 + 2 + 1 (what is left). A refusal in the batch of 2 (the
  // third create here) leaves the last pod untried until the next sync.
  api.create(resourceForKind('ServiceAccount')!, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nope' } });
  let podCreates = 0;
  const flaky = new Proxy(api, {
    get(target, prop, receiver) {
      if (prop !== 'create') return Reflect.get(target, prop, receiver);
      return (r: any, ns: any, body: any, opts: any) => {
        if (r.kind === 'Pod' && ++podCreates === 3) throw new StatusError('Forbidden', 'exceeded quota');
        return target.create(r, ns, body, opts);
      };
    },
  });
  new JobController({ api: flaky, clock, timing: KUBERNETES_TIMING }).syncJob('default/pi');
  assert.equal(podCreates, 3, 'batches of 1 and 2; the third batch not tried');
  assert.equal(pods().length, 2);
  assert.equal(job().status.active, 2);
  c.syncJob('default/pi');
  assert.equal(pods().length, 4);
  assert.equal(job().status.active, 4);
});

test('spec.managedBy another controller: the Job controller leaves the Job and its pods alone', () => {
  createJob({ managedBy: 'example.com/queue' });
  const rv = t.store.currentRV();
  jc.syncJob('default/pi');
  assert.equal(t.store.currentRV(), rv, 'nothing written');
  assert.equal(pods().length, 0);
  createJob({ managedBy: 'kubernetes.io/job-controller' }, 'own');
  jc.syncJob('default/own');
  assert.equal(pods().length, 1, 'its own name: synced');
});

test('a Job pod deleted with a grace period stays, counted in status.terminating, until the kubelet removes it', () => {
  createJob({});
  jc.syncJob('default/pi');
  const name = pods()[0].metadata.name!;
  bindPod(api, name);
  const cur = api.get(PODS, 'default', name);
  cur.status = { phase: 'Running' };
  api.updateStatus(PODS, 'default', name, cur);
  api.delete(PODS, 'default', name); // kjob delete pod: the pod's 30s grace period
  clock.step(1000);
  jc.syncJob('default/pi');
  const terminating = tryGet(api, 'Pod', 'default', name);
  assert.ok(terminating?.metadata.deletionTimestamp, 'releasing the tracking finalizer does not end the grace period');
  assert.equal(terminating.metadata.finalizers, undefined);
  assert.equal(job().status.terminating, 1);
  assert.equal(job().status.failed, 1, 'TerminatingOrFailed: counted as failed at once');
  clock.step(2000);
  jc.syncJob('default/pi');
  assert.equal(job().status.terminating, 1, 'still terminating on the next sync');
  // The container exited: the kubelet writes the final status and deletes the pod with grace 0.
  const last = api.get(PODS, 'default', name);
  last.status = { phase: 'Failed' };
  api.updateStatus(PODS, 'default', name, last);
  assert.equal(api.delete(PODS, 'default', name, { gracePeriodSeconds: 0 }).removed, true);
  jc.syncJob('default/pi');
  assert.equal(job().status.terminating, 0);
  assert.equal(job().status.failed, 1, 'counted once');
});
