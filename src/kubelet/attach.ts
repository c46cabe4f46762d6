// The kubelet's attach (the CRI's Attach, which `kubectl run -i`, `kubectl attach -i` and
// `kubectl debug -i` reach): the user's input goes to the stdin of a running container that asked
// for one (`stdin: true`). The container's shim (shim.ts) relays a FIFO (stdin_fifo.ts) into
// the container's stdin pipe; attach writes to that FIFO. With `stdinOnce` the container's stdin
// closes when this attach ends (the input's end of file); without it, a later attach may write
// again. Output is not streamed here: the callers follow the container's log.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { stdinFifoPath } from './stdin_fifo.js';

export interface Attached {
  /** resolves once the input has ended and was handed to the container (or the container is gone) */
  done: Promise<void>;
  /** stops sending (the command ends before its input) */
  close(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends input to the stdin of the running container of pod uid; undefined when the container
 * has no attachable stdin (no `stdin: true`, not running, or its shim could not make one).
 */
export async function attachStdin(home: string, uid: string, container: string, input: NodeJS.ReadableStream, timeoutMs = 10_000): Promise<Attached | undefined> {
  // The container's current attempt (the highest number); its FIFO exists from its start.
  const base = path.join(home, 'pods', uid, 'containers', container);
  let attempts: string[];
  try {
    attempts = fs.readdirSync(base).filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  if (!attempts.length) return undefined;
  const dir = path.join(base, String(Math.max(...attempts.map(Number))));
  const fifo = stdinFifoPath(dir);
  if (!fs.existsSync(fifo)) return undefined;
  // The shim's relay opens the FIFO for reading just after it starts the container: until then,
  // a non-blocking open for writing fails with ENXIO. An attempt that ended takes no input.
  const end = Date.now() + timeoutMs;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENXIO' || Date.now() > end || fs.existsSync(path.join(dir, 'exit'))) return undefined;
      await sleep(20);
    }
  }
  const sock = new net.Socket({ fd, readable: false, writable: true });
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  sock.on('error', () => finish()); // EPIPE: the container (and its relay) ended
  sock.on('close', () => finish());
  input.pipe(sock);
  return {
    done,
    close: () => {
      input.unpipe(sock);
      sock.destroy();
      (input as NodeJS.ReadableStream & { pause?: () => void }).pause?.();
    },
  };
}

/**
 * SetupTTY for an attach with a terminal on both ends: the user's terminal goes raw (each key goes
 * to the container's terminal, which echoes; libuv's raw mode keeps ONLCR, so the "\n" line ends
 * of the container's log show as they would). restore() puts the terminal back.
 */
export function rawTerminal(input: NodeJS.ReadStream): { restore: () => void } {
  if (!input.isTTY || typeof input.setRawMode !== 'function') return { restore: () => undefined };
  input.setRawMode(true);
  return { restore: () => input.setRawMode(false) };
}
