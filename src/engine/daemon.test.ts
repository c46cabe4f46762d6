import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { WAKE_SIGNAL, acquireLock, ensureEngine, holdsLock, lockPath, readLockPid, releaseLock, sendToEngine, socketPath, stoppingUnlessWork, unmarkStopping } from './daemon.js';
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

/**
 * Counts the wake signals this process (standing in for an engine) gets; off() stops counting.
 * until(n): once n have come, or a failure after 5 s (node's signal handles keep no event loop
 * alive: its timer keeps the test's while it waits).
 */
function wakesOfThisProcess(): { count(): number; until(n: number): Promise<void>; off(): void } {
  let n = 0;
  const waiting = new Set<() => void>();
  const onWake = () => {
    n++;
    for (const w of waiting) w();
  };
  process.on(WAKE_SIGNAL, onWake);
  return {
    count: () => n,
    until: (want) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${n} wakes of ${want} came`)), 5000);
        const check = () => {
          if (n < want) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      }),
    off: () => process.off(WAKE_SIGNAL, onWake),
  };
}

/** This process as the engine of a new state directory (it holds the lock), counting the wake signals it gets; the directory goes after. */
async function asEngine(name: string, body: (home: string, wakes: ReturnType<typeof wakesOfThisProcess>) => Promise<void>): Promise<void> {
  const home = tempDir(name);
  assert.equal(acquireLock(home), true);
  const wakes = wakesOfThisProcess();
  try {
    await body(home, wakes);
  } finally {
    wakes.off();
    releaseLock(home);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

test("a command's write wakes the engine holding the lock by a signal, and waits for no answer", { timeout: 10_000 }, () =>
  asEngine('wake', async (home, wakes) => {
    await ensureEngine(home, () => assert.fail('a running engine needs no look for work'));
    await wakes.until(1);
    assert.equal(fs.existsSync(socketPath(home)), false, 'no socket was asked');
    // A stopping mark left by another engine (killed before it let go) names a lock nobody holds.
    fs.writeFileSync(path.join(home, 'engine.stopping'), `${process.ppid} ${processStartTicks(process.ppid)}\n`);
    await ensureEngine(home, () => assert.fail('a running engine needs no look for work'));
    await wakes.until(2); // woken again
  }));

test('an engine marked as stopping is not woken: the command waits until it lets go, then starts one only for work', { timeout: 10_000 }, () =>
  asEngine('wake-stopping', async (home, wakes) => {
    assert.equal(stoppingUnlessWork(home, () => false), true, 'no work: it stops');
    let looked = 0;
    const waking = ensureEngine(home, () => (looked++, false));
    // The engine lets go of its lock, then of its mark (Engine.shutdown).
    releaseLock(home);
    unmarkStopping(home);
    await waking;
    assert.equal(wakes.count(), 0, 'a stopping engine would not see the change');
    assert.equal(looked, 1, 'the command looked for work itself once the engine was gone');
    assert.equal(fs.existsSync(path.join(home, 'engine.stopping')), false);
  }));

test('an engine that finds work in its last look stays, and a command waiting for it to stop wakes it instead', { timeout: 10_000 }, () =>
  asEngine('wake-stays', async (home, wakes) => {
    // The mark is written before the last look, so a change committed before a command found the
    // engine unmarked is seen by that look.
    const marked = () => fs.readFileSync(path.join(home, 'engine.stopping'), 'utf8');
    assert.equal(stoppingUnlessWork(home, () => (assert.equal(marked(), fs.readFileSync(lockPath(home), 'utf8')), false)), true);
    const waking = ensureEngine(home, () => assert.fail('the engine holds its lock throughout'));
    // It found work after all (ensureEngine's own look, while the mark stood, came first).
    unmarkStopping(home);
    assert.equal(stoppingUnlessWork(home, () => true), false);
    assert.equal(fs.existsSync(path.join(home, 'engine.stopping')), false, 'the mark is gone');
    await waking;
    await wakes.until(1);
  }));

test('a look that finds no mark counts only if the same lock held on both sides of it: an engine that stopped in between is not woken', { timeout: 10_000 }, (t) =>
  asEngine('wake-between', async (home, wakes) => {
    // As the command reads the mark, the engine marks itself, takes its last look, lets go of its
    // lock and takes its mark away: the command finds no mark, and must not wake it.
    const readFileSync = fs.readFileSync;
    let between = false;
    t.mock.method(fs, 'readFileSync', (...a: Parameters<typeof fs.readFileSync>) => {
      if (!between && String(a[0]).endsWith('engine.stopping')) {
        between = true;
        t.mock.restoreAll();
        assert.equal(stoppingUnlessWork(home, () => false), true);
        releaseLock(home);
        unmarkStopping(home);
      }
      return readFileSync(...a);
    });
    try {
      let looked = 0;
      await ensureEngine(home, () => (looked++, false));
      assert.equal(between, true);
      assert.equal(looked, 1, 'the command looked for work itself: no engine would read its change');
      assert.equal(wakes.count(), 0);
    } finally {
      t.mock.restoreAll();
    }
  }));

test("an answer over the socket comes once its connection has closed: nothing of it keeps a command's loop alive", { timeout: 10_000 }, async () => {
  const home = tempDir('wake-closed');
  // The engine's side on a thread of its own: its handles are its event loop's, so this loop's
  // are then the request's alone. It says when it listens.
  const server = `const { parentPort } = require('node:worker_threads'); require('node:net').createServer((c) => c.once('data', () => c.end('pong\\n'))).listen(${JSON.stringify(socketPath(home))}, () => parentPort.postMessage('listening'))`;
  const engine = new Worker(server, { eval: true });
  try {
    await once(engine, 'message');
    engine.unref();
    const pipes = () => process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;
    const before = pipes();
    assert.equal(await sendToEngine(home, 'ping'), 'pong');
    // bin/kjob exits at once only when nothing is left open (else node tears its heap down first).
    assert.equal(pipes(), before, 'the connection is closed by the time the answer is in');
  } finally {
    await engine.terminate();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
