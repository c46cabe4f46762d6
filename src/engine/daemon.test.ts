import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { acquireLock, holdsLock, lockPath, readLockPid, releaseLock } from './daemon.js';
import { processStartTicks } from '../util/process.js';
import { tempDir } from '../util/testing.js';

test('the engine lock names its holder by pid and start time, and a reused pid holds nothing', () => {
  const home = tempDir('lock');
  assert.equal(acquireLock(home), true);
  assert.equal(fs.readFileSync(lockPath(home), 'utf8'), `${process.pid} ${processStartTicks(process.pid)}\n`);
  assert.equal(readLockPid(home), process.pid);
  assert.equal(holdsLock(home), true);
  assert.equal(acquireLock(home), true, 'its holder has it already');
  // Another live process holds it (this test's parent stands in for an engine).
  const other = `${process.ppid} ${processStartTicks(process.ppid)}\n`;
  fs.writeFileSync(lockPath(home), other);
  assert.equal(acquireLock(home), false, 'a live holder keeps it');
  assert.equal(holdsLock(home), false);
  // spawnEngine took it for the engine it starts, and said so: the engine takes it over.
  assert.equal(acquireLock(home, other), true);
  assert.equal(fs.readFileSync(lockPath(home), 'utf8'), `${process.pid} ${processStartTicks(process.pid)}\n`);
  // An engine killed with SIGKILL leaves its lock; its pid is now this live process's, which
  // started at another time: not an engine, so the lock is stale and taken over.
  fs.writeFileSync(lockPath(home), `${process.pid} 1\n`);
  assert.equal(readLockPid(home), undefined);
  assert.equal(holdsLock(home), false);
  assert.equal(acquireLock(home), true);
  assert.equal(readLockPid(home), process.pid);
  releaseLock(home);
  assert.equal(fs.existsSync(lockPath(home)), false);
  // A lock from before start times were written: liveness alone.
  fs.writeFileSync(lockPath(home), `${process.pid}\n`);
  assert.equal(readLockPid(home), process.pid);
  fs.rmSync(home, { recursive: true });
});
