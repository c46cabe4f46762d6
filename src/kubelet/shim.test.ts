// The container shim (shim.ts's perl program, and shim.c's native one, on the same cases): the
// program itself, run synchronously with small limits so that line splitting and rotation show on
// a few bytes. No waiting: each run ends when its container does.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { nativeShim, shimArgs, shimEntersNetns, shimOperands, type ShimSpec } from './shim.js';
import { Cgroups, cgroupsText, type CgroupStep } from './cgroups.js';
import { IP, NETNS_DIR } from './network.js';
import { shellQuote } from './exec.js';
import { pidAlive } from '../util/process.js';
import { logFiles, parseCRIRecord } from './logs.js';
import { tempDir } from '../util/testing.js';
import { rng } from '../util/prng.js';

const CGROUPS = Cgroups.detect();

/** A shim program: how to run it on one attempt (argv for spawnSync), and why not here, if not. */
interface ShimKind { name: string; skip: string | false; command(s: ShimSpec, arch?: string): [string, string[]] }
const NATIVE = nativeShim();
const KINDS: ShimKind[] = [
  { name: 'perl', skip: false, command: (s, arch) => ['perl', shimArgs(s, arch)] },
  { name: 'native', skip: !NATIVE && 'the native shim is not built here (no C compiler: scripts/build.mjs)', command: (s, arch) => [NATIVE!, shimOperands(s, arch)] },
];

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

/** The same cases for each shim program. */
for (const kind of KINDS) shimCases(kind);

/** The shim's cgroups operand with these steps and no cgroup to join. */
const steps = (list: CgroupStep[]) => cgroupsText({ steps: list, procs: [] });

const show = (rs: { stream: string; partial: boolean; content: Buffer }[]) => rs.map((r) => `${r.stream} ${r.partial ? 'P' : 'F'} ${JSON.stringify(r.content.toString())}`);

/** Runs one attempt of kind's shim on `sh -c script`, to its end: its files and log records. */
function runShimOf(kind: ShimKind, script: string, limits: Partial<ShimSpec> = {}, arch = process.arch) {
  const d = tempDir('shim');
  const logPath = path.join(d, 'logs', '0.log');
  fs.mkdirSync(path.dirname(logPath));
  const before = Date.now();
  const r = spawnSync(...kind.command({ attemptDir: d, logPath, note: path.join(d, 'note'), argv: ['/bin/sh', '-c', script], ...limits }, arch), {
    stdio: 'ignore',
    env: { PATH: '/usr/bin:/bin', TZ: 'UTC' },
    timeout: 30_000,
  });
  assert.equal(r.status, 0, 'the shim itself exits 0');
  return { d, logPath, before, after: Date.now(), records: recordsOf(logPath), exit: fs.readFileSync(path.join(d, 'exit'), 'utf8') };
}

/** The CRI records of an attempt's log files, oldest first. */
function recordsOf(logPath: string) {
  return logFiles(logPath).flatMap((f) => fs.readFileSync(f, 'latin1').split(/(?<=\n)/).filter(Boolean).map((l) => parseCRIRecord(Buffer.from(l, 'latin1'))!));
}

function shimCases(kind: ShimKind): void {
  const test = (name: string, ...rest: [() => void] | [{ skip?: string | false }, () => void]) =>
    rest.length === 1
      ? nodeTest(`${kind.name} shim: ${name}`, { skip: kind.skip }, rest[0])
      : nodeTest(`${kind.name} shim: ${name}`, { skip: kind.skip || rest[0].skip }, rest[1]);

  const runShim = (script: string, limits: Partial<ShimSpec> = {}, arch = process.arch) => runShimOf(kind, script, limits, arch);

  test('lines become records: F for whole lines, P for pieces past the max line size and for an unterminated end; stderr kept apart; CR LF as LF', () => {
    const r = runShim(`printf 'short\\nexactly8\\n123456789\\n\\nabc\\r\\n'; printf 'err\\n' >&2; sleep 0.1; printf 'end'`, { maxLine: 8 });
    assert.deepEqual(show(r.records), [
      'stdout F "short\\n"',
      'stdout F "exactly8\\n"',
      'stdout P "12345678"',
      'stdout F "9\\n"',
      'stdout F "\\n"',
      'stdout F "abc\\n"',
      'stderr F "err\\n"',
      'stdout P "end"',
    ]);
    for (const rec of r.records) {
      assert.match(rec.time, TIME);
      const t = Date.parse(rec.time);
      assert.ok(t >= r.before - 1000 && t <= r.after + 1000, rec.time);
    }
  });

  test('the exit protocol: pid, then "<code> <finishedAt>" and the notification', () => {
    const r = runShim('echo $$; exit 3');
    assert.match(r.exit, /^3 \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\n$/);
    assert.ok(fs.existsSync(path.join(r.d, 'note')));
    // The container is the process the shim recorded (sh -c execs nothing here, so $$ is it).
    assert.equal(fs.readFileSync(path.join(r.d, 'pid'), 'utf8'), r.records[0].content.toString());
    assert.equal(runShim('kill -TERM $$').exit.split(' ')[0], '143');
    // A container that closes its stdout and stderr early is still waited for.
    assert.equal(runShim('exec >&- 2>&-; exit 4').exit.split(' ')[0], '4');
  });

  test('the container runs in its own session', () => {
    const r = runShim('ps -o sid= -o pgid= -p $$ | tr -s " " | sed "s/^ //"');
    const [sid, pgid] = r.records[0].content.toString().trim().split(' ');
    const pid = fs.readFileSync(path.join(r.d, 'pid'), 'utf8').trim();
    assert.deepEqual([sid, pgid], [pid, pid]);
  });

  test('a script without #! and 40,000 arguments runs through /bin/sh (execvp copies the arguments on the stack it starts from)', () => {
    const d = tempDir('shim');
    const logPath = path.join(d, '0.log');
    const script = path.join(d, 'count');
    fs.writeFileSync(script, 'echo "$# ${40000}"\n', { mode: 0o755 });
    const args = Array.from({ length: 40_000 }, (_, i) => String(i + 1));
    const r = spawnSync(...kind.command({ attemptDir: d, logPath, note: path.join(d, 'note'), argv: [script, ...args] }), { stdio: 'ignore', env: { PATH: '/usr/bin:/bin' }, timeout: 30_000 });
    assert.equal(r.status, 0, 'the shim itself exits 0');
    assert.equal(fs.readFileSync(path.join(d, 'exit'), 'utf8').split(' ')[0], '0');
    assert.equal(parseCRIRecord(fs.readFileSync(logPath))!.content.toString(), '40000 40000\n');
  });

  test('a command that cannot be executed: exit 127 and the reason on stderr', () => {
    const d = tempDir('shim');
    const logPath = path.join(d, '0.log');
    spawnSync(...kind.command({ attemptDir: d, logPath, note: path.join(d, 'note'), argv: [path.join(d, 'missing')] }), { stdio: 'ignore' });
    assert.equal(fs.readFileSync(path.join(d, 'exit'), 'utf8').split(' ')[0], '127');
    const rec = parseCRIRecord(fs.readFileSync(logPath))!;
    assert.equal(rec.stream, 'stderr');
    assert.equal(rec.content.toString(), `exec ${path.join(d, 'missing')}: No such file or directory\n`);
  });

  test('rotation: no file past the max size, at most max files, rotated names in the kubelet format and in order, nothing lost in between', () => {
    const r = runShim('i=1; while [ $i -le 60 ]; do echo line$i; i=$((i+1)); done', { maxSize: 300, maxFiles: 3 });
    const files = logFiles(r.logPath);
    assert.equal(files.length, 3);
    for (const f of files) assert.ok(fs.statSync(f).size <= 300, `${f} has ${fs.statSync(f).size} bytes`);
    const rotated = files.slice(0, -1).map((f) => path.basename(f));
    for (const n of rotated) assert.match(n, /^0\.log\.\d{8}-\d{6}$/);
    assert.deepEqual([...rotated].sort(), rotated);
    assert.equal(new Set(rotated).size, rotated.length);
    // The names are the rotation's local time (TZ=UTC here): at or after the first write.
    const first = rotated[0].slice(6);
    const started = new Date(r.before).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    assert.ok(first >= started, `${first} < ${started}`);
    // What is kept is the end of the output, whole records, in order.
    const lines = r.records.map((x) => x.content.toString().trim());
    assert.equal(lines.at(-1), 'line60');
    const from = Number(lines[0].slice(4));
    assert.deepEqual(lines, Array.from({ length: 61 - from }, (_, i) => `line${from + i}`));
  });

  test('without the syscall numbers (an unknown architecture): setsid(1) and Time::HiRes', { skip: kind.name === 'native' && 'perl only: the native shim calls setsid and clock_gettime through the C library' }, () => {
    const r = runShim('echo hi; ps -o sid= -p $$', {}, 'unknown');
    assert.equal(r.records[0].content.toString(), 'hi\n');
    assert.match(r.records[0].time, TIME);
    assert.equal(r.records[1].content.toString().trim(), fs.readFileSync(path.join(r.d, 'pid'), 'utf8').trim());
  });

  test('tty: a piece of a line is logged as it is read (a prompt shows), whole lines as before', () => {
    const script = `printf 'prompt> '; sleep 0.1; echo done`;
    assert.deepEqual(show(runShim(script, { tty: true }).records), ['stdout P "prompt> "', 'stdout F "done\\n"']);
    assert.deepEqual(show(runShim(script).records), ['stdout F "prompt> done\\n"']);
  });

  test('stdin: the relay copies what an attach writes to the FIFO into the container; stdinOnce closes it at the end', () => {
    const d = tempDir('shim');
    const fifo = path.join(d, 'stdin');
    assert.equal(spawnSync('mkfifo', ['-m', '600', fifo]).status, 0);
    const logPath = path.join(d, 'logs', '0.log');
    fs.mkdirSync(path.dirname(logPath));
    // the "attach" is a writer the container starts itself (no sandbox here): cat ends when it closes
    const script = `(printf 'one\\ntwo\\n' > ${fifo}) & wc -l`;
    const r = spawnSync(...kind.command({ attemptDir: d, logPath, note: path.join(d, 'note'), argv: ['/bin/sh', '-c', script], stdinFifo: fifo, stdinOnce: true }), {
      stdio: 'ignore',
      env: { PATH: '/usr/bin:/bin', TZ: 'UTC' },
      timeout: 20_000,
    });
    assert.equal(r.status, 0);
    const lines = fs.readFileSync(logPath, 'utf8').trim().split('\n').map((l) => l.replace(/^\S+ /, ''));
    assert.deepEqual(lines, ['stdout F 2']);
    assert.match(fs.readFileSync(path.join(d, 'exit'), 'utf8'), /^0 /);
  });

  test("a cgroup step that fails is a start error: starterror names what failed as runc does, exit 128, and the command never runs", () => {
    const dir = tempDir('shim-cgstep');
    const missing = path.join(dir, 'no-parent', 'pod');
    const r = runShim('echo ran', { cgroups: steps([{ op: 'mkdir', dir: missing }]) });
    assert.match(r.exit, /^128 /);
    assert.deepEqual(show(r.records), []);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(r.d, 'starterror'), 'utf8')), { cgroup: `mkdir ${missing}: no such file or directory` });
    // A limit file this kernel lacks is skipped only where optional.
    const limit = path.join(dir, 'no-dir', 'memory.max');
    const w = runShim('echo ran', { cgroups: steps([{ op: 'write', file: limit, value: '1', optional: true }]) });
    assert.deepEqual(show(w.records), ['stdout F "ran\\n"']);
    const refused = runShim('echo ran', { cgroups: steps([{ op: 'write', file: limit, value: '1' }]) });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(refused.d, 'starterror'), 'utf8')), { cgroup: `write ${limit}: no such file or directory` });
    // v2's subtree_control: only the controllers not handed yet are written.
    const sub = path.join(dir, 'cgroup.subtree_control');
    fs.writeFileSync(sub, 'memory\n');
    runShim('true', { cgroups: steps([{ op: 'enable', dir, controllers: ['memory', 'pids'] }]) });
    assert.equal(fs.readFileSync(sub, 'utf8'), '+pids');
  });

  test(
    "with real cgroups: the container's process makes its cgroups and runs in them; once it ended the shim kills what it left, records no OOM, removes the cgroups and says reaped",
    { skip: !CGROUPS.status.enforced && `cgroups are not usable here: ${CGROUPS.status.reason}` },
    () => {
      const uid = `shimtest-${process.pid}`;
      const cg = CGROUPS.planAttempt(uid, 'c', 0, { memoryBytes: 64 * 1024 * 1024 });
      const r = runShim('cat /proc/self/cgroup; sleep 100 >/dev/null 2>&1 & echo $!', { cgroups: cgroupsText(cg) });
      const out = r.records.map((x) => x.content.toString());
      const leftover = Number(out[out.length - 1]);
      assert.equal(out.filter((l) => l.includes(`/kjob/${uid}/c_0`)).length, cg.dirs.length, out.join(''));
      assert.match(r.exit, /^0 /);
      assert.equal(fs.readFileSync(path.join(r.d, 'reason'), 'utf8'), '\n');
      assert.ok(fs.existsSync(path.join(r.d, 'reaped')));
      for (const d of cg.dirs) {
        assert.equal(fs.existsSync(d), false, `${d} removed`);
        assert.equal(fs.existsSync(path.dirname(d)), false, `the pod's ${path.dirname(d)} removed`);
      }
      assert.equal(pidAlive(leftover), false, 'what the container left running was killed');
    },
  );

  test("before it execs, the container's process takes the runtime's umask, moves into its cgroups and enters its network namespace; a cgroup it cannot join is exit 128, a namespace it cannot enter exit 1", () => {
    // A file stands in for cgroup.procs: the write of "0" is what joins a cgroup.
    const dir = tempDir('shim-init');
    const procs = [path.join(dir, 'a.procs'), path.join(dir, 'b.procs')];
    for (const p of procs) fs.writeFileSync(p, '');
    const ok = runShim('umask', { cgroups: cgroupsText({ steps: [], procs }) });
    assert.deepEqual(show(ok.records), ['stdout F "0022\\n"']);
    assert.match(ok.exit, /^0 /);
    assert.deepEqual(procs.map((p) => fs.readFileSync(p, 'utf8')), ['0', '0']);
    const missing = path.join(dir, 'missing', 'cgroup.procs');
    const refused = runShim('echo ran', { cgroups: cgroupsText({ steps: [], procs: [missing] }) });
    assert.match(refused.exit, /^128 /);
    assert.deepEqual(show(refused.records), [`stderr F ${JSON.stringify(`kjob: cannot join the cgroup ${missing}: No such file or directory\n`)}`]);
    const gone = path.join(dir, 'no-such-netns');
    const r = runShim('echo ran', { netns: gone }, 'x64');
    assert.match(r.exit, /^1 /);
    assert.deepEqual(show(r.records), [`stderr F ${JSON.stringify(`kjob: cannot enter the network namespace ${gone}: No such file or directory\n`)}`]);
  });
}

nodeTest(
  'the native and perl shims log the same records for the same output: random lines, CR LF and lone CRs, lines past the max line size, an unterminated end, rotation',
  { skip: !NATIVE && 'the native shim is not built here (no C compiler: scripts/build.mjs)' },
  () => {
    for (const seed of [1, 2, 3]) {
      const next = rng(seed);
      const pick = (n: number) => Math.floor(next() * n);
      // A CR only in lines that are never split (at most maxLine long with it): where a split
      // falls in a long line depends on nothing but its length, so the records depend on the
      // bytes alone, not on how the pipe's reads cut them.
      const maxLine = 16;
      let text = '';
      for (let i = 0; i < 300; i++) {
        const long = pick(4) === 0;
        const len = long ? maxLine + pick(3 * maxLine) : pick(maxLine - 1);
        const chars = Array.from({ length: len }, () => String.fromCharCode(32 + pick(95)));
        if (!long && pick(3) === 0) chars.splice(pick(len + 1), 0, '\r');
        text += chars.join('') + (!long && pick(4) === 0 ? '\r\n' : '\n');
      }
      text += 'no newline at the end';
      const dir = tempDir('shim-same');
      const input = path.join(dir, 'input');
      fs.writeFileSync(input, text);
      const limits = { maxLine, maxSize: 2000 + pick(4000), maxFiles: 3 + pick(3) };
      const [perl, native] = KINDS.map((kind) => runShimOf(kind, `cat ${input}`, limits));
      const kept = (r: ReturnType<typeof runShimOf>) => ({ files: logFiles(r.logPath).length, records: show(r.records) });
      assert.ok(perl.records.length > 100, 'enough output to compare');
      assert.deepEqual(kept(native), kept(perl), `seed ${seed}`);
    }
  },
);

nodeTest(
  "asked by the runtime, the native shim starts a container in its pod's network namespace from a mount table without the node's namespace files, and the host keeps them; unasked, it leaves the table alone",
  { skip: (!NATIVE && 'the native shim is not built here (no C compiler: scripts/build.mjs)') || ((process.getuid?.() !== 0 || !fs.existsSync(IP) || !['mount', 'unshare'].every((t) => ['/usr/bin', '/bin'].some((d) => fs.existsSync(`${d}/${t}`))) || !shimEntersNetns()) && 'needs root, iproute2, mount(8), unshare(1) and setns(2) in the shim') },
  () => {
    // In a mount namespace of the test's own, with a /run of its own (where ip makes /run/netns a
    // shared mount): a shim whose unmount went back to its parent's table cannot touch the
    // machine's, and everything made here goes with the namespace.
    const dir = tempDir('shim-netns');
    const ns = `kjob-test-shim-${process.pid}`;
    const nsPath = path.join(NETNS_DIR, ns);
    const shimRun = (name: string, detachMounts: string | undefined) => {
      const logPath = path.join(dir, name, 'logs', '0.log');
      fs.mkdirSync(path.dirname(logPath), { recursive: true });
      const argv = ['/bin/sh', '-c', 'readlink /proc/self/ns/net; cat /proc/self/mountinfo'];
      const operands = shimOperands({ attemptDir: path.join(dir, name), logPath, note: path.join(dir, name, 'note'), argv, netns: nsPath, detachMounts });
      return { logPath, command: [NATIVE!, ...operands].map(shellQuote).join(' ') };
    };
    const asked = shimRun('asked', NETNS_DIR);
    const unasked = shimRun('unasked', undefined);
    const script = [
      'set -e',
      `mount -t tmpfs kjob-test ${path.dirname(NETNS_DIR)}`,
      `${IP} netns add ${ns}`,
      `grep -c " ${NETNS_DIR} .* shared:" /proc/self/mountinfo`,
      `${IP} netns exec ${ns} readlink /proc/self/ns/net`,
      asked.command,
      unasked.command,
      `grep -c " ${nsPath} " /proc/self/mountinfo`,
    ].join('\n');
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const [sharedAsIpMakesIt, podNetns, keptByHost] = r.stdout.trim().split('\n');
    assert.equal(sharedAsIpMakesIt, '1', `ip made ${NETNS_DIR} a shared mount`);
    const output = (logPath: string) => recordsOf(logPath).map((r) => r.content.toString()).join('');
    // The test's own namespace file: the machine's (other tests', the engines') are in the table
    // too, under the /run this namespace covered with its tmpfs, and no unmount here reaches them.
    const inNetnsDir = (mountinfo: string) => mountinfo.split('\n').filter((l) => l.split(' ')[4] === nsPath).length;
    const a = output(asked.logPath);
    const u = output(unasked.logPath);
    assert.equal(a.split('\n')[0], podNetns, "asked: in the pod's namespace");
    assert.equal(inNetnsDir(a), 0, 'asked: the container sees none of the namespace files');
    assert.equal(u.split('\n')[0], podNetns, "unasked: in the pod's namespace");
    assert.equal(inNetnsDir(u), 1, "unasked: the container's table has the namespace file");
    assert.equal(keptByHost, '1', 'the namespace file is still mounted where the shim was started from');
  },
);
