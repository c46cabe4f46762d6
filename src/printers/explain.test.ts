import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain, wrapString, ExplainError } from './explain.js';

test('go-wordwrap WrapString', () => {
  assert.equal(wrapString('aaa bbb ccc', 7), 'aaa bbb\nccc');
  assert.equal(wrapString('aaaaaaaaaa bb', 4), 'aaaaaaaaaa\nbb');
  assert.equal(wrapString('a b\nc d', 3), 'a b\nc d');
});

test('explain: header, FIELD, DESCRIPTION, FIELDS', () => {
  const out = explain({ gvk: { group: 'batch', version: 'v1', kind: 'Job' }, fieldPath: ['spec', 'suspend'], recursive: false });
  assert.match(out, /^GROUP:      batch\nKIND:       Job\nVERSION:    v1\n\nFIELD: suspend <boolean>\n\n\nDESCRIPTION:\n    suspend specifies/);
  const spec = explain({ gvk: { group: 'batch', version: 'v1', kind: 'Job' }, fieldPath: ['spec'], recursive: false });
  assert.match(spec, /\nFIELDS:\n  activeDeadlineSeconds\t<integer>\n/);
  assert.match(spec, /\n  template\t<PodTemplateSpec> -required-\n/);
  const rec = explain({ gvk: { group: '', version: 'v1', kind: 'Pod' }, fieldPath: ['spec', 'restartPolicy'], recursive: false });
  // (kjob's schema data carries no enums, so no ENUM: block)
  assert.match(rec, /^KIND:       Pod\nVERSION:    v1\n\nFIELD: restartPolicy <string>\n\n\nDESCRIPTION:\n    Restart policy for all containers/);
  assert.throws(() => explain({ gvk: { group: 'batch', version: 'v1', kind: 'Job' }, fieldPath: ['nope'], recursive: false }), (e: unknown) => e instanceof ExplainError && e.message === 'error: field "nope" does not exist');
});
