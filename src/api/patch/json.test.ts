// JSON patch over documents, as RFC 6902's examples (appendix A) give them, and what the patched
// document shares with its target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJSONPatch, JSONPatchDecodeError, JSONPatchError } from './json.js';

const apply = (doc: unknown, ops: unknown[]) => {
  const before = structuredClone(doc);
  const out = applyJSONPatch(doc, ops);
  assert.deepEqual(doc, before, 'the target is not modified');
  return out;
};

test('RFC 6902 appendix A: add, remove, replace, move, copy, test', () => {
  assert.deepEqual(apply({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { foo: 'bar', baz: 'qux' });
  assert.deepEqual(apply({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), { foo: ['bar', 'qux', 'baz'] });
  assert.deepEqual(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
  assert.deepEqual(apply({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), { foo: ['bar', 'baz'] });
  assert.deepEqual(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), { baz: 'boo', foo: 'bar' });
  assert.deepEqual(
    apply({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]),
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  );
  assert.deepEqual(apply({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]), { foo: ['all', 'cows', 'eat', 'grass'] });
  assert.deepEqual(apply({ foo: { bar: 1 } }, [{ op: 'copy', from: '/foo', path: '/baz' }]), { foo: { bar: 1 }, baz: { bar: 1 } });
  assert.deepEqual(apply({ baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }]), { baz: 'qux', foo: ['a', 2, 'c'] });
  assert.throws(() => apply({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), new JSONPatchError('testing value /baz failed: test failed'));
  assert.deepEqual(apply({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]), { foo: 'bar', child: { grandchild: {} } });
  assert.deepEqual(apply({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), { foo: ['bar', ['abc', 'def']] });
  assert.deepEqual(apply({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }, { op: 'remove', path: '/~1' }]), { '~1': 10 });
});

test("errors, in json-patch v4's words (errors.Wrapf: the operation's context, then the cause)", () => {
  const fails = (doc: unknown, op: Record<string, unknown>, message: string) => assert.throws(() => apply(doc, [op]), new JSONPatchError(message), JSON.stringify(op));
  fails({ foo: 'bar' }, { op: 'add', path: '/baz/bat', value: 'qux' }, 'add operation does not apply: doc is missing path: "/baz/bat": missing value');
  fails({ foo: 'bar' }, { op: 'add', path: '/foo/bat', value: 'qux' }, 'add operation does not apply: doc is missing path: "/foo/bat": missing value');
  fails({ foo: ['a'] }, { op: 'add', path: '/foo/5', value: 'b' }, "error in add for path: '/foo/5': Unable to access invalid index: 5: invalid index referenced");
  fails({ foo: ['a'] }, { op: 'add', path: '/foo/x', value: 'b' }, `error in add for path: '/foo/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`);
  fails({ foo: ['a'] }, { op: 'replace', path: '/foo/1', value: 'b' }, 'replace operation does not apply: doc is missing key: /foo/1: missing value');
  fails({ foo: 'bar' }, { op: 'replace', path: '/a/b', value: 1 }, 'replace operation does not apply: doc is missing path: /a/b: missing value');
  fails({ foo: 'bar' }, { op: 'remove', path: '/nope' }, "error in remove for path: '/nope': Unable to remove nonexistent key: nope: missing value");
  fails({ foo: 'bar' }, { op: 'remove', path: '/spec/x' }, 'remove operation does not apply: doc is missing path: "/spec/x": missing value');
  fails({ foo: [1] }, { op: 'remove', path: '/foo/3' }, "error in remove for path: '/foo/3': Unable to access invalid index: 3: invalid index referenced");
  fails({ foo: 'bar' }, { op: 'remove', path: '' }, 'remove operation does not apply: doc is missing path: "": missing value');
  fails({ data: {} }, { op: 'move', from: '/data/zz', path: '/data/y' }, "error in move for path: 'zz': Unable to remove nonexistent key: zz: missing value");
  fails({ data: {} }, { op: 'move', from: '/x/zz', path: '/data/y' }, 'move operation does not apply: doc is missing from path: /x/zz: missing value');
  fails({ data: { a: 1 } }, { op: 'copy', from: '/data/a', path: '/x/y' }, 'copy operation does not apply: doc is missing destination path: /x/y: missing value');
  fails({ data: { mode: 'fast' } }, { op: 'test', path: '/data/mode', value: 'slow' }, 'testing value /data/mode failed: test failed');
  fails({ data: {} }, { op: 'test', path: '/x/y', value: 1 }, 'test operation does not apply: is missing path: /x/y: missing value');
  fails({ foo: 'bar' }, { op: 'frob', path: '/foo' }, 'Unexpected kind: frob');
  fails({ foo: 'bar' }, { path: '/foo' }, 'Unexpected kind: unknown');
  fails({ foo: 'bar' }, { op: 'add', value: 1 }, 'add operation failed to decode path: missing value');
  // A failing op leaves the target as it was, whatever the ops before it did.
  const doc = { a: { b: [1, 2] } };
  assert.throws(() => apply(doc, [{ op: 'remove', path: '/a/b/0' }, { op: 'test', path: '/a/b/0', value: 1 }]));
  assert.deepEqual(doc, { a: { b: [1, 2] } });
});

test("json-patch v4's departures from RFC 6902, which decide what a cluster accepts", () => {
  assert.deepEqual(apply({ data: { a: '1' } }, [{ op: 'replace', path: '/data/nope', value: 'x' }]), { data: { a: '1', nope: 'x' } }, 'replace of a missing key adds it');
  assert.deepEqual(apply({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }]), { l: [1, 2] }, 'an index from the end');
  assert.deepEqual(apply({ l: [1, 2] }, [{ op: 'add', path: '/l/-1', value: 9 }]), { l: [1, 2, 9] }, 'added at -1 of the array one longer: the end');
  assert.deepEqual(apply({ a: 1 }, [{ op: 'test', path: '/nope', value: null }]), { a: 1 }, 'a missing key tests equal to null');
  assert.deepEqual(apply({ m: { a: 1, n: null } }, [{ op: 'test', path: '/m', value: { n: null, a: 1 } }]), { m: { a: 1, n: null } });
  assert.throws(() => apply({ m: { a: 1 } }, [{ op: 'test', path: '/m', value: { a: 1, extra: 2 } }]), new JSONPatchError('testing value /m failed: test failed'));
  assert.throws(() => apply({ m: { a: 1, b: 2 } }, [{ op: 'test', path: '/m', value: { a: 1 } }]), new JSONPatchError('testing value /m failed: test failed'));
  assert.deepEqual(apply({ a: 1 }, [{ op: 'add', path: '/b' }]), { a: 1, b: null }, 'an absent value is null');
  assert.deepEqual(apply({ a: 1 }, [{ op: 'copy', from: '/nope', path: '/b' }]), { a: 1, b: null }, "a missing key's copy is null");
});

test('the patched document shares what the patch did not change with its target, and copies the rest', () => {
  const pod = { metadata: { name: 'p', finalizers: ['batch.kubernetes.io/job-tracking'], labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
  const out = apply(pod, [
    { op: 'test', path: '/metadata/finalizers', value: ['batch.kubernetes.io/job-tracking'] },
    { op: 'remove', path: '/metadata/finalizers' },
  ]) as typeof pod;
  assert.deepEqual(out, { metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } });
  assert.notEqual(out, pod);
  assert.notEqual(out.metadata, pod.metadata);
  assert.equal(out.spec, pod.spec, 'not copied: the patch did not touch it');
  assert.equal(out.metadata.labels, pod.metadata.labels);
  // Two ops under the same parent: the second changes the copy the first made, not the target.
  const two = apply(pod, [
    { op: 'add', path: '/metadata/labels/x', value: 'y' },
    { op: 'add', path: '/metadata/labels/z', value: 'w' },
  ]) as typeof pod;
  assert.deepEqual(two.metadata.labels, { a: 'b', x: 'y', z: 'w' });
  // A patch that only tests still gives a document of the caller's own.
  const same = apply(pod, [{ op: 'test', path: '/status/phase', value: 'Succeeded' }]);
  assert.deepEqual(same, pod);
  assert.notEqual(same, pod);
  // An added value is the patch's copy: changing the patch afterwards changes nothing patched.
  const value = { k: 'v' };
  const added = applyJSONPatch({}, [{ op: 'add', path: '/x', value }]) as { x: { k: string } };
  value.k = 'changed';
  assert.equal(added.x.k, 'v');
});

test('json-patch v4.12: negative indices everywhere an index is read, the whole document by "", and DecodePatch', () => {
  const pod = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
  assert.deepEqual(apply(pod, [{ op: 'replace', path: '/spec/containers/-1/image', value: 'z' }]), { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'z' }] } });
  assert.deepEqual(apply(pod, [{ op: 'test', path: '/spec/containers/-2/name', value: 'a' }]), pod);
  assert.deepEqual(apply(pod, [{ op: 'move', from: '/spec/containers/-1', path: '/spec/containers/0' }]), { spec: { containers: [{ name: 'b', image: 'y' }, { name: 'a', image: 'x' }] } });
  assert.deepEqual(apply({ l: [1, 2] }, [{ op: 'replace', path: '/l/-2', value: 0 }]), { l: [0, 2] });
  assert.throws(() => apply({ l: [1, 2] }, [{ op: 'replace', path: '/l/-3', value: 0 }]), new JSONPatchError('replace operation does not apply: doc is missing key: /l/-3: missing value'));
  assert.throws(() => apply({ l: [1] }, [{ op: 'test', path: '/l/-2', value: 1 }]), new JSONPatchError("error in test for path: '/l/-2': Unable to access invalid index: -2: invalid index referenced"));
  assert.deepEqual(apply({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
  assert.deepEqual(apply({ a: 1 }, [{ op: 'replace', path: '', value: 5 }]), { a: 1 }, 'a scalar leaves the document (a nil error wrapped is nil)');
  assert.deepEqual(apply({ a: 1 }, [{ op: 'test', path: '', value: { a: 1 } }]), { a: 1 });
  assert.throws(() => apply({ a: 1 }, [{ op: 'test', path: '', value: 1 }]), new JSONPatchError('testing value  failed: test failed'));
  assert.throws(() => apply({ a: 1 }, [{ op: 'replace', path: 5, value: 1 }]), new JSONPatchError('replace operation failed to decode path: json: cannot unmarshal number into Go value of type string'));
  assert.deepEqual(apply({ a: 1 }, null as unknown as unknown[]), { a: 1 }, 'null: no operations');
  assert.throws(() => applyJSONPatch({}, { a: 1 } as unknown as unknown[]), new JSONPatchDecodeError('json: cannot unmarshal object into Go value of type jsonpatch.Patch'));
  assert.throws(() => applyJSONPatch({}, [1]), new JSONPatchDecodeError('json: cannot unmarshal number into Go value of type jsonpatch.Operation'));
});
