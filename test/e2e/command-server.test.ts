// The command server (src/cli/command_server.ts, bin/command-client.js): the real bin/kjob
// forwards a command line to its state directory's server, which prints and exits as the command
// would in a process of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { KJOB, ROOT, Sandbox, type Run } from './helpers.js';
import { ptyRun } from './pty.js';
import { processesOf } from '../../src/util/process.js';
import { commandServerProcesses, commandSocketPath } from '../../src/cli/command_server.js';

const LOCAL = { KJOB_COMMAND_SERVER: '0' };
/** The native client (src/cli/command_client.c), where the build made it. */
const NATIVE_CLIENT = path.join(ROOT, 'dist/kjob-client');
const noNativeClient = !fs.existsSync(NATIVE_CLIENT) && 'no native client built (no C compiler)';

const { forwardable, verbOf } = createRequire(import.meta.url)(KJOB) as {
  forwardable: (argv: string[], verb: string, env: NodeJS.ProcessEnv, terminal?: (fd: number) => boolean) => boolean;
  verbOf: (argv: string[]) => string;
};
const { frameParser } = createRequire(import.meta.url)(path.join(path.dirname(KJOB), 'command-client.js')) as {
  frameParser: (onFrame: (type: string, payload: Buffer) => void, write: (fd: number, b: Buffer) => void) => (chunk: Buffer) => void;
};
const frameOf = (type: string, payload: string) => {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
};

const serverPids = (sb: Sandbox) => commandServerProcesses(sb.home).map((p) => p.pid);

/** The command server's pid, once it listens: its socket there, and not the one a killed server left (its inode). */
async function serverUp(sb: Sandbox, leftBehind?: number): Promise<number> {
  const listening = () => fs.statSync(path.join(sb.home, 'command.sock'), { throwIfNoEntry: false })?.ino;
  await sb.until('the command server to listen', () => ![undefined, leftBehind].includes(listening()) && serverPids(sb).length === 1, 30_000, 50);
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
      [['replace', '-f', '-'], cm],
      [['replace', '--force', '-f', '-'], cm],
      [['label', 'configmap', 'c1', 'team=a']],
      [['annotate', 'configmap', 'c1', 'note=x']],
      [['patch', 'configmap', 'c1', '-p', '{"data":{"k":"w"}}']],
      [['patch', 'configmap', 'c1', '--type=json', '-p', '[{"op":"test","path":"/data/k","value":"nope"}]']],
      [['get', 'configmap', 'c1', '-o', 'jsonpath={.data.k} {.metadata.labels.team}']],
      [['wait', '--for=jsonpath={.data.k}=w', 'configmap/c1', '--timeout=10s']],
      [['wait', '--for=jsonpath={.data.k}=v', 'configmap/c1', '--timeout=0']], // not met: exit 1
      [['get', 'configmap', 'nope']],
      [['get', 'pods']], // nothing: "No resources found" on stderr
      [['get', '--bogus']],
      [['describe', 'configmap', 'c1']],
      [['logs', 'nosuch']],
      [['events']],
      [['version']],
      [['api-versions']],
      [['api-resources']],
      [['explain', 'job.spec.completions']],
      [['explain', 'job.spec.nope']],
      [['create', 'deployment', 'd', '--image=busybox', '--replicas=0', '--', 'true']],
      // (its revisions depend on how far the controller got: not compared)
      [['rollout', 'history', 'deployment/nope']],
      [['rollout', 'restart', 'deployment/d']],
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
    const itsSocket = fs.statSync(path.join(sb.home, 'command.sock')).ino;
    process.kill(first, 'SIGKILL');
    await sb.until('the killed server to be gone', () => !serverPids(sb).includes(first), 10_000, 20);
    const r = sb.kjob(['create', 'configmap', 'probe', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(ranIn(r), first);
    const second = await serverUp(sb, itsSocket);
    assert.notEqual(second, first);
    assert.equal(ranIn(sb.kjob(['create', 'configmap', 'probe', '--dry-run'])), second);
    sb.ok(['controller', 'stop']);
    assert.deepEqual(processesOf(sb.home), []);
    assert.equal(fs.existsSync(path.join(sb.home, 'command.sock')), false);
  } finally {
    sb.cleanup();
  }
});

test('controller stop right after a command started a server that does not listen yet: the stop waits for it and asks it once it listens, nothing is left running', async () => {
  const sb = new Sandbox();
  let server: ReturnType<typeof spawn> | undefined;
  let stop: ReturnType<typeof spawn> | undefined;
  try {
    sb.ok(['get', 'ns']);
    await serverUp(sb);
    sb.ok(['controller', 'stop']);
    // A server as a client starts one (bin/command-client.js), held before it can listen: the
    // stop that comes meanwhile finds no socket of it.
    server = spawn(process.execPath, [KJOB, '--home', sb.home, '__command-server', '2'], { env: sb.env, cwd: '/', stdio: 'ignore' });
    process.kill(server.pid!, 'SIGSTOP');
    stop = spawn(KJOB, ['controller', 'stop'], { env: sb.env, cwd: ROOT, stdio: 'ignore' });
    let exitCode: number | null | undefined;
    const stopped = new Promise((resolve) => stop!.once('exit', (code) => resolve((exitCode = code))));
    // The stop, which looks for sockets within a few hundred ms, waits for the held server.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(exitCode, undefined, 'the stop returned while a server it could not ask yet was starting');
    process.kill(server.pid!, 'SIGCONT');
    assert.equal(await stopped, 0);
    assert.deepEqual(processesOf(sb.home), []);
    assert.deepEqual(commandSockets(sb), []);
  } finally {
    server?.kill('SIGKILL');
    stop?.kill('SIGKILL');
    sb.cleanup();
  }
});

/** The pid of home's command server in slot, if one runs. */
const serverInSlot = (sb: Sandbox, slot: number) => commandServerProcesses(sb.home).find((p) => p.slot === slot)?.pid;
/**
 * What the server at sockPath says to a command it cannot take, asked without giving it one: a
 * request with another environment is refused as `busy` by a busy server, as `stopping` by a
 * stopping one, as `another environment` by a free one, and changes nothing either way.
 */
function refusalOf(sockPath: string): string {
  const sha = fs.readFileSync(path.join(ROOT, 'dist/bundle/current'), 'utf8').trim();
  const request = frameOf('Q', JSON.stringify({ sha, argv: [], env: {}, cwd: '/', umask: 0, traits: '' }));
  const asker = `const s = require('node:net').connect(process.argv[1], () => s.end(Buffer.from(process.argv[2], 'base64'))); s.on('data', (d) => process.stdout.write(d)); s.on('error', () => {})`;
  const r = spawnSync(process.execPath, ['-e', asker, sockPath, request.toString('base64')], { timeout: 10_000 });
  return r.stdout.subarray(5).toString();
}
const commandSockets = (sb: Sandbox) => fs.readdirSync(sb.home).filter((n) => /^command.*\.sock$/.test(n)).sort();

for (const client of ['native', 'node'] as const) {
  const skip = client === 'native' && noNativeClient;
  /** bin/kjob as a user runs it (its native client first), or node's client (`node bin/kjob`). */
  const kjobBy = (sb: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}): Run => {
    if (client === 'native') return sb.kjob(args, { env });
    const r = spawnSync(process.execPath, [KJOB, ...args], { env: { ...sb.env, ...env }, cwd: ROOT, input: '', encoding: 'utf8', timeout: 120_000 });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
  };
  const dryRun = ['create', 'configmap', 'probe', '--dry-run'];

  test(`commands run in parallel (${client} client): a busy server's command goes to the next of a pool of four, started as needed; past four, to its own process; controller stop stops them all`, { skip }, async () => {
    const sb = new Sandbox();
    const holders: { child: ReturnType<typeof spawn>; out: () => string }[] = [];
    try {
      sb.ok(['get', 'ns']);
      const pool = [await serverUp(sb)];
      for (let slot = 0; slot < 4; slot++) {
        // A command that holds a server: apply -f - waits for the rest of its stdin.
        const child = client === 'native' ? spawn(KJOB, ['apply', '-f', '-'], { env: sb.env, cwd: ROOT }) : spawn(process.execPath, [KJOB, 'apply', '-f', '-'], { env: sb.env, cwd: ROOT });
        let out = '';
        child.stdout!.on('data', (d) => (out += d));
        child.stderr!.on('data', (d) => (out += d));
        holders.push({ child, out: () => out });
        await sb.until(`server ${slot} to be held`, () => refusalOf(commandSocketPath(sb.home, slot)) === 'busy', 30_000, 20);
        // The next command finds every server busy: it runs in its own process, and starts the
        // next server of the pool, which takes the command after it.
        assert.ok(!serverPids(sb).includes(ranIn(kjobBy(sb, dryRun))));
        if (slot < 3) {
          await sb.until(`server ${slot + 1} to listen`, () => serverInSlot(sb, slot + 1) !== undefined && commandSockets(sb).includes(`command-${slot + 1}.sock`), 30_000, 20);
          pool.push(serverInSlot(sb, slot + 1)!);
          assert.equal(ranIn(kjobBy(sb, dryRun)), pool[slot + 1]);
        }
      }
      // All four held: the last command ran in its own process and started no fifth.
      assert.equal(pool.length, 4);
      assert.deepEqual(serverPids(sb).sort(), [...pool].sort());
      assert.deepEqual(commandSockets(sb), ['command-1.sock', 'command-2.sock', 'command-3.sock', 'command.sock']);
      // Each held command ends as it would have alone.
      const ends = holders.map(({ child }, i) => {
        child.stdin!.end(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held-${i}\n`);
        return new Promise<number | null>((resolve) => child.once('exit', resolve));
      });
      assert.deepEqual(await Promise.all(ends), [0, 0, 0, 0]);
      assert.deepEqual(holders.map(({ out }) => out()).sort(), [0, 1, 2, 3].map((i) => `configmap/held-${i} created\n`));
      assert.deepEqual(serverPids(sb).sort(), [...pool].sort());
      sb.ok(['controller', 'stop']);
      assert.deepEqual(processesOf(sb.home), []);
      assert.deepEqual(commandSockets(sb), []);
    } finally {
      for (const { child } of holders) child.kill('SIGKILL');
      sb.cleanup();
    }
  });

  test(`controller stop while a server runs a command (${client} client): the stop does not wait for it, a command meanwhile runs in its own process and starts no server, the server leaves with its command`, { skip }, async () => {
    const sb = new Sandbox();
    let holder: ReturnType<typeof spawn> | undefined;
    let stop: ReturnType<typeof spawn> | undefined;
    try {
      sb.ok(['get', 'ns']);
      const first = await serverUp(sb);
      holder = spawn(KJOB, ['apply', '-f', '-'], { env: sb.env, cwd: ROOT });
      await sb.until('the server to be held', () => refusalOf(commandSocketPath(sb.home)) === 'busy', 30_000, 20);
      stop = spawn(KJOB, ['controller', 'stop'], { env: sb.env, cwd: ROOT, stdio: 'ignore' });
      const stopped = new Promise((resolve) => stop!.once('exit', resolve));
      // The server refuses as it stops once it has the stop (its connection stays open).
      await sb.until('the server to be stopping', () => refusalOf(commandSocketPath(sb.home)) === 'stopping', 30_000, 20);
      const r = kjobBy(sb, dryRun);
      assert.equal(r.code, 0, r.stderr);
      assert.notEqual(ranIn(r), first);
      assert.deepEqual(serverPids(sb), [first]);
      // The stop does not wait for the held command (a served wait may take minutes): it ends
      // while the server still holds it, and the server leaves with the command's end.
      await stopped;
      assert.deepEqual(serverPids(sb), [first]);
      const held = new Promise<number | null>((resolve) => holder!.once('exit', resolve));
      holder.stdin!.end('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n');
      assert.equal(await held, 0);
      await sb.until('the server to leave with its command', () => processesOf(sb.home).length === 0 && commandSockets(sb).length === 0, 30_000, 20);
    } finally {
      holder?.kill('SIGKILL');
      stop?.kill('SIGKILL');
      sb.cleanup();
    }
  });

  test(`a command with another environment than the first server's (${client} client) is served by another of the pool`, { skip }, async () => {
    const sb = new Sandbox();
    try {
      sb.ok(['get', 'ns']);
      const first = await serverUp(sb);
      const other = { KJOB_E2E_OTHER_SHELL: '1' };
      assert.notEqual(ranIn(kjobBy(sb, dryRun, other)), first);
      await sb.until('a second server to listen', () => serverInSlot(sb, 1) !== undefined && commandSockets(sb).includes('command-1.sock'), 30_000, 20);
      const second = serverInSlot(sb, 1)!;
      assert.equal(ranIn(kjobBy(sb, dryRun, other)), second);
      assert.equal(ranIn(kjobBy(sb, dryRun)), first);
    } finally {
      sb.cleanup();
    }
  });
}

test("a terminal's command: the native client sends it to the server, which gives it the terminal's Warning: colour; node's client runs it in its own process", async () => {
  const sb = new Sandbox();
  try {
    sb.ok(['get', 'ns']);
    const pid = await serverUp(sb);
    const r = ptyRun(sb, ['create', 'configmap', 'probe', '--dry-run']);
    assert.equal(r.code, 0, r.output);
    if (noNativeClient) assert.notEqual(klogPid(r.output), pid);
    else assert.equal(klogPid(r.output), pid);
    // A warning (an unknown field, --validate=warn) on the terminal, coloured as in the command's own process.
    const manifest = path.join(sb.home, 'unknown-field.yaml');
    fs.writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w1\n  bogus: 1\n');
    const args = ['apply', '-f', manifest, '--validate=warn', '--dry-run=server'];
    const served = ptyRun(sb, args);
    assert.match(served.output, /^\x1b\[33;1mWarning:\x1b\[0m unknown field "metadata.bogus"\r\nconfigmap\/w1 created \(server dry run\)\r\n$/);
    assert.deepEqual(served, ptyRun(sb, args, LOCAL));
    assert.deepEqual(serverPids(sb), [pid]);
    // node's client (bin/kjob run by node: no shell part, no native client) keeps it here.
    const byNode = spawnSync('script', ['-qfec', `${process.execPath} ${KJOB} create configmap probe --dry-run`, '/dev/null'], { env: sb.env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.notEqual(klogPid(byNode.stdout), pid);
  } finally {
    sb.cleanup();
  }
});

/** The native client's verdict on argv and env (KJOB_NATIVE_CLIENT=decide), with pipes on stdin, stdout and stderr. */
function nativeForwards(argv: string[], env: NodeJS.ProcessEnv): boolean {
  const r = spawnSync(NATIVE_CLIENT, argv, { env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...env, KJOB_NATIVE_CLIENT: 'decide' }, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, r.stderr);
  return ({ server: true, here: false } as Record<string, boolean>)[r.stdout.trim()];
}

/** Command lines and environments, and whether they go to the server. */
const FORWARDING_CASES: [string[], NodeJS.ProcessEnv, boolean][] = [
  ...(
    [
      [['get', 'pods'], true],
      [['-n', 'x', 'describe', 'job', 'pi'], true],
      [['--home', '/tmp/h', 'get', 'cm'], true],
      [['apply', '-f', '-'], true],
      [['get', 'pods', '-w'], false],
      [['get', 'pods', '-ow'], false], // -[a-zA-Z]*w: a w among short flags, as kjob's parser may read it
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
      [['wait', '--for=condition=complete', 'job/pi'], true],
      [['rollout', 'status', 'deployment/d'], false], // without end by default, as a watch
      [['rollout', 'history', 'deployment/d'], true],
      [['rollout', 'restart', 'deployment/d'], true],
      [['replace', '--force', '-f', 'job.yaml'], true],
      [['version'], true],
      [['api-resources'], true],
      [['api-versions'], true],
      [['explain', 'job.spec'], true],
      [['run', 'x', '--image=busybox'], false],
      [['tree', 'job', 'pi'], false],
      [['timeline', 'job', 'pi'], false],
      [['controller', 'stop'], false],
      [['--', 'get', 'pods'], false],
    ] as [string[], boolean][]
  ).map(([argv, want]): [string[], NodeJS.ProcessEnv, boolean] => [argv, {}, want]),
  [['get', 'pods'], { KJOB_COMMAND_SERVER: '0' }, false],
  [['get', 'pods'], { KJOB_NO_BUNDLE: '1' }, false],
  // Paths only the client can read, in the environment kjob reads; warnings node prints once a process.
  [['get', 'pods'], { KUBECONFIG: '/dev/fd/63' }, false],
  [['get', 'pods'], { KJOB_HOME: '/proc/self/cwd/h' }, false],
  [['get', 'pods'], { NODE_TLS_REJECT_UNAUTHORIZED: '0' }, false],
  [['get', 'pods'], { NODE_PENDING_DEPRECATION: '1' }, false],
  [['get', 'pods'], { KUBECONFIG: '/home/me/.kube/config', SSH_TTY: '/dev/pts/0' }, true],
];

test('which command lines go to the server: verbs that end by themselves, without a path only the client can read', () => {
  for (const [argv, env, want] of FORWARDING_CASES) assert.equal(forwardable(argv, verbOf(argv), env, () => false), want, `${argv.join(' ')} ${JSON.stringify(env)}`);
  for (const fd of [0, 1, 2]) assert.equal(forwardable(['get', 'pods'], 'get', {}, (n) => n === fd), false, `a terminal on fd ${fd}`);
});

test("the native client's pool has node's client's size", { skip: noNativeClient }, () => {
  const { COMMAND_SERVERS } = createRequire(import.meta.url)(path.join(path.dirname(KJOB), 'command-client.js')) as { COMMAND_SERVERS: number };
  const native = /#define COMMAND_SERVERS (\d+)/.exec(fs.readFileSync(path.join(ROOT, 'src/cli/command_client.c'), 'utf8'));
  assert.equal(Number(native?.[1]), COMMAND_SERVERS);
});

test('the native client decides as bin/kjob does, for the same command lines and environments', { skip: noNativeClient }, () => {
  for (const [argv, env, want] of FORWARDING_CASES) assert.equal(nativeForwards(argv, env), want, `${argv.join(' ')} ${JSON.stringify(env)}`);
  // Unlike forwardable(), a terminal's command too (a pty through `script`), but for those that
  // may show progress, which needs the terminal itself.
  for (const [verb, want] of [['get pods', 'server'], ['apply -f job.yaml', 'server'], ['rollout status deployment/d', 'here'], ['logs pi-x', 'here'], ['wait --for=condition=complete job/pi', 'here'], ['apply -f job.yaml --wait', 'here'], ['delete job pi --wait=false', 'here'], ['get pods -- --wait', 'server']]) {
    const onPty = spawnSync('script', ['-qfec', `KJOB_NATIVE_CLIENT=decide ${NATIVE_CLIENT} ${verb}`, '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    assert.equal(onPty.stdout.trim(), want, `${verb}: ${onPty.stdout}${onPty.stderr}`);
  }
  const devNull = fs.openSync('/dev/null', 'r+');
  try {
    const r = spawnSync(NATIVE_CLIENT, ['get', 'pods'], { env: { ...process.env, KJOB_COMMAND_SERVER: '1', KJOB_NATIVE_CLIENT: 'decide' }, encoding: 'utf8', stdio: [devNull, 'pipe', 'pipe'] });
    assert.equal(r.stdout.trim(), 'server');
  } finally {
    fs.closeSync(devNull);
  }
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
    // be): the client waits for it, in order. The command gets the sandbox's environment as it
    // is (a pyenv shim's python adds its own), so that the first server serves it.
    const reader = `
import fcntl, json, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen(sys.argv[2:], stdout=w, stdin=subprocess.DEVNULL, env=json.loads(sys.argv[1]))
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
    const slow = spawnSync('python3', ['-c', reader, JSON.stringify(sb.env), process.execPath, KJOB, 'get', 'cm', '-o', 'yaml'], { env: sb.env, cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
    assert.equal(slow.status, 0, slow.stderr);
    assert.equal(slow.stderr, '');
    assert.equal(slow.stdout, local.stdout);
    // Each ran in the first server: a command it refused would have started a second.
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

test("the client reads the server's frames however the bytes arrive: output as it comes, the others whole", () => {
  const stream = Buffer.concat([frameOf('A', ''), frameOf('O', 'hello\n'), frameOf('E', 'oops\n'), frameOf('O', 'x'.repeat(70_000)), frameOf('X', '3')]);
  for (const size of [1, 2, 3, 5, 7, 4096, 65536, stream.length]) {
    const out: Record<number, string> = { 1: '', 2: '' };
    const frames: string[] = [];
    const push = frameParser((t, p) => frames.push(`${t}${p.toString()}`), (fd, b) => (out[fd] += b.toString()));
    for (let i = 0; i < stream.length; i += size) push(stream.subarray(i, i + size));
    assert.deepEqual(frames, ['A', 'X3'], `chunks of ${size}`);
    assert.equal(out[1], `hello\n${'x'.repeat(70_000)}`, `chunks of ${size}`);
    assert.equal(out[2], 'oops\n', `chunks of ${size}`);
  }
});

test('a client in a removed directory, writing to a full device, or reading a directory as stdin: as in its own process', async () => {
  const sb = new Sandbox();
  try {
    sb.ok(['get', 'ns']);
    const pid = await serverUp(sb);
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-gone-'));
    const inGone = spawnSync('bash', ['-c', 'cd "$2" && rmdir "$2" && exec "$0" "$1" get ns default -o name', process.execPath, KJOB, gone], { env: sb.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.deepEqual([inGone.status, inGone.stdout, inGone.stderr], [0, 'namespace/default\n', '']);
    for (const env of [{}, LOCAL]) {
      const full = fs.openSync('/dev/full', 'w');
      const r = spawnSync(process.execPath, [KJOB, 'create', 'configmap', 'probe', '--dry-run'], { env: { ...sb.env, ...env }, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      fs.closeSync(full);
      assert.equal(r.status, 0, r.stderr);
      // Its only output, stderr's klog line, says where it ran.
      if (env === LOCAL) assert.notEqual(klogPid(r.stderr), pid);
      else assert.equal(klogPid(r.stderr), pid);
    }
    for (const env of [{}, LOCAL]) {
      const dir = fs.openSync(os.tmpdir(), 'r');
      const r = spawnSync(process.execPath, [KJOB, 'apply', '-f', '-'], { env: { ...sb.env, ...env }, stdio: [dir, 'pipe', 'pipe'], encoding: 'utf8' });
      fs.closeSync(dir);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^kjob: this is a bug, please report it: Error: EISDIR/);
    }
  } finally {
    sb.cleanup();
  }
});

test("a socket its user does not own gets nothing of a command: it runs in its own process", { skip: process.getuid?.() !== 0 && 'needs root (to give the socket to another user)' }, async () => {
  const sb = new Sandbox();
  const planted = net.createServer();
  let connections = 0;
  planted.on('connection', (c) => {
    connections++;
    c.destroy();
  });
  try {
    sb.ok(['get', 'ns']);
    await serverUp(sb);
    sb.ok(['controller', 'stop']);
    const sock = path.join(sb.home, 'command.sock');
    await new Promise<void>((resolve) => planted.listen(sock, resolve));
    fs.chownSync(sock, 65534, 65534);
    const r = sb.kjob(['create', 'configmap', 'probe', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(connections, 0);
    assert.deepEqual(serverPids(sb), []); // nor does it start one in that socket's place
  } finally {
    await new Promise((r) => planted.close(r));
    sb.cleanup();
  }
});

/**
 * A stand-in server in a process of its own (the test's own event loop waits while spawnSync runs
 * the client): python listening on sock, then `mode`'s behaviour; resolves once it listens.
 */
async function fakeServer(sb: Sandbox, mode: 'backlog-full' | 'type-zero-frame') {
  const script = `
import os, socket, sys, time
path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
if mode == 'backlog-full':
    s.listen(0)
    held = socket.socket(socket.AF_UNIX)
    held.connect(path)  # the one connection a backlog of 0 queues: the next finds it full
    print('ready', flush=True)
    time.sleep(120)
else:
    s.listen(1)
    print('ready', flush=True)
    c, _ = s.accept()
    head = c.recv(5, socket.MSG_WAITALL)
    c.recv(int.from_bytes(head[1:5], 'big'), socket.MSG_WAITALL)
    frame = lambda t, b: bytes([t]) + len(b).to_bytes(4, 'big') + b
    out = frame(ord('A'), b'') + frame(0, frame(ord('O'), b'injected\\n')) + frame(ord('X'), b'0')
    for i in range(len(out)):
        c.sendall(out[i:i + 1])
        time.sleep(0.002)
    c.close()
`;
  const child = spawn('python3', ['-c', script, path.join(sb.home, 'command.sock'), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the fake server exited ${code}`)));
  });
  return child;
}

test('an odd server: one whose backlog is full gets nothing (the command runs here at once); a frame of type 0 in pieces is a frame like another', { skip: noNativeClient }, async () => {
  for (const mode of ['backlog-full', 'type-zero-frame'] as const) {
    const sb = new Sandbox({ KJOB_ENGINE: 'off' });
    const fake = await fakeServer(sb, mode);
    try {
      const r = sb.kjob(['create', 'configmap', 'probe', '--dry-run=client', '-o', 'name']);
      if (mode === 'backlog-full') assert.deepEqual(r, { stdout: 'configmap/probe\n', stderr: '', code: 0 });
      else assert.deepEqual(r, { stdout: '', stderr: '', code: 0 });
    } finally {
      fake.kill('SIGKILL');
      sb.cleanup();
    }
  }
});

test('KJOB_NATIVE_CLIENT in the environment is not sent as part of it: the command is still served', { skip: noNativeClient }, async () => {
  const sb = new Sandbox();
  try {
    sb.ok(['get', 'ns']);
    const pid = await serverUp(sb);
    assert.equal(ranIn(sb.kjob(['create', 'configmap', 'probe', '--dry-run'], { env: { KJOB_NATIVE_CLIENT: '1' } })), pid);
  } finally {
    sb.cleanup();
  }
});

test("bin/ reached through a symlinked directory: a command not forwarded finds node's launcher as the kernel finds the path", () => {
  const sb = new Sandbox({ KJOB_ENGINE: 'off' });
  try {
    const linked = path.join(sb.home, 'linked-bin');
    fs.symlinkSync(path.join(ROOT, 'bin'), linked);
    const r = spawnSync(path.join(linked, 'kjob'), ['version', '--client'], { env: sb.env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Client Version: v/);
  } finally {
    sb.cleanup();
  }
});
