// metav1.Time's text: what the apiserver writes for a creationTimestamp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from './types.js';

test('rfc3339 writes UTC to the second, as metav1.Time serialises', () => {
  assert.equal(rfc3339(new Date(Date.UTC(2026, 11, 4, 9, 5, 7, 999))), '2026-12-04T09:05:07Z');
  assert.equal(rfc3339(new Date(Date.UTC(2026, 0, 1, 0, 0, 0))), '2026-01-01T00:00:00Z');
  assert.equal(rfc3339(new Date(Date.UTC(999, 8, 30, 23, 59, 59))), '0999-09-30T23:59:59Z');
  for (const ms of [0, 1_700_000_000_123, 4_102_444_799_000, -1]) {
    assert.equal(rfc3339(new Date(ms)), new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }
});
