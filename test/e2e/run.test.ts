// Issue 12, running things by hand: `kjob run -i` waits for the pod as kubectl's run.go does
// (handleAttachPod, waitForPod), follows the container's output, gives the container's exit code
// (CodeExitError "pod NS/NAME terminated (REASON)") and with --rm deletes the pod, printing
// DeleteResult's `pod "NAME" deleted`. kubectl cannot attach through `kjob serve`, so the words are
// from kubectl v1.32's source (run.go, attach.go Run: the prompt hint; exec.go SetupTTY). The pod
// kubectl run builds is compared with kubectl's own in kubectl-write.test.ts (section run).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';
import { ptyRun } from './pty.js';

const sb = new Sandbox();
after(() => sb.cleanup());
const HINT = "If you don't see a command prompt, try pressing enter.\n";
// kubectl attaches once the pod is Running, which the kubelet reports at its PLEG's next relist
// (1s after the start): a container that should be attached to runs for longer than that.

test('run -i --rm --restart=Never: the output, the exit code, the pod deleted', () => {
  const r = sb.kjob(['run', '-i', 'oneshot', '--image=busybox', '--restart=Never', '--rm', '--', 'sh', '-c', 'sleep 3; echo hello; exit 3']);
  assert.deepEqual(r, { stdout: 'hello\npod "oneshot" deleted\n', stderr: `${HINT}pod default/oneshot terminated (Error)\n`, code: 3 });
  assert.equal(sb.kjob(['get', 'pod', 'oneshot']).stderr, 'Error from server (NotFound): pods "oneshot" not found\n');
});

test('run -i --restart=OnFailure --command, as the tutorial runs it: the output, then the pod Completed', () => {
  const r = sb.kjob(['run', '-i', 'keygen', '--image=busybox', '--restart=OnFailure', '--command', '--', 'sh', '-c', 'sleep 3; echo key 1; echo key 2']);
  assert.deepEqual(r, { stdout: 'key 1\nkey 2\n', stderr: HINT, code: 0 });
  assert.equal(sb.kjob(['get', 'pod', 'keygen', '-o', 'jsonpath={.status.phase} {.spec.restartPolicy} {.spec.containers[0].stdin} {.spec.containers[0].stdinOnce}']).stdout, 'Succeeded OnFailure true true');
});

test('run -it without a terminal says so, as kubectl attach does; -q says nothing', () => {
  const r = sb.kjob(['run', '-it', 't1', '--image=busybox', '--restart=Never', '--rm', '--', 'sh', '-c', 'sleep 3; echo x']);
  assert.deepEqual(r, { stdout: 'x\npod "t1" deleted\n', stderr: `Unable to use a TTY - input is not a terminal or the right kind of file\n${HINT}`, code: 0 });
  const q = sb.kjob(['run', '-i', '-q', 'q1', '--image=busybox', '--restart=Never', '--rm', '--', 'sh', '-c', 'sleep 3; echo quiet']);
  assert.deepEqual(q, { stdout: 'quiet\n', stderr: '', code: 0 });
});

test("a pod that finished before kubectl could attach: its log, no hint", () => {
  const r = sb.kjob(['run', '-i', 'fast', '--image=busybox', '--restart=Never', '--pod-running-timeout=60s', '--', 'sh', '-c', 'echo done'], {});
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'done\n');
});

test('bare pods with each restart policy: Always keeps running, Never ends Failed', () => {
  assert.deepEqual(sb.kjob(['run', 'web3', '--image=busybox', '--', 'sleep', '3600']), { stdout: 'pod/web3 created\n', stderr: '', code: 0 });
  assert.equal(sb.kjob(['wait', '--for=condition=ready', 'pod/web3', '--timeout=60s']).code, 0);
  assert.equal(sb.kjob(['get', 'pod', 'web3', '-o', 'jsonpath={.status.phase} {.spec.restartPolicy}']).stdout, 'Running Always');
  assert.equal(sb.kjob(['run', 'fails', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'exit 2']).code, 0);
  assert.equal(sb.kjob(['wait', '--for=jsonpath={.status.phase}=Failed', 'pod/fails', '--timeout=60s']).code, 0);
  assert.equal(sb.kjob(['get', 'pod', 'fails', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}']).stdout, '2');
});

test("no --image: cobra's required flag, through kubectl's klog line", () => {
  const r = sb.kjob(['run', 'a1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ run\.go:72\] "command failed" err="required flag\(s\) \\"image\\" not set"\n$/);
});

test("run -i attaches kjob's stdin to the container: cat < file prints the file", () => {
  const r = sb.kjob(['run', '-i', '--rm', 't', '--image=busybox', '--restart=Never', '--', 'cat'], { input: 'line one\nline two\n' });
  assert.deepEqual(r, { stdout: 'line one\nline two\npod "t" deleted\n', stderr: HINT, code: 0 });
  // stdinOnce: the end of kjob's input is the end of the container's
  const w = sb.kjob(['run', '-i', 'wc', '--image=busybox', '--restart=Never', '--', 'wc', '-l'], { input: 'a\nb\nc\n' });
  assert.deepEqual(w, { stdout: '3\n', stderr: HINT, code: 0 });
});

test('without -i the container gets no stdin (it reads end of file at once)', () => {
  const r = sb.kjob(['run', 'noin', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'cat; echo "eof [$(ls -l /proc/self/fd/0 | sed "s/.*-> //")]"'], { input: 'ignored\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sb.kjob(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/noin', '--timeout=60s']).code, 0);
  assert.equal(sb.kjob(['logs', 'noin']).stdout, 'eof [/dev/null]\n');
});

test('run -it on a terminal: the container runs on a terminal of its own (TERM=xterm), a prompt without a newline shows', () => {
  const r = ptyRun(sb, ['run', '-it', '--rm', 'tt', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'tty; echo "[$TERM]"; printf "prompt> "; sleep 3; echo done']);
  assert.equal(r.code, 0, r.output);
  // script(1), the test's terminal, sends its own end of input (^@ as the container's terminal echoes it)
  assert.match(r.output.replace(/\^@/g, ''), /^If you don't see a command prompt, try pressing enter\.\r\n\/dev\/pts\/\d+\r\n\[xterm\]\r\nprompt> .*done\r\npod "tt" deleted\r\n$/s);
});
