// A pod is isolated as a container runtime isolates it, and cannot touch the host or kjob's
// state: the real bin/kjob, real bubblewrap, real cgroups. Tests that need bubblewrap (or
// cgroups) are skipped, saying so, where this machine has none.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { probeSandbox } from '../../src/kubelet/sandbox.js';
import { Cgroups } from '../../src/kubelet/cgroups.js';

const SANDBOX = probeSandbox('auto');
const NO_BWRAP = !SANDBOX.sandboxed && `pods are not sandboxed on this machine: ${SANDBOX.reason}`;
const CGROUPS = Cgroups.inspect();
const NO_CGROUPS = !CGROUPS.status.enforced && `cgroups are not usable here: ${CGROUPS.status.reason}`;

const sandboxes: Sandbox[] = [];
const sandbox = (...a: ConstructorParameters<typeof Sandbox>) => {
  const sb = new Sandbox(...a);
  sandboxes.push(sb);
  return sb;
};
after(() => {
  for (const sb of sandboxes) sb.cleanup();
});

/** A Job of one pod that runs sh -c script (backoffLimit 0); `$(` must be written `$$(` (Kubernetes expands it). */
function shJob(name: string, script: string, extra: { container?: object; podSpec?: object } = {}): string {
  return JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', ...extra.podSpec, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', script], ...extra.container }] } } },
  });
}

function apply(sb: Sandbox, manifest: string): void {
  const r = sb.kjob(['apply', '-f', '-'], { input: manifest });
  assert.equal(r.code, 0, r.stderr);
}

function podOf(sb: Sandbox, job: string): any {
  const items = JSON.parse(sb.kjob(['get', 'pods', '-l', `job-name=${job}`, '-o', 'json']).stdout).items;
  return items[0];
}

async function finished(sb: Sandbox, job: string, timeoutMs = 60_000): Promise<any> {
  let pod: any;
  await sb.until(`the pod of ${job} to finish`, () => {
    pod = podOf(sb, job);
    return pod?.status?.phase === 'Succeeded' || pod?.status?.phase === 'Failed';
  }, timeoutMs);
  return pod;
}

const logs = (sb: Sandbox, pod: any) => sb.kjob(['logs', pod.metadata.name]).stdout;

/** Host processes whose argv is exactly this (read from /proc). */
function hostProcesses(...argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  const out: number[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      if (fs.readFileSync(`/proc/${n}/cmdline`, 'utf8') === want) out.push(Number(n));
    } catch { /* gone */ }
  }
  return out;
}

/** A sleep duration no other test (or other run) uses, to find this test's processes by argv. */
const tag = () => String(100_000 + Math.floor(Math.random() * 800_000));

test('inside a pod: the command is PID 1, /proc shows only the pod, a remount and a write to /etc fail', { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  const script = [
    'echo "pid $$$$"', // $$ is Kubernetes' escape for $: the shell sees $$
    'for p in /proc/[0-9]*; do echo "proc $${p#/proc/}"; done',
    'mount -o remount,rw,bind /etc 2>/dev/null && echo remounted || echo "remount refused"',
    'echo x 2>/dev/null >/etc/kjob-sandbox-test && echo "wrote /etc" || echo "/etc read-only"',
    'echo 1 2>/dev/null >/proc/sys/vm/drop_caches && echo "wrote a sysctl" || echo "sysctls read-only"',
    'echo "caps $$(grep CapEff /proc/self/status | cut -f2)"',
  ].join('; ');
  apply(sb, shJob('iso', script));
  const pod = await finished(sb, 'iso');
  assert.equal(pod.status.phase, 'Succeeded');
  // containerd's default set (CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID,
  // SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE): no CAP_SYS_ADMIN.
  assert.equal(logs(sb, pod), 'pid 1\nproc 1\nremount refused\n/etc read-only\nsysctls read-only\ncaps 00000000a80425fb\n');
  assert.equal(fs.existsSync('/etc/kjob-sandbox-test'), false);
});

test("a manifest's exec probes run inside the pod's sandbox, never on the host: not as its container starts, nor as it ends", { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  const name = `kjob-probe-${tag()}`;
  const marker = `/tmp/${name}`;
  // Several pods, so that probes meet containers as they start and as they end. The probe writes a
  // file in the container's /tmp (a tmpfs of its own; by a path relative to the container's
  // workingDir, as ExecSync runs it there), which the container waits to see: the probe ran in its
  // mount namespace. On the host the same path must never appear.
  const probe = { exec: { command: ['touch', name] }, periodSeconds: 1 };
  const job = JSON.parse(shJob('probed', `for i in $$(seq 50); do [ -f ${marker} ] && exit 0; sleep 0.1; done; exit 1`, { container: { workingDir: '/tmp', readinessProbe: probe, livenessProbe: probe } }));
  Object.assign(job.spec, { completions: 6, parallelism: 3 });
  apply(sb, JSON.stringify(job));
  const r = sb.kjob(['wait', '--for=condition=complete', 'job/probed', '--timeout=90s']);
  assert.equal(r.code, 0, r.stderr + sb.kjob(['get', 'pods']).stdout);
  assert.equal(fs.existsSync(marker), false, 'a probe ran on the host');
});

test('the state directory is invisible from a pod, even under a directory the pod sees', { skip: NO_BWRAP }, async () => {
  // /var/tmp is visible (read-only) in a pod, unlike /tmp, which is the pod's own.
  const sb = sandbox({}, { parent: '/var/tmp' });
  const job = JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'peek' },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'ls -A "$0" | wc -l; test -e "$0/state.db" && echo "state.db visible" || echo "state.db hidden"; ls /var/tmp >/dev/null && echo "/var/tmp visible"', sb.home] }] } } },
  });
  apply(sb, job);
  const pod = await finished(sb, 'peek');
  assert.equal(logs(sb, pod), '0\nstate.db hidden\n/var/tmp visible\n');
  assert.ok(fs.existsSync(path.join(sb.home, 'state.db')), 'it is there on the host');
});

test('private state: directories 0700, files 0600, the socket its user\'s only, with umask 000', async () => {
  const old = process.umask(0); // kjob and its engine inherit it
  try {
    const sb = sandbox();
    // an engine that stays (one started by a command exits when idle, maybe before it is looked at)
    assert.equal(sb.kjob(['controller', 'start']).code, 0);
    const volume = SANDBOX.sandboxed ? { podSpec: { volumes: [{ name: 'scratch', emptyDir: {} }] }, container: { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] } } : {};
    apply(sb, shJob('modes', 'echo hello; echo x > /tmp/x', volume));
    const pod = await finished(sb, 'modes');
    assert.equal(pod.status.phase, 'Succeeded');
    assert.equal(logs(sb, pod), 'hello\n');
    assert.ok(sb.enginePid(), 'the engine runs (its socket exists)');
    const wrong: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        const rel = path.relative(sb.home, p);
        if (/\.tmp\d+$/.test(e.name)) continue; // a file being written
        const mode = fs.lstatSync(p).mode & 0o777;
        // Exceptions a kubelet makes too: an emptyDir and a container's termination message file
        // are writable by every user of the pod, and the pod's /etc/hosts, /etc/hostname and
        // /etc/resolv.conf readable by them; the 0700 directories above keep them from everyone else.
        const want = e.isDirectory()
          ? /^pods\/[^/]+\/volumes\/[^/]+$/.test(rel) ? 0o777 : 0o700
          : /^pods\/[^/]+\/(hosts|hostname|resolv\.conf)$/.test(rel) ? 0o644 : /^pods\/[^/]+\/containers\/[^/]+\/\d+\/termination-log$/.test(rel) ? 0o666 : 0o600;
        if (mode !== want) wrong.push(`${rel} ${mode.toString(8)} (want ${want.toString(8)})`);
        if (e.isDirectory() && !(mode & 0o002)) walk(p);
      }
    };
    assert.equal(fs.statSync(sb.home).mode & 0o777, 0o700);
    walk(sb.home);
    assert.deepEqual(wrong, []);
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm', 'engine.log', 'engine.sock']) assert.ok(fs.existsSync(path.join(sb.home, f)), f);
  } finally {
    process.umask(old);
  }
});

test('every process of a container ends with it: after setsid and a double fork, when it completes and when it is deleted', { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  const [a, b] = [tag(), tag()];
  apply(sb, shJob('bg', `setsid sleep ${a} & (sleep ${b} &); echo started`));
  const pod = await finished(sb, 'bg');
  assert.equal(pod.status.phase, 'Succeeded');
  await sb.until('no process of the completed pod left', () => hostProcesses('sleep', a).length + hostProcesses('sleep', b).length === 0, 10_000);

  const [c, d, e] = [tag(), tag(), tag()];
  apply(sb, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'runner' },
    spec: { terminationGracePeriodSeconds: 1, restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `setsid sleep ${c} & (sleep ${d} &); sleep ${e}`] }] },
  }));
  await sb.until('all three sleeps run', () => [c, d, e].every((t) => hostProcesses('sleep', t).length === 1), 30_000);
  const r = sb.kjob(['delete', 'pod', 'runner']);
  assert.equal(r.code, 0, r.stderr);
  await sb.until('no process of the deleted pod left', () => [c, d, e].every((t) => hostProcesses('sleep', t).length === 0), 10_000);
});

test('a sleep container deleted with a grace period ignores SIGTERM as PID 1 and is killed at its end: 137, not 143', { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  // A finalizer keeps the pod after its containers stopped, so its final status can be read.
  apply(sb, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sleeper', finalizers: ['example.com/hold'] },
    spec: { terminationGracePeriodSeconds: 3, restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '600'] }] },
  }));
  await sb.until('the pod runs', () => JSON.parse(sb.kjob(['get', 'pod', 'sleeper', '-o', 'json']).stdout).status?.containerStatuses?.[0]?.state?.running !== undefined, 30_000);
  const t0 = Date.now();
  assert.equal(sb.kjob(['delete', 'pod', 'sleeper', '--wait=false']).code, 0);
  let pod: any;
  await sb.until('the container ended', () => {
    pod = JSON.parse(sb.kjob(['get', 'pod', 'sleeper', '-o', 'json']).stdout);
    return pod.status?.containerStatuses?.[0]?.state?.terminated !== undefined;
  }, 30_000, 100);
  const elapsed = Date.now() - t0;
  const t = pod.status.containerStatuses[0].state.terminated;
  assert.equal(t.exitCode, 137);
  // Killed at the end of the grace period (deletionTimestamp, whole seconds), not at once.
  assert.ok(Date.parse(t.finishedAt) >= Date.parse(pod.metadata.deletionTimestamp), `finished ${t.finishedAt}, grace period ended ${pod.metadata.deletionTimestamp}`);
  assert.ok(elapsed >= 1500, `killed after the grace period, not at once (${elapsed}ms)`);
});

test('resources.limits.memory: a container over its limit ends OOMKilled with 137', { skip: NO_CGROUPS }, async () => {
  const sb = sandbox();
  apply(sb, shJob('oom', 'dd if=/dev/zero of=/dev/null bs=200M count=1', { container: { resources: { limits: { memory: '50Mi' } } } }));
  const pod = await finished(sb, 'oom');
  assert.equal(pod.status.phase, 'Failed');
  const t = pod.status.containerStatuses[0].state.terminated;
  assert.equal(t.exitCode, 137);
  assert.equal(t.reason, 'OOMKilled');
  assert.match(sb.kjob(['get', 'pods']).stdout, /oom-\w{5} +0\/1 +OOMKilled +0 /);
  // The same program within its limit is fine.
  apply(sb, shJob('fits', 'dd if=/dev/zero of=/dev/null bs=20M count=1 2>/dev/null && echo ok', { container: { resources: { limits: { memory: '100Mi' } } } }));
  const ok = await finished(sb, 'fits');
  assert.equal(ok.status.phase, 'Succeeded');
});

test('without cgroups, a memory limit is not silently ignored: the pod says so', { skip: !NO_CGROUPS && 'cgroups are usable here (the OOMKilled test covers limits)' }, async () => {
  const sb = sandbox();
  apply(sb, shJob('oom', 'true', { container: { resources: { limits: { memory: '50Mi' } } } }));
  const pod = await finished(sb, 'oom');
  assert.match(sb.kjob(['describe', 'pod', pod.metadata.name]).stdout, /Warning +MemoryLimitNotEnforced .* The memory limit of container c \(50Mi\) is not enforced: /);
  assert.match(sb.kjob(['controller', 'status']).stdout, /^cgroups: not used: .*; resources\.limits\.memory and the per-pod process limit are not enforced$/m);
});

test('a pod cannot have more processes than the per-pod limit (KJOB_POD_PIDS_LIMIT)', { skip: NO_CGROUPS }, async () => {
  const sb = sandbox({ KJOB_POD_PIDS_LIMIT: '16' });
  apply(sb, shJob('forks', 'for i in $$(seq 40); do sleep 30 & done; wait'));
  const pod = await finished(sb, 'forks');
  assert.equal(pod.status.phase, 'Failed');
  assert.match(logs(sb, pod), /fork/i);
  assert.match(sb.kjob(['controller', 'status']).stdout, /^cgroups: .*at most 16 processes per pod/m);
});

test('subPath with ".." is refused with the apiserver\'s message, and nothing is stored', () => {
  const sb = sandbox();
  const job = JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'escape' },
    spec: { template: { spec: { restartPolicy: 'Never', volumes: [{ name: 'v', emptyDir: {} }], containers: [{ name: 'c', image: 'busybox', command: ['true'], volumeMounts: [{ name: 'v', mountPath: '/v', subPath: '../../../../../victim' }] }] } } },
  });
  const r = sb.kjob(['apply', '-f', '-'], { input: job });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `The Job "escape" is invalid: spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: "../../../../../victim": must not contain '..'\n`);
  assert.equal(sb.kjob(['get', 'jobs']).stderr, 'No resources found in default namespace.\n');
  assert.equal(fs.existsSync(path.join(sb.home, 'pods')), false);
});

test('a subPath that leaves its volume through a symlink the pod planted is refused by the kubelet', { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  apply(sb, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sym' },
    spec: {
      restartPolicy: 'Never', volumes: [{ name: 'e', emptyDir: {} }],
      initContainers: [{ name: 'plant', image: 'busybox', command: ['ln', '-s', '/etc', '/e/evil'], volumeMounts: [{ name: 'e', mountPath: '/e' }] }],
      containers: [{ name: 'c', image: 'busybox', command: ['ls', '/x'], volumeMounts: [{ name: 'e', mountPath: '/x', subPath: 'evil' }] }],
    },
  }));
  let state: any;
  await sb.until('the container is refused', () => {
    state = JSON.parse(sb.kjob(['get', 'pod', 'sym', '-o', 'json']).stdout).status?.containerStatuses?.[0]?.state;
    return state?.waiting?.reason === 'CreateContainerConfigError';
  }, 30_000);
  assert.equal(state.waiting.message, 'failed to prepare subPath for volumeMount "e" of container "c"');
});

test("a subPath is checked again when its container restarts: a symlink planted by the attempt before is refused, not followed", { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  // The first attempt turns its subPath into a symlink to the host's /etc and fails; the second
  // would see the host's /etc at /sub had the kubelet bound the subPath by its name again.
  const script = 'if [ -L /data/x ]; then ls /sub/passwd && echo LEAKED; exit 0; fi; rm -rf /data/x && ln -s /etc /data/x; exit 1';
  apply(sb, JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'swap' },
    spec: {
      restartPolicy: 'OnFailure', volumes: [{ name: 'e', emptyDir: {} }],
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', script], volumeMounts: [{ name: 'e', mountPath: '/data' }, { name: 'e', mountPath: '/sub', subPath: 'x' }] }],
    },
  }));
  const refused = 'failed to prepare subPath for volumeMount "e" of container "c"';
  let cs: any;
  const messages = () => [cs?.state?.waiting, cs?.state?.terminated, cs?.lastState?.terminated].map((s) => s?.message);
  await sb.until('the restart to be refused', () => {
    cs = JSON.parse(sb.kjob(['get', 'pod', 'swap', '-o', 'json']).stdout).status?.containerStatuses?.[0];
    return messages().includes(refused) || cs?.state?.terminated?.exitCode === 0;
  }, 60_000);
  assert.ok(messages().includes(refused), JSON.stringify(cs));
  // As v1.32's kubelet refuses it (generateContainerConfig): the restart waits, it is no StartError.
  assert.deepEqual(cs.state, { waiting: { reason: 'CreateContainerConfigError', message: refused } }, JSON.stringify(cs));
  assert.equal(cs.lastState?.terminated?.exitCode, 1);
  assert.doesNotMatch(sb.kjob(['logs', 'swap']).stdout, /LEAKED/);
});

test("a missing workingDir in a volume is made inside it: not through a symlink the pod planted out of it", { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  const victim = `/tmp/kjob-wd-${tag()}`;
  fs.mkdirSync(victim);
  try {
    apply(sb, JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'wd' },
      spec: {
        restartPolicy: 'Never', volumes: [{ name: 'e', emptyDir: {} }],
        initContainers: [{ name: 'plant', image: 'busybox', command: ['ln', '-s', victim, '/e/a'], volumeMounts: [{ name: 'e', mountPath: '/e' }] }],
        containers: [
          { name: 'c', image: 'busybox', command: ['pwd'], workingDir: '/e/a/new', volumeMounts: [{ name: 'e', mountPath: '/e' }] },
          { name: 'ok', image: 'busybox', command: ['pwd'], workingDir: '/e/b/new', volumeMounts: [{ name: 'e', mountPath: '/e' }] },
        ],
      },
    }));
    let pod: any;
    await sb.until('the pod to finish', () => {
      pod = JSON.parse(sb.kjob(['get', 'pod', 'wd', '-o', 'json']).stdout);
      return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
    }, 60_000);
    assert.equal(fs.existsSync(path.join(victim, 'new')), false, 'made on the host through the symlink');
    const byName = Object.fromEntries(pod.status.containerStatuses.map((c: any) => [c.name, c.state.terminated]));
    assert.equal(byName.c.reason, 'StartError');
    assert.match(byName.c.message, /chdir to cwd \("\/e\/a\/new"\)/);
    assert.equal(byName.ok.exitCode, 0, 'a plain missing one is still made');
  } finally {
    fs.rmSync(victim, { recursive: true, force: true });
  }
});

test("a hostPath volume may not show a state directory: at it, above it or inside it", { skip: NO_BWRAP }, async () => {
  const sb = sandbox();
  // And one that does not exist yet, through a symlink into the state directory (it would be made there).
  const link = `/tmp/kjob-link-${tag()}`;
  fs.symlinkSync(sb.home, link);
  after(() => fs.rmSync(link, { force: true }));
  const paths = { above: path.dirname(sb.home), at: sb.home, inside: path.join(sb.home, 'pods'), 'through-link': path.join(link, 'made') };
  for (const [name, hostPath] of Object.entries(paths)) {
    apply(sb, JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { restartPolicy: 'Never', volumes: [{ name: 'h', hostPath: { path: hostPath } }], containers: [{ name: 'c', image: 'busybox', command: ['ls', '-R', '/h'], volumeMounts: [{ name: 'h', mountPath: '/h' }] }] },
    }));
  }
  for (const [name, hostPath] of Object.entries(paths)) {
    let state: any;
    await sb.until(`${name} to be refused`, () => {
      state = JSON.parse(sb.kjob(['get', 'pod', name, '-o', 'json']).stdout).status?.containerStatuses?.[0]?.state;
      return state?.waiting?.reason === 'CreateContainerConfigError' || state?.terminated !== undefined;
    }, 30_000);
    assert.equal(state.waiting?.message, `kjob: a hostPath volume (${hostPath}) may not show a kjob state directory (${sb.home}) to a pod`, name);
  }
});

test('kjob controller status says what the sandbox isolates and whether limits are enforced', () => {
  const sb = sandbox();
  const out = sb.kjob(['controller', 'status']).stdout;
  if (SANDBOX.sandboxed) assert.match(out, /^sandbox: bubblewrap [\d.]+: each pod has its own PID namespace \(the container's command is PID 1\), IPC and UTS namespaces, the default container capabilities only/m);
  else assert.match(out, /^sandbox: none/m);
  if (CGROUPS.status.enforced) assert.match(out, /^cgroups: (v1|v2|hybrid) \(memory, pids\): resources\.limits\.memory is enforced .*at most 4096 processes per pod/m);
  const none = sandbox({ KJOB_SANDBOX: 'none' }).kjob(['controller', 'status']).stdout;
  assert.match(none, /^sandbox: none \(KJOB_SANDBOX=none\): containers run as plain processes, with this user's privileges, the host's processes, hostname and \/tmp, and kjob's state directory in view; volume mounts are refused$/m);
});
