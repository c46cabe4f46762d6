// client-go's EventCorrelator: the aggregator's threshold and window, the spam filter's bucket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventCorrelator, COMBINED_PREFIX, SPAM_BURST, eventKey, type CorrelatedEvent } from './events_cache.js';

const ev = (message: string, over: Partial<CorrelatedEvent> = {}): CorrelatedEvent => ({
  component: 'job-controller',
  host: '',
  involved: { kind: 'Job', namespace: 'default', name: 'pi', uid: 'u', apiVersion: 'batch/v1', fieldPath: '' },
  type: 'Normal',
  reason: 'SuccessfulCreate',
  message,
  ...over,
});

test('the tenth distinct message of similar Events is combined, and so is every later one, under one key', () => {
  const c = new EventCorrelator();
  const out = Array.from({ length: 12 }, (_, i) => c.aggregate(ev(`Created pod: pi-${i}`), 1000 * i));
  assert.deepEqual(out.slice(0, 9).map((a) => a.combined), Array(9).fill(false));
  assert.equal(out[0].key, eventKey(ev('Created pod: pi-0')));
  assert.deepEqual(out.slice(9).map((a) => a.message), [9, 10, 11].map((i) => `${COMBINED_PREFIX}Created pod: pi-${i}`));
  assert.equal(new Set(out.slice(9).map((a) => a.key)).size, 1);
  // A repeated message is not a new one: an exact repeat before the threshold stays itself.
  const d = new EventCorrelator();
  for (let i = 0; i < 20; i++) assert.equal(d.aggregate(ev('Created pod: same'), i).combined, false);
  // Another reason, object or source is another group.
  assert.equal(c.aggregate(ev('x', { reason: 'Completed' }), 20_000).combined, false);
  assert.equal(c.aggregate(ev('x', { component: 'kubelet' }), 20_000).combined, false);
});

test('a group idle for more than ten minutes starts again', () => {
  const c = new EventCorrelator();
  for (let i = 0; i < 9; i++) c.aggregate(ev(`m${i}`), 0);
  assert.equal(c.aggregate(ev('m9'), 600_000).combined, true, 'exactly ten minutes: still the group');
  assert.equal(c.aggregate(ev('m10'), 1_200_001).combined, false);
});

test('25 Events of a type about an object, then one a token: a token every five minutes, never more than 25', () => {
  const c = new EventCorrelator();
  const dropped = Array.from({ length: 30 }, (_, i) => c.spam(ev(`m${i}`), 0));
  assert.equal(dropped.filter((d) => !d).length, SPAM_BURST);
  assert.equal(c.spam(ev('w', { type: 'Warning' }), 0), false, 'Warnings have their own bucket');
  assert.equal(c.spam(ev('x', { involved: { ...ev('').involved, uid: 'other' } }), 0), false, 'so has another object');
  assert.equal(c.spam(ev('y'), 150_000), true, 'half a token');
  assert.equal(c.spam(ev('y'), 300_000), false);
  assert.equal(c.spam(ev('y'), 300_000), true);
  // A clock set back refills nothing until it passes the last Event let through.
  const back = new EventCorrelator();
  for (let i = 0; i < SPAM_BURST; i++) back.spam(ev('b'), 1_000_000);
  assert.equal(back.spam(ev('b'), 0), true);
  assert.equal(back.spam(ev('b'), 1_300_000), false);
  // A day later the bucket holds 25, not 288.
  const allowed = Array.from({ length: 30 }, () => c.spam(ev('z'), 86_400_000)).filter((d) => !d).length;
  assert.equal(allowed, SPAM_BURST);
});
