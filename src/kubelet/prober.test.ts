// The prober's bookkeeping with a scripted probe runner (no processes, no sockets, no sleeps):
// initial delay and period, readiness thresholds, a liveness kill past failureThreshold, startup
// gating the other probes; and the real tcp/http probes' wording against a closed port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { until } from '../util/testing.js';
import { ProbeManager, execProbe, tcpProbe, httpProbe, type ProbeType } from './prober.js';

const target = { podKey: 'default/p', podIP: '127.0.0.1', sandboxed: false, env: {}, gracePeriodMs: 30_000 };

function scripted(results: Record<ProbeType, ('success' | 'failure')[]>) {
  const calls: ProbeType[] = [];
  const pending: (() => void)[] = [];
  const run = (type: ProbeType) => {
    calls.push(type);
    const result = results[type].shift() ?? 'success';
    return new Promise<{ result: 'success' | 'failure'; output: string }>((resolve) => pending.push(() => resolve({ result, output: `${type} says ${result}` })));
  };
  /** Let every probe in flight answer. */
  const answer = async () => {
    while (pending.length) pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { run, calls, answer };
}

test('readiness: not ready until the first success; ready drops after failureThreshold failures', async () => {
  const s = scripted({ Readiness: ['failure', 'success', 'failure', 'failure'], Liveness: [], Startup: [] });
  const m = new ProbeManager(s.run);
  const events: string[] = [];
  const ev = { unhealthy: (t: ProbeType, o: string) => events.push(`${t} probe failed: ${o}`), changed: () => events.push('changed') };
  const c = { name: 'c', readinessProbe: { initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 2, successThreshold: 1 } };
  let st = m.status('id1', c, 0, 0, target, ev);
  assert.deepEqual([st.ready, st.started, st.nextMs], [false, true, 5000]);
  assert.deepEqual(s.calls, []);
  st = m.status('id1', c, 0, 5000, target, ev); // due: runs
  await s.answer();
  assert.equal(m.status('id1', c, 0, 6000, target, ev).ready, false);
  assert.deepEqual(events, ['Readiness probe failed: Readiness says failure']);
  m.status('id1', c, 0, 15000, target, ev);
  await s.answer();
  assert.equal(m.status('id1', c, 0, 16000, target, ev).ready, true);
  m.status('id1', c, 0, 25000, target, ev);
  await s.answer();
  assert.equal(m.status('id1', c, 0, 26000, target, ev).ready, true, 'one failure is below failureThreshold');
  m.status('id1', c, 0, 35000, target, ev);
  await s.answer();
  assert.equal(m.status('id1', c, 0, 36000, target, ev).ready, false);
});

test('liveness: a kill after failureThreshold consecutive failures, then SIGKILL after the grace period', async () => {
  const s = scripted({ Readiness: [], Liveness: ['failure', 'failure'], Startup: [] });
  const m = new ProbeManager(s.run);
  const ev = { unhealthy: () => undefined, changed: () => undefined };
  const c = { name: 'c', livenessProbe: { periodSeconds: 1, failureThreshold: 2 } };
  m.status('id', c, 0, 0, target, ev);
  await s.answer();
  assert.equal(m.status('id', c, 0, 1000, target, ev).kill, undefined);
  await s.answer();
  const st = m.status('id', c, 0, 2000, target, ev);
  assert.equal(st.kill, 'Liveness');
  m.killSent('id', 2000);
  const during = m.status('id', c, 0, 3000, target, ev);
  assert.deepEqual([during.kill, during.forceKill, during.nextMs], [undefined, false, 29_001]);
  assert.equal(m.status('id', c, 0, 33_000, target, ev).forceKill, true);
});

/** A container whose liveness probe fails once (threshold 1) with the probe's grace period given, killed (SIGTERM) at 1 s. */
async function killedAtOneSecond(terminationGracePeriodSeconds: number) {
  const s = scripted({ Readiness: [], Liveness: ['failure'], Startup: [] });
  const m = new ProbeManager(s.run);
  const ev = { unhealthy: () => undefined, changed: () => undefined };
  const c = { name: 'c', livenessProbe: { periodSeconds: 1, failureThreshold: 1, terminationGracePeriodSeconds } };
  m.status('id', c, 0, 0, target, ev);
  await s.answer();
  assert.equal(m.status('id', c, 0, 1000, target, ev).kill, 'Liveness');
  m.killSent('id', 1000);
  return (now: number) => m.status('id', c, 0, now, target, ev);
}

test("a liveness kill takes the probe's own terminationGracePeriodSeconds over the pod's, and at least 2 s", async () => {
  let at = await killedAtOneSecond(3);
  let st = at(1000);
  assert.deepEqual([st.kill, st.forceKill, st.nextMs], [undefined, false, 3001], 'looked at again when the SIGKILL is due, not at once');
  st = at(4000);
  assert.deepEqual([st.forceKill, st.nextMs], [false, 1]);
  st = at(4001);
  assert.deepEqual([st.forceKill, st.nextMs], [true, undefined], '3 s, not the pod\'s 30; then at the relist');
  // A grace period under 2 s: killContainer's minimum.
  at = await killedAtOneSecond(1);
  assert.equal(at(2500).forceKill, false);
  assert.equal(at(3001).forceKill, true);
});

test('startup gates readiness and liveness until it succeeds', async () => {
  const s = scripted({ Readiness: ['success'], Liveness: ['success'], Startup: ['failure', 'success'] });
  const m = new ProbeManager(s.run);
  const ev = { unhealthy: () => undefined, changed: () => undefined };
  const c = { name: 'c', startupProbe: { periodSeconds: 1, failureThreshold: 5 }, readinessProbe: { periodSeconds: 1 }, livenessProbe: { periodSeconds: 1 } };
  assert.equal(m.status('id', c, 0, 0, target, ev).started, false);
  await s.answer();
  m.status('id', c, 0, 1000, target, ev);
  await s.answer();
  assert.deepEqual(s.calls, ['Startup', 'Startup']);
  const st = m.status('id', c, 0, 2000, target, ev);
  assert.equal(st.started, true);
  await s.answer();
  assert.deepEqual(s.calls, ['Startup', 'Startup', 'Readiness', 'Liveness']);
  assert.equal(m.status('id', c, 0, 2500, target, ev).ready, true);
});

test('a probe that could not run (no sandbox to enter yet) counts for nothing and is tried again within a second, not a period later', async () => {
  const outcomes: ({ result: 'success' | 'failure'; output: string } | undefined)[] = [undefined, { result: 'success', output: '' }];
  let calls = 0;
  const m = new ProbeManager(async () => { calls++; return outcomes.shift(); });
  const events: string[] = [];
  const ev = { unhealthy: (t: ProbeType, o: string) => events.push(`${t}: ${o}`), changed: () => events.push('changed') };
  const c = { name: 'c', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 10 } };
  assert.equal(m.status('id', c, 0, 0, target, ev).ready, false);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['changed'], 'no Unhealthy event: nothing ran');
  const st = m.status('id', c, 0, 10, target, ev);
  assert.equal(st.nextMs, 990, 'again within a second of the try, not periodSeconds after it');
  m.status('id', c, 0, 1000, target, ev);
  await new Promise((r) => setImmediate(r));
  assert.equal(calls, 2);
  assert.equal(m.status('id', c, 0, 1001, target, ev).ready, true);
});

test('an exec probe of a sandboxed container whose sandbox is not there does not run its command at all', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-probe-'));
  const marker = path.join(dir, 'ran');
  try {
    // No pid recorded (the shim has not started it), then the pid of a live process that is not bwrap (the shim's child setting it up).
    for (const pid of [undefined, process.pid]) {
      if (pid !== undefined) fs.writeFileSync(path.join(dir, 'pid'), `${pid}\n`);
      const out = await execProbe(['touch', marker], { ...target, sandboxed: true, attemptDir: dir }, 5000);
      assert.equal(out, undefined);
      assert.equal(fs.existsSync(marker), false, `pid ${pid}`);
    }
    // Unsandboxed, the command runs as its container does: on the host.
    assert.deepEqual(await execProbe(['touch', marker], { ...target, attemptDir: dir }, 5000), { result: 'success', output: '' });
    assert.equal(fs.existsSync(marker), true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('tcp and http probes against a closed port say what Go says', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000), { result: 'failure', output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
  assert.deepEqual(await httpProbe('http', '127.0.0.1', port, '/healthz', [], 1000), {
    result: 'failure',
    output: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
  });
});

test("an exec probe that times out is killed with everything it started, and its output is read up to 10 KiB", async () => {
  const tagged = `sleep 9.${process.pid}`;
  const out = await execProbe(['sh', '-c', `${tagged} & wait`], target, 200);
  assert.deepEqual(out, { result: 'failure', output: `command "sh -c ${tagged} & wait" timed out` });
  const left = () => fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).some((n) => { try { return fs.readFileSync(`/proc/${n}/cmdline`, 'utf8') === `sleep\0${tagged.slice(6)}\0`; } catch { return false; } });
  await until("the probe's own child to be gone too", () => !left());
  const big = await execProbe(['sh', '-c', 'head -c 20000 /dev/zero | tr "\\0" x; exit 1'], target, 5000);
  assert.equal(big?.output.length, 10 * 1024);
});
