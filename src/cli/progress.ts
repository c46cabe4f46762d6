// Live progress for kjob's waits (`kjob wait`, `apply --wait`, `logs -f` of a pod not started):
// an ora spinner on stderr when both stdout and stderr are terminals, then one final line. With
// NO_COLOR, --no-color or TERM=dumb on a terminal: no spinner, only the final line, plain. When
// stdout or stderr is not a terminal: nothing at all, so a pipeline sees exactly kubectl's lines.
import ora, { type Ora } from 'ora';
import type { ChalkInstance } from 'chalk';
import type { JobObject } from '../api/types.js';
import { humanDuration } from '../printers/duration.js';
import { chalkFor, colorLevel, paintStatus } from './color.js';

export type ProgressMode = 'spinner' | 'plain' | 'off';

export interface Streams {
  stdout: { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Which progress a command shows on these streams. */
export function progressMode(s: Pick<Streams, 'stdout' | 'stderr' | 'env'> = { stdout: process.stdout, stderr: process.stderr, env: process.env }): ProgressMode {
  if (!s.stdout.isTTY || !s.stderr.isTTY) return 'off';
  // NO_COLOR, --no-color, FORCE_COLOR=0, TERM=dumb
  if (colorLevel(s.stderr, { env: s.env, isTTY: true }) === 0) return 'plain';
  return 'spinner';
}

export interface Progress {
  readonly mode: ProgressMode;
  /** The chalk for progress text (no colour unless the spinner runs). */
  readonly chalk: ChalkInstance;
  /** Show (or change) what is being waited for. */
  update(text: string): void;
  /** Stop, and leave one line: ✔ (ok), ✖ (failed) or ℹ (info). */
  done(kind: 'ok' | 'failed' | 'info', text: string): void;
  /** Stop without a line (the spinner is cleared). */
  stop(): void;
}

/** A progress on stderr; `streams` are injectable for tests. */
export function createProgress(streams: Streams = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Progress {
  const mode = progressMode(streams);
  const chalk = mode === 'spinner' ? chalkFor(streams.stderr, { env: streams.env, isTTY: true }) : chalkFor(undefined, { isTTY: false, env: {} });
  let spinner: Ora | undefined;
  const symbols = { ok: chalk.green('✔'), failed: chalk.red('✖'), info: chalk.blue('ℹ') };
  return {
    mode,
    chalk,
    update(text) {
      if (mode !== 'spinner') return;
      // A terminal that reports no size (a pty without one, as `script` makes) reads as 0 columns,
      // which ora divides by: take 80, as a terminal would default to.
      const tty = streams.stderr as { columns?: number };
      if (!(typeof tty.columns === 'number' && tty.columns > 0)) tty.columns = 80;
      if (!spinner) {
        spinner = ora({ text, stream: streams.stderr, isEnabled: true, discardStdin: false, color: 'cyan' });
        spinner.start();
      } else spinner.text = text;
    },
    done(kind, text) {
      if (mode === 'off') return;
      if (mode === 'plain') {
        streams.stderr.write(`${kind === 'ok' ? '✔' : kind === 'failed' ? '✖' : 'ℹ'} ${text}\n`);
        return;
      }
      if (spinner) spinner.stopAndPersist({ symbol: symbols[kind], text });
      else streams.stderr.write(`${symbols[kind]} ${text}\n`);
      spinner = undefined;
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}

/** The counts of a Job, as a progress line shows them. */
export interface JobCounts {
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
  completions: number | undefined;
}

export function jobCounts(job: JobObject): JobCounts {
  const st: Partial<NonNullable<JobObject['status']>> = job.status ?? {};
  return {
    active: st.active ?? 0,
    ready: st.ready ?? 0,
    succeeded: st.succeeded ?? 0,
    failed: st.failed ?? 0,
    completions: job.spec?.completions ?? undefined,
  };
}

export { jobState } from '../api/job_util.js';
import { jobState } from '../api/job_util.js';

/** How long the Job has run (since startTime, or creation) at `now`, to its end when it ended. */
export function jobElapsedMs(job: JobObject, now: number): number {
  const start = Date.parse(job.status?.startTime ?? job.metadata.creationTimestamp ?? '');
  if (Number.isNaN(start)) return 0;
  const conds = job.status?.conditions ?? [];
  const end = job.status?.completionTime ?? conds.find((c) => (c.type === 'Failed' || c.type === 'Complete') && c.status === 'True')?.lastTransitionTime;
  const stop = end ? Date.parse(end) : now;
  return Math.max(0, stop - start);
}

/** "job.batch/pi  Running  1 active, 0/1 succeeded, 0 failed  12s" (coloured by the chalk). */
export function jobProgressText(label: string, job: JobObject, now: number, chalk: ChalkInstance): string {
  const c = jobCounts(job);
  const state = jobState(job);
  const succeeded = c.completions != null ? `${c.succeeded}/${c.completions}` : `${c.succeeded}`;
  const parts = [`${c.active} active`, c.succeeded > 0 ? chalk.green(`${succeeded} succeeded`) : `${succeeded} succeeded`, c.failed > 0 ? chalk.red(`${c.failed} failed`) : `${c.failed} failed`];
  return `${chalk.bold(label)}  ${paintStatus(chalk, state === 'FailureTarget' ? 'Failed' : state, state)}  ${parts.join(', ')}  ${chalk.gray(humanDuration(jobElapsedMs(job, now)))}`;
}
