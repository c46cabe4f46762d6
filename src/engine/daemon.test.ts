import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { acquireLock, ensureEngine, holdsLock, lockPath, readLockPid, releaseLock, socketPath } from './daemon.js';
import { waitingNotesDir } from '../store/waiting_notes.js';
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

test('a wake the engine is slow to answer leaves a note that the command waits, taken away with the answer', async () => {
  const home = tempDir('wake');
  const note = path.join(waitingNotesDir(home), String(process.pid));
  const seen: boolean[] = [];
  // An engine busy for 100 ms before it serves the wake, then one that answers at once.
  let delayMs = 100;
  const server = net.createServer((conn) =>
    conn.once('data', () => {
      setTimeout(() => {
        seen.push(fs.existsSync(note));
        conn.end('ok\n');
      }, delayMs);
    }),
  );
  await new Promise<void>((r) => server.listen(socketPath(home), r));
  try {
    await ensureEngine(home, () => false);
    assert.deepEqual(seen, [true], 'the note was there while the command waited');
    assert.equal(fs.existsSync(note), false, 'and gone with the answer');
    delayMs = 0;
    await ensureEngine(home, () => false);
    assert.deepEqual(seen, [true, false], 'an answer at once: no note');
  } finally {
    await new Promise((r) => server.close(r));
    fs.rmSync(home, { recursive: true, force: true });
  }
});
