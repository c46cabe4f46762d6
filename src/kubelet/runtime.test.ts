// What ProcessRuntime.start hands the shim, through a spawner that records instead of spawning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessRuntime, type StartSpec } from './runtime.js';
import { DETACH_NETNS_MOUNTS_ENV, shimEntersNetns } from './shim.js';
import { tempDir } from '../util/testing.js';

class RecordingSpawner {
  envs: NodeJS.ProcessEnv[] = [];
  constructor(readonly runsNativeShim: boolean) {}
  get runsShims() { return true; }
  spawnShim(_args: string[], opts: { env: NodeJS.ProcessEnv }) { this.envs.push(opts.env); }
}

test("the native shim is asked to detach the node's namespace files only for a sandbox in a pod's namespace that needs none of them", { skip: !shimEntersNetns() && 'the shim cannot enter a network namespace on this architecture' }, () => {
  const start = (native: boolean, s: Partial<StartSpec>) => {
    const home = tempDir('runtime');
    const rt = new ProcessRuntime(home);
    const spawner = new RecordingSpawner(native);
    (rt as unknown as { spawner: RecordingSpawner }).spawner = spawner;
    rt.start({ uid: 'u1', namespace: 'default', pod: 'p', container: 'c', n: 0, containerID: 'containerd://x', startedAt: '2026-12-05T00:00:00Z', argv: ['/usr/bin/bwrap', '--', 'true'], cwd: '/', logPath: `${home}/logs/p/c/0.log`, ...s });
    return spawner.envs[0][DETACH_NETNS_MOUNTS_ENV];
  };
  assert.equal(start(true, { netns: '/run/netns/kjob-x-u1', detachNetnsMounts: true }), '1');
  assert.equal(start(true, { netns: '/run/netns/kjob-x-u1', detachNetnsMounts: false }), undefined, 'a volume shows them');
  assert.equal(start(true, { detachNetnsMounts: true }), undefined, 'the host network: nothing to detach from');
  assert.equal(start(false, { netns: '/run/netns/kjob-x-u1', detachNetnsMounts: true }), undefined, "perl's shim does not detach");
});
