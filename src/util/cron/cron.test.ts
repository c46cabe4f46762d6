// The cron parser and Next(): robfig/cron v3 semantics, error messages, time zones and DST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStandard, scheduleError, formatSchedule, ConstantDelaySchedule } from './cron.js';
import { parseGoDuration } from '../../util/go.js';
import { loadLocation, loadLocationError, Zone } from './zone.js';

// Schedules without a time zone are evaluated in the process's zone (the controller manager's).
process.env.TZ = 'UTC';

const T = (s: string) => Date.parse(s);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString().replace('.000Z', 'Z'));

/** The first n activations after `from`, in UTC ISO form. */
function nexts(spec: string, from: string, n = 3): (string | null)[] {
  const s = parseStandard(spec);
  const out: (string | null)[] = [];
  let t: number | null = T(from);
  for (let i = 0; i < n && t !== null; i++) {
    t = s.next(t);
    out.push(iso(t));
  }
  return out;
}

test('every minute, */1, and the upcoming second rule (strictly after)', () => {
  assert.deepEqual(nexts('*/1 * * * *', '2026-11-23T12:00:00Z'), ['2026-11-23T12:01:00Z', '2026-11-23T12:02:00Z', '2026-11-23T12:03:00Z']);
  assert.deepEqual(nexts('* * * * *', '2026-11-23T12:00:59.999Z', 1), ['2026-11-23T12:01:00Z']);
  assert.deepEqual(nexts('? * * * *', '2026-11-23T12:00:30Z', 1), ['2026-11-23T12:01:00Z']);
});

test('values, ranges, steps, lists, a/s meaning a-max/s', () => {
  assert.deepEqual(nexts('0 */5 * * *', '2026-11-23T12:00:00Z'), ['2026-11-23T15:00:00Z', '2026-11-23T20:00:00Z', '2026-11-24T00:00:00Z']);
  assert.deepEqual(nexts('15,45 9-10 * * *', '2026-11-23T09:20:00Z', 4), [
    '2026-11-23T09:45:00Z',
    '2026-11-23T10:15:00Z',
    '2026-11-23T10:45:00Z',
    '2026-11-24T09:15:00Z',
  ]);
  assert.deepEqual(nexts('50/5 * * * *', '2026-11-23T12:00:00Z'), ['2026-11-23T12:50:00Z', '2026-11-23T12:55:00Z', '2026-11-23T13:50:00Z']);
  assert.deepEqual(nexts('10-20/5 1 * * *', '2026-11-23T00:00:00Z'), ['2026-11-23T01:10:00Z', '2026-11-23T01:15:00Z', '2026-11-23T01:20:00Z']);
  assert.deepEqual(nexts('30 6-16/4 * * 1-5', '2026-11-23T12:00:00Z'), ['2026-11-23T14:30:00Z', '2026-11-24T06:30:00Z', '2026-11-24T10:30:00Z']);
  // "*-5" is a star: robfig ignores what follows the star in a range
  assert.deepEqual(nexts('*-5 * * * *', '2026-11-23T12:00:00Z', 1), ['2026-11-23T12:01:00Z']);
  // empty list items are skipped (strings.FieldsFunc)
  assert.deepEqual(nexts('1,,2 * * * *', '2026-11-23T12:00:00Z', 2), ['2026-11-23T12:01:00Z', '2026-11-23T12:02:00Z']);
});

test('month and weekday names, case-insensitive', () => {
  assert.deepEqual(nexts('0 0 1 JAN,jul *', '2026-11-23T00:00:00Z', 2), ['2027-01-01T00:00:00Z', '2027-07-01T00:00:00Z']);
  // 2026-11-23 is a Monday
  assert.deepEqual(nexts('0 12 * * Mon-wed', '2026-11-23T12:00:00Z', 3), ['2026-11-24T12:00:00Z', '2026-11-25T12:00:00Z', '2026-11-30T12:00:00Z']);
  assert.deepEqual(nexts('0 0 * * sun', '2026-11-23T00:00:00Z', 1), ['2026-11-29T00:00:00Z']);
  assert.deepEqual(nexts('0 0 * feb-mar/1 *', '2026-11-23T00:00:00Z', 1), ['2027-02-01T00:00:00Z']);
});

test('descriptors', () => {
  const from = '2026-11-23T12:34:56Z';
  assert.deepEqual(nexts('@yearly', from, 1), ['2027-01-01T00:00:00Z']);
  assert.deepEqual(nexts('@annually', from, 1), ['2027-01-01T00:00:00Z']);
  assert.deepEqual(nexts('@monthly', from, 1), ['2026-12-01T00:00:00Z']);
  assert.deepEqual(nexts('@weekly', from, 2), ['2026-11-29T00:00:00Z', '2026-12-06T00:00:00Z']);
  assert.deepEqual(nexts('@daily', from, 1), ['2026-11-24T00:00:00Z']);
  assert.deepEqual(nexts('@midnight', from, 1), ['2026-11-24T00:00:00Z']);
  assert.deepEqual(nexts('@hourly', from, 2), ['2026-11-23T13:00:00Z', '2026-11-23T14:00:00Z']);
});

test('@every: whole seconds from the given time, sub-second rounded up to 1s', () => {
  assert.deepEqual(nexts('@every 1h30m', '2026-11-23T12:00:00.500Z', 2), ['2026-11-23T13:30:00Z', '2026-11-23T15:00:00Z']);
  assert.equal((parseStandard('@every 1.5s') as ConstantDelaySchedule).delayMs, 1000);
  assert.equal((parseStandard('@every 10ms') as ConstantDelaySchedule).delayMs, 1000);
  assert.equal((parseStandard('@every -5m') as ConstantDelaySchedule).delayMs, 1000);
  assert.equal((parseStandard('@every 2m') as ConstantDelaySchedule).delayMs, 120_000);
});

test('the Vixie day rule: OR when both day fields are restricted, AND when one is a star', () => {
  // 13th of the month OR a Friday
  assert.deepEqual(nexts('0 0 13 * 5', '2026-11-23T00:00:00Z', 3), ['2026-11-27T00:00:00Z', '2026-12-04T00:00:00Z', '2026-12-11T00:00:00Z']);
  // day-of-month star: only Fridays
  assert.deepEqual(nexts('0 0 * * 5', '2026-11-23T00:00:00Z', 1), ['2026-11-27T00:00:00Z']);
  // */1 is still a star, */2 is not (so OR applies)
  assert.deepEqual(nexts('0 0 */1 * 5', '2026-11-23T00:00:00Z', 1), ['2026-11-27T00:00:00Z']);
  assert.deepEqual(nexts('0 0 */2 * 5', '2026-11-23T00:00:00Z', 2), ['2026-11-25T00:00:00Z', '2026-11-27T00:00:00Z']);
  // a full range 1-31 is not a star: every day matches
  assert.deepEqual(nexts('0 0 1-31 * 5', '2026-11-23T00:00:00Z', 1), ['2026-11-24T00:00:00Z']);
});

test('an impossible schedule has no next time (zero time after five years)', () => {
  assert.deepEqual(nexts('0 0 30 2 *', '2026-11-23T00:00:00Z', 1), [null]);
  assert.deepEqual(nexts('0 0 29 2 *', '2026-11-23T00:00:00Z', 1), ['2028-02-29T00:00:00Z']);
});

test('parser errors, with robfig and strconv wording', () => {
  const cases: [string, string][] = [
    ['', 'empty spec string'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['@reboot', 'unrecognized descriptor: @reboot'],
    ['@Daily', 'unrecognized descriptor: @Daily'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['5-2 * * * *', 'beginning of range (5) beyond end of range (2): 5-2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['*/-1 * * * *', 'negative number (-1) not allowed: -1'],
    ['-1 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['99999999999999999999 * * * *', 'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['@every 1x', 'failed to parse duration @every 1x: time: unknown unit "x" in duration "1x"'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['@every ', 'failed to parse duration @every : time: invalid duration ""'],
    ['@every', 'unrecognized descriptor: @every'],
    ['TZ=Foo/Bar * * * * *', 'provided bad location Foo/Bar: unknown time zone Foo/Bar'],
  ];
  for (const [spec, msg] of cases) assert.equal(scheduleError(spec), msg, spec);
  assert.equal(scheduleError('CRON_TZ=Europe/Paris 0 3 * * *'), undefined);
  assert.equal(scheduleError('  */1   *  * * *  '), undefined);
});

test('Go durations', () => {
  assert.equal(parseGoDuration('1h2m3.5s'), 3_723_500_000_000n);
  assert.equal(parseGoDuration('0'), 0n);
  assert.equal(parseGoDuration('1.5µs'), 1500n);
  assert.throws(() => parseGoDuration('1'), /missing unit/);
  assert.throws(() => parseGoDuration('.s'), /invalid duration/);
});

test('time zones: a schedule in Europe/Paris, and the local zone of the process for none', () => {
  // 03:00 in Paris is 02:00Z in winter
  assert.deepEqual(nexts('TZ=Europe/Paris 0 3 * * *', '2026-11-23T12:00:00Z', 1), ['2026-11-24T02:00:00Z']);
  assert.deepEqual(nexts('CRON_TZ=Asia/Kolkata 0 9 * * *', '2026-11-23T12:00:00Z', 1), ['2026-11-24T03:30:00Z']);
  assert.equal(formatSchedule('0 3 * * *', 'Europe/Paris'), 'TZ=Europe/Paris 0 3 * * *');
  assert.equal(formatSchedule('0 3 * * *', 'Nowhere/Else'), '0 3 * * *');
  assert.equal(formatSchedule('TZ=UTC 0 3 * * *', 'Europe/Paris'), 'TZ=UTC 0 3 * * *');
});

test('DST spring forward (America/New_York, 2026-03-08 02:00 → 03:00): a slot in the skipped hour does not run that day', () => {
  // robfig walks hours in absolute time: 01:00 EST + 1h is 03:00 EDT, so the 02:xx wall hour is
  // never seen on 2026-03-08 and "30 2 * * *" next fires on 2026-03-09 (as on a real cluster).
  assert.deepEqual(nexts('TZ=America/New_York 30 2 * * *', '2026-03-07T12:00:00Z', 3), [
    '2026-03-09T06:30:00Z',
    '2026-03-10T06:30:00Z',
    '2026-03-11T06:30:00Z',
  ]);
  // hourly across the gap: 01:00 EST, then 03:00 EDT (one hour later in real time)
  assert.deepEqual(nexts('TZ=America/New_York 0 * * * *', '2026-03-08T05:30:00Z', 3), ['2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z']);
  assert.deepEqual(nexts('TZ=America/New_York 0 9 * * *', '2026-03-07T15:00:00Z', 2), ['2026-03-08T13:00:00Z', '2026-03-09T13:00:00Z']);
});

test('DST fall back (America/New_York, 2026-11-01 02:00 → 01:00): a repeated 01:30 runs at each occurrence robfig finds', () => {
  // robfig adds hours in absolute time, so the repeated 01:xx hour matches twice.
  assert.deepEqual(nexts('TZ=America/New_York 30 1 * * *', '2026-10-31T12:00:00Z', 3), [
    '2026-11-01T05:30:00Z',
    '2026-11-01T06:30:00Z',
    '2026-11-02T06:30:00Z',
  ]);
  assert.deepEqual(nexts('TZ=America/New_York 0 0 * * *', '2026-10-31T12:00:00Z', 2), ['2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z']);
});

test('time zone loading: IANA names, case-sensitive, Go error text', () => {
  assert.equal(loadLocationError('Europe/Paris'), undefined);
  assert.equal(loadLocationError('America/Argentina/Buenos_Aires'), undefined);
  assert.equal(loadLocationError('Etc/GMT+5'), undefined);
  assert.equal(loadLocationError('UTC'), undefined);
  assert.equal(loadLocationError('Foo/Bar'), 'unknown time zone Foo/Bar');
  assert.equal(loadLocationError('europe/paris'), 'unknown time zone europe/paris');
  const paris = loadLocation('Europe/Paris') as Zone;
  assert.equal(paris.rfc3339(T('2026-06-01T10:00:00Z')), '2026-06-01T12:00:00+02:00');
  assert.equal(paris.rfc3339(T('2026-12-01T10:00:00Z')), '2026-12-01T11:00:00+01:00');
  assert.equal((loadLocation('Europe/London') as Zone).rfc3339(T('2026-12-01T10:00:00Z')), '2026-12-01T10:00:00Z');
  assert.equal((loadLocation('America/St_Johns') as Zone).rfc3339(T('2026-12-01T10:00:00Z')), '2026-12-01T06:30:00-03:30');
});

// robfig/cron v3 spec_test.go TestNext, the cases of the standard parser (second 0), as its
// authors wrote them: the reference for DST gaps (a skipped wall time does not run), overlaps (a
// repeated one runs at each occurrence) and the day rule. Times without an offset are UTC here.
const ROBFIG_NEXT: [from: string, spec: string, expected: string | null][] = [
  ['2012-07-09T14:45:00Z', '0/15 * * * *', '2012-07-09T15:00:00Z'],
  ['2012-07-09T14:59:00Z', '0/15 * * * *', '2012-07-09T15:00:00Z'],
  ['2012-07-09T14:59:59Z', '0/15 * * * *', '2012-07-09T15:00:00Z'],
  ['2012-07-09T15:45:00Z', '20-35/15 * * * *', '2012-07-09T16:20:00Z'],
  ['2012-07-09T23:46:00Z', '*/15 * * * *', '2012-07-10T00:00:00Z'],
  ['2012-07-09T23:45:00Z', '20-35/15 * * * *', '2012-07-10T00:20:00Z'],
  ['2012-07-09T23:35:00Z', '0 0 9 Apr-Oct ?', '2012-08-09T00:00:00Z'],
  ['2012-07-09T23:35:00Z', '0 0 */5 Apr,Aug,Oct Mon', '2012-08-01T00:00:00Z'],
  ['2012-07-09T23:35:00Z', '0 0 */5 Oct Mon', '2012-10-01T00:00:00Z'],
  ['2012-07-09T23:35:00Z', '0 0 * Feb Mon', '2013-02-04T00:00:00Z'],
  ['2012-07-09T23:35:00Z', '0 0 * Feb Mon/2', '2013-02-01T00:00:00Z'],
  ['2012-12-31T23:59:45Z', '* * * * *', '2013-01-01T00:00:00Z'],
  ['2012-07-09T23:35:00Z', '0 0 29 Feb ?', '2016-02-29T00:00:00Z'],
  ['2012-03-11T00:00:00-05:00', 'TZ=America/New_York 30 2 11 Mar ?', '2013-03-11T02:30:00-04:00'],
  ['2012-03-11T00:00:00-05:00', 'TZ=America/New_York 0 * * * ?', '2012-03-11T01:00:00-05:00'],
  ['2012-03-11T01:00:00-05:00', 'TZ=America/New_York 0 * * * ?', '2012-03-11T03:00:00-04:00'],
  ['2012-03-11T03:00:00-04:00', 'TZ=America/New_York 0 * * * ?', '2012-03-11T04:00:00-04:00'],
  ['2012-03-11T04:00:00-04:00', 'CRON_TZ=America/New_York 0 * * * ?', '2012-03-11T05:00:00-04:00'],
  ['2012-03-11T00:00:00-05:00', 'TZ=America/New_York 0 1 * * ?', '2012-03-11T01:00:00-05:00'],
  ['2012-03-11T01:00:00-05:00', 'TZ=America/New_York 0 1 * * ?', '2012-03-12T01:00:00-04:00'],
  ['2012-03-11T00:00:00-05:00', 'TZ=America/New_York 0 2 * * ?', '2012-03-12T02:00:00-04:00'],
  ['2012-11-04T00:00:00-04:00', 'TZ=America/New_York 30 2 04 Nov ?', '2012-11-04T02:30:00-05:00'],
  ['2012-11-04T01:45:00-04:00', 'TZ=America/New_York 30 1 04 Nov ?', '2012-11-04T01:30:00-05:00'],
  ['2012-11-04T00:00:00-04:00', 'TZ=America/New_York 0 * * * ?', '2012-11-04T01:00:00-04:00'],
  ['2012-11-04T01:00:00-04:00', 'TZ=America/New_York 0 * * * ?', '2012-11-04T01:00:00-05:00'],
  ['2012-11-04T01:00:00-05:00', 'TZ=America/New_York 0 * * * ?', '2012-11-04T02:00:00-05:00'],
  ['2012-11-04T00:00:00-04:00', 'TZ=America/New_York 0 1 * * ?', '2012-11-04T01:00:00-04:00'],
  ['2012-11-04T01:00:00-04:00', 'TZ=America/New_York 0 1 * * ?', '2012-11-04T01:00:00-05:00'],
  ['2012-11-04T01:00:00-05:00', 'TZ=America/New_York 0 1 * * ?', '2012-11-05T01:00:00-05:00'],
  ['2012-11-04T00:00:00-04:00', 'TZ=America/New_York 0 2 * * ?', '2012-11-04T02:00:00-05:00'],
  ['2012-11-04T02:00:00-05:00', 'TZ=America/New_York 0 2 * * ?', '2012-11-05T02:00:00-05:00'],
  ['2012-11-04T00:00:00-04:00', 'TZ=America/New_York 0 3 * * ?', '2012-11-04T03:00:00-05:00'],
  ['2012-11-04T03:00:00-05:00', 'TZ=America/New_York 0 3 * * ?', '2012-11-05T03:00:00-05:00'],
  ['2012-07-09T23:35:00Z', '0 0 30 Feb ?', null],
  ['2012-07-09T23:35:00Z', '0 0 31 Apr ?', null],
  ['2012-11-04T00:00:00-04:00', 'TZ=America/New_York 0 3 3 * ?', '2012-12-03T03:00:00-05:00'],
  ['2018-10-17T05:00:00-04:00', 'TZ=America/Sao_Paulo 0 9 10 * ?', '2018-11-10T06:00:00-05:00'],
  ['2018-02-14T05:00:00-05:00', 'TZ=America/Sao_Paulo 0 9 22 * ?', '2018-02-22T07:00:00-05:00'],
];

test("robfig/cron's own Next() vectors (spec_test.go), DST included", () => {
  for (const [from, spec, expected] of ROBFIG_NEXT) {
    assert.equal(parseStandard(spec).next(T(from)), expected === null ? null : T(expected), `${spec} from ${from}`);
  }
});

test('DST in other zones: Europe/London, Australia/Lord_Howe (30 minutes), Asia/Kolkata (none)', () => {
  // London springs forward at 01:00 GMT (2026-03-29): 01:30 does not exist that day
  assert.deepEqual(nexts('TZ=Europe/London 30 1 * * *', '2026-03-28T12:00:00Z', 2), ['2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z']);
  // and falls back at 02:00 BST (2026-10-25): 01:30 happens twice, and runs twice
  assert.deepEqual(nexts('TZ=Europe/London 30 1 * * *', '2026-10-24T12:00:00Z', 3), ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-10-26T01:30:00Z']);
  // Lord Howe moves 30 minutes: 02:00 → 02:30 on 2026-10-04, so 02:15 is skipped and 02:45 runs
  assert.deepEqual(nexts('TZ=Australia/Lord_Howe 15 2 * * *', '2026-10-03T00:00:00Z', 1), ['2026-10-04T15:15:00Z']);
  assert.deepEqual(nexts('TZ=Australia/Lord_Howe 45 2 * * *', '2026-10-03T00:00:00Z', 1), ['2026-10-03T15:45:00Z']);
  // and back 02:00 → 01:30 on 2026-04-05: 01:45 runs twice
  assert.deepEqual(nexts('TZ=Australia/Lord_Howe 45 1 * * *', '2026-04-04T00:00:00Z', 3), ['2026-04-04T14:45:00Z', '2026-04-04T15:15:00Z', '2026-04-05T15:15:00Z']);
  assert.deepEqual(nexts('TZ=Asia/Kolkata 30 2 * * *', '2026-03-08T00:00:00Z', 2), ['2026-03-08T21:00:00Z', '2026-03-09T21:00:00Z']);
});
