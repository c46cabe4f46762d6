// Container log files, kept as the kubelet keeps them and served as it serves them.
//
// Layout: logs/<ns>_<pod>_<uid>/<container>/<restart>.log, written by the container shim
// (shim.ts) in the CRI format `<RFC3339Nano> <stdout|stderr> <F|P> <content>`, rotated to
// <restart>.log.<YYYYMMDD-hhmmss> at the kubelet's default size and count.
//
// Reading follows pkg/kubelet/kuberuntime/logs/logs.go (ReadLogs): records are parsed and their
// content written out; a P record's content has no newline, so the pieces of a long line join
// back; --timestamps prefixes the RFC3339NanoFixed time of the record that starts a line only
// (kubernetes#113481); --since skips records before it; --tail counts records (as the kubelet's
// tail.FindTailLineStartIndex counts newlines in the file) and is found by reading backwards from
// the end; --limit-bytes cuts the output, timestamps included. Memory stays bounded by a read
// buffer whatever the log's size.
//
// Where kjob differs: the kubelet serves only the current file (<restart>.log), so after a
// rotation `kubectl logs` shows from the rotation on; kjob rotates while writing rather than
// every 10 s, and serves all the files it keeps, oldest first (the kubelet's GetAllLogs order),
// so a rotation loses nothing still on disk. Lines that are not CRI records (the raw logs of
// older kjob state directories, or of the shell fallback shim) are printed as they are, where the
// kubelet would skip them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KObject } from '../api/types.js';
import { StatusError } from '../errors.js';

export function podLogDir(home: string, pod: KObject): string {
  return path.join(home, 'logs', `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
}

export function containerLogPath(home: string, pod: KObject, container: string, restart: number): string {
  return path.join(podLogDir(home, pod), container, `${restart}.log`);
}

/** The uid of a pod log directory's name (<ns>_<pod>_<uid>; names and namespaces have no "_"). */
function logDirUid(name: string): string | undefined {
  const i = name.lastIndexOf('_');
  return i > 0 ? name.slice(i + 1) : undefined;
}

/** Removes the log directories of the pods whose uid remove() accepts. */
export function removePodLogs(home: string, remove: (uid: string) => boolean): void {
  const dir = path.join(home, 'logs');
  let names: string[] = [];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const n of names) {
    const uid = logDirUid(n);
    if (uid && remove(uid)) fs.rmSync(path.join(dir, n), { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The restart numbers that have a log, ascending. */
function attemptsOnDisk(home: string, pod: KObject, container: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(podLogDir(home, pod), container));
  } catch {
    return [];
  }
  const ns = new Set<number>();
  for (const f of names) {
    const m = /^(\d+)\.log(?:\.\d{8}-\d{6})?$/.exec(f);
    if (m) ns.add(Number(m[1]));
  }
  return [...ns].sort((a, b) => a - b);
}

/**
 * The log path of the latest attempt, or with previous the one before it (the kubelet reads
 * restartCount-1); undefined when the container has not written a log yet.
 */
export function containerLogPathFor(home: string, pod: KObject, container: string, opts: { previous?: boolean } = {}): string | undefined {
  const ns = attemptsOnDisk(home, pod, container);
  if (opts.previous) {
    if (ns.length < 2) throw new StatusError('BadRequest', `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    return containerLogPath(home, pod, container, ns[ns.length - 2]);
  }
  return ns.length ? containerLogPath(home, pod, container, ns[ns.length - 1]) : undefined;
}

/** The rotated files of a log (logPath.<YYYYMMDD-hhmmss>), oldest first, then logPath itself. */
export function logFiles(logPath: string): string[] {
  const dir = path.dirname(logPath);
  const base = path.basename(logPath);
  let names: string[] = [];
  try { names = fs.readdirSync(dir); } catch { /* no log yet */ }
  const rotated = names.filter((n) => n.length === base.length + 16 && n.startsWith(base + '.') && /^\d{8}-\d{6}$/.test(n.slice(base.length + 1)));
  return [...rotated.sort().map((n) => path.join(dir, n)), logPath];
}

// ---- the CRI format ----

export type LogStream = 'stdout' | 'stderr';

export interface CRIRecord {
  /** the timestamp as written (RFC3339Nano, any number of fraction digits) */
  time: string;
  stream: LogStream;
  partial: boolean;
  /** what the container wrote: a full record's content ends with its newline, a partial one's not */
  content: Buffer;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** One line of a CRI log (with its "\n" if it has one); undefined if it is not a CRI record. */
export function parseCRIRecord(line: Buffer): CRIRecord | undefined {
  // The header is ASCII and short: a timestamp of at most 35 bytes, a stream and a tag.
  const sp1 = line.indexOf(0x20);
  if (sp1 < 20 || sp1 > 35) return undefined;
  const time = line.toString('latin1', 0, sp1);
  if (!TIMESTAMP.test(time)) return undefined;
  const sp2 = line.indexOf(0x20, sp1 + 1);
  if (sp2 < 0) return undefined;
  const stream = line.toString('latin1', sp1 + 1, sp2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const sp3 = line.indexOf(0x20, sp2 + 1);
  if (sp3 < 0) return undefined;
  // Tags are ":"-separated and only the first is known; kept forward compatible as the kubelet does.
  const partial = line.toString('latin1', sp2 + 1, sp3).split(':')[0] === 'P';
  let end = line.length;
  if (partial && end > sp3 + 1 && line[end - 1] === 0x0a) end--;
  return { time, stream, partial, content: line.subarray(sp3 + 1, end) };
}

/** RFC3339NanoFixed, as the kubelet prints --timestamps: always nine fraction digits. */
export function fixedTimestamp(time: string): string {
  const m = TIMESTAMP.exec(time);
  if (!m) return time;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${(m[7] ?? '').padEnd(9, '0')}${m[8]}`;
}

/** The instant of a CRI timestamp in (fractional) ms since the epoch. */
export function timestampMs(time: string): number {
  const m = TIMESTAMP.exec(time);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  let ms = Date.UTC(y, mo - 1, d, h, mi, s) + Number(`0.${m[7] ?? '0'}`) * 1000;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    ms -= sign * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) * 60_000;
  }
  return ms;
}

// ---- reading ----

export interface LogOptions {
  /** the last N records; < 0 all */
  tail: number;
  /** the most bytes to write; < 0 no limit */
  limitBytes: number;
  /** records before this instant (ms since the epoch) are skipped */
  sinceMs?: number;
  timestamps: boolean;
}

const BLOCK = 64 * 1024;
/**
 * A line longer than this cannot be a CRI record (those are at most 16 KiB of content and a
 * header): what has been read of it is written out raw, so memory stays bounded.
 */
const MAX_RECORD = 1024 * 1024;

/** Where reading starts: file index and byte offset. */
export interface LogPosition { file: number; offset: number }

/**
 * The start of the last n records of the files (the kubelet's tail.FindTailLineStartIndex,
 * carried on into older files when the newer ones have fewer lines): after the (n+1)th newline
 * from the end. An unterminated last line is not counted.
 */
export function findTailStart(files: string[], n: number): LogPosition {
  if (n < 0) return { file: 0, offset: 0 };
  let need = n + 1;
  const buf = Buffer.alloc(BLOCK);
  for (let fi = files.length - 1; fi >= 0; fi--) {
    let fd: number;
    try { fd = fs.openSync(files[fi], 'r'); } catch { continue; }
    try {
      let right = fs.fstatSync(fd).size;
      while (right > 0) {
        const left = Math.max(0, right - BLOCK);
        const got = fs.readSync(fd, buf, 0, right - left, left);
        let i = got;
        while (i > 0) {
          const nl = buf.lastIndexOf(0x0a, i - 1);
          if (nl < 0 || nl >= got) break;
          if (--need === 0) return { file: fi, offset: left + nl + 1 };
          i = nl;
        }
        right = left;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return { file: 0, offset: 0 };
}

/** The time of the last record of a file, or undefined. */
function lastRecordMs(file: string): number | undefined {
  const start = findTailStart([file], 1);
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch { return undefined; }
  try {
    const buf = Buffer.alloc(64);
    const n = fs.readSync(fd, buf, 0, buf.length, start.offset);
    const sp = buf.subarray(0, n).indexOf(0x20);
    return sp > 0 ? timestampMs(buf.toString('latin1', 0, sp)) : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One container attempt's log, read as the kubelet's ReadLogs reads it. read() writes what is
 * there now; in follow mode call it again as the log grows (it follows rotation), and once more
 * with final set after the container ended.
 */
export class ContainerLogReader {
  private files: string[];
  private index: number;
  private fd?: number;
  private ino = 0;
  private offset: number;
  /** the bytes of an unterminated line at the end of what was read */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** the line being read is too long to be a record: its bytes are written raw */
  private raw = false;
  private remainBytes: number;
  /** records still to write when --tail limits a snapshot (kubelet: limitedMode) */
  private remainRecords: number;
  /** whether the last content written ended a line: the next one carries the timestamp */
  private newLine = true;
  private stopped = false;
  /** output was handed to write() during this read(): return, so the caller can let it drain */
  private paused = false;
  private readonly outBuf = Buffer.alloc(BLOCK);
  private outLength = 0;
  private readonly buf = Buffer.alloc(BLOCK);

  constructor(
    private readonly logPath: string,
    private readonly opts: LogOptions,
    private readonly write: (chunk: Buffer) => void,
    private readonly follow = false,
  ) {
    this.files = logFiles(logPath);
    const start = findTailStart(this.files, opts.tail);
    this.index = start.file;
    this.offset = start.offset;
    // With --since and no --tail, rotated files that end before it need not be read at all.
    if (opts.sinceMs !== undefined && opts.tail < 0) {
      while (this.index < this.files.length - 1 && (lastRecordMs(this.files[this.index]) ?? Infinity) < opts.sinceMs) {
        this.index++;
        this.offset = 0;
      }
    }
    this.remainBytes = opts.limitBytes >= 0 ? opts.limitBytes : Infinity;
    this.remainRecords = opts.tail >= 0 && !follow ? opts.tail : Infinity;
    if (this.remainRecords === 0 || this.remainBytes === 0) this.stopped = true;
  }

  /** Whether nothing more will be written (a limit was reached). */
  get done(): boolean {
    return this.stopped;
  }

  /**
   * Reads on towards the end of the log as it is now, and returns true when it stopped early
   * because it handed output to write(): call again (after letting the output drain). final: the
   * writer has stopped, so an unterminated last line is complete too. Without follow, calls with
   * final read everything.
   */
  read(final = !this.follow): boolean {
    this.paused = false;
    try {
      while (!this.stopped && !this.paused) {
        if (!this.open()) {
          if (this.index >= this.files.length - 1) break;
          this.index++; // removed by a rotation since it was listed
          this.offset = 0;
          continue;
        }
        this.readToEnd();
        if (this.stopped || this.paused) break;
        if (this.index < this.files.length - 1) {
          this.nextFile();
          continue;
        }
        if (!this.follow) break;
        // The newest file we know of: has the writer rotated it since?
        if (!this.rotated()) break;
        this.readToEnd(); // what was written to it before the rename
        if (this.stopped || this.paused) break;
        this.nextFile();
      }
      if (this.paused && !this.stopped) return true;
      if (final && !this.stopped) this.endLine();
    } finally {
      const finished = (final && !this.paused) || this.stopped;
      this.flush();
      if (finished) this.close();
    }
    return false;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): boolean {
    if (this.fd !== undefined) return true;
    const file = this.files[this.index];
    try {
      this.fd = fs.openSync(file, 'r');
    } catch {
      return false; // not created yet, or rotated away between listing and opening
    }
    this.ino = fs.fstatSync(this.fd).ino;
    return true;
  }

  /** The writer renamed the file we read and started a new one. */
  private rotated(): boolean {
    try {
      return fs.statSync(this.logPath).ino !== this.ino;
    } catch {
      return false; // between the rename and the new file: look again later
    }
  }

  /** Moves to the file after the one being read, in the files as they are now. */
  private nextFile(): void {
    this.endLine(); // a record never continues into the next file
    this.files = logFiles(this.logPath);
    // Ours was renamed (possibly more than once since we listed): continue after it. If it was
    // removed meanwhile, every file left is newer than it. (It is still open, so its inode
    // number cannot have been given to another file.)
    let at = -1;
    for (let i = 0; i < this.files.length; i++) {
      try {
        if (fs.statSync(this.files[i]).ino === this.ino) { at = i; break; }
      } catch { /* removed meanwhile */ }
    }
    this.close();
    this.index = at + 1;
    this.offset = 0;
  }

  private readToEnd(): void {
    for (;;) {
      const n = fs.readSync(this.fd!, this.buf, 0, BLOCK, this.offset);
      if (n <= 0) return;
      this.offset += n;
      this.scan(this.buf.subarray(0, n));
      if (this.stopped || this.paused) return;
    }
  }

  private scan(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl + 1);
      start = nl + 1;
      if (this.raw) {
        this.raw = false;
        this.emitRaw(piece);
      } else if (this.pendingLength) {
        this.pending.push(piece);
        const line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingLength = 0;
        this.line(line);
      } else {
        this.line(piece);
      }
      if (this.stopped) return;
    }
    const rest = chunk.subarray(start);
    if (!rest.length) return;
    if (this.raw) {
      this.emitRaw(rest);
      return;
    }
    this.pending.push(Buffer.from(rest)); // the read buffer is reused
    this.pendingLength += rest.length;
    if (this.pendingLength > MAX_RECORD) {
      const line = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingLength = 0;
      this.raw = true;
      this.emitRaw(line);
    }
  }

  /** The unterminated last line, once no more of it will come. */
  private endLine(): void {
    this.raw = false;
    if (!this.pendingLength) return;
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingLength = 0;
    this.line(line);
  }

  private line(line: Buffer): void {
    const r = parseCRIRecord(line);
    if (!r) {
      this.emitRaw(line);
      this.countRecord();
      return;
    }
    const startsLine = this.newLine;
    this.newLine = r.content.length === 0 || r.content[r.content.length - 1] === 0x0a;
    if (this.opts.sinceMs !== undefined && timestampMs(r.time) < this.opts.sinceMs) {
      this.countRecord();
      return;
    }
    if (this.opts.timestamps && startsLine) this.emit(Buffer.from(fixedTimestamp(r.time) + ' ', 'latin1'));
    this.emit(r.content);
    this.countRecord();
  }

  private emitRaw(bytes: Buffer): void {
    this.newLine = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a;
    this.emit(bytes);
  }

  private countRecord(): void {
    if (--this.remainRecords <= 0) this.stopped = true;
  }

  private emit(bytes: Buffer): void {
    if (this.stopped) return;
    if (bytes.length >= this.remainBytes) {
      bytes = bytes.subarray(0, this.remainBytes);
      this.stopped = true;
    }
    this.remainBytes -= bytes.length;
    while (bytes.length) {
      const n = bytes.copy(this.outBuf, this.outLength);
      this.outLength += n;
      bytes = bytes.subarray(n);
      if (this.outLength === BLOCK) this.flush();
    }
  }

  private flush(): void {
    if (!this.outLength) return;
    this.write(Buffer.from(this.outBuf.subarray(0, this.outLength)));
    this.outLength = 0;
    this.paused = true;
  }
}

/** Lets written output drain before more is read; resolves at once when there is nothing to wait for. */
export type Drain = () => Promise<void>;

/** Reads a whole log (a snapshot). */
export async function readLog(logPath: string, opts: LogOptions, write: (chunk: Buffer) => void, drain: Drain = async () => {}): Promise<void> {
  const reader = new ContainerLogReader(logPath, opts, write);
  while (reader.read(true)) await drain();
}

/** Reads a whole log at once, without waiting for the output to drain (tests, small logs). */
export function readLogSync(logPath: string, opts: LogOptions, write: (chunk: Buffer) => void): void {
  const reader = new ContainerLogReader(logPath, opts, write);
  while (reader.read(true));
}

/**
 * Streams a log as it grows, across rotations, until ended() says the container has stopped
 * (then reads what is left) or a limit is reached. wait() paces the polling; tests pass one that
 * changes the files instead of sleeping.
 */
export async function followLog(
  logPath: string,
  opts: LogOptions,
  write: (chunk: Buffer) => void,
  ended: () => boolean,
  wait: () => Promise<void> = () => new Promise((r) => setTimeout(r, 100)),
  drain: Drain = async () => {},
): Promise<void> {
  const reader = new ContainerLogReader(logPath, opts, write, true);
  try {
    for (;;) {
      // Asked before reading: what the container wrote before it ended is read in this round.
      const last = ended();
      while (reader.read(last)) await drain();
      if (last || reader.done) break;
      // A wait may end the stream (a request's timeout) by throwing.
      await wait();
    }
  } finally {
    reader.close();
  }
}

/** The latest (or previous) attempt's log as text: what `kjob logs POD` prints. For tests and small logs. */
export function readContainerLog(home: string, pod: KObject, container: string, opts: { previous?: boolean } = {}): string {
  const p = containerLogPathFor(home, pod, container, opts);
  if (!p) return '';
  const chunks: Buffer[] = [];
  readLogSync(p, { tail: -1, limitBytes: -1, timestamps: false }, (c) => chunks.push(c));
  return Buffer.concat(chunks).toString('utf8');
}
