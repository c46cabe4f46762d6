// The engine may be SIGKILLed at any moment (a crash, a reboot of the user's session): whatever it
// was doing, the next engine carries on, and no pod fails because of it. An Indexed Job with
// backoffLimit 0 fails at the first failed pod, so every spurious failure would show.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox, scaledTimeout } from './helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const COMPLETIONS = 30;

test('SIGKILL of the engine at many points of a 30-completion Indexed Job: it ends Complete, each index succeeded once', async () => {
  const job = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'crashy' },
    spec: {
      completions: COMPLETIONS, parallelism: 5, completionMode: 'Indexed', backoffLimit: 0,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo "index $JOB_COMPLETION_INDEX"; sleep 3'] }] } },
    },
  };
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: JSON.stringify(job) }).code, 0);
  // Read with no engine started for it: the only engines are the ones this test kills.
  const status = () => JSON.parse(sb.kjob(['get', 'job', 'crashy', '-o', 'json'], { env: { KJOB_ENGINE: 'off' } }).stdout).status ?? {};
  const done = (s: any) => (s.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  let kills = 0;
  const end = Date.now() + scaledTimeout(180_000);
  // Each engine is killed at a random moment of its first `lifeMs`. A round after which no more
  // pods had succeeded doubles it: a loaded machine's engine can take longer than 800 ms to start,
  // and killed before it got to the Job every time, it never finished (seen under CI's load). A
  // round with progress brings it back.
  const SHORTEST_LIFE_MS = 800;
  let lifeMs = SHORTEST_LIFE_MS;
  let succeededBefore = -1;
  for (;;) {
    // Any kjob command with work pending starts an engine; kill it at a random moment of its
    // life: starting up (resync, adoption, clean-up), creating pods, starting containers,
    // recording exits, counting completions.
    const waker = sb.spawn(['get', 'pods']);
    await sb.until('an engine', () => sb.enginePid() !== undefined || waker.child.exitCode !== null || waker.child.signalCode !== null, 10_000, 10);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * lifeMs)));
    const pid = sb.enginePid();
    if (pid !== undefined) {
      try { process.kill(pid, 'SIGKILL'); kills++; } catch { /* it just exited */ }
      await sb.until('the engine is dead', () => sb.enginePid() !== pid, 5_000, 10);
    }
    // The lock names the command that starts an engine until it has spawned it (spawnEngine): the
    // kill may have been the waker's, which then has no exit code, but a signal.
    await sb.until('the waker has exited', () => waker.child.exitCode !== null || waker.child.signalCode !== null, 60_000, 10);
    const now = status();
    if (done(now)) break;
    if ((now.succeeded ?? 0) > succeededBefore) {
      succeededBefore = now.succeeded ?? 0;
      lifeMs = SHORTEST_LIFE_MS;
    } else lifeMs = Math.min(lifeMs * 2, 16 * SHORTEST_LIFE_MS);
    // What the state directory held then, for a failure that is seen only under load.
    if (Date.now() >= end) assert.fail(`the Job did not finish (status ${JSON.stringify(now)}, ${kills} kills)\n--- kjob get pods -o wide ---\n${sb.kjob(['get', 'pods', '-o', 'wide'], { env: { KJOB_ENGINE: 'off' } }).stdout}--- engine.log, last lines ---\n${sb.engineLog(40)}`);
  }
  const s = status();
  // How many rounds fit in the Job's life depends on the machine's load; a handful of kills at
  // random moments is what the test needs to mean something.
  assert.ok(kills >= 5, `the engine was killed ${kills} times`);
  assert.deepEqual((s.conditions ?? []).filter((c: any) => c.status === 'True').map((c: any) => c.type).filter((t: string) => t !== 'SuccessCriteriaMet'), ['Complete'], JSON.stringify(s));
  assert.equal(s.succeeded, COMPLETIONS);
  assert.equal(s.failed ?? 0, 0);
  assert.equal(s.completedIndexes, `0-${COMPLETIONS - 1}`);
  const pods = JSON.parse(sb.kjob(['get', 'pods', '-l', 'job-name=crashy', '-o', 'json']).stdout).items;
  const succeeded = new Map<string, number>();
  for (const p of pods) {
    assert.notEqual(p.status.phase, 'Failed', `pod ${p.metadata.name} failed: ${JSON.stringify(p.status.containerStatuses)}`);
    const i = p.metadata.annotations['batch.kubernetes.io/job-completion-index'];
    if (p.status.phase === 'Succeeded') succeeded.set(i, (succeeded.get(i) ?? 0) + 1);
  }
  for (let i = 0; i < COMPLETIONS; i++) assert.equal(succeeded.get(String(i)), 1, `index ${i} succeeded once (${kills} kills)`);
  for (const p of pods) assert.equal(sb.kjob(['logs', p.metadata.name]).stdout, `index ${p.metadata.annotations['batch.kubernetes.io/job-completion-index']}\n`);
});
