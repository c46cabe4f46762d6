import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventInterval, eventRow } from './events.js';
import type { EventObject } from '../api/types.js';

const now = new Date('2026-01-01T00:10:00Z');
const ev = (e: object) => ({ kind: 'Event', metadata: { name: 'e', namespace: 'ns' }, ...e }) as unknown as EventObject;

test("kubectl events' LAST SEEN: first seen, or last seen (xN over first)", () => {
  assert.equal(eventInterval(ev({ firstTimestamp: '2026-01-01T00:09:00Z', lastTimestamp: '2026-01-01T00:09:00Z', count: 1 }), now), '60s');
  assert.equal(eventInterval(ev({ firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:09:30Z', count: 4 }), now), '30s (x4 over 10m)');
  assert.equal(eventInterval(ev({ eventTime: '2026-01-01T00:05:00.000000Z', series: { count: 2, lastObservedTime: '2026-01-01T00:09:50.000000Z' } }), now), '10s (x2 over 5m)');
  assert.equal(eventInterval(ev({}), now), '<unknown>');
});

test('a row: Kind/name and the trimmed message; -A adds the namespace', () => {
  const e = ev({ type: 'Warning', reason: 'BackOff', involvedObject: { kind: 'Pod', name: 'p' }, message: ' x \n', firstTimestamp: '2026-01-01T00:09:58Z' });
  assert.equal(eventRow(e, now, false), '2s\tWarning\tBackOff\tPod/p\tx\n');
  assert.equal(eventRow(e, now, true), 'ns\t2s\tWarning\tBackOff\tPod/p\tx\n');
});
