// ProcessRuntime's reading of the on-disk attempt state, without processes: every pid in these
// attempt directories is dead, so nothing here starts a process or waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeClock } from '../util/clock.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import type { KObject } from '../api/types.js';
import { Kubelet, type KubeletStore } from './kubelet.js';
import { ProcessRuntime } from './runtime.js';
import { tempDir } from '../util/testing.js';

/** Above any pid_max (2^22): never a live process. */
const DEAD_PID = 2 ** 30;

function home(): string {
  return tempDir('rtstate');
}

/** An attempt directory as the runtime leaves it; files maps name to content. */
function attempt(h: string, uid: string, container: string, n: number, files: Record<string, string>): string {
  const d = path.join(h, 'pods', uid, 'containers', container, String(n));
  fs.mkdirSync(d, { recursive: true });
  const base = { id: `containerd://${'a'.repeat(64)}\n`, started: '2026-11-23T12:00:00Z\n', pid: `${DEAD_PID}\n`, shimpid: `${DEAD_PID}\n` };
  for (const [f, s] of Object.entries({ ...base, ...files })) fs.writeFileSync(path.join(d, f), s);
  return d;
}

/** A runtime whose clock mapping the test moves (as `kjob clock advance` does). */
function runtime(h: string) {
  const m = { offset: 0 };
  return { m, rt: new ProcessRuntime(h, (ms) => ms + m.offset) };
}

test('lost shim: recorded once as exit 255 with a fixed finish time', () => {
  const h = home();
  const d = attempt(h, 'u1', 'c', 0, {});
  const { m, rt } = runtime(h);
  const [a] = rt.attempts('u1', 'c');
  assert.equal(a.running, false);
  assert.equal(a.exitCode, 255);
  assert.match(fs.readFileSync(path.join(d, 'exit'), 'utf8'), /^255 \d{4}-\d\d-\d\dT/);
  m.offset += 3_600_000; // later reads, under a clock that moved
  const [b] = rt.attempts('u1', 'c');
  assert.deepEqual(b, a, 'later reads see the same attempt');
});

test("a shim thread of the native spawner lives while the descriptor it recorded still names its attempt directory; then it is lost", () => {
  const h = home();
  const d = attempt(h, 'u1', 'c', 0, {});
  const other = attempt(h, 'u2', 'c', 0, {});
  // This process stands in for the spawner, its main thread for the shim thread.
  const fd = fs.openSync(d, 'r');
  const otherFd = fs.openSync(other, 'r');
  try {
    fs.writeFileSync(path.join(d, 'shimpid'), `${process.pid}:${process.pid}:${fd}\n`);
    // A descriptor of the same thread that names another attempt's directory is not this shim.
    fs.writeFileSync(path.join(other, 'shimpid'), `${process.pid}:${process.pid}:${fd}\n`);
    const { rt } = runtime(h);
    assert.equal(rt.attempts('u1', 'c')[0].running, true, 'the container ended, its shim is recording it');
    assert.equal(fs.existsSync(path.join(d, 'exit')), false);
    assert.equal(rt.attempts('u2', 'c')[0].exitCode, 255, 'not its shim: lost');
    fs.closeSync(fd);
    const [a] = rt.attempts('u1', 'c');
    assert.equal(a.running, false);
    assert.equal(a.exitCode, 255, 'the thread let go of its directory without an exit: lost');
  } finally {
    try { fs.closeSync(fd); } catch { /* closed */ }
    fs.closeSync(otherFd);
  }
});

test('an attempt recorded by an engine killed before its container started is no attempt: it is not failed', () => {
  const h = home();
  // The engine wrote id and started, then died before the shim ran (no shim pid), or after
  // spawning a shim that is gone without having written the container's pid.
  const d = attempt(h, 'u1', 'c', 0, {});
  fs.rmSync(path.join(d, 'pid'));
  fs.rmSync(path.join(d, 'shimpid'));
  const d2 = attempt(h, 'u2', 'c', 0, {});
  fs.rmSync(path.join(d2, 'pid'));
  const { rt } = runtime(h);
  assert.deepEqual(rt.attempts('u1', 'c'), []);
  assert.deepEqual(rt.attempts('u2', 'c'), []);
  assert.equal(fs.existsSync(path.join(d, 'exit')), false, 'no exit is made up for it');
  assert.equal(rt.anyRunning(), false);
  // An earlier attempt that did run is kept; the lost one does not count.
  attempt(h, 'u3', 'c', 0, { exit: '1 2026-11-23T12:00:05.000Z\n' });
  const d3 = attempt(h, 'u3', 'c', 1, {});
  fs.rmSync(path.join(d3, 'pid'));
  fs.rmSync(path.join(d3, 'shimpid'));
  assert.deepEqual(rt.attempts('u3', 'c').map((a) => [a.n, a.exitCode]), [[0, 1]]);
});

test('a container the kernel OOM-killed reports reason OOMKilled', () => {
  const h = home();
  attempt(h, 'u1', 'c', 0, { exit: '137 2026-11-23T12:00:05.000Z\n', reason: 'OOMKilled\n' });
  attempt(h, 'u1', 'd', 0, { exit: '137 2026-11-23T12:00:05.000Z\n' });
  const { rt } = runtime(h);
  assert.equal(rt.attempts('u1', 'c')[0].reason, 'OOMKilled');
  assert.equal(rt.attempts('u1', 'd')[0].reason, undefined, 'a SIGKILL without an OOM kill is no OOMKilled');
});

test('lost shim after SIGKILL: exit 137 at the kill time', () => {
  const h = home();
  attempt(h, 'u1', 'c', 0, { kill: '2026-11-23T12:00:30Z\n' });
  const { m, rt } = runtime(h);
  const [a] = rt.attempts('u1', 'c');
  assert.equal(a.exitCode, 137);
  assert.equal(a.finishedAt, '2026-11-23T12:00:30Z');
  m.offset += 60_000;
  assert.deepEqual(rt.attempts('u1', 'c')[0], a);
});

test('finish time is mapped onto the kubelet clock once, when the exit is first seen', () => {
  const h = home();
  const d = attempt(h, 'u1', 'c', 0, { exit: '3 2026-11-23T12:00:05.123Z\n' });
  const { m, rt } = runtime(h);
  m.offset = 86_400_000; // a simulated clock one day ahead
  const [a] = rt.attempts('u1', 'c');
  assert.equal(a.exitCode, 3);
  assert.equal(a.finishedAt, '2026-11-24T12:00:05Z');
  // Kept to the millisecond (a restart's back-off counts from it); shown with whole seconds.
  assert.equal(a.finishedMs, Date.parse('2026-11-24T12:00:05.123Z'));
  assert.equal(fs.readFileSync(path.join(d, 'finished'), 'utf8').trim(), '2026-11-24T12:00:05.123Z');
  m.offset += 3_600_000; // kjob clock advance 1h
  assert.equal(rt.attempts('u1', 'c')[0].finishedAt, '2026-11-24T12:00:05Z');
  assert.equal(rt.attempts('u1', 'c')[0].finishedMs, Date.parse('2026-11-24T12:00:05.123Z'));
  // One an older kjob wrote, with whole seconds, reads as it did.
  attempt(h, 'u2', 'c', 0, { exit: '3 2026-11-23T12:00:05.123Z\n', finished: '2026-11-23T12:00:05Z\n' });
  const [b] = rt.attempts('u2', 'c');
  assert.deepEqual([b.finishedAt, b.finishedMs], ['2026-11-23T12:00:05Z', Date.parse('2026-11-23T12:00:05Z')]);
});

test('a finish time left empty (an engine killed between the file\'s create and its write) is written when the exit is next seen', () => {
  const h = home();
  const d = attempt(h, 'u1', 'c', 0, { exit: '3 2026-11-23T12:00:05.123Z\n', finished: '' });
  const { rt } = runtime(h);
  const [a] = rt.attempts('u1', 'c');
  assert.equal(a.finishedAt, '2026-11-23T12:00:05Z');
  assert.equal(fs.readFileSync(path.join(d, 'finished'), 'utf8'), '2026-11-23T12:00:05.123Z\n');
  assert.deepEqual(fs.readdirSync(d).filter((f) => f.includes('.tmp')), [], 'no temporary file left');
});

class Store implements KubeletStore {
  pods = new Map<string, KObject>();
  get(_k: string, ns: string | undefined, n: string) { return this.pods.get(`${ns}/${n}`); }
  list() { return [...this.pods.values()]; }
  update(o: KObject) { return o; }
  delete(_k: string, ns: string | undefined, n: string) { const o = this.pods.get(`${ns}/${n}`)!; this.pods.delete(`${ns}/${n}`); return { object: o, removed: true }; }
  recordEvent() {}
}

function kubelet(h: string) {
  return new Kubelet({ store: new Store(), clock: new FakeClock(), timing: KUBERNETES_TIMING, home: h, nodeName: 'node-1', hostIP: '10.0.0.5', sandbox: 'none' });
}

function logDir(h: string, name: string, uid: string): string {
  const d = path.join(h, 'logs', `default_${name}_${uid}`, 'c');
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, '0.log'), 'hi\n');
  return path.dirname(d);
}

test('podRemoved: the pod runtime directory, its log directory and its exit notes go; other pods stay', () => {
  const h = home();
  attempt(h, 'u-gone', 'c', 0, { exit: '0 2026-11-23T12:00:05.000Z\n' });
  attempt(h, 'u-kept', 'c', 0, { exit: '0 2026-11-23T12:00:05.000Z\n' });
  const gone = logDir(h, 'a', 'u-gone');
  const kept = logDir(h, 'b', 'u-kept');
  fs.mkdirSync(path.join(h, 'run', 'exits'), { recursive: true });
  fs.writeFileSync(path.join(h, 'run', 'exits', 'default_a_u-gone_c_0'), '');
  const k = kubelet(h);
  k.podRemoved('u-gone');
  assert.equal(fs.existsSync(path.join(h, 'pods', 'u-gone')), false);
  assert.equal(fs.existsSync(gone), false);
  assert.deepEqual(fs.readdirSync(path.join(h, 'run', 'exits')), []);
  assert.ok(fs.existsSync(path.join(h, 'pods', 'u-kept', 'containers', 'c', '0', 'exit')));
  assert.ok(fs.existsSync(path.join(kept, 'c', '0.log')));
  k.podRemoved('u-gone'); // again: nothing left, no error
  k.podRemoved('../u-kept'); // not a uid: ignored
  assert.ok(fs.existsSync(path.join(h, 'pods', 'u-kept')));
});

test('cleanupOrphans: state and logs of uids not in the store go, live ones stay', () => {
  const h = home();
  attempt(h, 'u-live', 'c', 0, {});
  attempt(h, 'u-orphan', 'c', 0, {});
  const live = logDir(h, 'a', 'u-live');
  const orphan = logDir(h, 'b', 'u-orphan');
  const onlyLogs = logDir(h, 'c', 'u-logs-only');
  const k = kubelet(h);
  k.cleanupOrphans(new Set(['u-live']));
  assert.deepEqual(fs.readdirSync(path.join(h, 'pods')), ['u-live']);
  assert.deepEqual(fs.readdirSync(path.join(h, 'logs')), [path.basename(live)]);
  assert.equal(fs.existsSync(orphan) || fs.existsSync(onlyLogs), false);
  k.cleanupOrphans(new Set()); // a fresh home without pods/ or logs/ is fine too
  kubelet(home()).cleanupOrphans(new Set());
});

test("a cgroup the shim's child could not make is a StartError in runc's words, finished when it started", () => {
  const h = home();
  attempt(h, 'u1', 'c', 0, { starterror: '{"cgroup":"mkdir /sys/fs/cgroup/pids/kjob/u1: no space left on device"}', exit: '128 2026-11-23T12:00:01.000Z\n' });
  const { rt } = runtime(h);
  const [a] = rt.attempts('u1', 'c');
  assert.equal(a.exitCode, 128);
  assert.equal(a.finishedAt, '2026-11-23T12:00:00Z');
  assert.equal(a.startedAt, '1970-01-01T00:00:00Z');
  assert.equal(
    a.startError,
    'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply cgroup configuration: mkdir /sys/fs/cgroup/pids/kjob/u1: no space left on device: unknown',
  );
});

test("an ended attempt's termination message: the last 4 KiB of its termination-log file (tail.ReadAtMost), none when it is empty; bytes, as Go reads them", () => {
  const h = home();
  attempt(h, 'u1', 'c', 0, { exit: '3 2026-11-23T12:00:01.000000000Z\n', 'termination-log': 'a'.repeat(6_000) + 'b'.repeat(4_000) });
  attempt(h, 'u1', 'd', 0, { exit: '0 2026-11-23T12:00:01.000000000Z\n', 'termination-log': '' });
  attempt(h, 'u1', 'e', 0, { exit: '1 2026-11-23T12:00:01.000000000Z\n', 'termination-log': 'short\n' });
  // Bytes, as Go's: one that ends inside a three-byte character is kept as it is, for the
  // status's cut (kubelet.ts truncateMessage) to write as encoding/json does.
  const f = attempt(h, 'u1', 'f', 0, { exit: '1 2026-11-23T12:00:01.000000000Z\n' });
  fs.writeFileSync(path.join(f, 'termination-log'), Buffer.from([0x7a, 0xe2, 0x82]));
  const { rt } = runtime(h);
  const message = (c: string) => rt.attempts('u1', c)[0].message;
  assert.deepEqual(message('f'), Buffer.from([0x7a, 0xe2, 0x82]));
  assert.deepEqual(message('c'), Buffer.from('a'.repeat(96) + 'b'.repeat(4000)));
  assert.deepEqual(message('e'), Buffer.from('short\n'));
  assert.equal(message('d'), undefined);
  fs.rmSync(h, { recursive: true, force: true });
});
