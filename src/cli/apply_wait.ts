// `kjob apply -f job.yaml --wait [--timeout D]` (kjob only; kubectl apply's --wait waits for
// pruned objects to be gone): apply, then wait as `kjob wait --for=condition=complete` does for
// each Job the apply created, configured or left unchanged, with its progress on a terminal and
// its fail-fast. The output is the two commands' output, one after the other; the exit code is
// apply's when it failed, else the wait's.
import type { ResourceInfo } from '../api/resources.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { wait } from './wait.js';

/** apply(io, onApplied): the apply, telling onApplied of each object it applied. */
export async function applyThenWait(ctx: Context, apply: (io: IO, onApplied: (info: ResourceInfo, name: string) => void) => Promise<number>, timeout: string | undefined, io: IO): Promise<number> {
  const jobs: string[] = [];
  const code = await apply(io, (info, name) => {
    if (info.kind === 'Job' && !jobs.includes(name)) jobs.push(name);
  });
  if (code !== 0 || jobs.length === 0) return code;
  return wait(ctx, jobs.map((n) => `job/${n}`), { for: 'condition=complete', timeout: timeout ?? '-1s' }, io);
}
