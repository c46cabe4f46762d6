import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoTime, parseGoTimeExact, RFC3339, RFC3339_MICRO } from './gojson.js';
import { rng } from '../util/prng.js';

const same = (layout: typeof RFC3339 | typeof RFC3339_MICRO, v: string) => {
  const fast = parseGoTime(layout, v);
  const exact = parseGoTimeExact(layout, v);
  assert.deepEqual({ ms: fast.date?.getTime(), error: fast.error }, { ms: exact.date?.getTime(), error: exact.error }, `${layout} ${JSON.stringify(v)}`);
  return fast;
};

test('parseGoTime: the written form is read at its instant, to the microsecond truncated to ms', () => {
  assert.equal(same(RFC3339, '2026-12-04T23:41:58Z').date?.toISOString(), '2026-12-04T23:41:58.000Z');
  assert.equal(same(RFC3339_MICRO, '2026-12-04T23:41:58.416999Z').date?.toISOString(), '2026-12-04T23:41:58.416Z');
  assert.equal(same(RFC3339, '2024-02-29T00:00:00Z').date?.toISOString(), '2024-02-29T00:00:00.000Z');
});

test('parseGoTime: what is out of range or in another form gets time.Parse error, as before', () => {
  assert.equal(same(RFC3339, '2023-02-29T00:00:00Z').error, 'parsing time "2023-02-29T00:00:00Z": day out of range');
  assert.equal(same(RFC3339, '2023-13-01T00:00:00Z').error, 'parsing time "2023-13-01T00:00:00Z": month out of range');
  assert.equal(same(RFC3339, '2023-01-01T24:00:00Z').error, 'parsing time "2023-01-01T24:00:00Z": hour out of range');
  assert.equal(same(RFC3339_MICRO, '2023-01-01T00:00:00Z').error, 'parsing time "2023-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"');
  // Forms the fast path leaves to the exact parser: offsets, fractions in RFC3339, lower-case z.
  assert.equal(same(RFC3339, '2023-01-01T01:00:00+01:00').date?.toISOString(), '2023-01-01T00:00:00.000Z');
  assert.equal(same(RFC3339, '2023-01-01T00:00:00.5Z').date?.toISOString(), '2023-01-01T00:00:00.500Z');
  assert.ok(same(RFC3339, '2023-01-01T00:00:00z').error);
});

test('parseGoTime: the fast path and time.Parse agree on near-canonical strings (differential)', () => {
  const rand = rng(11);
  const pick = (s: string) => s[Math.floor(rand() * s.length)];
  const canon = ['2026-12-04T23:41:58Z', '2000-02-29T12:34:56Z', '1900-02-29T00:00:00Z', '0000-01-01T00:00:00Z'];
  const micro = ['2026-12-04T23:41:58.123456Z', '2000-02-29T12:34:56.000001Z'];
  for (let i = 0; i < 4000; i++) {
    const isMicro = i % 2 === 1;
    const base = (isMicro ? micro : canon)[i % (isMicro ? micro.length : canon.length)];
    // One or two characters changed to a digit or a separator: most stay well formed, some not.
    let v = base;
    for (let k = 0; k < 1 + (i % 2); k++) {
      const at = Math.floor(rand() * v.length);
      v = v.slice(0, at) + pick('0123456789-:T.Z+ ') + v.slice(at + 1);
    }
    same(isMicro ? RFC3339_MICRO : RFC3339, v);
  }
});
