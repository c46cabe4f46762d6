// The timing configuration: Kubernetes' delays a user sees, none it only needs to shed load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBERNETES_TIMING, exponentialBackoffMs, scaledTiming } from './timing.js';
import { DelayingQueue } from '../engine/queue.js';

test('pod events reach the Job controller without a batching wait', () => {
  assert.equal(KUBERNETES_TIMING.jobSyncBatchMs, 0);
  assert.equal(scaledTiming(0.01).jobSyncBatchMs, 0);
});

test('the delays a user sees keep Kubernetes values', () => {
  assert.equal(KUBERNETES_TIMING.podFailureBackoffBaseMs, 10_000);
  assert.equal(KUBERNETES_TIMING.podFailureBackoffMaxMs, 600_000);
  assert.equal(KUBERNETES_TIMING.containerBackoffBaseMs, 10_000);
  assert.equal(KUBERNETES_TIMING.containerBackoffMaxMs, 300_000);
});

test('many pod changes of one Job in a round queue it once, due at once', () => {
  const q = new DelayingQueue();
  const now = 1_000;
  for (let i = 0; i < 16; i++) q.add('job:default/pi', now + KUBERNETES_TIMING.jobSyncBatchMs);
  assert.deepEqual(q.popDue(now), ['job:default/pi']);
  assert.equal(q.size, 0);
});

test('exponentialBackoffMs: base, doubling, capped', () => {
  assert.deepEqual([1, 2, 3, 9, 10].map((n) => exponentialBackoffMs(n, 500, 122_000)), [500, 1000, 2000, 122_000, 122_000]);
});
