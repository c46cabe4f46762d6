// Real processes: the shim, the exit file, the notification, logs, bwrap.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { realClock } from '../util/clock.js';
import { KUBERNETES_TIMING } from '../engine/timing.js';
import type { KObject } from '../api/types.js';
import { Kubelet, type KubeletStore } from './kubelet.js';
import { readContainerLog } from './logs.js';


const kubelets: Kubelet[] = [];
after(() => {
  for (const k of kubelets) {
    k.stop();
    const rt: any = k.runtime;
    // kill anything still running that the tests started
    for (const d of fs.readdirSync(path.join(rt.home, 'pods'), { recursive: true }) as string[]) {
      if (d.endsWith('/pid')) { try { process.kill(-Number(fs.readFileSync(path.join(rt.home, 'pods', d), 'utf8')), 'SIGKILL'); } catch { /* gone */ } }
    }
  }
});

class MiniStore implements KubeletStore {
  pods = new Map<string, KObject>();
  rv = 1;
  get(_k: string, ns: string | undefined, n: string) { const p = this.pods.get(`${ns}/${n}`); return p && structuredClone(p); }
  list() { return []; }
  update(o: KObject) { const n = structuredClone(o); n.metadata.resourceVersion = String(this.rv++); this.pods.set(`${o.metadata.namespace}/${o.metadata.name}`, n); return structuredClone(n); }
  delete(_k: string, ns: string | undefined, n: string) { const o = this.pods.get(`${ns}/${n}`)!; this.pods.delete(`${ns}/${n}`); return { object: o, removed: true }; }
  recordEvent() {}
}

async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function run(sandbox: 'none' | 'bwrap', spec: any) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-rt-'));
  const store = new MiniStore();
  const k = new Kubelet({ store, clock: realClock, timing: KUBERNETES_TIMING, home, nodeName: 'node-1', hostIP: '127.0.0.1', sandbox });
  kubelets.push(k);
  const p: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default', uid: 'u-' + path.basename(home) }, spec: { restartPolicy: 'Never', ...spec }, status: {} };
  store.pods.set('default/p1', p);
  const exits: string[] = [];
  k.start((key) => exits.push(key));
  return { home, store, k, exits, pod: () => store.get('Pod', 'default', 'p1')! };
}

async function drive(r: ReturnType<typeof run>): Promise<KObject> {
  for (let i = 0; i < 10; i++) if (r.k.syncPod('default', 'p1').requeueAfterMs !== 0) break;
  await until(() => r.exits.length > 0);
  for (let i = 0; i < 10; i++) if (r.k.syncPod('default', 'p1').requeueAfterMs !== 0) break;
  return r.pod();
}

test('plain process: exit code, log, notification', async () => {
  const r = run('none', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hi; echo err >&2; exit 3'] }] });
  const p = await drive(r);
  assert.deepEqual(r.exits, ['default/p1']);
  assert.equal(p.status.phase, 'Failed');
  assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 3);
  assert.equal(p.status.containerStatuses[0].state.terminated.reason, 'Error');
  assert.equal(readContainerLog(r.home, p, 'c'), 'hi\nerr\n');
  assert.equal(r.k.hasRunningContainers(), false);
});

test('bwrap sandbox: hostname, private /tmp, emptyDir shared by init and main container, env', async () => {
  const mount = [{ name: 'data', mountPath: '/input' }];
  const r = run('bwrap', {
    hostname: 'job-0',
    volumes: [{ name: 'data', emptyDir: {} }],
    initContainers: [{ name: 'init', image: 'bash', command: ['sh', '-c', 'echo foo > /input/data.txt'], volumeMounts: mount }],
    containers: [{ name: 'w', image: 'busybox', command: ['sh', '-c', 'cat /input/data.txt; hostname; ls /tmp | wc -l; echo $HOSTNAME $X'], env: [{ name: 'X', value: 'y' }], volumeMounts: mount }],
  });
  for (let i = 0; i < 10; i++) if (r.k.syncPod('default', 'p1').requeueAfterMs !== 0) break;
  await until(() => r.exits.length > 0);
  await drive(r);
  const p = await (async () => { await until(() => r.pod().status.phase === 'Succeeded' || (r.k.syncPod('default', 'p1'), false), 5000); return r.pod(); })();
  assert.equal(p.status.phase, 'Succeeded');
  assert.equal(readContainerLog(r.home, p, 'w'), 'foo\njob-0\n0\njob-0 y\n');
});

test('sleeping container is running, SIGTERM on deletion gives 143', async () => {
  const r = run('none', { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'] }] });
  for (let i = 0; i < 10; i++) if (r.k.syncPod('default', 'p1').requeueAfterMs !== 0) break;
  await until(() => r.k.hasRunningContainers() && fs.readdirSync(path.join(r.home, 'pods')).length > 0);
  assert.equal(r.pod().status.phase, 'Running');
  const p = r.pod();
  p.metadata.deletionTimestamp = new Date(Date.now() + 30_000).toISOString();
  r.store.pods.set('default/p1', p);
  let last: KObject | undefined;
  const orig = r.store.update.bind(r.store);
  r.store.update = (o: KObject) => { last = o; return orig(o); };
  // As the engine does: sync again while the pod exists (the kubelet writes status, then acts,
  // and retries shortly when the container's pid is not recorded yet).
  await until(() => {
    if (r.store.pods.size > 0) r.k.syncPod('default', 'p1');
    return r.store.pods.size === 0;
  });
  await until(() => r.exits.length > 0); // the exit notification reaches the engine too
  assert.deepEqual(r.exits, ['default/p1']);
  assert.equal(last!.status.phase, 'Failed');
  assert.equal(last!.status.containerStatuses[0].state.terminated.exitCode, 143);
});
