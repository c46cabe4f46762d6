import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { IP, IpRunner, PodNetwork, bridgeMac, homeHash, networkStatusLine, resolvConf, type IpStep } from './network.js';
import { nativeShim } from './shim.js';

test("a pod's resolv.conf: the cluster DNS and the kubelet's search path for its namespace, ndots:5", () => {
  assert.equal(resolvConf('team-a'), 'search team-a.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
});

test('namespace names: one per state directory, and one per pod named after it', () => {
  const net = new PodNetwork('/tmp/x/../some-home', {});
  assert.equal(net.nodeNs, `kjob-${homeHash('/tmp/some-home')}`);
  assert.match(net.nodeNs, /^kjob-[0-9a-f]{8}$/);
  assert.equal(net.podNsName('82da975c-259f-45d8-a930-664cbad1530c'), `${net.nodeNs}-82da975c259f`);
  assert.equal(net.podNsPath('82da975c-259f'), `/run/netns/${net.nodeNs}-82da975c259f`);
});

test("pods wait for the cluster DNS only while it is being started, and are woken once it answers", () => {
  const net = new PodNetwork('/tmp/some-home', {});
  let woken = 0;
  assert.equal(net.whenDnsServing(() => woken++), true, 'none is being started (no pod network, or no proxy)');
  net.dnsStarting();
  assert.equal(net.whenDnsServing(() => woken++), false);
  assert.equal(net.whenDnsServing(() => woken++), false);
  assert.equal(woken, 0);
  net.dnsServing();
  assert.equal(woken, 2);
  assert.equal(net.whenDnsServing(() => woken++), true);
  net.dnsStarting(); // netd restarted later: pods no longer wait
  assert.equal(net.whenDnsServing(() => woken++), true);
  assert.equal(woken, 2);
});

test('KJOB_NETWORK=host keeps the shared network, and controller status says what that means', () => {
  const s = new PodNetwork('/tmp/h', { KJOB_NETWORK: 'host' }).expected();
  assert.deepEqual(s, { enabled: false, chosen: true, reason: 'KJOB_NETWORK=host' });
  assert.match(networkStatusLine(s), /^network: the host's \(KJOB_NETWORK=host\): every pod has the address 127\.0\.0\.1, two pods cannot listen on the same port/);
});

for (const kind of ['perl', 'native'] as const) {
test(`the ip runner (${kind}) runs steps in order and answers each request: skip, may-fail, done-if-ok, stdin, concurrent steps, first error`, { skip: !fs.existsSync(IP) ? 'no iproute2' : kind === 'native' && !nativeShim() && 'no native shim built (no C compiler)' }, async () => {
  const runner = IpRunner.start(kind === 'native' ? nativeShim() : null);
  assert.ok(runner, 'perl and ip are here');
  const run = (steps: IpStep[]) => new Promise<string | undefined>((resolve) => runner.run(steps, resolve));
  try {
    // Read-only ip commands: `link show lo` always works, a device named 'kjob-none0' never exists.
    assert.equal(await run([{ args: ['link', 'show', 'lo'] }]), undefined);
    assert.equal(await run([{ args: ['link', 'show', 'dev', 'kjob-none0'] }, { args: ['link', 'show', 'lo'] }]), 'ip link show dev kjob-none0: Device "kjob-none0" does not exist.');
    assert.equal(await run([{ args: ['link', 'show', 'dev', 'kjob-none0'], mayFail: true }, { args: ['link', 'show', 'lo'] }]), undefined);
    assert.equal(await run([{ args: ['link', 'show', 'dev', 'kjob-none0'], ifExists: '/nonexistent' }]), undefined, 'skipped');
    assert.equal(await run([{ args: ['link', 'show', 'lo'], doneIfOk: true }, { args: ['link', 'show', 'dev', 'kjob-none0'] }]), undefined, 'ended by the first');
    // -batch - reads its commands from the step's input, newlines and all.
    assert.equal(await run([{ args: ['-batch', '-'], input: 'link show lo\nlink show dev kjob-none0\n' }]), 'ip -batch -: Device "kjob-none0" does not exist.\nCommand failed -:2');
    // Concurrent steps: each one runs (skips and may-fail as before), the first failure in step
    // order is the error, and the steps after them run only when all went well.
    const together = (name: string, more: Partial<IpStep> = {}): IpStep => ({ args: ['link', 'show', 'dev', name], concurrent: true, ...more });
    assert.equal(await run([together('lo'), together('kjob-none1', { mayFail: true }), together('kjob-none2'), together('kjob-none3'), { args: ['link', 'show', 'lo'] }]), 'ip link show dev kjob-none2: Device "kjob-none2" does not exist.');
    assert.equal(await run([together('kjob-none1', { ifExists: '/nonexistent' }), together('lo'), { args: ['link', 'show', 'dev', 'kjob-none4'] }]), 'ip link show dev kjob-none4: Device "kjob-none4" does not exist.', 'the step after them runs');
    assert.equal(await run([together('lo'), together('kjob-none5', { mayFail: true })]), undefined);
    // A step may run another program in ip's place (the native --pod-net), named by its path in errors.
    assert.equal(await run([{ exe: '/bin/sh', args: ['-c', 'exit 0'] }, { exe: '/bin/sh', args: ['-c', 'echo no >&2; exit 3'] }]), '/bin/sh -c echo no >&2; exit 3: no');
    assert.equal(await run([{ exe: '/bin/sh', args: ['-c', 'exit 4'], concurrent: true }, together('lo')]), '/bin/sh -c exit 4: exit status 4');
    // A program killed by a signal, and one that cannot be run: 128 + the signal, and exec's 127.
    assert.equal(await run([{ exe: '/bin/sh', args: ['-c', 'kill -9 $$'] }]), '/bin/sh -c kill -9 $$: exit status 137');
    assert.equal(await run([{ exe: '/nonexistent/kjob-none', args: ['x'] }]), '/nonexistent/kjob-none x: exit status 127');
    // Requests sent together are answered in order.
    const many = await Promise.all([1, 2, 3].map((i) => run([{ args: ['link', 'show', 'dev', `kjob-none${i}`], mayFail: i !== 2 }])));
    assert.deepEqual(many, [undefined, 'ip link show dev kjob-none2: Device "kjob-none2" does not exist.', undefined]);
    await runner.idle(5000);
    // A perl module loaded is time on a cold start's way to its first pod (POSIX: 12 ms) and heap
    // that every fork of the runner copies.
    if (kind === 'perl') assert.doesNotMatch(fs.readFileSync(`/proc/${runner.pid}/maps`, 'utf8'), /POSIX|Socket/, 'the runner loads no module with a library of its own');
    else assert.equal(fs.readlinkSync(`/proc/${runner.pid}/exe`), nativeShim());
  } finally {
    runner.close();
  }
});
}

/**
 * The networks of tests that have not ended. A test whose promise never settles is cancelled
 * without its finally: its namespaces, veths and notes are removed once the file's tests are done.
 */
const unfinished = new Set<{ net: PodNetwork; home: string }>();
function release({ net, home }: { net: PodNetwork; home: string }): void {
  net.tearDownAll();
  net.close();
  fs.rmSync(home, { recursive: true, force: true });
}
after(async () => {
  for (const n of unfinished) {
    try {
      await n.net.drain(); // as withNetwork's finally: a spare still being made would outlive the removal
      release(n);
    } catch (e) {
      console.error(`removing a cancelled test's network: ${(e as Error).message}`);
    }
  }
});

/** A pod's namespace prepared: at once (a spare or a kept namespace taken), or once its setup has ended. */
function setUp(net: PodNetwork, uid: string, owner = 'job-uid'): Promise<void> {
  return new Promise<void>((resolve) => {
    if (net.prepare(uid, resolve, owner).ready) resolve();
  });
}

/** A PodNetwork of a throwaway state directory, its node namespace made; everything it made is removed after fn. */
async function withNetwork(
  fn: (net: PodNetwork, home: string) => Promise<void>,
  opts: { reuseMax?: number; env?: NodeJS.ProcessEnv; later?: (refill: () => void) => () => void } = {},
): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-net-'));
  const net = new PodNetwork(home, opts.env ?? {}, undefined, opts.reuseMax, undefined, opts.later);
  const n = { net, home };
  unfinished.add(n);
  try {
    assert.deepEqual(net.probe(), { enabled: true });
    await fn(net, home);
  } finally {
    await net.drain(); // a spare still being made would outlive the removal below
    unfinished.delete(n);
    release(n);
  }
}

test("a cold engine's first pod claims a spare being made: the spare's namespace and address, ready when it is", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () =>
  withNetwork(async (net, home) => {
    net.warm(); // the engine's start: a spare is being made
    const uid = 'b9a4e0a2-5d0e-4c9f-9d43-0d1f3f6e2a11';
    let ended!: () => void;
    const setUpEnded = new Promise<void>((resolve) => (ended = resolve));
    const first = net.prepare(uid, () => ended(), 'job-uid');
    assert.equal(first.ready, false, 'the spare is still being made');
    // The pod's lease names the spare's namespace: it waits for that, not for a setup of its own.
    assert.match(net.podNsName(uid), new RegExp(`^${net.nodeNs}-s[0-9a-f]{8}$`));
    assert.equal(net.podIP(uid), first.ip);
    assert.equal(fs.readFileSync(path.join(home, 'run/net/pods', uid), 'utf8'), `${first.ip} ${net.podNsName(uid)}\n`);
    await setUpEnded;
    assert.deepEqual(net.prepare(uid, () => assert.fail('no second setup'), 'job-uid'), { ip: first.ip, ready: true });
    assert.ok(fs.existsSync(net.podNsPath(uid)));
    assert.match(execFileSync(IP, ['-n', net.podNsName(uid), 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }), new RegExp(`inet ${first.ip.replace(/\./g, '\\.')}/24`));
  }));

test("an engine that stops while a pod holds its namespace removes the spares and kept ones, not the pod's nor the node's", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () =>
  withNetwork(async (net, home) => {
    net.warm();
    const [running, finished] = ['c0ffee00-0000-4000-8000-000000000001', 'c0ffee00-0000-4000-8000-000000000002'];
    await Promise.all([running, finished].map((uid) => new Promise<void>((resolve) => net.prepare(uid, resolve, 'job-uid'))));
    await net.drain(); // the spares warm() asked for are made
    net.tearDown(finished, 'job-uid'); // kept for the Job's next pod
    net.warm(); // the two pods took both spares: one is made again
    await net.drain();
    const mine = () => fs.readdirSync('/run/netns').filter((n) => n.startsWith(`${net.nodeNs}-`)).sort();
    const spareFiles = () => fs.readdirSync(path.join(home, 'run/net/spares'));
    assert.equal(spareFiles().length, 2, 'a spare and the kept namespace');
    assert.equal(mine().length, spareFiles().length + 1, `each held by a file, and the running pod's: ${mine().join(' ')}`);
    net.removeSpares();
    assert.deepEqual(mine(), [net.podNsName(running)]);
    assert.deepEqual(spareFiles(), []);
    assert.ok(fs.existsSync(`/run/netns/${net.nodeNs}`), "the node's namespace stays for the running pod");
    assert.deepEqual(net.uids(), [running]);
  }));

test("new namespaces asked for in one turn are made by one request per group: the pods' own, then the spares (two of them claimed)", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () =>
  withNetwork(async (net) => {
    // Four pods in one turn: the first asks for its own namespace and two spares, the second and
    // third claim those spares, the fourth asks for its own.
    const uids = [1, 2, 3, 4].map((i) => `${i}a1b2c3d-0000-4000-8000-00000000000${i}`);
    // The order setups end in, with '|' after each turn in which some ended.
    const seq: string[] = [];
    let marking = false;
    const all = new Promise<void>((resolve) => {
      for (const uid of uids) {
        const r = net.prepare(uid, () => {
          seq.push(uid);
          if (marking) return;
          marking = true;
          setImmediate(() => {
            seq.push('|');
            marking = false;
            if (seq.filter((x) => x !== '|').length === uids.length) resolve();
          });
        });
        assert.equal(r.ready, false);
      }
    });
    await all;
    const turns = seq.join(' ').split('|').map((t) => t.trim().split(' ').filter(Boolean).sort()).filter((t) => t.length > 0);
    assert.deepEqual(turns, [[uids[0], uids[3]], [uids[1], uids[2]]]);
    const ips = uids.map((uid) => net.prepare(uid, () => assert.fail('no second setup')));
    assert.ok(ips.every((r) => r.ready));
    assert.equal(new Set(ips.map((r) => r.ip)).size, uids.length, 'an address each');
    for (const [i, uid] of uids.entries()) {
      assert.match(execFileSync(IP, ['-n', net.podNsName(uid), 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }), new RegExp(`inet ${ips[i].ip.replace(/\./g, '\\.')}/24`));
    }
    // The engine's stop: the node's namespace goes, with the pods' and the spares'.
    await net.drain();
    const mine = () => fs.readdirSync('/run/netns').filter((n) => n === net.nodeNs || n.startsWith(`${net.nodeNs}-`));
    assert.ok(mine().length >= 1 + uids.length, mine().join(' '));
    net.tearDownAll();
    assert.deepEqual(mine(), []);
  }));

test("the native program makes new namespaces as the runs of ip make them (the node's with its bridge, the pods' with their addresses, routes, links and veths on the bridge), and removes them as ip does", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) ? 'needs root and iproute2' : !nativeShim() && 'no native shim built (no C compiler)' }, async () => {
  const uids = [1, 2, 3].map((i) => `${i}c4d5e6f-0000-4000-8000-00000000000${i}`);
  /** What ip shows of the pods' namespaces and of their veths' node side, without what differs by chance (MACs, indexes, names made of random ids). */
  const made = async (env: NodeJS.ProcessEnv): Promise<string[]> => {
    let shown: string[] = [];
    await withNetwork(
      async (net, home) => {
        await Promise.all(uids.map((uid) => new Promise<void>((resolve) => assert.equal(net.prepare(uid, resolve).ready, false))));
        const ip = (...args: string[]) => execFileSync(IP, args, { encoding: 'utf8' });
        assert.match(ip('-n', net.nodeNs, 'link', 'show', 'dev', 'kjob0'), new RegExp(`link/ether ${bridgeMac(home)} `), "the bridge's own MAC address");
        const node = [
          ip('-n', net.nodeNs, '-d', 'link', 'show', 'dev', 'kjob0'),
          ip('-n', net.nodeNs, '-d', 'link', 'show', 'dev', 'lo'),
          // IPv4 only: the veths' IPv6 link-local routes come in the order their addresses settled.
          ip('-n', net.nodeNs, '-4', 'addr', 'show', 'dev', 'kjob0'),
          ip('-n', net.nodeNs, '-4', 'addr', 'show', 'dev', 'lo'),
          ip('-n', net.nodeNs, '-4', '-d', 'route', 'show', 'table', 'all'),
        ].map((text) => text.replaceAll(net.nodeNs, 'NODE').replace(/([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}/g, 'MAC').replace(/^\d+:|\w+_timer +\S+| tentative/gm, ''));
        shown = node.concat(uids.flatMap((uid) => {
          const ns = net.podNsName(uid);
          const host = ip('-n', ns, '-o', 'link', 'show', 'eth0').match(/eth0@if(\d+)/)![1];
          return [
            ip('-n', ns, '-d', 'link', 'show'),
            ip('-n', ns, '-4', 'addr', 'show'),
            // IPv4 only: the kernel's own IPv6 link-local address and routes come as the address settles.
            ip('-n', ns, '-4', '-d', 'route', 'show', 'table', 'all'),
            ip('-n', net.nodeNs, '-d', 'link', 'show', 'dev', ip('-n', net.nodeNs, '-o', 'link').match(new RegExp(`^${host}: (kv[0-9a-f]+)@`, 'm'))![1]),
          ].map((text) =>
            text
              .replaceAll(ns, 'POD')
              .replaceAll(net.nodeNs, 'NODE')
              .replace(/([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}/g, 'MAC')
              .replace(/\bkv[0-9a-f]{10}\b/g, 'VETH')
              .replace(/@if\d+|^\d+:|fe80::\S+|port_(id|no) \S+|designated_port \S+|\w+_timer +\S+| tentative|\bid \d+/gm, ''),
          );
        }));
        // A pod's namespace removed (no controller keeps it): its mount and its file go.
        const gone = net.podNsPath(uids[0]);
        net.tearDown(uids[0]);
        await net.drain();
        assert.equal(fs.existsSync(gone), false, `${gone} removed`);
        assert.doesNotMatch(fs.readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(` ${gone} `), 'its mount detached');
      },
      undefined,
      env,
    );
    return shown;
  };
  const byIp = await made({ KJOB_NATIVE_SHIM: '0' });
  const native = await made({});
  assert.match(byIp.join('\n'), /inet 10\.244\.0\.\d+\/24 scope global eth0/);
  assert.match(byIp.join('\n'), /unicast 10\.96\.0\.0\/12 via 10\.244\.0\.1 dev eth0 table main proto boot scope global/);
  assert.match(byIp.join('\n'), /master kjob0 state UP/);
  assert.match(byIp.join('\n'), /local 10\.96\.0\.0\/12 dev lo table local proto boot scope host/);
  assert.match(byIp.join('\n'), /inet 10\.244\.0\.1\/24 scope global kjob0/);
  assert.deepEqual(native, byIp);
});

test("the native program sets every pod's own side up even when one fails, and says the first failure as ip did", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) ? 'needs root and iproute2' : !nativeShim() && 'no native shim built (no C compiler)' }, () =>
  withNetwork(async (net) => {
    // The first pod's address is off the pod network: its route via the gateway cannot be added.
    const [a, b] = [`${net.nodeNs}-ta`, `${net.nodeNs}-tb`];
    try {
      const r = spawnSync(nativeShim()!, ['--pod-net', net.nodeNs, 'kjob0', '10.244.0.1', '10.96.0.0/12', a, 'kvtesta00001', '10.9.0.5', b, 'kvtestb00001', '10.244.0.77'], { encoding: 'utf8' });
      assert.equal(r.stderr, `ip -n ${a} route add 10.96.0.0/12 via 10.244.0.1: RTNETLINK answers: Network is unreachable\n`);
      assert.equal(r.status, 1);
      const ip = (...args: string[]) => execFileSync(IP, args, { encoding: 'utf8' });
      assert.match(ip('-n', b, '-4', 'addr', 'show', 'dev', 'eth0'), /inet 10\.244\.0\.77\/24 scope global eth0/);
      assert.match(ip('-n', b, 'route'), /^10\.96\.0\.0\/12 via 10\.244\.0\.1 dev eth0/m);
      assert.match(ip('-n', b, 'link', 'show', 'dev', 'lo'), /state UNKNOWN/, 'its loopback up');
    } finally {
      for (const ns of [a, b]) spawnSync(IP, ['netns', 'del', ns]);
    }
  }));

test("a restarted engine finds a pod's namespace half set up (no address, no route) and sets it up again; one set up whole is left as it is", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () =>
  withNetwork(async (net, home) => {
    const [whole, half] = ['5d6e7f80-0000-4000-8000-000000000001', '5d6e7f80-0000-4000-8000-000000000002'];
    await Promise.all([whole, half].map((uid) => new Promise<void>((resolve) => net.prepare(uid, resolve))));
    const ip = (...args: string[]) => execFileSync(IP, args, { encoding: 'utf8' });
    const link = (uid: string) => ip('-n', net.podNsName(uid), '-o', 'link', 'show', 'dev', 'eth0').split(':')[0];
    const wholeLink = link(whole);
    ip('-n', net.podNsName(half), 'addr', 'flush', 'dev', 'eth0'); // its address goes, and the route through it
    // The next engine: the leases and namespaces are there, nothing in memory.
    const next = new PodNetwork(home, {});
    try {
      assert.deepEqual(next.probe(), { enabled: true });
      const results = await Promise.all([whole, half].map((uid) => new Promise<{ ip: string }>((resolve) => {
        const r = next.prepare(uid, () => resolve(r));
      })));
      for (const [i, uid] of [whole, half].entries()) {
        assert.match(ip('-n', next.podNsName(uid), '-4', 'addr', 'show', 'dev', 'eth0'), new RegExp(`inet ${results[i].ip.replace(/\./g, '\\.')}/24`));
        assert.match(ip('-n', next.podNsName(uid), 'route'), /^10\.96\.0\.0\/12 via 10\.244\.0\.1 dev eth0/m);
      }
      assert.equal(link(whole), wholeLink, 'the whole one kept its veth');
    } finally {
      await next.drain();
      next.close();
    }
  }));

test("where the native program fails, ip does its work: the node's namespace at once, a pod's namespace at its next sync", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) ? 'needs root and iproute2' : !nativeShim() && 'no native shim built (no C compiler)' }, async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-net-'));
  // A native program whose namespaces fail (as netlink might on a kernel kjob was not tried on),
  // and whose runner works.
  const failing = path.join(home, 'failing-native');
  fs.writeFileSync(failing, `#!/bin/sh\ncase "$1" in --node-net|--pod-net) echo "made to fail: $1" >&2; exit 1;; esac\nexec ${nativeShim()} "$@"\n`, { mode: 0o755 });
  const net = new PodNetwork(home, {}, undefined, undefined, failing);
  const n = { net, home };
  unfinished.add(n);
  try {
    assert.deepEqual(net.probe(), { enabled: true });
    const ip = (...args: string[]) => execFileSync(IP, args, { encoding: 'utf8' });
    assert.match(ip('-n', net.nodeNs, 'link', 'show', 'dev', 'kjob0'), new RegExp(`link/ether ${bridgeMac(home)} `), 'the bridge, made by ip');
    const uid = '6e7f8091-0000-4000-8000-000000000001';
    await new Promise<void>((resolve) => assert.equal(net.prepare(uid, resolve).ready, false));
    assert.throws(() => net.prepare(uid, () => undefined), /made to fail: --pod-net/, "the group's failure, once");
    const again = await new Promise<{ ip: string }>((resolve) => {
      const r = net.prepare(uid, () => resolve(r));
    });
    assert.match(ip('-n', net.podNsName(uid), '-4', 'addr', 'show', 'dev', 'eth0'), new RegExp(`inet ${again.ip.replace(/\./g, '\\.')}/24`));
    assert.match(ip('-n', net.podNsName(uid), 'route'), /^10\.96\.0\.0\/12 via 10\.244\.0\.1 dev eth0/m);
  } finally {
    await net.drain();
    unfinished.delete(n);
    release(n);
  }
});

test("drain (the engine's stop) waits for the namespaces asked for in this turn too, not yet sent to the runner", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () =>
  withNetwork(async (net) => {
    const mine = () => fs.readdirSync('/run/netns').filter((n) => n.startsWith(`${net.nodeNs}-`));
    net.warm(); // a spare asked for; its request would be sent once this turn ends
    await net.drain();
    assert.equal(mine().length, 1, 'the spare was made before drain resolved');
  }));

test("a pool of kept namespaces full of another controller's: the oldest of them goes, and the next Job's pods reuse their own", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () =>
  withNetwork(async (net) => {
    const [a1, a2, b1, b2] = ['a1', 'a2', 'b1', 'b2'].map((p) => `${p}00000-0000-4000-8000-000000000000`);
    await setUp(net, a1, 'job-a');
    await setUp(net, a2, 'job-a');
    const [a1Ns, a2Ns] = [net.podNsName(a1), net.podNsName(a2)];
    net.tearDown(a1, 'job-a');
    net.tearDown(a2, 'job-a'); // Job a has ended: the pool (of 2) is full of its namespaces
    await setUp(net, b1, 'job-b'); // not Job a's: a spare, or a new one
    const b1Ns = net.podNsName(b1);
    net.tearDown(b1, 'job-b');
    await net.drain();
    assert.equal(fs.existsSync(`/run/netns/${a1Ns}`), false, "Job a's oldest kept namespace made room");
    assert.equal(fs.existsSync(`/run/netns/${a2Ns}`), true, 'and only that one');
    const next = net.prepare(b2, () => assert.fail('no setup: it takes a kept namespace'), 'job-b');
    assert.equal(next.ready, true);
    assert.equal(net.podNsName(b2), b1Ns, "Job b's next pod takes its last pod's namespace");
    // A pool full of Job b's own: nothing of it makes room, and the next one of Job b's goes.
    const [b3, b4] = ['b3', 'b4'].map((p) => `${p}00000-0000-4000-8000-000000000000`);
    await setUp(net, b3, 'job-b');
    await setUp(net, b4, 'job-b');
    const [b3Ns, b4Ns] = [net.podNsName(b3), net.podNsName(b4)];
    net.tearDown(b2, 'job-b'); // makes room: Job a's last one goes
    net.tearDown(b3, 'job-b'); // the pool is full: b2's and b3's
    net.tearDown(b4, 'job-b');
    await net.drain();
    assert.equal(fs.existsSync(`/run/netns/${a2Ns}`), false);
    assert.deepEqual([b1Ns, b3Ns, b4Ns].map((ns) => fs.existsSync(`/run/netns/${ns}`)), [true, true, false]);
  }, { reuseMax: 2 }));

test('a refill that runs at once (a later without a delay) asks again at the next take', { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () => {
  let asked = 0;
  return withNetwork(async (net, home) => {
    const spareFiles = () => fs.readdirSync(path.join(home, 'run/net/spares'));
    net.warm();
    await net.drain();
    await setUp(net, 'f1000000-0000-4000-8000-000000000000'); // takes warm()'s spare
    assert.equal(asked, 1);
    assert.equal(spareFiles().length, 2, 'SPARES asked for at once');
    for (const i of [2, 3]) {
      await setUp(net, `f${i}000000-0000-4000-8000-000000000000`); // claims one being made
      assert.equal(asked, i, `take ${i} asked for its refill too`);
    }
  }, {
    later: (refill) => {
      asked++;
      refill();
      return () => {};
    },
  });
});

/** A taken spare's replacement asked for as soon as the taker's prepare returns (the engine's waits SPARE_REFILL_MS). */
const soon = (refill: () => void) => {
  let asked = true;
  queueMicrotask(() => asked && refill());
  return () => {
    asked = false;
  };
};

test("a taken spare is replaced later, not beside the start of the pod that took it; once, however many are taken meanwhile", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () => {
  const refills: (() => void)[] = [];
  return withNetwork(async (net, home) => {
    const spareFiles = () => fs.readdirSync(path.join(home, 'run/net/spares'));
    const mine = () => fs.readdirSync('/run/netns').filter((n) => n.startsWith(`${net.nodeNs}-s`));
    net.warm(); // the engine's start: one spare
    await net.drain();
    assert.equal(spareFiles().length, 1);
    const [p1, p2, p3] = [1, 2, 3].map((i) => `e${i}000000-0000-4000-8000-000000000000`);
    assert.equal(net.prepare(p1, () => assert.fail('no setup: it takes the spare'), 'job-uid').ready, true);
    assert.deepEqual(spareFiles(), [], 'nothing asked of the runner while the pod starts');
    assert.equal(refills.length, 1, 'its replacement is asked for later');
    refills.shift()!();
    assert.equal(spareFiles().length, 2, 'then SPARES are asked for');
    await setUp(net, p2); // claims one being made
    await setUp(net, p3);
    assert.equal(refills.length, 1, 'two taken: one refill asked for');
    refills.shift()!();
    await net.drain();
    assert.equal(spareFiles().length, 2);
    assert.equal(mine().length, 5, `the three taken spares' namespaces (the pods' now) and two new spares: ${mine().join(' ')}`);
    net.prepare('e4000000-0000-4000-8000-000000000000', () => {}, 'job-uid');
    assert.equal(refills.length, 1);
    await net.drain(); // the engine stops: the refill asked for is cancelled
    assert.deepEqual(refills, [], 'cancelled');
    assert.equal(spareFiles().length, 1, 'no spare made after the stop began');
  }, {
    later: (refill) => {
      refills.push(refill);
      return () => {
        const i = refills.indexOf(refill);
        if (i >= 0) refills.splice(i, 1);
      };
    },
  });
});

test("a pod's start reads no spare's file: the addresses they hold are kept in memory, and each file still holds its own", { skip: (process.getuid?.() !== 0 || !fs.existsSync(IP)) && 'needs root and iproute2' }, () =>
  withNetwork(async (net, home) => {
    net.warm(); // the spares' directory is read once, as the engine starts
    await net.drain();
    const spares = path.join(home, 'run/net/spares');
    const reads: string[] = [];
    const { readFileSync, readdirSync } = fs;
    const spy = <F extends (p: fs.PathOrFileDescriptor, ...rest: never[]) => unknown>(f: F) =>
      ((p: fs.PathOrFileDescriptor, ...rest: never[]) => {
        if (String(p).startsWith(spares)) reads.push(String(p));
        return f(p, ...rest);
      }) as unknown as F;
    fs.readFileSync = spy(readFileSync);
    fs.readdirSync = spy(readdirSync as never);
    syncBuiltinESMExports();
    const uids = [1, 2, 3].map((i) => `d${i}000000-0000-4000-8000-000000000000`);
    try {
      for (const uid of uids) await setUp(net, uid); // each takes a spare, and a new one is made with a free address (as soon as it has taken it, here)
      net.tearDown(uids[0], 'job-uid'); // kept for the Job's next pod: its address is held by a spare's file
      await setUp(net, 'd4000000-0000-4000-8000-000000000000');
      await net.drain();
    } finally {
      fs.readFileSync = readFileSync;
      fs.readdirSync = readdirSync;
      syncBuiltinESMExports();
    }
    assert.deepEqual(reads, []);
    const ipOf = (dir: string) => fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8').split(' ')[0].trim());
    const held = [...ipOf(spares), ...ipOf(path.join(home, 'run/net/pods'))];
    assert.ok(held.length >= 5, held.join(' '));
    assert.equal(new Set(held).size, held.length, `an address is held by one file: ${held.join(' ')}`);
  }, { later: soon }));
