// CronJob commands on a stopped simulated clock (nothing fires unless the test moves the clock):
// imperative create as kubectl prints it, manual runs, the next-runs command, validation,
// orphaning, suspend/resume, and the engine staying up for a CronJob.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, golden } from './helpers.js';
import { CREATE_CASES } from './cronjob-create-cases.js';

const sb = new Sandbox();
after(() => sb.cleanup());
before(() => {
  const r = sb.kjob(['clock', 'set', '--time=2026-03-27T12:00:00Z', '--rate=0']);
  assert.equal(r.stdout, 'clock: simulated, 2026-03-27T12:00:00Z, stopped (kjob clock advance moves it)\n', r.stderr);
});

const ok = (args: string[]) => {
  const r = sb.kjob(args);
  assert.equal(r.code, 0, `kjob ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const json = (args: string[]) => JSON.parse(ok([...args, '-o', 'json']));

test('create job|cronjob --dry-run=client: what kubectl prints for the same flags', () => {
  for (const c of CREATE_CASES) {
    const r = sb.kjob(c.args);
    assert.equal(r.stdout + r.stderr, golden(`cronjob/${c.golden}`).replace("'kubectl create", "'kjob create"), c.args.join(' '));
  }
});

test('create cronjob, then schedule prints its next runs; a time zone across the DST change', () => {
  assert.equal(ok(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'date']), 'cronjob.batch/nightly created\n');
  const cj = json(['get', 'cj', 'nightly']);
  assert.equal(cj.spec.jobTemplate.spec.template.spec.restartPolicy, 'OnFailure');
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  assert.equal(
    ok(['schedule', 'cronjob/nightly', '--count', '2']),
    [
      'Next 2 runs of cronjob.batch/nightly ("0 3 * * *", local time of the engine, UTC):',
      'Last run: none yet',
      '┌──────────────────────┬─────┬─────────────┐',
      '│ RUN (UTC)            │ IN  │ WILL IT RUN │',
      '├──────────────────────┼─────┼─────────────┤',
      '│ 2026-03-28T03:00:00Z │ 15h │ runs        │',
      '│ 2026-03-29T03:00:00Z │ 39h │ runs        │',
      '└──────────────────────┴─────┴─────────────┘',
      '',
    ].join('\n'),
  );
  // a time zone, and its DST change (Paris moves to UTC+2 on 2026-03-29), beside local time
  assert.equal(
    ok(['schedule', '--schedule', '0 9 * * *', '--time-zone', 'Europe/Paris', '--count', '3']),
    [
      'Next 3 runs of "0 9 * * *" (Europe/Paris):',
      '┌───────────────────────────┬──────────────────────┬───────┬──────────────────────────────────────┐',
      '│ RUN (Europe/Paris)        │ LOCAL (UTC)          │ IN    │ NOTE                                 │',
      '├───────────────────────────┼──────────────────────┼───────┼──────────────────────────────────────┤',
      '│ 2026-03-28T09:00:00+01:00 │ 2026-03-28T08:00:00Z │ 20h   │                                      │',
      '│ 2026-03-29T09:00:00+02:00 │ 2026-03-29T07:00:00Z │ 43h   │ clocks change: UTC+01:00 → UTC+02:00 │',
      '│ 2026-03-30T09:00:00+02:00 │ 2026-03-30T07:00:00Z │ 2d19h │                                      │',
      '└───────────────────────────┴──────────────────────┴───────┴──────────────────────────────────────┘',
      '',
    ].join('\n'),
  );
  // London's gap (2026-03-29 01:00 → 02:00): no 01:30 that day, robfig/cron's rule
  assert.equal(
    ok(['schedule', '--schedule', '30 1 * * *', '--time-zone', 'Europe/London', '--count', '2']),
    [
      'Next 2 runs of "30 1 * * *" (Europe/London):',
      '┌───────────────────────────┬──────────────────────┬───────┬────────────────────────────────┐',
      '│ RUN (Europe/London)       │ LOCAL (UTC)          │ IN    │ NOTE                           │',
      '├───────────────────────────┼──────────────────────┼───────┼────────────────────────────────┤',
      '│ 2026-03-28T01:30:00Z      │ 2026-03-28T01:30:00Z │ 13h   │                                │',
      '│ 2026-03-30T01:30:00+01:00 │ 2026-03-30T00:30:00Z │ 2d12h │ clocks change: UTC → UTC+01:00 │',
      '└───────────────────────────┴──────────────────────┴───────┴────────────────────────────────┘',
      '',
    ].join('\n'),
  );
  // colour only when asked for (FORCE_COLOR) and not refused (--no-color, NO_COLOR)
  const forced = sb.kjob(['schedule', '--schedule', '0 9 * * *', '--time-zone', 'Europe/Paris', '--count', '2'], { env: { FORCE_COLOR: '1' } });
  assert.match(forced.stdout, /\x1b\[1mRUN \(Europe\/Paris\)\x1b\[22m/);
  assert.match(forced.stdout, /\x1b\[33mclocks change/);
  for (const env of [{ FORCE_COLOR: '1', NO_COLOR: '1' }, {}]) {
    assert.doesNotMatch(sb.kjob(['schedule', '--schedule', '0 9 * * *', '--time-zone', 'Europe/Paris', '--count', '2'], { env }).stdout, /\x1b/);
  }
  assert.doesNotMatch(sb.kjob(['--no-color', 'schedule', '--schedule', '0 9 * * *', '--time-zone', 'Europe/Paris'], { env: { FORCE_COLOR: '1' } }).stdout, /\x1b/);
  const bad = sb.kjob(['schedule', '--schedule', '0 0 30 2 *']);
  assert.match(bad.stdout, /none within the next five years/);
  const missing = sb.kjob(['schedule', 'nope']);
  assert.equal(missing.stderr, 'Error from server (NotFound): cronjobs.batch "nope" not found\n');
});

test('the apiserver refuses bad schedules and time zones with its messages', () => {
  const r = sb.kjob(['create', 'cronjob', 'bad', '--image=b', '--schedule=* * * * * *']);
  assert.equal(r.stderr, 'error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "* * * * * *": expected exactly 5 fields, found 6: [* * * * * *]\n');
  assert.equal(r.code, 1);
  const tz = sb.kjob(['create', 'cronjob', 'bad', '--image=b', '--schedule=TZ=UTC 0 * * * *']);
  assert.match(tz.stderr, /spec.schedule: Invalid value: "TZ=UTC 0 \* \* \* \*": cannot use TZ or CRON_TZ in schedule, use timeZone field instead/);
  const file = path.join(sb.home, 'tz.yaml');
  fs.writeFileSync(
    file,
    'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tz\nspec:\n  schedule: "@every 1x"\n  timeZone: Mars/Olympus\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: b}]\n',
  );
  const a = sb.kjob(['apply', '-f', file]);
  assert.equal(
    a.stderr,
    'The CronJob "tz" is invalid: \n* spec.schedule: Invalid value: "@every 1x": failed to parse duration @every 1x: time: unknown unit "x" in duration "1x"\n* spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus\n',
  );
});

test('create job --from=cronjob: a manual run with the instantiate annotation; --cascade=orphan keeps it', async () => {
  assert.equal(ok(['create', 'job', 'nightly-manual', '--from=cronjob/nightly']), 'job.batch/nightly-manual created\n');
  const job = json(['get', 'job', 'nightly-manual']);
  const cj = json(['get', 'cj', 'nightly']);
  assert.equal(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
  assert.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true }]);
  await sb.until('the manual run to complete', () => sb.kjob(['get', 'job', 'nightly-manual']).stdout.includes('Complete'), 30_000, 200);
  assert.equal(ok(['delete', 'cronjob', 'nightly', '--cascade=orphan']), 'cronjob.batch "nightly" deleted\n');
  const kept = json(['get', 'job', 'nightly-manual']);
  assert.equal(kept.metadata.ownerReferences, undefined);
});

test('suspend and resume on the simulated clock: one Job for the most recent missed slot', async () => {
  const file = path.join(sb.home, 'every.yaml');
  const manifest = (suspend: boolean) =>
    `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: every\nspec:\n  schedule: "*/5 * * * *"\n  suspend: ${suspend}\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: busybox, command: ["true"]}]\n`;
  fs.writeFileSync(file, manifest(true));
  ok(['apply', '-f', file]);
  ok(['clock', 'advance', '17m']); // 12:05, 12:10 and 12:15 pass while suspended
  assert.equal(sb.kjob(['get', 'jobs', '-l', 'x!=y', '-o', 'name']).stdout.includes('every-'), false);
  assert.match(sb.kjob(['schedule', 'every', '--count', '1']).stderr, /^Warning: cronjob.batch\/every is suspended/);
  fs.writeFileSync(file, manifest(false));
  ok(['apply', '-f', file]);
  const name = `every-${Date.parse('2026-03-27T12:15:00Z') / 60_000}`;
  await sb.until('the Job of the 12:15 slot', () => sb.kjob(['get', 'job', name]).code === 0, 20_000, 100);
  const st = json(['get', 'cj', 'every']).status;
  assert.equal(st.lastScheduleTime, '2026-03-27T12:15:00Z');
  // the engine stays up while a CronJob is not suspended, even with nothing running
  await sb.until('the Job to complete', () => sb.kjob(['get', 'job', name]).stdout.includes('Complete'), 30_000, 200);
  await new Promise((r) => setTimeout(r, 3000));
  assert.match(ok(['controller', 'status']), /^engine: running/);
});
