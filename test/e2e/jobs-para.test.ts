// Stories: job-para-demo (seed 000: parallelism 2, completions 8) and a work queue (seed 003:
// parallelism 5, no completions).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';
import { assertDescribeGolden, cond, job, pods } from './jobs-helpers.js';

const para = new Sandbox();
const queue = new Sandbox();
after(() => {
  para.cleanup();
  queue.cleanup();
});

test('job-para-demo: never more than 2 active, 8/8, 8 pods in all', async () => {
  const sb = para;
  const watch = await sb.spawnWatch(['get', 'pods', '-w', '--output-watch-events']);
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-para-demo.yaml']).code, 0);
  let maxActive = 0;
  await sb.until(
    'job-para-test to complete',
    () => {
      const j = job(sb, 'job-para-test');
      maxActive = Math.max(maxActive, j.status?.active ?? 0);
      return !!cond(j, 'Complete');
    },
    30_000,
  );
  assert.ok(maxActive <= 2, `status.active reached ${maxActive}`);
  const ps = pods(sb);
  assert.equal(ps.length, 8);
  assert.ok(ps.every((p: any) => p.status.phase === 'Succeeded'));
  // From the watch: at no time more than 2 pods were between ADDED and their Completed row.
  await sb.until('the watch to see 8 completions', () => new Set(watch.output().match(/job-para-test-\S+(?= +0\/1 +Completed)/g) ?? []).size === 8, 5000);
  const running = new Set<string>();
  let peak = 0;
  for (const line of watch.output().split('\n')) {
    const m = /^(ADDED|MODIFIED|DELETED) +(\S+) +\S+ +(\S+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'ADDED') running.add(m[2]);
    if (m[3] === 'Completed') running.delete(m[2]);
    peak = Math.max(peak, running.size);
  }
  assert.ok(peak <= 2, `the watch saw ${peak} pods at once`);
  const get = sb.kjob(['get', 'job', 'job-para-test']).stdout;
  assert.match(get, /job-para-test +Complete +8\/8 /);
  await assertDescribeGolden(sb, 'job', 'job-para-test', 'describe-job-para-demo.txt');
});

test('work queue: after the first success no new pods; Complete when all have ended', async () => {
  const sb = queue;
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-workqueue.yaml']).code, 0);
  await sb.until('consumers to complete', () => !!cond(job(sb, 'consumers'), 'Complete'), 30_000);
  const j = job(sb, 'consumers');
  assert.equal(j.spec.completions, undefined);
  assert.equal(j.status.succeeded, 5);
  assert.equal(pods(sb).length, 5, 'no pod was created after the first success');
  assert.match(sb.kjob(['get', 'jobs']).stdout, /consumers +Complete +5\/1 of 5 /);
  await assertDescribeGolden(sb, 'job', 'consumers', 'describe-job-workqueue.txt');
});
