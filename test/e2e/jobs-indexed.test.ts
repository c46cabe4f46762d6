// Story (seed 000, job-indexed): an Indexed Job whose init container writes through an emptyDir.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';
import { assertDescribeGolden, cond, job, pods } from './jobs-helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

test('job-indexed: indexed pods, init containers, logs, Completed Indexes 0-4', async () => {
  const watch = await sb.spawnWatch(['get', 'pods', '-w']);
  const r = sb.kjob(['apply', '-f', 'fixtures/job-indexed.yaml']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'job.batch/indexed-job created\n');
  await sb.until('indexed-job to complete', () => !!cond(job(sb, 'indexed-job'), 'Complete'), 30_000);

  const j = job(sb, 'indexed-job');
  assert.equal(j.status.completedIndexes, '0-4');
  assert.equal(j.status.succeeded, 5);
  const all = pods(sb);
  assert.equal(all.length, 5);
  const byIndex = new Map<number, any>();
  for (const p of all) {
    const i = Number(p.metadata.annotations['batch.kubernetes.io/job-completion-index']);
    assert.match(p.metadata.name, new RegExp(`^indexed-job-${i}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    assert.equal(p.metadata.generateName, `indexed-job-${i}-`);
    assert.equal(p.metadata.labels['batch.kubernetes.io/job-completion-index'], String(i));
    assert.equal(p.spec.hostname, `indexed-job-${i}`);
    for (const c of [...p.spec.initContainers, ...p.spec.containers]) {
      assert.deepEqual(c.env, [
        { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
      ]);
    }
    byIndex.set(i, p);
  }
  assert.deepEqual([...byIndex.keys()].sort(), [0, 1, 2, 3, 4]);

  // The init container wrote items[3] = qux; the worker reversed it.
  const logs = sb.kjob(['logs', byIndex.get(3).metadata.name]);
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, 'xuq\n');
  assert.equal(logs.stderr, 'Defaulted container "worker" out of: worker, input (init)\n');
  assert.equal(sb.kjob(['logs', byIndex.get(0).metadata.name, '-c', 'worker']).stdout, 'oof\n');

  // The watch passed through the init phases.
  await sb.until('the watch to show every pod Completed', () => (watch.output().match(/Completed/g) ?? []).length >= 5, 5000);
  const seen = watch.output();
  assert.match(seen, /indexed-job-\d-\S+ +0\/1 +Init:0\/1 /);
  assert.match(seen, /indexed-job-\d-\S+ +0\/1 +PodInitializing /);
  // Lowest indexes first: 0, 1, 2 are created before 3 and 4.
  const firstSeen = (i: number) => seen.indexOf(`indexed-job-${i}-`);
  for (const early of [0, 1, 2]) for (const late of [3, 4]) assert.ok(firstSeen(early) < firstSeen(late), seen);

  await assertDescribeGolden(sb, 'job', 'indexed-job', 'describe-job-indexed.txt');
  await assertDescribeGolden(sb, 'pod', byIndex.get(3).metadata.name, 'describe-pod-indexed-3.txt');
});
