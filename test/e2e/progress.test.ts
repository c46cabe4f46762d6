// Live progress on a terminal (a pty from util-linux `script`): the spinner of `kjob wait` and
// `apply --wait` with the Job's counts, one final line, and kubectl's line on stdout; `logs -f`
// saying what it waits for. Piped, or with NO_COLOR: no spinner frames and no escape codes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Sandbox, shJob } from './helpers.js';
import { ESC, SPINNER_FRAMES, ptyRun, ptySpawn } from './pty.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const job = (name: string, extra: string, command: string) => shJob(name, `  completions: 2\n${extra}`, command);

const write = (name: string, body: string) => {
  const file = `${sb.home}/${name}.yaml`;
  fs.writeFileSync(file, body);
  return file;
};

test('wait on a terminal: spinner frames with the counts, a final ✔ line, then condition met', () => {
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: job('slow', '', 'sleep 1; echo done') }).code, 0);
  const r = ptyRun(sb, ['wait', '--for=condition=complete', 'job/slow', '--timeout=60s']);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, SPINNER_FRAMES);
  assert.match(r.output, /\x1b\[\?25l/); // the cursor hidden while spinning, and shown again
  assert.match(r.output, /\x1b\[\?25h/);
  assert.match(r.output, /job\.batch\/slow\x1b\[22m  \x1b\[3\dm(Running|Pending)\x1b\[39m  \d active, \d\/2 succeeded, 0 failed/);
  assert.match(r.output, /✔\x1b\[39m \x1b\[1mjob\.batch\/slow\x1b\[22m  \x1b\[32mComplete\x1b\[39m  0 active, \x1b\[32m2\/2 succeeded\x1b\[39m, 0 failed  \x1b\[90m\d+s\x1b\[39m\r\njob\.batch\/slow condition met\r\n/);
});

test('the same wait piped: exactly kubectl\'s line, no frames, no escape codes', () => {
  const r = sb.kjob(['wait', '--for=condition=complete', 'job/slow', '--timeout=60s'], { env: { FORCE_COLOR: '1' } });
  assert.deepEqual(r, { stdout: 'job.batch/slow condition met\n', stderr: '', code: 0 });
});

test('NO_COLOR or --no-color on a terminal: no spinner, no escape codes, one plain final line', () => {
  for (const [args, env] of [
    [['wait', '--for=condition=complete', 'job/slow'], { NO_COLOR: '1' }],
    [['--no-color', 'wait', '--for=condition=complete', 'job/slow'], {}],
  ] as const) {
    const r = ptyRun(sb, [...args], env);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, ESC);
    assert.doesNotMatch(r.output, SPINNER_FRAMES);
    assert.match(r.output, /^✔ job\.batch\/slow  Complete  0 active, 2\/2 succeeded, 0 failed  \d+s\r\njob\.batch\/slow condition met\r\n$/);
  }
});

test('apply --wait on a terminal: the spinner, and a failing Job ends in ✖ and the reason', () => {
  const file = write('fails', job('fails', '  backoffLimit: 0', 'sleep 1; exit 2'));
  const r = ptyRun(sb, ['apply', '-f', file, '--wait']);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /^job\.batch\/fails created\r\n/);
  assert.match(r.output, SPINNER_FRAMES);
  assert.match(r.output, /✖\x1b\[39m \x1b\[1mjob\.batch\/fails\x1b\[22m  \x1b\[31mFailed\x1b\[39m/);
  assert.match(r.output, /error: job\.batch\/fails failed: BackoffLimitExceeded: Job has reached the specified backoff limit\r\n(\x1b\[\?25h)?$/);
});

test('logs -f on a terminal: says it waits for a pod of a suspended Job, then follows the log', async () => {
  const file = write('later', job('later', '  suspend: true', 'echo hello from later'));
  assert.equal(sb.kjob(['apply', '-f', file]).code, 0);
  const w = ptySpawn(sb, ['logs', '-f', 'job/later']);
  await sb.until('the waiting message', () => w.output().includes('job/later: waiting for a pod (the Job is suspended)'), 20_000, 100);
  assert.match(w.output(), SPINNER_FRAMES);
  assert.equal(sb.kjob(['patch', 'job', 'later', '-p', '{"spec":{"suspend":false}}']).code, 0);
  await sb.until('logs -f to end', () => w.exited(), 30_000, 100);
  assert.equal(w.code(), 0, w.output());
  assert.match(w.output(), /hello from later\r\n(\x1b\[\?25h)?$/);
  // piped, kjob keeps kubectl's answer for a Job without pods
  const file2 = write('never', job('never', '  suspend: true', 'true'));
  assert.equal(sb.kjob(['apply', '-f', file2]).code, 0);
  assert.deepEqual(sb.kjob(['logs', '-f', 'job/never']), { stdout: '', stderr: 'error: timed out waiting for the condition\n', code: 1 });
});

test('logs -f of a pod that cannot start: the reason, plain with NO_COLOR; the pod deleted ends it with kubectl\'s error', async () => {
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  nodeSelector: {disk: ssd}
  containers:
  - name: c
    image: busybox
    command: ["true"]
`;
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: pod }).code, 0);
  await sb.until('the pod to be unschedulable', () => sb.kjob(['get', 'pod', 'stuck', '-o', 'jsonpath={.status.conditions[0].reason}']).stdout === 'Unschedulable', 20_000, 100);
  const w = ptySpawn(sb, ['logs', '-f', 'stuck'], { NO_COLOR: '1' });
  await sb.until('the waiting line', () => w.output().includes('ℹ pod/stuck: waiting for container "c" to start: Unschedulable: 0/1 nodes are available'), 20_000, 100);
  assert.doesNotMatch(w.output(), ESC);
  assert.equal(sb.kjob(['delete', 'pod', 'stuck', '--wait=false']).code, 0);
  await sb.until('logs to end', () => w.exited(), 30_000, 100);
  assert.equal(w.code(), 1);
  assert.match(w.output(), /Error from server \(BadRequest\): container "c" in pod "stuck" is waiting to start: ContainerCreating\r\n$/);
});
