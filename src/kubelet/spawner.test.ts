// The spawner: shims forked by a small process (perl's, or the native shim's), detached, with the
// given env and cwd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Spawner, shimThreadRef } from './spawner.js';
import { SHIM, nativeShim, shimOperands, spawnerSyscalls } from './shim.js';
import { SHIM_TITLE } from '../util/process.js';
import { tempDir, until } from '../util/testing.js';

/** spawnDetached's pid, when it comes. */
function spawnPid(sp: Spawner, exe: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<number | undefined> {
  return new Promise((resolve) => sp.spawnDetached(exe, args, opts, resolve));
}

const perl = ['/usr/bin/perl', '/bin/perl'].find((p) => fs.existsSync(p)) ?? null;
const native = nativeShim();
const NO_NATIVE = !native && 'the native shim is not built here (no C compiler)';

/** Each spawner, and why it cannot run here, if it cannot. */
const SPAWNERS: { name: string; skip: string | false; make(): Spawner }[] = [
  { name: 'perl', skip: !perl && 'no perl', make: () => new Spawner(perl) },
  { name: 'native', skip: NO_NATIVE, make: () => new Spawner(null, SHIM, native) },
];

/**
 * Lets a container waiting on dir/gate end, and waits for its shim to end: a failed assertion
 * before the test opened the gate would otherwise leave both running.
 */
async function releaseGate(dir: string, shim: number | string | undefined): Promise<void> {
  const gate = path.join(dir, 'gate');
  if (!fs.existsSync(gate)) fs.writeFileSync(gate, '');
  if (shim) await until('the shim to end', () => !fs.existsSync(shimProc(shim)), 20_000);
}

/** A shim's /proc directory: its process's, or a shim thread's ("PID:TID:FD"). */
function shimProc(shim: number | string): string {
  if (typeof shim === 'number') return `/proc/${shim}`;
  const t = shimThreadRef(shim)!;
  return `/proc/${t.pid}/task/${t.tid}`;
}

/** Whether shim thread ref ("PID:TID:FD") holds directory d open as its descriptor FD. */
function holds(ref: string, d: string): boolean {
  const t = shimThreadRef(ref)!;
  try {
    const held = fs.statSync(`/proc/${t.pid}/task/${t.tid}/fd/${t.fd}`);
    return held.ino === fs.statSync(d).ino;
  } catch {
    return false;
  }
}

/** A file a real process writes (by rename, so whole), once it is there. */
async function waitFor(file: string): Promise<string> {
  await until(`${file} to be written`, () => fs.existsSync(file), 20_000);
  return fs.readFileSync(file, 'utf8');
}

for (const kind of SPAWNERS) test(`${kind.name}: starts a detached process in its own session with exactly the env and cwd given, and gives its pid`, { skip: kind.skip }, async () => {
  const dir = tempDir('spawner');
  const sp = kind.make();
  try {
    const out = path.join(dir, 'out');
    const script = `echo "$$ $(ps -o sid= -p $$ | tr -d ' ') $FOO $(pwd) \${HOME:-nohome}" > ${out}.tmp && mv ${out}.tmp ${out}`;
    const pid = await spawnPid(sp, '/bin/sh', ['-c', script], { cwd: '/usr', env: { FOO: 'a b=c', PATH: '/usr/bin:/bin' } });
    assert.ok(pid && pid > 0);
    const [p, sid, foo1, foo2, cwd, home] = (await waitFor(out)).trim().split(' ');
    assert.equal(Number(p), pid);
    assert.equal(sid, p, 'its own session');
    assert.equal(`${foo1} ${foo2}`, 'a b=c');
    assert.equal(cwd, '/usr');
    assert.equal(home, 'nohome', 'nothing of the engine env');
    // Many in a row, on the same spawner, each answered with its own pid.
    const pids = await Promise.all(Array.from({ length: 20 }, () => spawnPid(sp, '/bin/true', [], { env: {} })));
    assert.ok(pids.every((p) => p && p > 0));
    assert.equal(new Set(pids).size, 20);
  } finally {
    sp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const kind of SPAWNERS) test(`${kind.name}: the spawner holds none of the engine's environment: its forks would each copy and free it`, { skip: kind.skip }, () => {
  const sp = kind.make();
  process.env.KJOB_SPAWNER_TEST = 'engine';
  try {
    sp.warm();
    const environ = fs.readFileSync(`/proc/${sp.pid}/environ`, 'utf8').split('\0').filter(Boolean);
    // (its forks still take their shim's name: the test of a shim's fork below)
    assert.deepEqual(environ.map((e) => e.slice(0, e.indexOf('='))), ['PATH']);
  } finally {
    delete process.env.KJOB_SPAWNER_TEST;
    sp.close();
  }
});

for (const kind of SPAWNERS) test(`${kind.name}: a child waits for its own children (SIGCHLD is not left ignored)`, { skip: kind.skip }, async () => {
  const dir = tempDir('spawner');
  const sp = kind.make();
  try {
    const out = path.join(dir, 'out');
    await spawnPid(sp, '/bin/sh', ['-c', `sh -c 'exit 7'; echo $? > ${out}.tmp && mv ${out}.tmp ${out}`], { env: { PATH: '/usr/bin:/bin' } });
    assert.equal((await waitFor(out)).trim(), '7');
  } finally {
    sp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without perl it falls back to node spawn', async () => {
  const dir = tempDir('spawner');
  const sp = new Spawner(null);
  try {
    const out = path.join(dir, 'out');
    const pid = await spawnPid(sp, '/bin/sh', ['-c', `echo $$ > ${out}.tmp && mv ${out}.tmp ${out}`], { env: { PATH: '/usr/bin:/bin' } });
    assert.equal(Number((await waitFor(out)).trim()), pid);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const kind of SPAWNERS) test(`${kind.name}: the pid is given once the process runs its own program (not the spawner any more); a missing program is no pid`, { skip: kind.skip }, async () => {
  const dir = tempDir('spawner');
  const sp = kind.make();
  try {
    const pid = (await spawnPid(sp, '/bin/sleep', ['5'], { env: {} }))!;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.deepEqual(cmdline.slice(0, 2), ['/bin/sleep', '5']);
    // No signal the spawner ignores (SIGPIPE: its engine may go away) stays ignored in the child.
    const ignored = BigInt('0x' + /SigIgn:\s+([0-9a-f]+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    assert.equal(ignored & (1n << 12n), 0n, 'SIGPIPE is not ignored');
    process.kill(pid, 'SIGKILL');
    assert.equal(await spawnPid(sp, '/nonexistent/program', [], { env: {} }), undefined);
  } finally {
    sp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a shim, from perl's spawner (a fork named after its attempt), the native one (a thread of it) or node's spawn, runs the container with the request's env, logs it and records its exit", async () => {
  const ways = [...(perl ? ['perl'] : []), ...(native ? ['native'] : []), 'node'];
  for (const way of ways) {
    const dir = tempDir('spawner');
    const sp = way === 'perl' ? new Spawner(perl) : way === 'native' ? new Spawner(null, SHIM, native) : new Spawner(null);
    let shim: number | string | undefined;
    try {
      const attempt = path.join(dir, 'attempt');
      fs.mkdirSync(attempt);
      const log = path.join(dir, '0.log');
      // The container waits for the test to have looked at its shim, which lives until it ends.
      const gate = path.join(dir, 'gate');
      // Its program is found on the request's PATH, not the spawner's.
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'kjob-test-run'), `#!/bin/sh\ngrep SigIgn /proc/self/status > ${dir}/sigign; while [ ! -e ${gate} ] && [ -d ${dir} ]; do sleep 0.01; done; echo out $FOO; echo err >&2; exit 3\n`, { mode: 0o755 });
      const operands = shimOperands({ attemptDir: attempt, logPath: log, note: path.join(dir, 'note'), argv: ['kjob-test-run'] });
      shim = await new Promise<number | string | undefined>((resolve) => sp.spawnShim(operands, { env: { PATH: `${bin}:/usr/bin:/bin`, FOO: 'foo' } }, resolve));
      if (way === 'native') {
        // A thread of the spawner, which recorded itself before the spawner answered, holding its
        // attempt directory open (runtime.ts liveShim).
        const ref = String(shim);
        const t = shimThreadRef(ref);
        assert.ok(t, `a thread's reference (PID:TID:FD): ${ref}`);
        assert.equal(t.pid, sp.pid, "the spawner's thread");
        assert.notEqual(t.tid, t.pid, 'not its main thread');
        assert.equal(fs.readFileSync(path.join(attempt, 'shimpid'), 'utf8'), `${ref}\n`);
        assert.ok(holds(ref, attempt), 'it holds its attempt directory open');
      } else {
        assert.ok(typeof shim === 'number' && shim > 0);
        const cmdline = fs.readFileSync(`/proc/${shim}/cmdline`, 'utf8').split('\0');
        if (way === 'perl') assert.deepEqual(cmdline.filter((a) => a !== ''), [`${SHIM_TITLE} ${attempt}`], 'the fork names itself');
        else assert.deepEqual(cmdline.slice(1, 5), ['-e', SHIM, '--', attempt]);
      }
      fs.writeFileSync(gate, '');
      assert.match(await waitFor(path.join(attempt, 'exit')), /^3 \d{4}-\d\d-\d\dT/);
      assert.match(fs.readFileSync(log, 'utf8'), /^\S+ stdout F out foo\n\S+ stderr F err\n$|^\S+ stderr F err\n\S+ stdout F out foo\n$/);
      // The note comes just after the exit (the shim writes them in that order): waited for too.
      assert.equal(await waitFor(path.join(dir, 'note')), '', 'the exit note');
      assert.equal(Number(fs.readFileSync(path.join(attempt, 'pid'), 'utf8')) > 0, true);
      // No signal the spawner ignores (SIGPIPE) stays ignored in the container.
      const ignored = BigInt('0x' + /SigIgn:\s+([0-9a-f]+)/.exec(fs.readFileSync(path.join(dir, 'sigign'), 'utf8'))![1]);
      assert.equal(ignored & (1n << 12n), 0n, 'SIGPIPE is not ignored');
      if (way === 'native') await until('the shim thread to let go of its attempt directory', () => !holds(String(shim), attempt), 20_000);
    } finally {
      // A failed assertion before the gate would leave the container (and its shim) waiting.
      await releaseGate(dir, shim);
      sp.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});


/** What a test of a native shim thread looks at: its directory (dir/attempt, dir/0.log, dir/note, dir/gate), spawner and shim ("PID:TID:FD"). */
interface ShimThread {
  dir: string;
  attempt: string;
  sp: Spawner;
  shim: string;
}

/** A native spawner's shim thread running command(dir) with env; what it started is ended and removed after body. */
async function withShimThread(command: (dir: string) => string[], env: NodeJS.ProcessEnv, body: (t: ShimThread) => Promise<void>): Promise<void> {
  const dir = tempDir('spawner');
  const sp = new Spawner(null, SHIM, native);
  let shim: string | number | undefined;
  try {
    const attempt = path.join(dir, 'attempt');
    fs.mkdirSync(attempt);
    const operands = shimOperands({ attemptDir: attempt, logPath: path.join(dir, '0.log'), note: path.join(dir, 'note'), argv: command(dir) });
    shim = await new Promise<number | string | undefined>((resolve) => sp.spawnShim(operands, { env }, resolve));
    assert.ok(shimThreadRef(String(shim)), `a thread's reference (PID:TID:FD): ${shim}`);
    await body({ dir, attempt, sp, shim: String(shim) });
  } finally {
    await releaseGate(dir, shim);
    sp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A command that waits for dir/gate (or dir's removal, by a test's clean-up that failed to end it otherwise), then ends with code. */
const gated = (code: number) => (dir: string) => ['/bin/sh', '-c', `while [ ! -e ${path.join(dir, 'gate')} ] && [ -d ${dir} ]; do sleep 0.01; done; exit ${code}`];

test('the native spawner, its engine gone, takes no more requests but lives until its last shim thread ends', { skip: NO_NATIVE }, () =>
  withShimThread(gated(5), { PATH: '/usr/bin:/bin' }, async ({ dir, attempt, sp, shim }) => {
    const spawner = sp.pid!;
    // Its own session: a signal to its engine's process group does not reach its shims.
    assert.equal(fs.readFileSync(`/proc/${spawner}/stat`, 'utf8').split(') ')[1].split(' ')[3], String(spawner), 'a session leader');
    sp.close();
    const task = shimProc(shim);
    // It lets go of its engine's pipes (a shell's pipeline that started an engine is not held open).
    await until('the spawner to let go of its pipes', () => ['0', '1'].every((fd) => fs.readlinkSync(`${task}/fd/${fd}`) === '/dev/null'), 20_000);
    assert.ok(fs.existsSync(task), 'the shim still runs');
    assert.doesNotMatch(fs.readFileSync(`/proc/${spawner}/status`, 'utf8'), /^State:\s+Z/m, 'not <defunct> in ps while its shims run');
    fs.writeFileSync(path.join(dir, 'gate'), '');
    assert.match(await waitFor(path.join(attempt, 'exit')), /^5 /);
    await until('the spawner to end with its last shim', () => !fs.existsSync(`/proc/${spawner}`) || /^State:\s+Z/m.test(fs.readFileSync(`/proc/${spawner}/status`, 'utf8')), 20_000);
  }));

test("a shim thread finds its container's program on the request's PATH only: not there, it is exit 127", { skip: NO_NATIVE }, () =>
  withShimThread(() => ['sh', '-c', 'exit 0'], { PATH: '/nothing-here' }, async ({ dir, attempt }) => {
    assert.match(await waitFor(path.join(attempt, 'exit')), /^127 /);
    assert.match(fs.readFileSync(path.join(dir, '0.log'), 'utf8'), /^\S+ stderr F exec sh: No such file or directory\n$/);
  }));

/** The process has ended: gone, or a zombie its parent has not reaped (its status read once: a look and then a read raced with the reaping). */
function processEnded(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

test('a shim thread whose attempt directory was removed while its container runs kills it, and writes no exit note', { skip: NO_NATIVE }, () =>
  withShimThread(() => ['/bin/sh', '-c', 'sleep 60'], { PATH: '/usr/bin:/bin' }, async ({ dir, attempt, shim }) => {
    const pid = Number(await waitFor(path.join(attempt, 'pid')));
    // Removed as a runtime that could not yet read the pid removes it: nobody kills the container.
    fs.rmSync(attempt, { recursive: true });
    await until('the shim to kill its container', () => processEnded(pid), 20_000);
    await until('the shim to end', () => !fs.existsSync(shimProc(shim)), 20_000);
    assert.equal(fs.existsSync(path.join(dir, 'note')), false, 'no note for a pod that is gone');
  }));

test('a shim thread whose container closed its output still kills it when its attempt directory is removed', { skip: NO_NATIVE }, () =>
  withShimThread(() => ['/bin/sh', '-c', 'exec >/dev/null 2>&1; sleep 60'], { PATH: '/usr/bin:/bin' }, async ({ dir, attempt, shim }) => {
    const pid = Number(await waitFor(path.join(attempt, 'pid')));
    // The shim has read the end of both streams: the spawner holds none of its pipes (close-on-exec,
    // unlike what the spawner may have inherited) any more.
    const task = shimProc(shim);
    const shimPipe = (fd: string): boolean => {
      try {
        const flags = /^flags:\s+([0-7]+)$/m.exec(fs.readFileSync(`${task}/fdinfo/${fd}`, 'utf8'))![1];
        return fs.readlinkSync(`${task}/fd/${fd}`).startsWith('pipe:') && (parseInt(flags, 8) & 0o2000000) !== 0;
      } catch {
        return false; // closed meanwhile
      }
    };
    await until('the shim to see both streams end', () => !fs.readdirSync(`${task}/fd`).some(shimPipe), 20_000);
    fs.rmSync(attempt, { recursive: true });
    await until('the shim to kill its container', () => processEnded(pid), 20_000);
    await until('the shim to end', () => !fs.existsSync(shimProc(shim)), 20_000);
    assert.equal(fs.existsSync(path.join(dir, 'note')), false);
  }));

test('a shim thread whose attempt directory was removed (its pod was) writes no exit note', { skip: NO_NATIVE }, () =>
  withShimThread(gated(0), { PATH: '/usr/bin:/bin' }, async ({ dir, attempt, shim }) => {
    await waitFor(path.join(attempt, 'pid'));
    fs.rmSync(attempt, { recursive: true });
    fs.writeFileSync(path.join(dir, 'gate'), '');
    await until('the shim to end', () => !fs.existsSync(shimProc(shim)), 20_000);
    assert.equal(fs.existsSync(path.join(dir, 'note')), false, 'no note for a pod that is gone');
  }));

test("a shim's fork shares a heap without POSIX and leaves by _exit, without perl's global destruction", { skip: !perl && 'no perl' }, async () => {
  // Every page of the spawner's heap that a fork writes to is copied for it, and perl's own exit
  // writes to every object it holds: a program that leaves an object for global destruction shows
  // whether the fork went through it (DESTROY would write `destroyed`).
  const dir = tempDir('spawner');
  const probe = String.raw`our $kept = bless {}, 'KjobProbe';
sub KjobProbe::DESTROY { open(my $f, '>', "$ARGV[0]/destroyed"); close $f }
open(my $f, '>', "$ARGV[0]/ran.tmp") or die; print $f (exists $INC{'POSIX.pm'} ? "posix\n" : "no posix\n"); close $f; rename "$ARGV[0]/ran.tmp", "$ARGV[0]/ran";`;
  const sp = new Spawner(perl, probe);
  try {
    const pid = await new Promise<number | undefined>((resolve) => sp.spawnShim([dir], { env: {} }, resolve));
    assert.ok(pid && pid > 0);
    // Where setsid's and exit_group's numbers are not known, the spawner loads POSIX for them.
    const sys = spawnerSyscalls();
    const known = sys.setsid > 0 && sys.exitGroup > 0;
    assert.equal(await waitFor(path.join(dir, 'ran')), known ? 'no posix\n' : 'posix\n', 'the spawner (and so its forks) loads POSIX only where it must');
    await until('the fork to end', () => !fs.existsSync(`/proc/${pid}`), 20_000);
    assert.equal(fs.existsSync(path.join(dir, 'destroyed')), false, 'no global destruction');
  } finally {
    sp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
