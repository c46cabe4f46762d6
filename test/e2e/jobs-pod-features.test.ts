// Pod features of Job templates: several containers, env from fieldRef (name, namespace, labels,
// annotations, the completion index), emptyDir and hostPath volumes, workingDir, hostname.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { applyText, cond, job, pods } from './jobs-helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

test('env fieldRef, emptyDir, hostPath, workingDir, two containers in an Indexed pod', async () => {
  // Beside the state directory, not in it: a hostPath may not show a state directory's contents.
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-hostdata-'));
  after(() => fs.rmSync(hostDir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(hostDir, 'f.txt'), 'from the host\n');
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: features
spec:
  completionMode: Indexed
  completions: 1
  template:
    metadata:
      labels: {team: a}
      annotations: {note: hello}
    spec:
      restartPolicy: Never
      volumes:
      - {name: scratch, emptyDir: {}}
      - {name: host, hostPath: {path: ${hostDir}}}
      containers:
      - name: main
        image: busybox
        workingDir: /app/dir
        command: ["sh", "-c", "pwd; echo $POD $NS $TEAM $NOTE $IDX $JOB_COMPLETION_INDEX; cat /h/f.txt; echo x > /s/y; cat /s/y; hostname"]
        env:
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
        - {name: TEAM, valueFrom: {fieldRef: {fieldPath: "metadata.labels['team']"}}}
        - {name: NOTE, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['note']"}}}
        - {name: IDX, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}}
        volumeMounts:
        - {name: scratch, mountPath: /s}
        - {name: host, mountPath: /h}
      - name: second
        image: busybox
        command: ["echo", "second"]
`,
  );
  await sb.until('the Job to complete', () => !!cond(job(sb, 'features'), 'Complete'), 20_000);
  const [p] = pods(sb);
  const name = p.metadata.name;
  assert.equal(sb.kjob(['logs', name, '-c', 'main']).stdout, `/app/dir\n${name} default a hello 0 0\nfrom the host\nx\nfeatures-0\n`);
  assert.equal(sb.kjob(['logs', name, '-c', 'second']).stdout, 'second\n');
  const r = sb.kjob(['logs', name]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, 'Defaulted container "main" out of: main, second\n');
  assert.match(sb.kjob(['get', 'pods']).stdout, new RegExp(`${name} +0/2 +Completed +0 `));
});

test('a sidecar (an init container with restartPolicy Always) runs beside the Job\'s container and is stopped when it ends; the Job completes', async () => {
  applyText(
    sb,
    `apiVersion: batch/v1
kind: Job
metadata:
  name: with-sidecar
spec:
  template:
    spec:
      restartPolicy: Never
      volumes:
      - {name: shared, emptyDir: {}}
      initContainers:
      - name: logger
        image: busybox
        restartPolicy: Always
        command: ["sh", "-c", "trap 'echo stopping; exit 0' TERM; sleep 0.3; echo up > /s/up; while true; do sleep 0.1; done"]
        # Started (and the next container with it) once the file is there, not once its process runs.
        startupProbe: {exec: {command: [cat, /s/up]}, periodSeconds: 1}
        volumeMounts:
        - {name: shared, mountPath: /s}
      containers:
      - name: main
        image: busybox
        command: ["cat", "/s/up"]
        volumeMounts:
        - {name: shared, mountPath: /s}
`,
  );
  await sb.until('the Job to complete', () => !!cond(job(sb, 'with-sidecar'), 'Complete'), 30_000);
  const [p] = pods(sb).filter((x) => x.metadata.labels['job-name'] === 'with-sidecar');
  const name = p.metadata.name;
  assert.equal(p.status.phase, 'Succeeded');
  assert.equal(sb.kjob(['logs', name, '-c', 'main']).stdout, 'up\n', 'the sidecar ran first');
  assert.equal(sb.kjob(['logs', name, '-c', 'logger']).stdout, 'stopping\n', 'and was stopped by SIGTERM');
  const [side] = p.status.initContainerStatuses;
  assert.equal(side.state.terminated.exitCode, 0);
  assert.equal(side.restartCount, 0);
  const events = sb.kjob(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}']).stdout;
  assert.match(events, /^Killing Stopping container logger$/m);
  assert.match(sb.kjob(['get', 'pod', name]).stdout, new RegExp(`^${name}\\s+0/2\\s+Completed\\s+0\\s`, 'm'));
});

test("termination messages: what the container writes to /dev/termination-log; with FallbackToLogsOnError and a failure, its log's end", async () => {
  applyText(
    sb,
    `apiVersion: v1
kind: Pod
metadata:
  name: termination-demo
spec:
  restartPolicy: Never
  containers:
  - name: termination-demo-container
    image: debian
    command: ["/bin/sh"]
    args: ["-c", "echo Sleep expired > /dev/termination-log; exit 3"]
---
apiVersion: v1
kind: Pod
metadata:
  name: fallback
spec:
  restartPolicy: Never
  containers:
  - name: c
    image: busybox
    terminationMessagePolicy: FallbackToLogsOnError
    command: ["sh", "-c", "for i in $(seq 1 100); do echo line $i; done; exit 1"]
`,
  );
  const message = (name: string) => JSON.parse(sb.kjob(['get', 'pod', name, '-o', 'json']).stdout).status?.containerStatuses?.[0]?.state?.terminated?.message;
  await sb.until('both pods to end', () => message('termination-demo') !== undefined && message('fallback') !== undefined, 20_000);
  assert.equal(message('termination-demo'), 'Sleep expired\n');
  // The last 80 lines (readLastStringFromContainerLogs).
  assert.equal(message('fallback'), Array.from({ length: 80 }, (_, i) => `line ${i + 21}\n`).join(''));
  assert.match(sb.kjob(['describe', 'pod', 'termination-demo']).stdout, /\n {6}Reason: {3}Error\n {6}Message: {2}Sleep expired\n\n {6}Exit Code: {4}3\n/);
});
