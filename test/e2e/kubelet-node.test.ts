// Stories of the kubelet, the scheduler and the Job controller against a real engine (issue 8):
// graceful deletion of a Job's pod (kjob delete pod, kjob delete job), a Job created suspended and
// resumed, the downward API's resourceFieldRef, a pod no node can take, pods that take turns for
// the node's cpu, an engine that relists after falling behind the change log, image pull events by
// policy, and the node itself. Expected describe output is kubectl's (goldens captured through
// kube-mirror with KJOB_CAPTURE_GOLDEN=1).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { CHANGE_LOG_KEEP, Store } from '../../src/store/store.js';
import { processesOf } from '../../src/util/process.js';
import { applyText, assertDescribeGolden, cond, job, pods, readJSON } from './jobs-helpers.js';

const boxes: Sandbox[] = [];
const sandbox = (env: NodeJS.ProcessEnv = {}) => {
  const sb = new Sandbox({ KJOB_TIME_SCALE: '0.01', ...env });
  boxes.push(sb);
  return sb;
};
after(() => {
  for (const sb of boxes) sb.cleanup();
});

/**
 * The file a held container waits for, one per test's workload and run: without a sandbox a pod's
 * /tmp is the host's, where a file made for one would release the next. Removed after the tests.
 */
const releaseFiles = new Set<string>();
const releaseFile = (owner: string) => {
  const f = `/tmp/kjob-e2e-release-${process.pid}-${owner}`;
  releaseFiles.add(f);
  return f;
};
after(() => {
  for (const f of releaseFiles) fs.rmSync(f, { force: true });
});

// The handler outlives the SIGTERM by 12s, or, held, until the test releases it (kjob exec ...
// touch its release file), so that what is checked while it runs does not race a slow machine's
// reads; the loop keeps sleeping in short steps, so the handler runs promptly whether sh is PID 1
// of its own PID namespace or an ordinary process.
const handler = (exitCode: number, file?: string) =>
  `trap 'echo term; ${file ? `while [ ! -e ${file} ]; do sleep 0.2; done` : 'sleep 12'}; echo bye; exit ${exitCode}' TERM; echo started; while :; do sleep 0.2; done`;
// The file ends the container, and what is left in a container that ends is killed, an exec's
// process too (as a runtime kills exec sessions with their container): on a loaded machine the
// exec can still be on its way out then, and ends 137 (SIGKILL) after it made the file. A Job's
// pods wait for their Job's file (termJob), a pod of its own for its own.
const release = (sb: Sandbox, pod: string) => {
  const owner = podNamed(sb, pod)?.metadata.labels?.['job-name'] ?? pod;
  const r = sb.kjob(['exec', pod, '--', 'touch', releaseFile(owner)]);
  assert.ok(r.code === 0 || (r.code === 137 && r.stderr === 'command terminated with exit code 137\n'), `exec ${r.code}: ${r.stderr}`);
};

function termJob(name: string, extra = '', exitCode = 0, held = false): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:${extra}
  template:
    spec:
      terminationGracePeriodSeconds: ${held ? 300 : 30}
      containers:
      - name: c
        image: busybox:1.36
        command: ["sh", "-c", ${JSON.stringify(handler(exitCode, held ? releaseFile(name) : undefined))}]
      restartPolicy: Never
`;
}

/** A pod of one container c that is not restarted; containerYaml goes on in the container (four spaces in). */
const onePod = (name: string, image: string, containerYaml: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: ${image}
${containerYaml}`;

/** A pod of `sh -c command` that asks three fifths of the node's allocatable cpu (its cpus): one fits, two do not. */
const cpuHog = (name: string, command: string) =>
  onePod(name, 'busybox:1.36', `    command: ["sh", "-c", ${JSON.stringify(command)}]\n    resources:\n      requests:\n        cpu: ${Math.floor((os.cpus().length * 1000 * 3) / 5)}m\n`);

const podNamed = (sb: Sandbox, name: string) => pods(sb).find((p: any) => p.metadata.name === name);
const events = (sb: Sandbox) => readJSON(sb, ['get', 'events']).items as any[];

async function runningPod(sb: Sandbox, jobName: string): Promise<string> {
  let name = '';
  await sb.until(`a running pod of ${jobName} that has trapped SIGTERM`, () => {
    const p = pods(sb).find((x: any) => x.metadata.labels?.['job-name'] === jobName && x.status?.phase === 'Running' && !x.metadata.deletionTimestamp);
    if (!p) return false;
    name = p.metadata.name;
    return sb.kjob(['logs', name]).stdout.includes('started');
  }, 40_000);
  return name;
}

test('kjob delete pod of a Job: Terminating while its SIGTERM handler runs, counted in status.terminating, then gone', async () => {
  const sb = sandbox();
  applyText(sb, termJob('term', '', 0, true));
  const name = await runningPod(sb, 'term');
  const r = sb.kjob(['delete', 'pod', name, '--wait=false']);
  assert.equal(r.stdout, `pod "${name}" deleted\n`, r.stderr);

  // kubectl prints Terminating for a pod with a deletionTimestamp; the Job counts it meanwhile.
  await sb.until('the pod to show Terminating and the Job to count it', () => {
    const row = sb.kjob(['get', 'pods', name, '--no-headers']).stdout;
    return /\bTerminating\b/.test(row) && job(sb, 'term').status?.terminating === 1;
  }, 30_000);
  assert.ok(podNamed(sb, name)?.metadata.deletionTimestamp);
  assert.equal(podNamed(sb, name)?.metadata.deletionGracePeriodSeconds, 300);
  await sb.until('the handler to write to the log', () => sb.kjob(['logs', name]).stdout.includes('term\n'), 30_000);
  assert.ok(podNamed(sb, name), 'still there while the handler runs');
  // The signal is sent at once; the Event is stored with the rest of the engine's round of work.
  await sb.until('the Killing event', () => events(sb).some((e) => e.reason === 'Killing' && e.message === 'Stopping container c' && e.involvedObject.name === name), 10_000);
  release(sb, name);
  // gone when its handler ends, long before its grace period (300 s)
  await sb.until('the pod to be gone once the handler exits', () => !podNamed(sb, name), 40_000);
  await sb.until('status.terminating back to 0', () => job(sb, 'term').status?.terminating === 0, 10_000);
  const j = job(sb, 'term');
  assert.equal(j.status.failed, 1, 'the deleted pod counts as failed (podReplacementPolicy TerminatingOrFailed)');
  // Its replacement runs (after the scaled pod-failure back-off).
  await runningPod(sb, 'term');
});

test('podReplacementPolicy Failed: the replacement waits until the terminating pod has finished', async () => {
  const sb = sandbox();
  // The handler exits 1: the pod ends Failed, so it is replaced (exiting 0, it would complete the Job).
  applyText(sb, termJob('patient', '\n  podReplacementPolicy: Failed', 1));
  const name = await runningPod(sb, 'patient');
  sb.kjob(['delete', 'pod', name, '--wait=false']);
  await sb.until('the Job to count the terminating pod', () => job(sb, 'patient').status?.terminating === 1, 10_000);
  const start = Date.now();
  while (Date.now() - start < 1500) {
    assert.deepEqual(pods(sb).map((p: any) => p.metadata.name), [name], 'no replacement while it terminates');
    await new Promise((r) => setTimeout(r, 300));
  }
  await sb.until('the old pod gone and a replacement running', () => !podNamed(sb, name) && pods(sb).length === 1, 30_000);
  const j = job(sb, 'patient');
  assert.equal(j.status.terminating, 0);
  assert.equal(j.status.failed, 1, 'counted as failed only once it had failed');
});

test('kjob delete job: its pods are Terminating until their handlers exit', async () => {
  const sb = sandbox();
  applyText(sb, termJob('bye', '', 0, true));
  const name = await runningPod(sb, 'bye');
  const r = sb.kjob(['delete', 'job', 'bye']);
  assert.equal(r.stdout, 'job.batch "bye" deleted\n', r.stderr);
  await sb.until('the orphaned pod to show Terminating', () => /\bTerminating\b/.test(sb.kjob(['get', 'pods', '--no-headers']).stdout), 30_000);
  await sb.until('the handler to write to the log', () => sb.kjob(['logs', name]).stdout.includes('term\n'), 30_000);
  assert.ok(podNamed(sb, name), 'still there while the handler runs');
  release(sb, name);
  await sb.until('the pod to be gone', () => pods(sb).length === 0, 40_000);
});

test('terminationGracePeriodSeconds: a container that ignores SIGTERM is killed when the grace period ends', async () => {
  const sb = sandbox();
  applyText(sb, `apiVersion: v1
kind: Pod
metadata:
  name: stubborn
spec:
  terminationGracePeriodSeconds: 2
  restartPolicy: Never
  containers:
  - name: c
    image: busybox:1.36
    command: ["sh", "-c", "trap '' TERM; echo started; while :; do sleep 0.2; done"]
`);
  await sb.until('the container to run', () => sb.kjob(['logs', 'stubborn']).stdout.includes('started'), 20_000);
  const deletedAt = Date.now();
  sb.kjob(['delete', 'pod', 'stubborn', '--wait=false']);
  await sb.until('the pod to be gone', () => !podNamed(sb, 'stubborn'), 20_000);
  assert.ok(Date.now() - deletedAt >= 1500, 'kept for its grace period');
});

test('a Job created suspended: Suspended condition and event at once; resumed: JobResumed, Resumed, a new startTime', async () => {
  const sb = sandbox();
  applyText(sb, `apiVersion: batch/v1
kind: Job
metadata:
  name: later
spec:
  suspend: true
  template:
    spec:
      containers:
      - name: c
        image: busybox:1.36
        command: ["echo", "done"]
      restartPolicy: Never
`);
  await sb.until('the Suspended condition', () => !!cond(job(sb, 'later'), 'Suspended'), 15_000);
  let j = job(sb, 'later');
  const c = j.status.conditions.find((x: any) => x.type === 'Suspended');
  assert.deepEqual([c.status, c.reason, c.message], ['True', 'JobSuspended', 'Job suspended']);
  assert.equal(j.status.startTime, undefined);
  assert.match(sb.kjob(['get', 'job', 'later', '--no-headers']).stdout, /^later +Suspended +0\/1 /);
  assert.deepEqual(events(sb).map((e) => [e.type, e.reason, e.message]), [['Normal', 'Suspended', 'Job suspended']]);
  await assertDescribeGolden(sb, 'job', 'later', 'describe-job-created-suspended.txt');

  const before = Date.now();
  const r = sb.kjob(['patch', 'job', 'later', '-p', '{"spec":{"suspend":false}}']);
  assert.equal(r.stdout, 'job.batch/later patched\n', r.stderr);
  await sb.until('the Job to complete', () => !!cond(job(sb, 'later'), 'Complete'), 20_000);
  j = job(sb, 'later');
  const resumed = j.status.conditions.find((x: any) => x.type === 'Suspended');
  assert.deepEqual([resumed.status, resumed.reason, resumed.message], ['False', 'JobResumed', 'Job resumed']);
  assert.ok(Date.parse(j.status.startTime) >= Math.floor(before / 1000) * 1000, 'startTime is set on resume');
  assert.ok(events(sb).some((e) => e.reason === 'Resumed' && e.message === 'Job resumed' && e.type === 'Normal'));
  await assertDescribeGolden(sb, 'job', 'later', 'describe-job-created-suspended-resumed.txt');
});

const DOWNWARD = `apiVersion: v1
kind: Pod
metadata:
  name: downward
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox:1.36
    command: ["sh", "-c", "env | grep ^MY_ | sort; sleep 1"]
    resources:
      requests:
        cpu: 250m
        memory: 64Mi
    env:
    - name: MY_CPU_LIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.cpu
    - name: MY_CPU_REQUEST
      valueFrom:
        resourceFieldRef:
          resource: requests.cpu
    - name: MY_CPU_REQUEST_MILLIS
      valueFrom:
        resourceFieldRef:
          resource: requests.cpu
          divisor: 1m
    - name: MY_MEM_REQUEST
      valueFrom:
        resourceFieldRef:
          containerName: c
          resource: requests.memory
    - name: MY_MEM_REQUEST_MI
      valueFrom:
        resourceFieldRef:
          resource: requests.memory
          divisor: 1Mi
    - name: MY_MEM_LIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
    - name: MY_NODE
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: MY_SERVICE_ACCOUNT
      valueFrom:
        fieldRef:
          fieldPath: spec.serviceAccountName
`;

test('resourceFieldRef: the kubelet\'s values in the container; kubectl\'s in describe', async () => {
  const sb = sandbox();
  applyText(sb, DOWNWARD);
  await sb.until('the pod to complete', () => podNamed(sb, 'downward')?.status?.phase === 'Succeeded', 20_000);
  const env = Object.fromEntries(sb.kjob(['logs', 'downward']).stdout.trim().split('\n').map((l) => l.split('=')));
  const node = readJSON(sb, ['get', 'node', 'kjob-node']);
  const allocMem = BigInt(node.status.allocatable.memory.replace(/Ki$/, '')) * 1024n;
  assert.deepEqual(env, {
    MY_CPU_LIMIT: String(os.cpus().length), // no limit: the node's allocatable cpu
    MY_CPU_REQUEST: '1', // 250m rounded up to the divisor 1
    MY_CPU_REQUEST_MILLIS: '250',
    MY_MEM_REQUEST: '67108864',
    MY_MEM_REQUEST_MI: '64',
    MY_MEM_LIMIT: String(allocMem),
    MY_NODE: 'kjob-node',
    MY_SERVICE_ACCOUNT: 'default',
  });
  const ref = readJSON(sb, ['get', 'pod', 'downward']).spec.containers[0].env[0].valueFrom.resourceFieldRef;
  assert.deepEqual(ref, { divisor: '0', resource: 'limits.cpu' }, 'an unset divisor is stored as "0"');
  await assertDescribeGolden(sb, 'pod', 'downward', 'describe-pod-downward-resources.txt');
});

test('a nodeSelector no node matches: Pending, PodScheduled=False/Unschedulable, FailedScheduling; scheduled once the pod allows it', async () => {
  const sb = sandbox();
  applyText(sb, `apiVersion: batch/v1
kind: Job
metadata:
  name: picky
spec:
  template:
    spec:
      nodeSelector:
        disktype: ssd
      containers:
      - name: c
        image: busybox:1.36
        command: ["echo", "hi"]
      restartPolicy: Never
`);
  const message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
  let name = '';
  await sb.until('FailedScheduling', () => {
    const p = pods(sb)[0];
    name = p?.metadata.name ?? '';
    return !!p && (p.status?.conditions ?? []).some((c: any) => c.type === 'PodScheduled' && c.status === 'False');
  }, 15_000);
  const p = podNamed(sb, name);
  assert.equal(p.spec.nodeName, undefined);
  assert.equal(p.status.phase, 'Pending');
  const c = p.status.conditions.find((x: any) => x.type === 'PodScheduled');
  assert.deepEqual([c.reason, c.message], ['Unschedulable', message]);
  assert.match(sb.kjob(['get', 'pods', '--no-headers']).stdout, new RegExp(`^${name} +0/1 +Pending +0 `));
  const fs = events(sb).filter((e) => e.reason === 'FailedScheduling');
  assert.deepEqual(fs.map((e) => [e.type, e.message, e.source.component]), [['Warning', message, 'default-scheduler']]);
  // It stays so (retries record nothing new), and the Job counts it as active, not ready.
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(podNamed(sb, name).status.phase, 'Pending');
  assert.equal(events(sb).filter((e) => e.reason === 'FailedScheduling')[0].count, 1);
  assert.equal(job(sb, 'picky').status.active, 1);
  await assertDescribeGolden(sb, 'pod', name, 'describe-pod-unschedulable.txt');

  // Requests no node can hold: Insufficient cpu.
  applyText(sb, onePod('huge', 'busybox:1.36', '    command: ["true"]\n    resources:\n      requests:\n        cpu: "100000"\n'));
  await sb.until('Insufficient cpu', () => events(sb).some((e) => e.involvedObject.name === 'huge' && e.reason === 'FailedScheduling'), 15_000);
  assert.equal(
    events(sb).find((e) => e.involvedObject.name === 'huge').message,
    '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  );
});

test('pods that need most of the node cpu run one after the other: the second is Unschedulable (Insufficient cpu) until the first ends', async () => {
  const sb = sandbox();
  applyText(sb, cpuHog('first', `while [ ! -e ${releaseFile('first')} ]; do sleep 0.2; done`));
  await sb.until('first Running', () => podNamed(sb, 'first')?.status?.phase === 'Running');
  applyText(sb, cpuHog('second', 'true'));
  await sb.until('second FailedScheduling', () => events(sb).some((e) => e.involvedObject.name === 'second' && e.reason === 'FailedScheduling'));
  assert.equal(
    events(sb).find((e) => e.involvedObject.name === 'second' && e.reason === 'FailedScheduling').message,
    '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  );
  assert.equal(podNamed(sb, 'second').spec.nodeName, undefined);
  // The first ends: the scheduler's cache hears it from the engine's informer, and the second fits.
  release(sb, 'first');
  await sb.until('second Succeeded', () => podNamed(sb, 'second')?.status?.phase === 'Succeeded', 30_000);
  assert.equal(podNamed(sb, 'first').status.phase, 'Succeeded');
  assert.ok(events(sb).some((e) => e.involvedObject.name === 'second' && e.reason === 'Scheduled'));
});

test('an engine fallen behind the change log relists: a pod deleted in the gap is stopped, cleaned up, and no longer holds the node cpu', async () => {
  const sb = sandbox();
  applyText(sb, cpuHog('hog', 'while :; do sleep 0.2; done'));
  // A pod that asks for no cpu keeps the engine from its idle exit: a new engine would list its
  // scheduler's cache afresh, and the check below would not see the relist's.
  applyText(sb, onePod('keeper', 'busybox:1.36', '    command: ["sh", "-c", "while :; do sleep 0.2; done"]\n'));
  await sb.until('hog and keeper Running', () => ['hog', 'keeper'].every((n) => podNamed(sb, n)?.status?.phase === 'Running'));
  const engine = sb.enginePid();
  const uid = podNamed(sb, 'hog').metadata.uid;
  assert.ok(fs.existsSync(path.join(sb.home, 'pods', uid)));
  // In one transaction, which the engine cannot read into before its commit: the pod removed
  // without a word to anyone, and more changes after it than the change log keeps.
  const store = Store.open(sb.home);
  try {
    store.transaction(() => {
      store.delete('Pod', 'default', 'hog');
      store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn', namespace: 'default', uid: 'churn-uid' }, data: { n: '0' } });
      for (let i = 1; i <= CHANGE_LOG_KEEP + 1000; i++) store.update({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'churn', namespace: 'default', uid: 'churn-uid' }, data: { n: String(i) } });
    });
  } finally {
    store.close();
  }
  await sb.until('the engine to resync', () => sb.engineLog(50).includes('resyncing everything'));
  await sb.until("the hog's runtime state to go", () => !fs.existsSync(path.join(sb.home, 'pods', uid)));
  // Its shim's and its sandbox's argv name its attempt directory, which has its uid (SIGKILLed
  // just before the directory went: they may take a moment to be gone).
  await sb.until('no process of the hog', () => processesOf(sb.home, (argv) => argv.some((a) => a.includes(uid))).length === 0);
  // The scheduler's cache was listed again too: a pod as big as the hog fits.
  applyText(sb, cpuHog('next', 'true'));
  await sb.until('next Succeeded', () => podNamed(sb, 'next')?.status?.phase === 'Succeeded', 30_000);
  assert.ok(!events(sb).some((e) => e.involvedObject.name === 'next' && e.reason === 'FailedScheduling'), 'next was never Unschedulable');
  assert.equal(sb.enginePid(), engine, 'the same engine throughout');
});

test('image pull events by policy: Always pulls (Pulling, Pulled with time and size), IfNotPresent and Never find the image present', async () => {
  const sb = sandbox();
  const podYaml = (name: string, image: string, policy?: string) => onePod(name, image, `${policy ? `    imagePullPolicy: ${policy}\n` : ''}    command: ["true"]\n`);
  applyText(sb, [podYaml('latest', 'busybox'), podYaml('tagged', 'busybox:1.36'), podYaml('never', 'busybox', 'Never'), podYaml('always', 'busybox:1.36', 'Always')].join('---\n'));
  const policy = (n: string) => readJSON(sb, ['get', 'pod', n]).spec.containers[0].imagePullPolicy;
  assert.deepEqual(['latest', 'tagged', 'never', 'always'].map(policy), ['Always', 'IfNotPresent', 'Never', 'Always'], 'the apiserver defaults the policy from the tag');
  await sb.until('all four to complete', () => pods(sb).filter((p: any) => p.status?.phase === 'Succeeded').length === 4, 20_000);
  const pulls = (n: string) => events(sb).filter((e) => e.involvedObject.name === n && e.reason.startsWith('Pull')).map((e) => `${e.reason}: ${e.message}`);
  for (const [n, image] of [['latest', 'busybox'], ['always', 'busybox:1.36']]) {
    const [pulling, pulled] = pulls(n);
    assert.equal(pulling, `Pulling: Pulling image "${image}"`);
    assert.match(pulled, new RegExp(`^Pulled: Successfully pulled image "${image}" in (\\d+ms|0s|[\\d.]+s) \\(\\1 including waiting\\)\\. Image size: [1-9]\\d* bytes\\.$`));
  }
  assert.deepEqual(pulls('tagged'), ['Pulled: Container image "busybox:1.36" already present on machine']);
  assert.deepEqual(pulls('never'), ['Pulled: Container image "busybox" already present on machine']);
});

test('the node: kjob get nodes and describe node, as kubectl prints a one-node cluster', () => {
  const sb = sandbox();
  const r = sb.kjob(['get', 'nodes']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME +STATUS +ROLES +AGE +VERSION\nkjob-node +Ready +<none> +\d+s +v1\.32\.0\n$/);
  const wide = sb.kjob(['get', 'no', '-o', 'wide']).stdout.split('\n')[0];
  assert.match(wide, /^NAME +STATUS +ROLES +AGE +VERSION +INTERNAL-IP +EXTERNAL-IP +OS-IMAGE +KERNEL-VERSION +CONTAINER-RUNTIME$/);
  const node = readJSON(sb, ['get', 'node', 'kjob-node']);
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  assert.deepEqual(node.metadata.labels, {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': 'kjob-node',
    'kubernetes.io/os': 'linux',
  });
  assert.equal(node.status.capacity.cpu, String(os.cpus().length));
  assert.equal(node.status.capacity.pods, '110');
  assert.deepEqual(node.status.conditions.map((c: any) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  const d = sb.kjob(['describe', 'node', 'kjob-node']).stdout;
  assert.match(d, /^Name: +kjob-node\nRoles: +<none>\n/);
  assert.match(d, /\nTaints: +<none>\nUnschedulable: +false\n/);
  assert.match(d, /\nNon-terminated Pods: +\(0 in total\)\n/);
  assert.match(d, /\n  cpu +0 \(0%\) +0 \(0%\)\n/);
});
