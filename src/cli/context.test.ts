// The command's context: which state directory a command works on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import path from 'node:path';
import { Context } from './context.js';

test('the state directory: --home, else $KJOB_HOME, else ~/.kjob; an empty $KJOB_HOME is unset, not the current directory', () => {
  assert.equal(new Context({ home: '/tmp/a' }, { KJOB_HOME: '/tmp/b' }).home, '/tmp/a');
  assert.equal(new Context({}, { KJOB_HOME: '/tmp/b' }).home, '/tmp/b');
  assert.equal(new Context({}, {}).home, path.join(homedir(), '.kjob'));
  assert.equal(new Context({}, { KJOB_HOME: '' }).home, path.join(homedir(), '.kjob'));
});
