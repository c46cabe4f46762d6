// One engine per state directory: a pid lock file taken with O_EXCL (stale locks of dead
// processes are taken over); a signal the CLI wakes it with after a write, and a unix socket it
// asks it over (stop, ping, its node's status).
import fs from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { localNodeEnv, pidAlive, processStartTicks, processesOf } from '../util/process.js';

export function socketPath(home: string): string {
  return path.join(home, 'engine.sock');
}

export function lockPath(home: string): string {
  return path.join(home, 'engine.pid');
}

export function logPath(home: string): string {
  return path.join(home, 'engine.log');
}

/**
 * The lock holds "<pid> <start ticks>": the pid of an engine killed with SIGKILL is soon another
 * process's, which must neither keep every later engine from starting nor be taken for one.
 */
function lockHolder(text: string): number | undefined {
  const [pidText, ticks] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!pidAlive(pid)) return undefined;
  // A lock written without the start time (before it was recorded): liveness is all there is.
  return ticks === undefined || processStartTicks(pid) === ticks ? pid : undefined;
}

function lockTextOf(pid: number): string {
  return `${pid} ${processStartTicks(pid) ?? ''}`.trim() + '\n';
}

let ownLockText: string | undefined;

function lockText(): string {
  return (ownLockText ??= lockTextOf(process.pid));
}

function readLockText(home: string): string | undefined {
  try {
    return fs.readFileSync(lockPath(home), 'utf8');
  } catch {
    return undefined;
  }
}

/** Replace the lock file whole (rename of a written temp file), so nobody reads half a pid. */
function writeLock(home: string, text: string): void {
  const tmp = `${lockPath(home)}.${process.pid}.next`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, lockPath(home));
}

/**
 * The variable by which spawnEngine tells the engine it starts which lock text it took for it: the
 * engine takes that lock over, should it get there before spawnEngine wrote the engine's own pid.
 */
const LOCK_TAKEN_FOR_ENV = 'KJOB_ENGINE_LOCK_TAKEN_BY';

export function readLockPid(home: string): number | undefined {
  const text = readLockText(home);
  return text === undefined ? undefined : lockHolder(text);
}

/**
 * Take the engine lock for this process; false when another live engine holds it. The lock file
 * appears complete (link of a written temp file), so nobody reads an empty pid. An engine that
 * spawnEngine started finds the lock already taken for it: its own pid, or its starter's.
 */
export function acquireLock(home: string, takenFor?: string): boolean {
  const file = lockPath(home);
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, lockText(), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const held = readLockText(home);
        if (held === lockText()) return true;
        if (takenFor && held === takenFor) {
          writeLock(home, lockText());
          return true;
        }
        if (readLockPid(home) !== undefined) return false;
        // A stale lock from an engine that was killed: move it aside atomically, then retry. Two
        // engines racing here could both win; holdsLock() makes the loser stop at once.
        try {
          fs.renameSync(file, `${file}.stale.${process.pid}`);
          fs.rmSync(`${file}.stale.${process.pid}`, { force: true });
        } catch {
          /* another engine took it over first */
        }
      }
    }
    return false;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * The lock text spawnEngine took for this engine (acquireLock's takenFor), read once: the note is
 * not for the processes the engine starts.
 */
export function takeLockHandover(): string | undefined {
  const text = process.env[LOCK_TAKEN_FOR_ENV];
  delete process.env[LOCK_TAKEN_FOR_ENV];
  return text;
}

/** Whether this process still holds the engine lock (an engine that lost it stops). */
export function holdsLock(home: string): boolean {
  return readLockText(home) === lockText();
}

export function releaseLock(home: string): void {
  if (readLockText(home) === lockText()) fs.rmSync(lockPath(home), { force: true });
}

/** Send one command line to the engine; resolves with its reply, or undefined if none is listening. */
export function sendToEngine(home: string, command: 'stop' | 'ping' | 'node' | 'stay' | 'clock', timeoutMs = 2000): Promise<string | undefined> {
  // No socket, no engine listening (an engine makes it as it listens): a connection would fail
  // with ENOENT, after loading node:net and its streams (about 2.5 ms of an `apply` with no engine).
  if (!fs.existsSync(socketPath(home))) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const sock = net.createConnection(socketPath(home));
    let reply = '';
    let answer: { v: string | undefined } | undefined;
    const done = (v: string | undefined) => {
      answer ??= { v };
      clearTimeout(timer);
      sock.destroy();
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('connect', () => sock.write(`${command}\n`));
    sock.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\n')) done(reply.trim());
    });
    sock.on('error', () => done(undefined));
    // Answered once the connection is closed, not as the answer arrives: a command that then ends
    // has nothing left open (bin/kjob's quick exit; with the socket still closing, node tore its
    // heap down page by page, 3-5 ms of every write).
    sock.on('close', () => {
      clearTimeout(timer);
      resolve((answer ??= { v: reply ? reply.trim() : undefined }).v);
    });
  });
}

/** The CLI entry point a detached engine is started with: the launcher, which runs the bundled
 * CLI from its code cache (an engine started cold starts sooner). */
function cliEntry(): string {
  return fileURLToPath(new URL('../../bin/kjob', import.meta.url));
}

/** The variable by which a kjob command tells the engine it starts to exit once idle. */
export const EXIT_WHEN_IDLE_ENV = 'KJOB_ENGINE_EXIT_WHEN_IDLE';

/**
 * node's flags for an engine. The engine bundle's code cache is made under the same flags
 * (scripts/bundle.mjs): V8 refuses a cache made under other ones.
 * - V8 lets its young generation grow to 16 MiB a semi-space under the bursts of a Job's pods and
 *   never gives it back, which was a fifth of an idle engine's memory; 1 MiB costs the engine
 *   nothing measurable per pod (npm run bench).
 * - On a machine of two CPUs or fewer, TurboFan's budget (how much bytecode a function runs
 *   before V8 considers optimising it) at 8 times V8's 66 KiB. With the default, a fresh engine's
 *   Job of 1,000 pods had about 275 functions optimised on V8's compiler threads, a few ms of CPU
 *   each: 1.0-1.3 ms of CPU a pod, taken from the pods where there are two CPUs; with 8 times, about
 *   60 (the hot ones) and 0.2-0.3 ms, while the main thread, running the lukewarm functions
 *   unoptimised, takes 7-9% longer (twenty-sixth session, docs/performance.md: the engine's CPU
 *   0.89-0.92x, the Job's time 0.97-0.98x). Where CPUs are to spare, the compilers cost the Job
 *   nothing and their code shortens the main thread, the Job's critical path: V8's default stays.
 *   The flag is as old as TurboFan's tiering, and still its budget where Maglev tiers first.
 * A function, not a constant: node:os is loaded on first use, not with every command (scripts/bundle.mjs).
 * A build's engine cache is made under its own machine's flags: an engine on a machine of the other
 * kind (a package built elsewhere, a CPU affinity of one or two) finds it refused and compiles from
 * source, 12-20 ms more of a cold start, once per state directory, which keeps the cache of that
 * engine (bin/kjob keepEngineCache) for the next.
 */
export function engineNodeFlags(): string[] {
  return ['--max-semi-space-size=1', ...(availableParallelism() <= 2 ? [`--interrupt-budget=${8 * 66 * 1024}`] : [])];
}

/**
 * Start the engine in the background: one a command needs exits once idle, one started by hand
 * does not. The lock is taken here, for the engine, before it exists: from then on every other
 * command sees an engine starting and starts none, though node takes a few hundred milliseconds
 * to reach the engine's own acquireLock. False (nothing started) when another engine holds it.
 */
export function spawnEngine(home: string, opts: { exitWhenIdle: boolean }): boolean {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  if (!acquireLock(home)) return false;
  const starter = lockText();
  let child: ChildProcess | undefined;
  let log: number | undefined;
  try {
    log = fs.openSync(logPath(home), 'a', 0o600);
    try { fs.fchmodSync(log, 0o600); } catch { /* not ours to change */ }
    child = spawn(process.execPath, [...engineNodeFlags(), cliEntry(), '--home', home, 'controller', 'run'], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...localNodeEnv(process.env), [EXIT_WHEN_IDLE_ENV]: opts.exitWhenIdle ? '1' : '', [LOCK_TAKEN_FOR_ENV]: starter },
    });
    child.unref();
  } finally {
    if (log !== undefined) fs.closeSync(log);
    // The engine's pid and start time, as it would write them itself; unless it already has.
    if (readLockText(home) === starter) {
      if (child?.pid !== undefined) writeLock(home, lockTextOf(child.pid));
      else fs.rmSync(lockPath(home), { force: true });
    }
  }
  return true;
}

/**
 * An engine process of home, by its command line (spawnEngine's), whether or not it holds the
 * lock yet: `controller stop` right after a command started one finds it before its lock does.
 */
export function engineProcess(home: string): number | undefined {
  return processesOf(home, (argv) => {
    const i = argv.indexOf('--home');
    return i > 0 && argv[i + 1] === home && argv[i + 2] === 'controller' && argv[i + 3] === 'run';
  })[0];
}

/**
 * How a command tells the engine that the state changed: a signal, sent after the change is
 * committed. Its default action is to ignore it, so one that reaches an engine still starting,
 * before its handler (Engine.run), does nothing, and that engine's first relist reads the change.
 * A wake over the socket loaded node:net and waited for the engine's event loop: `apply` of a
 * ConfigMap while an engine ran took 116 ms against 103 ms now (docs/performance.md, the
 * forty-first session).
 */
export const WAKE_SIGNAL = 'SIGURG';

function stoppingPath(home: string): string {
  return path.join(home, 'engine.stopping');
}

/**
 * An engine that stops says so first, in a file that holds its lock's text, and only then looks a
 * last time for work (Engine.stopIfIdle): a command that committed its change before it read "not
 * stopping" is seen by that look, and one that reads "stopping" starts the next engine itself. The
 * file goes after the lock is released; one left by an engine killed names a lock nobody holds.
 */
export function markStopping(home: string): void {
  const tmp = `${stoppingPath(home)}.${process.pid}.next`;
  fs.writeFileSync(tmp, lockText(), { mode: 0o600 });
  fs.renameSync(tmp, stoppingPath(home));
}

/**
 * An idle engine's last look for work, made while it is marked as stopping: true, it stops (the
 * mark stays until its lock is released); false, work came, and the mark is gone.
 */
export function stoppingUnlessWork(home: string, hasWork: () => boolean): boolean {
  markStopping(home);
  if (!hasWork()) return true;
  unmarkStopping(home);
  return false;
}

/**
 * Takes this engine's stopping mark away (it found work after all, or it has let go of its lock).
 * A mark that cannot be removed is an error: left there, it would have every command wait for an
 * engine that does not stop.
 */
export function unmarkStopping(home: string): void {
  let mark: string;
  try {
    mark = fs.readFileSync(stoppingPath(home), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (mark === lockText()) fs.rmSync(stoppingPath(home), { force: true });
}

/**
 * The live engine holding the lock, and whether it stops; undefined: none. The lock is read again
 * after the mark, as the mark goes after the lock does: the same lock on both sides of a look that
 * found no mark was held throughout, by an engine that had not yet begun to stop.
 */
function engineState(home: string): { pid: number; stopping: boolean } | undefined {
  const lock = readLockText(home);
  const pid = lock === undefined ? undefined : lockHolder(lock);
  if (pid === undefined) return undefined;
  let mark: string | undefined;
  try {
    mark = fs.readFileSync(stoppingPath(home), 'utf8');
  } catch {
    /* not stopping */
  }
  return { pid, stopping: mark === lock || readLockText(home) !== lock };
}

/** False when the engine is gone (it died since its lock was read). */
function signalEngine(pid: number): boolean {
  try {
    process.kill(pid, WAKE_SIGNAL);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // not ours to wake: the state directory is its user's
  }
}

/**
 * How long a command waits for a stopping engine to let go of its lock: longer than its longest
 * stop, the drain of its pod networks (network.ts drain, 10 s), so that a change made meanwhile is
 * not left without an engine.
 */
const STOPPING_WAIT_MS = 15_000;

/**
 * After a change is committed: wake the engine if it runs; start it when there is work for it and
 * none runs. Never waits for a running engine; only for one that stops, to start the next.
 */
export async function ensureEngine(home: string, hasWork: () => boolean): Promise<void> {
  const end = Date.now() + STOPPING_WAIT_MS;
  for (;;) {
    const engine = engineState(home);
    if (engine && !engine.stopping && signalEngine(engine.pid)) return;
    // None (else it is exiting and will not see our change: once it lets go, a new one starts,
    // ours or another command's that came first; or it finds work after all, and stays).
    if (!engine || !engine.stopping) {
      if (!hasWork() || spawnEngine(home, { exitWhenIdle: true })) return;
    }
    if (Date.now() >= end) return;
    await sleep(20);
  }
}

/**
 * For readers: start the engine if none runs and there is work for it (after it was killed, or a
 * reboot). A running one is left alone: nothing changed, so there is nothing to wake it for, and
 * a reader does not wait for a busy engine's reply.
 */
export function ensureEngineRunning(home: string, hasWork: () => boolean): void {
  if (readLockPid(home) === undefined && hasWork()) spawnEngine(home, { exitWhenIdle: true });
}
