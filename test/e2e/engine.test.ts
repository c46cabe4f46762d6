// The engine is a daemon started on demand; pods outlive it. kill -9 while the pi pod runs, then
// any kjob command brings the engine back, it adopts the running container, and the pod ends
// Completed with its full log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { engineProcess, sendToEngine } from '../../src/engine/daemon.js';
import { Store, type Change } from '../../src/store/store.js';

const sb = new Sandbox();
after(() => sb.cleanup());

test('kill -9 of the engine while the pi pod runs: the engine comes back and adopts it', async () => {
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-pi.yaml']).code, 0);
  await sb.until('a running pod', () => /1\/1 +Running/.test(sb.kjob(['get', 'pods']).stdout), 30_000);
  const first = sb.enginePid();
  assert.ok(first, 'an engine runs');
  // apply asks for an engine more than once, and every `get pods` since: one starts, not a second
  // that finds the first's lock.
  const log = fs.readFileSync(path.join(sb.home, 'engine.log'), 'utf8');
  assert.equal(log.match(/engine started/g)?.length, 1, log);
  assert.doesNotMatch(log, /already running/);
  process.kill(first!, 'SIGKILL');
  await sb.until('the engine is dead', () => sb.enginePid() === undefined, 5_000);

  const r = sb.kjob(['get', 'pods']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /pi-\w{5} +1\/1 +Running/, 'the container kept running without the engine');
  await sb.until('a new engine', () => sb.enginePid() !== undefined, 10_000);
  assert.notEqual(sb.enginePid(), first);

  await sb.until('the pod Completed', () => /0\/1 +Completed/.test(sb.kjob(['get', 'pods']).stdout), 90_000);
  const pod = sb.kjob(['get', 'pods', '-o', 'name']).stdout.trim().split('/')[1];
  const expected = execFileSync('perl', ['-Mbignum=bpi', '-wle', 'print bpi(2000)'], { encoding: 'utf8' });
  assert.equal(sb.kjob(['logs', pod]).stdout, expected);
  await sb.until('the Job Complete', () => /pi +Complete +1\/1/.test(sb.kjob(['get', 'job']).stdout), 20_000);
});

test('controller status, stop and start', async () => {
  await sb.until('the engine is idle and gone', () => sb.enginePid() === undefined && engineProcess(sb.home) === undefined, 20_000);
  // It marked itself as stopping before its last look for work (daemon.ts), and took the mark away with its lock.
  const stoppingMark = path.join(sb.home, 'engine.stopping');
  assert.equal(fs.existsSync(stoppingMark), false);
  assert.match(sb.kjob(['controller', 'status']).stdout, /^engine: not running for /);
  // An engine makes no TLS connection: it starts without the CA file node would parse first.
  const started = sb.kjob(['controller', 'start'], { env: { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', KJOB_TEST_MARK: '1' } });
  assert.equal(started.code, 0);
  assert.match(started.stdout, /^engine: running \(pid \d+\)/);
  const environ = fs.readFileSync(`/proc/${sb.enginePid()}/environ`, 'utf8').split('\0');
  assert.ok(environ.includes('KJOB_TEST_MARK=1'), 'the engine has the environment of the command that started it');
  assert.ok(!environ.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')), environ.join(' '));
  assert.match(sb.kjob(['controller', 'status']).stdout, /^engine: running \(pid \d+\)/);
  // Started by hand, it outlives the idle exit (2 s) of an engine a command starts.
  await new Promise((r) => setTimeout(r, 3000));
  assert.match(sb.kjob(['controller', 'status']).stdout, /^engine: running \(pid \d+\)/);
  const stopped = sb.kjob(['controller', 'stop']);
  assert.match(stopped.stdout, /^engine: stopped/);
  assert.equal(sb.enginePid(), undefined);
  assert.equal(fs.existsSync(stoppingMark), false);
});

test('controller stop right after a command started the engine stops it, lock taken or not', async () => {
  // A CronJob keeps the engine from exiting when idle: only the stop can end it.
  const fresh = new Sandbox();
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal(fresh.kjob(['create', 'cronjob', `k${i}`, '--image=busybox', '--schedule=0 0 1 1 *', '--', 'true']).code, 0);
      const stopped = fresh.kjob(['controller', 'stop']);
      assert.match(stopped.stdout, /^engine: stopped/, `run ${i}: ${stopped.stdout}`);
      await fresh.until(`run ${i}: no engine left`, () => engineProcess(fresh.home) === undefined, 5_000);
    }
  } finally {
    fresh.cleanup();
  }
});

test('the command that starts the engine takes its lock for it: no other command starts a second', async () => {
  const fresh = new Sandbox();
  try {
    assert.equal(fresh.kjob(['create', 'cronjob', 'c', '--image=busybox', '--schedule=0 0 1 1 *', '--', 'true']).code, 0);
    // node needs a few hundred milliseconds to reach the engine's code; a reader that came in that
    // time found no lock and started another engine, on a busy machine.
    const pid = fresh.enginePid();
    assert.ok(pid !== undefined, 'the lock is held as the command that started the engine returns');
    assert.equal(pid, engineProcess(fresh.home), 'by the engine');
    assert.equal(fresh.kjob(['get', 'cronjobs']).code, 0);
    const end = Date.now() + 10_000;
    while ((await sendToEngine(fresh.home, 'ping', 500)) !== 'pong') {
      assert.ok(Date.now() < end, 'the engine answers');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(fresh.enginePid(), pid, 'it kept the lock taken for it');
    const log = fs.readFileSync(path.join(fresh.home, 'engine.log'), 'utf8');
    assert.equal(log.match(/engine started/g)?.length, 1, log);
    assert.doesNotMatch(log, /already running/);
    assert.match(fresh.kjob(['controller', 'stop']).stdout, /^engine: stopped/);
  } finally {
    fresh.cleanup();
  }
});

test('the engine makes way for a command waiting to write: no sync while its note is there, then it goes on', async () => {
  const fresh = new Sandbox();
  try {
    // The note a command leaves while it waits for the write lock (src/store/waiting_notes.ts):
    // this test's process, which lives.
    const note = path.join(fresh.home, 'run', 'waiting', String(process.pid));
    fs.mkdirSync(path.dirname(note), { recursive: true });
    fs.writeFileSync(note, '');
    // Dated a minute ahead: a note is waited for while it is younger than two seconds, and a cold
    // engine's start on a loaded machine took longer than that (the Job synced, the test failed).
    const ahead = new Date(Date.now() + 60_000);
    fs.utimesSync(note, ahead, ahead);
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'waits' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } } } };
    assert.equal(fresh.kjob(['apply', '-f', '-'], { input: JSON.stringify(job) }).code, 0);
    await fresh.until('an engine', () => fresh.enginePid() !== undefined, 10_000);
    // While the note is young: the Job controller has not synced (no pod).
    await new Promise((r) => setTimeout(r, 700));
    const pods = () => fresh.kjob(['get', 'pods', '-o', 'name']).stdout.trim();
    assert.equal(pods(), '', 'no pod while a command waits to write');
    fs.rmSync(note);
    await fresh.until('the Job complete', () => /Complete/.test(fresh.kjob(['get', 'job', 'waits']).stdout), 30_000);
    assert.match(pods(), /^pod\/waits-\w{5}$/);
  } finally {
    fresh.kjob(['controller', 'stop']);
    fresh.cleanup();
  }
});

test("a pod's sync writes its Events at its end (the container's start does not wait for them): the change log has the pod's binding and status first", async () => {
  const fresh = new Sandbox();
  try {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'order' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } } } };
    assert.equal(fresh.kjob(['apply', '-f', '-'], { input: JSON.stringify(job) }).code, 0);
    await fresh.until('the Job complete', () => /Complete/.test(fresh.kjob(['get', 'job', 'order']).stdout), 30_000);
    const store = Store.open(fresh.home);
    let changes: Change[];
    try {
      changes = store.changesSince(0, 100_000);
    } finally {
      store.close();
    }
    const podUid = changes.find((c) => c.kind === 'Pod')!.uid;
    // The pod's own changes and the Events about it, in the change log's order.
    const about = changes
      .filter((c) => (c.kind === 'Pod' && c.uid === podUid) || (c.kind === 'Event' && c.type === 'ADDED' && (c.object as { involvedObject?: { uid?: string } }).involvedObject?.uid === podUid))
      .map((c) => {
        if (c.kind === 'Event') return (c.object as { reason?: string }).reason;
        const pod = c.object as { spec?: { nodeName?: string }; status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } };
        const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
        return `pod ${c.type}${waiting ? ` ${waiting}` : ''}`;
      });
    // Binding, then the status the kubelet computed before the start (ContainerCreating), then the
    // five Events the sync recorded (the scheduler's and the kubelet's), which upstream's
    // broadcasters write after the work too.
    const creating = about.indexOf('pod MODIFIED ContainerCreating');
    assert.ok(creating > 0, about.join(', '));
    assert.deepEqual(about.slice(creating + 1, creating + 6), ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'], about.join(', '));
  } finally {
    fresh.kjob(['controller', 'stop']);
    fresh.cleanup();
  }
});
