import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeClock } from '../util/clock.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import { conflict, notFound } from '../errors.js';
import { asKind, type KObject } from '../api/types.js';
import type { ResourceInfo } from '../api/resources.js';
import type { APIServer } from '../apiserver/interface.js';
import type { EventRecorder } from '../client/record.js';
import { Kubelet, RELIST_MS } from './kubelet.js';
import type { ProbeRunner } from './prober.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { AttemptState, ContainerRuntime, StartSpec } from './runtime.js';
import type { PodNetwork } from './network.js';
import { expand, buildEnv, buildCommand } from './env.js';
import { lookupExecutable } from './lookup.js';
import { restartDelayMs, goDuration } from './status.js';
import { bwrapArgv, type SandboxStatus } from './sandbox.js';
import { containerLogPath } from './logs.js';
import { tempDir } from '../util/testing.js';

/** The objects the kubelet sees, and what it wrote: status updates (history), deletes, events. */
class FakeStore {
  objs = new Map<string, KObject>();
  events: { type: string; reason: string; message: string; fieldPath?: string }[] = [];
  history: KObject[] = [];
  rv = 1;
  deleted: string[] = [];
  /** With transactions: afterTransaction's callbacks, until the test ends the transaction. */
  settlers?: ((committed: boolean) => void)[];
  endTransaction(committed: boolean) { for (const f of this.settlers!.splice(0)) f(committed); }
  key(kind: string, ns: string | undefined, name: string) { return `${kind}/${ns}/${name}`; }
  get(kind: string, ns: string | undefined, name: string) { const o = this.objs.get(this.key(kind, ns, name)); return o && structuredClone(o); }
  create(o: KObject) { o.metadata.resourceVersion = String(this.rv++); this.objs.set(this.key(o.kind, o.metadata.namespace, o.metadata.name!), structuredClone(o)); return o; }
  /** The apiserver the kubelet talks to: GET, LIST, PUT status, DELETE, pods/binding. */
  api(): APIServer {
    const s = this;
    const api = {
      get: (r: ResourceInfo, ns: string | undefined, name: string) => {
        const o = s.get(r.kind, ns, name);
        if (!o) throw notFound(r.resource, name);
        return o;
      },
      list: () => ({ items: [...s.objs.values()].map((o) => structuredClone(o)), resourceVersion: String(s.rv) }),
      watch: () => ({ next: () => [], resourceVersion: () => String(s.rv), close: () => undefined }),
      updateStatus: (r: ResourceInfo, ns: string | undefined, name: string, body: KObject) => {
        const k = s.key(r.kind, ns, name);
        const cur = s.objs.get(k)!;
        if (cur.metadata.resourceVersion !== body.metadata.resourceVersion) throw conflict('pods', name);
        const n = structuredClone({ ...cur, status: body.status });
        n.metadata.resourceVersion = String(s.rv++);
        s.objs.set(k, n);
        s.history.push(structuredClone(n));
        return { object: structuredClone(n), warnings: [] };
      },
      delete: (r: ResourceInfo, ns: string | undefined, name: string) => {
        const k = s.key(r.kind, ns, name);
        const o = s.objs.get(k)!;
        s.objs.delete(k);
        s.deleted.push(name);
        return { object: o, removed: true, warnings: [] };
      },
      create: (r: ResourceInfo, ns: string | undefined, body: any) => {
        // pods/binding
        const k = s.key('Pod', ns, body.metadata.name);
        const cur = structuredClone(s.objs.get(k)!);
        cur.spec.nodeName = body.target.name;
        cur.status = { ...(cur.status ?? {}), conditions: [{ type: 'PodScheduled', status: 'True' }] };
        cur.metadata.resourceVersion = String(s.rv++);
        s.objs.set(k, cur);
        s.history.push(structuredClone(cur));
        return { object: structuredClone(cur), warnings: [] };
      },
      ...(s.settlers ? { afterTransaction: (f: (committed: boolean) => void) => void s.settlers!.push(f) } : {}),
    };
    return api as unknown as APIServer;
  }
  recorder(): EventRecorder {
    return { event: (_o, type, reason, message, fieldPath) => void this.events.push({ type, reason, message, fieldPath }) };
  }
}

class FakeRuntime implements ContainerRuntime {
  limits?: () => { enforced: boolean; reason?: string };
  a = new Map<string, AttemptState[]>();
  started: StartSpec[] = [];
  signals: string[] = [];
  attempts(uid: string, c: string) { return structuredClone(this.a.get(`${uid}/${c}`) ?? []); }
  start(s: StartSpec) { const k = `${s.uid}/${s.container}`; this.started.push(s); this.a.set(k, [...(this.a.get(k) ?? []), { n: s.n, containerID: s.containerID, startedAt: s.startedAt, running: true }]); }
  recordStartError(uid: string, c: string, n: number, containerID: string, message: string, finishedAt: string) {
    const k = `${uid}/${c}`;
    this.a.set(k, [...(this.a.get(k) ?? []), { n, containerID, startedAt: '1970-01-01T00:00:00Z', running: false, exitCode: 128, startError: message, finishedAt }]);
  }
  signal(uid: string, c: string, n: number, sig: string, at: string) { this.signals.push(`${c}:${sig}`); const l = this.a.get(`${uid}/${c}`)!.at(-1)!; if (sig === 'SIGTERM') l.termSent = at; else l.killSent = at; return true; }
  anyRunning() { return [...this.a.values()].some((l) => l.some((x) => x.running)); }
  podUids() { return [...new Set([...this.a.keys()].map((k) => k.split('/')[0]))]; }
  removed: string[] = [];
  removePod(uid: string) { this.removed.push(uid); for (const k of [...this.a.keys()]) if (k.startsWith(`${uid}/`)) this.a.delete(k); }
  exit(uid: string, c: string, code: number, at: Date, reason?: string) { const l = this.a.get(`${uid}/${c}`)!.at(-1)!; l.running = false; l.exitCode = code; l.finishedAt = at.toISOString().replace(/\.\d{3}Z$/, 'Z'); l.finishedMs = at.getTime(); if (reason) l.reason = reason; }
}

function pod(name: string, spec: any, extra: any = {}): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-11-23T12:00:00Z', ...extra }, spec: { restartPolicy: 'Never', ...spec }, status: { phase: 'Pending', qosClass: 'BestEffort' } };
}

function setup(sandbox: 'none' | 'bwrap' = 'bwrap', opts: { sandboxStatus?: SandboxStatus; limits?: { enforced: boolean; reason?: string }; network?: PodNetwork; transactions?: boolean; probeRunner?: ProbeRunner } = {}) {
  const home = tempDir('kubelet');
  const store = new FakeStore();
  if (opts.transactions) store.settlers = [];
  const clock = new FakeClock();
  const runtime = new FakeRuntime();
  if (opts.limits) runtime.limits = () => opts.limits!;
  const api = store.api();
  const k = new Kubelet({ api, recorder: store.recorder(), scheduler: new Scheduler(api, store.recorder()), clock, timing: KUBERNETES_TIMING, home, nodeName: 'node-1', hostIP: '10.0.0.5', sandbox, runtime, sandboxStatus: opts.sandboxStatus, network: opts.network, probeRunner: opts.probeRunner });
  return { home, store, clock, runtime, k };
}

/** Calls syncPod until it asks for no immediate requeue. */
function settle(k: Kubelet, name: string) {
  let r: { requeueAfterMs?: number } = {};
  for (let i = 0; i < 20; i++) { r = k.syncPod('default', name); if (r.requeueAfterMs !== 0) return r; }
  throw new Error('no settle');
}

/** The PLEG's next relist: the sync after it reports what the last one started. */
function relisted(k: Kubelet, clock: FakeClock, name: string) {
  clock.step(KUBERNETES_TIMING.plegRelistMs);
  return settle(k, name);
}

/** Marks the stored pod deleted as the apiserver does: its deletionTimestamp (whole seconds) graceSeconds from now. */
function markDeleted(store: FakeStore, clock: FakeClock, name: string, graceSeconds = 30): void {
  const p = store.get('Pod', 'default', name)!;
  p.metadata.deletionTimestamp = new Date(clock.now().getTime() + graceSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  p.metadata.deletionGracePeriodSeconds = graceSeconds;
  store.objs.set(`Pod/default/${name}`, p);
}

/** Pod p of a sidecar and a container, both sleeping, started and seen running. */
function runningWithSidecar(store: FakeStore, clock: FakeClock, k: Kubelet, spec: object): void {
  store.create(pod('p', {
    nodeName: 'node-1',
    ...spec,
    initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '1000'] }],
    containers: [{ name: 'main', image: 'busybox', command: ['sleep', '1000'] }],
  }));
  settle(k, 'p');
  relisted(k, clock, 'p');
}

function statusOf(p: KObject): string {
  const cs = p.status?.containerStatuses?.[0];
  const ics = p.status?.initContainerStatuses?.[0];
  if (ics && !p.status.conditions?.find((c: any) => c.type === 'Initialized' && c.status === 'True')) return ics.state.waiting?.reason === 'PodInitializing' || ics.state.running ? 'Init:0/1' : `Init:${ics.state.waiting?.reason ?? ics.state.terminated?.reason}`;
  if (!cs) return p.status.phase;
  return cs.state.waiting?.reason ?? cs.state.terminated?.reason ?? (cs.state.running ? 'Running' : p.status.phase);
}

test('a sidecar (init container, restartPolicy Always) starts first, runs beside the container, is stopped once it has ended, and its end does not count', () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    store.create(pod('p', {
      nodeName: 'node-1',
      terminationGracePeriodSeconds: 5,
      initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '1000'] }, { name: 'setup', image: 'busybox', command: ['true'] }],
      containers: [{ name: 'main', image: 'busybox', command: ['true'] }],
    }));
    const cur = () => store.get('Pod', 'default', 'p')!;
    settle(k, 'p');
    assert.deepEqual(runtime.started.map((s) => s.container), ['side', 'setup'], 'the sidecar first; the next init container once it has started, not ended');
    assert.equal(runtime.a.get('uid-p/side')!.at(-1)!.running, true);
    runtime.exit('uid-p', 'setup', 0, clock.now());
    relisted(k, clock, 'p');
    assert.deepEqual(runtime.started.map((s) => s.container), ['side', 'setup', 'main']);
    relisted(k, clock, 'p');
    let st = cur().status;
    assert.equal(st.phase, 'Running');
    assert.deepEqual(st.initContainerStatuses.map((s: any) => [s.name, s.ready, s.started]), [['side', true, true], ['setup', true, false]], 'the sidecar ready as it runs; the init container that succeeded, ready');
    assert.equal(st.conditions.find((c: any) => c.type === 'ContainersReady').status, 'True');
    // The sidecar ends while the container runs: restarted, whatever the pod's restartPolicy (Never).
    runtime.exit('uid-p', 'side', 1, clock.now());
    relisted(k, clock, 'p');
    assert.equal(runtime.started.filter((s) => s.container === 'side').length, 2);
    assert.deepEqual(runtime.signals, []);
    // The container ends: the sidecar is stopped (SIGTERM, then SIGKILL after the grace period), not restarted.
    runtime.exit('uid-p', 'main', 0, clock.now());
    relisted(k, clock, 'p');
    assert.deepEqual(runtime.signals, ['side:SIGTERM']);
    assert.equal(cur().status.phase, 'Running', 'until the sidecar has gone');
    assert.ok(store.events.some((e) => e.reason === 'Killing' && e.message === 'Stopping container side' && e.fieldPath === 'spec.initContainers{side}'));
    clock.step(5000);
    settle(k, 'p');
    assert.deepEqual(runtime.signals, ['side:SIGTERM', 'side:SIGKILL']);
    runtime.exit('uid-p', 'side', 137, clock.now());
    relisted(k, clock, 'p');
    st = cur().status;
    assert.equal(st.phase, 'Succeeded', 'the sidecar killed (137) does not fail the pod');
    assert.equal(runtime.started.filter((s) => s.container === 'side').length, 2, 'not restarted');
    assert.deepEqual(st.conditions.map((c: any) => [c.type, c.status, c.reason]), [
      ['PodReadyToStartContainers', 'False', undefined],
      ['Initialized', 'True', 'PodCompleted'],
      ['Ready', 'False', 'PodCompleted'],
      ['ContainersReady', 'False', 'PodCompleted'],
      ['PodScheduled', 'True', undefined],
    ]);
    assert.deepEqual(st.initContainerStatuses.map((s: any) => [s.name, s.ready]), [['side', false], ['setup', true]]);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a liveness kill of a sidecar says "Init container", without "will be restarted"; of a container, "Container", with it', async () => {
  // Every liveness probe fails at once (failureThreshold 1).
  const probeRunner: ProbeRunner = async () => ({ result: 'failure', output: 'no' });
  const { home, store, clock, runtime, k } = setup('none', { probeRunner });
  try {
    const liveness = { exec: { command: ['check'] }, periodSeconds: 1, failureThreshold: 1 };
    store.create(pod('p', {
      nodeName: 'node-1',
      restartPolicy: 'Always',
      initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '1000'], livenessProbe: liveness }],
      containers: [{ name: 'main', image: 'busybox', command: ['sleep', '1000'], livenessProbe: liveness }],
    }));
    settle(k, 'p');
    for (let i = 0; i < 4; i++) {
      relisted(k, clock, 'p');
      await new Promise((r) => setImmediate(r)); // the probes' answers
    }
    const kills = store.events.filter((e) => e.reason === 'Killing').map((e) => `${e.fieldPath} ${e.message}`);
    assert.ok(kills.includes('spec.initContainers{side} Init container side failed liveness probe'), kills.join('\n'));
    assert.ok(kills.includes('spec.containers{main} Container main failed liveness probe, will be restarted'), kills.join('\n'));
    assert.ok(runtime.signals.includes('side:SIGTERM') && runtime.signals.includes('main:SIGTERM'), runtime.signals.join(' '));
    // Both ignore the SIGTERM here (the fake runtime keeps them running): the pod is looked at
    // again at the relist or when the SIGKILL is due, not at once (the engine spun on it).
    assert.ok(k.syncPod('default', 'p').requeueAfterMs! > 0);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('sidecars stopped after their pod\'s containers share one grace period, the last first, each with at least 2 s', () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    store.create(pod('p', {
      nodeName: 'node-1',
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 10,
      initContainers: [
        { name: 'side1', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '1000'] },
        { name: 'side2', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '1000'] },
      ],
      containers: [{ name: 'main', image: 'busybox', command: ['true'] }],
    }));
    settle(k, 'p');
    relisted(k, clock, 'p');
    relisted(k, clock, 'p');
    assert.deepEqual(runtime.started.map((s) => s.container), ['side1', 'side2', 'main']);
    runtime.exit('uid-p', 'main', 0, clock.now());
    relisted(k, clock, 'p');
    assert.deepEqual(runtime.signals, ['side2:SIGTERM'], 'the last sidecar first');
    // side1 waits for side2 to exit; neither ends on its SIGTERM. At the period's end side2 is
    // killed and side1's wait for its turn is over: it gets what is left of the period, the 2 s
    // minimum (killContainer's waitForTurn), not a period of its own.
    clock.step(9_000);
    settle(k, 'p');
    assert.deepEqual(runtime.signals, ['side2:SIGTERM']);
    clock.step(1_000);
    settle(k, 'p');
    assert.deepEqual(runtime.signals, ['side2:SIGTERM', 'side1:SIGTERM', 'side2:SIGKILL']);
    clock.step(2_000);
    settle(k, 'p');
    assert.deepEqual(runtime.signals, ['side2:SIGTERM', 'side1:SIGTERM', 'side2:SIGKILL', 'side1:SIGKILL']);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("a sidecar's 2 s after its own SIGTERM count to the millisecond: one sent late in a second is not cut short", () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    runningWithSidecar(store, clock, k, {});
    clock.step(1000 - (clock.now().getTime() % 1000)); // the stop starts on a whole second
    markDeleted(store, clock, 'p', 2);
    k.syncPod('default', 'p');
    assert.deepEqual(runtime.signals, ['main:SIGTERM']);
    clock.step(1_900);
    runtime.exit('uid-p', 'main', 143, clock.now());
    k.syncPod('default', 'p');
    assert.deepEqual(runtime.signals, ['main:SIGTERM', 'side:SIGTERM'], 'at .900 of a second');
    clock.step(1_600);
    k.syncPod('default', 'p');
    assert.deepEqual(runtime.signals, ['main:SIGTERM', 'side:SIGTERM'], '1.6 s after its SIGTERM: not yet');
    clock.step(400);
    k.syncPod('default', 'p');
    assert.deepEqual(runtime.signals, ['main:SIGTERM', 'side:SIGTERM', 'side:SIGKILL']);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a pod deleted with a sidecar: its container is stopped first, the sidecar once the container has exited', () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    runningWithSidecar(store, clock, k, { terminationGracePeriodSeconds: 30 });
    assert.deepEqual(runtime.started.map((s) => s.container), ['side', 'main']);
    markDeleted(store, clock, 'p');
    k.syncPod('default', 'p');
    assert.deepEqual(runtime.signals, ['main:SIGTERM'], 'the sidecar waits for the container');
    // Both say so at once (killContainer records Killing before it waits for the turn).
    assert.deepEqual(store.events.filter((e) => e.reason === 'Killing').map((e) => e.message).sort(), ['Stopping container main', 'Stopping container side']);
    clock.step(3_000);
    runtime.exit('uid-p', 'main', 143, clock.now());
    k.syncPod('default', 'p');
    assert.deepEqual(runtime.signals, ['main:SIGTERM', 'side:SIGTERM']);
    // The period counts from the stop's start: the sidecar is killed 30 s after it, not after its own SIGTERM.
    clock.step(27_000);
    k.syncPod('default', 'p');
    assert.deepEqual(runtime.signals, ['main:SIGTERM', 'side:SIGTERM', 'side:SIGKILL']);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('Initialized: a restarting sidecar beside containers all waiting in CrashLoopBackOff is not initialized (HasAnyRegularContainerStarted)', () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    store.create(pod('p', {
      nodeName: 'node-1',
      restartPolicy: 'Always',
      initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['false'] }],
      containers: [{ name: 'main', image: 'busybox', command: ['false'] }],
    }));
    settle(k, 'p');
    relisted(k, clock, 'p');
    const initialized = () => store.get('Pod', 'default', 'p')!.status.conditions.find((c: any) => c.type === 'Initialized');
    assert.equal(initialized().status, 'True');
    // Both fail twice: the second time both wait out a back-off.
    for (let i = 0; i < 2; i++) {
      runtime.exit('uid-p', 'side', 1, clock.now());
      runtime.exit('uid-p', 'main', 1, clock.now());
      relisted(k, clock, 'p');
    }
    const st = store.get('Pod', 'default', 'p')!.status;
    assert.equal(st.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
    assert.equal(st.initContainerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
    assert.deepEqual(initialized(), { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [side]', lastProbeTime: null, lastTransitionTime: initialized().lastTransitionTime });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("a pod's activeDeadlineSeconds: Failed with DeadlineExceeded once it has passed, its containers stopped and not restarted, their ends published", () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    store.create(pod('d', { nodeName: 'node-1', restartPolicy: 'OnFailure', activeDeadlineSeconds: 5, terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
    settle(k, 'd');
    const r = relisted(k, clock, 'd');
    assert.equal(store.get('Pod', 'default', 'd')!.status.phase, 'Running');
    assert.ok(r.requeueAfterMs !== undefined && r.requeueAfterMs <= 5000);
    clock.step(3500);
    assert.equal(settle(k, 'd').requeueAfterMs, 500, 'looked at again at its deadline');
    clock.step(500);
    settle(k, 'd');
    // mergePodStatus: not reported Failed while its container could still run (still ready: no probe).
    let st = store.get('Pod', 'default', 'd')!.status;
    assert.equal(st.phase, 'Running');
    assert.equal(st.reason, undefined);
    assert.equal(st.containerStatuses[0].ready, true);
    assert.deepEqual(runtime.signals, ['c:SIGTERM']);
    clock.step(1000);
    settle(k, 'd');
    assert.equal(store.events.filter((e) => e.reason === 'DeadlineExceeded').length, 1, 'once, not at every sync of its grace period');
    assert.deepEqual(store.events.filter((e) => ['DeadlineExceeded', 'Killing'].includes(e.reason)).map((e) => `${e.type} ${e.reason} ${e.message}`), [
      'Normal DeadlineExceeded Pod was active on the node longer than the specified deadline',
      'Normal Killing Stopping container c',
    ]);
    clock.step(2000);
    settle(k, 'd');
    assert.deepEqual(runtime.signals, ['c:SIGTERM', 'c:SIGKILL'], 'after the grace period');
    runtime.exit('uid-d', 'c', 137, clock.now());
    settle(k, 'd');
    st = store.get('Pod', 'default', 'd')!.status;
    assert.equal(st.phase, 'Failed');
    assert.equal(st.reason, 'DeadlineExceeded');
    assert.equal(st.message, 'Pod was active on the node longer than the specified deadline');
    assert.equal(st.containerStatuses[0].state.terminated.exitCode, 137);
    assert.equal(runtime.started.length, 1, 'not restarted, whatever its restartPolicy');
    settle(k, 'd');
    assert.equal(runtime.started.length, 1);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("a pod's deadline counts from when this kubelet started it, not from the stored startTime's whole second; after an engine restart from the stored one", () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    // Started 900 ms into a second: the stored startTime says 900 ms earlier.
    clock.step(900);
    store.create(pod('d', { nodeName: 'node-1', activeDeadlineSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
    settle(k, 'd');
    assert.equal(store.get('Pod', 'default', 'd')!.status.startTime, '2026-11-23T12:00:00Z');
    clock.step(200);
    assert.equal(settle(k, 'd').requeueAfterMs, 800, 'the status manager holds the start to the nanosecond');
    assert.deepEqual(runtime.signals, []);
    clock.step(800);
    settle(k, 'd');
    assert.deepEqual(runtime.signals, ['c:SIGTERM']);
    // A new engine has only the stored second (as a restarted kubelet has only the API's status).
    clock.step(1000); // 12:00:02.900
    store.create(pod('e', { nodeName: 'node-1', activeDeadlineSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
    settle(k, 'e');
    clock.step(100);
    assert.equal(settle(k, 'e').requeueAfterMs, 900, 'this engine: 900 ms left');
    const api = store.api();
    const k2 = new Kubelet({ api, recorder: store.recorder(), scheduler: new Scheduler(api, store.recorder()), clock, timing: KUBERNETES_TIMING, home, nodeName: 'node-1', hostIP: '10.0.0.5', sandbox: 'none', runtime });
    settle(k2, 'e');
    assert.deepEqual(runtime.signals, ['c:SIGTERM', 'c:SIGTERM'], 'a new one: a second since the stored 12:00:02');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a container stopped before an engine restart is killed at its grace period after the SIGTERM the runtime recorded', () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    store.create(pod('r', { nodeName: 'node-1', activeDeadlineSeconds: 2, terminationGracePeriodSeconds: 3, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
    settle(k, 'r');
    relisted(k, clock, 'r');
    clock.step(1000);
    settle(k, 'r');
    assert.deepEqual(runtime.signals, ['c:SIGTERM']);
    // A new engine: no memory of that SIGTERM but the runtime's record of it.
    const api = store.api();
    const k2 = new Kubelet({ api, recorder: store.recorder(), scheduler: new Scheduler(api, store.recorder()), clock, timing: KUBERNETES_TIMING, home, nodeName: 'node-1', hostIP: '10.0.0.5', sandbox: 'none', runtime });
    clock.step(1000);
    settle(k2, 'r');
    assert.deepEqual(runtime.signals, ['c:SIGTERM'], 'within the grace period');
    clock.step(2000);
    settle(k2, 'r');
    assert.deepEqual(runtime.signals, ['c:SIGTERM', 'c:SIGKILL'], 'three seconds after the recorded SIGTERM');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('an init container failing for good beside a sidecar ends the pod: the sidecar is stopped, not restarted, and the pod written Failed', () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    store.create(pod('s', {
      nodeName: 'node-1',
      terminationGracePeriodSeconds: 5,
      initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '1000'] }, { name: 'setup', image: 'busybox', command: ['false'] }],
      containers: [{ name: 'main', image: 'busybox', command: ['true'] }],
    }));
    settle(k, 's');
    runtime.exit('uid-s', 'setup', 1, clock.now());
    relisted(k, clock, 's');
    assert.deepEqual(runtime.signals, ['side:SIGTERM']);
    assert.equal(store.get('Pod', 'default', 's')!.status.phase, 'Pending', 'until the sidecar has gone');
    runtime.exit('uid-s', 'side', 143, clock.now());
    relisted(k, clock, 's');
    relisted(k, clock, 's');
    const st = store.get('Pod', 'default', 's')!.status;
    assert.equal(st.phase, 'Failed');
    assert.deepEqual(st.initContainerStatuses.map((x: any) => Object.keys(x.state)[0]), ['terminated', 'terminated']);
    assert.deepEqual(runtime.started.map((x) => x.container), ['side', 'setup'], 'neither restarted, main never started');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("a hostPath under the pod's own directory is a hostPath: refused, as it shows the state directory", () => {
  const { home, store, k } = setup('bwrap');
  try {
    const own = path.join(home, 'pods', 'uid-h', 'volumes', 'x');
    store.create(pod('h', { nodeName: 'node-1', volumes: [{ name: 'v', hostPath: { path: own } }], containers: [{ name: 'c', image: 'busybox', command: ['true'], volumeMounts: [{ name: 'v', mountPath: '/v' }] }] }));
    settle(k, 'h');
    const waiting = store.get('Pod', 'default', 'h')!.status.containerStatuses[0].state.waiting;
    assert.deepEqual(waiting, { reason: 'CreateContainerConfigError', message: `kjob: a hostPath volume (${own}) may not show a kjob state directory (${home}) to a pod` });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a failed pod says PodFailed in Ready and ContainersReady; a container waiting for its first start keeps the pod Pending', () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    store.create(pod('f', { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox', command: ['false'] }] }));
    settle(k, 'f');
    runtime.exit('uid-f', 'c', 1, clock.now());
    relisted(k, clock, 'f');
    const st = store.get('Pod', 'default', 'f')!.status;
    assert.equal(st.phase, 'Failed');
    assert.deepEqual(st.conditions.filter((c: any) => c.type.endsWith('Ready')).map((c: any) => [c.type, c.status, c.reason]), [
      ['Ready', 'False', 'PodFailed'],
      ['ContainersReady', 'False', 'PodFailed'],
    ]);
    assert.equal(st.conditions.find((c: any) => c.type === 'Initialized').reason, undefined);
    // One container runs, the other waits for a ConfigMap that is not there: Pending (getPhase's waiting > 0).
    store.create(pod('w', { nodeName: 'node-1', containers: [
      { name: 'a', image: 'busybox', command: ['sleep', '9'] },
      { name: 'b', image: 'busybox', command: ['true'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] },
    ] }));
    relisted(k, clock, 'w');
    relisted(k, clock, 'w'); // the start seen
    const w = store.get('Pod', 'default', 'w')!.status;
    assert.deepEqual(w.containerStatuses.map((s: any) => Object.keys(s.state)[0]), ['running', 'waiting']);
    assert.equal(w.phase, 'Pending');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('expand: $(VAR), $$ escape, unknown and unterminated references', () => {
  const m = (n: string) => ({ A: 'x', B: 'y' } as any)[n];
  assert.equal(expand('$(A)-$(B)', m), 'x-y');
  assert.equal(expand('$$(A)', m), '$(A)');
  assert.equal(expand('$(C) $A $(A', m), '$(C) $A $(A');
});

test('buildEnv: values, fieldRefs, expansion, completion index, defaults', () => {
  const p = pod('p', {}, { labels: { app: 'w' }, annotations: { 'batch.kubernetes.io/job-completion-index': '2' } });
  p.spec.nodeName = 'node-1';
  const c = { name: 'c', command: ['echo', '$(GREETING)', '$(POD)'], env: [{ name: 'WHO', value: 'me' }, { name: 'GREETING', value: 'hi $(WHO)' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }, { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] };
  const env = buildEnv(p, c, { hostIP: '10.0.0.5', hostname: 'p' });
  assert.equal(env.get('GREETING'), 'hi me');
  assert.equal(env.get('APP'), 'w');
  assert.equal(env.get('IP'), '10.0.0.5');
  assert.equal(env.get('JOB_COMPLETION_INDEX'), '2');
  assert.equal(env.get('PATH'), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  assert.equal(env.get('HOSTNAME'), 'p');
  assert.equal(env.get('HOME'), '/root');
  assert.deepEqual(buildCommand(c, env), ['echo', 'hi me', 'p']);
  assert.deepEqual(buildCommand({ args: ['sh', '-c', 'x'] }, env), ['sh', '-c', 'x']);
});

test('lookupExecutable: PATH search, relative to workingDir, messages', () => {
  assert.deepEqual(lookupExecutable('sh', '/usr/bin:/bin', '/'), { ok: true, path: '/usr/bin/sh' });
  assert.deepEqual(lookupExecutable('bin/sh', '/nowhere', '/'), { ok: true, path: '/bin/sh' });
  const r = lookupExecutable('echo123', '/usr/bin:/bin', '/');
  assert.equal(r.ok, false);
  assert.equal((r as any).message, 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "echo123": executable file not found in $PATH: unknown');
  const r2 = lookupExecutable('./nope', '/bin', '/');
  assert.match((r2 as any).message, /exec: "\.\/nope": stat \.\/nope: no such file or directory: unknown$/);
});

test('restart back-off: 0, 10s, 20s … capped at 300s; a long run resets', () => {
  const at = (n: number, start: number, end: number): AttemptState => ({ n, containerID: 'x', running: false, exitCode: 1, startedAt: new Date(start).toISOString(), finishedAt: new Date(end).toISOString() });
  const seq: AttemptState[] = [];
  const delays: number[] = [];
  for (let i = 0; i < 9; i++) { seq.push(at(i, i * 1000, i * 1000 + 1)); delays.push(restartDelayMs(seq, 10_000, 300_000)); }
  assert.deepEqual(delays, [0, 10e3, 20e3, 40e3, 80e3, 160e3, 300e3, 300e3, 300e3]);
  seq.push(at(9, 0, 700_000));
  assert.equal(restartDelayMs(seq, 10_000, 300_000), 0);
  assert.equal(goDuration(10_000), '10s');
  assert.equal(goDuration(80_000), '1m20s');
  assert.equal(goDuration(300_000), '5m0s');
});

test('bwrap argv: sandbox flags, mounts, env', () => {
  const a = bwrapArgv({ hostname: 'h', hostsFile: '/p/hosts', hostnameFile: '/p/hostname', mounts: [{ source: '/p/volumes/v', target: '/input', readOnly: false }, { source: '/data', target: '/d', readOnly: true }], workingDir: '/', env: new Map([['A', '1']]), argv: ['/bin/true'], hidden: [{ dir: '/home/u/.kjob', cover: '/home/u/.kjob/run/empty' }, { dir: '/srv/old' }] });
  const s = a.join(' ');
  assert.ok(s.startsWith('/usr/bin/bwrap ') && s.includes(' --ro-bind /usr /usr '), s);
  assert.ok(!s.includes('--ro-bind / /'), 'the host root is bound directory by directory, so mount points can be created');
  assert.ok(s.includes('--dev /dev --proc /proc --ro-bind /proc/sys /proc/sys --ro-bind-try /proc/sysrq-trigger /proc/sysrq-trigger'), 'sysctls are read-only');
  assert.ok(s.includes('--unshare-pid --as-pid-1 --unshare-ipc --unshare-uts --new-session --die-with-parent --cap-drop ALL --cap-add CAP_CHOWN '), s);
  const caps = a.flatMap((x, i) => (a[i - 1] === '--cap-add' ? [x] : []));
  assert.deepEqual(caps, ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE']);
  assert.ok(!caps.includes('CAP_SYS_ADMIN'));
  assert.ok(s.includes('--tmpfs /tmp --tmpfs /run --ro-bind-try /run/systemd/resolve /run/systemd/resolve --ro-bind-try /home/u/.kjob/run/empty /home/u/.kjob --tmpfs /srv/old --hostname h --ro-bind /p/hosts /etc/hosts'), 'a private /run; the state directories are covered (by their empty directory while it exists; by a tmpfs without one) before the volumes are bound');
  assert.ok(!s.includes('--ro-bind /run /run'), "the host's /run (other pods' network namespaces) is not bound");
  assert.ok(s.includes('--bind /p/volumes/v /input --ro-bind /data /d --chdir / --clearenv --setenv A 1 -- /bin/true'));
});

test('Never pod: Pending → ContainerCreating → Running → Completed, events, conditions', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('pi', { containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['sh', '-c', 'true'] }] }));
  // One sync binds the pod, writes its status, then starts its container, in that order.
  const statusAtStart: string[] = [];
  const start = runtime.start.bind(runtime);
  runtime.start = (s) => {
    statusAtStart.push(statusOf(store.get('Pod', 'default', 'pi')!));
    start(s);
  };
  let r = k.syncPod('default', 'pi');
  let p = store.get('Pod', 'default', 'pi')!;
  assert.equal(p.spec.nodeName, 'node-1');
  assert.equal(store.events[0].message, 'Successfully assigned default/pi to node-1');
  assert.equal(statusOf(store.history[0]), 'Pending', 'bound first');
  assert.equal(statusOf(p), 'ContainerCreating');
  assert.equal(p.status.podIP, undefined);
  assert.equal(p.status.containerStatuses[0].image, 'perl:5.34.0', 'not created yet: the spec\'s image');
  assert.deepEqual(statusAtStart, ['ContainerCreating'], 'the container starts once ContainerCreating is written');
  assert.deepEqual(store.events.slice(1).map((e) => e.reason), ['Pulled', 'Created', 'Started']);
  assert.equal(runtime.started.length, 1);
  assert.equal(r.requeueAfterMs, KUBERNETES_TIMING.plegRelistMs, 'the start is reported at the next relist');
  assert.equal(k.changeNeedsSync(asKind('Pod', p)), false, 'nor by a sync for the status the kubelet wrote itself');
  assert.equal(k.changeNeedsSync(asKind('Pod', store.history[0])), false, 'or for the binding before it');
  r = relisted(k, clock, 'pi');
  p = store.get('Pod', 'default', 'pi')!;
  assert.equal(p.status.phase, 'Running');
  assert.equal(p.status.containerStatuses[0].ready, true);
  assert.match(p.status.containerStatuses[0].containerID, /^containerd:\/\/[0-9a-f]{64}$/);
  assert.equal(p.status.containerStatuses[0].image, 'docker.io/library/perl:5.34.0', 'created: the image as the runtime resolved it');
  assert.deepEqual(store.events.slice(1).map((e) => e.reason), ['Pulled', 'Created', 'Started']);
  assert.equal(store.events[1].fieldPath, 'spec.containers{pi}');
  assert.equal(store.events[1].message, 'Container image "perl:5.34.0" already present on machine');
  clock.step(5000);
  runtime.exit('uid-pi', 'pi', 0, clock.now());
  r = settle(k, 'pi');
  p = store.get('Pod', 'default', 'pi')!;
  assert.equal(p.status.phase, 'Succeeded');
  assert.equal(statusOf(p), 'Completed');
  assert.deepEqual(p.status.conditions.map((c: any) => `${c.type}=${c.status}${c.reason ? '/' + c.reason : ''}`), ['PodReadyToStartContainers=False', 'Initialized=True/PodCompleted', 'Ready=False/PodCompleted', 'ContainersReady=False/PodCompleted', 'PodScheduled=True']);
  assert.equal(p.status.containerStatuses[0].state.terminated.finishedAt, '2026-11-23T12:00:06Z'); // 5s after the relist
  assert.deepEqual(store.history.map(statusOf), ['Pending', 'ContainerCreating', 'Running', 'Completed']);
  const before = store.history.length;
  k.syncPod('default', 'pi');
  assert.equal(store.history.length, before, 'idempotent');
});

test('a container that ends before the PLEG relists is never seen Running: ContainerCreating, then Completed, as a cluster shows a short container', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('quick', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  const r = settle(k, 'quick');
  assert.equal(runtime.started.length, 1);
  assert.equal(r.requeueAfterMs, KUBERNETES_TIMING.plegRelistMs);
  clock.step(30);
  runtime.exit('uid-quick', 'c', 0, clock.now()); // its shim's note wakes the sync before the relist
  settle(k, 'quick');
  assert.deepEqual(store.history.map(statusOf), ['Pending', 'ContainerCreating', 'Completed']);
  assert.deepEqual(store.events.map((e) => e.reason), ['Scheduled', 'Pulled', 'Created', 'Started']);
});

test('executable not found with Never: StartError exit 128, epoch start, Failed', () => {
  const { store, clock, k } = setup();
  store.create(pod('f', { containers: [{ name: 'test-job', image: 'busybox', command: ['echo123', 'test failed job!'] }] }));
  settle(k, 'f');
  relisted(k, clock, 'f');
  const p = store.get('Pod', 'default', 'f')!;
  assert.equal(p.status.phase, 'Failed');
  const t = p.status.containerStatuses[0].state.terminated;
  assert.equal(t.reason, 'StartError');
  assert.equal(t.exitCode, 128);
  assert.equal(t.startedAt, '1970-01-01T00:00:00Z');
  assert.match(t.message, /exec: "echo123": executable file not found in \$PATH: unknown$/);
  assert.deepEqual(store.history.map(statusOf), ['Pending', 'ContainerCreating', 'StartError']);
  assert.ok(store.events.some((e) => e.reason === 'Failed' && e.type === 'Warning' && e.message === `Error: ${t.message}`));
});

test('a restart back-off counts from the end to the millisecond, not from its whole second', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('b', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['false'] }] }));
  settle(k, 'b');
  runtime.exit('uid-b', 'c', 1, clock.now());
  relisted(k, clock, 'b'); // the first exit restarts at once
  assert.equal(runtime.started.length, 2);
  clock.step(900 - (clock.now().getTime() % 1000)); // late in a second
  runtime.exit('uid-b', 'c', 1, clock.now());
  const r = settle(k, 'b');
  assert.equal(store.get('Pod', 'default', 'b')!.status.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
  assert.equal(r.requeueAfterMs, 10_000, 'ten seconds from the end, not from its whole second');
  clock.step(9_500);
  settle(k, 'b');
  assert.equal(runtime.started.length, 2, 'not restarted 9.5 s after');
  clock.step(500);
  settle(k, 'b');
  assert.equal(runtime.started.length, 3);
});

test('OnFailure StartError: RunContainerError, immediate restart, then CrashLoopBackOff 10s', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('f', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['echo123'] }] }));
  let r = settle(k, 'f');
  let p = store.get('Pod', 'default', 'f')!;
  assert.equal(runtime.started.length, 0);
  assert.deepEqual(store.history.map((h) => `${statusOf(h)} ${h.status.containerStatuses?.[0]?.restartCount ?? 0}`), ['Pending 0', 'ContainerCreating 0', 'RunContainerError 0', 'RunContainerError 1', 'CrashLoopBackOff 1']);
  assert.equal(p.status.phase, 'Running');
  assert.equal(r.requeueAfterMs, 10_000);
  assert.equal(p.status.containerStatuses[0].state.waiting.message, 'back-off 10s restarting failed container=c pod=f_default(uid-f)');
  assert.equal(p.status.containerStatuses[0].lastState.terminated.reason, 'StartError');
  assert.ok(store.events.some((e) => e.reason === 'BackOff' && e.message === 'Back-off restarting failed container c in pod f_default(uid-f)'));
  clock.step(10_000);
  r = settle(k, 'f');
  p = store.get('Pod', 'default', 'f')!;
  assert.equal(p.status.containerStatuses[0].restartCount, 2);
  assert.equal(p.status.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
  assert.equal(p.status.containerStatuses[0].state.waiting.message, 'back-off 20s restarting failed container=c pod=f_default(uid-f)');
  // doBackOff at each retried sync (every 10 s) of the 20 s back-off: BackOff again, no restart.
  const backOffs = () => store.events.filter((e) => e.reason === 'BackOff').length;
  const before = backOffs();
  assert.equal(r.requeueAfterMs, 10_000);
  clock.step(10_000);
  r = settle(k, 'f');
  assert.equal(backOffs(), before + 1);
  assert.equal(store.get('Pod', 'default', 'f')!.status.containerStatuses[0].restartCount, 2);
  assert.equal(r.requeueAfterMs, 10_000);
  clock.step(10_000);
  settle(k, 'f');
  assert.equal(store.get('Pod', 'default', 'f')!.status.containerStatuses[0].restartCount, 3, 'restarted once the 20 s have passed');
});

test('OnFailure: failed container restarts in place, success ends Succeeded', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('o', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] }));
  settle(k, 'o');
  runtime.exit('uid-o', 'c', 3, clock.now());
  settle(k, 'o');
  relisted(k, clock, 'o');
  let p = store.get('Pod', 'default', 'o')!;
  assert.equal(p.status.containerStatuses[0].restartCount, 1);
  assert.ok(p.status.containerStatuses[0].state.running);
  assert.equal(p.status.containerStatuses[0].lastState.terminated.exitCode, 3);
  assert.equal(p.status.containerStatuses[0].lastState.terminated.reason, 'Error');
  runtime.exit('uid-o', 'c', 0, clock.now());
  settle(k, 'o');
  p = store.get('Pod', 'default', 'o')!;
  assert.equal(p.status.phase, 'Succeeded');
  assert.equal(p.status.containerStatuses[0].restartCount, 1);
});

test('init containers: Init:0/1 → PodInitializing → Running; volume mount without bwrap refused', () => {
  const { store, clock, runtime, k } = setup();
  const spec = { initContainers: [{ name: 'input', image: 'bash', command: ['sh', '-c', 'true'] }], containers: [{ name: 'worker', image: 'busybox', command: ['sh', '-c', 'true'] }] };
  store.create(pod('ix', spec));
  settle(k, 'ix');
  relisted(k, clock, 'ix');
  runtime.exit('uid-ix', 'input', 0, clock.now());
  settle(k, 'ix');
  relisted(k, clock, 'ix');
  const seq = store.history.map(statusOf);
  assert.deepEqual(seq, ['Pending', 'Init:0/1', 'Init:0/1', 'PodInitializing', 'Running']);
  const p = store.get('Pod', 'default', 'ix')!;
  assert.equal(p.status.initContainerStatuses[0].state.terminated.reason, 'Completed');

  const n = setup('none');
  n.store.create(pod('v', { volumes: [{ name: 'input', emptyDir: {} }], containers: [{ name: 'w', image: 'busybox', command: ['true'], volumeMounts: [{ name: 'input', mountPath: '/input' }] }] }));
  settle(n.k, 'v');
  const q = n.store.get('Pod', 'default', 'v')!;
  assert.deepEqual(q.status.containerStatuses[0].state.waiting, { reason: 'CreateContainerConfigError', message: 'kjob: volume mounts need bubblewrap (apt-get install bubblewrap)' });
  assert.equal(n.runtime.started.length, 0);
});

test('deletion: SIGTERM, Killing event, SIGKILL after grace, final status, then delete', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('d', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
  settle(k, 'd');
  markDeleted(store, clock, 'd');
  let r = k.syncPod('default', 'd');
  assert.deepEqual(runtime.signals, ['c:SIGTERM']);
  assert.equal(r.requeueAfterMs, RELIST_MS, 'relisted while it runs, though the grace period is longer');
  clock.step(28_000);
  r = k.syncPod('default', 'd');
  assert.equal(r.requeueAfterMs, 2000, 'and woken at the deadline');
  clock.step(2000);
  assert.ok(store.events.some((e) => e.reason === 'Killing' && e.message === 'Stopping container c'));
  k.syncPod('default', 'd');
  assert.deepEqual(runtime.signals, ['c:SIGTERM', 'c:SIGKILL']);
  runtime.exit('uid-d', 'c', 137, clock.now());
  r = k.syncPod('default', 'd');
  const last = store.history.at(-1)!;
  assert.equal(last.status.phase, 'Failed');
  assert.equal(last.status.containerStatuses[0].state.terminated.exitCode, 137);
  assert.deepEqual(store.deleted, ['d']);
});

const STATUS_UNKNOWN = { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: null, finishedAt: null };
const missingConfigMap = [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }];

/** Deletes a pod once a container of it waits for a missing ConfigMap, its container `running` ending by the SIGTERM (143): the last status written before it went. */
function deletedWhileWaiting(t: ReturnType<typeof setup>, name: string, running: string) {
  const { store, clock, runtime, k } = t;
  settle(k, name);
  relisted(k, clock, name);
  assert.ok(store.get('Pod', 'default', name)!.status.containerStatuses.some((s: any) => s.state.waiting?.reason === 'CreateContainerConfigError'));
  markDeleted(store, clock, name);
  k.syncPod('default', name);
  runtime.exit(`uid-${name}`, running, 143, clock.now());
  k.syncPod('default', name);
  assert.deepEqual(store.deleted, [name]);
  return store.history.at(-1)!.status;
}

test("TerminatePod: a deleted pod's container that never started is written terminated, ContainerStatusUnknown (137), before the pod goes", () => {
  const t = setup();
  t.store.create(pod('d', { containers: [
    { name: 'a', image: 'busybox', command: ['sleep', '100'] },
    { name: 'b', image: 'busybox', command: ['true'], env: missingConfigMap },
  ] }));
  const last = deletedWhileWaiting(t, 'd', 'a');
  assert.equal(last.phase, 'Failed');
  assert.equal(last.containerStatuses[0].state.terminated.reason, 'Error', 'one that ran keeps its own end');
  assert.deepEqual(last.containerStatuses[1].state, { terminated: STATUS_UNKNOWN });
  assert.equal(last.containerStatuses[1].restartCount, 0);
});

test("TerminatePod with init containers: before the pod has initialized its containers stay waiting; the init containers up to the last that tried are ContainerStatusUnknown", () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('i', {
    initContainers: [{ name: 'setup', image: 'busybox', command: ['true'], env: missingConfigMap }, { name: 'more', image: 'busybox', command: ['true'] }],
    containers: [{ name: 'main', image: 'busybox', command: ['true'] }],
  }));
  settle(k, 'i');
  markDeleted(store, clock, 'i');
  k.syncPod('default', 'i');
  const last = store.history.at(-1)!.status;
  assert.equal(last.phase, 'Failed');
  // initializedContainers: all waiting, so the first.
  assert.deepEqual(last.initContainerStatuses.map((s: any) => s.state), [{ terminated: STATUS_UNKNOWN }, { waiting: { reason: 'PodInitializing' } }]);
  // hasPodInitialized: no container left waiting, no init container done.
  assert.deepEqual(last.containerStatuses[0].state, { waiting: { reason: 'PodInitializing' } });
  assert.deepEqual(store.deleted, ['i']);
  // Its last init container done (exit 0): initialized, so the container that waited is marked too.
  store.create(pod('j', {
    initContainers: [{ name: 'setup', image: 'busybox', command: ['true'] }],
    containers: [{ name: 'main', image: 'busybox', command: ['true'], env: missingConfigMap }],
  }));
  settle(k, 'j');
  runtime.exit('uid-j', 'setup', 0, clock.now());
  relisted(k, clock, 'j');
  assert.equal(store.get('Pod', 'default', 'j')!.status.containerStatuses[0].state.waiting.reason, 'CreateContainerConfigError');
  markDeleted(store, clock, 'j');
  k.syncPod('default', 'j');
  const j = store.history.at(-1)!.status;
  assert.equal(j.initContainerStatuses[0].state.terminated.reason, 'Completed');
  assert.deepEqual(j.containerStatuses[0].state, { terminated: STATUS_UNKNOWN });
  // hasPodInitialized reads the stored status (upstream's pod.Status): an init container whose
  // success no sync had published yet does not count, though the final status shows it.
  store.create(pod('k', {
    initContainers: [{ name: 'setup', image: 'busybox', command: ['true'] }],
    containers: [{ name: 'main', image: 'busybox', command: ['true'] }],
  }));
  settle(k, 'k');
  relisted(k, clock, 'k');
  assert.ok(store.get('Pod', 'default', 'k')!.status.initContainerStatuses[0].state.running);
  runtime.exit('uid-k', 'setup', 0, clock.now());
  markDeleted(store, clock, 'k');
  k.syncPod('default', 'k');
  const kst = store.history.at(-1)!.status;
  assert.equal(kst.initContainerStatuses[0].state.terminated.reason, 'Completed');
  assert.deepEqual(kst.containerStatuses[0].state, { waiting: { reason: 'PodInitializing' } });
});

test("TerminatePod after activeDeadlineSeconds: a container that never started, or waits in CrashLoopBackOff, is ContainerStatusUnknown, the pod Failed with DeadlineExceeded", () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('e', { activeDeadlineSeconds: 5, containers: [{ name: 'c', image: 'busybox', command: ['true'], env: missingConfigMap }] }));
  settle(k, 'e');
  assert.equal(store.get('Pod', 'default', 'e')!.status.phase, 'Pending');
  clock.step(5000);
  settle(k, 'e');
  const st = store.get('Pod', 'default', 'e')!.status;
  assert.equal(st.phase, 'Failed');
  assert.equal(st.reason, 'DeadlineExceeded');
  assert.deepEqual(st.containerStatuses[0].state, { terminated: STATUS_UNKNOWN });
  // A container in CrashLoopBackOff at the deadline: still waiting to ShouldContainerBeRestarted,
  // so ContainerStatusUnknown too, its last end kept as lastState.
  store.create(pod('b', { restartPolicy: 'OnFailure', activeDeadlineSeconds: 30, containers: [{ name: 'c', image: 'busybox', command: ['false'] }] }));
  settle(k, 'b');
  for (let i = 0; i < 2; i++) {
    runtime.exit('uid-b', 'c', 1, clock.now());
    relisted(k, clock, 'b');
  }
  const before = store.get('Pod', 'default', 'b')!.status.containerStatuses[0];
  assert.equal(before.state.waiting.reason, 'CrashLoopBackOff');
  clock.step(30_000);
  settle(k, 'b');
  const after = store.get('Pod', 'default', 'b')!.status;
  assert.equal(after.reason, 'DeadlineExceeded');
  assert.deepEqual(after.containerStatuses[0].state, { terminated: STATUS_UNKNOWN });
  assert.deepEqual(after.containerStatuses[0].lastState, before.lastState);
  assert.equal(after.containerStatuses[0].restartCount, before.restartCount);
});

test('TerminatePod changes no condition: a deleted pod whose sidecar had started and whose container never did is not Initialized', () => {
  const t = setup();
  t.store.create(pod('s', {
    initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always', command: ['sleep', '100'] }],
    containers: [{ name: 'main', image: 'busybox', command: ['true'], env: missingConfigMap }],
  }));
  const last = deletedWhileWaiting(t, 's', 'side');
  // hasPodInitialized: the sidecar had started (the stored status), so the container is marked.
  assert.deepEqual(last.containerStatuses[0].state, { terminated: STATUS_UNKNOWN });
  assert.deepEqual(last.conditions.find((c: any) => c.type === 'Initialized'), { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [side]', lastProbeTime: null, lastTransitionTime: last.conditions.find((c: any) => c.type === 'Initialized').lastTransitionTime });
});

test('a kill always leaves 2 s between SIGTERM and SIGKILL (minimumGracePeriodInSeconds): `delete --now` (1 s), a grace period of 0', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('d', { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
  settle(k, 'd');
  markDeleted(store, clock, 'd', 1);
  k.syncPod('default', 'd');
  assert.deepEqual(runtime.signals, ['c:SIGTERM']);
  clock.step(1_500);
  k.syncPod('default', 'd');
  assert.deepEqual(runtime.signals, ['c:SIGTERM'], 'not yet at 1.5 s');
  clock.step(500);
  k.syncPod('default', 'd');
  assert.deepEqual(runtime.signals, ['c:SIGTERM', 'c:SIGKILL']);
});

test('the grace period counts from the SIGTERM, to the millisecond: a deletionTimestamp truncated to the second does not shorten it', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('g', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
  settle(k, 'g');
  clock.step(900 - (clock.now().getTime() % 1000)); // late in a second
  markDeleted(store, clock, 'g', 2); // 1.1 s away
  k.syncPod('default', 'g');
  assert.deepEqual(runtime.signals, ['c:SIGTERM']);
  clock.step(1500);
  k.syncPod('default', 'g');
  assert.deepEqual(runtime.signals, ['c:SIGTERM'], 'not killed at the truncated deletionTimestamp');
  clock.step(500);
  k.syncPod('default', 'g');
  assert.deepEqual(runtime.signals, ['c:SIGTERM', 'c:SIGKILL'], 'killed two seconds after the SIGTERM');
});

test('relist: a running container is looked at again every 2s, and its loss is then seen', () => {
  const { store, clock, runtime, k } = setup();
  assert.equal(RELIST_MS, 2000);
  store.create(pod('r', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
  settle(k, 'r');
  let r = relisted(k, clock, 'r');
  assert.equal(store.get('Pod', 'default', 'r')!.status.phase, 'Running');
  assert.equal(r.requeueAfterMs, RELIST_MS);
  r = k.syncPod('default', 'r'); // nothing changed: still relisted
  assert.equal(r.requeueAfterMs, RELIST_MS);
  // The shim and the container were killed: no exit note comes; the relist finds the exit the
  // runtime recorded for the lost shim.
  clock.step(RELIST_MS);
  runtime.exit('uid-r', 'c', 255, clock.now());
  settle(k, 'r');
  relisted(k, clock, 'r');
  const p = store.get('Pod', 'default', 'r')!;
  assert.equal(p.status.containerStatuses[0].lastState.terminated.exitCode, 255);
  assert.equal(p.status.containerStatuses[0].restartCount, 1);
});

test('relist under a simulated clock: 2s of real time on the kubelet clock, never less than 2000', () => {
  for (const [rate, want] of [[60, 120_000], [1, 2000], [0, 2000]] as const) {
    const { store, clock, k } = setup();
    (clock as any).fromReal = (ms: number) => Math.floor(1e12 + ms * rate);
    store.create(pod('s', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
    settle(k, 's');
    assert.equal(relisted(k, clock, 's').requeueAfterMs, want, `rate ${rate}`);
  }
});

test('podRemoved / cleanupOrphans: the runtime removes the pod (killing what runs), logs go', () => {
  const { home, store, runtime, k } = setup();
  store.create(pod('a', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
  store.create(pod('b', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '100'] }] }));
  settle(k, 'a');
  settle(k, 'b');
  for (const n of ['a', 'b']) { fs.mkdirSync(path.join(home, 'logs', `default_${n}_uid-${n}`, 'c'), { recursive: true }); }
  k.podRemoved('uid-a');
  assert.deepEqual(runtime.removed, ['uid-a']);
  assert.equal(runtime.anyRunning(), true);
  assert.deepEqual(fs.readdirSync(path.join(home, 'logs')), ['default_b_uid-b']);
  k.cleanupOrphans(new Set(['uid-b']));
  assert.deepEqual(runtime.removed, ['uid-a']);
  k.cleanupOrphans(new Set());
  assert.deepEqual(runtime.removed, ['uid-a', 'uid-b']);
  assert.equal(runtime.anyRunning(), false);
  assert.deepEqual(fs.readdirSync(path.join(home, 'logs')), []);
});

test('image pull events: Always pulls (Pulling, then Pulled with time and size); IfNotPresent and Never find it present', () => {
  const { store, k } = setup();
  store.create(pod('a', { containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'Always', command: ['sh', '-c', 'true'] }] }));
  store.create(pod('b', { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'true'] }] }));
  store.create(pod('n', { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Never', command: ['sh', '-c', 'true'] }] }));
  settle(k, 'a');
  const a = store.events.filter((e) => e.reason.startsWith('Pull'));
  assert.deepEqual(a.map((e) => e.reason), ['Pulling', 'Pulled']);
  assert.equal(a[0].message, 'Pulling image "busybox"');
  assert.match(a[1].message, /^Successfully pulled image "busybox" in (\d+ms|0s|[\d.]+s) \(\1 including waiting\)\. Image size: [1-9]\d* bytes\.$/);
  assert.equal(a[1].fieldPath, 'spec.containers{c}');
  store.events = [];
  settle(k, 'b');
  settle(k, 'n');
  assert.deepEqual(store.events.filter((e) => e.reason.startsWith('Pull')).map((e) => e.message), [
    'Container image "busybox:1.36" already present on machine',
    'Container image "busybox:1.36" already present on machine',
  ]);
});

test('resourceFieldRef: limits default to the node allocatable, cpu rounds up to the divisor, containerName', () => {
  const p = pod('p', {
    containers: [
      { name: 'c', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
      { name: 'side', resources: { limits: { memory: '1Gi' }, requests: { memory: '1Gi' } } },
    ],
  });
  const ref = (resource: string, divisor?: string, containerName?: string) => ({ name: resource, valueFrom: { resourceFieldRef: { resource, ...(divisor ? { divisor } : {}), ...(containerName ? { containerName } : {}) } } });
  const c = {
    ...p.spec.containers[0],
    env: [
      { ...ref('limits.cpu'), name: 'CPU_LIMIT' },
      { ...ref('requests.cpu'), name: 'CPU_REQ' },
      { ...ref('requests.cpu', '1m'), name: 'CPU_REQ_M' },
      { ...ref('requests.memory'), name: 'MEM_REQ' },
      { ...ref('requests.memory', '1Mi'), name: 'MEM_REQ_MI' },
      { ...ref('limits.memory', '1Mi'), name: 'MEM_LIMIT_MI' },
      { ...ref('limits.memory', '1Mi', 'side'), name: 'SIDE_LIMIT_MI' },
      { ...ref('limits.ephemeral-storage', '1Gi'), name: 'EPH' },
      { ...ref('requests.ephemeral-storage', '0'), name: 'EPH_REQ' },
    ],
  };
  const env = buildEnv(p, c, { hostIP: '10.0.0.5', hostname: 'p', allocatable: { cpu: '4', memory: '8Gi', 'ephemeral-storage': '10Gi', pods: '110' } });
  const got = Object.fromEntries([...env].filter(([k]) => !['PATH', 'HOSTNAME', 'HOME'].includes(k)));
  assert.deepEqual(got, { CPU_LIMIT: '4', CPU_REQ: '1', CPU_REQ_M: '250', MEM_REQ: '67108864', MEM_REQ_MI: '64', MEM_LIMIT_MI: '8192', SIDE_LIMIT_MI: '1024', EPH: '10', EPH_REQ: '0' });
});

test('an unschedulable pod stays Pending: not started, requeued for another attempt', () => {
  const { store, runtime, k } = setup();
  store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } }, spec: {}, status: { allocatable: { cpu: '1', memory: '1Gi', pods: '110' } } });
  store.create(pod('p', { nodeSelector: { disktype: 'ssd' }, containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  let r = k.syncPod('default', 'p');
  assert.equal(r.requeueAfterMs, RELIST_MS);
  r = k.syncPod('default', 'p');
  const p = store.get('Pod', 'default', 'p')!;
  assert.equal(p.spec.nodeName, undefined);
  assert.equal(p.status.phase, 'Pending');
  assert.equal(runtime.started.length, 0);
  assert.deepEqual(store.events.map((e) => `${e.type} ${e.reason}`), ['Warning FailedScheduling']);
  assert.match(store.events[0].message, /^0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector\. /);
});

const warnings = (store: FakeStore) => store.events.filter((e) => e.type === 'Warning' && !['Failed', 'BackOff'].includes(e.reason)).map((e) => `${e.reason} ${e.fieldPath ?? ''}: ${e.message}`);

test('OOMKilled: a container the kernel killed for its memory limit says so (137, reason OOMKilled)', () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('m', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'true'], resources: { limits: { memory: '50Mi' } } }] }));
  settle(k, 'm');
  runtime.exit('uid-m', 'c', 137, clock.now(), 'OOMKilled');
  settle(k, 'm');
  const p = store.get('Pod', 'default', 'm')!;
  assert.equal(p.status.phase, 'Failed');
  assert.equal(p.status.containerStatuses[0].state.terminated.reason, 'OOMKilled');
  assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 137);
  assert.deepEqual(warnings(store), [], 'limits enforced: nothing to warn about');
});

test('a command missing on this machine: StartError as on a cluster, and once a Warning that names the package', () => {
  const { store, clock, k } = setup();
  // PATH without ping: what a machine without iputils-ping looks like to the lookup.
  store.create(pod('p', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['ping', '-c1', 'x'], env: [{ name: 'PATH', value: '/nonexistent' }] }] }));
  settle(k, 'p');
  clock.step(10_000);
  settle(k, 'p');
  const p = store.get('Pod', 'default', 'p')!;
  assert.equal(p.status.containerStatuses[0].lastState.terminated.reason, 'StartError');
  assert.equal(p.status.containerStatuses[0].lastState.terminated.exitCode, 128);
  assert.ok(store.events.filter((e) => e.reason === 'Failed').length >= 2, 'each start fails');
  assert.deepEqual(warnings(store), ['ExecutableNotFound spec.containers{c}: kjob runs this machine\'s programs, not those of image "busybox", and "ping" is not installed here; install it with: apt-get install iputils-ping']);
});

test('exit 127 and 126: once a Warning that explains the code, naming the missing command from the log', () => {
  const { home, store, clock, runtime, k } = setup();
  store.create(pod('s', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'bash', command: ['sh', '-c', 'rev < x'] }] }));
  settle(k, 's');
  const p0 = store.get('Pod', 'default', 's')!;
  fs.mkdirSync(path.dirname(containerLogPath(home, p0, 'c', 0)), { recursive: true });
  fs.writeFileSync(containerLogPath(home, p0, 'c', 0), 'sh: 1: rev: not found\n');
  runtime.exit('uid-s', 'c', 127, clock.now());
  settle(k, 's');
  runtime.exit('uid-s', 'c', 127, clock.now());
  clock.step(10_000);
  settle(k, 's');
  assert.deepEqual(warnings(store), ['CommandNotFound spec.containers{c}: Container c exited with code 127: "rev" was not found; kjob runs this machine\'s programs, not those of image "bash", and "rev" is not installed here; install it with: apt-get install util-linux']);

  const b = setup();
  b.store.create(pod('x', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', './run'] }] }));
  settle(b.k, 'x');
  b.runtime.exit('uid-x', 'c', 126, b.clock.now());
  settle(b.k, 'x');
  assert.deepEqual(warnings(b.store), ['CommandNotExecutable spec.containers{c}: Container c exited with code 126: a command was found but could not be run (no execute permission, or not a program for this machine); see its log']);
});

test('no sandbox: once per pod a Warning that says what the pod lacks and how to fix it; none when KJOB_SANDBOX=none chose it', () => {
  const { store, k } = setup('bwrap', { sandboxStatus: { sandboxed: false, reason: 'bubblewrap is not installed (/usr/bin/bwrap not found)', fix: 'apt-get install bubblewrap' } });
  store.create(pod('n', { containers: [{ name: 'a', image: 'busybox', command: ['sh', '-c', 'true'] }, { name: 'b', image: 'busybox', command: ['sh', '-c', 'true'] }] }));
  settle(k, 'n');
  assert.deepEqual(warnings(store), ['SandboxUnavailable : bubblewrap is not installed (/usr/bin/bwrap not found): the containers of this pod run as plain processes, in the host\'s PID namespace, with its hostname and /tmp and kjob\'s own privileges; install it with: apt-get install bubblewrap']);
  const chosen = setup('none');
  chosen.store.create(pod('n', { containers: [{ name: 'a', image: 'busybox', command: ['sh', '-c', 'true'] }] }));
  settle(chosen.k, 'n');
  assert.deepEqual(warnings(chosen.store), []);
});

test('cgroups unavailable: a container with a memory limit gets a Warning that it is not enforced; others none', () => {
  const { store, k } = setup('bwrap', { limits: { enforced: false, reason: 'the cgroup filesystem is read-only (/sys/fs/cgroup/memory)' } });
  store.create(pod('l', { containers: [{ name: 'a', image: 'busybox', command: ['sh', '-c', 'true'], resources: { limits: { memory: '50Mi' } } }, { name: 'b', image: 'busybox', command: ['sh', '-c', 'true'] }] }));
  settle(k, 'l');
  settle(k, 'l');
  assert.deepEqual(warnings(store), ['MemoryLimitNotEnforced spec.containers{a}: The memory limit of container a (50Mi) is not enforced: the cgroup filesystem is read-only (/sys/fs/cgroup/memory)']);
});

test("changeNeedsSync: a finished pod's later changes (its finalizer released, say) need no sync, unless it is being deleted", () => {
  const { store, clock, runtime, k } = setup();
  store.create(pod('done', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  settle(k, 'done');
  const running = store.get('Pod', 'default', 'done')!;
  assert.equal(k.changeNeedsSync(asKind('Pod', running)), false, 'the status the kubelet wrote itself (ContainerCreating), as it wrote it');
  const relabeled = { ...running, metadata: { ...running.metadata, labels: { a: 'b' }, resourceVersion: String(store.rv++) } };
  assert.equal(k.changeNeedsSync(asKind('Pod', relabeled)), true, 'not finished, and changed by someone else');
  clock.step(30);
  runtime.exit('uid-done', 'c', 0, clock.now());
  settle(k, 'done');
  const finished = store.get('Pod', 'default', 'done')!;
  assert.equal(finished.status.phase, 'Succeeded');
  // No pod network here: nothing is left of the pod for the kubelet to release.
  assert.equal(k.changeNeedsSync(asKind('Pod', finished)), false);
  assert.equal(k.changeNeedsSync(asKind('Pod', { ...finished, metadata: { ...finished.metadata, deletionTimestamp: '2026-11-23T12:01:00Z' } })), true, 'its deletion is the kubelet\'s to finish');
  assert.equal(k.changeNeedsSync(asKind('Pod', { ...finished, spec: { ...finished.spec, nodeName: 'elsewhere' } })), true);
  const unbound = pod('new', { containers: [{ name: 'c', image: 'busybox' }] });
  assert.equal(k.changeNeedsSync(asKind('Pod', unbound)), true, 'to be scheduled');
});

/** A pod network that is always ready: each pod's lease held until it is torn down. */
class FakeNetwork {
  leases = new Set<string>();
  tornDown: string[] = [];
  probe() { return { enabled: true }; }
  prepare(uid: string) { this.leases.add(uid); return { ip: '10.244.0.9', ready: true }; }
  whenDnsServing() { return true; }
  podIP(uid: string) { return this.leases.has(uid) ? '10.244.0.9' : undefined; }
  podNsPath(uid: string) { return `/run/netns/fake-${uid}`; }
  nodeNsPath() { return '/run/netns/fake-node'; }
  uids() { return [...this.leases]; }
  holds(uid: string) { return this.leases.has(uid); }
  reusedFor = new Map<string, string | undefined>();
  tearDown(uid: string, reuseFor?: string) { this.tornDown.push(uid); this.reusedFor.set(uid, reuseFor); this.leases.delete(uid); }
}

test("a finished pod's network goes in the sync that finishes it, unless it succeeded under a subdomain, which keeps it (and its syncs)", () => {
  const network = new FakeNetwork();
  const { store, clock, runtime, k } = setup('none', { network: network as unknown as PodNetwork });
  store.create(pod('plain', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  store.create(pod('peer', { subdomain: 'svc', hostname: 'peer-0', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  for (const name of ['plain', 'peer']) settle(k, name);
  assert.deepEqual(network.uids().sort(), ['uid-peer', 'uid-plain']);
  clock.step(30);
  for (const name of ['plain', 'peer']) runtime.exit(`uid-${name}`, 'c', 0, clock.now());
  k.syncPod('default', 'plain');
  k.syncPod('default', 'peer');
  assert.equal(store.get('Pod', 'default', 'plain')!.status.phase, 'Succeeded');
  assert.equal(store.get('Pod', 'default', 'peer')!.status.phase, 'Succeeded');
  assert.deepEqual(network.tornDown, ['uid-plain'], 'torn down in the sync that wrote Succeeded; the peer keeps its address');
  assert.equal(k.changeNeedsSync(asKind('Pod', store.get('Pod', 'default', 'plain')!)), false);
  assert.equal(k.changeNeedsSync(asKind('Pod', store.get('Pod', 'default', 'peer')!)), true, 'it holds a network still');
});

test("a finished pod's namespace is offered to its controller's next pod only when none of its containers runs or was killed, and only when sandboxed", () => {
  const job = { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'uid-job', controller: true, blockOwnerDeletion: true };
  const owned = (name: string, spec: any) => pod(name, spec, { ownerReferences: [job] });
  for (const sandbox of ['bwrap', 'none'] as const) {
    const network = new FakeNetwork();
    const { store, clock, runtime, k } = setup(sandbox, { network: network as unknown as PodNetwork });
    store.create(owned('done', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
    // An ephemeral container still running when the pod's containers have ended is stopped before
    // the pod ends (and its namespace, nothing left in it, offered then).
    store.create(owned('debugged', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }], ephemeralContainers: [{ name: 'debug', image: 'busybox', command: ['sleep', '60'] }] }));
    // A killed container's bwrap ends at once, maybe before the kernel has emptied its PID namespace.
    store.create(owned('killed', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '60'] }] }));
    for (const name of ['done', 'debugged', 'killed']) settle(k, name);
    runtime.a.set('uid-debugged/debug', [{ n: 0, containerID: 'kjob://debug', startedAt: '2026-11-23T12:00:01Z', running: true }]);
    runtime.signal('uid-killed', 'c', 0, 'SIGKILL', '2026-11-23T12:00:20Z');
    clock.step(30);
    for (const name of ['done', 'debugged']) runtime.exit(`uid-${name}`, 'c', 0, clock.now());
    runtime.exit('uid-killed', 'c', 137, clock.now());
    for (const name of ['done', 'debugged', 'killed']) k.syncPod('default', name);
    assert.equal(store.get('Pod', 'default', 'debugged')!.status.phase, 'Running', 'until its ephemeral container has gone');
    assert.ok(runtime.signals.includes('debug:SIGTERM'));
    runtime.exit('uid-debugged', 'debug', 143, clock.now());
    k.syncPod('default', 'debugged');
    assert.equal(store.get('Pod', 'default', 'debugged')!.status.phase, 'Succeeded');
    assert.equal(store.get('Pod', 'default', 'killed')!.status.phase, 'Failed');
    assert.deepEqual(new Map(network.reusedFor), new Map([['uid-done', sandbox === 'bwrap' ? 'uid-job' : undefined], ['uid-debugged', sandbox === 'bwrap' ? 'uid-job' : undefined], ['uid-killed', undefined]]), sandbox);
  }
});

test("an ephemeral container whose start fails is Created once, then Failed, as any container's", () => {
  const { home, store, runtime, k } = setup('none');
  store.create(pod('dbg', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '60'] }], ephemeralContainers: [{ name: 'debug', image: 'busybox', command: ['true'], targetContainerName: 'c' }] }));
  // The target's process (a plain one here: this test's own, recorded as the shim records it).
  const attempt = path.join(home, 'pods', 'uid-dbg', 'containers', 'c', '0');
  fs.mkdirSync(attempt, { recursive: true });
  fs.writeFileSync(path.join(attempt, 'pid'), `${process.pid}\n`);
  const start = runtime.start.bind(runtime);
  runtime.start = (s) => {
    if (s.container === 'debug') throw new Error('mkdir /sys/fs/cgroup/x: no space left on device');
    start(s);
  };
  settle(k, 'dbg'); // the target starts, then (the pod running) the ephemeral container
  const about = store.events.filter((e) => e.fieldPath === 'spec.ephemeralContainers{debug}').map((e) => e.reason);
  assert.deepEqual(about.filter((r) => r === 'Created' || r === 'Failed' || r === 'Started'), ['Created', 'Failed']);
  assert.match(runtime.a.get('uid-dbg/debug')?.[0]?.startError ?? '', /no space left on device/);
});

test("a sandbox in a pod's network namespace starts without the node's namespace files, unless a volume shows them", () => {
  const network = new FakeNetwork();
  const { store, runtime, k } = setup('bwrap', { network: network as unknown as PodNetwork });
  const mounted = (name: string, hostPath?: string) => pod(name, {
    containers: [{ name: 'c', image: 'busybox', command: ['true'], volumeMounts: hostPath ? [{ name: 'v', mountPath: '/host' }] : [] }],
    volumes: hostPath ? [{ name: 'v', hostPath: { path: hostPath } }] : [],
  });
  store.create(mounted('plain'));
  store.create(mounted('host-run', '/run/netns'));
  for (const name of ['plain', 'host-run']) settle(k, name);
  const started = (name: string) => runtime.started.find((s) => s.uid === `uid-${name}`)!;
  assert.equal(started('plain').netns, '/run/netns/fake-uid-plain');
  assert.equal(started('plain').detachMounts, '/run/netns');
  assert.equal(started('host-run').detachMounts, undefined, "a hostPath of /run/netns shows it (one of /run, which holds kjob's runtime directory, is refused)");
  // On the host network there are no namespace files to leave out.
  const host = setup('bwrap');
  host.store.create(mounted('plain'));
  settle(host.k, 'plain');
  assert.equal(host.runtime.started[0].netns, undefined);
  assert.equal(host.runtime.started[0].detachMounts, undefined);
});

test("what a sync wrote counts once its transaction commits; rolled back, the binding it made goes, and with it what it started", () => {
  const { store, runtime, k } = setup('bwrap', { transactions: true });
  store.create(pod('ok', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  k.syncPod('default', 'ok');
  const ok = store.get('Pod', 'default', 'ok')!;
  assert.equal(statusOf(ok), 'ContainerCreating');
  assert.equal(k.changeNeedsSync(asKind('Pod', ok)), true, 'not before the commit');
  store.endTransaction(true);
  assert.equal(k.changeNeedsSync(asKind('Pod', ok)), false, 'its own, once committed');

  store.create(pod('p', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  const push = store.events.push.bind(store.events);
  store.events.push = (...es) => {
    if (es.some((e) => e.reason === 'Started')) throw new Error('disk I/O error');
    return push(...es);
  };
  assert.throws(() => k.syncPod('default', 'p'), /disk I\/O error/);
  assert.deepEqual(runtime.started.map((st) => st.uid), ['uid-ok', 'uid-p'], 'started before the failure');
  store.endTransaction(false);
  const written = store.get('Pod', 'default', 'p')!; // the fake store keeps what a rollback undoes
  assert.equal(k.changeNeedsSync(asKind('Pod', written)), true, "a rolled-back write's resourceVersion goes to the next write, maybe another's of this pod");
  assert.deepEqual(runtime.removed, ['uid-p'], 'unbound again by the rollback: nothing of it may go on running');
});

test('cleanupOrphans forgets what the kubelet kept of the pods that are gone, as podRemoved does', () => {
  const { store, runtime, k } = setup();
  store.create(pod('p', { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
  settle(k, 'p');
  const p = store.get('Pod', 'default', 'p')!;
  assert.equal(k.changeNeedsSync(asKind('Pod', p)), false, 'its own status');
  k.cleanupOrphans(new Set(['uid-other']));
  assert.deepEqual(runtime.removed, ['uid-p']);
  assert.equal(k.changeNeedsSync(asKind('Pod', p)), true, 'forgotten with the pod');
});

test("termination messages share the pod's 12 KiB: six containers' 4 KiB messages are cut to 2,048 bytes each; one container keeps its 4 KiB", () => {
  const { home, store, clock, runtime, k } = setup('none');
  try {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    store.create(pod('six', { nodeName: 'node-1', containers: names.map((name) => ({ name, image: 'busybox', command: ['true'] })) }));
    store.create(pod('one', { nodeName: 'node-1', containers: [{ name: 'a', image: 'busybox', command: ['true'] }] }));
    for (const p of ['six', 'one']) settle(k, p);
    // 4,096 bytes, a three-byte character across byte 2,048: the cut leaves two of its bytes.
    const message = 'x'.repeat(2046) + '€' + 'y'.repeat(4096 - 2049);
    assert.equal(Buffer.byteLength(message), 4096);
    for (const [p, cs] of [['six', names], ['one', ['a']]] as const) {
      for (const c of cs) {
        runtime.exit(`uid-${p}`, c, 1, clock.now());
        runtime.a.get(`uid-${p}/${c}`)!.at(-1)!.message = Buffer.from(message);
      }
    }
    // A byte that begins no character counts as one byte, as in Go, though it is written as U+FFFD's three.
    runtime.a.get('uid-six/a')!.at(-1)!.message = Buffer.concat([Buffer.from([0x82]), Buffer.from('x'.repeat(4095))]);
    for (const p of ['six', 'one']) relisted(k, clock, p);
    const messages = (p: string) => store.get('Pod', 'default', p)!.status.containerStatuses.map((s: any) => s.state.terminated.message);
    // Go's Message[:2048], written by encoding/json: the cut character's two bytes are two U+FFFD.
    assert.deepEqual(messages('six'), names.map((c) => (c === 'a' ? '\ufffd' + 'x'.repeat(2047) : 'x'.repeat(2046) + '\ufffd\ufffd')));
    assert.deepEqual(messages('one'), [message]);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
