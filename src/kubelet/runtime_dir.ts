// This user's kjob directory under /run (root), $XDG_RUNTIME_DIR, or /tmp: places that every
// sandbox replaces with a tmpfs of its own, so nothing kept there is seen by any pod. It holds the
// containers' stdin FIFOs (stdin_fifo.ts), the list of this user's state directories, which
// every sandbox covers (state_dirs.ts), and the record of a sandbox probe that passed (sandbox.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function userRuntimeDir(): string {
  const uid = process.getuid?.() ?? 0;
  const xdg = process.env.XDG_RUNTIME_DIR;
  const root = uid === 0 ? '/run' : xdg && xdg.startsWith('/run/') ? xdg : '/tmp';
  return path.join(root, `kjob-${uid}`);
}

/** Makes dir (0700) and checks it is this user's, private, and not a symlink (another user may have made it in /tmp). */
export function privateDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { mode: 0o700, recursive: true });
    const st = fs.lstatSync(dir);
    return st.isDirectory() && st.uid === (process.getuid?.() ?? st.uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}
