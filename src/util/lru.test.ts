import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LRU } from './lru.js';

test('past its size the least recently used key goes; a get or set makes a key the most recently used', () => {
  const c = new LRU<number>(2);
  c.set('a', 1);
  c.set('b', 2);
  assert.equal(c.get('a'), 1); // a is now the most recent
  c.set('c', 3);
  assert.deepEqual([c.get('a'), c.get('b'), c.get('c')], [1, undefined, 3]);
  c.set('a', 4); // set again: most recent, c the least
  c.set('d', 5);
  assert.deepEqual([c.get('a'), c.get('c'), c.get('d')], [4, undefined, 5]);
});
