// The DNS wire format (RFC 1035) for the cluster DNS responder: one question in, A records out.
// What CoreDNS' kubernetes plugin answers for cluster.local, without recursion: kjob's pods have
// no route off the machine, so names outside the cluster are answered NXDOMAIN (or REFUSED for
// what cannot be parsed), at once, rather than left to time out.

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const CLASS_IN = 1;
export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;

export interface Question {
  id: number;
  /** recursion desired, echoed back */
  rd: boolean;
  /** lower case, no trailing dot */
  name: string;
  type: number;
  class: number;
  /** the question section as received, echoed back */
  raw: Buffer;
  opcode: number;
}

/** The first question of a query; undefined when the packet is not one. */
export function parseQuery(buf: Buffer): Question | undefined {
  if (buf.length < 12) return undefined;
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response
  const qd = buf.readUInt16BE(4);
  if (qd < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    if (off >= buf.length) return undefined;
    const len = buf[off];
    if (len === 0) {
      off++;
      break;
    }
    if (len & 0xc0) return undefined; // no compression in questions
    if (off + 1 + len > buf.length) return undefined;
    labels.push(buf.toString('latin1', off + 1, off + 1 + len));
    off += 1 + len;
    if (off - 12 > 255) return undefined;
  }
  if (off + 4 > buf.length) return undefined;
  const type = buf.readUInt16BE(off);
  const klass = buf.readUInt16BE(off + 2);
  return { id, rd: (flags & 0x0100) !== 0, opcode: (flags >> 11) & 0xf, name: labels.join('.').toLowerCase(), type, class: klass, raw: buf.subarray(12, off + 4) };
}

/** A response to q: its question, then one A record per address. */
export function buildResponse(q: Question, rcode: number, addresses: string[] = [], ttl = 5): Buffer {
  const answers = rcode === RCODE_NOERROR && q.type === TYPE_A ? addresses : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR, opcode echoed, AA (authoritative for cluster.local), RD echoed, RA.
  header.writeUInt16BE(0x8000 | (q.opcode << 11) | 0x0400 | (q.rd ? 0x0100 : 0) | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const parts: Buffer[] = [header, q.raw];
  for (const a of answers) {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(4, 10);
    a.split('.').forEach((o, i) => rr.writeUInt8(Number(o) & 0xff, 12 + i));
    parts.push(rr);
  }
  return Buffer.concat(parts);
}

/** A query (for tests and for a client): name and type, recursion desired. */
export function buildQuery(id: number, name: string, type = TYPE_A): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  const q = Buffer.alloc(12 + labels.reduce((n, l) => n + 1 + Buffer.byteLength(l), 0) + 5);
  q.writeUInt16BE(id, 0);
  q.writeUInt16BE(0x0100, 2);
  q.writeUInt16BE(1, 4);
  let off = 12;
  for (const l of labels) {
    q[off++] = Buffer.byteLength(l);
    off += q.write(l, off, 'latin1');
  }
  q[off++] = 0;
  q.writeUInt16BE(type, off);
  q.writeUInt16BE(CLASS_IN, off + 2);
  return q;
}

/** The response's rcode and A addresses. */
export function parseResponse(buf: Buffer): { id: number; rcode: number; addresses: string[] } {
  const id = buf.readUInt16BE(0);
  const rcode = buf.readUInt16BE(2) & 0xf;
  const an = buf.readUInt16BE(6);
  let off = 12;
  while (buf[off] !== 0) off += 1 + buf[off];
  off += 5;
  const addresses: string[] = [];
  for (let i = 0; i < an; i++) {
    off += (buf[off] & 0xc0) === 0xc0 ? 2 : (() => { let o = off; while (buf[o] !== 0) o += 1 + buf[o]; return o + 1 - off; })();
    const type = buf.readUInt16BE(off);
    const len = buf.readUInt16BE(off + 8);
    if (type === TYPE_A && len === 4) addresses.push([...buf.subarray(off + 10, off + 14)].join('.'));
    off += 10 + len;
  }
  return { id, rcode, addresses };
}

/** The answer for a question, from the cluster's records (name -> addresses). */
export function answer(q: Question, records: ReadonlyMap<string, string[]>): Buffer {
  if (q.opcode !== 0) return buildResponse(q, RCODE_NOTIMP);
  if (q.class !== CLASS_IN) return buildResponse(q, RCODE_NXDOMAIN);
  const addrs = records.get(q.name);
  if (!addrs) return buildResponse(q, RCODE_NXDOMAIN);
  // A known name asked for another type (AAAA): no data, which is not NXDOMAIN.
  return buildResponse(q, RCODE_NOERROR, addrs);
}
