// Deployments and ReplicaSets (issue 14): seed 004's Deployment with an init container writing
// to an emptyDir, pods named after the pod-template-hash, replicas kept after a pod is deleted
// and after its container is killed, scale, a rolling update, rollout status|history|undo|restart|pause|resume,
// get and describe as kubectl prints them (goldens in test/golden/apps, captured from the real
// kubectl against `kjob serve` with CAPTURE_GOLDEN=1).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Sandbox, GOLDEN, normalise } from './helpers.js';
import { readJSON, pods, normaliseDescribe } from './jobs-helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const ok = (args: string[], input?: string) => sb.ok(args, input);
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
const deploy = () => readJSON(sb, ['get', 'deploy', 'nginx']);
const live = () => pods(sb).filter((p) => !p.metadata.deletionTimestamp);
const ready = (p: any) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
const rolledOut = (n: number) => () => {
  const d = deploy();
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === n && s.availableReplicas === n && (s.replicas ?? 0) === n && live().filter(ready).length === n;
};

/** What kubectl prints for the same state, through `kjob serve` (capture mode only). */
async function kubectl(args: string[]): Promise<string> {
  const kc = path.join(sb.home, 'kubeconfig');
  const server = await sb.serve(kc);
  const r = spawnSync('kubectl', args, { env: { ...sb.env, KUBECONFIG: kc }, encoding: 'utf8' });
  server.kill('SIGTERM');
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function assertGolden(name: string, args: string[], norm: (s: string) => string = normalise): Promise<void> {
  const file = path.join(GOLDEN, 'apps', name);
  if (process.env.CAPTURE_GOLDEN) fs.writeFileSync(file, norm(await kubectl(args)));
  assert.equal(norm(ok(args)), fs.readFileSync(file, 'utf8'), `kjob ${args.join(' ')} differs from ${file}`);
}

test('seed 004: a Deployment whose init container writes into an emptyDir; hash-named pods; describe as kubectl', async () => {
  assert.equal(ok(['create', '-f', 'fixtures/deployment-init-container.yaml']), 'deployment.apps/nginx created\n');
  const status = ok(['rollout', 'status', 'deployment/nginx', '--timeout=60s']);
  assert.match(status, /deployment "nginx" successfully rolled out\n$/);
  const [rs] = readJSON(sb, ['get', 'rs']).items;
  const hash = rs.metadata.labels['pod-template-hash'];
  assert.equal(rs.metadata.name, `nginx-${hash}`);
  const [pod] = live();
  assert.match(pod.metadata.name, new RegExp(`^nginx-${hash}-${SAFE}{5}$`));
  assert.deepEqual(pod.metadata.ownerReferences.map((r: any) => `${r.kind}/${r.name}`), [`ReplicaSet/${rs.metadata.name}`]);
  // The tutorial's `kubectl exec nginx-... -- ls /mnt`: the file the init container made in the
  // emptyDir, with kubectl's notice of the container it chose.
  const ls = sb.kjob(['exec', pod.metadata.name, '--', 'ls', '/mnt']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(ls.stdout, 'test-init.txt\n');
  assert.equal(ls.stderr, 'Defaulted container "nginx01" out of: nginx01, init-test (init)\n');
  await assertGolden('get-deploy-wide.txt', ['get', 'deploy,rs', '-o', 'wide']);
  await assertGolden('describe-deploy.txt', ['describe', 'deploy', 'nginx'], normaliseDescribe);
  await assertGolden('describe-rs.txt', ['describe', 'rs'], normaliseDescribe);
});

test('replicas are kept: a deleted pod is replaced, a killed container restarted', async () => {
  const [pod] = live();
  // The container killed: the kubelet restarts it (restartPolicy Always).
  const pidFile = path.join(sb.home, 'pods', pod.metadata.uid, 'containers', 'nginx01', '0', 'pid');
  process.kill(Number(fs.readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
  await sb.until('the container restarted', () => {
    const p = live().find((x) => x.metadata.uid === pod.metadata.uid);
    return p?.status?.containerStatuses?.[0]?.restartCount >= 1 && ready(p);
  }, 60_000);
  // The pod deleted: the ReplicaSet makes another one.
  assert.equal(ok(['delete', 'pod', pod.metadata.name, '--wait=false']), `pod "${pod.metadata.name}" deleted\n`);
  await sb.until('a replacement pod', () => live().some((p) => p.metadata.name !== pod.metadata.name && ready(p)), 60_000);
  const events = readJSON(sb, ['get', 'events']).items.filter((e: any) => e.involvedObject.kind === 'ReplicaSet').map((e: any) => `${e.reason} ${e.message}`);
  assert.equal(events.filter((e: string) => e.startsWith('SuccessfulCreate Created pod: nginx-')).length, 2);
});

test('scale, a rolling update of the env, rollout history, undo, restart, pause and resume', async () => {
  assert.equal(ok(['scale', 'deploy', 'nginx', '--replicas=3']), 'deployment.apps/nginx scaled\n');
  await sb.until('3 replicas', rolledOut(3), 60_000);
  const r = sb.kjob(['scale', 'deploy/nginx', '--replicas=2', '--current-replicas=5']);
  assert.deepEqual([r.code, r.stderr], [1, 'error: Expected replicas to be 5, was 3\n']);
  // A rolling update: a new env var in the template.
  ok(['patch', 'deploy', 'nginx', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx01","env":[{"name":"VERSION","value":"2"}]}]}}}}']);
  assert.match(ok(['rollout', 'status', 'deploy', 'nginx', '--timeout=90s']), /deployment "nginx" successfully rolled out\n$/);
  await sb.until('the rolling update', rolledOut(3), 60_000);
  const rss = readJSON(sb, ['get', 'rs']).items;
  assert.deepEqual(rss.map((x: any) => [x.metadata.annotations['deployment.kubernetes.io/revision'], x.spec.replicas]).sort(), [['1', 0], ['2', 3]]);
  const msgs = readJSON(sb, ['get', 'events']).items.filter((e: any) => e.reason === 'ScalingReplicaSet').map((e: any) => e.message.replace(/nginx-[a-z0-9]+/, 'RS'));
  assert.ok(msgs.includes('Scaled up replica set RS from 0 to 1'), msgs.join('\n'));
  assert.ok(msgs.includes('Scaled down replica set RS from 1 to 0'), msgs.join('\n'));
  assert.equal(ok(['rollout', 'history', 'deployment/nginx']), 'deployment.apps/nginx \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  // One revision's pod template, as kubectl prints it (unaligned: no tabwriter).
  await assertGolden('history-revision-2.txt', ['rollout', 'history', 'deployment/nginx', '--revision=2']);
  const none = sb.kjob(['rollout', 'history', 'deployment/nginx', '--revision=9']);
  assert.deepEqual([none.code, none.stderr], [1, 'error: unable to find the specified revision\n']);
  // Undo: revision 1's template comes back as revision 3.
  assert.equal(ok(['rollout', 'undo', 'deployment/nginx']), 'deployment.apps/nginx rolled back\n');
  await sb.until('the undo', () => rolledOut(3)() && deploy().metadata.annotations['deployment.kubernetes.io/revision'] === '3', 60_000);
  assert.equal(deploy().spec.template.spec.containers[0].env, undefined);
  assert.equal(ok(['rollout', 'history', 'deployment/nginx']), 'deployment.apps/nginx \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  assert.equal(ok(['rollout', 'restart', 'deployment/nginx']), 'deployment.apps/nginx restarted\n');
  await sb.until('the restart', () => rolledOut(3)() && !!deploy().spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], 60_000);
  // Pause: a changed template is not rolled out (the controller observes it, and only scales);
  // resume rolls it out. kubectl's texts, its errors included (checked against kubectl).
  assert.equal(ok(['rollout', 'pause', 'deployment/nginx']), 'deployment.apps/nginx paused\n');
  const again = sb.kjob(['rollout', 'pause', 'deploy', 'nginx']);
  assert.deepEqual([again.code, again.stderr], [1, 'error: deployments.apps "nginx" is already paused\n']);
  const rsBefore = readJSON(sb, ['get', 'rs']).items.map((x: any) => x.metadata.name).sort();
  ok(['patch', 'deploy', 'nginx', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx01","env":[{"name":"VERSION","value":"3"}]}]}}}}']);
  await sb.until('the paused change observed', () => deploy().status?.observedGeneration === deploy().metadata.generation, 60_000);
  assert.deepEqual(readJSON(sb, ['get', 'rs']).items.map((x: any) => x.metadata.name).sort(), rsBefore);
  assert.equal(ok(['rollout', 'resume', 'deployment/nginx']), 'deployment.apps/nginx resumed\n');
  const notPaused = sb.kjob(['rollout', 'resume', 'deployment/nginx', 'rs/' + rsBefore[0]]);
  assert.deepEqual([notPaused.code, notPaused.stderr], [1, `error: deployments.apps "nginx" is not paused\nerror: replicasets.apps "${rsBefore[0]}" resuming is not supported\n`]);
  await sb.until('the resumed rollout', () => rolledOut(3)() && readJSON(sb, ['get', 'rs']).items.length === rsBefore.length + 1, 90_000);
  // Scale down: the surplus pods go.
  assert.equal(ok(['scale', 'deploy', 'nginx', '--replicas=1']), 'deployment.apps/nginx scaled\n');
  await sb.until('1 replica', rolledOut(1), 60_000);
  // Deleting the Deployment takes its ReplicaSets and pods with it (garbage collection).
  assert.equal(ok(['delete', 'deploy', 'nginx']), 'deployment.apps "nginx" deleted\n');
  await sb.until('the garbage collector', () => readJSON(sb, ['get', 'rs']).items.length === 0 && pods(sb).length === 0, 90_000);
});

test('rollout -f: the Deployments the manifests name, each in its own namespace; other kinds get what kubectl says of them', async () => {
  ok(['create', 'ns', 'apps']);
  const file = path.join(sb.home, 'web.yaml');
  fs.writeFileSync(
    file,
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: apps}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: c, image: busybox, command: [sleep, "3600"]}]\n' +
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: webcm, namespace: apps}\n',
  );
  ok(['apply', '-f', file]);
  // Printed by kubectl v1.32 against kjob serve: the Deployment's status, then the ConfigMap's refusal.
  const st = sb.kjob(['rollout', 'status', '-f', file, '--timeout=90s']);
  assert.match(st.stdout, /deployment "web" successfully rolled out\n$/);
  assert.deepEqual([st.stderr, st.code], ['error: no status viewer has been implemented for ConfigMap\n', 1]);
  const deployOnly = path.join(sb.home, 'web-only.yaml');
  fs.writeFileSync(deployOnly, fs.readFileSync(file, 'utf8').split('---\n')[0]);
  assert.equal(ok(['rollout', 'history', '-f', deployOnly]), 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n\n');
  assert.equal(ok(['rollout', 'restart', '-f', deployOnly]), 'deployment.apps/web restarted\n');
  assert.equal(ok(['rollout', 'pause', '-f', deployOnly]), 'deployment.apps/web paused\n');
  assert.equal(ok(['-n', 'apps', 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.paused}']), 'true');
  assert.equal(ok(['rollout', 'resume', '-f', deployOnly]), 'deployment.apps/web resumed\n');
  // Every object is visited, the errors said at the end (kubectl's ContinueOnError): a ConfigMap
  // first, a Deployment missing between two that are there.
  const cmFirst = path.join(sb.home, 'cm-first.yaml');
  fs.writeFileSync(cmFirst, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: webcm, namespace: apps}\n---\n' + fs.readFileSync(deployOnly, 'utf8'));
  const cmStatus = sb.kjob(['rollout', 'status', '-f', cmFirst, '--timeout=90s']);
  assert.match(cmStatus.stdout, /deployment "web" successfully rolled out\n$/);
  assert.deepEqual([cmStatus.stderr, cmStatus.code], ['error: no status viewer has been implemented for ConfigMap\n', 1]);
  const missingBetween = path.join(sb.home, 'missing-between.yaml');
  const web = fs.readFileSync(deployOnly, 'utf8');
  fs.writeFileSync(missingBetween, [web, web.replace('name: web,', 'name: gone,'), web].join('---\n'));
  const oneHistory = ok(['rollout', 'history', '-f', deployOnly]);
  assert.deepEqual(sb.kjob(['rollout', 'history', '-f', missingBetween]), {
    stdout: oneHistory.repeat(2),
    stderr: 'Error from server (NotFound): deployments.apps "gone" not found\n',
    code: 1,
  });
  assert.deepEqual(sb.kjob(['rollout', 'status', '-f', deployOnly, 'deploy/web']), { stdout: '', stderr: 'error: resource/name arguments cannot be provided when a path is specified\n', code: 1 });
  // Other kinds, by each verb's helper in kubectl's words (a missing object: the builder's NotFound first).
  ok(['create', 'job', 'hj', '--image=busybox', '--', 'true']);
  const refused = (args: string[], stderr: string) => assert.deepEqual(sb.kjob(args), { stdout: '', stderr, code: 1 }, args.join(' '));
  refused(['-n', 'apps', 'rollout', 'history', 'cm/webcm'], 'error: error retrieving history for "ConfigMap", no visitor method exists for { ConfigMap}\n');
  refused(['-n', 'apps', 'rollout', 'undo', 'cm/webcm'], 'error: error retrieving rollbacker for "ConfigMap", no visitor method exists for { ConfigMap}\n');
  refused(['-n', 'apps', 'rollout', 'restart', 'cm/webcm'], 'error: configmaps "webcm" restarting is not supported\n');
  refused(['rollout', 'history', 'job/hj'], 'error: no history viewer has been implemented for "Job.batch"\n');
  refused(['rollout', 'history', 'job/nope'], 'Error from server (NotFound): jobs.batch "nope" not found\n');
});
