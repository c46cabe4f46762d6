// The kubelet's reading of ConfigMaps and Secrets: env resolution (makeEnvironmentVariables),
// volume payloads (the configmap/secret/downwardapi/projected plugins), the AtomicWriter layout,
// and a pod waiting for a missing object until it appears. No sleeps: a fake runtime and clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KObject } from '../api/types.js';
import { FakeClock } from '../util/clock.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import { buildEnv, ContainerConfigError, type ObjectGetter } from './env.js';
import { podReferences, volumePayload, writePayload, type Payload } from './volumes.js';
import { Kubelet } from './kubelet.js';
import type { APIServer } from '../apiserver/interface.js';
import type { ResourceInfo } from '../api/resources.js';
import { notFound } from '../errors.js';
import type { AttemptState, ContainerRuntime, StartSpec } from './runtime.js';
import { tempDir } from '../util/testing.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const configMap = (name: string, data: Record<string, string>, binaryData?: Record<string, string>): KObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data, ...(binaryData ? { binaryData } : {}),
});
const secret = (name: string, data: Record<string, string>): KObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
});
const getter = (...objs: KObject[]): ObjectGetter => (kind, ns, name) => objs.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);

function pod(spec: any, meta: any = {}): KObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'uid-p', labels: { app: 'web', tier: 'a"b' }, annotations: { note: 'hi' }, ...meta },
    spec: { restartPolicy: 'Never', nodeName: 'kjob-node', ...spec },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

const env = (c: any, objects: ObjectGetter, onInvalidKeys?: (m: string) => void) =>
  buildEnv(pod({ containers: [c] }), c, { hostIP: '127.0.0.1', hostname: 'p', objects, onInvalidKeys });
const configError = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ContainerConfigError) return e.message;
    throw e;
  }
  return assert.fail('expected a ContainerConfigError');
};

test('env: configMapKeyRef and secretKeyRef values; envFrom with a prefix; env overrides envFrom', () => {
  const objects = getter(configMap('cfg', { greeting: 'hello', color: 'blue' }), secret('s', { password: 's3cret', color: 'red' }));
  const e = env({
    name: 'c',
    envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 's' }, prefix: 'S_' }],
    env: [
      { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'password' } } },
      { name: 'color', value: 'green $(S_color)' },
    ],
  }, objects);
  assert.equal(e.get('GREETING'), 'hello');
  assert.equal(e.get('PASSWORD'), 's3cret');
  assert.equal(e.get('S_password'), 's3cret');
  assert.equal(e.get('color'), 'green red');
});

test("env: a missing object or key is the kubelet's CreateContainerConfigError message", () => {
  const objects = getter(configMap('cfg', { a: '1' }), secret('s', { a: '1' }));
  assert.equal(configError(() => env({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a' } } }] }, objects)), 'configmap "nope" not found');
  assert.equal(configError(() => env({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'a' } } }] }, objects)), 'secret "nope" not found');
  assert.equal(configError(() => env({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, objects)), "couldn't find key k in ConfigMap default/cfg");
  assert.equal(configError(() => env({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, objects)), "couldn't find key k in Secret default/s");
  assert.equal(configError(() => env({ envFrom: [{ secretRef: { name: 'gone' } }] }, objects)), 'secret "gone" not found');
});

test('env: optional references to a missing object or key leave the variable unset', () => {
  const e = env({
    envFrom: [{ configMapRef: { name: 'nope', optional: true } }],
    env: [
      { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a', optional: true } } },
      { name: 'B', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'missing', optional: true } } },
      { name: 'C', valueFrom: { secretKeyRef: { name: 'nope', key: 'a', optional: true } } },
    ],
  }, getter(configMap('cfg', { a: '1' })));
  assert.equal(e.has('A'), false);
  assert.equal(e.has('B'), false);
  assert.equal(e.has('C'), false);
});

test('env: envFrom keys that are not environment variable names are skipped with one event', () => {
  const events: string[] = [];
  const e = env({ envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'P_' }] }, getter(configMap('cfg', { ok: '1', 'has=eq': '2' })), (m) => events.push(m));
  assert.equal(e.get('P_ok'), '1');
  assert.deepEqual(events, ['Keys [P_has=eq] from the EnvFrom configMap default/cfg were skipped since they are considered invalid environment variable names.']);
});

test('volumes: configMap (all keys, items, binaryData), secret (decoded), modes', () => {
  const objects = getter(configMap('cfg', { a: 'A', b: 'B' }, { bin: '/w==' }), secret('s', { user: 'admin' }));
  const files = (r: ReturnType<typeof volumePayload>) => {
    assert.ok('payload' in r, JSON.stringify(r));
    return Object.fromEntries([...(r as { payload: Payload }).payload].map(([p, f]) => [p, [f.data.toString('latin1'), f.mode.toString(8)]]));
  };
  const p = pod({ containers: [] });
  assert.deepEqual(files(volumePayload(p, { name: 'v', configMap: { name: 'cfg', defaultMode: 0o644 } }, objects)), { a: ['A', '644'], b: ['B', '644'], bin: ['\xff', '644'] });
  assert.deepEqual(files(volumePayload(p, { name: 'v', configMap: { name: 'cfg', items: [{ key: 'b', path: 'sub/bee', mode: 0o400 }] } }, objects)), { 'sub/bee': ['B', '400'] });
  assert.deepEqual(files(volumePayload(p, { name: 'v', secret: { secretName: 's', defaultMode: 0o400 } }, objects)), { user: ['admin', '400'] });
  assert.deepEqual(files(volumePayload(p, { name: 'v', secret: { secretName: 'nope', optional: true } }, objects)), {});
  assert.deepEqual(files(volumePayload(p, { name: 'v', configMap: { name: 'cfg', optional: true, items: [{ key: 'zz', path: 'z' }] } }, objects)), {});
});

test("volumes: SetUp errors are the plugins' messages; a projected volume aggregates them", () => {
  const objects = getter(configMap('cfg', { a: 'A' }), secret('s', { a: 'x' }));
  const p = pod({ containers: [] });
  assert.deepEqual(volumePayload(p, { name: 'v', configMap: { name: 'nope' } }, objects), { error: 'configmap "nope" not found' });
  assert.deepEqual(volumePayload(p, { name: 'v', secret: { secretName: 'nope' } }, objects), { error: 'secret "nope" not found' });
  assert.deepEqual(volumePayload(p, { name: 'v', configMap: { name: 'cfg', items: [{ key: 'k', path: 'k' }] } }, objects), { error: 'configmap references non-existent config key: k' });
  assert.deepEqual(volumePayload(p, { name: 'v', secret: { secretName: 's', items: [{ key: 'k', path: 'k' }] } }, objects), { error: 'references non-existent secret key: k' });
  assert.deepEqual(volumePayload(p, { name: 'v', projected: { sources: [{ configMap: { name: 'x' } }, { secret: { name: 'y' } }] } }, objects), { error: '[configmap "x" not found, secret "y" not found]' });
});

test('volumes: downwardAPI and projected files (labels as sorted key="value" lines)', () => {
  const p = pod({ containers: [] });
  const r = volumePayload(p, {
    name: 'v',
    projected: {
      defaultMode: 0o600,
      sources: [
        { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'dir/../name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { configMap: { name: 'cfg', items: [{ key: 'a', path: 'cfg/a' }] } },
        { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
      ],
    },
  }, getter(configMap('cfg', { a: 'A' })));
  assert.ok('payload' in r);
  const files = Object.fromEntries([...r.payload].map(([k, f]) => [k, f.data.toString()]));
  assert.deepEqual(files, { labels: 'app="web"\ntier="a\\"b"', name: 'p', 'cfg/a': 'A' });
  assert.equal(r.payload.get('labels')!.mode, 0o600);
});

test('podReferences: env, envFrom and volumes, not the kube-api-access volume', () => {
  const p = pod({
    containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'e' } }] }],
    volumes: [{ name: 'v', projected: { sources: [{ configMap: { name: 'pc' } }] } }, { name: 'kube-api-access-x2b4z', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] } }],
  });
  assert.equal(podReferences(p, 'Secret', 's'), true);
  assert.equal(podReferences(p, 'ConfigMap', 'e'), true);
  assert.equal(podReferences(p, 'ConfigMap', 'pc'), true);
  assert.equal(podReferences(p, 'ConfigMap', 'kube-root-ca.crt'), false);
  assert.equal(podReferences(p, 'Secret', 'e'), false);
});

test('AtomicWriter: ..data points at a timestamped directory, top-level symlinks, atomic refresh', () => {
  const dir = tempDir('aw');
  try {
    const payload = (m: Record<string, string>): Payload => new Map(Object.entries(m).map(([k, v]) => [k, { data: Buffer.from(v), mode: 0o644 }]));
    assert.equal(writePayload(dir, payload({ a: '1', 'sub/b': '2' }), new Date()), true);
    const first = fs.readlinkSync(path.join(dir, '..data'));
    assert.match(first, /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/);
    assert.equal(fs.readlinkSync(path.join(dir, 'a')), '..data/a');
    assert.equal(fs.readFileSync(path.join(dir, 'sub/b'), 'utf8'), '2');
    assert.equal((fs.statSync(path.join(dir, first, 'a')).mode & 0o777), 0o644);
    assert.equal(writePayload(dir, payload({ a: '1', 'sub/b': '2' }), new Date()), false, 'same payload: nothing written');
    assert.equal(writePayload(dir, payload({ a: 'new' }), new Date()), true);
    assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'new');
    assert.equal(fs.existsSync(path.join(dir, 'sub')), false, 'a key that went away is removed');
    assert.equal(fs.existsSync(path.join(dir, first)), false, 'the old data directory is removed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- the kubelet with a missing object

class Store {
  objs = new Map<string, KObject>();
  events: { reason: string; message: string }[] = [];
  rv = 1;
  key = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns}/${name}`;
  get(kind: string, ns: string | undefined, name: string) { const o = this.objs.get(this.key(kind, ns, name)); return o && structuredClone(o); }
  put(o: KObject) { o.metadata.resourceVersion = String(this.rv++); this.objs.set(this.key(o.kind, o.metadata.namespace, o.metadata.name!), structuredClone(o)); return o; }
  /** The apiserver the kubelet talks to (GET and PUT status; the pods here are bound already). */
  api(): APIServer {
    const get = (r: ResourceInfo, ns: string | undefined, n: string) => {
      const o = this.get(r.kind, ns, n);
      if (!o) throw notFound(r.resource, n);
      return o;
    };
    return {
      get,
      updateStatus: (r: ResourceInfo, ns: string | undefined, n: string, body: KObject) => ({ object: this.put({ ...get(r, ns, n), status: structuredClone(body.status) }), warnings: [] }),
      delete: () => { throw new Error('not used'); },
    } as unknown as APIServer;
  }
}

class Runtime implements ContainerRuntime {
  started: StartSpec[] = [];
  /** Attempts that ended, by containerID: their exit code and finish time. */
  exited = new Map<string, { exitCode: number; finishedAt: string }>();
  startErrors: string[] = [];
  attempts(_uid: string, c: string): AttemptState[] {
    return this.started.filter((s) => s.container === c).map((s) => ({ n: s.n, containerID: s.containerID, startedAt: s.startedAt, running: !this.exited.has(s.containerID), ...this.exited.get(s.containerID) }));
  }
  start(s: StartSpec) { this.started.push(s); }
  recordStartError(_uid: string, _c: string, _n: number, _id: string, message: string) { this.startErrors.push(message); }
  signal() { return true; }
  anyRunning() { return this.started.length > 0; }
  podUids() { return []; }
  removePod() {}
}

function kubelet(sandbox: 'bwrap' | 'none') {
  const home = tempDir('kl');
  const store = new Store();
  const runtime = new Runtime();
  const recorder = { event: (_o: KObject, _t: string, reason: string, message: string) => void store.events.push({ reason, message }) };
  const clock = new FakeClock('2026-11-23T12:00:00Z');
  const k = new Kubelet({ api: store.api(), recorder, clock, timing: KUBERNETES_TIMING, home, nodeName: 'kjob-node', hostIP: '127.0.0.1', sandbox, runtime });
  return { home, store, runtime, k, clock, sync: () => { for (let i = 0; i < 5; i++) k.syncPod('default', 'p'); } };
}

test('kubelet: a missing ConfigMap in env keeps the container in CreateContainerConfigError (one event) until it exists', () => {
  const { home, store, runtime, sync } = kubelet('none');
  try {
    store.put(pod({ containers: [{ name: 'c', image: 'busybox', command: ['true'], env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }] }] }));
    sync();
    const waiting = store.get('Pod', 'default', 'p')!.status.containerStatuses[0].state.waiting;
    assert.deepEqual(waiting, { reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' });
    assert.deepEqual(store.events.filter((e) => e.reason === 'Failed'), [{ reason: 'Failed', message: 'Error: configmap "cfg" not found' }]);
    assert.equal(runtime.started.length, 0);
    store.put(configMap('cfg', { a: 'hello' }));
    sync();
    assert.equal(runtime.started.length, 1);
    assert.equal(runtime.started[0].env?.get('A'), 'hello');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kubelet: a container in CreateContainerConfigError is tried again every 10 s, its image first, as the pod worker retries startContainer', () => {
  const { home, store, runtime, k, clock } = kubelet('none');
  try {
    store.put(pod({ containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'Always', command: ['true'], env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }] }] }));
    const tries = () => store.events.map((e) => `${e.reason}${e.reason === 'Failed' ? ' ' + e.message : ''}`);
    let r = k.syncPod('default', 'p');
    // startContainer: the image (Pulling, Pulled) comes before generateContainerConfig fails.
    assert.deepEqual(tries(), ['Pulling', 'Pulled', 'Failed Error: configmap "cfg" not found']);
    assert.match(store.events[1].message, /^Successfully pulled image "busybox" in (\d+ms|0s) \(\1 including waiting\)\. Image size: [1-9]\d* bytes\.$/);
    assert.equal(r.requeueAfterMs, 10_000);
    // Synced again sooner (its status written, another container's event): not another try.
    clock.step(4_000);
    r = k.syncPod('default', 'p');
    assert.equal(store.events.length, 3);
    assert.equal(r.requeueAfterMs, 6_000);
    clock.step(6_000);
    k.syncPod('default', 'p');
    assert.deepEqual(tries().slice(3), ['Pulling', 'Pulled', 'Failed Error: configmap "cfg" not found']);
    assert.equal(runtime.started.length, 0);
    assert.equal(store.get('Pod', 'default', 'p')!.status.containerStatuses[0].state.waiting.reason, 'CreateContainerConfigError');
    // Created: the next sync starts it, the image again first.
    store.put(configMap('cfg', { a: 'hello' }));
    k.syncPod('default', 'p');
    assert.equal(runtime.started.length, 1);
    assert.deepEqual(tries().slice(6, 8), ['Pulling', 'Pulled']);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kubelet: a container whose turn comes after a sidecar starts is tried once, not again by the next sync', () => {
  const { home, store, k, clock } = kubelet('none');
  try {
    store.put(pod({
      restartPolicy: 'Never',
      initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '1000'] }],
      containers: [{ name: 'c', image: 'busybox', command: ['true'], env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }] }],
    }));
    k.syncPod('default', 'p'); // starts the sidecar; the container's turn comes in the same sync
    clock.step(1_000);
    k.syncPod('default', 'p');
    assert.equal(store.events.filter((e) => e.reason === 'Failed').length, 1);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kubelet: a restart that fails in its config takes a step of the crash back-off each time (tries at 0, 10, 20, 40, 80 s), CrashLoopBackOff between', () => {
  const { home, store, runtime, k, clock } = kubelet('none');
  try {
    store.put(configMap('cfg', { a: 'hello' }));
    store.put(pod({ restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['false'], env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }] }] }));
    k.syncPod('default', 'p');
    runtime.exited.set(runtime.started[0].containerID, { exitCode: 1, finishedAt: '2026-11-23T12:00:00Z' });
    store.objs.delete(store.key('ConfigMap', 'default', 'cfg'));
    const tries: number[] = [];
    const states = new Set<string>();
    for (let t = 0; t <= 120_000; t += 1_000) {
      const before = store.events.filter((e) => e.reason === 'Failed').length;
      for (let i = 0; i < 5 && k.syncPod('default', 'p').requeueAfterMs === 0; i++); // a requeue at once is a sync at once
      if (store.events.filter((e) => e.reason === 'Failed').length > before) tries.push(t / 1000);
      states.add(store.get('Pod', 'default', 'p')!.status.containerStatuses[0].state.waiting?.reason);
      clock.step(1_000);
    }
    assert.deepEqual(tries, [0, 10, 20, 40, 80]);
    assert.deepEqual([...states].sort(), ['CrashLoopBackOff', 'CreateContainerConfigError']);
    assert.ok(store.events.some((e) => e.reason === 'BackOff'));
    assert.equal(runtime.started.length, 1);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kubelet: the back-off steps of failed config tries stay with the container after it starts again', () => {
  const { home, store, runtime, k, clock } = kubelet('none');
  try {
    store.put(configMap('cfg', { a: 'hello' }));
    store.put(pod({ restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['false'], env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }] }] }));
    const syncNow = () => { for (let i = 0; i < 5 && k.syncPod('default', 'p').requeueAfterMs === 0; i++); };
    syncNow();
    runtime.exited.set(runtime.started[0].containerID, { exitCode: 1, finishedAt: clock.now().toISOString() });
    store.objs.delete(store.key('ConfigMap', 'default', 'cfg'));
    syncNow(); // the restart fails in its config at 0 s: back-off 10 s
    store.put(configMap('cfg', { a: 'again' }));
    const starts: number[] = [];
    for (let t = 0; t <= 60; t++) {
      const n = runtime.started.length;
      syncNow();
      if (runtime.started.length > n) starts.push(t);
      // The restarted container fails 5 s after it started.
      if (starts.length === 1 && t === starts[0] + 5) runtime.exited.set(runtime.started[1].containerID, { exitCode: 1, finishedAt: clock.now().toISOString() });
      clock.step(1_000);
    }
    // Exit at 15: the next step of the back-off is 20 s (10 after the first exit, 20 after the failed try's step).
    assert.deepEqual(starts, [10, 35]);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kubelet: a restart whose ConfigMap went away waits in CreateContainerConfigError (lastState the exit), as at the first start, until it exists', () => {
  const { home, store, runtime, sync, clock } = kubelet('none');
  try {
    store.put(configMap('cfg', { a: 'hello' }));
    store.put(pod({ restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['false'], env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } }] }] }));
    sync();
    assert.equal(runtime.started.length, 1);
    runtime.exited.set(runtime.started[0].containerID, { exitCode: 1, finishedAt: '2026-11-23T12:00:00Z' });
    // Gone before the restart (the first one comes at once: the back-off starts after it).
    store.objs.delete(store.key('ConfigMap', 'default', 'cfg'));
    sync();
    const cs = store.get('Pod', 'default', 'p')!.status.containerStatuses[0];
    assert.deepEqual(cs.state, { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' } });
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.equal(cs.restartCount, 0);
    assert.equal(runtime.started.length, 1, 'not started');
    assert.deepEqual(runtime.startErrors, [], 'not a StartError');
    assert.deepEqual(store.events.filter((e) => e.reason === 'Failed'), [{ reason: 'Failed', message: 'Error: configmap "cfg" not found' }]);
    store.put(configMap('cfg', { a: 'again' }));
    sync();
    // The failed try took a step of the restart back-off (doBackOff's backOff.Next): 10 s.
    assert.equal(runtime.started.length, 1, 'not before the pod worker syncs again');
    clock.step(10_000);
    sync();
    assert.equal(runtime.started.length, 2);
    assert.equal(runtime.started[1].env?.get('A'), 'again');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kubelet: a missing ConfigMap volume keeps the pod in ContainerCreating with one FailedMount, then the files are written', () => {
  const { home, store, runtime, sync } = kubelet('bwrap');
  try {
    store.put(pod({
      containers: [{ name: 'c', image: 'busybox', command: ['true'], volumeMounts: [{ name: 'config', mountPath: '/etc/config' }] }],
      volumes: [{ name: 'config', configMap: { name: 'cfg', defaultMode: 0o644 } }],
    }));
    sync();
    const st = store.get('Pod', 'default', 'p')!.status;
    assert.equal(st.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
    assert.equal(st.conditions.find((c: any) => c.type === 'PodReadyToStartContainers').status, 'False');
    assert.deepEqual(store.events, [{ reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "config" : configmap "cfg" not found' }]);
    store.put(configMap('cfg', { greeting: 'hello' }));
    sync();
    assert.equal(fs.readFileSync(path.join(home, 'pods', 'uid-p', 'volumes', 'config', 'greeting'), 'utf8'), 'hello');
    assert.equal(runtime.started.length, 1);
    const args = runtime.started[0].argv;
    const i = args.indexOf(path.join(home, 'pods', 'uid-p', 'volumes', 'config'));
    assert.deepEqual(args.slice(i - 1, i + 2), ['--ro-bind', path.join(home, 'pods', 'uid-p', 'volumes', 'config'), '/etc/config']);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kubelet: FailedMount is recorded at each retry of the mount: after 0.5 s, then twice as long each time, up to 2 min 2 s', () => {
  const { home, store, k, clock } = kubelet('bwrap');
  try {
    store.put(pod({
      containers: [{ name: 'c', image: 'busybox', command: ['true'], volumeMounts: [{ name: 'config', mountPath: '/etc/config' }] }],
      volumes: [{ name: 'config', configMap: { name: 'cfg' } }],
    }));
    const failedMounts = () => store.events.filter((e) => e.reason === 'FailedMount').length;
    const due: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = k.syncPod('default', 'p');
      due.push(r.requeueAfterMs!);
      // A sync sooner than that (the pod's status written, a PLEG relist) records nothing.
      clock.step(r.requeueAfterMs! / 2);
      k.syncPod('default', 'p');
      clock.step(r.requeueAfterMs! / 2);
    }
    assert.deepEqual(due, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 122_000, 122_000, 122_000, 122_000]);
    assert.equal(failedMounts(), 12, 'one a retry: the syncs between record none');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('downwardAPI volume: resourceFieldRef of the named container, an unset limit as the node allocatable', () => {
  const p = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { memory: '64Mi' } } }] },
  } as any;
  const r = volumePayload(p, {
    name: 'v',
    downwardAPI: {
      items: [
        { path: 'mem_request', resourceFieldRef: { containerName: 'c', resource: 'requests.memory', divisor: '1Mi' } },
        { path: 'cpu_limit', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
      ],
    },
  }, () => undefined, { cpu: '2', memory: '1Gi' });
  assert.ok('payload' in r);
  const got = Object.fromEntries([...r.payload].map(([k, v]) => [k, v.data.toString('utf8')]));
  assert.deepEqual(got, { mem_request: '64', cpu_limit: '2000' });
});
