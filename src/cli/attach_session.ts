// kubectl's AttachOptions.Run, as `run -i` and `debug -i` use it: the TTY warning when -t has no
// terminal, the prompt hint, kjob's stdin to the container's (through the kubelet's attach), the
// user's terminal raw for -it, and the container's output followed until it ends.
import { attachStdin, rawTerminal } from '../kubelet/attach.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface AttachSessionOptions {
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
  stdinIsTerminal?: boolean;
  /** input instead of process.stdin (tests) */
  input?: NodeJS.ReadableStream;
}

export async function attachSession(ctx: Context, io: IO, o: AttachSessionOptions, podUid: string, container: string, follow: () => Promise<void>): Promise<void> {
  if (o.tty && !o.stdinIsTerminal && !o.quiet) io.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  if (!o.quiet) io.err("If you don't see a command prompt, try pressing enter.\n");
  const attached = o.stdin && !ctx.cluster ? await attachStdin(ctx.home, podUid, container, o.input ?? process.stdin) : undefined;
  const term = attached && o.tty && o.stdinIsTerminal && !o.input ? rawTerminal(process.stdin) : undefined;
  try {
    await follow();
  } finally {
    term?.restore();
    attached?.close();
  }
}
