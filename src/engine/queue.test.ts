import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DelayingQueue } from './queue.js';

test('a key is held once, at the earliest requested time', () => {
  const q = new DelayingQueue();
  q.add('job:default/pi', 1000);
  q.add('job:default/pi', 500);
  q.add('job:default/pi', 2000);
  assert.equal(q.size, 1);
  assert.equal(q.nextDue(), 500);
  assert.deepEqual(q.popDue(499), []);
  assert.deepEqual(q.popDue(500), ['job:default/pi']);
  assert.equal(q.nextDue(), undefined);
});

test('due keys come out earliest first and later ones stay', () => {
  const q = new DelayingQueue();
  q.add('b', 20);
  q.add('a', 10);
  q.add('c', 99);
  assert.deepEqual(q.popDue(50), ['a', 'b']);
  assert.equal(q.size, 1);
  assert.equal(q.nextDue(), 99);
});
