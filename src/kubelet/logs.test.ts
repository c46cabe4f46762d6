// Reading CRI log files as the kubelet serves them: records, partial lines, timestamps, --since,
// --limit-bytes, --tail read backwards across rotated files, and following across rotations.
// Files are written by hand; nothing here starts a process or sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTailStart, fixedTimestamp, followLog, logFiles, parseCRIRecord, readLogSync, timestampMs, type LogOptions } from './logs.js';
import { tempDir } from '../util/testing.js';

const ALL: LogOptions = { tail: -1, limitBytes: -1, timestamps: false };

function dir(): string {
  return tempDir('logs');
}

/** A CRI record at second s of a fixed minute. */
function rec(s: number, stream: 'stdout' | 'stderr', tag: 'F' | 'P', content: string): string {
  return `2026-11-23T14:03:${String(s).padStart(2, '0')}.123456789Z ${stream} ${tag} ${content}\n`;
}

function read(logPath: string, opts: Partial<LogOptions> = {}): string {
  const out: Buffer[] = [];
  readLogSync(logPath, { ...ALL, ...opts }, (b) => out.push(b));
  return Buffer.concat(out).toString();
}

test('a CRI record: time, stream, tag; a full record keeps its newline, a partial one drops it', () => {
  const f = parseCRIRecord(Buffer.from('2026-11-23T14:03:18.123456789Z stderr F oops: a b\n'))!;
  assert.deepEqual({ ...f, content: f.content.toString() }, { time: '2026-11-23T14:03:18.123456789Z', stream: 'stderr', partial: false, content: 'oops: a b\n' });
  const p = parseCRIRecord(Buffer.from('2026-11-23T14:03:18.1Z stdout P abc\n'))!;
  assert.equal(p.partial, true);
  assert.equal(p.content.toString(), 'abc');
  // Tags are ":"-separated; only the first is known.
  assert.equal(parseCRIRecord(Buffer.from('2026-11-23T14:03:18Z stdout P:x y\n'))!.partial, true);
  assert.equal(parseCRIRecord(Buffer.from('2026-11-23T14:03:18Z stdout F \n'))!.content.toString(), '\n');
  for (const raw of ['hello world\n', '2026-11-23T14:03:18Z stdin F x\n', 'not-a-time stdout F x\n', '2026-11-23T14:03:18Z stdout\n', '']) {
    assert.equal(parseCRIRecord(Buffer.from(raw)), undefined, raw);
  }
});

test('timestamps print with nine fraction digits, in the zone they were written in', () => {
  assert.equal(fixedTimestamp('2026-11-23T14:03:18.123456789Z'), '2026-11-23T14:03:18.123456789Z');
  assert.equal(fixedTimestamp('2026-11-23T14:03:18.1234Z'), '2026-11-23T14:03:18.123400000Z');
  assert.equal(fixedTimestamp('2026-11-23T14:03:18Z'), '2026-11-23T14:03:18.000000000Z');
  assert.equal(fixedTimestamp('2026-11-23T15:03:18.5+01:00'), '2026-11-23T15:03:18.500000000+01:00');
  assert.equal(timestampMs('2026-11-23T15:03:18.5+01:00'), Date.parse('2026-11-23T14:03:18.500Z'));
});

test('partial records join back into their line; stdout and stderr both print', () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(log, rec(1, 'stdout', 'P', 'aaaa') + rec(1, 'stdout', 'P', 'bbbb') + rec(1, 'stdout', 'F', 'cc') + rec(2, 'stderr', 'F', 'err') + rec(3, 'stdout', 'P', 'no newline'));
  assert.equal(read(log), 'aaaabbbbcc\nerr\nno newline');
});

test('--timestamps: one per line, the time of the record that starts it', () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(log, rec(1, 'stdout', 'P', 'aa') + rec(2, 'stdout', 'F', 'bb') + rec(3, 'stderr', 'F', 'x'));
  assert.equal(read(log, { timestamps: true }), '2026-11-23T14:03:01.123456789Z aabb\n2026-11-23T14:03:03.123456789Z x\n');
});

test('--since skips earlier records; --limit-bytes cuts the output, timestamps included', () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(log, rec(1, 'stdout', 'F', 'one') + rec(2, 'stdout', 'F', 'two') + rec(3, 'stdout', 'F', 'three'));
  assert.equal(read(log, { sinceMs: Date.parse('2026-11-23T14:03:02Z') }), 'two\nthree\n');
  assert.equal(read(log, { sinceMs: Date.parse('2026-11-23T14:04:00Z') }), '');
  assert.equal(read(log, { limitBytes: 6 }), 'one\ntw');
  assert.equal(read(log, { limitBytes: 4 }), 'one\n');
  assert.equal(read(log, { limitBytes: 33, timestamps: true }), '2026-11-23T14:03:01.123456789Z on');
});

test('lines that are not CRI records (an older raw log) print as they are', () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(log, 'plain\nlines\nno end');
  assert.equal(read(log), 'plain\nlines\nno end');
  assert.equal(read(log, { tail: 1 }), 'lines\n');
});

test('the files of a log: rotated ones oldest first, then the current one; nothing else', () => {
  const d = dir();
  for (const f of ['0.log', '0.log.20261123-140320', '0.log.20261123-140318', '0.log.20261123-140319.gz', '0.log.20261123-140321.tmp', '1.log', '1.log.20261123-140300', '10.log.20261123-140300']) {
    fs.writeFileSync(path.join(d, f), '');
  }
  assert.deepEqual(logFiles(path.join(d, '0.log')).map((f) => path.basename(f)), ['0.log.20261123-140318', '0.log.20261123-140320', '0.log']);
});

test('--tail counts records from the end, on into older files; an unterminated last line does not count', () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(`${log}.20261123-140301`, rec(1, 'stdout', 'F', 'one') + rec(1, 'stdout', 'F', 'two'));
  fs.writeFileSync(`${log}.20261123-140302`, rec(2, 'stdout', 'F', 'three'));
  fs.writeFileSync(log, rec(3, 'stdout', 'F', 'four') + rec(3, 'stderr', 'F', 'five'));
  assert.equal(read(log), 'one\ntwo\nthree\nfour\nfive\n');
  assert.equal(read(log, { tail: 1 }), 'five\n');
  assert.equal(read(log, { tail: 2 }), 'four\nfive\n');
  assert.equal(read(log, { tail: 3 }), 'three\nfour\nfive\n');
  assert.equal(read(log, { tail: 4 }), 'two\nthree\nfour\nfive\n');
  assert.equal(read(log, { tail: 99 }), 'one\ntwo\nthree\nfour\nfive\n');
  assert.equal(read(log, { tail: 0 }), '');
  assert.equal(read(log, { tail: 2, timestamps: true }), '2026-11-23T14:03:03.123456789Z four\n2026-11-23T14:03:03.123456789Z five\n');
  // --since with --tail: the last N records, of which those after --since.
  assert.equal(read(log, { tail: 3, sinceMs: Date.parse('2026-11-23T14:03:03Z') }), 'four\nfive\n');
  // The kubelet counts records, so the pieces of a long line count one each.
  fs.appendFileSync(log, rec(4, 'stdout', 'P', 'six-a') + rec(4, 'stdout', 'F', 'six-b'));
  assert.equal(read(log, { tail: 1 }), 'six-b\n');
  assert.equal(read(log, { tail: 2 }), 'six-asix-b\n');
  fs.appendFileSync(log, '2026-11-23T14:03:05.000000000Z stdout F unterminated');
  assert.deepEqual(findTailStart(logFiles(log), 0), { file: 2, offset: fs.statSync(log).size - 52 });
});

test('--tail finds its start across read blocks without reading the whole file', () => {
  const d = dir();
  const log = path.join(d, '0.log');
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) lines.push(rec(i % 60, 'stdout', 'F', `line ${i} ${'x'.repeat(i % 50)}`));
  fs.writeFileSync(log, lines.join(''));
  for (const n of [1, 2, 700, 1300, 4999]) {
    const start = findTailStart([log], n);
    assert.equal(start.offset, Buffer.byteLength(lines.slice(0, 5000 - n).join('')), `tail ${n}`);
    assert.equal(read(log, { tail: n }).split('\n')[0], `line ${5000 - n} ${'x'.repeat((5000 - n) % 50)}`);
  }
  assert.deepEqual(findTailStart([log], 5000), { file: 0, offset: 0 });
});

test('--since does not read rotated files that end before it', () => {
  const d = dir();
  const log = path.join(d, '0.log');
  // A raw line prints whatever --since says: it shows whether the file was read at all.
  fs.writeFileSync(`${log}.20261123-140301`, 'raw\n' + rec(1, 'stdout', 'F', 'old'));
  fs.writeFileSync(log, rec(5, 'stdout', 'F', 'new'));
  assert.equal(read(log, { sinceMs: Date.parse('2026-11-23T14:03:02Z') }), 'new\n');
  assert.equal(read(log, { sinceMs: Date.parse('2026-11-23T14:03:01Z') }), 'raw\nold\nnew\n');
});

test('-f follows the log as it grows and across rotations, then reads what is left once the container ended', async () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(log, rec(1, 'stdout', 'F', 'one'));
  const out: string[] = [];
  let ended = false;
  let round = 0;
  // Each wait() stands for the time between two polls: the writer appends, rotates, or stops.
  const steps: (() => void)[] = [
    () => fs.appendFileSync(log, rec(2, 'stdout', 'P', 'tw')),
    () => fs.appendFileSync(log, rec(2, 'stdout', 'F', 'o')),
    () => {
      // rotated once: the rest of the old file, then the new one
      fs.appendFileSync(log, rec(3, 'stdout', 'F', 'three'));
      fs.renameSync(log, `${log}.20261123-140303`);
      fs.writeFileSync(log, rec(4, 'stderr', 'F', 'four'));
    },
    () => {
      // rotated twice between two polls
      fs.renameSync(log, `${log}.20261123-140304`);
      fs.writeFileSync(log, rec(5, 'stdout', 'F', 'five'));
      fs.renameSync(log, `${log}.20261123-140305`);
      fs.writeFileSync(log, rec(6, 'stdout', 'F', 'six'));
    },
    () => {
      // between the rename and the new file
      fs.renameSync(log, `${log}.20261123-140306`);
    },
    () => {
      fs.writeFileSync(log, rec(7, 'stdout', 'F', 'seven'));
      fs.appendFileSync(log, rec(7, 'stdout', 'F', 'last'));
      ended = true;
    },
  ];
  await followLog(log, { ...ALL, timestamps: false }, (b) => out.push(b.toString()), () => ended, async () => {
    steps[round++]();
  });
  assert.equal(round, steps.length);
  assert.equal(out.join(''), 'one\ntwo\nthree\nfour\nfive\nsix\nseven\nlast\n');
});

test('-f with --tail starts at the last lines; with --limit-bytes it ends when the limit is reached', async () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(log, rec(1, 'stdout', 'F', 'one') + rec(2, 'stdout', 'F', 'two'));
  const out: string[] = [];
  let ended = false;
  await followLog(log, { ...ALL, tail: 1 }, (b) => out.push(b.toString()), () => ended, async () => {
    fs.appendFileSync(log, rec(3, 'stdout', 'F', 'three'));
    ended = true;
  });
  assert.equal(out.join(''), 'two\nthree\n');
  const limited: string[] = [];
  let polls = 0;
  await followLog(log, { ...ALL, limitBytes: 6 }, (b) => limited.push(b.toString()), () => false, async () => {
    polls++;
    fs.appendFileSync(log, rec(4, 'stdout', 'F', 'four'));
  });
  assert.equal(limited.join(''), 'one\ntw');
  assert.equal(polls, 0);
});

test('-f before the log file exists waits for it', async () => {
  const d = dir();
  const log = path.join(d, '0.log');
  const out: string[] = [];
  let ended = false;
  await followLog(log, ALL, (b) => out.push(b.toString()), () => ended, async () => {
    fs.writeFileSync(log, rec(1, 'stdout', 'F', 'hello'));
    ended = true;
  });
  assert.equal(out.join(''), 'hello\n');
});

test('a large log is handed on in bounded chunks, waiting for each to drain', async () => {
  const d = dir();
  const log = path.join(d, '0.log');
  const line = rec(1, 'stdout', 'F', 'y'.repeat(200));
  fs.writeFileSync(log, line.repeat(5000)); // ~1.2 MB
  const { readLog } = await import('./logs.js');
  let biggest = 0;
  let total = 0;
  let sinceDrain = 0;
  let mostBetweenDrains = 0;
  await readLog(
    log,
    ALL,
    (b) => {
      biggest = Math.max(biggest, b.length);
      total += b.length;
      sinceDrain += b.length;
      mostBetweenDrains = Math.max(mostBetweenDrains, sinceDrain);
    },
    async () => {
      sinceDrain = 0;
    },
  );
  assert.equal(total, 201 * 5000);
  assert.ok(biggest <= 64 * 1024, `chunk of ${biggest}`);
  // At most a read block's worth of output (plus what was still buffered) between two drains.
  assert.ok(mostBetweenDrains <= 2 * 64 * 1024, `${mostBetweenDrains} bytes without a drain`);
});

test('a snapshot read leaves no file open', async () => {
  const d = dir();
  const log = path.join(d, '0.log');
  fs.writeFileSync(`${log}.20261123-140301`, rec(1, 'stdout', 'F', 'a'.repeat(100)).repeat(1000));
  fs.writeFileSync(log, rec(2, 'stdout', 'F', 'b').repeat(10));
  const fds = () => fs.readdirSync('/proc/self/fd').length;
  const before = fds();
  read(log);
  read(log, { tail: 3 });
  read(log, { limitBytes: 10 });
  assert.equal(fds(), before);
});
