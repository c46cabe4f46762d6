// `kjob apply -f job.yaml --wait [--timeout D]` (kjob only; kubectl apply's --wait waits for
// pruned objects to be gone): apply, then wait as `kjob wait --for=condition=complete` does for
// each Job the apply created, configured or left unchanged, with its progress on a terminal and
// its fail-fast. The output is the two commands' output, one after the other; the exit code is
// apply's when it failed, else the wait's.
import type { Context } from './context.js';
import type { IO } from './io.js';
import { wait } from './wait.js';

const APPLIED_JOB = /^job\.batch\/(\S+) (created|configured|unchanged)$/;

export async function applyThenWait(ctx: Context, apply: (io: IO) => Promise<number>, timeout: string | undefined, io: IO): Promise<number> {
  const jobs: string[] = [];
  let partial = '';
  const watching: IO = {
    ...io,
    out(s) {
      io.out(s);
      const lines = (partial + s).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        const m = APPLIED_JOB.exec(l);
        if (m && !jobs.includes(m[1])) jobs.push(m[1]);
      }
    },
  };
  const code = await apply(watching);
  if (code !== 0 || jobs.length === 0) return code;
  return wait(ctx, jobs.map((n) => `job/${n}`), { for: 'condition=complete', timeout: timeout ?? '-1s' }, io);
}
