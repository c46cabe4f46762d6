// The command server (src/cli/command_server.ts, bin/command-client.js): the real bin/kjob
// forwards a command line to its state directory's server, which prints and exits as the command
// would in a process of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { KJOB, Sandbox, type Run } from './helpers.js';
import { ptyRun } from './pty.js';
import { processesOf } from '../../src/util/process.js';

const LOCAL = { KJOB_COMMAND_SERVER: '0' };
const { forwardable } = createRequire(import.meta.url)(KJOB) as { forwardable: (argv: string[], verb: string, env: NodeJS.ProcessEnv, terminal?: (fd: number) => boolean) => boolean };

const serverPids = (sb: Sandbox) => processesOf(sb.home, (argv) => argv.includes('__command-server'));

async function serverUp(sb: Sandbox): Promise<number> {
  await sb.until('the command server to listen', () => fs.existsSync(path.join(sb.home, 'command.sock')) && serverPids(sb).length === 1, 30_000, 50);
  return serverPids(sb)[0];
}

/** The pid in the klog line a deprecated bare --dry-run prints: which process ran the command. */
function ranIn(r: Run): number {
  const m = /^W\d{4} [\d:.]+ +(\d+) helpers\.go:702\]/m.exec(r.stderr);
  assert.ok(m, r.stderr);
  return Number(m[1]);
}

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
    const m = /W\d{4} [\d:.]+ +(\d+) helpers\.go:702\]/.exec(r.output);
    assert.ok(m, r.output);
    assert.notEqual(Number(m[1]), pid);
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
