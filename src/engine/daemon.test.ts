import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { acquireLock, ensureEngine, holdsLock, lockPath, readLockPid, releaseLock, sendToEngine, socketPath } from './daemon.js';
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

test('a wake the engine is slow to answer leaves a note that the command waits, taken away with the answer', { timeout: 10_000 }, async (t) => {
  const home = tempDir('wake');
  const notes = waitingNotesDir(home);
  const note = path.join(notes, String(process.pid));
  fs.mkdirSync(notes, { recursive: true });
  const seen: boolean[] = [];
  // A busy engine answers a wake only once the command's note is there (it would make way for it
  // then); a free one answers at once. No clock: the first wake leaves its note at once (without a
  // note it would get no answer and the test fail), the second not before an hour.
  let busy = true;
  const open: { destroy(): void }[] = [];
  // At the timeout: the unanswered wake ends (its socket closed), so the test fails and cleans up.
  t.signal.addEventListener('abort', () => open.forEach((o) => o.destroy()));
  const server = net.createServer((conn) =>
    conn.once('data', () => {
      open.push(conn);
      const answer = () => {
        seen.push(fs.existsSync(note));
        conn.end('ok\n');
      };
      if (!busy) return answer();
      const watcher = fs.watch(notes, () => {
        if (!fs.existsSync(note)) return;
        watcher.close();
        answer();
      });
      open.push({ destroy: () => watcher.close() });
      if (fs.existsSync(note)) watcher.emit('change');
    }),
  );
  await new Promise<void>((r) => server.listen(socketPath(home), r));
  try {
    await ensureEngine(home, () => false, { noteAfterMs: 0 });
    assert.deepEqual(seen, [true], 'the note was there while the command waited');
    assert.equal(fs.existsSync(note), false, 'and gone with the answer');
    busy = false;
    await ensureEngine(home, () => false, { noteAfterMs: 3600_000 });
    assert.deepEqual(seen, [true, false], 'an answer at once: no note');
  } finally {
    await new Promise((r) => server.close(r));
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("a wake's answer comes once its connection has closed: nothing of it keeps a command's loop alive", { timeout: 10_000 }, async () => {
  const home = tempDir('wake-closed');
  // The engine's side on a thread of its own: its handles are its event loop's, so this loop's
  // are then the wake's alone. It says when it listens.
  const server = `const { parentPort } = require('node:worker_threads'); require('node:net').createServer((c) => c.once('data', () => c.end('ok\\n'))).listen(${JSON.stringify(socketPath(home))}, () => parentPort.postMessage('listening'))`;
  const engine = new Worker(server, { eval: true });
  try {
    await once(engine, 'message');
    engine.unref();
    const pipes = () => process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;
    const before = pipes();
    assert.equal(await sendToEngine(home, 'wake'), 'ok');
    // bin/kjob exits at once only when nothing is left open (else node tears its heap down first).
    assert.equal(pipes(), before, 'the connection is closed by the time the answer is in');
  } finally {
    await engine.terminate();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
