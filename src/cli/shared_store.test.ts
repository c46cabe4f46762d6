import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openStore, releaseStore, closeKept } from './shared_store.js';
import { tempDir } from '../util/testing.js';

const tmp = () => tempDir('shared');

test('the next command of the process reuses the open state file; released, it stays open', () => {
  const home = tmp();
  try {
    const a = openStore(home);
    releaseStore(a);
    const b = openStore(home);
    assert.equal(b, a);
    assert.equal(b.get('Namespace', undefined, 'nosuch'), undefined); // still open
  } finally {
    closeKept();
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a state directory removed and made again is opened afresh; another directory closes the kept file', () => {
  const home = tmp();
  const other = tmp();
  try {
    const a = openStore(home);
    fs.rmSync(home, { recursive: true, force: true });
    const b = openStore(home);
    assert.notEqual(b, a);
    assert.ok(fs.existsSync(path.join(home, 'state.db')));
    const c = openStore(other);
    assert.notEqual(c, b);
    assert.throws(() => b.currentRV(), /not open/);
    assert.equal(openStore(other), c);
  } finally {
    closeKept();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test('a store that is not the kept one is closed when released', () => {
  const home = tmp();
  const other = tmp();
  try {
    const a = openStore(home);
    openStore(other); // closes a
    assert.throws(() => a.currentRV(), /not open/);
    releaseStore(a); // closing twice is harmless
  } finally {
    closeKept();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  }
});
