import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartBatch } from './controller_utils.js';

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
