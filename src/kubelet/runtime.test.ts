// What ProcessRuntime.start hands the shim, through a spawner that records instead of spawning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ProcessRuntime, type StartSpec } from './runtime.js';
import { shimEntersNetns, shimOperands } from './shim.js';
import { tempDir } from '../util/testing.js';

class RecordingSpawner {
  operands: string[][] = [];
  get runsShims() { return true; }
  spawnShim(args: string[]) { this.operands.push(args); }
}

/** The DETACH operand: the last of the shim's fixed operands, before the command. */
const DETACH_AT = shimOperands({ attemptDir: '', logPath: '', note: '', argv: [] }).length - 1;

test("the shim is handed the directory of mounts the kubelet asks it to detach (its DETACH operand), and none when none is asked", { skip: !shimEntersNetns() && 'the shim cannot enter a network namespace on this architecture' }, () => {
  const start = (s: Partial<StartSpec>) => {
    const home = tempDir('runtime');
    const rt = new ProcessRuntime(home);
    const spawner = new RecordingSpawner();
    (rt as unknown as { spawner: RecordingSpawner }).spawner = spawner;
    const argv = ['/usr/bin/bwrap', '--', 'true'];
    rt.start({ uid: 'u1', namespace: 'default', pod: 'p', container: 'c', n: 0, containerID: 'containerd://x', startedAt: '2026-12-05T00:00:00Z', argv, cwd: '/', logPath: `${home}/logs/p/c/0.log`, ...s });
    const [ops] = spawner.operands;
    assert.deepEqual(ops.slice(DETACH_AT + 1), argv, 'the command follows the operand');
    return ops[DETACH_AT];
  };
  assert.equal(start({ netns: '/run/netns/kjob-x-u1', detachMounts: '/run/netns' }), '/run/netns');
  assert.equal(start({ netns: '/run/netns/kjob-x-u1' }), '', 'none named (a volume shows them)');
  // Without a namespace the shim enters (none, or one nsenter enters where the shim cannot),
  // nothing is detached: nsenter opens the namespace's file under that directory.
  assert.equal(start({ detachMounts: '/run/netns' }), '', 'no namespace entered by the shim');
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
