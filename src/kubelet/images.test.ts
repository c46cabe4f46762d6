import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ExecutablePuller } from './images.js';

test('a pull reads an executable the first time and again only once it has changed; its size either way', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-images-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'tool');
  fs.writeFileSync(file, 'x'.repeat(100), { mode: 0o755 });
  const reads: string[] = [];
  const puller = new ExecutablePuller((fd, f) => (reads.push(f), fs.readFileSync(fd)));
  assert.equal(puller.pull(file), 100);
  assert.equal(puller.pull(file), 100);
  assert.deepEqual(reads, [file]);
  fs.writeFileSync(file, 'y'.repeat(250));
  assert.equal(puller.pull(file), 250);
  assert.equal(puller.pull(file), 250);
  assert.deepEqual(reads, [file, file]);
  assert.equal(puller.pull(path.join(dir, 'missing')), 0);
  // What a pod can put in its volume's place: a FIFO is neither read nor waited on (nor a device opened).
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.equal(puller.pull(fifo), 0);
  assert.deepEqual(reads, [file, file]);
  // An executable that is a symlink (busybox's applets, /bin/sh) is pulled as what it leads to.
  fs.symlinkSync(file, path.join(dir, 'link'));
  assert.equal(puller.pull(path.join(dir, 'link')), 250);
});
