// Where a container's attachable stdin (the FIFO attach writes and the shim relays) lives: not in
// the state directory, which the pods of *other* state directories may reach through the
// sandbox's read-only view of the host (a FIFO on a read-only mount still opens for writing), but
// under /run or /tmp, which every sandbox replaces with a tmpfs of its own, so no pod of any state
// directory sees it. The directory is this user's only (0700, checked to be ours), and one per
// container attempt, named by a hash of the attempt's directory.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

function base(): string {
  const uid = process.getuid?.() ?? 0;
  const xdg = process.env.XDG_RUNTIME_DIR;
  const root = uid === 0 ? '/run' : xdg && xdg.startsWith('/run/') ? xdg : '/tmp';
  return path.join(root, `kjob-stdin-${uid}`);
}

/** The FIFO's path for a container attempt (it may not exist). */
export function stdinFifoPath(attemptDir: string): string {
  const id = crypto.createHash('sha256').update(path.resolve(attemptDir)).digest('hex').slice(0, 32);
  return path.join(base(), id, 'stdin');
}

/** A directory that is this user's, 0700, and not a symlink (another user may have made it in /tmp). */
function privateDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { mode: 0o700, recursive: true });
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === (process.getuid?.() ?? st.uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Makes the directory the FIFO goes in; undefined when no private place can be made. */
export function prepareStdinFifoDir(attemptDir: string): string | undefined {
  const fifo = stdinFifoPath(attemptDir);
  return privateDir(path.dirname(path.dirname(fifo))) && privateDir(path.dirname(fifo)) ? fifo : undefined;
}

/** Removes an attempt's FIFO and its directory (the attempt's pod is being removed). */
export function removeStdinFifo(attemptDir: string): void {
  fs.rmSync(path.dirname(stdinFifoPath(attemptDir)), { recursive: true, force: true });
}
