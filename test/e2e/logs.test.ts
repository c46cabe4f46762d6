// Container logs end to end (issue 8): the shim's CRI files and their rotation, and `kjob logs`
// reading them with bounded memory: --tail, --timestamps, --since, --since-time, --limit-bytes,
// stderr, long lines, -f across rotations and over several containers, kubectl's flag errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { KJOB, ROOT, Sandbox } from './helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const MiB = 1024 * 1024;
const TIME_BIN = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function job(name: string, containers: Record<string, string>): string {
  const cs = Object.entries(containers)
    .map(([c, cmd]) => `      - name: ${c}\n        image: busybox\n        command: ["sh", "-c", ${JSON.stringify(cmd)}]\n`)
    .join('');
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
${cs}`;
}

function apply(manifest: string): void {
  const r = sb.kjob(['apply', '-f', '-'], { input: manifest });
  assert.equal(r.code, 0, r.stderr);
}

function podOf(jobName: string): { name: string; uid: string; phase: string } {
  const items = JSON.parse(sb.kjob(['get', 'pods', '-l', `job-name=${jobName}`, '-o', 'json']).stdout).items;
  const p = items[0];
  return p ? { name: p.metadata.name, uid: p.metadata.uid, phase: p.status?.phase } : { name: '', uid: '', phase: '' };
}

async function completed(jobName: string, timeoutMs = 90_000): Promise<{ name: string; uid: string }> {
  await sb.until(`${jobName} Complete`, () => new RegExp(`^${jobName} +Complete`, 'm').test(sb.kjob(['get', 'jobs']).stdout), timeoutMs, 300);
  return podOf(jobName);
}

async function running(jobName: string): Promise<{ name: string; uid: string }> {
  await sb.until(`${jobName} running`, () => podOf(jobName).phase === 'Running', 60_000, 100);
  return podOf(jobName);
}

function logDir(pod: { name: string; uid: string }, container: string): string {
  return path.join(sb.home, 'logs', `default_${pod.name}_${pod.uid}`, container);
}

/** kjob logs under /usr/bin/time with a 64 MB V8 heap: output, exit code and max RSS (KB). */
function kjobMeasured(args: string[]): { stdout: Buffer; stderr: string; code: number; maxRssKB?: number } {
  const node = [process.execPath, '--max-old-space-size=64', KJOB, ...args];
  const [cmd, argv] = TIME_BIN ? [TIME_BIN, ['-f', 'maxrss=%M', ...node]] : [node[0], node.slice(1)];
  const r = spawnSync(cmd, argv, { env: sb.env, cwd: ROOT, maxBuffer: 256 * MiB, timeout: 120_000 });
  const stderr = r.stderr.toString();
  const m = /maxrss=(\d+)\s*$/.exec(stderr);
  return { stdout: r.stdout, stderr: stderr.replace(/maxrss=\d+\s*$/, ''), code: r.status ?? -1, maxRssKB: m ? Number(m[1]) : undefined };
}

const TS = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z';

test('a container that writes 50 MiB: its log rotates at 10 MiB into at most 5 files, and kjob logs reads it with bounded memory', async () => {
  apply(job('big', { c: "echo first; echo oops >&2; head -c 52428800 /dev/zero | tr '\\0' 'x' | fold -w 100; echo; echo last" }));
  const pod = await completed('big');
  const dir = logDir(pod, 'c');
  const files = fs.readdirSync(dir);
  assert.ok(files.length >= 2 && files.length <= 5, files.join(' '));
  assert.ok(files.includes('0.log'));
  for (const f of files.filter((f) => f !== '0.log')) assert.match(f, /^0\.log\.\d{8}-\d{6}$/);
  for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size <= 10 * MiB, `${f}: ${fs.statSync(path.join(dir, f)).size} bytes`);
  assert.match(fs.readFileSync(path.join(dir, '0.log'), 'utf8'), new RegExp(`^${TS} stdout F x{100}\\n`));

  const tail = kjobMeasured(['logs', pod.name, '--tail=1']);
  assert.equal(tail.code, 0, tail.stderr);
  assert.equal(tail.stdout.toString(), 'last\n');
  if (tail.maxRssKB !== undefined) assert.ok(tail.maxRssKB < 100 * 1024, `--tail=1 used ${tail.maxRssKB} KB`);

  // The whole log: what the kept files hold (the first lines were rotated away), in bounded memory.
  const all = kjobMeasured(['logs', pod.name]);
  assert.equal(all.code, 0, all.stderr);
  if (all.maxRssKB !== undefined) assert.ok(all.maxRssKB < 100 * 1024, `the whole log used ${all.maxRssKB} KB`);
  const text = all.stdout.toString('latin1');
  assert.ok(text.length > 25 * MiB, `${text.length} bytes`);
  assert.equal(text.length % 101, 5);
  assert.ok(text.endsWith('x'.repeat(100) + '\nlast\n'));
  assert.match(text.slice(0, 202), /^x{100}\nx{100}\n$/);

  const ts = sb.kjob(['logs', pod.name, '--tail=2', '--timestamps']).stdout;
  assert.match(ts, new RegExp(`^${TS} x{100}\\n${TS} last\\n$`));
  assert.equal(sb.kjob(['logs', pod.name, '--limit-bytes=10']).stdout, 'x'.repeat(10));
  assert.equal(sb.kjob(['logs', pod.name, '--tail=3', '--limit-bytes=105']).stdout, 'x'.repeat(100) + '\nxxxx');
});

test('stdout and stderr, a line longer than 16 KiB, --timestamps, --since-time, --since', async () => {
  apply(job('mixed', { c: "echo out1; echo err1 >&2; sleep 1.2; printf '%20000s\\n' | tr ' ' y; echo out2 >&2" }));
  const pod = await completed('mixed');
  const long = 'y'.repeat(20000);
  assert.equal(sb.kjob(['logs', pod.name]).stdout, `out1\nerr1\n${long}\nout2\n`);
  const file = fs.readFileSync(path.join(logDir(pod, 'c'), '0.log'), 'utf8');
  assert.match(file, new RegExp(`^${TS} stdout F out1\\n${TS} stderr F err1\\n${TS} stdout P y{16384}\\n${TS} stdout F y{3616}\\n${TS} stderr F out2\\n$`));

  const stamped = sb.kjob(['logs', pod.name, '--timestamps']).stdout.split('\n');
  assert.equal(stamped.length, 5);
  const [t1, t2, t3, t4] = stamped.map((l) => l.slice(0, 30));
  assert.deepEqual(stamped.map((l) => l.slice(31)), ['out1', 'err1', long, 'out2', '']);
  for (const t of [t1, t2, t3, t4]) assert.match(t, new RegExp(`^${TS}$`));

  // sinceTime goes to the kubelet in whole seconds: from the long line's second on.
  const second = t3.slice(0, 19) + 'Z';
  assert.equal(sb.kjob(['logs', pod.name, `--since-time=${second}`]).stdout, `${long}\nout2\n`);
  assert.equal(sb.kjob(['logs', pod.name, '--since-time', second.replace('Z', '+00:00'), '--tail=1']).stdout, 'out2\n');
  assert.equal(sb.kjob(['logs', pod.name, '--since=1h']).stdout, `out1\nerr1\n${long}\nout2\n`);
  assert.equal(sb.kjob(['logs', pod.name, '--since=1h', '--limit-bytes=7', '--prefix']).stdout, `[pod/${pod.name}/c] out1\n[pod/${pod.name}/c] er`);
});

test('--since counts back from now', async () => {
  apply(job('slow', { c: 'echo old; sleep 10; echo new; sleep 60' }));
  const pod = await running('slow');
  await sb.until('"new" logged', () => sb.kjob(['logs', pod.name]).stdout === 'old\nnew\n', 60_000, 200).catch((e) => {
    // Say what the log and the pod held (the container was once killed by another test's clean-up,
    // which took it for one of its own: util/process.ts processesOf).
    const logs = sb.kjob(['logs', pod.name, '--timestamps']);
    const state = JSON.parse(sb.kjob(['get', 'pod', pod.name, '-o', 'json']).stdout || '{}').status;
    throw new Error(`${e.message}; logs: ${JSON.stringify(logs.stdout)} ${JSON.stringify(logs.stderr)}; pod status: ${JSON.stringify(state)}; now ${new Date().toISOString()}`);
  });
  // A window that starts halfway between "old" and "new": it holds "new" and not "old" as long as
  // the kjob below starts within 5 s (half the gap), however slow this machine is at the moment.
  const [tOld, tNew] = sb.kjob(['logs', pod.name, '--timestamps']).stdout.trim().split('\n').map((l) => Date.parse(l.slice(0, 30)));
  const since = Math.ceil((Date.now() - (tOld + tNew) / 2) / 1000);
  assert.ok(tNew - tOld >= 9_000, `"new" came ${tNew - tOld} ms after "old"`);
  assert.equal(sb.kjob(['logs', pod.name, `--since=${since}s`]).stdout, 'new\n');
  assert.equal(sb.kjob(['logs', pod.name, '--since=1m']).stdout, 'old\nnew\n');
  assert.equal(sb.kjob(['delete', 'job', 'slow']).code, 0);
});

test("flag values refused as kubectl refuses them", async () => {
  const pod = podOf('mixed').name;
  const err = (args: string[]) => {
    const r = sb.kjob(['logs', pod, ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stdout, '');
    return r.stderr;
  };
  const usage = "\nSee 'kjob logs --help' for usage.\n";
  assert.equal(err(['--since=1s', '--since-time=2026-01-01T00:00:00Z']), 'error: at most one of `sinceTime` or `sinceSeconds` may be specified\n');
  assert.equal(err(['--since=x']), `Error: invalid argument "x" for "--since" flag: time: invalid duration "x"${usage}`);
  assert.equal(err(['--since=5']), `Error: invalid argument "5" for "--since" flag: time: missing unit in duration "5"${usage}`);
  assert.equal(err(['--since=-1s']), 'error: --since must be greater than 0\n');
  assert.equal(err(['--since=400ms']), `The PodLogOptions "${pod}" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0\n`);
  assert.equal(err(['--since-time=yesterday']), 'error: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"\n');
  assert.equal(err(['--since-time=2026-02-30T00:00:00Z']), 'error: parsing time "2026-02-30T00:00:00Z": day out of range\n');
  assert.equal(err(['--limit-bytes=x']), `Error: invalid argument "x" for "--limit-bytes" flag: strconv.ParseInt: parsing "x": invalid syntax${usage}`);
  assert.equal(err(['--limit-bytes=-1']), 'error: --limit-bytes must be greater than 0\n');
  assert.equal(err(['--tail=-2']), 'error: --tail must be greater than or equal to -1\n');
  // A bad --since-time is refused before the pod is looked up; the checks after it, after.
  assert.equal(sb.kjob(['logs', 'nope', '--since-time=x']).stderr, 'error: parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"\n');
  assert.equal(sb.kjob(['logs', 'nope', '--tail=-2']).stderr, 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n');
  // --limit-bytes=0 and --since=0 mean "not set", as in kubectl.
  assert.equal(sb.kjob(['logs', pod, '--limit-bytes=0', '--since=0', '--tail=0x1']).stdout, 'out2\n');
});

test('-f follows a running container across log rotations, byte for byte', async () => {
  // Each begins with a sleep: a container that ends within a second can go from Pending to
  // Succeeded between two reads, and the test must see it running.
  apply(job('stream', { c: "sleep 2; for i in 1 2 3; do echo tick $i; sleep 0.3; done; head -c 20971520 /dev/zero | tr '\\0' y | fold -w 100; echo; echo done" }));
  const pod = await running('stream');
  const f = sb.spawn(['logs', '-f', pod.name]);
  const code = await new Promise<number | null>((resolve) => f.child.on('exit', resolve));
  assert.equal(code, 0);
  const expected = 'tick 1\ntick 2\ntick 3\n' + ('y'.repeat(100) + '\n').repeat(209715) + 'y'.repeat(20) + '\ndone\n';
  const out = f.output();
  assert.equal(out.length, expected.length);
  assert.equal(createHash('sha1').update(out).digest('hex'), createHash('sha1').update(expected).digest('hex'));
  assert.ok(fs.readdirSync(logDir(pod, 'c')).length >= 3, 'the log was rotated while it was followed');
});

test('-f over all containers: whole lines with their prefix; --max-log-requests; -f --tail on a finished pod', async () => {
  apply(job('pair', { a: 'sleep 2; for i in 1 2 3; do echo a$i; sleep 0.3; done', b: 'sleep 2; for i in 1 2; do echo b$i; sleep 0.4; done' }));
  const pod = await running('pair');
  const tooMany = sb.kjob(['logs', '-f', pod.name, '--all-containers', '--max-log-requests=1']);
  assert.equal(tooMany.stderr, 'error: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit\n');
  const f = sb.spawn(['logs', '-f', pod.name, '--all-containers', '--prefix']);
  assert.equal(await new Promise((resolve) => f.child.on('exit', resolve)), 0);
  const lines = f.output().split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.sort(), ['a1', 'a2', 'a3', 'b1', 'b2'].map((l) => `[pod/${pod.name}/${l[0]}] ${l}`));
  await completed('pair');
  assert.equal(sb.kjob(['logs', '-f', pod.name, '-c', 'a', '--tail=1']).stdout, 'a3\n');
  assert.equal(sb.kjob(['logs', pod.name, '--all-containers', '--tail=1']).stdout, 'a3\nb2\n');
});

test('a container whose leftover process keeps its stdout open: the exit is recorded at once, the leftover dies with the container', async () => {
  // As in a container: when PID 1 ends, the rest of the pod's processes end with it (the PID
  // namespace, or the cgroup without bubblewrap), so the leftover never writes "late".
  apply(job('leftover', { c: '(sleep 60.123; echo late) & echo now' }));
  await sb.until('leftover Succeeded', () => podOf('leftover').phase === 'Succeeded', 7_000, 100);
  const pod = podOf('leftover');
  await sb.until('the leftover sleep gone', () => spawnSync('pgrep', ['-f', 'sleep 60.123']).status === 1, 5_000, 100);
  assert.equal(sb.kjob(['logs', pod.name]).stdout, 'now\n');
});
