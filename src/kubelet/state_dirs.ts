// This user's state directories, listed in the runtime directory (runtime_dir.ts) as each is
// used, so that a sandbox covers all of them and not only its own: a state directory outside
// /tmp and ~/.kjob is otherwise in the read-only view of the host every pod has, with its
// state file, its pods' volumes and logs, and its engine's socket.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { privateDir, userRuntimeDir } from './runtime_dir.js';
import { atOrUnder } from '../util/paths.js';

const listFile = () => path.join(userRuntimeDir(), 'state-dirs');

/**
 * The lines of the list that are not a state directory any more (removed, or listed twice) it may
 * keep: every container start checks each line (hiddenPaths), so they cost every pod a little.
 */
const STALE_LINES_MAX = 8;

/**
 * The empty directory a state directory keeps for the sandboxes, which bind it read-only over the
 * state directory (sandbox.ts bwrapArgv, with bwrap's --ro-bind-try): that covers the directory
 * while it exists and is skipped once it is gone. A --tmpfs over a state directory removed after
 * the engine listed it (another one's user, a test's cleanup) failed the container instead: bwrap
 * could not make the mount point on the read-only host ("Can't mkdir ...: Read-only file system").
 */
export function coverDirOf(stateDir: string): string {
  return path.join(stateDir, 'run', 'empty');
}

/**
 * Adds home to the list (once), and gives it its cover directory. Failing to is not an error: the
 * pods of this directory hide it anyway, and a directory without a cover is covered by a tmpfs.
 */
export function registerStateDir(home: string): void {
  let dir: string;
  try {
    dir = fs.realpathSync(home);
  } catch {
    return;
  }
  if (atOrUnder(dir, '/tmp')) return; // every pod's /tmp is its own
  let madeCover = false;
  try {
    madeCover = fs.mkdirSync(coverDirOf(dir), { recursive: true, mode: 0o700 }) !== undefined;
  } catch {
    /* covered by a tmpfs: see above */
  }
  const lines = listedLines();
  const known = existing(lines);
  const listed = known.includes(dir);
  const stale = lines.length - known.length;
  if (listed && stale <= STALE_LINES_MAX) {
    // Listed, but new or made again since (removed and used anew): the list's change time moves,
    // so that a kubelet's kept lookup, which found it missing, looks again (sandbox.ts hiddenPathsFor).
    if (madeCover) {
      try {
        const now = new Date();
        fs.utimesSync(listFile(), now, now);
      } catch {
        /* the list is gone: the next registration writes it */
      }
    }
    return;
  }
  if (!privateDir(userRuntimeDir())) return;
  try {
    if (stale > STALE_LINES_MAX) {
      // Rewritten whole under another name, then renamed over it: a container starting meanwhile
      // reads the old list or the new one, never a part. A line another command appended to the
      // old list meanwhile is found in it (kept by a second name until then) and appended again:
      // a state directory missing from the list is one other pods are not kept from.
      const file = listFile();
      const tmp = `${file}.${process.pid}`;
      const old = `${file}.${process.pid}.old`;
      fs.rmSync(old, { force: true });
      fs.linkSync(file, old);
      fs.writeFileSync(tmp, [...known, ...(listed ? [] : [dir])].map((d) => d + '\n').join(''), { mode: 0o600 });
      fs.renameSync(tmp, file);
      const late = existing(readLines(old).filter((l) => !lines.includes(l)));
      fs.rmSync(old, { force: true });
      if (late.length) fs.appendFileSync(file, late.map((d) => d + '\n').join(''), { mode: 0o600 });
    } else fs.appendFileSync(listFile(), dir + '\n', { mode: 0o600 });
  } catch {
    /* not listed: see above */
  }
}

function listedLines(): string[] {
  return readLines(listFile());
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('/'));
  } catch {
    return [];
  }
}

function existing(lines: string[]): string[] {
  return [...new Set(lines)].filter((d) => fs.existsSync(d));
}

/**
 * Which version of the list is there now (its inode, size, change and modification times; ''
 * without one): a line appended, the list rewritten, or its times set by registerStateDir give
 * another (the times it sets are to the millisecond, finer than the kernel's tick).
 */
export function stateDirsListVersion(): string {
  const st = fs.statSync(listFile(), { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.ctimeMs}:${st.mtimeMs}` : '';
}

/** The listed state directories that still exist. */
export function knownStateDirs(): string[] {
  return existing(listedLines());
}
