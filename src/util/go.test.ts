// Go's wordings kjob prints: an errno as a Go program prints it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goErrnoText } from './go.js';
import { tempDir } from './testing.js';

const failure = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('no failure');
};

test("goErrnoText: a failed call's errno as Go's syscall.Errno prints it; an error without a code, its message", () => {
  const dir = tempDir('goerrno');
  assert.equal(goErrnoText(failure(() => fs.readFileSync(path.join(dir, 'missing')))), 'no such file or directory');
  // libuv says "illegal operation on a directory"; Go says this.
  assert.equal(goErrnoText(failure(() => fs.readFileSync(dir))), 'is a directory');
  fs.writeFileSync(path.join(dir, 'f'), '');
  assert.equal(goErrnoText(failure(() => fs.mkdirSync(path.join(dir, 'f')))), 'file exists');
  assert.equal(goErrnoText(failure(() => fs.readdirSync(path.join(dir, 'f')))), 'not a directory');
  assert.equal(goErrnoText(new Error('plain')), 'plain');
});
