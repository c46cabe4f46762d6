import { colorWarnings, warningColorAllowed } from './color.js';

// Where a command writes. Commands never touch process.stdout directly, so tests can capture.
export interface IO {
  out(s: string): void;
  err(s: string): void;
  /**
   * Resolves once what out() was given has been handed on: a command that streams a lot (logs)
   * waits on it so that a slow reader of its output does not make it hold the output in memory.
   */
  drain?(): Promise<void>;
}

export const processIO: IO = {
  out: (s) => void process.stdout.write(s),
  // kubectl's one colour: "Warning:" in bold yellow on a terminal (color.ts).
  err: (s) => void process.stderr.write(warningColorAllowed() ? colorWarnings(s) : s),
  drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', resolve)) : Promise.resolve()),
};

/**
 * All of stdin, for `-f -`. Read as a stream: readFileSync(0) fails with EAGAIN when the parent
 * handed us a non-blocking pipe (a shell pipeline under some parents, node's spawn).
 */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
