// Describe goldens: test/golden/printers/describe-*.txt were printed by the real kubectl v1.32.4
// (TZ=UTC, one with TZ=America/New_York) for the objects in world.json, served by kube-mirror
// (see capture.sh). kubectl prints ages against its own clock, so capture.sh records, for each
// golden, the wall-clock second kubectl ran in (nows.json) and the test passes that instant as
// `now`: the comparison is byte-exact, nothing is masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeJob, describePod, describeCronJob, describeObjects, formatRFC1123Z, setDescribeTimeZone } from './describe.js';
import type { KObject } from '../api/types.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../test/golden/printers');
const world = JSON.parse(fs.readFileSync(path.join(dir, 'world.json'), 'utf8'));
const nows = JSON.parse(fs.readFileSync(path.join(dir, 'nows.json'), 'utf8'));
const items: KObject[] = world.items;
const get = (kind: string, name: string) => {
  const o = items.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name}`);
  return o;
};
const eventsFor = (o: KObject) => items.filter((e: any) => e.kind === 'Event' && e.involvedObject.uid === o.metadata.uid);
const golden = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
const nowFor = (f: string) => new Date(nows[f]);

const utc = () => 0;
// America/New_York: EST (-300) in November.
const newYork = (d: Date) => {
  const s = d.toLocaleString('en-US', { timeZone: 'America/New_York', timeZoneName: 'longOffset' });
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(s);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
};

function check(file: string, f: (now: Date) => string, tz = utc): void {
  setDescribeTimeZone(tz);
  try {
    assert.equal(f(nowFor(file)), golden(file));
  } finally {
    setDescribeTimeZone(null);
  }
}

test('describe job pi (completed, SuccessCriteriaMet+Complete, last-applied hidden)', () => {
  const j = get('Job', 'pi');
  check('describe-job-pi.txt', (now) => describeJob(j, eventsFor(j), now));
});

test('describe job pi in America/New_York', () => {
  const j = get('Job', 'pi');
  check('describe-job-pi-newyork.txt', (now) => describeJob(j, eventsFor(j), now), newYork);
});

test('describe indexed job: init container, emptyDir, hostPath, env, resources, tolerations, long annotation', () => {
  const j = get('Job', 'indexed');
  check('describe-job-indexed.txt', (now) => describeJob(j, eventsFor(j), now));
});

test('describe job: Completed Indexes soft cap', () => {
  const j = get('Job', 'sparse');
  check('describe-job-sparse.txt', (now) => describeJob(j, eventsFor(j), now));
});

test('describe failed job: Pods Statuses without ready', () => {
  const j = get('Job', 'failing');
  check('describe-job-failing.txt', (now) => describeJob(j, eventsFor(j), now));
});

test('describe pod pi (Succeeded, projected volume, conditions, tolerations)', () => {
  const p = get('Pod', 'pi-x7k2p');
  check('describe-pod-pi.txt', (now) => describePod(p, eventsFor(p), now));
});

test('describe pod in CrashLoopBackOff with StartError last state and repeated events', () => {
  const p = get('Pod', 'crash-1');
  check('describe-pod-crash.txt', (now) => describePod(p, eventsFor(p), now));
});

test('describe pending, terminating pod (empty IP, no container ID)', () => {
  const p = get('Pod', 'pending-1');
  check('describe-pod-pending.txt', (now) => describePod(p, eventsFor(p), now));
});

test('describe pod web-0: init + two containers, probes, envFrom, env forms, ports, resources, readiness gates, volumes', () => {
  const p = get('Pod', 'web-0');
  check('describe-pod-web.txt', (now) => describePod(p, eventsFor(p), now));
});

test('describe cronjob nightly: selector, limits unset, deadlines, several active jobs', () => {
  const c = get('CronJob', 'nightly');
  check('describe-cronjob-nightly.txt', (now) => describeCronJob(c, [], eventsFor(c), now));
});

test('describe suspended job controlled by a CronJob, without completion mode', () => {
  const j = get('Job', 'manual-1');
  check('describe-job-manual.txt', (now) => describeJob(j, eventsFor(j), now));
});

test('describe cronjob hello', () => {
  const c = get('CronJob', 'hello');
  check('describe-cronjob-hello.txt', (now) => describeCronJob(c, [], eventsFor(c), now));
});

test('describe several objects', () => {
  const a = get('Job', 'pi');
  const b = get('Job', 'failing');
  check('describe-jobs-multi.txt', (now) => describeObjects([describeJob(a, eventsFor(a), now), describeJob(b, eventsFor(b), now)]));
});

test('formatRFC1123Z', () => {
  assert.equal(formatRFC1123Z('2026-11-23T12:31:52Z', utc), 'Mon, 23 Nov 2026 12:31:52 +0000');
  assert.equal(formatRFC1123Z('2026-11-23T12:36:42Z', newYork), 'Mon, 23 Nov 2026 07:36:42 -0500');
  assert.equal(formatRFC1123Z('2026-07-01T00:00:00Z', newYork), 'Tue, 30 Jun 2026 20:00:00 -0400');
  assert.equal(formatRFC1123Z('2026-01-01T00:00:00Z', () => 330), 'Thu, 01 Jan 2026 05:30:00 +0530');
  assert.equal(formatRFC1123Z('1970-01-01T00:00:00Z', utc), 'Thu, 01 Jan 1970 00:00:00 +0000');
  assert.equal(formatRFC1123Z(undefined, utc), 'Mon, 01 Jan 0001 00:00:00 +0000');
});

test('describe: annotation longer than 140 is split, multi-line annotation', () => {
  const j: KObject = JSON.parse(JSON.stringify(get('Job', 'failing')));
  j.metadata.annotations = { long: 'x'.repeat(150), multi: 'a\nb\n' };
  const out = describeJob(j, [], new Date(nows['describe-job-failing.txt']));
  assert.match(out, new RegExp(`Annotations:\\s+long:\\n\\s+ ${'x'.repeat(138)}\\.\\.\\.\\n\\s+multi:\\n\\s+ a\\n\\s+ b\\n`));
});
