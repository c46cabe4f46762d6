// The rest of the Job API, one reconcile step at a time on a real Store under a fake clock:
// Indexed completion, podFailurePolicy, backoffLimitPerIndex, successPolicy,
// podReplacementPolicy, parallelism changes, suspend, activeDeadlineSeconds, OnFailure restarts.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, type TestAPI } from '../../apiserver/testing.js';
import type { LocalAPIServer } from '../../apiserver/apiserver.js';
import { JOBS, PODS, EVENTS, CRONJOBS, tryGet } from '../../client/client.js';
import type { FakeClock } from '../../util/clock.js';
import { KUBERNETES_TIMING } from '../../util/timing.js';
import { rfc3339, type KObject } from '../../api/types.js';
import { JobController } from './job_controller.js';
import { bindPod, createTestJob } from './testing.js';
import { JOB_TRACKING_FINALIZER } from './utils.js';
import { formatIndexes, parseIndexes, indexedGenerateName, podIndex } from './indexes.js';

let t: TestAPI;
let api: LocalAPIServer;
let clock: FakeClock;
let jc: JobController;

beforeEach(() => {
  t = openTestAPI('jobpol');
  ({ api, clock } = t);
  jc = new JobController({ api, clock, timing: KUBERNETES_TIMING });
});

afterEach(() => t.dispose());

const createJob = (spec: Record<string, any>, name = 'j'): KObject => createTestJob(api, spec, name);

const sync = (name = 'j') => jc.syncJob(`default/${name}`);
const pods = () => api.list(PODS, { namespace: 'default' }).items;
const live = () => pods().filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase));
const job = (name = 'j') => api.get(JOBS, 'default', name);
const conds = (name = 'j') => (job(name).status.conditions ?? []).map((c: any) => `${c.type}/${c.reason}`);
const events = () => api.list(EVENTS, { namespace: 'default' }).items as any[];
const indexOf = (p: KObject) => podIndex(p);
const byIndex = (i: number) => live().find((p) => indexOf(p) === i)!;

/** What the kubelet writes when the pod's container exits. */
function finish(pod: KObject, exitCode: number, extra: { conditions?: any[] } = {}): void {
  const cur = api.get(PODS, 'default', pod.metadata.name!);
  const t = rfc3339(clock.now());
  cur.status = {
    ...(cur.status ?? {}),
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    conditions: extra.conditions ?? cur.status?.conditions,
    containerStatuses: [
      { name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: t, finishedAt: t } } },
    ],
  };
  api.updateStatus(PODS, 'default', cur.metadata.name!, cur);
}

function running(pod: KObject, restartCount = 0): void {
  bindPod(api, pod.metadata.name!);
  const cur = api.get(PODS, 'default', pod.metadata.name!);
  cur.status = {
    ...(cur.status ?? {}),
    phase: 'Running',
    containerStatuses: [{ name: 'c', ready: true, restartCount, state: { running: { startedAt: rfc3339(clock.now()) } } }],
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  api.updateStatus(PODS, 'default', cur.metadata.name!, cur);
}

// ---------------------------------------------------------------- index strings

test('index sets: three or more consecutive as a-b, two as a,b', () => {
  assert.equal(formatIndexes([0, 1, 2, 3, 4, 7]), '0-4,7');
  assert.equal(formatIndexes([1, 2]), '1,2');
  assert.equal(formatIndexes([1, 2, 3, 5]), '1-3,5');
  assert.equal(formatIndexes([]), '');
  assert.deepEqual([...parseIndexes('0-2,5,7-9', 8)].sort(), [0, 1, 2, 5, 7]);
  assert.equal(indexedGenerateName('a'.repeat(60), 12), 'a'.repeat(54) + '-12-');
});

// ---------------------------------------------------------------- Indexed

test('Indexed: lowest pending indexes first, hostname, label, annotation, env; succeeded = distinct indexes', () => {
  createJob({ completionMode: 'Indexed', completions: 4, parallelism: 2 });
  sync();
  assert.deepEqual(live().map(indexOf).sort(), [0, 1]);
  const p0 = byIndex(0);
  assert.match(p0.metadata.name!, /^j-0-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(p0.metadata.generateName, 'j-0-');
  assert.equal(p0.spec.hostname, 'j-0');
  assert.equal(p0.metadata.labels!['batch.kubernetes.io/job-completion-index'], '0');
  assert.equal(p0.metadata.annotations!['batch.kubernetes.io/job-completion-index'], '0');
  assert.deepEqual(p0.spec.containers[0].env, [
    { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
  ]);
  finish(byIndex(1), 0);
  sync();
  assert.equal(job().status.completedIndexes, '1');
  assert.deepEqual(live().map(indexOf).sort(), [0, 2]);
  finish(byIndex(2), 0);
  sync();
  assert.equal(job().status.completedIndexes, '1,2');
  assert.equal(job().status.succeeded, 2);
  finish(byIndex(0), 0);
  finish(byIndex(3), 0);
  sync();
  assert.equal(job().status.completedIndexes, '0-3');
  assert.deepEqual(conds(), ['SuccessCriteriaMet/CompletionsReached', 'Complete/CompletionsReached']);
});

test('Indexed: a failed index is retried with the same index after the back-off', () => {
  createJob({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
  sync();
  finish(byIndex(1), 1);
  const r = sync();
  assert.equal(job().status.failed, 1);
  assert.equal(r.requeueAfterMs, 10_000);
  assert.deepEqual(live().map(indexOf), [0]);
  clock.step(10_000);
  sync();
  assert.deepEqual(live().map(indexOf).sort(), [0, 1]);
});

test('Indexed: duplicate pods of one index and out-of-range indexes are deleted (elastic scale-down)', () => {
  createJob({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
  sync();
  const j = job();
  j.spec.completions = 2;
  j.spec.parallelism = 2;
  api.update(JOBS, 'default', j.metadata.name!, j);
  sync();
  assert.deepEqual(live().map(indexOf).sort(), [0, 1]);
  assert.equal(job().status.failed, undefined);
});

// ---------------------------------------------------------------- podFailurePolicy

const pfp = (rules: any[]) => ({ podFailurePolicy: { rules } });

test('podFailurePolicy FailJob on an exit code: FailureTarget/PodFailurePolicy with the rule message, others torn down', () => {
  createJob({ parallelism: 2, completions: 2, ...pfp([{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }]) });
  sync();
  const [a, b] = live();
  running(b);
  finish(a, 42);
  sync();
  const ft = job().status.conditions.find((c: any) => c.type === 'FailureTarget');
  assert.equal(ft.reason, 'PodFailurePolicy');
  assert.equal(ft.message, `Container c for pod default/${a.metadata.name} failed with exit code 42 matching FailJob rule at index 0`);
  assert.ok(tryGet(api, 'Pod', 'default', b.metadata.name!)?.metadata.deletionTimestamp, 'the other pod is being deleted');
  assert.equal(job().status.failed, 2, 'the torn-down pod counts as failed');
  assert.equal(job().status.terminating, 1);
  assert.ok(!conds().includes('Failed/PodFailurePolicy'), 'Failed waits for the pod to terminate');
  // The kubelet finishes the deletion.
  api.delete(PODS, 'default', b.metadata.name!, { gracePeriodSeconds: 0 });
  sync();
  assert.deepEqual(conds(), ['FailureTarget/PodFailurePolicy', 'Failed/PodFailurePolicy']);
  const warn = events().find((e) => e.reason === 'PodFailurePolicy');
  assert.equal(warn.type, 'Warning');
  assert.equal(warn.message, ft.message);
});

test('podFailurePolicy Ignore: not counted in failed nor backoffLimit, replaced after the back-off', () => {
  createJob({ backoffLimit: 0, ...pfp([{ action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } }]) });
  sync();
  finish(live()[0], 3);
  const r = sync();
  assert.equal(job().status.failed, undefined);
  assert.deepEqual(conds(), []);
  assert.equal(r.requeueAfterMs, 10_000, 'ignored failures still lengthen the back-off');
  clock.step(10_000);
  sync();
  assert.equal(live().length, 1);
});

test('podFailurePolicy NotIn and Count: exit codes outside the list fail the Job; Count is the default handling', () => {
  createJob({
    backoffLimit: 1,
    ...pfp([
      { action: 'Count', onExitCodes: { operator: 'In', values: [1] } },
      { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'NotIn', values: [1, 2] } },
    ]),
  });
  sync();
  finish(live()[0], 1);
  sync();
  assert.equal(job().status.failed, 1);
  assert.deepEqual(conds(), []);
  clock.step(10_000);
  sync();
  finish(live()[0], 7);
  sync();
  assert.deepEqual(conds(), ['FailureTarget/PodFailurePolicy', 'Failed/PodFailurePolicy']);
});

test('podFailurePolicy onPodConditions: DisruptionTarget is ignored', () => {
  createJob({ backoffLimit: 0, ...pfp([{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }]) });
  sync();
  finish(live()[0], 137, { conditions: [{ type: 'DisruptionTarget', status: 'True' }] });
  sync();
  assert.equal(job().status.failed, undefined);
  assert.deepEqual(conds(), []);
});

test('podFailurePolicy: a terminating pod is not replaced until it has failed (podReplacementPolicy Failed)', () => {
  createJob({ ...pfp([{ action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } }]) });
  assert.equal(job().spec.podReplacementPolicy, 'Failed');
  sync();
  const p = live()[0];
  running(p);
  api.delete(PODS, 'default', p.metadata.name!, { gracePeriodSeconds: 30 });
  sync();
  assert.equal(pods().length, 1, 'no replacement while it terminates');
  assert.equal(job().status.terminating, 1);
  assert.equal(job().status.failed, undefined);
});

// ---------------------------------------------------------------- podReplacementPolicy

test('podReplacementPolicy TerminatingOrFailed: a pod deleted by someone else counts as failed and is replaced at once', () => {
  createJob({});
  sync();
  const p = live()[0];
  running(p);
  api.delete(PODS, 'default', p.metadata.name!, { gracePeriodSeconds: 30 });
  sync();
  assert.equal(job().status.failed, 1);
  assert.equal(job().status.terminating, 1);
  // The pod-failure back-off counts from the deletion request.
  clock.step(10_000);
  sync();
  assert.equal(live().length, 1, 'replaced while the old pod still terminates');
  assert.equal(job().status.failed, 1, 'counted once');
});

test('podReplacementPolicy Failed (set explicitly): the replacement waits for the terminating pod', () => {
  createJob({ podReplacementPolicy: 'Failed' });
  sync();
  const p = live()[0];
  running(p);
  api.delete(PODS, 'default', p.metadata.name!, { gracePeriodSeconds: 30 });
  sync();
  assert.equal(live().length, 0);
  assert.equal(job().status.failed, undefined);
  finish(p, 143);
  sync();
  assert.equal(job().status.failed, 1);
});

// ---------------------------------------------------------------- backoffLimitPerIndex

test('backoffLimitPerIndex: per-index failure count annotation, failed index recorded, FailedIndexes at the end', () => {
  createJob({ completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1 });
  assert.equal(job().spec.backoffLimit, 2147483647);
  sync();
  assert.equal(byIndex(0).metadata.annotations!['batch.kubernetes.io/job-index-failure-count'], '0');
  finish(byIndex(0), 1);
  sync();
  assert.equal(job().status.failedIndexes, '');
  clock.step(10_000);
  sync();
  const retry = byIndex(0);
  assert.equal(retry.metadata.annotations!['batch.kubernetes.io/job-index-failure-count'], '1');
  finish(retry, 1);
  sync();
  assert.equal(job().status.failedIndexes, '0');
  clock.step(60_000);
  sync();
  assert.equal(live().filter((p) => indexOf(p) === 0).length, 0, 'a failed index is not retried');
  finish(byIndex(1), 0);
  sync();
  assert.deepEqual(conds(), ['FailureTarget/FailedIndexes', 'Failed/FailedIndexes']);
  assert.equal(job().status.completedIndexes, '1');
  assert.equal(job().status.failed, 2);
});

test("backoffLimitPerIndex: an index's last failed pod keeps its finalizer, uncounted, until the index's next pod exists; a failed index's pod, or a finishing Job's, goes at once", () => {
  createJob({ completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1, activeDeadlineSeconds: 12 });
  sync();
  const first = byIndex(0);
  finish(first, 1);
  const hasFinalizer = (p: KObject) => (api.get(PODS, 'default', p.metadata.name!).metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
  sync();
  assert.equal(job().status.failed, undefined, 'not counted while index 0 backs off');
  assert.equal(hasFinalizer(first), true);
  clock.step(10_000);
  sync();
  const retry = byIndex(0);
  assert.equal(retry.metadata.annotations!['batch.kubernetes.io/job-index-failure-count'], '1', 'the next pod takes the count from the pod kept');
  assert.equal(job().status.failed, undefined, 'the sync that creates the next pod has not seen it yet');
  sync();
  assert.equal(job().status.failed, 1, 'counted once the next pod exists');
  assert.equal(hasFinalizer(first), false);
  // The index's limit reached: it has failed, and nothing waits for a next pod.
  finish(retry, 1);
  sync();
  assert.equal(job().status.failedIndexes, '0');
  assert.equal(job().status.failed, 2);
  assert.equal(hasFinalizer(retry), false);
  // Index 1's pod fails: kept while the index backs off, until the Job's deadline ends it, and a
  // finishing Job lets every pod go.
  const other = byIndex(1);
  finish(other, 1);
  sync();
  assert.equal(job().status.failed, 2);
  assert.equal(hasFinalizer(other), true);
  clock.step(5_000);
  sync();
  assert.deepEqual(conds(), ['FailureTarget/DeadlineExceeded', 'Failed/DeadlineExceeded']);
  assert.equal(job().status.failed, 3);
  assert.equal(hasFinalizer(other), false);
});

test('backoffLimitPerIndex: an index backing off holds its place: no later index starts instead of it', () => {
  createJob({ completionMode: 'Indexed', completions: 3, parallelism: 2, backoffLimitPerIndex: 1 });
  sync();
  assert.deepEqual(live().map(indexOf).sort(), [0, 1]);
  finish(byIndex(0), 1);
  const r = sync();
  assert.deepEqual(live().map(indexOf).sort(), [1], 'index 0 waits out its back-off; index 2 does not start');
  assert.ok(r.requeueAfterMs !== undefined && r.requeueAfterMs > 0 && r.requeueAfterMs <= 10_000);
  clock.step(10_000);
  sync();
  assert.deepEqual(live().map(indexOf).sort(), [0, 1], 'then index 0 again');
});

test('backoffLimitPerIndex: the other running pods of a failed index are torn down and counted', () => {
  createJob({ completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 0 });
  sync();
  // A second pod for index 0, as when a replacement started while the first was terminating.
  const original = byIndex(0);
  const dup = structuredClone(original);
  dup.metadata = { ...dup.metadata, name: undefined, uid: undefined, resourceVersion: undefined, creationTimestamp: undefined };
  const twin = api.create(PODS, 'default', dup).object;
  finish(original, 1);
  sync();
  assert.equal(job().status.failedIndexes, '0');
  assert.equal(tryGet(api, 'Pod', 'default', twin.metadata.name!), undefined, 'the twin is deleted');
  assert.equal(job().status.failed, 2, 'and counted as failed');
  assert.ok(events().some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted pod: ${twin.metadata.name}`));
  assert.equal(byIndex(1) !== undefined, true, 'index 1 keeps running');
});

test('maxFailedIndexes exceeded: MaxFailedIndexesExceeded', () => {
  createJob({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 0, maxFailedIndexes: 0 });
  sync();
  finish(byIndex(2), 1);
  sync();
  assert.equal(job().status.failedIndexes, '2');
  assert.ok(conds().includes('FailureTarget/MaxFailedIndexesExceeded'));
  const ft = job().status.conditions[0];
  assert.equal(ft.message, 'Job has exceeded the specified maximal number of failed indexes');
});

test('FailIndex rule: the index fails at once, whatever its per-index limit', () => {
  createJob({
    completionMode: 'Indexed',
    completions: 2,
    parallelism: 2,
    backoffLimitPerIndex: 5,
    ...pfp([{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [9] } }]),
  });
  sync();
  finish(byIndex(1), 9);
  sync();
  assert.equal(job().status.failedIndexes, '1');
});

// ---------------------------------------------------------------- successPolicy

test('successPolicy succeededIndexes: SuccessCriteriaMet/SuccessPolicy, the rest deleted, then Complete', () => {
  createJob({ completionMode: 'Indexed', completions: 4, parallelism: 4, successPolicy: { rules: [{ succeededIndexes: '0,1', succeededCount: 1 }] } });
  sync();
  finish(byIndex(2), 0);
  sync();
  assert.deepEqual(conds(), [], 'index 2 is not in the rule');
  finish(byIndex(1), 0);
  sync();
  assert.deepEqual(conds(), ['SuccessCriteriaMet/SuccessPolicy']);
  assert.equal(job().status.conditions[0].message, 'Matched rules at index 0');
  assert.equal(job().status.terminating, 2);
  for (const p of pods().filter((p) => p.metadata.deletionTimestamp)) api.delete(PODS, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
  sync();
  assert.deepEqual(conds(), ['SuccessCriteriaMet/SuccessPolicy', 'Complete/SuccessPolicy']);
  assert.equal(job().status.failed, undefined, 'pods removed on success are not failures');
  assert.ok(job().status.completionTime);
});

test('successPolicy succeededCount only', () => {
  createJob({ completionMode: 'Indexed', completions: 5, parallelism: 5, successPolicy: { rules: [{ succeededIndexes: '4' }, { succeededCount: 2 }] } });
  sync();
  finish(byIndex(0), 0);
  finish(byIndex(3), 0);
  sync();
  assert.equal(job().status.conditions[0].message, 'Matched rules at index 1');
});

// ---------------------------------------------------------------- parallelism, suspend, deadline

test('parallelism scale up creates pods; scale down deletes the newest not-ready ones first, uncounted', () => {
  createJob({ parallelism: 1, completions: 10 });
  sync();
  running(live()[0]);
  let j = job();
  j.spec.parallelism = 3;
  api.update(JOBS, 'default', j.metadata.name!, j);
  clock.step(1000);
  sync();
  assert.equal(live().length, 3);
  const readyOne = live().find((p) => p.status?.phase === 'Running')!;
  j = job();
  j.spec.parallelism = 1;
  api.update(JOBS, 'default', j.metadata.name!, j);
  sync();
  assert.deepEqual(live().map((p) => p.metadata.name), [readyOne.metadata.name], 'the running, ready pod is kept');
  assert.equal(job().status.failed, undefined);
  assert.equal(job().status.active, 1);
});

test('parallelism 0 creates nothing and the Job is not suspended; completions 0 completes at once', () => {
  createJob({ parallelism: 0, completions: 2 });
  sync();
  assert.equal(pods().length, 0);
  assert.deepEqual(conds(), []);
  createJob({ completions: 0 }, 'zero');
  sync('zero');
  assert.deepEqual(conds('zero'), ['SuccessCriteriaMet/CompletionsReached', 'Complete/CompletionsReached']);
});

test('created suspended: no startTime, no pods, Suspended; resume sets startTime and creates pods', () => {
  createJob({ suspend: true });
  sync();
  assert.equal(pods().length, 0);
  assert.equal(job().status.startTime, undefined);
  assert.deepEqual(conds(), ['Suspended/JobSuspended']);
  clock.step(60_000);
  const j = job();
  j.spec.suspend = false;
  api.update(JOBS, 'default', j.metadata.name!, j);
  sync();
  assert.equal(job().status.startTime, '2026-11-23T12:01:00Z');
  assert.deepEqual(conds(), ['Suspended/JobResumed']);
  assert.equal(job().status.conditions[0].status, 'False');
  assert.equal(live().length, 1);
  assert.deepEqual(events().map((e) => e.reason), ['Suspended', 'SuccessfulCreate', 'Resumed']);
});

test('suspending a running Job deletes its pods without counting them; no deadline while suspended', () => {
  createJob({ parallelism: 2, completions: 2, activeDeadlineSeconds: 10 });
  sync();
  for (const p of live()) running(p);
  const j = job();
  j.spec.suspend = true;
  api.update(JOBS, 'default', j.metadata.name!, j);
  const r = sync();
  assert.equal(r.requeueAfterMs, undefined, 'no deadline re-sync while suspended');
  assert.equal(live().length, 0);
  assert.ok(pods().every((p) => !p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)));
  clock.step(60_000);
  sync();
  assert.equal(job().status.failed, undefined);
  assert.deepEqual(conds(), ['Suspended/JobSuspended']);
});

test('activeDeadlineSeconds: requeued at the deadline, then DeadlineExceeded with running pods torn down', () => {
  createJob({ activeDeadlineSeconds: 30 });
  const r = sync();
  assert.equal(r.requeueAfterMs, 30_000);
  running(live()[0]);
  clock.step(30_000);
  sync();
  assert.deepEqual(conds(), ['FailureTarget/DeadlineExceeded']);
  assert.equal(job().status.failed, 1);
  assert.equal(job().status.active, undefined);
  for (const p of pods()) api.delete(PODS, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
  sync();
  assert.deepEqual(conds(), ['FailureTarget/DeadlineExceeded', 'Failed/DeadlineExceeded']);
  assert.ok(events().some((e) => e.reason === 'DeadlineExceeded' && e.type === 'Warning' && e.message === 'Job was active longer than specified deadline'));
});

test('OnFailure: container restarts count toward backoffLimit with ≥', () => {
  createJob({ restartPolicy: 'OnFailure', backoffLimit: 3 });
  sync();
  running(live()[0], 2);
  sync();
  assert.deepEqual(conds(), []);
  running(live()[0], 3);
  sync();
  assert.deepEqual(conds(), ['FailureTarget/BackoffLimitExceeded']);
});

test('several containers per pod: the pod fails if one container fails; exit codes matched per container', () => {
  createJob({
    containers: [
      { name: 'a', image: 'busybox' },
      { name: 'b', image: 'busybox' },
    ],
    ...pfp([{ action: 'FailJob', onExitCodes: { containerName: 'b', operator: 'In', values: [5] } }]),
  });
  sync();
  const p = tryGet(api, 'Pod', 'default', live()[0].metadata.name!)!;
  const t = rfc3339(clock.now());
  p.status = {
    phase: 'Failed',
    containerStatuses: [
      { name: 'a', state: { terminated: { exitCode: 5, finishedAt: t } } },
      { name: 'b', state: { terminated: { exitCode: 0, finishedAt: t } } },
    ],
  };
  api.updateStatus(PODS, 'default', p.metadata.name!, p);
  sync();
  assert.equal(job().status.failed, 1);
  assert.deepEqual(conds(), [], 'container a exited 5, but the rule names container b');
});
