// For tests: throwaway directories under the OS temp directory that go when the test process ends,
// whether or not the test that made one got to remove it (a failed assertion skips its clean-up,
// and a helper's dispose() is easy to forget): a full run left about seventy behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kjob-${prefix}-`));
  if (!made.length) process.on('exit', removeMade);
  made.push(dir);
  return dir;
}

function removeMade(): void {
  for (const d of made) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {
      /* a process the test started still writes there: nothing more to do at exit */
    }
  }
}

/** p, or a failure after timeoutMs (with what detail() then says) rather than a test that waits forever. */
export function within<T>(what: string, p: Promise<T>, detail = () => '', timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} in ${timeoutMs / 1000} s ${detail()}`)), timeoutMs)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Polls until done() holds, for tests of real processes, which act in their own time (kjob's own
 * timing is tested on the injected clock instead). Fails after timeoutMs, naming what it waited for.
 */
export async function until(what: string, done: () => boolean, timeoutMs = 5000, everyMs = 5): Promise<void> {
  for (const end = Date.now() + timeoutMs; !done(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
