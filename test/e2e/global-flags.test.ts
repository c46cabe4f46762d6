// kubectl's global flags (`kjob options`), which scripts written for a cluster pass to every verb:
// the cluster's and the credentials' overrides, -v, --request-timeout, --match-server-version and
// --warnings-as-errors, in cluster mode (against `kjob serve`) and on a state directory. The
// expected words are kubectl v1.32's, run against `kjob serve` of the same objects.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { Sandbox, KJOB, ROOT } from './helpers.js';

const sb = new Sandbox({ KJOB_TIME_SCALE: '0.01' });
const local = new Sandbox();
const kubeconfig = path.join(sb.home, 'kubeconfig');
const twoWarned = path.join(local.home, 'two.yaml');

before(async () => {
  await sb.serve(kubeconfig);
  // Two objects the apiserver warns about alike (an unknown field, with --validate=warn).
  fs.writeFileSync(twoWarned, ['w1', 'w2'].map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\nfoo: 1\n`).join('---\n'));
});
after(() => {
  sb.cleanup();
  local.cleanup();
});

/** kjob with no state directory named and no kubeconfig unless the arguments give one. */
const bare = (args: string[], kubeconfigEnv?: string) => {
  const env: NodeJS.ProcessEnv = { ...sb.env, HOME: sb.home };
  delete env.KJOB_HOME;
  delete env.KUBECONFIG;
  if (kubeconfigEnv) env.KUBECONFIG = kubeconfigEnv;
  const r = spawnSync(process.execPath, [KJOB, ...args], { env, cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
};
const remote = (args: string[]) => bare(args, kubeconfig);
const field = (key: string) => new RegExp(`${key}: (\\S+)`).exec(fs.readFileSync(kubeconfig, 'utf8'))![1];
const KLOG = (where: string) => `I\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} +\\d+ ${where}\\]`;

test('cluster mode: -v 6 logs the kubeconfig and each request; --request-timeout is sent and ends a watch; the flags name a cluster without a kubeconfig', () => {
  const serverURL = field('server');
  const token = field('token');
  assert.equal(remote(['create', 'cm', 'c1']).code, 0);
  const v = remote(['-v=6', 'get', 'cm', 'c1', '-o', 'name']);
  assert.equal(v.stdout, 'configmap/c1\n');
  assert.match(v.stderr, new RegExp(`^${KLOG('loader\\.go:402')} Config loaded from file:  ${kubeconfig}\n${KLOG('round_trippers\\.go:560')} GET ${serverURL}/api/v1/namespaces/default/configmaps/c1 200 OK in \\d+ milliseconds\n$`));
  assert.equal(remote(['get', 'cm', 'c1', '-o', 'name']).stderr, '', 'no klog lines without -v');
  // A watch given up after the timeout ends as the server had ended it: kubectl's get -w exits 0.
  const started = Date.now();
  const w = remote(['--request-timeout=1s', '-v', '6', 'get', 'cm', '-w']);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, /^NAME +DATA +AGE\nc1 +0 +\S+\n$/);
  assert.match(w.stderr, new RegExp(`GET ${serverURL}/api/v1/namespaces/default/configmaps\\?timeout=1s 200 OK`));
  assert.match(w.stderr, /configmaps\?watch=true&allowWatchBookmarks=true&resourceVersion=\d+&timeout=1s 200 OK/);
  assert.ok(Date.now() - started < 30_000);
  // -s and --token alone: no kubeconfig at all.
  assert.deepEqual(bare(['-s', serverURL, '--token', token, '--insecure-skip-tls-verify', 'get', 'cm', 'c1', '-o', 'name']), { stdout: 'configmap/c1\n', stderr: '', code: 0 });
  assert.deepEqual(bare(['-s', serverURL, '--token', token, 'get', 'cm', 'c1']), {
    stdout: '',
    stderr: 'Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority\n',
    code: 1,
  });
  // kubectl reads no kubeconfig for version --client.
  assert.equal(bare(['--context', 'nope', 'version', '--client']).code, 0);
  // The kubeconfig's user and cluster, named by flags.
  assert.equal(remote(['--cluster', 'kjob', '--user', 'kjob', 'get', 'cm', 'c1', '-o', 'name']).stdout, 'configmap/c1\n');
  assert.deepEqual(remote(['--cluster', 'nope', 'get', 'cm']), { stdout: '', stderr: 'error: no server found for cluster "nope"\n', code: 1 });
  assert.deepEqual(remote(['--user', 'nope', 'get', 'cm']), { stdout: '', stderr: 'error: auth info "nope" does not exist\n', code: 1 });
  assert.deepEqual(remote(['--context', 'nope', 'get', 'cm']), { stdout: '', stderr: 'Error in configuration: context was not found for specified context: nope\n', code: 1 });
  assert.deepEqual(bare(['--context', 'nope', 'get', 'cm']), { stdout: '', stderr: 'Error in configuration: context was not found for specified context: nope\n', code: 1 }, 'no ~/.kube/config');
  // kjob serve of this very kjob is the version this client is.
  assert.deepEqual(remote(['--match-server-version', 'get', 'cm', 'c1', '-o', 'name']), { stdout: 'configmap/c1\n', stderr: '', code: 0 });
});

/** kjob run in the background (the servers below answer in this process), without a kubeconfig. */
function kjobAsync(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...sb.env, HOME: sb.home };
    delete env.KJOB_HOME;
    delete env.KUBECONFIG;
    const child = spawn(process.execPath, [KJOB, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d.toString()));
    child.stderr!.on('data', (d) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ stdout, stderr, code }));
  });
}

test("--request-timeout gives up on a server that does not answer, with client-go's words", async () => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as net.AddressInfo).port;
    const r = await kjobAsync(['-s', `http://127.0.0.1:${port}`, '--request-timeout=1s', '-v=6', 'get', 'cm']);
    assert.equal(r.code, 1);
    // One request line, without a status, then the error.
    assert.match(r.stderr, new RegExp(`^${KLOG('round_trippers\\.go:560')} GET http://127\\.0\\.0\\.1:${port}/api/v1/namespaces/default/configmaps\\?timeout=1s  in \\d+ milliseconds\nUnable to connect to the server: net/http: request canceled \\(Client\\.Timeout exceeded while awaiting headers\\)\n$`));
  } finally {
    silent.close();
  }
});

test('a server reached without TLS gets no credentials; --match-server-version says how the versions differ', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const urls: string[] = [];
  const api = http.createServer((req, res) => {
    seen.push(req.headers);
    urls.push(req.url!);
    res.setHeader('Content-Type', 'application/json');
    if (req.url!.startsWith('/version')) res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: 'abc', gitTreeState: 'clean', buildDate: 'b', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64' }));
    else res.end(JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  try {
    const server = `127.0.0.1:${(api.address() as net.AddressInfo).port}`;
    // A server without a scheme is http; kubectl sends no token, password or identity over it.
    assert.deepEqual(await kjobAsync(['-s', server, '--token', 'SECRET', '--as', 'bob', 'get', 'cm']), { stdout: '', stderr: 'No resources found in default namespace.\n', code: 0 });
    assert.deepEqual([seen.length, seen[0].authorization, seen[0]['impersonate-user']], [1, undefined, undefined]);
    const m = await kjobAsync(['-s', `http://${server}`, '--match-server-version', 'get', 'cm']);
    assert.equal(m.code, 1);
    assert.match(
      m.stderr,
      /^error: server version \(&version\.Info\{Major:"1", Minor:"32", GitVersion:"v1\.32\.4", GitCommit:"abc", GitTreeState:"clean", BuildDate:"b", GoVersion:"go1\.23\.8", Compiler:"gc", Platform:"linux\/amd64"\}\) differs from client version \(version\.Info\{Major:"1", Minor:"32", GitVersion:"v1\.32\.4\+kjob\.[^"]+", GitCommit:"", GitTreeState:"clean", BuildDate:"", GoVersion:"node[^"]+", Compiler:"kjob", Platform:"[^"]+"\}\)\n$/,
    );
    // The discovery client's one request, with its own timeout, and nothing after the mismatch.
    assert.deepEqual(urls.slice(1), ['/version?timeout=32s']);
  } finally {
    api.close();
  }
});

test('--warnings-as-errors fails a command the server warned, after it did its work; each warning is printed once', () => {
  for (const run of [remote, (args: string[]) => local.kjob(args)]) {
    const r = run(['--warnings-as-errors', 'create', '-f', twoWarned, '--validate=warn']);
    assert.equal(r.stdout, 'configmap/w1 created\nconfigmap/w2 created\n');
    assert.match(r.stderr, /^Warning: unknown field "foo"\nE\d{4} [\d:.]+ +\d+ run\.go:72\] "command failed" err="1 warning received"\n$/);
    assert.equal(r.code, 1);
    // apply prints its own warning for each object; the server's, once.
    const a = run(['apply', '-f', twoWarned, '--validate=warn', '--warnings-as-errors=false']);
    assert.equal(a.code, 0);
    assert.equal(a.stderr.match(/^Warning: unknown field "foo"$/gm)?.length, 1, a.stderr);
    assert.equal(a.stderr.match(/missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/g)?.length, 2, a.stderr);
    assert.deepEqual(run(['--warnings-as-errors', 'get', 'cm', 'w1', '-o', 'name']), { stdout: 'configmap/w1\n', stderr: '', code: 0 });
  }
});

test("a state directory: bad values refused as kubectl refuses them, a watch's and a followed log's timeout, the credentials' flags taken and unused", async () => {
  assert.deepEqual(local.kjob(['--request-timeout=1.5', 'get', 'cm']), {
    stdout: '',
    stderr: 'error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)\n',
    code: 1,
  });
  assert.equal(local.kjob(['--request-timeout=1.5', 'version', '--client']).code, 0, 'read only by a command that needs a client');
  assert.deepEqual(local.kjob(['-v=bogus', 'get', 'cm']), {
    stdout: '',
    stderr: `Error: invalid argument "bogus" for "-v, --v" flag: strconv.ParseInt: parsing "bogus": invalid syntax\nSee 'kjob get --help' for usage.\n`,
    code: 1,
  });
  assert.equal(local.ok(['create', 'cm', 'c1']), 'configmap/c1 created\n');
  assert.deepEqual(local.kjob(['--token', 't', '--as', 'bob', '--as-group', 'g', '-v', '6', '--match-server-version', 'get', 'cm', 'c1', '-o', 'name']), { stdout: 'configmap/c1\n', stderr: '', code: 0 });
  // The logging and cache flags kubectl scripts pass, taken (kjob keeps no cache: none is made).
  const cacheDir = path.join(local.home, 'cache');
  assert.deepEqual(local.kjob(['--vmodule', 'a=1,b*=2', '--log-flush-frequency=1s', '--cache-dir', cacheDir, '--disable-compression', 'get', 'cm', 'c1', '-o', 'name']), { stdout: 'configmap/c1\n', stderr: '', code: 0 });
  assert.equal(fs.existsSync(cacheDir), false);
  const w = local.kjob(['--request-timeout', '1', 'get', 'cm', 'c1', '-w']);
  assert.deepEqual({ code: w.code, stderr: w.stderr }, { code: 0, stderr: '' });
  assert.match(w.stdout, /^NAME +DATA +AGE\nc1 +0 +\S+\n$/);
  local.ok(['run', 'talker', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'echo hi; exec sleep 300']);
  local.ok(['wait', '--for=condition=ready', 'pod/talker', '--timeout=60s']);
  await local.until('the pod to have written', () => local.kjob(['logs', 'talker']).stdout === 'hi\n', 30_000);
  assert.deepEqual(local.kjob(['--request-timeout=1s', 'logs', '-f', 'talker']), {
    stdout: 'hi\n',
    stderr: 'error: context deadline exceeded (Client.Timeout or context cancellation while reading body)\n',
    code: 1,
  });
});
