// `kjob serve` (issue 10): the real kubectl v1.32 against kjob's API prints what kjob's own verbs
// print for the same objects; @kubernetes/client-node's informer lists and watches Jobs; a
// request without the token gets 401. The kubectl tests are skipped where kubectl is not installed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Sandbox, KJOB, ROOT, normalise } from './helpers.js';

const sb = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
const kubeconfig = path.join(sb.home, 'kubeconfig');
let server: ChildProcess;
let url = '';

const NO_KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error ? 'kubectl is not installed' : false;

before(async () => {
  server = spawn(process.execPath, [KJOB, 'serve', '--port', '0', '--kubeconfig', kubeconfig], { env: sb.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  server.stderr!.on('data', (d) => (err += d.toString()));
  await sb.until('the server to listen', () => /at (https:\/\/\S+);/.test(err), 15_000, 50);
  url = /at (https:\/\/\S+);/.exec(err)![1];
});
after(() => {
  server?.kill('SIGTERM');
  sb.cleanup();
});

const kubectl = (args: string[], input?: string) => {
  const r = spawnSync('kubectl', args, { env: { ...sb.env, KUBECONFIG: kubeconfig }, cwd: ROOT, encoding: 'utf8', input, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
};
/** Ages and durations differ by the second between two commands run one after the other. */
const same = (args: string[]) => {
  const a = kubectl(args);
  const b = sb.kjob(args);
  assert.equal(normalise(a.stdout), normalise(b.stdout), `kubectl ${args.join(' ')}`);
  assert.equal(normalise(a.stderr), normalise(b.stderr), `kubectl ${args.join(' ')} (stderr)`);
  assert.equal(a.code, b.code);
};

function request(pathname: string, token?: string): Promise<{ code: number; body: string }> {
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(fs.readFileSync(kubeconfig, 'utf8'))![1], 'base64');
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(pathname, url), { ca, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('a request without the token, or with another, gets 401 Unauthorized as a Status', async () => {
  for (const token of [undefined, 'nope']) {
    const r = await request('/apis/batch/v1/namespaces/default/jobs', token);
    assert.equal(r.code, 401);
    assert.deepEqual(JSON.parse(r.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
  const token = /token: (\S+)/.exec(fs.readFileSync(kubeconfig, 'utf8'))![1];
  assert.equal((await request('/version', token)).code, 200);
});

test('the walkthrough with the real kubectl: apply, get, get -w, describe, logs, logs -f, wait, delete', { skip: NO_KUBECTL }, async () => {
  assert.match(kubectl(['version']).stdout, /^Client Version: v1\.32\.\d+.*\n(Kustomize Version: .*\n)?Server Version: v1\.32\.4\+kjob\./);
  const watch = spawn('kubectl', ['get', 'pods', '-w'], { env: { ...sb.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  let watched = '';
  watch.stdout!.on('data', (d) => (watched += d.toString()));
  try {
    assert.deepEqual(kubectl(['apply', '-f', 'fixtures/job-pi.yaml']), { stdout: 'job.batch/pi created\n', stderr: '', code: 0 });
    const logsF = spawnSync('kubectl', ['wait', '--for=condition=complete', 'job/pi', '--timeout=90s'], { env: { ...sb.env, KUBECONFIG: kubeconfig }, encoding: 'utf8' });
    assert.equal(logsF.stdout, 'job.batch/pi condition met\n');
    await sb.until('the watch saw Completed', () => /Completed/.test(watched), 10_000);
  } finally {
    watch.kill('SIGINT');
  }
  const lines = watched.trim().split('\n');
  assert.match(lines[0], /^NAME +READY +STATUS +RESTARTS +AGE$/);
  assert.deepEqual([...new Set(lines.slice(1).map((l) => l.split(/ +/)[2]))].filter((s) => s !== 'Pending'), ['ContainerCreating', 'Running', 'Completed']);
  for (const args of [['get', 'jobs'], ['get', 'pods'], ['get', 'jobs', '-o', 'wide'], ['get', 'pods', '--show-labels'], ['get', 'all'], ['describe', 'job', 'pi'], ['get', 'job', 'pi', '-o', 'yaml'], ['get', 'nodes'], ['describe', 'node', 'kjob-node'], ['get', 'events']]) same(args);
  const pod = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('/')[1];
  same(['describe', 'pod', pod]);
  same(['logs', pod]);
  same(['logs', 'job/pi', '--tail=1']);
  assert.equal(kubectl(['logs', '-f', pod]).stdout, sb.kjob(['logs', pod]).stdout);
  // Errors as the apiserver words them, on the same objects.
  same(['get', 'job', 'nope']);
  const bad = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: bad\nspec:\n  completions: "3"\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n';
  assert.equal(kubectl(['apply', '-f', '-'], bad).stderr, sb.kjob(['apply', '-f', '-'], { input: bad }).stderr);
  assert.deepEqual(kubectl(['delete', 'job', 'pi']), { stdout: 'job.batch "pi" deleted\n', stderr: '', code: 0 });
  assert.equal(sb.kjob(['get', 'jobs']).stderr, 'No resources found in default namespace.\n');
});

test("kubectl's typed clients send protobuf: create job --from=cronjob, create configmap, create secret", { skip: NO_KUBECTL }, async () => {
  assert.equal(kubectl(['apply', '-f', 'fixtures/cronjob-demo.yaml']).stdout, 'cronjob.batch/cronjob-demo created\n');
  assert.deepEqual(kubectl(['create', 'job', 'manual', '--from=cronjob/cronjob-demo']), { stdout: 'job.batch/manual created\n', stderr: '', code: 0 });
  assert.equal(kubectl(['create', 'configmap', 'cfg', '--from-literal=a=b']).stdout, 'configmap/cfg created\n');
  assert.equal(kubectl(['create', 'secret', 'generic', 's', '--from-literal=x=y']).stdout, 'secret/s created\n');
  const job = JSON.parse(sb.kjob(['get', 'job', 'manual', '-o', 'json']).stdout);
  assert.equal(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
  assert.equal(job.metadata.ownerReferences[0].name, 'cronjob-demo');
  assert.equal(kubectl(['wait', '--for=condition=complete', 'job/manual', '--timeout=60s']).stdout, 'job.batch/manual condition met\n');
  assert.equal(kubectl(['logs', 'job/manual']).stdout, '9\n8\n7\n6\n5\n4\n3\n2\n1\n');
  same(['get', 'cm,secret']);
  same(['describe', 'cm', 'cfg']);
  assert.equal(kubectl(['delete', 'cj', 'cronjob-demo']).stdout, 'cronjob.batch "cronjob-demo" deleted\n');
});

test('kubectl explain reads the OpenAPI v3 documents kjob serves', { skip: NO_KUBECTL }, () => {
  const r = kubectl(['explain', 'job.spec.backoffLimit']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^GROUP: +batch\nKIND: +Job\nVERSION: +v1\n\nFIELD: backoffLimit <integer>\n\n\nDESCRIPTION:\n +Specifies the number of retries before marking this job failed\. Defaults to\n +6\n/);
  assert.match(kubectl(['explain', 'cronjobs.spec']).stdout, /FIELD: spec <CronJobSpec>[^]*schedule\t<string> -required-/);
});

test("@kubernetes/client-node's informer lists and watches Jobs", async () => {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const informer = k8s.makeInformer(kc, '/apis/batch/v1/namespaces/default/jobs', () => batch.listNamespacedJob({ namespace: 'default' }));
  const seen: string[] = [];
  informer.on('add', (j) => seen.push(`add ${j.metadata?.name}`));
  informer.on('update', (j) => seen.push(`update ${j.metadata?.name} ${j.status?.succeeded ?? 0}`));
  informer.on('delete', (j) => seen.push(`delete ${j.metadata?.name}`));
  // Created suspended, so that the list finds it with no pod yet: a Job that completed before the
  // informer listed it would give no update to see (this test timed out so on a loaded machine).
  const suspended = fs.readFileSync(path.join(ROOT, 'fixtures/job-echo.yaml'), 'utf8').replace(/^spec:\n/m, 'spec:\n  suspend: true\n');
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: suspended }).code, 0);
  await informer.start();
  try {
    await sb.until('the informer listed echo', () => seen.includes('add echo'), 10_000, 50);
    assert.equal(sb.kjob(['patch', 'job', 'echo', '--type=merge', '-p', '{"spec":{"suspend":false}}']).code, 0);
    await sb.until('the informer saw it succeed', () => seen.some((s) => s === 'update echo 1'), 30_000, 50).catch((e) => {
      throw new Error(`${e.message}\n--- the informer saw ---\n${seen.join(', ')}`);
    });
    assert.equal(informer.list('default').find((j) => j.metadata?.name === 'echo')?.status?.succeeded, 1);
    assert.equal(sb.kjob(['delete', 'job', 'echo']).code, 0);
    await sb.until('the informer saw the deletion', () => seen.includes('delete echo'), 10_000, 50);
  } finally {
    await informer.stop();
  }
});
