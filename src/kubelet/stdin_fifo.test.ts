// The stdin FIFO's place: under /run or /tmp (every sandbox's own), one private directory per attempt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { prepareStdinFifoDir, removeStdinFifo, stdinFifoPath } from './stdin_fifo.js';
import { rootBinds } from './sandbox.js';
import { tempDir } from '../util/testing.js';

test('outside the state directory, in a place no sandbox binds from the host, private to this user', () => {
  const home = tempDir('fifo');
  try {
    const attempt = path.join(home, 'pods', 'u1', 'containers', 'c', '0');
    const fifo = prepareStdinFifoDir(attempt)!;
    assert.ok(fifo, 'a private directory was made');
    assert.equal(fifo, stdinFifoPath(attempt));
    assert.ok(!fifo.startsWith(home + path.sep));
    assert.match(fifo, /^\/(run|tmp)\//);
    // the sandbox binds none of the host's /run or /tmp
    const top = '/' + fifo.split('/')[1];
    assert.ok(!rootBinds().some((b) => b === top || top.startsWith(b + '/')), `${top} is bound into sandboxes: ${rootBinds().join(' ')}`);
    for (const d of [path.dirname(fifo), path.dirname(path.dirname(fifo))]) assert.equal(fs.statSync(d).mode & 0o777, 0o700, d);
    assert.notEqual(stdinFifoPath(path.join(home, 'pods', 'u1', 'containers', 'c', '1')), fifo, 'one per attempt');
    removeStdinFifo(attempt);
    assert.ok(!fs.existsSync(path.dirname(fifo)));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
