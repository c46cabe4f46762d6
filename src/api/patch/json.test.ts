// JSON patch over documents, as RFC 6902's examples (appendix A) give them, and what the patched
// document shares with its target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJSONPatch, JSONPatchError } from './json.js';

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
  assert.throws(() => apply({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]), new JSONPatchError('testing value /baz failed'));
  assert.deepEqual(apply({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]), { foo: 'bar', child: { grandchild: {} } });
  assert.deepEqual(apply({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), { foo: ['bar', ['abc', 'def']] });
  assert.deepEqual(apply({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }, { op: 'remove', path: '/~1' }]), { '~1': 10 });
});

test('errors: a missing path, an index out of range, a value under a scalar, the whole document removed', () => {
  assert.throws(() => apply({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), new JSONPatchError('missing /baz/bat'));
  assert.throws(() => apply({ foo: 'bar' }, [{ op: 'add', path: '/foo/bat', value: 'qux' }]), new JSONPatchError('missing /foo/bat'));
  assert.throws(() => apply({ foo: 'bar' }, [{ op: 'add', path: '/foo/bat/x', value: 'qux' }]), new JSONPatchError('missing /foo/bat/x'));
  assert.throws(() => apply({ foo: ['a'] }, [{ op: 'add', path: '/foo/5', value: 'b' }]), new JSONPatchError('index out of range /foo/5'));
  assert.throws(() => apply({ foo: ['a'] }, [{ op: 'replace', path: '/foo/1', value: 'b' }]), new JSONPatchError('index out of range /foo/1'));
  assert.throws(() => apply({ foo: 'bar' }, [{ op: 'remove', path: '/nope' }]), new JSONPatchError('missing /nope'));
  assert.throws(() => apply({ foo: 'bar' }, [{ op: 'remove', path: '' }]), new JSONPatchError('cannot remove the document'));
  assert.throws(() => apply({ foo: 'bar' }, [{ op: 'move', from: '', path: '/foo' }]), new JSONPatchError('cannot remove the document'));
  assert.throws(() => apply({ foo: 'bar' }, [{ op: 'frob', path: '/foo' }]), new JSONPatchError('Unexpected kind: frob'));
  // A failing op leaves the target as it was, whatever the ops before it did.
  const doc = { a: { b: [1, 2] } };
  assert.throws(() => apply(doc, [{ op: 'remove', path: '/a/b/0' }, { op: 'test', path: '/a/b/0', value: 1 }]));
  assert.deepEqual(doc, { a: { b: [1, 2] } });
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
