// The sandbox probe runs bubblewrap once per bubblewrap binary, kernel, boot and user namespace
// switches: a pass is recorded in the runtime directory and trusted afterwards; a record of
// another bwrap is not, nor one in a directory that is not private.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { probeSandbox } from './sandbox.js';
import { tempDir } from '../util/testing.js';

// Private, as mkdtemp makes it (0700), and removed when the test process ends.
const runtimeDir = () => tempDir('probe');

const first = probeSandbox('auto', { env: {}, runtimeDir: runtimeDir() });
const skip = !first.sandboxed && `bubblewrap does not sandbox here: ${first.reason}`;

test('a probe that passed is recorded, and the next probe trusts the record without running bwrap', { skip }, () => {
  const dir = runtimeDir();
  const real = probeSandbox('auto', { env: {}, runtimeDir: dir });
  assert.equal(real.sandboxed, true);
  const file = path.join(dir, 'sandbox-probe');
  const [key, version] = fs.readFileSync(file, 'utf8').split('\n');
  assert.equal(version, real.version ?? '');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  // A version bwrap never printed: only the record can say it.
  fs.writeFileSync(file, `${key}\nbubblewrap from the record\n`);
  assert.deepEqual(probeSandbox('auto', { env: {}, runtimeDir: dir }), { sandboxed: true, version: 'bubblewrap from the record' });
});

test('a record of another bubblewrap, kernel or boot is not trusted: the probe runs again', { skip }, () => {
  const dir = runtimeDir();
  fs.writeFileSync(path.join(dir, 'sandbox-probe'), '1 2 3 4 5.0.0 another-boot\nbubblewrap from the record\n');
  const again = probeSandbox('auto', { env: {}, runtimeDir: dir });
  assert.equal(again.sandboxed, true);
  assert.notEqual(again.version, 'bubblewrap from the record');
  assert.notEqual(fs.readFileSync(path.join(dir, 'sandbox-probe'), 'utf8').split('\n')[0], '1 2 3 4 5.0.0 another-boot');
});

test('a record in a runtime directory others can write is not trusted', { skip }, () => {
  const dir = runtimeDir();
  probeSandbox('auto', { env: {}, runtimeDir: dir });
  const file = path.join(dir, 'sandbox-probe');
  const [key] = fs.readFileSync(file, 'utf8').split('\n');
  fs.writeFileSync(file, `${key}\nbubblewrap from the record\n`);
  fs.chmodSync(dir, 0o777);
  assert.notEqual(probeSandbox('auto', { env: {}, runtimeDir: dir }).version, 'bubblewrap from the record');
  fs.chmodSync(dir, 0o700);
  assert.equal(probeSandbox('auto', { env: {}, runtimeDir: dir }).version, 'bubblewrap from the record');
});
