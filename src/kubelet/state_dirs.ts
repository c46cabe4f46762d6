// This user's state directories, listed in the runtime directory (runtime_dir.ts) as each is
// used, so that a sandbox covers all of them and not only its own: a state directory outside
// /tmp and ~/.kjob is otherwise in the read-only view of the host every pod has, with its
// state file, its pods' volumes and logs, and its engine's socket.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { privateDir, userRuntimeDir } from './runtime_dir.js';

const listFile = () => path.join(userRuntimeDir(), 'state-dirs');

/** Adds home to the list (once). Failing to is not an error: the pods of this directory hide it anyway. */
export function registerStateDir(home: string): void {
  let dir: string;
  try {
    dir = fs.realpathSync(home);
  } catch {
    return;
  }
  if (dir === '/tmp' || dir.startsWith('/tmp/')) return; // every pod's /tmp is its own
  const known = knownStateDirs();
  if (known.includes(dir)) return;
  if (!privateDir(userRuntimeDir())) return;
  try {
    // the list keeps what still exists, rewritten now and then rather than growing for ever
    if (lineCount() > 2 * known.length + 100) fs.writeFileSync(listFile(), [...known, dir].map((d) => d + '\n').join(''), { mode: 0o600 });
    else fs.appendFileSync(listFile(), dir + '\n', { mode: 0o600 });
  } catch {
    /* not listed: see above */
  }
}

function lineCount(): number {
  try {
    return fs.readFileSync(listFile(), 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** The listed state directories that still exist. */
export function knownStateDirs(): string[] {
  let text = '';
  try {
    text = fs.readFileSync(listFile(), 'utf8');
  } catch {
    return [];
  }
  return [...new Set(text.split('\n').filter((l) => l.startsWith('/')))].filter((d) => fs.existsSync(d));
}
