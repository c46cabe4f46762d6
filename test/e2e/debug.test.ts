// Issue 12, `kjob debug POD --image=IMG [--target=C] [-i] -- CMD`: an ephemeral container added
// through pods/ephemeralcontainers, started once by the kubelet in the target's namespaces. The
// messages are kubectl v1.32's (pkg/cmd/debug/debug.go: Validate's "Targeting container",
// computeDebugContainerName, the legacy profile's warning), checked against kubectl debug run
// against `kjob serve`; the Ephemeral Containers section of describe matched kubectl's
// (describe-parity.sh) for the same pod.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';

const sb = new Sandbox();
const LEGACY = '--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example "--profile=general".\n';
const TARGETING = (c: string) => `Targeting container "${c}". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n`;
const NAMED = /^Defaulting debug container name to (debugger-[bcdfghjklmnpqrstvwxz2456789]{5})\.\n/;

before(() => {
  const r = sb.kjob(['run', 'web', '--image=busybox', '--restart=Never', '--command', '--', 'sh', '-c', 'sleep 300']);
  assert.equal(r.code, 0, r.stderr);
  const w = sb.kjob(['wait', '--for=condition=ready', 'pod/web', '--timeout=120s']);
  assert.equal(w.code, 0, w.stderr);
});
after(() => sb.cleanup());

let first = '';

test("debug -i --target=c sees the target's processes and the pod's hostname", () => {
  const r = sb.kjob(['debug', 'web', '-i', '--image=busybox', '--target=web', '--', 'sh', '-c', 'ps -o pid,args; hostname']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith(TARGETING('web')), r.stdout);
  const rest = r.stdout.slice(TARGETING('web').length);
  const m = NAMED.exec(rest);
  assert.ok(m, rest);
  first = m[1];
  assert.match(rest, /sleep 300/);
  assert.match(rest, /\nweb\n$/);
  // the prompt hint only when the container still ran when kjob attached (else its log is read)
  assert.ok([LEGACY, `${LEGACY}If you don't see a command prompt, try pressing enter.\n`].includes(r.stderr), r.stderr);
  // its log stays readable by name
  const l = sb.kjob(['logs', 'web', '-c', first]);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout, /sleep 300[\s\S]*\nweb\n$/);
});

test('get -o yaml and describe show the ephemeral container and its status', () => {
  const y = sb.kjob(['get', 'pod', 'web', '-o', 'yaml']);
  assert.match(y.stdout, new RegExp(`ephemeralContainers:\\n  - command:[\\s\\S]*name: ${first}\\n[\\s\\S]*targetContainerName: web`));
  assert.match(y.stdout, new RegExp(`ephemeralContainerStatuses:\\n[\\s\\S]*name: ${first}\\n[\\s\\S]*reason: Completed`));
  const d = sb.kjob(['describe', 'pod', 'web']);
  const section = d.stdout.slice(d.stdout.indexOf('Ephemeral Containers:'), d.stdout.indexOf('Conditions:'));
  const masked = section.replace(/containerd:\/\/[0-9a-f]+/g, 'ID').replace(/(Started|Finished):( +).*/g, '$1:$2T');
  assert.equal(
    masked,
    `Ephemeral Containers:\n  ${first}:\n    Container ID:  ID\n    Image:         busybox\n    Image ID:      \n    Port:          <none>\n    Host Port:     <none>\n    Command:\n      sh\n      -c\n      ps -o pid,args; hostname\n    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n      Started:      T\n      Finished:     T\n    Ready:          False\n    Restart Count:  0\n    Environment:    <none>\n    Mounts:         <none>\n`,
  );
});

test('a second debug gets a new name; errors as kubectl and the apiserver say them', () => {
  const r = sb.kjob(['debug', 'web', '--image=busybox', '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const m = NAMED.exec(r.stdout);
  assert.ok(m && m[1] !== first, r.stdout);
  assert.deepEqual(sb.kjob(['debug', 'nope', '--image=busybox']), { stdout: '', stderr: `${LEGACY}Error from server (NotFound): pods "nope" not found\n`, code: 1 });
  const t = sb.kjob(['debug', 'web', '--image=busybox', '--target=zz']);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /The Pod "web" is invalid: spec\.ephemeralContainers\[2\]\.targetContainerName: Not found: "zz"\n$/);
  const c = sb.kjob(['debug', 'web', '--image=busybox', '-c', 'web']);
  assert.match(c.stderr, /The Pod "web" is invalid: spec\.ephemeralContainers\[2\]\.name: Duplicate value: "web"\n$/);
  assert.deepEqual(sb.kjob(['debug', 'web']), { stdout: '', stderr: 'error: you must specify --image when not using --copy-to.\n', code: 1 });
  assert.deepEqual(sb.kjob(['debug', 'web', '--image=busybox', '-t']).stderr.endsWith('error: -i/--stdin is required for containers with -t/--tty=true\n'), true);
});

test("debug -i sends kjob's stdin to the ephemeral container (the kubelet's attach)", () => {
  const r = sb.kjob(['debug', 'web', '-i', '--image=busybox', '--profile=general', '--', 'sh', '-c', 'read a; read b; echo "got $a+$b"'], { input: 'one\ntwo\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Defaulting debug container name to debugger-\w{5}\.\ngot one\+two\n$/);
});
