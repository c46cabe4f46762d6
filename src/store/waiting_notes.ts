// A command that waits on the engine says so, and the engine makes way.
//
// SQLite gives its write lock to whoever asks at a moment it is free: a waiting writer's busy
// handler looks again after 1, 2, 5, ... and then every 100 ms. While a big Job runs, the engine's
// syncs hold the lock most of the time, one transaction after the other, and a command's write
// seldom found it free: `kjob create configmap` during a Job of 600 waited 0.2-5.5 s (it reads in
// 0.1 s), and at 10 s it would have given up ("locked by another process"). So a command that finds
// the lock taken leaves a note, run/waiting/<pid>, for as long as it waits; the engine looks for
// notes between its syncs and, while one is there, takes no lock and leaves its event loop free.
// (A command's wake of the engine, once a request over its socket, also waited for that loop, 0.1-0.2
// s during a big Job, and left a note too; it is now a signal, which waits for nothing.)
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive } from '../util/process.js';

/** A note older than this is not waited for: its command is stuck (stopped, or a bug); it still gets in as it would without a note. */
export const WAITING_NOTE_MAX_AGE_MS = 2000;

export function waitingNotesDir(home: string): string {
  return path.join(home, 'run', 'waiting');
}

/** Leaves this process's note; done() takes it away. Best effort: a note that cannot be written makes a slower command, nothing worse. */
export function noteCommandWaiting(home: string): { done(): void } {
  const file = path.join(waitingNotesDir(home), String(process.pid));
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, '', { mode: 0o600 });
  } catch {
    return { done: () => undefined };
  }
  return {
    done: () => {
      try {
        fs.rmSync(file, { force: true });
      } catch {
        /* gone with its directory */
      }
    },
  };
}

/**
 * A look that found nobody waiting, by notes' directory: the directory's change time it saw, and
 * when it looked. A note made or removed since changes the directory's change time, so a look that
 * sees the same one can say "nobody" after one stat(2) instead of a listing (the engine looks
 * between its syncs, up to once a millisecond: the listings were 1.6% of its time during a Job).
 */
const quiet = new Map<string, { ctimeMs: number; at: number }>();

/**
 * A directory's change time is the kernel's coarse clock (a tick, up to 10 ms): a change in the
 * tick of a look may leave it as the look saw it. Only a look this long after the last change
 * is remembered.
 */
export const SETTLED_MS = 20;

/**
 * How long a remembered look holds without a listing, for file systems whose times are coarser
 * than a tick (whole seconds): a note there is seen this much later at worst.
 */
export const RELIST_MS = 100;

/**
 * Whether another process waits on the engine: a note of a live process, younger than
 * WAITING_NOTE_MAX_AGE_MS. The notes of processes that ended (killed while waiting) are removed.
 */
export function commandWaiting(home: string, nowMs: number = Date.now()): boolean {
  const dir = waitingNotesDir(home);
  // Before the listing: a note made during it changes the directory after this stat.
  const dirStat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!dirStat) return false;
  const seen = quiet.get(dir);
  if (seen && seen.ctimeMs === dirStat.ctimeMs && nowMs - seen.at < RELIST_MS) return false;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return false;
  }
  let waiting = false;
  let removed = false;
  for (const name of names) {
    const pid = Number(name);
    const file = path.join(dir, name);
    if (pid === process.pid || !pidAlive(pid)) {
      if (pid !== process.pid) {
        fs.rmSync(file, { force: true });
        removed = true;
      }
      continue;
    }
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st && nowMs - st.mtimeMs < WAITING_NOTE_MAX_AGE_MS) waiting = true;
  }
  // A note that is not waited for stays so (it only ages, or its process ends); what removing
  // one changed is seen by the next look's listing.
  if (!waiting && !removed && nowMs - dirStat.ctimeMs > SETTLED_MS) quiet.set(dir, { ctimeMs: dirStat.ctimeMs, at: nowMs });
  else quiet.delete(dir);
  return waiting;
}
