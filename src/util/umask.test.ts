import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setUmask, umaskKeeps } from './umask.js';
import { mkdirPrivate, writeInPlace } from '../kubelet/runtime.js';
import { tempDir } from './testing.js';

test('a mode is known to survive only a umask kjob set itself', () => {
  assert.equal(umaskKeeps(0o700), false); // nobody set it: every mode is set explicitly
  const old = process.umask();
  try {
    setUmask(0o077);
    assert.equal(umaskKeeps(0o700), true);
    assert.equal(umaskKeeps(0o600), true);
    assert.equal(umaskKeeps(0o644), false);
    setUmask(0o027);
    assert.equal(umaskKeeps(0o700), true);
    assert.equal(umaskKeeps(0o640), true);
    assert.equal(umaskKeeps(0o660), false);
  } finally {
    setUmask(old);
  }
});

test('private files and directories get their modes under any umask kjob set', () => {
  const dir = tempDir('umask');
  const old = process.umask();
  try {
    for (const mask of [0o077, 0o000, 0o022]) {
      setUmask(mask);
      const d = path.join(dir, `m${mask}`, 'a', 'b');
      mkdirPrivate(d);
      for (let p = d; p !== dir; p = path.dirname(p)) assert.equal(fs.statSync(p).mode & 0o777, 0o700, `${p} under ${mask.toString(8)}`);
      writeInPlace(path.join(d, 'f'), 'x\n');
      assert.equal(fs.statSync(path.join(d, 'f')).mode & 0o777, 0o600);
      writeInPlace(path.join(d, 'g'), 'x\n', 0o644);
      assert.equal(fs.statSync(path.join(d, 'g')).mode & 0o777, 0o644);
    }
  } finally {
    setUmask(old);
    fs.rmSync(dir, { recursive: true });
  }
});
