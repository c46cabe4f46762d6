// The apiserver through bin/kjob: apply after patch (kubectl's three-way merge), generateName,
// field selectors, and many writers and watchers of the same objects at once (separate
// processes): no lost update, no Conflict for a patch, every watcher sees every change in order.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Sandbox, KJOB, ROOT } from './helpers.js';
import { Store } from '../../src/store/store.js';

const sandboxes: Sandbox[] = [];
after(() => sandboxes.forEach((s) => s.cleanup()));
function sandbox(): Sandbox {
  const sb = new Sandbox();
  sandboxes.push(sb);
  return sb;
}

const json = (sb: Sandbox, args: string[]) => JSON.parse(sb.kjob([...args, '-o', 'json']).stdout);

const JOB = (labels: string, extra = '') => `apiVersion: batch/v1
kind: Job
metadata:
  name: sleeper
  labels: {${labels}}
spec:
  suspend: true${extra}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["sleep", "1"]
`;

test('apply after patch keeps what the patch set; apply removes what the manifest dropped', () => {
  const sb = sandbox();
  const file = path.join(sb.home, 'job.yaml');
  fs.writeFileSync(file, JOB('app: s, tier: batch', '\n  completions: 2\n  parallelism: 2'));
  assert.equal(sb.kjob(['apply', '-f', file]).stdout, 'job.batch/sleeper created\n');
  const p = sb.kjob(['patch', 'job', 'sleeper', '-p', '{"metadata":{"labels":{"patched":"yes"},"annotations":{"note":"x"}},"spec":{"activeDeadlineSeconds":100}}']);
  assert.equal(p.stdout, 'job.batch/sleeper patched\n', p.stderr);
  // the same manifest again: the patch's label, annotation and spec field are not the manifest's business
  assert.equal(sb.kjob(['apply', '-f', file]).stdout, 'job.batch/sleeper unchanged\n');
  let j = json(sb, ['get', 'job', 'sleeper']);
  assert.deepEqual([j.metadata.labels.patched, j.metadata.annotations.note, j.spec.activeDeadlineSeconds, j.spec.parallelism], ['yes', 'x', 100, 2]);
  // the manifest drops a label and parallelism: removed (parallelism back to its default); the patch's fields stay
  fs.writeFileSync(file, JOB('app: s', '\n  completions: 2'));
  assert.equal(sb.kjob(['apply', '-f', file]).stdout, 'job.batch/sleeper configured\n');
  j = json(sb, ['get', 'job', 'sleeper']);
  assert.equal(j.metadata.labels.tier, undefined);
  assert.equal(j.metadata.labels.patched, 'yes');
  assert.equal(j.metadata.annotations.note, 'x');
  assert.equal(j.spec.activeDeadlineSeconds, 100);
  assert.equal(j.spec.parallelism, 1);
  assert.equal(sb.kjob(['apply', '-f', file]).stdout, 'job.batch/sleeper unchanged\n');
  // --server-side is not done, and says so
  const ss = sb.kjob(['apply', '--server-side', '-f', file]);
  assert.equal(ss.code, 1);
  assert.match(ss.stderr, /^error: kjob: server-side apply \(--server-side\) is not supported/);
});

test('generateName: create names the object; apply refuses it as kubectl does', () => {
  const sb = sandbox();
  const file = path.join(sb.home, 'gen.yaml');
  fs.writeFileSync(file, JOB('app: g').replace('  name: sleeper', '  generateName: gen-'));
  const c = sb.kjob(['create', '-f', file]);
  assert.match(c.stdout, /^job\.batch\/gen-[bcdfghjklmnpqrstvwxz2456789]{5} created\n$/, c.stderr);
  const name = c.stdout.split(' ')[0].split('/')[1];
  assert.equal(json(sb, ['get', 'job', name]).spec.template.metadata.labels['job-name'], name);
  const a = sb.kjob(['apply', '-f', file]);
  assert.equal(a.code, 1);
  assert.equal(a.stderr, 'error: from gen-: cannot use generate name with apply\n');
});

test('field selectors: supported fields per kind, and the apiserver\'s error for others', () => {
  const sb = sandbox();
  const file = path.join(sb.home, 'job.yaml');
  fs.writeFileSync(file, JOB('app: s'));
  sb.kjob(['apply', '-f', file]);
  assert.equal(sb.kjob(['get', 'jobs', '--field-selector', 'metadata.name=sleeper', '-o', 'name']).stdout, 'job.batch/sleeper\n');
  assert.equal(sb.kjob(['get', 'jobs', '--field-selector', 'metadata.name!=sleeper', '-o', 'name']).stdout, '');
  assert.equal(sb.kjob(['get', 'namespaces', '--field-selector', 'status.phase=Active', '-o', 'name']).stdout, 'namespace/default\n');
  const bad = sb.kjob(['get', 'jobs', '--field-selector', 'foo=bar']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'Error from server (BadRequest): Unable to find "batch/v1, Resource=jobs" that match label selector "", field selector "foo=bar": field label "foo" not supported for Job\n');
  assert.equal(
    sb.kjob(['get', 'pods', '-l', 'app=web', '--field-selector', 'foo=bar']).stderr,
    'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "app=web", field selector "foo=bar": field label not supported: foo\n',
  );
});

/** A child process of bin/kjob, resolved with its exit code and output. */
function run(sb: Sandbox, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string; args: string[] }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [KJOB, ...args], { env: sb.env, cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.stdin.end(input ?? '');
    c.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, args }));
  });
}

const CM = (name: string, data: Record<string, string>) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`;

test('30 applies, 20 patches and deletes of the same objects at once, 3 watchers: no lost update, no Conflict, every change seen in order', async () => {
  const sb = sandbox();
  const OBJECTS = ['cm-0', 'cm-1', 'cm-2'];
  for (const n of [...OBJECTS, 'gone-0', 'gone-1', 'gone-2', 'gone-3']) assert.equal(sb.kjob(['apply', '-f', '-'], { input: CM(n, { v: 'init' }) }).code, 0);
  // Three watchers, each printing the resourceVersion of every ConfigMap event it sees.
  const watchers = [0, 1, 2].map(() => sb.spawn(['get', 'configmaps', '--watch-only', '-o', 'jsonpath={.metadata.resourceVersion}{" "}{.metadata.name}{"\\n"}']));
  // A change every watcher must see before the storm: then they are all watching. A watcher that
  // a loaded machine started late misses a write from before its watch began, so the sentinel is
  // written again until all have seen it.
  let round = 0;
  await sb.until('every watcher to see the sentinel', () => {
    if (watchers.every((w) => w.output().includes(' sentinel\n'))) return true;
    assert.equal(sb.kjob(['apply', '-f', '-'], { input: CM('sentinel', { v: String(++round) }) }).code, 0);
    return false;
  }, 60_000, 300);
  const store = Store.open(sb.home);
  const from = Number(store.get('ConfigMap', 'default', 'sentinel')!.metadata.resourceVersion) - 1;
  store.close();

  // Fifty writers, at most sixteen running at any moment (interleaved applies, patches and
  // deletes of the same objects): fifty node processes started at once on a two-core machine
  // that also runs other suites starve each other for seconds, the writer holding the state
  // file's lock among them, and the others give up after the store's 10 s busy timeout.
  const jobs: (() => Promise<{ code: number; stdout: string; stderr: string; args: string[] }>)[] = [];
  for (let i = 0; i < 30; i++) jobs.push(() => run(sb, ['apply', '-f', '-'], CM(OBJECTS[i % 3], { v: `apply-${i}`, [`k${i % 3}`]: 'x' })));
  for (let i = 0; i < 16; i++) jobs.push(() => run(sb, ['patch', 'configmap', OBJECTS[i % 3], '--type=merge', '-p', `{"metadata":{"labels":{"p${i}":"yes"}}}`]));
  for (let i = 0; i < 4; i++) jobs.push(() => run(sb, ['delete', 'configmap', `gone-${i}`]));
  const order = jobs.map((_, i) => jobs[(i * 7) % jobs.length]); // 7 and 50 are coprime: a shuffle of all fifty
  const results: Awaited<ReturnType<(typeof jobs)[number]>>[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < order.length) results.push(await order[next++]());
  }));
  for (const r of results) {
    assert.equal(r.code, 0, `kjob ${r.args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /Conflict/, `kjob ${r.args.join(' ')}`);
  }

  // No lost update: every patch's label is there, whatever the applies did meanwhile (they do not own it).
  for (let i = 0; i < 16; i++) {
    const cm = JSON.parse(sb.kjob(['get', 'configmap', OBJECTS[i % 3], '-o', 'json']).stdout);
    assert.equal(cm.metadata.labels?.[`p${i}`], 'yes', `patch ${i} on ${OBJECTS[i % 3]}`);
    assert.match(cm.data.v, /^apply-\d+$/);
  }
  for (let i = 0; i < 4; i++) assert.equal(sb.kjob(['get', 'configmap', `gone-${i}`]).code, 1);

  // Every watcher saw every ConfigMap change of the change log, in order, once.
  const log = Store.open(sb.home);
  const changes = log.changesSince(from, 100_000).filter((c) => c.kind === 'ConfigMap');
  log.close();
  const want = changes.map((c) => `${c.rv} ${c.name}`);
  assert.ok(want.length >= 30 + 16 + 4, `${want.length} changes`);
  // What each watcher printed from the last sentinel on (it may have seen earlier ones).
  const seenBy = (w: { output: () => string }) => w.output().trim().split('\n').filter((l) => Number(l.split(' ')[0]) > from);
  await sb.until('the watchers to catch up', () => watchers.every((w) => seenBy(w).length >= want.length), 30_000, 200);
  for (const [i, w] of watchers.entries()) {
    w.child.kill('SIGINT');
    const seen = seenBy(w);
    assert.deepEqual(seen, want, `watcher ${i}`);
  }
});
