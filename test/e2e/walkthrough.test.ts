// The first story of the tutorials (seed 000, "Job"), run with the real bin/kjob against a
// throwaway state directory, compared with what kubectl v1.32 prints for the same objects.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Sandbox, normalise, golden } from './helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const jobJSON = () => JSON.parse(sb.kjob(['get', 'job', 'pi', '-o', 'json']).stdout);
const conditionTrue = (type: string) => (jobJSON().status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === type && c.status === 'True');

test('the pi Job runs as on a cluster: apply, get, get -w, logs, describe, -o, delete', async (t) => {
  // The story's watch is there before the Job: it shows the pod from its creation (Pending). A
  // watch that starts later lists the pod as it is by then, as kubectl does.
  const watch = await sb.spawnWatch(['get', 'pods', '-w']);

  await t.test('apply creates the Job', () => {
    const r = sb.kjob(['apply', '-f', 'fixtures/job-pi.yaml']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'job.batch/pi created\n');
    assert.equal(r.code, 0);
  });

  await t.test('get job shows the server columns while it runs', () => {
    const r = sb.kjob(['get', 'job']);
    const [header, row] = r.stdout.split('\n');
    assert.equal(header, 'NAME   STATUS    COMPLETIONS   DURATION   AGE');
    assert.match(row, /^pi {5}Running {3}0\/1 {11}(\d+s +| {11})\d+s$/);
  });

  await t.test('the pod runs, then completes', async () => {
    await sb.until('a running pod', () => /1\/1 +Running/.test(sb.kjob(['get', 'pods']).stdout), 30_000);
    await sb.until('Complete', () => conditionTrue('Complete'), 90_000);
    const r = sb.kjob(['get', 'pods']);
    assert.match(r.stdout, /^NAME {7}READY {3}STATUS {6}RESTARTS {3}AGE\npi-[bcdfghjklmnpqrstvwxz2456789]{5} {3}0\/1 {5}Completed {3}0 {10}\d+s\n$/);
    const job = sb.kjob(['get', 'job']).stdout.split('\n')[1];
    assert.match(job, /^pi {5}Complete {3}1\/1 {11}\d+s {2,}\d+s$/);
  });

  await t.test('get pods -w printed the table, then one row per change', async () => {
    await sb.until('the watch saw Completed', () => /Completed/.test(watch.output()), 10_000);
    watch.child.kill('SIGINT');
    const lines = watch.output().trim().split('\n');
    assert.match(lines[0], /^NAME +READY +STATUS +RESTARTS +AGE$/);
    const statuses = lines.slice(1).map((l) => l.split(/ +/)[2]);
    // Pending (created), Pending (scheduled), ContainerCreating, Running, Completed (twice: the
    // second when the Job controller releases its finalizer), as kubectl shows a cluster's.
    assert.deepEqual([...new Set(statuses)], ['Pending', 'ContainerCreating', 'Running', 'Completed']);
    assert.ok(lines.slice(1).every((l) => l.startsWith('pi-')));
  });

  await t.test('logs print what perl -Mbignum=bpi printed', () => {
    const pod = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('/')[1];
    const r = sb.kjob(['logs', pod]);
    const expected = execFileSync('perl', ['-Mbignum=bpi', '-wle', 'print bpi(2000)'], { encoding: 'utf8' });
    assert.equal(r.stdout, expected);
    assert.ok(r.stdout.startsWith('3.14159265358979'));
    assert.equal(sb.kjob(['logs', 'job/pi']).stdout, expected);
  });

  await t.test('describe job and describe pod print what kubectl prints', () => {
    assert.equal(normalise(sb.kjob(['describe', 'job', 'pi']).stdout), golden('walkthrough/describe-job-pi.txt'));
    const pod = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('/')[1];
    assert.equal(normalise(sb.kjob(['describe', 'pod', pod]).stdout), golden('walkthrough/describe-pod-pi.txt'));
  });

  await t.test('-o yaml, json, wide, name', () => {
    const job = jobJSON();
    assert.equal(job.kind, 'Job');
    const uid = job.metadata.uid;
    assert.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(job.metadata.labels, {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': uid,
      'job-name': 'pi',
    });
    assert.equal(job.spec.backoffLimit, 4);
    assert.deepEqual(
      job.status.conditions.map((c: { type: string }) => c.type),
      ['SuccessCriteriaMet', 'Complete'],
    );
    assert.equal(job.status.succeeded, 1);
    const yaml = sb.kjob(['get', 'job', 'pi', '-o', 'yaml']).stdout;
    assert.match(yaml, /^apiVersion: batch\/v1\nkind: Job\nmetadata:\n/);
    assert.match(yaml, /\n {6}- command:\n {8}- perl\n/);
    assert.match(yaml, /\n  completionMode: NonIndexed\n/);
    assert.equal(sb.kjob(['get', 'job', 'pi', '-o', 'name']).stdout, 'job.batch/pi\n');
    const wide = sb.kjob(['get', 'job', 'pi', '-o', 'wide']).stdout.split('\n');
    assert.equal(wide[0], 'NAME   STATUS     COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES        SELECTOR');
    assert.ok(wide[1].endsWith(`pi           perl:5.34.0   batch.kubernetes.io/controller-uid=${uid}`));
    const list = JSON.parse(sb.kjob(['get', 'jobs', '-o', 'json']).stdout);
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 1);
  });

  await t.test('delete job deletes its pods too', async () => {
    const r = sb.kjob(['delete', 'job', 'pi']);
    assert.equal(r.stdout, 'job.batch "pi" deleted\n');
    assert.equal(r.code, 0);
    await sb.until('the pods are gone', () => sb.kjob(['get', 'pods']).stderr === 'No resources found in default namespace.\n', 20_000);
    assert.equal(sb.kjob(['get', 'jobs']).stderr, 'No resources found in default namespace.\n');
  });
});
