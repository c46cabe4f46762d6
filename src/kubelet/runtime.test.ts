// What ProcessRuntime.start hands the shim, through a spawner that records instead of spawning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { ProcessRuntime, mkdirPrivateDown, type StartSpec } from './runtime.js';
import { shimEntersNetns, shimOperands } from './shim.js';
import { NSENTER } from './exec.js';
import { tempDir } from '../util/testing.js';

class RecordingSpawner {
  operands: string[][] = [];
  get runsShims() { return true; }
  spawnShim(args: string[]) { this.operands.push(args); }
}

/** The DETACH operand: the last of the shim's fixed operands, before the command. */
const DETACH_AT = shimOperands({ attemptDir: '', logPath: '', note: '', argv: [] }).length - 1;

/** The shim's operands for a start on arch (the shim enters a network namespace itself on x64, not on an architecture whose setns(2) kjob does not know). */
function startOperands(arch: string, s: Partial<StartSpec>): string[] {
  const home = tempDir('runtime');
  const rt = new ProcessRuntime(home, undefined, undefined, arch);
  const spawner = new RecordingSpawner();
  (rt as unknown as { spawner: RecordingSpawner }).spawner = spawner;
  rt.start({ uid: 'u1', namespace: 'default', pod: 'p', container: 'c', n: 0, containerID: 'containerd://x', startedAt: '2026-12-05T00:00:00Z', argv: ['/usr/bin/bwrap', '--', 'true'], cwd: '/', logPath: `${home}/logs/p/c/0.log`, ...s });
  return spawner.operands[0];
}

test("the shim is handed the directory of mounts the kubelet asks it to detach (its DETACH operand), and none when none is asked", () => {
  const detach = (s: Partial<StartSpec>) => {
    const ops = startOperands('x64', s);
    assert.deepEqual(ops.slice(DETACH_AT + 1), ['/usr/bin/bwrap', '--', 'true'], 'the command follows the operand');
    return ops[DETACH_AT];
  };
  assert.equal(detach({ netns: '/run/netns/kjob-x-u1', detachMounts: '/run/netns' }), '/run/netns');
  assert.equal(detach({ netns: '/run/netns/kjob-x-u1' }), '', 'none named (a volume shows them)');
  assert.equal(detach({ detachMounts: '/run/netns' }), '', 'no namespace entered by the shim: nothing to detach');
});

test('where the shim cannot enter the namespace, nsenter does in front of the command, and nothing is detached: nsenter opens the namespace file there', () => {
  const arch = 'an-architecture-without-known-syscalls';
  assert.equal(shimEntersNetns(arch), false);
  const ops = startOperands(arch, { netns: '/run/netns/kjob-x-u1', detachMounts: '/run/netns' });
  assert.equal(ops[DETACH_AT], '');
  assert.deepEqual(ops.slice(DETACH_AT + 1), [NSENTER, '--net=/run/netns/kjob-x-u1', '--', '/usr/bin/bwrap', '--', 'true']);
});

test('start replaces what an attempt that never started left in its directory, and makes one where none is', () => {
  const home = tempDir('runtime');
  const rt = new ProcessRuntime(home);
  (rt as unknown as { spawner: RecordingSpawner }).spawner = new RecordingSpawner();
  const spec: StartSpec = { uid: 'u1', namespace: 'default', pod: 'p', container: 'c', n: 0, containerID: 'containerd://new', startedAt: '2026-12-05T00:00:01Z', argv: ['true'], cwd: '/', logPath: `${home}/logs/p/c/0.log` };
  rt.start(spec);
  const d = rt.attemptDir('u1', 'c', 0);
  assert.equal(fs.readFileSync(path.join(d, 'id'), 'utf8'), 'containerd://new\n');
  // An engine killed after it recorded an attempt, before its container ran: an id, a stray file.
  fs.writeFileSync(path.join(d, 'id'), 'containerd://old\n');
  fs.writeFileSync(path.join(d, 'term'), '2026-12-05T00:00:00Z\n');
  rt.start({ ...spec, containerID: 'containerd://again' });
  assert.deepEqual(fs.readdirSync(d).filter((f) => f !== 'cgroup').sort(), ['id', 'started']);
  assert.equal(fs.readFileSync(path.join(d, 'id'), 'utf8'), 'containerd://again\n');
});

test("a new pod's first attempt and log directories are made one part at a time down from the pod's and the logs' directories: no mkdir fails", () => {
  const home = tempDir('runtime');
  const rt = new ProcessRuntime(home);
  (rt as unknown as { spawner: RecordingSpawner }).spawner = new RecordingSpawner();
  fs.mkdirSync(path.join(home, 'pods', 'u1'), { recursive: true }); // the pod's sandbox files come first
  fs.mkdirSync(path.join(home, 'logs'));
  const spec: StartSpec = { uid: 'u1', namespace: 'default', pod: 'p', container: 'c', n: 0, containerID: 'containerd://x', startedAt: '2026-12-05T00:00:01Z', argv: ['true'], cwd: '/', logPath: `${home}/logs/default_p_u1/c/0.log` };
  const mkdirs: [string, string][] = [];
  const { mkdirSync } = fs;
  fs.mkdirSync = ((p: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
    try {
      const r = mkdirSync(p, o);
      mkdirs.push([path.relative(home, String(p)), 'ok']);
      return r;
    } catch (e) {
      mkdirs.push([path.relative(home, String(p)), (e as NodeJS.ErrnoException).code!]);
      throw e;
    }
  }) as typeof fs.mkdirSync;
  syncBuiltinESMExports();
  try {
    rt.start(spec);
  } finally {
    fs.mkdirSync = mkdirSync;
    syncBuiltinESMExports();
  }
  const made = mkdirs.filter(([d]) => !d.startsWith('run'));
  assert.deepEqual(made, [
    ['pods/u1/containers', 'ok'],
    ['pods/u1/containers/c', 'ok'],
    ['pods/u1/containers/c/0', 'ok'],
    ['logs/default_p_u1', 'ok'],
    ['logs/default_p_u1/c', 'ok'],
  ]);
  assert.ok(fs.statSync(rt.attemptDir('u1', 'c', 0)).isDirectory());
});

test('mkdirPrivateDown: the parts below an existing directory, each 0700; whether the last is new; a missing one made whole', () => {
  const home = tempDir('runtime');
  const mode = (d: string) => fs.statSync(d).mode & 0o777;
  assert.equal(mkdirPrivateDown(home, path.join(home, 'a', 'b')), true);
  assert.deepEqual([mode(path.join(home, 'a')), mode(path.join(home, 'a', 'b'))], [0o700, 0o700]);
  assert.equal(mkdirPrivateDown(home, path.join(home, 'a', 'b')), false, 'there already');
  assert.equal(mkdirPrivateDown(home, path.join(home, 'a', 'c')), true, 'a new one beside it');
  assert.equal(mkdirPrivateDown(path.join(home, 'gone'), path.join(home, 'gone', 'x', 'y')), true, 'its ancestor missing: made whole');
  assert.equal(mode(path.join(home, 'gone', 'x', 'y')), 0o700);
  fs.writeFileSync(path.join(home, 'file'), '');
  assert.throws(() => mkdirPrivateDown(home, path.join(home, 'file', 'x')), /ENOTDIR/);
});

test("a container's attempts are listed once and then kept with the runtime's own starts (the engine's runtime is their only maker), an attempt's id and start are read once, and both are forgotten with the pod", () => {
  const home = tempDir('runtime');
  const rt = new ProcessRuntime(home);
  (rt as unknown as { spawner: RecordingSpawner }).spawner = new RecordingSpawner();
  const spec: StartSpec = { uid: 'u1', namespace: 'default', pod: 'p', container: 'c', n: 0, containerID: 'containerd://first', startedAt: '2026-12-05T00:00:01Z', argv: ['true'], cwd: '/', logPath: `${home}/logs/p/c/0.log` };
  assert.deepEqual(rt.attempts('u1', 'c'), [], 'none started yet');
  rt.start(spec);
  const ids = () => rt.attempts('u1', 'c').map((a) => [a.n, a.containerID, a.startedAt]);
  assert.deepEqual(ids(), [[0, 'containerd://first', '2026-12-05T00:00:01Z']], 'its own start, though the container had been listed with none');
  // What only the runtime writes is not read again: an id rewritten under it, an attempt
  // directory made by someone else.
  fs.writeFileSync(path.join(rt.attemptDir('u1', 'c', 0), 'id'), 'containerd://rewritten\n');
  fs.mkdirSync(rt.attemptDir('u1', 'c', 1));
  fs.writeFileSync(path.join(rt.attemptDir('u1', 'c', 1), 'id'), 'containerd://stranger\n');
  assert.deepEqual(ids(), [[0, 'containerd://first', '2026-12-05T00:00:01Z']]);
  rt.start({ ...spec, n: 1, containerID: 'containerd://second', startedAt: '2026-12-05T00:00:09Z' });
  assert.deepEqual(ids(), [[0, 'containerd://first', '2026-12-05T00:00:01Z'], [1, 'containerd://second', '2026-12-05T00:00:09Z']]);
  rt.removePod('u1');
  assert.equal(fs.existsSync(rt.attemptDir('u1', 'c', 0)), false);
  fs.mkdirSync(rt.attemptDir('u1', 'c', 0), { recursive: true });
  fs.writeFileSync(path.join(rt.attemptDir('u1', 'c', 0), 'id'), 'containerd://afresh\n');
  assert.deepEqual(rt.attempts('u1', 'c').map((a) => a.containerID), ['containerd://afresh'], 'read afresh once the pod was forgotten');
});

test("a container's directory that cannot be listed (not a missing one) is listed again next time, not kept as no attempts", () => {
  const home = tempDir('runtime');
  const rt = new ProcessRuntime(home);
  const dir = path.dirname(rt.attemptDir('u1', 'c', 0));
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.writeFileSync(dir, ''); // readdir fails with ENOTDIR
  assert.deepEqual(rt.attempts('u1', 'c'), []);
  fs.rmSync(dir);
  fs.mkdirSync(rt.attemptDir('u1', 'c', 0), { recursive: true });
  fs.writeFileSync(path.join(rt.attemptDir('u1', 'c', 0), 'id'), 'containerd://x\n');
  fs.writeFileSync(path.join(rt.attemptDir('u1', 'c', 0), 'exit'), '0 2026-12-05T00:00:02Z\n');
  assert.deepEqual(rt.attempts('u1', 'c').map((a) => [a.containerID, a.exitCode]), [['containerd://x', 0]]);
});
