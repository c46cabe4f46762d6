// One syncCronJob at a time on a real Store in a temp dir, under a FakeClock: no waiting.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, recordingAPI, type TestAPI } from '../../apiserver/testing.js';
import type { LocalAPIServer } from '../../apiserver/apiserver.js';
import { JOBS, PODS, EVENTS, CRONJOBS, tryGet } from '../../client/client.js';
import type { FakeClock } from '../../util/clock.js';
import { resourceForKind } from '../../api/resources.js';
import { rfc3339, type KObject } from '../../api/types.js';
import { CronJobController } from './cronjob_controller.js';
import { SCHEDULED_TIMESTAMP_ANNOTATION, mostRecentScheduleTime } from './utils.js';
import { parseStandard } from '../../util/cron/cron.js';

process.env.TZ = 'UTC';

let t: TestAPI;
let api: LocalAPIServer;
let clock: FakeClock;
let cc: CronJobController;

beforeEach(() => {
  // 20s past the minute, as a user typing `kjob apply` would be
  t = openTestAPI('cjctl', '2026-11-23T12:00:20Z');
  ({ api, clock } = t);
  cc = new CronJobController({ api, clock });
});

afterEach(() => t.dispose());

function createCronJob(spec: Record<string, unknown> = {}, name = 'hello', labels?: Record<string, string>): KObject {
  const manifest: KObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: {
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox', command: ['true'] }] } } },
      },
      ...spec,
    },
  };
  return api.create(CRONJOBS, 'default', manifest).object;
}

const sync = (name = 'hello') => cc.syncCronJob(`default/${name}`);
const cj = (name = 'hello') => api.get(CRONJOBS, 'default', name);
const jobs = () => api.list(JOBS, { namespace: 'default' }).items;
const jobNames = () => jobs().map((j) => j.metadata.name);
const events = () =>
  api
    .list(EVENTS, { namespace: 'default' })
    .items.map((e) => e as unknown as { reason: string; message: string; type: string; firstTimestamp: string; metadata: { resourceVersion: string } })
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
const reasons = () => events().map((e) => e.reason);
const minutes = (iso: string) => Date.parse(iso) / 60_000;

/** What the Job controller writes when a Job ends. */
function finishJob(name: string, type: 'Complete' | 'Failed', startedAt?: string): void {
  const j = api.get(JOBS, 'default', name);
  const t = rfc3339(clock.now());
  j.status = {
    ...(j.status ?? {}),
    startTime: startedAt ?? j.status?.startTime ?? t,
    conditions: [{ type, status: 'True', lastProbeTime: t, lastTransitionTime: t }],
    ...(type === 'Complete' ? { completionTime: t, succeeded: 1 } : { failed: 1 }),
  };
  api.updateStatus(JOBS, 'default', name, j);
}

function startJob(name: string): void {
  const j = api.get(JOBS, 'default', name);
  j.status = { ...(j.status ?? {}), startTime: rfc3339(clock.now()), active: 1 };
  api.updateStatus(JOBS, 'default', name, j);
}

test('the requests of a sync with a slot due: the Job, its event, the status (one atomic step)', () => {
  const rec = recordingAPI(api);
  const c = new CronJobController({ api: rec, clock });
  createCronJob();
  clock.set('2026-11-23T12:01:00Z');
  c.syncCronJob('default/hello');
  assert.deepEqual(rec.writes(), [`create jobs hello-${minutes('2026-11-23T12:01:00Z')}`, 'create events SuccessfulCreate', 'update cronjobs/status hello']);
});

test('nothing is due before the first slot: requeue at the next minute + 100ms', () => {
  createCronJob();
  const r = sync();
  assert.equal(jobs().length, 0);
  assert.equal(r.requeueAfterMs, 40_100);
  assert.deepEqual(reasons(), []);
});

test('the Job of a slot: name, scheduled-timestamp annotation, owner reference, template labels; status', () => {
  const c = createCronJob({ jobTemplate: { metadata: { labels: { team: 'a' }, annotations: { note: 'x' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } }, 'hello', {
    own: 'not-copied',
  });
  clock.set('2026-11-23T12:01:00.100Z');
  const r = sync();
  const [job] = jobs();
  assert.equal(job.metadata.name, `hello-${minutes('2026-11-23T12:01:00Z')}`);
  assert.equal(job.metadata.name, 'hello-29923921');
  assert.deepEqual(job.metadata.annotations, { note: 'x', [SCHEDULED_TIMESTAMP_ANNOTATION]: '2026-11-23T12:01:00Z' });
  assert.equal(job.metadata.labels!.team, 'a');
  assert.equal(job.metadata.labels!.own, undefined);
  assert.equal(job.spec.template.metadata.labels['batch.kubernetes.io/job-name'], 'hello-29923921', 'defaulted and labelled as any Job');
  assert.deepEqual(job.metadata.ownerReferences, [
    { apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: c.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  assert.equal(job.spec.backoffLimit, 6, 'Job defaults applied');
  assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  const st = cj().status;
  assert.equal(st.lastScheduleTime, '2026-11-23T12:01:00Z');
  assert.deepEqual(st.active, [
    { kind: 'Job', namespace: 'default', name: 'hello-29923921', uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion },
  ]);
  assert.deepEqual(events().map((e) => [e.type, e.reason, e.message]), [['Normal', 'SuccessfulCreate', 'Created job hello-29923921']]);
  assert.equal(r.requeueAfterMs, 60_000);
});

test('a sync is idempotent: the same slot never gives a second Job', () => {
  createCronJob();
  clock.set('2026-11-23T12:01:00Z');
  sync();
  sync();
  clock.step(30_000);
  sync();
  assert.equal(jobs().length, 1);
});

test('a schedule equal to the creation second does not fire', () => {
  clock.set('2026-11-23T12:00:00Z');
  createCronJob();
  clock.set('2026-11-23T12:00:30Z');
  sync();
  assert.equal(jobs().length, 0);
});

test('missed slots (engine down 10 minutes): one Job, for the most recent slot only', () => {
  createCronJob();
  clock.set('2026-11-23T12:10:30Z');
  const r = sync();
  assert.deepEqual(jobNames(), [`hello-${minutes('2026-11-23T12:10:00Z')}`]);
  assert.equal(cj().status.lastScheduleTime, '2026-11-23T12:10:00Z');
  assert.ok(!reasons().includes('TooManyMissedTimes'));
  assert.equal(r.requeueAfterMs, 30_100);
});

test('more than 100 missed slots: TooManyMissedTimes, and the most recent slot still runs', () => {
  createCronJob();
  clock.set('2026-11-23T13:42:05Z'); // 102 slots since 12:01
  sync();
  assert.deepEqual(jobNames(), [`hello-${minutes('2026-11-23T13:42:00Z')}`]);
  const w = events().find((e) => e.reason === 'TooManyMissedTimes')!;
  assert.equal(w.type, 'Warning');
  assert.equal(w.message, 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
});

test('exactly 100 missed slots is not "too many"', () => {
  createCronJob();
  clock.set('2026-11-23T13:40:30Z'); // 12:01 .. 13:40 = 100 slots
  const mr = mostRecentScheduleTime(cj(), clock.now().getTime(), parseStandard('*/1 * * * *'), true);
  assert.equal(mr.missed, 'few');
  sync();
  assert.ok(!reasons().includes('TooManyMissedTimes'));
});

test('startingDeadlineSeconds: a slot older than the deadline is skipped silently; a recent one runs', () => {
  createCronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 60 });
  clock.set('2026-11-23T13:05:00Z'); // 13:00 is 5 minutes late
  const r = sync();
  assert.equal(jobs().length, 0);
  assert.deepEqual(reasons(), []);
  assert.equal(r.requeueAfterMs, 55 * 60_000 + 100);
  clock.set('2026-11-23T14:00:45Z');
  sync();
  assert.deepEqual(jobNames(), [`hello-${minutes('2026-11-23T14:00:00Z')}`]);
});

test('startingDeadlineSeconds bounds the missed-slot count: no TooManyMissedTimes', () => {
  createCronJob({ startingDeadlineSeconds: 200 });
  clock.set('2026-11-23T15:00:10Z');
  sync();
  assert.deepEqual(jobNames(), [`hello-${minutes('2026-11-23T15:00:00Z')}`]);
  assert.ok(!reasons().includes('TooManyMissedTimes'));
});

test('concurrencyPolicy Allow: a new Job while the previous one runs', () => {
  createCronJob();
  clock.set('2026-11-23T12:01:00Z');
  sync();
  clock.set('2026-11-23T12:02:00Z');
  sync();
  assert.equal(jobs().length, 2);
  assert.equal(cj().status.active.length, 2);
});

test('concurrencyPolicy Forbid: the slot is skipped while a Job is active, and started late when it ends', () => {
  createCronJob({ concurrencyPolicy: 'Forbid' });
  clock.set('2026-11-23T12:01:00Z');
  sync();
  clock.set('2026-11-23T12:02:00.100Z');
  const r = sync();
  assert.equal(jobs().length, 1);
  const e = events().find((x) => x.reason === 'JobAlreadyActive')!;
  assert.equal(e.message, 'Not starting job because prior execution is running and concurrency policy is Forbid');
  assert.equal(r.requeueAfterMs, 60_000);
  clock.set('2026-11-23T12:02:30Z');
  finishJob('hello-29923921', 'Complete');
  sync(); // the Job-finished event re-syncs the CronJob
  assert.deepEqual(jobNames(), ['hello-29923921', 'hello-29923922']);
  assert.deepEqual(reasons().slice(-2), ['SawCompletedJob', 'SuccessfulCreate']);
});

test('concurrencyPolicy Replace: the active Job is deleted and a new one created in the same sync', () => {
  createCronJob({ concurrencyPolicy: 'Replace' });
  clock.set('2026-11-23T12:01:00Z');
  sync();
  clock.set('2026-11-23T12:02:00Z');
  sync();
  assert.deepEqual(jobNames(), ['hello-29923922']);
  assert.deepEqual(
    events().map((e) => [e.reason, e.message]),
    [
      ['SuccessfulCreate', 'Created job hello-29923921'],
      ['SuccessfulDelete', 'Deleted job hello-29923921'],
      ['SuccessfulCreate', 'Created job hello-29923922'],
    ],
  );
  assert.deepEqual(cj().status.active.map((r: { name: string }) => r.name), ['hello-29923922']);
});

test('a finished Job leaves active with SawCompletedJob; lastSuccessfulTime follows completionTime', () => {
  createCronJob();
  clock.set('2026-11-23T12:01:00Z');
  sync();
  clock.set('2026-11-23T12:01:07Z');
  finishJob('hello-29923921', 'Complete');
  sync();
  const st = cj().status;
  assert.equal(st.active, undefined, 'active is omitempty');
  assert.equal(st.lastSuccessfulTime, '2026-11-23T12:01:07Z');
  assert.equal(events().at(-1)!.message, 'Saw completed job: hello-29923921, condition: Complete');
});

test('history limits: successful 3 and failed 1 keep the newest by startTime; SuccessfulDelete', () => {
  createCronJob();
  const names: string[] = [];
  for (let m = 1; m <= 6; m++) {
    clock.set(`2026-11-23T12:0${m}:00Z`);
    sync();
    const name = `hello-${29923920 + m}`;
    names.push(name);
    startJob(name);
    clock.step(5000);
    finishJob(name, m === 2 || m === 3 ? 'Failed' : 'Complete');
    sync();
  }
  // succeeded: 1, 4, 5, 6 → 1 pruned; failed: 2, 3 → 2 pruned
  assert.deepEqual(jobNames(), ['hello-29923923', 'hello-29923924', 'hello-29923925', 'hello-29923926']);
  const deletes = events().filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
  assert.deepEqual(deletes.sort(), ['Deleted job hello-29923921', 'Deleted job hello-29923922']);
});

test('history limit 0 keeps no finished Job (not even one to report SawCompletedJob for)', () => {
  createCronJob({ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 });
  clock.set('2026-11-23T12:01:00Z');
  sync();
  finishJob('hello-29923921', 'Complete');
  clock.set('2026-11-23T12:02:00Z');
  sync();
  finishJob('hello-29923922', 'Failed');
  sync();
  assert.deepEqual(jobNames(), []);
  assert.deepEqual(reasons(), ['SuccessfulCreate', 'SuccessfulDelete', 'SuccessfulCreate', 'SuccessfulDelete']);
  assert.equal(cj().status.active, undefined);
});

test('suspend: no Job and no requeue; resuming starts one Job for the most recent missed slot', () => {
  createCronJob({ suspend: true });
  clock.set('2026-11-23T12:05:30Z');
  assert.deepEqual(sync(), {});
  assert.equal(jobs().length, 0);
  const c = cj();
  c.spec.suspend = false;
  api.update(CRONJOBS, 'default', c.metadata.name!, c);
  sync();
  assert.deepEqual(jobNames(), [`hello-${minutes('2026-11-23T12:05:00Z')}`]);
});

test('timeZone: slots in the zone, the annotation in the zone, across a DST change', () => {
  clock.set('2026-03-28T12:00:00Z');
  createCronJob({ schedule: '0 9 * * *', timeZone: 'Europe/Paris' });
  clock.set('2026-03-29T07:00:01Z'); // 09:00 CEST, the first day of summer time
  sync();
  const [job] = jobs();
  assert.equal(job.metadata.annotations![SCHEDULED_TIMESTAMP_ANNOTATION], '2026-03-29T09:00:00+02:00');
  assert.equal(job.metadata.name, `hello-${minutes('2026-03-29T07:00:00Z')}`);
  assert.equal(cj().status.lastScheduleTime, '2026-03-29T07:00:00Z');
  // the day before it was 09:00 CET = 08:00Z: nothing ran at 08:00Z on the 29th
  const r = sync();
  assert.equal(r.requeueAfterMs, 24 * 3_600_000 - 1000 + 100);
});

test('an impossible schedule (Feb 30): InvalidSchedule, no requeue', () => {
  createCronJob({ schedule: '0 0 30 2 *' });
  const r = sync();
  assert.equal(r.requeueAfterMs, undefined);
  const e = events()[0];
  assert.equal(e.reason, 'InvalidSchedule');
  assert.equal(e.message, 'invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second');
});

test('@every 90s: slots from the creation time', () => {
  createCronJob({ schedule: '@every 90s' });
  clock.set('2026-11-23T12:01:50Z');
  sync();
  assert.equal(cj().status.lastScheduleTime, '2026-11-23T12:01:50Z');
  clock.set('2026-11-23T12:03:20Z');
  sync();
  assert.equal(jobs().length, 2);
});

test('an unfinished Job it owns but does not list: UnexpectedJob; an active Job gone: MissingJob', () => {
  const c = createCronJob();
  api.create(JOBS, 'default', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'stray', namespace: 'default', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: c.metadata.uid!, controller: true }] },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  sync();
  assert.equal(events()[0].message, 'Saw a job that the controller did not create or forgot: stray');
  api.delete(JOBS, 'default', 'stray', { propagationPolicy: 'Background' });
  clock.set('2026-11-23T12:01:00Z');
  sync();
  api.delete(JOBS, 'default', 'hello-29923921', { propagationPolicy: 'Background' });
  sync();
  assert.equal(events().at(-1)!.reason, 'MissingJob');
  assert.equal(events().at(-1)!.message, 'Active job went missing: hello-29923921');
  assert.equal(cj().status.active, undefined);
});

test('a CronJob being deleted creates nothing', () => {
  createCronJob();
  const c = cj();
  c.metadata.finalizers = ['foregroundDeletion'];
  api.update(CRONJOBS, 'default', c.metadata.name!, c);
  api.delete(CRONJOBS, 'default', 'hello', { propagationPolicy: 'Foreground' });
  clock.set('2026-11-23T12:05:00Z');
  sync();
  assert.equal(jobs().length, 0);
});

test('a changed schedule requeues at its next time; an unchanged one at once', () => {
  const c = createCronJob();
  c.spec.schedule = '30 12 * * *';
  assert.equal(cc.onUpdate({ schedule: '*/1 * * * *' }, c), 29 * 60_000 + 40_000 + 100);
  assert.equal(cc.onUpdate({ schedule: '30 12 * * *' }, c), 0);
});

test('validation: the parser and LoadLocation messages reach the apiserver errors', () => {
  const bad = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'x', namespace: 'default' },
    spec: { schedule: '61 * * * *', timeZone: 'Mars/Olympus', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } } },
  };
  assert.throws(
    () => api.create(CRONJOBS, 'default', bad),
    (e: any) =>
      JSON.stringify(e.details.causes.map((c: any) => `${c.field}: ${c.message}`)) ===
      JSON.stringify(['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61', 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']),
  );
});
