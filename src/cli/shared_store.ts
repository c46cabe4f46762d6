// The state file a command opens, kept open for the next command of the same process. A kjob
// process runs main() once, so for it nothing changes (the file is closed when the process
// exits, as the command closed it before); the in-process tests run main() thousands of times
// (src/cli/fuzz.test.ts), and opening the file (its pragmas and statements) and closing it (the
// last connection's WAL checkpoint, with its fsyncs) was a quarter of each call.
//
// One file is kept: a command for another state directory closes it first, so tests that make
// a directory per case hold no more files open than before. Before reuse the handle is checked
// against the directory and the file (still usable, still the same device and inode), so a state
// directory removed, replaced or made unusable meanwhile is opened afresh, with Store.open's errors.
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../store/store.js';
import { forgetDecodedVersions } from '../apiserver/decode.js';

let kept: { home: string; store: Store; dev: number; ino: number } | undefined;
let exitHook = false;

function identity(home: string): { dev: number; ino: number } | undefined {
  try {
    const dir = path.resolve(home);
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    const st = fs.statSync(path.join(dir, 'state.db'));
    return st.isFile() ? { dev: st.dev, ino: st.ino } : undefined;
  } catch {
    return undefined;
  }
}

/** The open state file of home: the one kept from the last command when it is still that file. */
export function openStore(home: string): Store {
  if (kept) {
    const id = kept.home === home ? identity(home) : undefined;
    if (id && id.dev === kept.dev && id.ino === kept.ino) return kept.store;
    closeKept();
  }
  // A command's reads go through a memory map of the file (a list of many objects reads every page).
  const store = Store.open(home, { mmapBytes: 1 << 30 });
  forgetDecodedVersions();
  const id = identity(home);
  if (id) {
    kept = { home, store, ...id };
    if (!exitHook) {
      exitHook = true;
      process.on('exit', closeKept);
    }
  }
  return store;
}

/** A command is done with the store: kept open for the next one unless it is not the kept one. */
export function releaseStore(store: Store): void {
  if (kept?.store !== store) store.close();
}

/** Closes the kept state file (at exit, or before another directory's is opened). */
export function closeKept(): void {
  const k = kept;
  kept = undefined;
  try {
    k?.store.close();
  } catch {
    /* already closed */
  }
}
