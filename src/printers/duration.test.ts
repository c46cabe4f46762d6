import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, translateTimestampSince } from './duration.js';

test('humanDuration table (apimachinery HumanDuration)', () => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h, y = 365 * d;
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'], [-1999, '0s'], [-1 * s, '0s'], [-500, '0s'], [0, '0s'], [999, '0s'],
    [1 * s, '1s'], [90 * s, '90s'], [119 * s, '119s'], [120 * s, '2m'], [135 * s, '2m15s'], [599 * s, '9m59s'],
    [10 * m, '10m'], [10 * m + 59 * s, '10m'], [179 * m, '179m'], [3 * h, '3h'], [3 * h + 5 * m, '3h5m'],
    [7 * h + 59 * m, '7h59m'], [8 * h, '8h'], [47 * h + 59 * m, '47h'], [48 * h, '2d'], [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'], [8 * d, '8d'], [729 * d, '729d'], [2 * y, '2y'], [2 * y + 10 * d, '2y10d'],
    [7 * y + 364 * d, '7y364d'], [8 * y, '8y'], [30 * y + 100 * d, '30y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('translateTimestampSince', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince(null, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(translateTimestampSince('2026-11-23T11:54:36Z', now), '5m24s');
  assert.equal(translateTimestampSince('2026-11-23T12:00:30Z', now), '<invalid>');
  assert.equal(translateTimestampSince('2026-11-20T07:00:00Z', now), '3d5h');
});
