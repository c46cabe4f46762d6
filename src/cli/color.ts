// Colour, only where kubectl defines no output to keep: kjob's own views (timeline, schedule, wait
// progress) colour statuses through chalk when the stream is a terminal. NO_COLOR (any non-empty
// value) and the global --no-color turn it off; FORCE_COLOR=1..3 turns it on without a terminal
// (FORCE_COLOR=0 off). What kubectl prints stays uncoloured, except the one colour kubectl has:
// the "Warning:" prefix on a terminal's stderr (warningPrefix).
import { Chalk, type ChalkInstance } from 'chalk';

let noColorFlag = false;

/** The global --no-color flag (main.ts sets it before any command runs). */
export function setNoColor(on: boolean): void {
  noColorFlag = on;
}

export interface ColorEnv {
  env?: NodeJS.ProcessEnv;
  isTTY?: boolean;
  noColorFlag?: boolean;
}

/** chalk's level (0 none, 1 basic, 2 256, 3 truecolor) for a stream. */
export function colorLevel(stream: { isTTY?: boolean } | undefined, o: ColorEnv = {}): 0 | 1 | 2 | 3 {
  const env = o.env ?? process.env;
  if (o.noColorFlag ?? noColorFlag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  const tty = o.isTTY ?? !!stream?.isTTY;
  if (!tty || env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (/-256(color)?$/i.test(env.TERM ?? '')) return 2;
  return 1;
}

/** A chalk for what kjob writes to stdout (or to a given stream). */
export function chalkFor(stream: { isTTY?: boolean } | undefined = process.stdout, o: ColorEnv = {}): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, o) });
}

export type Status = 'Complete' | 'Succeeded' | 'Failed' | 'Running' | 'Pending' | 'Suspended' | 'Warning' | string;

/** The colour of a status word: Complete/Succeeded green, Failed red, Running blue, Pending grey. */
export function paintStatus(c: ChalkInstance, status: Status, text: string = status): string {
  switch (status) {
    case 'Complete':
    case 'Succeeded':
    case 'SuccessCriteriaMet':
      return c.green(text);
    case 'Failed':
    case 'FailureTarget':
    case 'Error':
    case 'DeadlineExceeded':
      return c.red(text);
    case 'Running':
    case 'Active':
      return c.blue(text);
    case 'Pending':
    case 'Waiting':
      return c.gray(text);
    case 'Suspended':
    case 'Warning':
      return c.yellow(text);
    default:
      return text;
  }
}

/**
 * kubectl's one colour: `Warning:` in bold yellow at the start of a line on stderr, when stderr is
 * a terminal, TERM is not dumb and NO_COLOR is unset (cli-runtime's AllowsColorOutput; kubectl
 * does not read FORCE_COLOR). kjob's --no-color turns it off too.
 */
export function warningColorAllowed(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorFlag || !stream.isTTY) return false;
  if (env.TERM === 'dumb') return false;
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

/** The same text with each line's leading "Warning:" coloured as kubectl colours it. */
export function colorWarnings(s: string): string {
  return s.replace(/(^|\n)Warning:/g, '$1\x1b[33;1mWarning:\x1b[0m');
}

/** What a command writes to stderr, as it reaches stream: its warnings coloured where warningColorAllowed. */
export function forStderr(s: string, stream: { isTTY?: boolean } = process.stderr): string {
  return warningColorAllowed(stream) ? colorWarnings(s) : s;
}
