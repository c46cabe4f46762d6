// The kubelet's runtime with real processes: the shim, the exit file, the notification, logs,
// bwrap, a lost shim, and a removed pod's processes. (The unit tests beside the code never start
// a process or wait; these do.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killProcessesOf } from '../../src/util/process.js';
import { realClock } from '../../src/util/clock.js';
import { KUBERNETES_TIMING } from '../../src/util/timing.js';
import type { KObject } from '../../src/api/types.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { Kubelet, RELIST_MS } from '../../src/kubelet/kubelet.js';
import type { APIServer } from '../../src/apiserver/interface.js';
import type { ResourceInfo } from '../../src/api/resources.js';
import { notFound } from '../../src/errors.js';
import { readContainerLog } from '../../src/kubelet/logs.js';
import { pidAlive } from '../../src/util/process.js';
import { until as untilAfter } from '../../src/util/testing.js';

/** This file's waits: 5 s, polled every 20 ms. */
const until = (done: () => boolean, what = 'the kubelet') => untilAfter(what, done, 5000, 20);

const NO_BWRAP = !fs.existsSync('/usr/bin/bwrap') && 'needs /usr/bin/bwrap';

const kubelets: Kubelet[] = [];
after(() => {
  for (const k of kubelets) {
    k.stop();
    const rt: any = k.runtime;
    // Kill what the tests started and is still running: the shims and sandboxes of this runtime's
    // directory, with their groups. Never by the pids the attempts recorded: those ended long ago
    // and, with pid_max at 32768, their numbers are soon another process's (another test file's
    // container, killed with 255).
    killProcessesOf(rt.home);
    fs.rmSync(rt.home, { recursive: true, force: true });
  }
});

/** The pods the kubelet sees; every write it makes goes through update (tests intercept it). */
class MiniStore {
  pods = new Map<string, KObject>();
  rv = 1;
  get(_k: string, ns: string | undefined, n: string) { const p = this.pods.get(`${ns}/${n}`); return p && structuredClone(p); }
  update(o: KObject) { const n = structuredClone(o); n.metadata.resourceVersion = String(this.rv++); this.pods.set(`${o.metadata.namespace}/${o.metadata.name}`, n); return structuredClone(n); }
  /** The apiserver the kubelet talks to: GET, PUT status, DELETE, pods/binding; events dropped. */
  api(): APIServer {
    const get = (r: ResourceInfo, ns: string | undefined, n: string) => {
      const o = this.get(r.kind, ns, n);
      if (!o || r.kind !== 'Pod') throw notFound(r.resource, n);
      return o;
    };
    return {
      get,
      list: () => ({ items: [], resourceVersion: String(this.rv) }),
      watch: () => ({ next: () => [], resourceVersion: () => String(this.rv), close: () => undefined }),
      updateStatus: (r: ResourceInfo, ns: string | undefined, n: string, body: KObject) => ({ object: this.update({ ...get(r, ns, n), status: body.status }), warnings: [] }),
      delete: (_r: ResourceInfo, ns: string | undefined, n: string) => { const o = this.pods.get(`${ns}/${n}`)!; this.pods.delete(`${ns}/${n}`); return { object: o, removed: true, warnings: [] }; },
      create: (r: ResourceInfo, ns: string | undefined, body: any) => {
        if (r.kind !== 'Pod') return { object: body, warnings: [] }; // an Event
        const p = get(r, ns, body.metadata.name);
        return { object: this.update({ ...p, spec: { ...p.spec, nodeName: body.target.name } }), warnings: [] };
      },
    } as unknown as APIServer;
  }
}

function run(sandbox: 'none' | 'bwrap', spec: any) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-rt-'));
  const store = new MiniStore();
  const api = store.api();
  const k = new Kubelet({ api, recorder: { event: () => undefined }, scheduler: new Scheduler(api, { event: () => undefined }), clock: realClock, timing: KUBERNETES_TIMING, home, nodeName: 'node-1', hostIP: '127.0.0.1', sandbox });
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

test('bwrap sandbox: hostname, private /tmp, emptyDir shared by init and main container, env', { skip: NO_BWRAP }, async () => {
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
  const p = await (async () => { await until(() => r.pod().status.phase === 'Succeeded' || (r.k.syncPod('default', 'p1'), false)); return r.pod(); })();
  assert.equal(p.status.phase, 'Succeeded');
  assert.equal(readContainerLog(r.home, p, 'w'), 'foo\njob-0\n0\njob-0 y\n');
});

test('sleeping container is running, SIGTERM on deletion gives 143', async () => {
  const r = run('none', { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'] }] });
  for (let i = 0; i < 10; i++) if (r.k.syncPod('default', 'p1').requeueAfterMs !== 0) break;
  await until(() => r.k.hasRunningContainers() && fs.readdirSync(path.join(r.home, 'pods')).length > 0);
  r.k.syncPod('default', 'p1'); // the PLEG's relist: the sync after the start reports it
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

function attemptFile(r: ReturnType<typeof run>, f: string): string {
  return path.join(r.home, 'pods', r.pod().metadata.uid!, 'containers', 'c', '0', f);
}

async function runningPod(r: ReturnType<typeof run>): Promise<number> {
  let res: { requeueAfterMs?: number } = {};
  for (let i = 0; i < 10; i++) if ((res = r.k.syncPod('default', 'p1')).requeueAfterMs !== 0) break;
  // The shim's pid is recorded when the spawner's answer comes, which may be after the shim wrote the container's.
  await until(() => fs.existsSync(attemptFile(r, 'pid')) && fs.existsSync(attemptFile(r, 'shimpid')));
  for (let i = 0; i < 10; i++) if ((res = r.k.syncPod('default', 'p1')).requeueAfterMs !== 0) break;
  assert.equal(r.pod().status.phase, 'Running');
  assert.equal(res.requeueAfterMs, RELIST_MS, 'a running container is relisted');
  return Number(fs.readFileSync(attemptFile(r, 'pid'), 'utf8'));
}

/**
 * The attempt's shim: its process, or, for a thread of the native spawner ("PID:TID:FD"), the
 * spawner's process (the only way such a shim ends without recording its container's end) and
 * the thread's /proc directory.
 */
function shimOf(r: ReturnType<typeof run>): { pid: number; proc: string } {
  const text = fs.readFileSync(attemptFile(r, 'shimpid'), 'utf8').trim();
  const [pid, tid] = text.split(':').map(Number);
  return { pid, proc: tid ? `/proc/${pid}/task/${tid}` : `/proc/${pid}` };
}

test('kill -9 of shim and container: the relist sees exit 255, recorded once', async () => {
  const r = run('none', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'] }] });
  const pid = await runningPod(r);
  const shim = shimOf(r);
  process.kill(-shim.pid, 'SIGKILL');
  // The container's group may already be gone with its shim (the shim's pipes close on it).
  try { process.kill(-pid, 'SIGKILL'); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e; }
  // The thread, not the spawner's process, is the shim: its end is what the relist must see.
  await until(() => !fs.existsSync(shim.proc) && !pidAlive(pid));
  // No exit note comes; the engine's relist (syncPod again after requeueAfterMs) notices, once
  // the runtime has had the spawner's end (an event: the shim's thread recorded itself before the
  // spawner's answer, which may not have come, so until then the shim counts as starting).
  let res: { requeueAfterMs?: number } = {};
  await until(() => (res = r.k.syncPod('default', 'p1')).requeueAfterMs !== RELIST_MS);
  assert.equal(res.requeueAfterMs, undefined);
  const p = r.pod();
  assert.equal(p.status.phase, 'Failed');
  const t = p.status.containerStatuses[0].state.terminated;
  assert.equal(t.exitCode, 255);
  assert.match(fs.readFileSync(attemptFile(r, 'exit'), 'utf8'), /^255 /);
  await new Promise((res) => setTimeout(res, 1100));
  r.k.syncPod('default', 'p1');
  assert.deepEqual(r.pod().status.containerStatuses[0].state.terminated, t, 'the finish time stays put');
  assert.deepEqual(r.exits, []);
});

test('podRemoved: a running pod removed from the store leaves no process, state or log behind', async () => {
  // A background child in the container's process group, and a main process that ignores SIGTERM.
  const r = run('none', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', "trap '' TERM; sleep 30 & echo started; wait"] }] });
  const uid = r.pod().metadata.uid!;
  const pid = await runningPod(r);
  const shim = shimOf(r).proc;
  await until(() => fs.readdirSync('/proc').some((n) => /^\d+$/.test(n) && Number(n) !== pid && pgidOf(Number(n)) === pid));
  const members = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n) && pgidOf(Number(n)) === pid).map(Number);
  assert.ok(members.length >= 2, 'sh and sleep');
  const logDir = path.join(r.home, 'logs', `default_p1_${uid}`);
  assert.ok(fs.existsSync(logDir));
  r.store.pods.delete('default/p1'); // force-deleted
  r.k.podRemoved(uid);
  await until(() => !fs.existsSync(shim) && members.every((p) => !pidAlive(p)));
  // Removed once its shim has recorded its container's end, if that came as it went.
  await until(() => !fs.existsSync(path.join(r.home, 'pods', uid)));
  assert.equal(fs.existsSync(logDir), false);
  assert.equal(r.k.hasRunningContainers(), false);
});

test('cleanupOrphans at start-up: kills and removes pods not in the store, keeps the others', async () => {
  const r = run('none', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '30'] }] });
  const uid = r.pod().metadata.uid!;
  const pid = await runningPod(r);
  r.k.cleanupOrphans(new Set([uid]));
  assert.ok(pidAlive(pid), 'a pod in the store is kept');
  assert.ok(fs.existsSync(path.join(r.home, 'logs', `default_p1_${uid}`)));
  r.k.cleanupOrphans(new Set());
  await until(() => !pidAlive(pid) && fs.readdirSync(path.join(r.home, 'pods')).length === 0);
  assert.deepEqual(fs.readdirSync(path.join(r.home, 'logs')), []);
});

function pgidOf(pid: number): number | undefined {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}
