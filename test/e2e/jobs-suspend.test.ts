// Stories: suspend and resume a running Job with `kjob patch` (merge and JSON patch) and with a
// re-apply; manualSelector with the user's own selector.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, ROOT } from './helpers.js';
import { applyText, assertDescribeGolden, cond, job, pods } from './jobs-helpers.js';

const sb = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
const manual = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
after(() => {
  sb.cleanup();
  manual.cleanup();
});

const NAME = 'job-with-completions';
const activePods = () => pods(sb).filter((p: any) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status.phase));
const suspended = () => job(sb, NAME).status?.conditions?.find((c: any) => c.type === 'Suspended');

test('suspend and resume: kjob patch (merge, json) and re-apply; pods removed without counting as failures', async () => {
  const manifest = fs.readFileSync(path.join(ROOT, 'fixtures/job-with-completions.yaml'), 'utf8');
  applyText(sb, manifest);
  await sb.until('2 running pods', () => activePods().filter((p: any) => p.status.phase === 'Running').length === 2, 30_000);

  // Merge patch (the default type for a built-in kind is strategic; the same for this field).
  let r = sb.kjob(['patch', 'job', NAME, '-p', '{"spec":{"suspend":true}}']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `job.batch/${NAME} patched\n`);
  // No pods, and the Job's status written after their removal (terminating back to 0): a status
  // write between the next patch's GET and its PATCH would make it "patched", as on a cluster.
  await sb.until('the Suspended condition and no pods', () => suspended()?.status === 'True' && pods(sb).length === 0 && !job(sb, NAME).status?.terminating, 30_000);
  let j = job(sb, NAME);
  assert.equal(suspended().reason, 'JobSuspended');
  assert.equal(j.status.failed, undefined, 'suspended pods are not failures');
  assert.match(sb.kjob(['get', 'job', NAME]).stdout, new RegExp(`${NAME} +Suspended +0/4 `));
  // The patch read as kubectl reads -p (go-yaml v2, YAML 1.1): `yes` is true, so nothing changes.
  r = sb.kjob(['patch', 'job', NAME, '--type=merge', '-p', 'spec: {suspend: yes}']);
  assert.equal(r.stdout, `job.batch/${NAME} patched (no change)\n`, r.stderr);

  // JSON patch resumes it: Suspended=False/JobResumed, startTime reset.
  const before = Date.now();
  r = sb.kjob(['patch', 'job', NAME, '--type', 'json', '-p', '[{"op":"replace","path":"/spec/suspend","value":false}]']);
  assert.equal(r.stdout, `job.batch/${NAME} patched\n`, r.stderr);
  let resumed: any;
  await sb.until('2 active pods again', () => {
    if (activePods().length !== 2) return false;
    resumed = job(sb, NAME);
    return resumed.status?.conditions?.find((c: any) => c.type === 'Suspended')?.status === 'False';
  }, 30_000, 100);
  // A re-apply with suspend: true suspends it again, at once: its pods run for 5 s, and the story
  // (8 pods created, 4 deleted) needs them still running; the original manifest then resumes it.
  r = sb.kjob(['apply', '-f', '-'], { input: manifest.replace('spec:\n  parallelism: 2', 'spec:\n  suspend: true\n  parallelism: 2') });
  assert.equal(r.stdout, `job.batch/${NAME} configured\n`, r.stderr);
  assert.equal(resumed.status.conditions.find((c: any) => c.type === 'Suspended').reason, 'JobResumed');
  assert.ok(Date.parse(resumed.status.startTime) >= Math.floor(before / 1000) * 1000, 'startTime is reset on resume');
  await sb.until('suspended again', () => suspended()?.status === 'True' && pods(sb).length === 0, 60_000);
  r = sb.kjob(['apply', '-f', '-'], { input: manifest });
  assert.equal(r.stdout, `job.batch/${NAME} configured\n`, r.stderr);
  await sb.until('the Job to complete', () => !!cond(job(sb, NAME), 'Complete'), 30_000);
  j = job(sb, NAME);
  assert.equal(j.status.succeeded, 4);
  assert.equal(j.status.failed, undefined);
  const events = JSON.parse(sb.kjob(['get', 'events', '-o', 'json']).stdout).items;
  const count = (reason: string) => events.filter((e: any) => e.reason === reason).reduce((n: number, e: any) => n + (e.count ?? 1), 0);
  assert.equal(count('Suspended'), 2);
  assert.equal(count('Resumed'), 2);
  assert.equal(count('SuccessfulDelete'), 4);
  await assertDescribeGolden(sb, 'job', NAME, 'describe-job-suspended-resumed.txt');

  // Errors as kubectl prints them.
  r = sb.kjob(['patch', 'job', NAME, '-p', '{"spec":{"completions":5}}']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `The Job "${NAME}" is invalid: spec.completions: Invalid value: 5: field is immutable\n`);
  r = sb.kjob(['patch', 'job', 'nope', '-p', '{"spec":{"suspend":true}}']);
  assert.equal(r.stderr, 'Error from server (NotFound): jobs.batch "nope" not found\n');
  r = sb.kjob(['patch', 'job', NAME, '--type=yaml', '-p', '{}']);
  assert.equal(r.stderr, 'error: --type must be one of [json merge strategic], not "yaml"\n');
  r = sb.kjob(['patch', 'job', NAME]);
  assert.equal(r.stderr, 'error: must specify --patch or --patch-file containing the contents of the patch\n');
});

test('manualSelector: the user selector is kept and no labels are generated; a mismatch is refused', async () => {
  applyText(
    manual,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: manual
spec:
  manualSelector: true
  selector:
    matchLabels:
      app: manual
  template:
    metadata:
      labels:
        app: manual
    spec:
      containers:
      - name: c
        image: busybox
        command: ["echo", "hi"]
      restartPolicy: Never
`,
  );
  await manual.until('the Job to complete', () => !!cond(job(manual, 'manual'), 'Complete'), 15_000);
  const j = job(manual, 'manual');
  assert.deepEqual(j.spec.selector, { matchLabels: { app: 'manual' } });
  assert.deepEqual(j.spec.template.metadata.labels, { app: 'manual' });
  const [p] = pods(manual);
  assert.deepEqual(p.metadata.labels, { app: 'manual' });
  await assertDescribeGolden(manual, 'job', 'manual', 'describe-job-manual-selector.txt');
  const bad = manual.kjob(['apply', '-f', '-'], {
    input: `apiVersion: batch/v1
kind: Job
metadata:
  name: bad
spec:
  manualSelector: true
  selector:
    matchLabels:
      app: one
  template:
    metadata:
      labels:
        app: other
    spec:
      containers:
      - name: c
        image: busybox
      restartPolicy: Never
`,
  });
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'The Job "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`\n');
});
