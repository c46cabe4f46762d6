// Events expire on the engine's clock: an hour after they were last written, looked at every ten minutes of that clock.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, type TestAPI } from '../apiserver/testing.js';
import { APIEventRecorder } from '../client/record.js';
import { resourceForKind } from '../api/resources.js';
import { EventExpiry } from './housekeeping.js';

let t: TestAPI;
beforeEach(() => (t = openTestAPI('housekeeping')));
afterEach(() => t.dispose());

const EVENTS = resourceForKind('Event')!;

test('Events written more than an hour ago (engine clock) are deleted at the next ten-minute tick', () => {
  const cm = t.api.create(resourceForKind('ConfigMap')!, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }).object;
  const rec = new APIEventRecorder(t.api, { component: 'test' }, t.clock);
  const expiry = new EventExpiry(t.api, t.clock);
  rec.event(cm, 'Normal', 'Old', 'first');
  assert.equal(expiry.tick(), 0, 'the first tick runs at once; nothing is old yet');
  t.clock.step(50 * 60_000);
  rec.event(cm, 'Normal', 'New', 'second');
  t.clock.step(11 * 60_000); // 61 minutes after the first, 11 after the second
  assert.equal(expiry.tick(), 1);
  assert.deepEqual(t.api.list(EVENTS, { namespace: 'default' }).items.map((e) => e.reason), ['New']);
  t.clock.step(5 * 60_000);
  assert.equal(expiry.tick(), 0, 'not due: five minutes since the last look');
  t.clock.step(50 * 60_000);
  assert.equal(expiry.tick(), 1);
  assert.equal(t.api.list(EVENTS, { namespace: 'default' }).items.length, 0);
});
