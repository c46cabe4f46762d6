import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonCopy, jsonEqual, sortKeys } from './canonical.js';

const canonicalJSON = (v: unknown) => JSON.stringify(sortKeys(v));

// Each pair, with whether JSON would tell them apart once keys are sorted: jsonEqual must agree
// with comparing canonicalJSON's strings, which is what it stands for.
const cases: [unknown, unknown][] = [
  [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }],
  [{ a: 1, b: undefined }, { a: 1 }],
  [{ a: 1 }, { a: 1, b: null }],
  [{ a: [1, undefined] }, { a: [1, null] }],
  [{ a: [1, 2] }, { a: [2, 1] }],
  [{ a: [] }, { a: {} }],
  [{ a: '1' }, { a: 1 }],
  [{ a: 0 }, { a: -0 }],
  [{ a: NaN }, { a: null }],
  [{ a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } }],
  [{ a: 1, b: 2 }, { a: 1, c: 2 }],
  [{ a: 1 }, { a: 1, b: 2 }],
  [null, {}],
  [undefined, undefined],
  [undefined, null],
  ['x', 'x'],
  [[{ a: 1, b: 2 }], [{ b: 2, a: 1 }]],
];

test('jsonEqual agrees with comparing canonical JSON, key order and absent members aside', () => {
  for (const [a, b] of cases) {
    const want = canonicalJSON(a) === canonicalJSON(b);
    assert.equal(jsonEqual(a, b), want, `${canonicalJSON(a)} vs ${canonicalJSON(b)}`);
    assert.equal(jsonEqual(b, a), want, `${canonicalJSON(b)} vs ${canonicalJSON(a)}`);
  }
  assert.equal(jsonEqual({ a: 1, b: undefined }, { b: undefined, a: 1 }), true);
  assert.equal(jsonEqual({ a: 1 }, { a: 2 }), false);
});

test('jsonCopy copies as a JSON round trip does, sharing nothing', () => {
  const values: unknown[] = [
    ...cases.flat(),
    { a: [1, undefined, NaN, Infinity, () => 1, { b: undefined, c: [null] }], d: new Date(0), e: -1.5, f: 'x', g: true, h: () => 1 },
    [undefined],
    { nested: { deep: { list: [{ x: 1 }, [2, [3]]] } } },
  ];
  for (const v of values) {
    if (v === undefined) continue; // no JSON text at all
    assert.deepEqual(jsonCopy(v), JSON.parse(JSON.stringify(v)), JSON.stringify(v));
  }
  const o = { a: { b: [{ c: 1 }] } };
  const c = jsonCopy(o);
  c.a.b[0].c = 2;
  assert.equal(o.a.b[0].c, 1);
});
