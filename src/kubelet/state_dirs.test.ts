// Every state directory of this user is covered in every sandbox, not only the pod's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { knownStateDirs, registerStateDir } from './state_dirs.js';
import { hiddenPaths } from './sandbox.js';
import { userRuntimeDir } from './runtime_dir.js';

test("a state directory once used is hidden from another's pods; one under /tmp needs no listing; gone ones drop out", () => {
  // outside /tmp, as a user's state directory may be (the pods' /tmp is their own already)
  const other = fs.mkdtempSync('/var/tmp/kjob-statedir-');
  const mine = fs.mkdtempSync('/var/tmp/kjob-statedir-');
  try {
    registerStateDir(other);
    registerStateDir(other);
    assert.equal(knownStateDirs().filter((d) => d === fs.realpathSync(other)).length, 1, 'listed once');
    assert.ok(hiddenPaths(mine).includes(fs.realpathSync(other)), 'covered in the sandboxes of another state directory');
    const tmp = fs.mkdtempSync(path.join('/tmp', 'kjob-statedir-'));
    registerStateDir(tmp);
    assert.ok(!knownStateDirs().includes(fs.realpathSync(tmp)));
    fs.rmSync(tmp, { recursive: true });
    fs.rmSync(other, { recursive: true });
    assert.ok(!knownStateDirs().includes(path.resolve(other)), 'a removed directory is not covered');
    // Lines of directories that are gone cost every container start a check: a command drops them
    // once there are more than a few, and keeps what exists.
    const list = path.join(userRuntimeDir(), 'state-dirs');
    const gone = Array.from({ length: 12 }, (_, i) => `${other}-gone-${i}`);
    fs.appendFileSync(list, gone.map((d) => d + '\n').join(''));
    registerStateDir(mine);
    const lines = fs.readFileSync(list, 'utf8').split('\n');
    assert.deepEqual(gone.filter((d) => lines.includes(d)), []);
    assert.ok(lines.includes(fs.realpathSync(mine)));
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
    fs.rmSync(mine, { recursive: true, force: true });
  }
});
