// Issue 12, inside a running pod: `kjob exec` runs a command in the container's sandbox (its
// mount, PID, UTS and IPC namespaces, its volumes, environment and working directory). kubectl
// cannot exec through `kjob serve` (no streaming exec subresource), so the expected messages are
// kubectl v1.32's own, from its source: pkg/cmd/exec/exec.go (Validate, Run, SetupTTY),
// pkg/util/podcmd (the Defaulted container notice), cmdutil.CheckErr (CodeExitError:
// "command terminated with exit code N" with N as kubectl's exit code).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { ptyRun } from './pty.js';

const sb = new Sandbox();
const BOX = 'test/golden/issue12-writes/files/box.yaml';

before(() => {
  const r = sb.kjob(['apply', '-f', BOX]);
  assert.equal(r.code, 0, r.stderr);
  const w = sb.kjob(['wait', '--for=condition=ready', 'pod/box', '--timeout=120s']);
  assert.equal(w.code, 0, w.stderr);
});
after(() => sb.cleanup());

test('the default container, named as kubectl names it, with its working directory and the volume the init container wrote', () => {
  const r = sb.kjob(['exec', 'box', '--', 'cat', 'state']);
  assert.deepEqual(r, { stdout: 'ready\n', stderr: 'Defaulted container "main" out of: main, side, setup (init)\n', code: 0 });
  const q = sb.kjob(['exec', '-q', 'box', '--', 'pwd']);
  assert.deepEqual(q, { stdout: '/work\n', stderr: '', code: 0 });
});

test("the container's environment, hostname and PID namespace (its command is PID 1)", () => {
  const r = sb.kjob(['exec', 'box', '-c', 'main', '--', 'sh', '-c', 'echo $GREETING $(hostname) $(cat /etc/hostname); tr "\\0" " " </proc/1/cmdline; echo; ls /proc | grep -c "^[0-9]"']);
  assert.equal(r.code, 0, r.stderr);
  const [env, cmdline, count] = r.stdout.split('\n');
  assert.equal(env, 'hello box box');
  assert.match(cmdline.trim(), /^(\/usr\/bin\/)?sleep 3600$/);
  // sleep, sh, ls, grep (and tr's leftovers at most): only the container's processes
  assert.ok(Number(count) <= 5, r.stdout);
  // the other container has its own: no GREETING, no /work
  const side = sb.kjob(['exec', 'box', '-c', 'side', '--', 'sh', '-c', 'echo "[$GREETING]"; test -e /work/state && echo volume || echo no volume']);
  assert.equal(side.stdout, '[]\nno volume\n');
});

test("the command's exit code is kjob's, with kubectl's words", () => {
  assert.deepEqual(sb.kjob(['exec', 'box', '-c', 'main', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']), { stdout: 'out\n', stderr: 'err\ncommand terminated with exit code 7\n', code: 7 });
  const missing = sb.kjob(['exec', 'box', '-c', 'main', '--', 'no-such-command']);
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /command terminated with exit code 127\n$/);
});

test('stdin only with -i; -t without a terminal says so and runs without one', () => {
  assert.deepEqual(sb.kjob(['exec', '-i', 'box', '-c', 'main', '--', 'cat'], { input: 'abc\n' }), { stdout: 'abc\n', stderr: '', code: 0 });
  assert.deepEqual(sb.kjob(['exec', 'box', '-c', 'main', '--', 'cat'], { input: 'abc\n' }), { stdout: '', stderr: '', code: 0 });
  assert.deepEqual(sb.kjob(['exec', '-it', 'box', '-c', 'main', '--', 'sh', '-c', 'tty; true'], { input: '' }), {
    stdout: 'not a tty\n',
    stderr: 'Unable to use a TTY - input is not a terminal or the right kind of file\n',
    code: 0,
  });
  // -t alone: no stdin, so no TTY and nothing said (SetupTTY)
  assert.deepEqual(sb.kjob(['exec', '-t', 'box', '-c', 'main', '--', 'sh', '-c', 'tty; true']), { stdout: 'not a tty\n', stderr: '', code: 0 });
});

test('-it on a terminal: a terminal of the container, exit code through', () => {
  const r = ptyRun(sb, ['exec', '-it', 'box', '-c', 'main', '--', 'sh', '-c', 'tty; echo "[$TERM]"; exit 4']);
  assert.equal(r.code, 4, r.output);
  // script(1) writes an end-of-file character to the terminal once its stdin ends (/dev/null: at
  // once); exec forwards it, and the container's terminal may echo it (^@) before the shell's
  // second line (seen once in a CI run).
  assert.match(r.output, /\/dev\/pts\/\d+\r\n(?:\^@)?\[xterm\]\r\n/);
  assert.match(r.output, /command terminated with exit code 4/);
});

test("the container's capabilities only: no mount, state directory hidden", () => {
  const r = sb.kjob(['exec', 'box', '-c', 'main', '--', 'sh', '-c', `mount -t tmpfs x /mnt 2>/dev/null && echo mounted; ls -A ${sb.home} | wc -l; grep CapEff /proc/self/status`]);
  assert.equal(r.code, 0, r.stderr);
  const [files, caps] = r.stdout.trim().split('\n');
  assert.equal(files.trim(), '0');
  assert.equal(caps, 'CapEff:\t00000000a80425fb');
});

test("kubectl's errors: no command, the old form, a missing pod, a finished pod, a container that does not run", () => {
  const cases: [string[], string][] = [
    [['exec', 'box'], 'error: you must specify at least one command for the container\n'],
    [['exec'], 'error: pod, type/name or --filename must be specified\n'],
    [['exec', 'box', 'ls', '/'], "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kjob exec -h' for help and examples\n"],
    [['exec', 'nope', '--', 'ls'], 'Error from server (NotFound): pods "nope" not found\n'],
    [['exec', 'box', '-c', 'setup', '--', 'ls'], 'error: unable to upgrade connection: container not found ("setup")\n'],
  ];
  for (const [args, err] of cases) assert.deepEqual(sb.kjob(args), { stdout: '', stderr: err, code: 1 }, args.join(' '));
  const job = sb.kjob(['apply', '-f', 'fixtures/job-echo.yaml']);
  assert.equal(job.code, 0);
  assert.equal(sb.kjob(['wait', '--for=condition=complete', 'job/echo', '--timeout=120s']).code, 0);
  assert.deepEqual(sb.kjob(['exec', 'job/echo', '--', 'ls']), { stdout: '', stderr: 'error: cannot exec into a container in a completed pod; current phase is Succeeded\n', code: 1 });
});

test('cluster mode says plainly that exec is not there yet', () => {
  const kc = path.join(sb.home, 'kubeconfig');
  fs.writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: x\n');
  const r = sb.kjob(['exec', 'box', '--', 'ls'], { env: { KJOB_HOME: '', KUBECONFIG: kc } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: kjob exec runs commands in the pods of a state directory; in the cluster at https:\/\/127.0.0.1:1, use kubectl exec/);
});

test("an environment variable named like an option of env(1) stays a variable: exec keeps to the container's capabilities", () => {
  // Names are printable ASCII other than '=' (v1.32's relaxed validation): this one made env run
  // its shell, before setpriv had dropped root's capabilities, at every exec and exec probe.
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'envopt' },
    spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'], env: [{ name: '-S/bin/sh -c "grep CapEff /proc/self/status" x', value: '1' }] }] },
  };
  const a = sb.kjob(['apply', '-f', '-'], { input: JSON.stringify(pod) });
  assert.equal(a.code, 0, a.stderr);
  const w = sb.kjob(['wait', '--for=condition=ready', 'pod/envopt', '--timeout=120s']);
  assert.equal(w.code, 0, w.stderr);
  assert.deepEqual(sb.kjob(['exec', 'envopt', '--', 'true']), { stdout: '', stderr: '', code: 0 });
  const effective = (file: string) => sb.kjob(['exec', 'envopt', '--', 'grep', 'CapEff', file]).stdout;
  assert.match(effective('/proc/self/status'), /^CapEff:\s+[0-9a-f]+\n$/);
  assert.equal(effective('/proc/self/status'), effective('/proc/1/status'), "the exec'd command has the container's capabilities, no more");
  const env = sb.kjob(['exec', 'envopt', '--', 'env']).stdout;
  assert.ok(env.includes('-S/bin/sh -c "grep CapEff /proc/self/status" x=1\n'), env);
});

test("exec enters the container with its capabilities already dropped: a volume over /usr/bin/env or setpriv runs as the container, not as root", () => {
  // The pod's own program stands in for the tools exec used to run with root's capabilities once
  // inside the container (setpriv, from the container's root) and for the first one it runs now
  // (env, after the drop): it records what it may do, for the container's PID 1 to print.
  const record = '#!/bin/sh\ngrep CapEff /proc/self/status > /e/caps.$$\n';
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shadow' },
    spec: {
      restartPolicy: 'Never', volumes: [{ name: 'e', emptyDir: {} }],
      initContainers: [{ name: 'plant', image: 'busybox', command: ['sh', '-c', `printf '${record.replace(/\n/g, '\\n')}' > /e/tool && chmod 755 /e/tool`], volumeMounts: [{ name: 'e', mountPath: '/e' }] }],
      containers: [{
        name: 'c', image: 'busybox',
        command: ['sh', '-c', 'for i in $(seq 300); do ls /e/caps.* >/dev/null 2>&1 && break; sleep 0.1; done; sleep 0.2; cat /e/caps.*; grep CapEff /proc/self/status'],
        volumeMounts: [{ name: 'e', mountPath: '/e' }, { name: 'e', mountPath: '/usr/bin/env', subPath: 'tool' }, { name: 'e', mountPath: '/usr/bin/setpriv', subPath: 'tool' }],
      }],
    },
  };
  const a = sb.kjob(['apply', '-f', '-'], { input: JSON.stringify(pod) });
  assert.equal(a.code, 0, a.stderr);
  const w = sb.kjob(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/shadow', '--timeout=120s']);
  assert.equal(w.code, 0, w.stderr);
  sb.kjob(['exec', 'shadow', '--', 'true']);
  const done = sb.kjob(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/shadow', '--timeout=60s']);
  assert.equal(done.code, 0, done.stderr + sb.kjob(['logs', 'shadow']).stdout);
  const lines = sb.kjob(['logs', 'shadow']).stdout.trim().split('\n');
  assert.ok(lines.length >= 2 && lines.every((l) => /^CapEff:\s+[0-9a-f]+$/.test(l)), lines.join('\n'));
  assert.equal(new Set(lines).size, 1, `the stand-in ran with more than the container's capabilities:\n${lines.join('\n')}`);
});

test("an exec'd command has no controlling terminal: not the user's, whose input it could fake (TIOCSTI)", () => {
  // Under a terminal of the test's own (script), as a user's shell would run kjob exec.
  const r = ptyRun(sb, ['exec', 'box', '-c', 'main', '--', 'sh', '-c', 'read a b c d e f g rest < /proc/self/stat; echo "tty=$g"']);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /tty=0\r?\n/);
  // -t: a terminal of the container's own (script's pty), which is its controlling one.
  const t = ptyRun(sb, ['exec', '-it', 'box', '-c', 'main', '--', 'sh', '-c', 'read a b c d e f g rest < /proc/self/stat; echo "tty=$g"']);
  assert.match(t.output, /tty=[1-9]\d*\r?\n/);
});
