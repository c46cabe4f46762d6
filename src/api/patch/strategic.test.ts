// Strategic merge patch and the three-way patch kubectl apply computes, over the v1.32 schema's
// patch strategies and merge keys (cases after apimachinery's strategicpatch tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createThreeWayMergePatch, createTwoWayMergePatch, strategicMergePatch, PatchError } from './strategic.js';
import { patchMetaForKind } from './meta.js';
import { jsonMergePatch } from './merge.js';
import { applyJSONPatch, JSONPatchError } from './json.js';
import { goSliceStable, goV } from './gofmt.js';
import type { JSONMap } from './gofmt.js';

const POD = patchMetaForKind('Pod');
const JOB = patchMetaForKind('Job');

const pod = (spec: JSONMap, metadata: JSONMap = { name: 'p' }): JSONMap => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

test('containers are merged by name, env by name; other fields of a container are kept', () => {
  const orig = pod({
    containers: [
      { name: 'a', image: 'busybox', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
      { name: 'b', image: 'perl' },
    ],
  });
  const out = strategicMergePatch(orig, { spec: { containers: [{ name: 'a', image: 'alpine', env: [{ name: 'Y', value: '3' }, { name: 'Z', value: '4' }] }] } }, POD);
  assert.deepEqual(out.spec, {
    containers: [
      { name: 'a', image: 'alpine', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '3' }, { name: 'Z', value: '4' }] },
      { name: 'b', image: 'perl' },
    ],
  });
  assert.deepEqual((orig.spec as JSONMap).containers, [
    { name: 'a', image: 'busybox', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
    { name: 'b', image: 'perl' },
  ], 'the input is not modified');
});

test('$patch: delete removes by merge key; without $setElementOrder a new element goes before the live ones', () => {
  const orig = pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] });
  const out = strategicMergePatch(orig, { spec: { containers: [{ name: 'c', image: 'z' }, { name: 'a', $patch: 'delete' }] } }, POD);
  // mergeSortedSlice takes the patch's element first when the live order does not know it.
  assert.deepEqual((out.spec as JSONMap).containers, [{ name: 'c', image: 'z' }, { name: 'b', image: 'y' }]);
});

test('lists without a merge strategy are replaced (args, tolerations); null deletes a field', () => {
  const orig = pod({ containers: [{ name: 'a', image: 'x', args: ['1', '2'] }], tolerations: [{ key: 'k', operator: 'Exists' }], nodeName: 'n' });
  const out = strategicMergePatch(orig, { spec: { containers: [{ name: 'a', args: ['3'] }], tolerations: [{ key: 'j', operator: 'Exists' }], nodeName: null } }, POD);
  assert.deepEqual(out.spec, { containers: [{ name: 'a', image: 'x', args: ['3'] }], tolerations: [{ key: 'j', operator: 'Exists' }] });
});

test('$patch: replace replaces a map or a whole merging list', () => {
  const orig = pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }], nodeSelector: { a: '1', b: '2' } });
  const out = strategicMergePatch(orig, { spec: { containers: [{ name: 'c', image: 'z' }, { $patch: 'replace' }], nodeSelector: { c: '3', $patch: 'replace' } } }, POD);
  assert.deepEqual(out.spec, { containers: [{ name: 'c', image: 'z' }], nodeSelector: { c: '3' } });
  assert.throws(() => strategicMergePatch(orig, { spec: { nodeSelector: { $patch: 'bogus' } } }, POD), (e: unknown) => e instanceof PatchError && e.message === 'unknown patch type: bogus in map: map[$patch:bogus]');
  assert.throws(() => strategicMergePatch(orig, { spec: { containers: [{ $patch: 'merge' }] } }, POD), /merging lists cannot yet be specified in the patch/);
});

test('$setElementOrder orders the merged list; server-only elements keep their place', () => {
  const orig = pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const out = strategicMergePatch(orig, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'a', image: 'i' }] } }, POD);
  const names = ((out.spec as JSONMap).containers as JSONMap[]).map((c) => c.name);
  // b is server-only: it stays before c, as in the live list; c and a follow the directive.
  assert.deepEqual(names, ['b', 'c', 'a']);
  assert.throws(
    () => strategicMergePatch(orig, { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a' }, { name: 'b' }] } }, POD),
    /The order in patch list:\n\[map\[name:a\] map\[name:b\]\]\n doesn't match \$setElementOrder list:\n\[map\[name:a\]\]\n/,
  );
});

test('primitive merging lists: union, $deleteFromPrimitiveList, and its bad forms', () => {
  const orig: JSONMap = { kind: 'Pod', metadata: { name: 'p', finalizers: ['a', 'b', 'c'] } };
  const union = strategicMergePatch(orig, { metadata: { finalizers: ['d', 'b'] } }, POD);
  // The patch's order for its elements, the live order for the rest, interleaved as Go merges them.
  assert.deepEqual((union.metadata as JSONMap).finalizers, ['d', 'a', 'b', 'c']);
  const del = strategicMergePatch(orig, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, POD);
  assert.deepEqual((del.metadata as JSONMap).finalizers, ['a', 'c']);
  assert.throws(() => strategicMergePatch(orig, { metadata: { '$deleteFromPrimitiveList': ['b'] } }, POD), (e: unknown) => e instanceof PatchError && e.kind === 'BadRequest' && e.message === 'invalid patch format of primitive list');
});

test('$retainKeys clears the fields of a retainKeys map that it does not name', () => {
  const orig = pod({ volumes: [{ name: 'v', hostPath: { path: '/x' } }] });
  const out = strategicMergePatch(orig, { spec: { volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['emptyDir', 'name'] }] } }, POD);
  assert.deepEqual((out.spec as JSONMap).volumes, [{ name: 'v', emptyDir: {} }]);
  assert.throws(() => strategicMergePatch(orig, { spec: { volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['name'] }] } }, POD), /invalid patch format of retainKeys/);
});

test('a merge key missing from an element is the library error', () => {
  const orig = pod({ containers: [{ name: 'a' }] });
  assert.throws(() => strategicMergePatch(orig, { spec: { containers: [{ image: 'x' }] } }, POD), (e: unknown) => e instanceof PatchError && e.message === 'map: map[image:x] does not contain declared merge key: name');
});

test('two-way patch: changed, added and removed fields, merging lists with $setElementOrder', () => {
  const a = pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }, { name: 'p', labels: { x: '1', y: '2' } });
  const b = pod({ containers: [{ name: 'b', image: 'y' }, { name: 'c', image: 'z' }] }, { name: 'p', labels: { x: '1', z: '3' } });
  const patch = createTwoWayMergePatch(a, b, POD);
  assert.deepEqual(patch, {
    metadata: { labels: { y: null, z: '3' } },
    spec: {
      '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }],
      containers: [{ name: 'c', image: 'z' }, { name: 'a', $patch: 'delete' }],
    },
  });
  assert.deepEqual(strategicMergePatch(a, patch, POD), b);
});

const job = (labels: Record<string, string>, parallelism?: number, extra: JSONMap = {}): JSONMap => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', labels },
  spec: { ...(parallelism !== undefined ? { parallelism } : {}), template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } }, ...extra },
});

test('three-way patch: what a patch added since the last apply is kept, what the manifest dropped is removed', () => {
  const lastApplied = job({ app: 'pi', tier: 'batch' }, 2);
  // live: a `kubectl patch` added a label and backoffLimit; defaults and status are there too
  const live = job({ app: 'pi', tier: 'batch', patched: 'yes' }, 2, { backoffLimit: 3, completions: 1 });
  (live as any).status = { active: 1 };
  // the new manifest: drops tier and parallelism, changes nothing else
  const manifest = job({ app: 'pi' });
  const patch = createThreeWayMergePatch(lastApplied, manifest, live, JOB);
  assert.deepEqual(patch, { metadata: { labels: { tier: null } }, spec: { parallelism: null } });
  const out = strategicMergePatch(live, patch, JOB);
  assert.deepEqual((out.metadata as JSONMap).labels, { app: 'pi', patched: 'yes' });
  assert.equal((out.spec as JSONMap).backoffLimit, 3);
  assert.equal((out.spec as JSONMap).parallelism, undefined);
  // applying the same manifest again: nothing to send
  assert.deepEqual(createThreeWayMergePatch(manifest, manifest, out, JOB), {});
});

test('three-way patch: a changed container list element is patched by name, one removed from the manifest deleted', () => {
  const c = (name: string, image: string) => ({ name, image });
  const mk = (cs: JSONMap[]) => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: cs } }) as JSONMap;
  const last = mk([c('a', 'x'), c('b', 'y')]);
  const live = mk([{ ...c('a', 'x'), imagePullPolicy: 'IfNotPresent' }, { ...c('b', 'y'), imagePullPolicy: 'IfNotPresent' }]);
  const manifest = mk([c('a', 'x2')]);
  const patch = createThreeWayMergePatch(last, manifest, live, POD);
  assert.deepEqual(patch, { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', image: 'x2' }, { name: 'b', $patch: 'delete' }] } });
  assert.deepEqual((strategicMergePatch(live, patch, POD).spec as JSONMap).containers, [{ name: 'a', image: 'x2', imagePullPolicy: 'IfNotPresent' }]);
});

test('JSON merge patch and JSON patch', () => {
  assert.deepEqual(jsonMergePatch({ a: 1, b: [1, 2], c: { d: 1 } }, { b: [3], c: { d: null, e: 2 }, a: null }), { b: [3], c: { e: 2 } });
  assert.deepEqual(applyJSONPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/1', value: 9 }, { op: 'replace', path: '/a/0', value: 0 }, { op: 'copy', from: '/a', path: '/b' }, { op: 'move', from: '/b', path: '/c' }]), { a: [0, 9, 2], c: [0, 9, 2] });
  assert.throws(() => applyJSONPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]), JSONPatchError);
  assert.throws(() => applyJSONPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), JSONPatchError);
});

test('Go helpers: %v of JSON values and sort.SliceStable with a lenient less', () => {
  assert.equal(goV({ b: [1, 'x', null], a: true, c: 1e6 }), 'map[a:true b:[1 x <nil>] c:1e+06]');
  // Elements the order does not know "sort first", as Go's algorithm leaves them.
  const order = ['b', 'a'];
  const idx = (x: string) => order.indexOf(x);
  const xs = goSliceStable(['a', 'z', 'b'], (p, q) => (idx(p) >= 0 && idx(q) >= 0 ? idx(p) < idx(q) : true));
  assert.deepEqual(xs, ['b', 'z', 'a']);
});
