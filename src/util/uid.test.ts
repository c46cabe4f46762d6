import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newUID, randomHex } from './uid.js';

test('newUID: version 4 UUIDs in the canonical form, none twice across several refills of its pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const u = newUID();
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(!seen.has(u), u);
    seen.add(u);
  }
  // Random bits everywhere else: every hex digit of the first group takes more than one value.
  const firsts = new Set([...seen].map((u) => u[0]));
  assert.ok(firsts.size > 8, [...firsts].join(''));
});

test('randomHex: as many random bytes as asked, in lowercase hex, none twice across refills of the pool it shares with newUID', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 600; i++) {
    const h = randomHex(32);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.ok(!seen.has(h), h);
    seen.add(h);
    newUID(); // interleaved: the two draw different bytes of one pool
  }
  assert.match(randomHex(4096), /^[0-9a-f]{8192}$/);
  assert.match(randomHex(5000), /^[0-9a-f]{10000}$/, 'more than the pool holds: from node\'s generator');
  const digits = new Set([...seen].join(''));
  assert.equal(digits.size, 16);
  for (const n of [-1, 1.5, NaN]) assert.throws(() => randomHex(n), RangeError, `${n}: would move the pool's offset back or off its bytes`);
  assert.equal(randomHex(0), '');
});
