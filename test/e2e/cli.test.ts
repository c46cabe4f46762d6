// The kubectl surface around the walkthrough: namespaces, services, several types in one get,
// selectors, logs -f, and the three cascade policies of delete.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { KJOB, Sandbox } from './helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const manifests = (dir: string) => ({
  ns: path.join(dir, 'team-a.yaml'),
  sleeper: path.join(dir, 'sleeper.yaml'),
  dir,
});
let m: ReturnType<typeof manifests>;

const job = (name: string, ns: string, command: string, extra = '') => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:${extra}
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 2
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "${command}"]
`;

before(() => {
  m = manifests(path.join(sb.home, 'manifests'));
  fs.mkdirSync(m.dir, { recursive: true });
  fs.writeFileSync(m.ns, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n---\n${job('hello', 'team-a', 'echo hello from $HOSTNAME; sleep 1; echo bye', '\n  completions: 2')}`);
  fs.writeFileSync(m.sleeper, job('sleeper', 'default', 'sleep 300', '\n  parallelism: 2\n  completions: 2'));
});

test('a namespace and a Job in it, from one file', async () => {
  const r = sb.kjob(['apply', '-f', m.ns]);
  assert.equal(r.stdout, 'namespace/team-a created\njob.batch/hello created\n');
  const ns = sb.kjob(['get', 'ns']).stdout.split('\n');
  assert.equal(ns[0], 'NAME      STATUS   AGE');
  assert.match(ns[1], /^default +Active +\d+s$/);
  assert.match(ns[2], /^team-a +Active +\d+s$/);
  assert.equal(sb.kjob(['get', 'jobs']).stderr, 'No resources found in default namespace.\n');
  // Each pod sleeps 1 s, so on a loaded machine the Job may be further along by now: the
  // columns are checked for either state, the counts once it has completed.
  const all = sb.kjob(['get', 'jobs', '-A']).stdout.split('\n');
  assert.match(all[0], /^NAMESPACE {3}NAME {4}STATUS {4,5}COMPLETIONS {3}DURATION {3}AGE$/);
  assert.match(all[1], /^team-a {6}hello {3}(Running {3}[01]|Complete {3}2)\/2 /);
  assert.match(sb.kjob(['get', 'jobs', '-n', 'team-a', '-l', 'app=hello', '--no-headers']).stdout, /^hello {3}(Running {3}[01]|Complete {3}2)\/2 /);
  assert.equal(sb.kjob(['get', 'jobs', '-n', 'team-a', '-l', 'app=other']).stderr, 'No resources found in team-a namespace.\n');
  await sb.until('hello Complete', () => /hello +Complete +2\/2/.test(sb.kjob(['get', 'jobs', '-n', 'team-a']).stdout), 30_000);
});

test('several types in one get: a table each, kind prefixes, a blank line between', () => {
  const r = sb.kjob(['get', 'jobs,pods', '-n', 'team-a']);
  const [jobs, pods] = r.stdout.split('\n\n');
  assert.match(jobs, /^NAME {14}STATUS {5}COMPLETIONS {3}DURATION {3}AGE\njob\.batch\/hello {3}Complete {3}2\/2 /);
  assert.match(pods, /^NAME {14}READY {3}STATUS {6}RESTARTS {3}AGE\npod\/hello-\w{5} {3}0\/1 {5}Completed /);
  const names = sb.kjob(['get', 'pods', '-n', 'team-a', '-o', 'name']).stdout.trim().split('\n');
  // A third pod, should there be one, says what it was (once a pod that bwrap failed: a state
  // directory removed while it started, sandbox.ts hiddenPaths).
  assert.equal(names.length, 2, `pods: ${sb.kjob(['get', 'pods', '-n', 'team-a', '-o', 'wide']).stdout}\nevents: ${sb.kjob(['get', 'events', '-n', 'team-a']).stdout}`);
  assert.ok(names.every((n) => /^pod\/hello-\w{5}$/.test(n)));
});

test('logs of a job/NAME and -c; hostname is the pod name', () => {
  const pods = sb.kjob(['get', 'pods', '-n', 'team-a', '-o', 'name']).stdout.trim().split('\n').map((n) => n.split('/')[1]);
  const r = sb.kjob(['logs', '-n', 'team-a', pods[0], '-c', 'c']);
  assert.equal(r.stdout, `hello from ${pods[0]}\nbye\n`);
  const j = sb.kjob(['logs', '-n', 'team-a', 'job/hello']);
  assert.match(j.stderr, /^Found 2 pods, using pod\/hello-\w{5}\n$/);
  assert.match(j.stdout, /^hello from hello-\w{5}\nbye\n$/);
  assert.equal(sb.kjob(['logs', '-n', 'team-a', pods[0], '-c', 'nope']).stderr, `error: container nope is not valid for pod ${pods[0]}\n`);
});

test('logs -f follows a running container to its end', async () => {
  const r = sb.kjob(['apply', '-f', '-'], { input: job('ticker', 'default', 'for i in 1 2 3; do echo tick $i; sleep 1; done') });
  assert.equal(r.code, 0);
  await sb.until('ticker running', () => /ticker-\w{5} +1\/1 +Running/.test(sb.kjob(['get', 'pods']).stdout), 20_000);
  const pod = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('/')[1];
  const f = sb.kjob(['logs', '-f', pod]);
  assert.equal(f.stdout, 'tick 1\ntick 2\ntick 3\n');
  assert.equal(f.code, 0);
});

test('delete --cascade=orphan leaves the pods running, without owner', async () => {
  assert.equal(sb.kjob(['apply', '-f', m.sleeper]).code, 0);
  await sb.until('two running pods', () => (sb.kjob(['get', 'pods', '-l', 'job-name=sleeper']).stdout.match(/1\/1 +Running/g) ?? []).length === 2, 20_000);
  const r = sb.kjob(['delete', 'job', 'sleeper', '--cascade=orphan']);
  assert.equal(r.stdout, 'job.batch "sleeper" deleted\n');
  const pods = JSON.parse(sb.kjob(['get', 'pods', '-l', 'job-name=sleeper', '-o', 'json']).stdout).items;
  assert.equal(pods.length, 2);
  for (const p of pods) {
    assert.equal(p.metadata.ownerReferences, undefined);
    assert.equal(p.status.phase, 'Running');
  }
  // Orphans: the Job controller lets go of them (their tracking finalizer) while they run.
  const finalizers = () => JSON.parse(sb.kjob(['get', 'pods', '-l', 'job-name=sleeper', '-o', 'json']).stdout).items.map((p: any) => p.metadata.finalizers ?? []);
  await sb.until('the orphans to lose the tracking finalizer', () => finalizers().every((f: string[]) => f.length === 0), 10_000);
  const d = sb.kjob(['delete', 'pods', '-l', 'job-name=sleeper']);
  assert.equal(d.stdout.split('\n').filter((l) => / deleted$/.test(l)).length, 2);
  assert.equal(sb.kjob(['get', 'pods', '-l', 'job-name=sleeper']).stderr, 'No resources found in default namespace.\n');
});

test('delete --cascade=foreground removes the pods first, then the Job', async () => {
  assert.equal(sb.kjob(['apply', '-f', m.sleeper]).code, 0);
  await sb.until('two running pods', () => (sb.kjob(['get', 'pods', '-l', 'job-name=sleeper']).stdout.match(/1\/1 +Running/g) ?? []).length === 2, 20_000);
  const r = sb.kjob(['delete', 'job', 'sleeper', '--cascade=foreground']);
  assert.equal(r.stdout, 'job.batch "sleeper" deleted\n');
  assert.equal(r.code, 0);
  // kubectl delete waits for the object to be gone; in the foreground that is after its pods.
  assert.equal(sb.kjob(['get', 'job', 'sleeper']).code, 1);
  assert.equal(sb.kjob(['get', 'pods', '-l', 'job-name=sleeper']).stderr, 'No resources found in default namespace.\n');
});

test('delete --all and a selector that matches nothing', () => {
  assert.equal(sb.kjob(['delete', 'jobs', '-l', 'app=nothing']).stdout, 'No resources found\n');
  const r = sb.kjob(['delete', 'jobs', '--all', '-n', 'team-a']);
  assert.equal(r.stdout, 'job.batch "hello" deleted\n');
  assert.equal(sb.kjob(['delete', 'jobs']).stderr, 'error: resource(s) were provided, but no name was specified\n');
});

test('api-resources lists what kjob serves, as kubectl prints discovery', () => {
  // Captured from kubectl v1.32 api-resources against kjob serve.
  assert.equal(
    sb.kjob(['api-resources']).stdout,
    [
      'NAME              SHORTNAMES   APIVERSION            NAMESPACED   KIND',
      'configmaps        cm           v1                    true         ConfigMap',
      'endpoints         ep           v1                    true         Endpoints',
      'events            ev           v1                    true         Event',
      'namespaces        ns           v1                    false        Namespace',
      'nodes             no           v1                    false        Node',
      'pods              po           v1                    true         Pod',
      'secrets                        v1                    true         Secret',
      'serviceaccounts   sa           v1                    true         ServiceAccount',
      'services          svc          v1                    true         Service',
      'deployments       deploy       apps/v1               true         Deployment',
      'replicasets       rs           apps/v1               true         ReplicaSet',
      'cronjobs          cj           batch/v1              true         CronJob',
      'jobs                           batch/v1              true         Job',
      'endpointslices                 discovery.k8s.io/v1   true         EndpointSlice',
      '',
    ].join('\n'),
  );
});

test('get all: the "all" category, pods, services, cronjobs, jobs, each table with kind prefixes', async () => {
  const r = sb.kjob(['apply', '-f', 'fixtures/job-pod-to-pod.yaml', '-n', 'team-a']);
  assert.equal(r.stdout, 'service/headless-svc created\njob.batch/example-job created\n');
  // The Job's pods once the Job controller has made them (a get at once can come first, as on a cluster).
  await sb.until("example-job's pods", () => sb.kjob(['get', 'pods', '-n', 'team-a', '-o', 'name']).stdout.startsWith('pod/example-job-'), 30_000, 50);
  const names = sb.kjob(['get', 'all', '-n', 'team-a', '-o', 'name']).stdout.trim().split('\n');
  assert.ok(names[0].startsWith('pod/example-job-'));
  assert.deepEqual(names.slice(-2), ['service/headless-svc', 'job.batch/example-job']);
  const tables = sb.kjob(['get', 'all', '-n', 'team-a']).stdout.split('\n\n');
  assert.equal(tables.length, 3);
  assert.match(tables[1], /^NAME {19}TYPE {8}CLUSTER-IP {3}EXTERNAL-IP {3}PORT\(S\) {3}AGE\nservice\/headless-svc {3}ClusterIP {3}None /);
});

test('logs --tail, --prefix and --all-containers; flag values checked as kubectl checks them', async () => {
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: job('twolines', 'default', 'echo one; echo two') }).code, 0);
  await sb.until('twolines Complete', () => /twolines +Complete/.test(sb.kjob(['get', 'jobs']).stdout), 30_000);
  const pod = sb.kjob(['get', 'pods', '-l', 'job-name=twolines', '-o', 'name']).stdout.trim().split('/')[1];
  assert.equal(sb.kjob(['logs', pod, '--tail=1']).stdout, 'two\n');
  assert.equal(sb.kjob(['logs', pod, '--tail', '0']).stdout, '');
  assert.equal(sb.kjob(['logs', pod, '--prefix']).stdout, `[pod/${pod}/c] one\n[pod/${pod}/c] two\n`);
  assert.equal(sb.kjob(['logs', pod, '--all-containers']).stdout, 'one\ntwo\n');
  const bad = sb.kjob(['logs', pod, '--tail=x']);
  assert.equal(bad.stderr, `Error: invalid argument "x" for "--tail" flag: strconv.ParseInt: parsing "x": invalid syntax\nSee 'kjob logs --help' for usage.\n`);
  assert.equal(bad.code, 1);
});

test('patch goes through the same update validation as apply: a bad schedule is refused', () => {
  const cj = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: c
            image: busybox
            command: ["true"]
`;
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: cj }).code, 0);
  const before = sb.kjob(['get', 'cj', 'nightly', '-o', 'json']).stdout;
  const r = sb.kjob(['patch', 'cj', 'nightly', '-p', '{"spec":{"schedule":"61 * * * *"}}']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'The CronJob "nightly" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61\n');
  assert.equal(sb.kjob(['get', 'cj', 'nightly', '-o', 'json']).stdout, before);
  assert.equal(sb.kjob(['patch', 'cj', 'nightly', '-p', '{"spec":{"schedule":"0 4 * * *"}}']).stdout, 'cronjob.batch/nightly patched\n');
  assert.equal(sb.kjob(['patch', 'cj', 'nightly', '-p', '{"spec":{"schedule":"0 4 * * *"}}']).stdout, 'cronjob.batch/nightly patched (no change)\n');
  assert.equal(sb.kjob(['delete', 'cj', 'nightly']).code, 0);
});

// `-f -` reads stdin with read(2) (src/cli/io.ts readStdin): on a non-blocking pipe whose writer
// is behind, read(2) fails with EAGAIN after the first half, and node's stream reads the rest.
test('a manifest on a non-blocking stdin written in two parts half a second apart: applied whole; a closed stdin is no objects', () => {
  const late = spawnSync(
    'perl',
    ['-e', 'use Fcntl; pipe(R, W) or die; fcntl(R, F_SETFL, O_NONBLOCK) or die; syswrite(W, "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: late-stdin\\n"); my $pid = fork; if (!$pid) { close W; open(STDIN, "<&R") or die; exec @ARGV; die } close R; select(undef, undef, undef, 0.5); syswrite(W, "data:\\n  a: \\"" . ("x" x 100000) . "\\"\\n"); close W; waitpid($pid, 0); exit($? >> 8)', process.execPath, KJOB, 'apply', '-f', '-'],
    { env: sb.env, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(late.stderr, '');
  assert.equal(late.stdout, 'configmap/late-stdin created\n');
  assert.equal(sb.ok(['get', 'configmap', 'late-stdin', '-o', 'jsonpath={.data.a}']), 'x'.repeat(100_000));
  const closed = spawnSync('bash', ['-c', `"${process.execPath}" "${KJOB}" apply -f - <&-`], { env: sb.env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(closed.stderr, 'error: no objects passed to apply\n');
  assert.equal(closed.status, 1);
  sb.ok(['delete', 'configmap', 'late-stdin']);
});

// A command writes its output with write(2) (src/cli/io.ts); these are the cases where that
// hands over to node's stream, or stops.
test('output larger than a pipe holds: complete through a non-blocking pipe read late, quiet when the reader is gone', () => {
  sb.ok(['apply', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-output\ndata:\n  a: ${'x'.repeat(300_000)}\n`);
  const expected = sb.ok(['get', 'configmap', 'big-output', '-o', 'yaml']);
  assert.ok(expected.length > 300_000);
  // The reader starts half a second late on a non-blocking pipe: write(2) fails with EAGAIN once
  // the pipe is full, and the rest goes through node's stream, in order.
  const late = spawnSync(
    'perl',
    ['-e', 'use Fcntl; pipe(R, W) or die; fcntl(W, F_SETFL, O_NONBLOCK) or die; my $pid = fork; if (!$pid) { close R; open(STDOUT, ">&W") or die; exec @ARGV; die } close W; select(undef, undef, undef, 0.5); local $/; my $all = <R>; waitpid($pid, 0); print $all; exit($? >> 8)', process.execPath, KJOB, 'get', 'configmap', 'big-output', '-o', 'yaml'],
    { env: sb.env, encoding: 'utf8', maxBuffer: 1 << 24, timeout: 60_000 },
  );
  assert.equal(late.status, 0, late.stderr);
  // (not assert.equal: its message would hold both texts)
  assert.ok(late.stdout === expected, `${late.stdout.length} bytes read of ${expected.length}, or not the same`);
  // `| head -c 10`: the reader leaves; the command ends quietly, exit 0, as kubectl does.
  const gone = spawnSync('bash', ['-c', `"${process.execPath}" "${KJOB}" get configmap big-output -o yaml | head -c 10; echo " \${PIPESTATUS[0]}"`], { env: sb.env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(gone.stdout, 'apiVersion 0\n');
  assert.equal(gone.stderr, '');
});
