import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError, aggregateMessage, userErrorReport } from './errors.js';

test("kubectl's CheckErr: one error ends with a newline unless it has one; several each lose 'error: ' and are each followed by one", () => {
  assert.equal(aggregateMessage(['error: a']), 'error: a\n');
  assert.equal(aggregateMessage(['error: a\n\n']), 'error: a\n\n');
  assert.equal(aggregateMessage(['error: a', 'Error from server (NotFound): b']), 'a\nError from server (NotFound): b\n');
  // A template's execution error ends with its own newline: an empty line follows it among several.
  assert.equal(aggregateMessage(['error: x\n', 'error: y\n']), 'x\n\ny\n\n');
  assert.deepEqual(userErrorReport(new UserError('error: a')), { stderr: 'error: a\n', exitCode: 1 });
  assert.deepEqual(userErrorReport(new UserError('error: a\n\n')), { stderr: 'error: a\n\n', exitCode: 1 });
});
