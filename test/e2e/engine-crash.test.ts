// The engine may be SIGKILLed at any moment (a crash, a reboot of the user's session): whatever it
// was doing, the next engine carries on, and no pod fails because of it. An Indexed Job with
// backoffLimit 0 fails at the first failed pod, so every spurious failure would show.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';

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
  const status = () => JSON.parse(sb.kjob(['get', 'job', 'crashy', '-o', 'json']).stdout).status ?? {};
  const done = (s: any) => (s.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  let kills = 0;
  const end = Date.now() + 240_000;
  for (let round = 0; ; round++) {
    // Any kjob command with work pending starts an engine; kill it at a random moment of its
    // life: starting up (resync, adoption, clean-up), creating pods, starting containers,
    // recording exits, counting completions.
    const waker = sb.spawn(['get', 'pods']);
    await sb.until('an engine', () => sb.enginePid() !== undefined || waker.child.exitCode !== null, 10_000, 10);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 800)));
    const pid = sb.enginePid();
    if (pid !== undefined) {
      try { process.kill(pid, 'SIGKILL'); kills++; } catch { /* it just exited */ }
      await sb.until('the engine is dead', () => sb.enginePid() !== pid, 5_000, 10);
    }
    if (waker.child.exitCode === null) await new Promise((r) => waker.child.once('exit', r));
    if (round % 4 === 3 && done(status())) break;
    assert.ok(Date.now() < end, `the Job did not finish (status ${JSON.stringify(status())})`);
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
