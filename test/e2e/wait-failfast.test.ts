// kjob's fail-fast wait (kubectl waits until the timeout): a Job that failed, was suspended, or
// passed its deadline ends `wait --for=condition=complete` at once, exit 1, with the reason and
// message; and `apply --wait`, which is apply then that wait.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox, shJob } from './helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const job = shJob;

const timed = (args: string[], input?: string) => {
  const t0 = Date.now();
  const r = sb.kjob(args, { input });
  return { ...r, ms: Date.now() - t0 };
};

test('a Job that fails: the wait returns when it gets Failed, not at the timeout', () => {
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: job('boom', '  backoffLimit: 0', 'exit 3') }).code, 0);
  const r = timed(['wait', '--for=condition=complete', 'job/boom', '--timeout=120s']);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'error: job.batch/boom failed: BackoffLimitExceeded: Job has reached the specified backoff limit\n');
  assert.equal(r.code, 1);
  assert.ok(r.ms < 60_000, `returned after ${r.ms}ms`);
  // --timeout=0 checks once, and says why too
  assert.equal(sb.kjob(['wait', '--for=condition=complete', 'job/boom', '--timeout=0']).stderr, 'error: job.batch/boom failed: BackoffLimitExceeded: Job has reached the specified backoff limit\n');
  // waiting for the failure itself is kubectl's wait
  assert.deepEqual(sb.kjob(['wait', '--for=condition=failed', 'job/boom', '--timeout=10s']), { stdout: 'job.batch/boom condition met\n', stderr: '', code: 0 });
});

test('a suspended Job will not complete: Suspended ends the wait', () => {
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: job('held', '  suspend: true', 'true') }).code, 0);
  const r = timed(['wait', '--for=condition=complete', 'job/held', '--timeout=120s']);
  assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, code: r.code }, { stdout: '', stderr: 'error: job.batch/held suspended: JobSuspended: Job suspended\n', code: 1 });
  assert.ok(r.ms < 60_000);
});

test('a Job past its activeDeadlineSeconds: DeadlineExceeded ends the wait', () => {
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: job('late', '  activeDeadlineSeconds: 2', 'sleep 60') }).code, 0);
  const r = timed(['wait', '--for=condition=complete', 'job/late', '--timeout=120s']);
  assert.equal(r.stderr, 'error: job.batch/late failed: DeadlineExceeded: Job was active longer than specified deadline\n');
  assert.equal(r.code, 1);
  assert.ok(r.ms < 60_000);
});

test('several Jobs: each failure on its own line (kubectl aggregate form), met ones printed', () => {
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: job('fine', '  backoffLimit: 0', 'true') }).code, 0);
  const r = sb.kjob(['wait', '--for=condition=complete', 'job/fine', 'job/boom', 'job/late', '--timeout=60s']);
  assert.deepEqual(r, {
    stdout: 'job.batch/fine condition met\n',
    stderr: 'job.batch/boom failed: BackoffLimitExceeded: Job has reached the specified backoff limit\njob.batch/late failed: DeadlineExceeded: Job was active longer than specified deadline\n',
    code: 1,
  });
});

test('apply --wait: apply, then the wait (with its fail-fast), when piped only their plain lines', () => {
  const ok = timed(['apply', '-f', '-', '--wait', '--timeout=60s'], job('quick', '  backoffLimit: 0', 'echo hi'));
  assert.deepEqual({ stdout: ok.stdout, stderr: ok.stderr, code: ok.code }, { stdout: 'job.batch/quick created\njob.batch/quick condition met\n', stderr: '', code: 0 });
  const bad = timed(['apply', '-f', '-', '--wait'], job('bad', '  backoffLimit: 0', 'exit 1'));
  assert.deepEqual({ stdout: bad.stdout, stderr: bad.stderr, code: bad.code }, {
    stdout: 'job.batch/bad created\n',
    stderr: 'error: job.batch/bad failed: BackoffLimitExceeded: Job has reached the specified backoff limit\n',
    code: 1,
  });
  // with -o the applied Jobs are still waited for (they are known from the apply, not its output)
  const named = timed(['apply', '-f', '-', '--wait', '-o', 'name'], job('named', '  backoffLimit: 0', 'echo hi'));
  assert.deepEqual({ stdout: named.stdout, stderr: named.stderr, code: named.code }, { stdout: 'job.batch/named\njob.batch/named condition met\n', stderr: '', code: 0 });
  // nothing to wait for: a dry run, or no Job
  assert.deepEqual(sb.kjob(['apply', '-f', '-', '--wait', '--dry-run=client'], { input: job('dry', '', 'true') }), { stdout: 'job.batch/dry created (dry run)\n', stderr: '', code: 0 });
});
