// Stories: activeDeadlineSeconds (SIGTERM, then SIGKILL after the grace period; DeadlineExceeded)
// and ttlSecondsAfterFinished (the Job and its pods deleted that long after it finished). Both
// durations are the user's and are not scaled by KJOB_TIME_SCALE.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';
import { applyText, assertDescribeGolden, cond, job, pods } from './jobs-helpers.js';

const deadline = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
const ttl = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
after(() => {
  deadline.cleanup();
  ttl.cleanup();
});

test('activeDeadlineSeconds: SIGTERM ignored, SIGKILL after terminationGracePeriodSeconds, DeadlineExceeded', async () => {
  const sb = deadline;
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: deadline
spec:
  activeDeadlineSeconds: 2
  template:
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: stubborn
        image: busybox
        command: ["sh", "-c", "trap '' TERM; while true; do sleep 0.2; done"]
      restartPolicy: Never
`,
  );
  await sb.until('the Failed condition', () => !!cond(job(sb, 'deadline'), 'Failed'), 30_000);
  const j = job(sb, 'deadline');
  const target = cond(j, 'FailureTarget');
  assert.equal(target.reason, 'DeadlineExceeded');
  const started = Date.parse(j.status.startTime);
  const f = cond(j, 'Failed');
  // Failed waits for the pod to terminate: the 2 s grace period after FailureTarget (the
  // conditions' times are whole seconds, so at least 1 s apart).
  assert.ok(Date.parse(f.lastTransitionTime) - Date.parse(target.lastTransitionTime) >= 1000, 'Failed waits for the pod to terminate');
  assert.equal(f.reason, 'DeadlineExceeded');
  assert.equal(f.message, 'Job was active longer than specified deadline');
  // Deadline 2s (not scaled), then the 2s grace period before SIGKILL.
  assert.ok(Date.parse(f.lastTransitionTime) - started >= 3000, `failed ${Date.parse(f.lastTransitionTime) - started}ms after start`);
  assert.equal(j.status.failed, 1);
  const [p] = pods(sb).length ? pods(sb) : [undefined];
  if (p) assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 137, 'killed by SIGKILL');
  const d = sb.kjob(['describe', 'job', 'deadline']).stdout;
  assert.match(d, /Warning +DeadlineExceeded +\S+ +job-controller +Job was active longer than specified deadline/);
  await sb.until('the pod to be gone', () => pods(sb).length === 0, 10_000);
  await assertDescribeGolden(sb, 'job', 'deadline', 'describe-job-deadline.txt');
});

test('ttlSecondsAfterFinished: the Job and its pods are deleted after the TTL, in the foreground', async () => {
  const sb = ttl;
  // Watching from before the Job exists: a watch started later might start after the deletions.
  const watch = await sb.spawnWatch(['get', 'pods', '-w', '--output-watch-events']);
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: ttl
spec:
  ttlSecondsAfterFinished: 5
  completions: 2
  template:
    spec:
      containers:
      - name: c
        image: busybox
        command: ["echo", "done"]
      restartPolicy: Never
`,
  );
  // One read of the Job and its pods together: on a loaded machine a second read may come after the TTL.
  let list: any;
  const both = () => (list = JSON.parse(sb.kjob(['get', 'jobs,pods', '-o', 'json']).stdout)).items;
  await sb.until('the Job to complete', () => both().some((o: any) => o.kind === 'Job' && cond(o, 'Complete')), 15_000);
  const finished = Date.parse(cond(list.items.find((o: any) => o.kind === 'Job'), 'Complete').lastTransitionTime);
  assert.equal(list.items.filter((o: any) => o.kind === 'Pod').length, 2);
  await sb.until('the Job to be deleted', () => sb.kjob(['get', 'job', 'ttl']).code !== 0, 15_000);
  const gone = Date.now();
  assert.ok(gone - finished >= 4500, `deleted ${gone - finished}ms after finishing`);
  assert.equal(pods(sb).length, 0, 'pods are deleted first (foreground)');
  assert.match(sb.kjob(['get', 'job', 'ttl']).stderr, /jobs.batch "ttl" not found/);
  await sb.until('the watch to see both DELETED', () => (watch.output().match(/^DELETED/gm) ?? []).length === 2, 5000);
  // No events from the TTL controller.
  const events = sb.kjob(['get', 'events', '-o', 'json']);
  assert.ok(!events.stdout.includes('ttl-after-finished-controller'));
});

test("a pod's own activeDeadlineSeconds: the kubelet stops its container, then fails it (DeadlineExceeded); the Job counts the failure", async () => {
  const sb = deadline;
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: pod-deadline
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      activeDeadlineSeconds: 2
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: busybox
        command: ["sleep", "100"]
`,
  );
  await sb.until('the Job to fail', () => !!cond(job(sb, 'pod-deadline'), 'Failed'), 20_000);
  assert.equal(cond(job(sb, 'pod-deadline'), 'Failed')!.reason, 'BackoffLimitExceeded');
  const [p] = pods(sb).filter((x) => x.metadata.labels['job-name'] === 'pod-deadline');
  // Failed only once nothing of it runs (mergePodStatus): sleep, PID 1 of its container, ignores
  // SIGTERM and is killed after the grace period. (Two seconds of deadline: on a loaded machine a
  // SIGTERM within the first second could reach the container before sleep is PID 1, exit 143.)
  assert.equal(p.status.phase, 'Failed');
  assert.equal(p.status.reason, 'DeadlineExceeded');
  assert.equal(p.status.message, 'Pod was active on the node longer than the specified deadline');
  assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 137);
  // kubectl shows the container's reason over the pod's.
  assert.match(sb.kjob(['get', 'pod', p.metadata.name]).stdout, new RegExp(`^${p.metadata.name}\\s+0/1\\s+Error\\s+0\\s`, 'm'));
  const events = sb.kjob(['get', 'events', '--field-selector', `involvedObject.name=${p.metadata.name}`, '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']).stdout;
  assert.match(events, /^DeadlineExceeded$/m);
  assert.match(events, /^Killing$/m);
});
