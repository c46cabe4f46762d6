import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortObjects, isLess } from './sort.js';
import { goSorted } from '../util/gosort.js';

test('isLess: numbers, strings, quantities compared as quantities, nil first', () => {
  assert.ok(isLess(2, 10, 'f'));
  assert.ok(isLess('100m', '1', 'f'), 'quantities');
  assert.ok(isLess('10Gi', '11000Mi', 'f'));
  assert.ok(!isLess('b', 'a', 'f'));
  assert.ok(isLess('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'f'), 'timestamps are strings');
  assert.ok(isLess(null, 'a', 'f'));
  assert.throws(() => isLess(true, false, '{.x}'), { message: /^F\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ sorter\.go:329\] Field \{\.x\} in \*unstructured\.Unstructured is an unsortable type: interface, err: unsortable type: bool$/ });
});

test('sortObjects: by the first result, objects without the field first, kubectl errors', () => {
  const objs = [{ n: 'c', v: 3 }, { n: 'a' }, { n: 'b', v: 1 }];
  assert.deepEqual(sortObjects(objs, '.v').map((o) => o.n), ['a', 'b', 'c']);
  assert.deepEqual(sortObjects(objs, '{.n}').map((o) => o.n), ['a', 'b', 'c']);
  assert.throws(() => sortObjects(objs, '.nope'), { message: `error: couldn't find any field with path "{.nope}" in the list of objects` });
});

test("Go's sort.Sort: insertion sort (stable) up to 12 elements, pdqsort's order beyond", () => {
  const items = Array.from({ length: 12 }, (_, i) => ({ k: i % 3, i }));
  assert.deepEqual(goSorted(items, (a, b) => a.k < b.k).map((x) => x.i), [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
  const many = Array.from({ length: 200 }, (_, i) => (i * 7919) % 1000);
  assert.deepEqual(goSorted(many, (a, b) => a < b), [...many].sort((a, b) => a - b));
  const rev = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(goSorted(rev, (a, b) => a < b), [...rev].reverse());
});

test("ties land where kubectl's Go sort leaves them (259 events, captured from kubectl v1.32)", async () => {
  const { readFileSync } = await import('node:fs');
  const g = JSON.parse(readFileSync(new URL('../../test/golden/issue12/sort-ties.json', import.meta.url), 'utf8')) as { input: [string, string][]; kubectl: string[] };
  const objs = g.input.map(([name, lastTimestamp]) => ({ metadata: { name }, lastTimestamp }));
  assert.deepEqual(sortObjects(objs, '.lastTimestamp').map((o) => o.metadata.name), g.kubectl);
});
