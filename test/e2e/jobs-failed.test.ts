// Story (seed 000, job-failed-demo): a command that does not exist. With restartPolicy Never the
// controller replaces each failed pod after the pod-failure back-off until backoffLimit; with
// OnFailure the kubelet restarts the one pod in place and the restarts count toward the limit.
// KJOB_TIME_SCALE shortens the built-in back-offs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';
import { assertDescribeGolden, cond, job, pods } from './jobs-helpers.js';

const never = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
const onFailure = new Sandbox({ KJOB_TIME_SCALE: '0.2' });
after(() => {
  never.cleanup();
  onFailure.cleanup();
});

test('job-failed-demo (Never): 7 StartError pods, FailureTarget then Failed, BackoffLimitExceeded', async () => {
  const sb = never;
  const watch = await sb.spawnWatch(['get', 'pods', '-w']);
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-failed-demo.yaml']).code, 0);
  await sb.until('the Job to fail', () => !!cond(job(sb, 'job-failed-demo'), 'Failed'), 30_000);
  const j = job(sb, 'job-failed-demo');
  assert.deepEqual(
    j.status.conditions.map((c: any) => [c.type, c.reason, c.message]),
    [
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ],
  );
  assert.equal(j.status.failed, 7);
  assert.equal(j.status.completionTime, undefined);
  const ps = pods(sb);
  assert.equal(ps.length, 7);
  for (const p of ps) {
    assert.equal(p.status.phase, 'Failed');
    const t = p.status.containerStatuses[0].state.terminated;
    assert.equal(t.reason, 'StartError');
    assert.equal(t.exitCode, 128);
    assert.match(t.message, /exec: "echo123": executable file not found in \$PATH: unknown$/);
  }
  // Each replacement waited for the back-off: 10s doubling, scaled by 0.01 → 100ms, 200ms, ...
  const created = ps.map((p: any) => Date.parse(p.metadata.creationTimestamp)).sort((a: number, b: number) => a - b);
  assert.ok(created[6] - created[0] >= 3000, `7 pods over ${created[6] - created[0]}ms: the back-off was not applied`);
  const get = sb.kjob(['get', 'pods']);
  assert.equal(get.stdout.split('\n').filter((l) => / 0\/1 +StartError +0 /.test(l)).length, 7, get.stdout);
  await sb.until('the watch to show the StartError pods', () => /job-failed-demo-\S+ +0\/1 +StartError +0 /.test(watch.output()), 30_000);
  const d = never.kjob(['describe', 'job', 'job-failed-demo']).stdout;
  assert.match(d, /Pods Statuses: +0 Active \(0 Ready\) \/ 0 Succeeded \/ 7 Failed/);
  assert.match(d, /Warning +BackoffLimitExceeded +\S+ +job-controller +Job has reached the specified backoff limit/);
  await assertDescribeGolden(sb, 'job', 'job-failed-demo', 'describe-job-failed-demo.txt');
  await assertDescribeGolden(sb, 'pod', ps[0].metadata.name, 'describe-pod-failed-demo.txt');
});

test('job-failed-demo (OnFailure): one pod restarted in place, CrashLoopBackOff, restarts count toward backoffLimit', async () => {
  const sb = onFailure;
  const watch = await sb.spawnWatch(['get', 'pods', '-w']);
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-failed-demo-onfailure.yaml']).code, 0);
  // Container back-off at scale 0.2: restart at once, then 2s, 4s, ... In the 4s wait after the
  // third exit the pod shows CrashLoopBackOff with 2 restarts.
  let line = '';
  await sb.until(
    'CrashLoopBackOff with 2 restarts',
    () => {
      line = sb.kjob(['get', 'pods', '--no-headers']).stdout;
      return / 0\/1 +CrashLoopBackOff +2 \(\d+s ago\) /.test(line);
    },
    20_000,
  );
  // Freeze the world (pods outlive the engine) to describe it. A watch would restart the engine.
  watch.child.kill('SIGKILL');
  assert.equal(sb.kjob(['controller', 'stop']).code, 0);
  const pod = sb.kjob(['describe', 'pod']).stdout;
  assert.match(pod, /State: +Waiting\n +Reason: +CrashLoopBackOff\n +Last State: +Terminated\n +Reason: +StartError\n/);
  assert.match(pod, /Exit Code: +128\n/);
  // 2, or more when this machine is slow enough that the next restart came before the engine stopped
  assert.match(pod, /Restart Count: +[2-9]\n/);
  assert.match(pod, /Controlled By: +Job\/job-failed-demo\n/);
  const name = /^Name: +(\S+)/.exec(pod)![1];
  // Let it run to the end faster: restarts ≥ backoffLimit (6) fail the Job, and the pod is torn down.
  // (In capture mode the golden's `get -o json` restarts the engine: with the new scale already.)
  sb.env.KJOB_TIME_SCALE = '0.01';
  await assertDescribeGolden(sb, 'pod', name, 'describe-pod-failed-demo-onfailure.txt');
  assert.equal(sb.kjob(['controller', 'start']).code, 0);
  const watch2 = sb.spawn(['get', 'pods', '-w']);
  await sb.until('the Job to fail', () => !!cond(job(sb, 'job-failed-demo'), 'Failed'), 30_000);
  const j = job(sb, 'job-failed-demo');
  assert.equal(cond(j, 'Failed').reason, 'BackoffLimitExceeded');
  assert.equal(j.status.failed, 1);
  const out = watch.output() + watch2.output();
  assert.match(out, /job-failed-demo-\S+ +0\/1 +RunContainerError +0 /);
  assert.match(out, /job-failed-demo-\S+ +0\/1 +CrashLoopBackOff +1 \(\d+s ago\) /);
  assert.match(out, /job-failed-demo-\S+ +0\/1 +RunContainerError +[1-6] \(\d+s ago\) /);
  await sb.until('the pod to be gone', () => pods(sb).length === 0, 10_000);
  const d = sb.kjob(['describe', 'job', 'job-failed-demo']).stdout;
  assert.match(d, /Pods Statuses: +0 Active \(0 Ready\) \/ 0 Succeeded \/ 1 Failed/);
  await assertDescribeGolden(sb, 'job', 'job-failed-demo', 'describe-job-failed-demo-onfailure.txt');
});
