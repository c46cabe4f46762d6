import * as fs from 'node:fs';
import { forStderr } from './color.js';

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

/**
 * What a command writes to fd 1 or 2, with write(2) while that works, without node's stream for
 * it: making process.stdout loads node:net and its streams for a pipe (node:tty for a terminal),
 * 2-3 ms of a `kjob get`. A descriptor that would block (EAGAIN: a non-blocking pipe whose reader
 * is behind) hands the rest, and everything after, to node's stream, which waits for the reader
 * (drain); a reader gone (EPIPE) ends the command quietly; one that fails otherwise (ENOSPC, EIO)
 * takes nothing more, and the command goes on. Writes to a pipe, a file or a terminal are
 * synchronous in node's streams too, so output keeps its order whichever way it goes.
 */
class FdWriter {
  private stream?: NodeJS.WriteStream;
  private broken = false;

  constructor(private readonly fd: 1 | 2) {}

  write(s: string): void {
    if (this.broken) return;
    if (this.stream) {
      this.stream.write(s);
      return;
    }
    const buf = Buffer.from(s, 'utf8');
    let off = 0;
    while (off < buf.length) {
      try {
        off += fs.writeSync(this.fd, buf, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') process.exit(0);
        // A descriptor that cannot take it (a full disk, /dev/full, EIO): what is written there
        // is lost and the command goes on, as Go's fmt.Fprint to a failing stdout lets kubectl.
        if (code !== 'EAGAIN') {
          this.broken = true;
          return;
        }
        this.stream = this.fd === 1 ? process.stdout : process.stderr;
        this.stream.write(buf.subarray(off));
        return;
      }
    }
  }

  drain(): Promise<void> {
    const st = this.stream;
    return st?.writableNeedDrain ? new Promise((resolve) => st.once('drain', resolve)) : Promise.resolve();
  }
}

const stdout = new FdWriter(1);
const stderr = new FdWriter(2);

export const processIO: IO = {
  out: (s) => stdout.write(s),
  // kubectl's one colour: "Warning:" in bold yellow on a terminal (color.ts).
  err: (s) => stderr.write(forStderr(s)),
  drain: () => stdout.drain(),
};

/**
 * `kjob get pods | head -1`: a closed pipe ends the command quietly, as it ends kubectl, also for
 * what is written through process.stdout or process.stderr (a spinner, a progress line). The
 * handler is added when something first makes the stream (process's own lazy getter, wrapped),
 * so that a command that never does loads no stream at all.
 */
export function exitQuietlyOnClosedPipe(): void {
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  };
  for (const name of ['stdout', 'stderr'] as const) {
    const d = Object.getOwnPropertyDescriptor(process, name);
    if (!d?.get || !d.configurable) {
      process[name].on('error', onError);
      continue;
    }
    const make = d.get;
    let made: NodeJS.WriteStream | undefined;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: d.enumerable,
      get() {
        if (!made) {
          made = make.call(process) as NodeJS.WriteStream;
          made.on('error', onError);
        }
        return made;
      },
    });
  }
}

/** Where readStdin reads from instead of fd 0: the command server's client (command_server.ts). */
let stdinSource: (() => Promise<string>) | undefined;

export function setStdinSource(source: () => Promise<string>): void {
  stdinSource = source;
}

/** readStdin reads fd 0 again, unless another source has taken source's place since. */
export function clearStdinSource(source: () => Promise<string>): void {
  if (stdinSource === source) stdinSource = undefined;
}

/**
 * All of stdin, for `-f -`: with read(2) while that works, as what a command writes goes out.
 * process.stdin loads node:net and its streams for a pipe, 5 ms of an `apply -f -`. A descriptor
 * that would block (EAGAIN: a pipe set non-blocking, as node sets one it reads as a stream, which
 * the processes it starts may inherit) hands the rest to node's stream, which waits for the writer
 * (node opens /dev/null on a closed fd 0 as it starts: never EBADF).
 */
export async function readStdin(): Promise<string> {
  if (stdinSource) return stdinSource();
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(64 * 1024);
  try {
    for (let n; (n = fs.readSync(0, buf, 0, buf.length, null)) > 0; ) chunks.push(Buffer.from(buf.subarray(0, n)));
    return Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  }
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
