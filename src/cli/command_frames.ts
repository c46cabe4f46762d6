// The command server's wire format (command_server.ts; bin/kjob's client speaks it too, in
// bin/command-client.js): frames of a type byte, a 32-bit big-endian length and that many bytes,
// over a unix socket. One connection is one command.
//
//   client -> server   Q  the request: JSON, command_server.ts's CommandRequest
//                      I  stdin bytes, when the server asked for them; an empty I is its end
//                      S  stop (`kjob controller stop`): the server leaves, after the command it runs
//   server -> client   A  accepted: the command runs
//                      R  refused (busy, stopping, another build, another environment, its
//                         working directory): another server of the pool, or the client, runs it
//                      O  stdout bytes    E  stderr bytes
//                      I  the command reads stdin: send it all
//                      X  the exit code, in decimal; the last frame
//                      L  to a stop: busy, it leaves once its command has ended

export type FrameType = 'Q' | 'S' | 'I' | 'A' | 'R' | 'O' | 'E' | 'X' | 'L';

/**
 * The largest frame the server accepts: a request is argv and environment, stdin comes in frames
 * of 64 kB. (The client reads output frames of any size as they come.)
 */
export const MAX_FRAME = 16 << 20;

export function frame(type: FrameType, payload: Buffer | string = ''): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.allocUnsafe(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/**
 * Cuts a byte stream into frames: push() what arrived, get back every frame now complete. A
 * frame longer than MAX_FRAME is a peer that does not speak this format: an error.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { type: FrameType; payload: Buffer }[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: { type: FrameType; payload: Buffer }[] = [];
    while (this.pending.length >= 5) {
      const len = this.pending.readUInt32BE(1);
      if (len > MAX_FRAME) throw new Error(`a frame of ${len} bytes`);
      if (this.pending.length < 5 + len) break;
      out.push({ type: String.fromCharCode(this.pending[0]) as FrameType, payload: this.pending.subarray(5, 5 + len) });
      this.pending = this.pending.subarray(5 + len);
    }
    return out;
  }
}
