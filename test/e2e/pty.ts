// Run kjob on a pseudo-terminal: util-linux `script` gives the command a pty for stdin, stdout
// and stderr (what a person's terminal is), and copies what it writes. --home names the state
// directory on the command line, so Sandbox.cleanup finds the process too.
import { spawn, spawnSync } from 'node:child_process';
import { KJOB, ROOT, type Sandbox } from './helpers.js';

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function command(sb: Sandbox, args: string[]): string {
  return [KJOB, '--home', sb.home, ...args].map(shq).join(' ');
}

/** The pty's output (stdout and stderr as a terminal shows them, \r\n line ends) and the exit code. */
export function ptyRun(sb: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): { output: string; code: number } {
  const r = spawnSync('script', ['-qfec', command(sb, args), '/dev/null'], { env: { ...sb.env, TERM: 'xterm', ...env }, cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { output: r.stdout + r.stderr, code: r.status ?? -1 };
}

/** The same in the background; stopped by the caller or Sandbox.cleanup. */
export function ptySpawn(sb: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}): { output: () => string; exited: () => boolean; code: () => number | null; kill: () => void } {
  const child = spawn('script', ['-qfec', command(sb, args), '/dev/null'], { env: { ...sb.env, TERM: 'xterm', ...env }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d.toString()));
  child.stderr.on('data', (d) => (out += d.toString()));
  return { output: () => out, exited: () => child.exitCode !== null, code: () => child.exitCode, kill: () => child.kill('SIGKILL') };
}

/** ora's spinner frames (cli-spinners "dots"). */
export const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;
export const ESC = /\x1b/;
