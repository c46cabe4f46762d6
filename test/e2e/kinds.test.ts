// ConfigMaps, Secrets and ServiceAccounts (issue 8): kubectl's imperative creators, get and
// describe as kubectl prints them, a Job reading env and files from them, pods waiting for a
// missing object until it is created, optional references, and the ServiceAccount admission.
// Goldens: test/golden/kinds/ (see kinds-helpers.ts and test/golden/kinds/NOTES.md).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';
import { applyText, cond, job, pods, readJSON } from './jobs-helpers.js';
import { CREATE_CASES, assertCreateGolden, assertDescribeGolden } from './kinds-helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const ok = (args: string[], input?: string) => sb.ok(args, input);
const podOf = (jobName: string) => pods(sb).find((p) => p.metadata.labels?.['job-name'] === jobName);
const eventsOf = (name: string) =>
  readJSON(sb, ['get', 'events']).items.filter((e: any) => e.involvedObject.name === name).map((e: any) => `${e.type} ${e.reason} ${e.message}`);

test('create configmap|secret generic --dry-run=client: what kubectl prints for the same flags', () => {
  for (const c of CREATE_CASES) assertCreateGolden(sb, c);
});

test('a Job reads a ConfigMap and a Secret as env and files; get and describe as kubectl prints them', async () => {
  assert.equal(ok(['apply', '-f', 'fixtures/job-config.yaml']), 'configmap/app-config created\nsecret/app-secret created\njob.batch/config-reader created\n');
  await sb.until('config-reader to complete', () => !!cond(job(sb, 'config-reader'), 'Complete'), 30_000);
  const pod = podOf('config-reader');
  assert.equal(
    ok(['logs', 'job/config-reader']),
    'GREETING=hello USERNAME=admin CFG_color=blue\nproperties:\nmode=batch\nretries=3\npassword file: s3cret\n' +
      `pod: ${pod.metadata.name} labels: app="config-reader"\n`,
  );
  // the Secret as the apiserver stores it: base64 data, stringData merged and gone
  const secret = readJSON(sb, ['get', 'secret', 'app-secret']);
  assert.deepEqual(secret.data, { password: 'czNjcmV0', username: 'YWRtaW4=' });
  assert.equal(secret.type, 'Opaque');
  assert.equal(secret.stringData, undefined);
  // tables: printers.go printConfigMap, printSecret, printServiceAccount
  assert.equal(ok(['get', 'cm', 'app-config']).replace(/\d+s\n/, 'AGE\n'), 'NAME         DATA   AGE\napp-config   3      AGE\n');
  assert.equal(ok(['get', 'secrets']).replace(/\d+s\n/, 'AGE\n'), 'NAME         TYPE     DATA   AGE\napp-secret   Opaque   2      AGE\n');
  assert.equal(ok(['get', 'sa']).replace(/\d+s\n/, 'AGE\n'), 'NAME      SECRETS   AGE\ndefault   0         AGE\n');
  assert.match(ok(['get', 'cm,secret,sa', '-o', 'name']), /^configmap\/app-config\nsecret\/app-secret\nserviceaccount\/default\n$/);
  const rows = ok(['api-resources']).split('\n');
  for (const row of [/^configmaps +cm +v1 +true +ConfigMap$/, /^secrets +v1 +true +Secret$/, /^serviceaccounts +sa +v1 +true +ServiceAccount$/]) {
    assert.ok(rows.some((r) => row.test(r)), `api-resources: ${row}`);
  }
  await assertDescribeGolden(sb, 'configmap', 'app-config', 'describe-cm-app-config.txt');
  await assertDescribeGolden(sb, 'secret', 'app-secret', 'describe-secret-app-secret.txt');
  await assertDescribeGolden(sb, 'serviceaccount', 'default', 'describe-sa-default.txt');
  await assertDescribeGolden(sb, 'pod', pod.metadata.name, 'describe-pod-config-reader.txt');
});

test('a missing ConfigMap: CreateContainerConfigError with the kubelet event, then the pod runs once it is created', async () => {
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata: {name: waiter}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "echo LATE=$LATE"]
        env:
        - name: LATE
          valueFrom: {configMapKeyRef: {name: late-config, key: k}}
`,
  );
  await sb.until('the waiter pod to wait', () => podOf('waiter')?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 30_000);
  const p = podOf('waiter');
  assert.equal(p.status.containerStatuses[0].state.waiting.message, 'configmap "late-config" not found');
  assert.match(ok(['get', 'pods']), new RegExp(`${p.metadata.name} +0/1 +CreateContainerConfigError +0 `));
  assert.deepEqual(eventsOf(p.metadata.name).filter((e: string) => e.startsWith('Warning')), ['Warning Failed Error: configmap "late-config" not found']);
  await assertDescribeGolden(sb, 'pod', p.metadata.name, 'describe-pod-waiting-config.txt');
  assert.equal(ok(['create', 'configmap', 'late-config', '--from-literal=k=finally']), 'configmap/late-config created\n');
  await sb.until('the waiter Job to complete', () => !!cond(job(sb, 'waiter'), 'Complete'), 30_000);
  assert.equal(ok(['logs', 'job/waiter']), 'LATE=finally\n');
});

test('a missing ConfigMap volume: ContainerCreating with FailedMount; optional references leave the variable unset and the volume empty', async () => {
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata: {name: mounter}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "cat /etc/late/file; echo; echo OPT=\${OPT-unset}; ls -A /etc/opt-secret | wc -l"]
        env:
        - name: OPT
          valueFrom: {secretKeyRef: {name: nowhere, key: k, optional: true}}
        volumeMounts:
        - {name: late, mountPath: /etc/late}
        - {name: opt, mountPath: /etc/opt-secret}
      volumes:
      - name: late
        configMap: {name: late-volume}
      - name: opt
        secret: {secretName: nowhere, optional: true}
`,
  );
  await sb.until('the FailedMount event', () => eventsOf(podOf('mounter')?.metadata?.name ?? '-').some((e: string) => e.includes('FailedMount')), 30_000);
  const p = podOf('mounter');
  assert.equal(p.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
  assert.deepEqual(eventsOf(p.metadata.name).filter((e: string) => e.startsWith('Warning')), [
    'Warning FailedMount MountVolume.SetUp failed for volume "late" : configmap "late-volume" not found',
  ]);
  assert.match(ok(['get', 'pods']), new RegExp(`${p.metadata.name} +0/1 +ContainerCreating +0 `));
  ok(['create', 'configmap', 'late-volume', '--from-literal=file=mounted']);
  await sb.until('the mounter Job to complete', () => !!cond(job(sb, 'mounter'), 'Complete'), 30_000);
  // the optional Secret volume has only the AtomicWriter's ..data entries
  assert.equal(ok(['logs', 'job/mounter']), 'mounted\nOPT=unset\n2\n');
});

test('ServiceAccounts: a missing account refuses a bare Pod and makes the Job controller report FailedCreate', async () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: lonely}
spec:
  serviceAccountName: robot
  containers: [{name: c, image: busybox, command: ["true"]}]
`;
  const r = sb.kjob(['apply', '-f', '-'], { input: pod });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error from server (Forbidden): error when creating "STDIN": pods "lonely" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found\n');
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata: {name: robot-job}
spec:
  template:
    spec:
      serviceAccountName: robot
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: ["echo", "as robot"]}]
`,
  );
  await sb.until('FailedCreate', () => eventsOf('robot-job').some((e: string) => e.includes('FailedCreate')), 30_000);
  assert.deepEqual(eventsOf('robot-job'), [
    'Warning FailedCreate Error creating: pods "robot-job-" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found',
  ]);
  assert.equal(podOf('robot-job'), undefined);
  // retried rate-limited: the same event, counted (kubectl shows "(x2 over 1s)")
  const failedCreates = () => readJSON(sb, ['get', 'events']).items.find((e: any) => e.reason === 'FailedCreate')?.count ?? 0;
  await sb.until('a second FailedCreate', () => failedCreates() >= 2, 30_000);
  await assertDescribeGolden(sb, 'job', 'robot-job', 'describe-job-failedcreate.txt');
  applyText(
    sb,
    `apiVersion: v1
kind: ServiceAccount
metadata: {name: robot}
secrets: [{name: app-secret}, {name: gone}]
imagePullSecrets: [{name: registry}]
`,
  );
  await assertDescribeGolden(sb, 'serviceaccount', 'robot', 'describe-sa-robot.txt');
  // the Job controller retries with back-off (1s, 2s, 4s, ...) and now the pod is admitted
  await sb.until('robot-job to complete', () => !!cond(job(sb, 'robot-job'), 'Complete'), 60_000);
  const p = podOf('robot-job');
  assert.equal(p.spec.serviceAccountName, 'robot');
  assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'registry' }]);
  assert.equal(ok(['apply', '-f', '-'], pod), 'pod/lonely created\n');
});
