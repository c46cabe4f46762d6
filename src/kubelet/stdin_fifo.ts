// Where a container's attachable stdin (the FIFO attach writes and the shim relays) lives: not in
// the state directory, which the pods of *other* state directories may reach through the
// sandbox's read-only view of the host (a FIFO on a read-only mount still opens for writing), but
// in this user's runtime directory, which no sandbox shows (runtime_dir.ts). One private
// directory per container attempt, named by a hash of the attempt's directory.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { privateDir, userRuntimeDir } from './runtime_dir.js';

/** The FIFO's path for a container attempt (it may not exist). */
export function stdinFifoPath(attemptDir: string): string {
  const id = createHash('sha256').update(path.resolve(attemptDir)).digest('hex').slice(0, 32);
  return path.join(userRuntimeDir(), 'stdin', id, 'stdin');
}

/** Makes the directory the FIFO goes in; undefined when no private place can be made. */
export function prepareStdinFifoDir(attemptDir: string): string | undefined {
  const fifo = stdinFifoPath(attemptDir);
  const dir = path.dirname(fifo);
  return privateDir(userRuntimeDir()) && privateDir(path.dirname(dir)) && privateDir(dir) ? fifo : undefined;
}

/** Removes an attempt's FIFO and its directory (the attempt's pod is being removed). */
export function removeStdinFifo(attemptDir: string): void {
  fs.rmSync(path.dirname(stdinFifoPath(attemptDir)), { recursive: true, force: true });
}
