// A bug's report: its stack, and from the bundle (minified names) how to see the sources' own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bugReport } from './main.js';

test("a bug thrown in the bundle says how to see the sources' names; one from the sources does not", () => {
  const fromBundle = Object.assign(new Error('x'), { stack: 'TypeError: x\n    at Qe (/opt/kjob/dist/bundle/0123456789abcdef.cjs:12:345)' });
  assert.equal(
    bugReport(fromBundle),
    'kjob: this is a bug, please report it: TypeError: x\n    at Qe (/opt/kjob/dist/bundle/0123456789abcdef.cjs:12:345)\n(KJOB_NO_BUNDLE=1 runs the same command with the names and lines of the sources)\n',
  );
  const fromSources = Object.assign(new Error('x'), { stack: 'TypeError: x\n    at get (file:///opt/kjob/dist/cli/get.js:1:2)' });
  assert.equal(bugReport(fromSources), 'kjob: this is a bug, please report it: TypeError: x\n    at get (file:///opt/kjob/dist/cli/get.js:1:2)\n');
  assert.equal(bugReport('a string'), 'kjob: this is a bug, please report it: a string\n');
});
