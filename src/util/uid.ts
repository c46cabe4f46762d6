// Object uids (RFC 4122 version 4, as the apiserver's uuid.NewUUID gives), from the kernel's
// random source read in blocks: node:crypto's randomUUID loads node:crypto and its streams, about
// 3 ms of a command that creates one object (`kjob apply` of a new one), where a read of
// /dev/urandom is about 0.3 ms, and an engine creating thousands reads once per 256 of them.
import * as fs from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';

/** Bytes read from the kernel at once: 256 uids' worth. */
const POOL_BYTES = 16 * 256;
let pool: Buffer | undefined;
let used = POOL_BYTES;
let urandomWorks = true;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The offset of n unused random bytes in the pool (refilled when short), or undefined without /dev/urandom. */
function take(n: number): number | undefined {
  if (used + n > POOL_BYTES) {
    if (!urandomWorks) return undefined;
    try {
      const buf = Buffer.allocUnsafe(POOL_BYTES);
      const fd = fs.openSync('/dev/urandom', 'r');
      try {
        for (let off = 0; off < buf.length; ) off += fs.readSync(fd, buf, off, buf.length - off, null);
      } finally {
        fs.closeSync(fd);
      }
      pool = buf;
      used = 0;
    } catch {
      urandomWorks = false; // no /dev/urandom here: node's generator from now on
      return undefined;
    }
  }
  const o = used;
  used += n;
  return o;
}

/** A new random (version 4) UUID. */
export function newUID(): string {
  const o = take(16);
  if (o === undefined) return randomUUID();
  const b = pool!;
  const h = (i: number) => HEX[b[o + i]];
  const v = HEX[(b[o + 6] & 0x0f) | 0x40];
  const r = HEX[(b[o + 8] & 0x3f) | 0x80];
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${v}${h(7)}-${r}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/**
 * n random bytes as lowercase hex, from the same pool (more than it holds: node's generator): a container's id (32 bytes, as
 * containerd's) for each container the kubelet starts, where a getrandom(2) each was 0.5% of the
 * engine's time during a Job.
 */
export function randomHex(n: number): string {
  // A count that is not a whole number of bytes would move the pool's offset back, or off bytes.
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randomHex: not a number of bytes: ${n}`);
  const o = n <= POOL_BYTES ? take(n) : undefined;
  return o === undefined ? randomBytes(n).toString('hex') : pool!.toString('hex', o, o + n);
}
