// The command server (src/cli/command_server.ts, bin/command-client.js): the real bin/kjob
// forwards a command line to its state directory's server, which prints and exits as the command
// would in a process of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { KJOB, ROOT, Sandbox, type Run } from './helpers.js';
import { ptyRun } from './pty.js';
import { processesOf } from '../../src/util/process.js';

const LOCAL = { KJOB_COMMAND_SERVER: '0' };
const { forwardable } = createRequire(import.meta.url)(KJOB) as { forwardable: (argv: string[], verb: string, env: NodeJS.ProcessEnv, terminal?: (fd: number) => boolean) => boolean };

const serverPids = (sb: Sandbox) => processesOf(sb.home, (argv) => argv.includes('__command-server'));

async function serverUp(sb: Sandbox): Promise<number> {
  await sb.until('the command server to listen', () => fs.existsSync(path.join(sb.home, 'command.sock')) && serverPids(sb).length === 1, 30_000, 50);
  return serverPids(sb)[0];
}

/** The pid in the klog line a deprecated bare --dry-run prints (in text): which process ran the command. */
function klogPid(text: string): number {
  const m = /W\d{4} [\d:.]+ +(\d+) helpers\.go:702\]/.exec(text);
  assert.ok(m, text);
  return Number(m[1]);
}
const ranIn = (r: Run) => klogPid(r.stderr);

test('the first command starts the command server, which runs the next ones as their own processes would: output, errors, exit codes, stdin', async () => {
  const served = new Sandbox();
  const local = new Sandbox(LOCAL);
  try {
    assert.equal(served.kjob(['get', 'ns', 'default', '-o', 'name']).stdout, 'namespace/default\n');
    const pid = await serverUp(served);
    assert.equal(ranIn(served.kjob(['create', 'configmap', 'probe', '--dry-run'])), pid);
    assert.notEqual(ranIn(served.kjob(['create', 'configmap', 'probe', '--dry-run'], { env: LOCAL })), pid);
    local.ok(['get', 'ns']);
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-stdin\ndata:\n  a: "1"\n';
    const steps: [string[], string?][] = [
      [['create', 'configmap', 'c1', '--from-literal=k=v']],
      [['create', 'configmap', 'c1', '--from-literal=k=v']], // AlreadyExists: exit 1
      [['apply', '-f', '-'], cm],
      [['apply', '-f', '-'], cm], // unchanged
      [['label', 'configmap', 'c1', 'team=a']],
      [['annotate', 'configmap', 'c1', 'note=x']],
      [['patch', 'configmap', 'c1', '-p', '{"data":{"k":"w"}}']],
      [['patch', 'configmap', 'c1', '--type=json', '-p', '[{"op":"test","path":"/data/k","value":"nope"}]']],
      [['get', 'configmap', 'c1', '-o', 'jsonpath={.data.k} {.metadata.labels.team}']],
      [['get', 'configmap', 'nope']],
      [['get', 'pods']], // nothing: "No resources found" on stderr
      [['get', '--bogus']],
      [['describe', 'configmap', 'c1']],
      [['logs', 'nosuch']],
      [['events']],
      [['apply', '-f', 'no-such-file.yaml']],
      [['delete', 'configmap', 'c1', 'from-stdin']],
      [['delete', 'configmap', 'c1']],
    ];
    for (const [args, input] of steps) {
      const a = served.kjob(args, { input });
      const b = local.kjob(args, { input });
      const strip = (r: Run) => ({ ...r, stdout: r.stdout.replace(/\d+s\b/g, 'AGE'), stderr: r.stderr });
      assert.deepEqual(strip(a), strip(b), args.join(' '));
    }
    // Every one of them ran in the server: still the one it was.
    assert.deepEqual(serverPids(served), [pid]);
    assert.equal(ranIn(served.kjob(['create', 'configmap', 'probe', '--dry-run'])), pid);
  } finally {
    served.cleanup();
    local.cleanup();
  }
});

test('a killed server: the next command runs in its own process and starts another; controller stop stops it, leaving nothing running', async () => {
  const sb = new Sandbox();
  try {
    sb.ok(['get', 'ns']);
    const first = await serverUp(sb);
    process.kill(first, 'SIGKILL');
    await sb.until('the killed server to be gone', () => !serverPids(sb).includes(first), 10_000, 20);
    const r = sb.kjob(['create', 'configmap', 'probe', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(ranIn(r), first);
    const second = await serverUp(sb);
    assert.notEqual(second, first);
    assert.equal(ranIn(sb.kjob(['create', 'configmap', 'probe', '--dry-run'])), second);
    sb.ok(['controller', 'stop']);
    assert.deepEqual(processesOf(sb.home), []);
    assert.equal(fs.existsSync(path.join(sb.home, 'command.sock')), false);
  } finally {
    sb.cleanup();
  }
});

test("a terminal's command runs in its own process: colour, spinners and prompts are the terminal's", async () => {
  const sb = new Sandbox();
  try {
    sb.ok(['get', 'ns']);
    const pid = await serverUp(sb);
    const r = ptyRun(sb, ['create', 'configmap', 'probe', '--dry-run']);
    assert.equal(r.code, 0, r.output);
    assert.notEqual(klogPid(r.output), pid);
  } finally {
    sb.cleanup();
  }
});

test('which command lines go to the server: verbs that end by themselves, without a path only the client can read', () => {
  const env = {};
  for (const [argv, want] of [
    [['get', 'pods'], true],
    [['-n', 'x', 'describe', 'job', 'pi'], true],
    [['apply', '-f', '-'], true],
    [['get', 'pods', '-w'], false],
    [['get', 'pods', '--watch-only'], false],
    [['events', '--watch'], false],
    [['logs', '-f', 'pi-x'], false],
    [['logs', 'pi-x', '--follow'], false],
    [['logs', 'pi-x', '--', '-f'], true],
    [['delete', '-i', 'job', 'pi'], false],
    [['apply', '-f', '/dev/stdin'], false],
    [['apply', '-f', '/dev/fd/63'], false],
    [['exec', 'pi-x', '--', 'true'], false],
    [['edit', 'job', 'pi'], false],
    [['wait', '--for=condition=complete', 'job/pi'], false],
    [['controller', 'stop'], false],
  ] as [string[], boolean][]) {
    const verb = argv.find((a, i) => !a.startsWith('-') && argv[i - 1] !== '-n') as string;
    assert.equal(forwardable(argv, verb, env, () => false), want, argv.join(' '));
  }
  assert.equal(forwardable(['get', 'pods'], 'get', { KJOB_COMMAND_SERVER: '0' }, () => false), false);
  for (const fd of [0, 1, 2]) assert.equal(forwardable(['get', 'pods'], 'get', env, (n) => n === fd), false, `a terminal on fd ${fd}`);
});

test('megabytes of output, a slow reader, and stdout that would block: the same bytes in the same order, the server still the one it was', async () => {
  const sb = new Sandbox();
  try {
    // 300 ConfigMaps of 10 kB: `get -o yaml` prints about 3 MB in thousands of lines.
    const items = Array.from({ length: 300 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${String(i).padStart(3, '0')}` }, data: { text: `${i} `.repeat(2500) } }));
    sb.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const pid = await serverUp(sb);
    // Sandbox.kjob's spawnSync keeps 1 MB of output.
    const big = (env: NodeJS.ProcessEnv) => {
      const r = spawnSync(process.execPath, [KJOB, 'get', 'cm', '-o', 'yaml'], { env: { ...sb.env, ...env }, cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
      return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
    };
    const served = big({});
    const local = big(LOCAL);
    assert.equal(served.code, 0, served.stderr);
    assert.ok(served.stdout.length > 3_000_000, String(served.stdout.length));
    assert.equal(served.stdout, local.stdout);
    // A reader that takes its time, and a stdout set non-blocking (as a node parent's pipe can
    // be): the client waits for it, in order.
    const reader = `
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen(sys.argv[1:], stdout=w, stdin=subprocess.DEVNULL)
os.close(w)
out = bytearray()
while True:
    b = os.read(r, 65536)
    if not b: break
    out += b
    time.sleep(0.002)
sys.stdout.buffer.write(out)
sys.exit(p.wait())
`;
    const slow = spawnSync('python3', ['-c', reader, process.execPath, KJOB, 'get', 'cm', '-o', 'yaml'], { env: sb.env, cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
    assert.equal(slow.status, 0, slow.stderr);
    assert.equal(slow.stderr, '');
    assert.equal(slow.stdout, local.stdout);
    assert.deepEqual(serverPids(sb), [pid]);
    assert.equal(ranIn(sb.kjob(['create', 'configmap', 'probe', '--dry-run'])), pid);
  } finally {
    sb.cleanup();
  }
});

test('a state directory whose socket path would be too long for a unix socket has no server, and commands run as without one', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-long-'));
  const deep = path.join(parent, 'd'.repeat(Math.max(1, 100 - parent.length)));
  fs.mkdirSync(deep);
  const sb = new Sandbox({}, { parent: deep });
  try {
    assert.ok(Buffer.byteLength(path.join(sb.home, 'command.sock')) > 99);
    assert.equal(sb.ok(['get', 'ns', 'default', '-o', 'name']), 'namespace/default\n');
    assert.equal(sb.ok(['get', 'ns', 'default', '-o', 'name']), 'namespace/default\n');
    assert.deepEqual(serverPids(sb), []);
    assert.deepEqual(fs.readdirSync(deep).filter((f) => f !== path.basename(sb.home)), []);
  } finally {
    sb.cleanup();
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
