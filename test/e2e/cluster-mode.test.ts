// Cluster mode (issue 10): kjob's verbs, kjob's own extras included, sent to an API server
// through a kubeconfig (here `kjob serve` of another state directory) print what they print on the
// local state; verbs about the local engine say they are local.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { Sandbox, KJOB, ROOT, normalise } from './helpers.js';

const sb = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
const kubeconfig = path.join(sb.home, 'kubeconfig');

before(async () => {
  await sb.serve(kubeconfig);
});
after(() => sb.cleanup());

/** kjob in cluster mode: no state directory named, the kubeconfig of the server. */
const remote = (args: string[], input?: string) => {
  const env = { ...sb.env, KUBECONFIG: kubeconfig };
  delete env.KJOB_HOME;
  const r = spawnSync(process.execPath, [KJOB, ...args], { env, cwd: ROOT, encoding: 'utf8', input, timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
};
// Without trailing blanks: a last column padded to its widest age ("9s" beside "10s") pads one
// run's lines and not the other's (tree failed so in a CI run).
const comparable = (s: string) => normalise(s).replace(/ +$/gm, '');
const same = (args: string[]) => {
  const a = remote(args);
  const b = sb.kjob(args);
  assert.equal(comparable(a.stdout), comparable(b.stdout), `kjob ${args.join(' ')}`);
  assert.equal(comparable(a.stderr), comparable(b.stderr), `kjob ${args.join(' ')} (stderr)`);
  assert.equal(a.code, b.code);
};

test('the verbs through a kubeconfig print what they print on the local state', async () => {
  assert.match(remote(['version']).stdout, /^Client Version: v\d+\.\d+\.\d+\nKubernetes Version: v1\.32\.4\nServer Version: v1\.32\.4\+kjob\./);
  const watch = (() => {
    const env = { ...sb.env, KUBECONFIG: kubeconfig };
    delete env.KJOB_HOME;
    return spawn(process.execPath, [KJOB, 'get', 'pods', '-w'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  })();
  let watched = '';
  watch.stdout!.on('data', (d) => (watched += d.toString()));
  try {
    assert.deepEqual(remote(['apply', '-f', 'fixtures/job-echo.yaml']), { stdout: 'job.batch/echo created\n', stderr: '', code: 0 });
    assert.equal(remote(['wait', '--for=condition=complete', 'job/echo', '--timeout=60s']).stdout, 'job.batch/echo condition met\n');
    await sb.until('the remote watch saw Completed', () => /Completed/.test(watched), 10_000);
  } finally {
    watch.kill('SIGINT');
  }
  assert.match(watched, /^NAME +READY +STATUS +RESTARTS +AGE\necho-\w{5} /);
  for (const args of [['get', 'jobs'], ['get', 'pods', '-o', 'wide'], ['describe', 'job', 'echo'], ['get', 'job', 'echo', '-o', 'yaml'], ['logs', 'job/echo'], ['get', 'events'], ['tree', 'job', 'echo'], ['events'], ['timeline', 'job/echo'], ['get', 'all'], ['describe', 'node', 'kjob-node']]) {
    same(args);
  }
  const pod = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('/')[1];
  assert.equal(remote(['logs', '-f', pod]).stdout, 'Hello, Job\n');
  // kjob's own extras work against the cluster too.
  assert.equal(remote(['apply', '-f', 'fixtures/cronjob-demo.yaml']).stdout, 'cronjob.batch/cronjob-demo created\n');
  assert.match(remote(['schedule', 'cronjob/cronjob-demo', '--count', '2']).stdout, /cronjob\.batch\/cronjob-demo/);
  assert.equal(remote(['create', 'job', 'manual', '--from=cronjob/cronjob-demo']).stdout, 'job.batch/manual created\n');
  assert.equal(remote(['patch', 'cronjob', 'cronjob-demo', '-p', '{"spec":{"suspend":true}}']).stdout, 'cronjob.batch/cronjob-demo patched\n');
  same(['get', 'cj']);
  assert.deepEqual(remote(['delete', 'job', 'echo']), { stdout: 'job.batch "echo" deleted\n', stderr: '', code: 0 });
  same(['get', 'job', 'echo']);
});

test('verbs about the local engine say so in cluster mode; errors come back as the server words them', () => {
  for (const verb of ['clock', 'controller']) {
    const r = remote([verb, ...(verb === 'controller' ? ['status'] : [])]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: kjob ${verb} works on a local state directory \\(--home, \\$KJOB_HOME\\); it has nothing to do with the cluster at https://127\\.0\\.0\\.1:\\d+ \\(context "kjob"\\)\\n$`));
  }
  same(['get', 'job', 'nope']);
  const bad = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: bad\nspec:\n  completions: "3"\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n';
  assert.equal(remote(['apply', '-f', '-'], bad).stderr, sb.kjob(['apply', '-f', '-'], { input: bad }).stderr);
  // A named state directory keeps kjob local, whatever KUBECONFIG says.
  const local = spawnSync(process.execPath, [KJOB, 'controller', 'status'], { env: { ...sb.env, KUBECONFIG: kubeconfig }, encoding: 'utf8' });
  assert.equal(local.status, 0);
  const missing = remote(['--kubeconfig', '/nonexistent/kubeconfig', 'get', 'jobs']);
  assert.deepEqual(missing, { stdout: '', stderr: 'error: stat /nonexistent/kubeconfig: no such file or directory\n', code: 1 });
});
