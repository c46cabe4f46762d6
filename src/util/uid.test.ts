import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newUID } from './uid.js';

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
