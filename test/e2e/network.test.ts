// Pods with their own network (root with bubblewrap and iproute2; skipped, saying why, elsewhere):
// two pods listen on the same port, reach each other by pod IP, and nothing off the machine.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { BRIDGE, PodNetwork, bridgeMac, readLeases } from '../../src/kubelet/network.js';
import { probeSandbox } from '../../src/kubelet/sandbox.js';

/**
 * One request on a connection of its own: the queue server closes an idle connection after 5 s
 * (node's keep-alive timeout), and a pooled connection reused as that happens fails the request
 * ("other side closed"), as with any keep-alive client.
 */
function request(url: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; text: () => string; json: () => any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: () => body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const NO_NET = process.getuid?.() !== 0 ? 'pods get their own network only as root' : !probeSandbox('auto').sandboxed ? 'no bubblewrap' : false;

const sandboxes: Sandbox[] = [];
after(() => {
  for (const sb of sandboxes) sb.cleanup();
});

/** A pod whose node program serves its hostname on port 8080. */
export function webPod(name: string, labels: Record<string, string> = { app: 'web' }): object {
  const js = "require('http').createServer((q,r)=>r.end(require('os').hostname()+'\\n')).listen(8080,()=>console.log('listening'))";
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
    spec: { containers: [{ name: 'web', image: 'node:20', command: ['node', '-e', js], ports: [{ containerPort: 8080, name: 'http' }] }] },
  };
}

function apply(sb: Sandbox, ...objs: object[]): void {
  const r = sb.kjob(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }) });
  assert.equal(r.code, 0, r.stderr);
}

function pod(sb: Sandbox, name: string): any {
  const r = sb.kjob(['get', 'pod', name, '-o', 'json']);
  return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

test('two pods listen on the same port, each at its own address, and reach each other by pod IP', { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  apply(sb, webPod('web1'), webPod('web2'));
  await sb.until('both pods listening', () => ['web1', 'web2'].every((n) => sb.kjob(['logs', n]).stdout.includes('listening')));
  const ip1 = pod(sb, 'web1').status.podIP;
  const ip2 = pod(sb, 'web2').status.podIP;
  assert.match(ip1, /^10\.244\.0\.\d+$/);
  assert.match(ip2, /^10\.244\.0\.\d+$/);
  assert.notEqual(ip1, ip2);
  assert.deepEqual(pod(sb, 'web1').status.podIPs, [{ ip: ip1 }]);
  const script = `curl -s http://${ip1}:8080; curl -s http://${ip2}:8080; curl -s -m 2 http://1.1.1.1 >/dev/null 2>&1 || echo no-route-out; echo "$MY_IP"`;
  apply(sb, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' },
    spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'curl', command: ['sh', '-c', script], env: [{ name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }] },
  });
  await sb.until('client done', () => pod(sb, 'client')?.status?.phase === 'Succeeded');
  const clientIP = pod(sb, 'client').status.podIP;
  assert.equal(sb.kjob(['logs', 'client']).stdout, `web1\nweb2\nno-route-out\n${clientIP}\n`);
  // The engine keeps two namespaces ready for the next pods: a third pod takes one (its lease
  // names it), is reached at the spare's address, and another spare is made in its place.
  const spares = path.join(sb.home, 'run/net/spares');
  await sb.until('two spares ready', () => fs.existsSync(spares) && fs.readdirSync(spares).length === 2);
  const spareLeases = fs.readdirSync(spares).map((f) => fs.readFileSync(path.join(spares, f), 'utf8').trim());
  apply(sb, webPod('web3'));
  await sb.until('web3 listening', () => sb.kjob(['logs', 'web3']).stdout.includes('listening'));
  const web3 = pod(sb, 'web3');
  const lease = fs.readFileSync(path.join(sb.home, 'run/net/pods', web3.metadata.uid), 'utf8').trim();
  assert.match(lease, /^10\.244\.0\.\d+ kjob-[0-9a-f]{8}-s[0-9a-f]{8}$/);
  assert.ok(spareLeases.includes(lease), `${lease} was one of the spares ${spareLeases.join(', ')}`);
  assert.equal(lease.split(' ')[0], web3.status.podIP);
  assert.ok(fs.existsSync(path.join('/run/netns', lease.split(' ')[1])));
  apply(sb, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client2' },
    spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'curl', command: ['curl', '-s', `http://${web3.status.podIP}:8080`] }] },
  });
  await sb.until('client2 done', () => pod(sb, 'client2')?.status?.phase === 'Succeeded');
  assert.equal(sb.kjob(['logs', 'client2']).stdout, 'web3\n');
  await sb.until('a spare made in its place', () => fs.readdirSync(spares).length === 2 && !fs.readdirSync(spares).some((f) => fs.readFileSync(path.join(spares, f), 'utf8').trim() === lease));
  assert.equal(sb.kjob(['delete', 'pod', 'web3', '--grace-period=0', '--force']).code, 0);
  // The finished and deleted pods' namespaces go (in the background), the running ones' stay.
  const net = new PodNetwork(sb.home);
  // The pods' gateway kept its own address while veths came and went: a bridge left to take its
  // ports' addresses changes it, and pods that cached the old one lose their packets to it.
  assert.match(execFileSync('ip', ['-n', net.nodeNs, '-o', 'link', 'show', BRIDGE], { encoding: 'utf8' }), new RegExp(`link/ether ${bridgeMac(sb.home)} `));
  const running = ['web1', 'web2'].map((n) => pod(sb, n).metadata.uid).sort().join(' ');
  await sb.until("only the running pods' namespaces left", () => net.uids().sort().join(' ') === running);
  assert.equal(sb.kjob(['delete', 'pod', 'web1', 'web2', '--grace-period=0', '--force']).code, 0);
  await sb.until('the pods\' namespaces removed', () => net.uids().length === 0);
  // Nothing of the state directory is left on the pod network once its engine is gone: the spares
  // neither, with their namespaces.
  await sb.until('the engine idle and gone', () => sb.enginePid() === undefined, 30_000);
  assert.equal(fs.existsSync(spares), false);
  assert.deepEqual(fs.readdirSync('/run/netns').filter((n) => n.startsWith(net.nodeNs)), []);
});

test("a Job's next pod takes the namespace its last pod ended in; another workload's pod does not, and one no pod takes goes", { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  // Started by hand, the engine does not exit when idle (taking the kept namespace with it).
  assert.equal(sb.kjob(['controller', 'start']).code, 0);
  const env = [{ name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }];
  apply(sb, {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'seq' },
    spec: { completions: 3, parallelism: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo "$MY_IP"'], env }] } } },
  });
  const spares = path.join(sb.home, 'run/net/spares');
  // A pod's namespace is kept for 5 s after its end, which a loaded machine's `kjob get` polls
  // can outlast: once a pod of the Job has its address (kept in its status), the spares' files
  // ("<ip> <ns>") are polled without a kjob run in between for a namespace kept for the Job, which
  // holds that address (a pod's end, the next one's start takes it back).
  let keptIP: string | undefined;
  await sb.until("a pod of the Job with an address", () => (keptIP = JSON.parse(sb.kjob(['get', 'pods', '-l', 'job-name=seq', '-o', 'json']).stdout).items.find((p: any) => p.status?.podIP)?.status.podIP) !== undefined, 60_000, 100);
  let kept: { ip: string; ns?: string }[] = [];
  await sb.until("a pod's namespace kept for the Job", () => (kept = [...readLeases(spares).values()].filter((l) => l.ip === keptIP)).length > 0, 60_000, 10);
  assert.equal(kept.length, 1, 'one namespace is kept for the Job');
  const keptNs = kept[0].ns!;
  assert.ok(keptNs, 'the kept file names its namespace');
  await sb.until('seq Complete', () => /seq +Complete +3\/3/.test(sb.kjob(['get', 'jobs']).stdout), 60_000);
  // One namespace, so one address, for the three pods in turn; each saw it as its own.
  const pods = JSON.parse(sb.kjob(['get', 'pods', '-l', 'job-name=seq', '-o', 'json']).stdout).items;
  assert.deepEqual(pods.map((p: any) => p.status.podIP), [keptIP, keptIP, keptIP]);
  for (const p of pods) assert.equal(sb.kjob(['logs', p.metadata.name]).stdout, `${keptIP}\n`);
  // A pod of another workload gets a namespace of its own while the Job's is still kept.
  // It runs past the reads below: a pod that has ended has given its lease back (a loaded
  // machine's kjob runs took longer than a few seconds' sleep).
  apply(sb, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '600'] }] } });
  let otherUid = '';
  await sb.until('other running', () => { const p = pod(sb, 'other'); otherUid = p?.metadata.uid; return p?.status?.phase === 'Running'; });
  const other = fs.readFileSync(path.join(sb.home, 'run/net/pods', otherUid), 'utf8').trim();
  assert.notEqual(other.split(' ')[1] ?? '', keptNs);
  // Its address is another while the Job's namespace still holds one (kept for 5 s: a machine
  // slower than that has freed it by now, and may have given it to a new spare).
  if (fs.existsSync(path.join('/run/netns', keptNs))) assert.notEqual(pod(sb, 'other').status.podIP, keptIP);
  // No pod of the Job is left to take it: it is removed, address and all, a few seconds on.
  await sb.until('the kept namespace removed', () => !fs.existsSync(path.join('/run/netns', keptNs)), 20_000);
  await sb.until('its file gone', () => !fs.readdirSync(spares).some((f) => fs.readFileSync(path.join(spares, f), 'utf8').includes(keptNs)));
  assert.equal(sb.kjob(['controller', 'stop']).code, 0);
});

test('the pod-to-pod Job: its pods reach each other by <hostname>.<subdomain> through the cluster DNS, and it completes', { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-pod-to-pod.yaml']).code, 0);
  await sb.until('example-job Complete', () => /example-job +Complete +3\/3/.test(sb.kjob(['get', 'jobs']).stdout), 60_000);
  const pods = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('\n');
  for (const p of pods) assert.match(sb.kjob(['logs', p]).stdout, /Successfully pinged pod: example-job-0\.headless-svc\n(.*\n)*Successfully pinged pod: example-job-2\.headless-svc\n$/);
});

test('a Service is reached by its names (queue, queue.default, queue.default.svc.cluster.local) and its ClusterIP, which goes to a ready pod', { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'queue' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } };
  apply(sb, svc, webPod('web1'));
  await sb.until('web1 listening', () => sb.kjob(['logs', 'web1']).stdout.includes('listening'));
  const ip = JSON.parse(sb.kjob(['get', 'svc', 'queue', '-o', 'json']).stdout).spec.clusterIP;
  const script = `for n in queue queue.default queue.default.svc.cluster.local ${ip}; do curl -s -m 5 http://$n/ || echo "failed $n"; done; getent hosts queue.default | cut -d' ' -f1; getent hosts nowhere.default || echo nxdomain`;
  apply(sb, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'curl', command: ['sh', '-c', script] }] } });
  await sb.until('client done', () => pod(sb, 'client')?.status?.phase === 'Succeeded');
  assert.equal(sb.kjob(['logs', 'client']).stdout, `web1\nweb1\nweb1\nweb1\n${ip}\nnxdomain\n`);
});

test("a cold engine's first pod finds the cluster DNS answering: a Service's name resolves as the container starts", { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  apply(sb, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'queue' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
  const ip = JSON.parse(sb.kjob(['get', 'svc', 'queue', '-o', 'json']).stdout).spec.clusterIP;
  // Three cold starts: the engine stopped, then a Job whose container looks the Service up at once
  // (netd, which answers, starts with the engine; it was not always up for the first container).
  for (const i of [1, 2, 3]) {
    sb.kjob(['controller', 'stop']);
    apply(sb, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `lookup${i}` }, spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'a=$(getent hosts queue) && echo "${a%% *}" || echo not found'] }] } } } });
    await sb.until(`lookup${i} done`, () => /lookup\d +(Complete|Failed)/.test(sb.kjob(['get', 'job', `lookup${i}`]).stdout), 60_000);
    assert.equal(sb.kjob(['logs', `job/lookup${i}`]).stdout, `${ip}\n`, `cold start ${i}; engine.log:\n${sb.engineLog(30)}`);
  }
});

test('probes reach the pod at its own address from the first one on, never the host\'s 127.0.0.1', { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  // A host program on 127.0.0.1:P; the pod listens on nothing. A probe sent to the host's
  // loopback (as the first one was, before the pod's status carried its address) would pass.
  const net = await import('node:net');
  let connections = 0;
  const srv = net.createServer((c) => { connections++; c.destroy(); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  try {
    apply(sb, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'idle' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '600'], readinessProbe: { tcpSocket: { port }, periodSeconds: 1 } }] },
    });
    const unhealthy = () => JSON.parse(sb.kjob(['get', 'events', '-o', 'json']).stdout).items.filter((e: any) => e.reason === 'Unhealthy' && e.involvedObject.name === 'idle');
    await sb.until('the probe failing', () => (unhealthy()[0]?.count ?? 0) >= 3, 60_000);
    const ip = pod(sb, 'idle').status.podIP;
    assert.equal(unhealthy()[0].message, `Readiness probe failed: dial tcp ${ip}:${port}: connect: connection refused`);
    assert.equal(connections, 0);
    assert.equal(pod(sb, 'idle').status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
  } finally {
    srv.close();
  }
});

/** GET http://127.0.0.1:port/ (or [::1]) with curl, as a user would. */
function curl(url: string): string {
  return execFileSync('curl', ['-s', '-m', '10', url], { encoding: 'utf8' });
}

test('port-forward pod/NAME and svc/NAME: kubectl\'s lines, one Handling line per connection, stops on SIGINT', { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
  apply(sb, svc, webPod('web1'));
  await sb.until('web1 listening', () => sb.kjob(['logs', 'web1']).stdout.includes('listening'));
  for (const [target, port, remote] of [['pod/web1', '8080', 8080], ['svc/web', '80', 8080], ['web1', 'http', 8080]] as const) {
    const pf = sb.spawn(['port-forward', target, `:${port}`]);
    await sb.until('forwarding', () => pf.output().split('\n').length >= 3);
    const m = /^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)\nForwarding from \[::1\]:\1 -> \2\n$/.exec(pf.output());
    assert.ok(m, pf.output());
    assert.equal(Number(m[2]), remote);
    assert.equal(curl(`http://127.0.0.1:${m[1]}/`), 'web1\n');
    assert.equal(curl(`http://[::1]:${m[1]}/`), 'web1\n');
    await sb.until('two connections handled', () => pf.output().endsWith(`Handling connection for ${m[1]}\nHandling connection for ${m[1]}\n`));
    pf.child.kill('SIGINT');
    const code = await new Promise((r) => pf.child.once('exit', r));
    assert.equal(code, 0);
  }
  const bad = sb.kjob(['port-forward', 'svc/web', '9999']);
  assert.equal(bad.stderr, 'error: Service web does not have a service port 9999\n');
  assert.equal(bad.code, 1);
  assert.equal(sb.kjob(['port-forward', 'pod/web1']).stderr, "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kjob port-forward -h' for help and examples\n");
});

// The story as a user types it, at its fastest: the consumers start as soon as the queue is loaded.
// It broke once when probes landed (the fixture's readinessProbe kept the queue's pod out of the
// Service for its first 10 s period, so the consumers met no endpoint and the Job hit its
// backoffLimit): each consumer must reach the queue at its first attempt (no restart).
test('the work-queue story: a queue server behind the Service queue, loaded through port-forward, drained by five consumers; the Job completes', { skip: NO_NET }, async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/queue-server.yaml']).stdout, 'configmap/memq created\nreplicaset.apps/queue created\nservice/queue created\n');
  await sb.until('the queue serving', () => sb.kjob(['logs', 'rs/queue']).stdout.includes('Serving on :8080'));
  // The tutorial: kubectl port-forward rs/queue 8080:8080, then load-queue.sh (here 20 items,
  // on a free local port).
  const pf = sb.spawn(['port-forward', 'rs/queue', ':8080']);
  await sb.until('forwarding', () => /Forwarding from 127\.0\.0\.1:\d+/.test(pf.output()));
  const base = `http://127.0.0.1:${/127\.0\.0\.1:(\d+)/.exec(pf.output())![1]}/memq/server`;
  assert.equal((await request(`${base}/queues/keygen`, { method: 'PUT' })).status, 200);
  for (let i = 0; i < 20; i++) {
    const msg = (await request(`${base}/queues/keygen/enqueue`, { method: 'POST', body: `work-item-${i}` })).json();
    assert.equal(msg.kind, 'message');
    assert.equal(msg.body, `work-item-${i}`);
  }
  assert.deepEqual((await request(`${base}/stats`)).json(), { kind: 'stats', queues: [{ name: 'keygen', depth: 20, enqueued: 20, dequeued: 0, drained: 0 }] });
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-consumers.yaml']).stdout, 'job.batch/consumers created\n');
  try {
    await sb.until('consumers Complete', () => /consumers +Complete/.test(sb.kjob(['get', 'jobs']).stdout), 90_000);
  } catch (e) {
    const dump = [['get', 'pods', '-o', 'wide'], ['get', 'ep'], ['describe', 'job', 'consumers'], ['get', 'events']].map((a) => sb.kjob(a).stdout).join('\n');
    const logs = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('\n').map((p) => `${p}:\n${sb.kjob(['logs', p]).stdout}${sb.kjob(['logs', p, '--previous']).stdout}`).join('\n');
    console.error(dump, logs, (await request(`${base}/stats`)).text());
    throw e;
  }
  assert.deepEqual((await request(`${base}/stats`)).json(), { kind: 'stats', queues: [{ name: 'keygen', depth: 0, enqueued: 20, dequeued: 20, drained: 0 }] });
  const pods = sb.kjob(['get', 'pods', '-l', 'job-name=consumers', '-o', 'name']).stdout.trim().split('\n');
  assert.equal(pods.length, 5);
  const restarts = JSON.parse(sb.kjob(['get', 'pods', '-l', 'job-name=consumers', '-o', 'json']).stdout).items.map((p: any) => p.status.containerStatuses[0].restartCount);
  // What a restarted consumer said before it ended, to tell why when this fails.
  const previous = pods.map((p) => sb.kjob(['logs', p, '--previous']).stdout).join('');
  // And what the engine and netd logged, with the pods' addresses.
  if (restarts.some((n: number) => n !== 0)) console.error(sb.kjob(['get', 'pods', '-o', 'wide']).stdout, sb.engineLog(60));
  assert.deepEqual(restarts, [0, 0, 0, 0, 0], `${previous}\n${sb.kjob(['get', 'events']).stdout}`);
  let done = 0;
  for (const p of pods) {
    const log = sb.kjob(['logs', p]).stdout;
    assert.match(log, /^\(ID 0\) Workload starting\n(.*\n)*\(ID 0\) Workload exiting\n$/);
    done += (log.match(/Item done: SHA256:/g) ?? []).length;
  }
  assert.equal(done, 20);
  pf.child.kill('SIGINT');
});
