import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ExecutablePuller, normalizedImageRef } from './images.js';

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

test("normalizedImageRef: a created container's status names the image as containerd's store does", () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['perl:5.34.0', 'docker.io/library/perl:5.34.0'],
    ['bitnami/kubectl:1.30', 'docker.io/bitnami/kubectl:1.30'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['localhost:5000/tools/x', 'localhost:5000/tools/x:latest'],
    ['localhost/x', 'localhost/x:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox:1.36', 'docker.io/library/busybox:1.36'],
    // By digest: containerd names it by the config's ID, which kjob's images have not: as given.
    [`busybox@sha256:${'a'.repeat(64)}`, `busybox@sha256:${'a'.repeat(64)}`],
    [`busybox:1.36@sha256:${'a'.repeat(64)}`, `busybox:1.36@sha256:${'a'.repeat(64)}`],
  ];
  for (const [image, want] of cases) assert.equal(normalizedImageRef(image), want, image);
});
