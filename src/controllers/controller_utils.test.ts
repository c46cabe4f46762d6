import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareActivePods, slowStartBatch } from './controller_utils.js';
import type { PodObject } from '../api/types.js';

test('slowStartBatch: batches of 1, 2, 4, ...; every call of a failing batch is made, no later batch', () => {
  const calls: number[] = [];
  assert.deepEqual(slowStartBatch(10, (i) => (calls.push(i), undefined)), { successes: 10 });
  assert.deepEqual(calls, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  calls.length = 0;
  // The second item fails: its batch (1 and 2) is finished, the batch of 4 (3 to 6) is not begun.
  assert.deepEqual(slowStartBatch(10, (i) => (calls.push(i), i === 1 ? 'refused' : undefined)), { successes: 2, error: 'refused' });
  assert.deepEqual(calls, [0, 1, 2]);
  assert.deepEqual(slowStartBatch(0, () => 'never'), { successes: 0 });
});

test('compareActivePods (controller.ActivePods): unscheduled, Pending, not ready first; of two ready pods, the one ready for less time; more restarts; newer', () => {
  const pod = (name: string, o: { node?: string; phase?: string; readySince?: string; restarts?: number; created?: string }): PodObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, creationTimestamp: o.created ?? '2026-11-23T12:00:00Z' },
    spec: { containers: [], nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: !!o.readySince, restartCount: o.restarts ?? 0 }],
    },
  });
  const order = (...pods: PodObject[]) => [...pods].reverse().sort(compareActivePods).map((p) => p.metadata.name);
  assert.deepEqual(order(pod('unscheduled', { phase: 'Pending' }), pod('scheduled', { node: 'n', phase: 'Pending' })), ['unscheduled', 'scheduled']);
  assert.deepEqual(order(pod('pending', { node: 'n', phase: 'Pending' }), pod('unknown', { node: 'n', phase: 'Unknown' }), pod('running', { node: 'n' })), ['pending', 'unknown', 'running']);
  assert.deepEqual(order(pod('not-ready', { node: 'n' }), pod('ready', { node: 'n', readySince: '2026-11-23T12:00:10Z' })), ['not-ready', 'ready']);
  // Both ready: the one ready for less time first, whatever their restarts and ages.
  assert.deepEqual(order(
    pod('ready-later', { node: 'n', readySince: '2026-11-23T12:05:00Z', created: '2026-11-23T11:00:00Z' }),
    pod('ready-sooner', { node: 'n', readySince: '2026-11-23T12:01:00Z', restarts: 3, created: '2026-11-23T11:59:00Z' }),
  ), ['ready-later', 'ready-sooner']);
  assert.deepEqual(order(pod('restarted', { node: 'n', restarts: 2 }), pod('fresh', { node: 'n' })), ['restarted', 'fresh']);
  assert.deepEqual(order(pod('newer', { node: 'n', created: '2026-11-23T12:00:05Z' }), pod('older', { node: 'n' })), ['newer', 'older']);
  // Go's zero time (afterOrZero): a ready pod without the condition's time, a pod without a creation time, first.
  const readyNoTime = pod('ready-no-time', { node: 'n', readySince: '2026-11-23T12:00:10Z' });
  delete (readyNoTime.status!.conditions![0] as { lastTransitionTime?: string }).lastTransitionTime;
  assert.deepEqual(order(pod('ready', { node: 'n', readySince: '2026-11-23T12:00:10Z' }), readyNoTime), ['ready-no-time', 'ready']);
  const uncreated = pod('no-creation-time', { node: 'n' });
  delete (uncreated.metadata as { creationTimestamp?: string }).creationTimestamp;
  assert.deepEqual(order(pod('created', { node: 'n', created: '2026-11-23T12:00:05Z' }), uncreated), ['no-creation-time', 'created']);
});
