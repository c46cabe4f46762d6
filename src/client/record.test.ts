// The event recorder: core/v1 Events written through the apiserver, aggregated as client-go's
// EventCorrelator does.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, recordingAPI, type TestAPI } from '../apiserver/testing.js';
import { resourceForKind } from '../api/resources.js';
import { APIEventRecorder, EventQueue } from './record.js';

const T0 = '2026-11-23T12:00:00Z';
const EVENTS = resourceForKind('Event')!;
let t: TestAPI;
beforeEach(() => (t = openTestAPI('record', T0)));
afterEach(() => t.dispose());

const events = (ns = 'default') => t.api.list(EVENTS, { namespace: ns }).items as any[];

test('an Event about an object, as client-go writes it', () => {
  const api = recordingAPI(t.api);
  const j = t.api.create(resourceForKind('Job')!, 'default', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } },
  }).object;
  new APIEventRecorder(api, { component: 'job-controller' }, t.clock).event(j, 'Normal', 'SuccessfulCreate', 'Created pod: pi-abcde');
  assert.deepEqual(api.writes(), ['create events SuccessfulCreate'], 'through the apiserver');
  const [ev] = events();
  assert.match(ev.metadata.name!, /^pi\.[0-9a-f]{16}$/);
  assert.equal(ev.metadata.namespace, 'default');
  assert.deepEqual(ev.involvedObject, { kind: 'Job', namespace: 'default', name: 'pi', uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion });
  assert.equal(ev.reason, 'SuccessfulCreate');
  assert.equal(ev.message, 'Created pod: pi-abcde');
  assert.equal(ev.type, 'Normal');
  assert.deepEqual(ev.source, { component: 'job-controller' });
  assert.equal(ev.firstTimestamp, T0);
  assert.equal(ev.lastTimestamp, T0);
  assert.equal(ev.count, 1);
  assert.equal(ev.eventTime, null);
  assert.equal(ev.reportingComponent, 'job-controller');
  assert.equal(ev.reportingInstance, '');
});

test('repeats aggregate: count+1, lastTimestamp moves, firstTimestamp stays', () => {
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team', uid: 'pod-uid', resourceVersion: '7' } };
  t.api.create(resourceForKind('Namespace')!, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  const r = new APIEventRecorder(t.api, { component: 'kubelet', host: 'node' }, t.clock);
  r.event(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', 'spec.containers{c}');
  t.clock.step(10_000);
  r.event(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', 'spec.containers{c}');
  t.clock.step(20_000);
  r.event(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', 'spec.containers{c}');
  // different reason, message or fieldPath → separate events
  r.event(p, 'Normal', 'Pulled', 'Container image "busybox" already present on machine', 'spec.containers{c}');
  r.event(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', 'spec.containers{d}');
  const evs = events('team');
  assert.equal(evs.length, 3);
  const backoff = evs.find((e) => e.reason === 'BackOff' && e.involvedObject.fieldPath === 'spec.containers{c}')!;
  assert.equal(backoff.count, 3);
  assert.equal(backoff.firstTimestamp, T0);
  assert.equal(backoff.lastTimestamp, '2026-11-23T12:00:30Z');
  assert.deepEqual(backoff.source, { component: 'kubelet', host: 'node' });
  assert.equal(backoff.reportingInstance, 'node');
  assert.equal(events('default').length, 0);
});

test('events about a cluster-scoped object go to default; same-instant events get distinct names, in order', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', uid: 'ns-uid' } };
  const r = new APIEventRecorder(t.api, { component: 'c' }, t.clock);
  // Reasons apart (similar Events would be combined from the tenth on).
  for (let i = 0; i < 20; i++) r.event(ns, 'Normal', `R${i}`, `m${i}`);
  const evs = events('default');
  assert.equal(evs.length, 20);
  assert.deepEqual(evs.map((e) => e.message), Array.from({ length: 20 }, (_, i) => `m${i}`), 'listed by name: recording order');
  assert.equal(evs[0].involvedObject.namespace, undefined);
});

test('an Event the apiserver refuses (its namespace is gone) is dropped, not thrown', () => {
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'gone', uid: 'u' } };
  new APIEventRecorder(t.api, { component: 'kubelet' }, t.clock).event(p, 'Normal', 'Killing', 'Stopping container c');
  assert.equal(t.api.list(EVENTS).items.length, 0);
});

test('expireEvents deletes Events not written for the TTL', () => {
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' } };
  const r = new APIEventRecorder(t.api, { component: 'c' }, t.clock);
  r.event(p, 'Normal', 'Old', 'old');
  t.clock.step(3000_000);
  r.event(p, 'Normal', 'New', 'new');
  t.clock.step(1000_000);
  assert.equal(t.api.expireEvents(), 1);
  assert.deepEqual(events().map((e) => e.reason), ['New']);
});

test("one list per involved object: its later Events aggregate from the recorder's memory, an Event deleted meanwhile is written anew with its count, and a new recorder (an engine restarted) still aggregates", () => {
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'pod-uid', resourceVersion: '7' } };
  const api = recordingAPI(t.api);
  const r = new APIEventRecorder(api, { component: 'kubelet', host: 'node' }, t.clock);
  for (const reason of ['Pulling', 'Pulled', 'Created', 'Started']) r.event(p, 'Normal', reason, `${reason} c`, 'spec.containers{c}');
  r.event(p, 'Normal', 'Started', 'Started c', 'spec.containers{c}');
  assert.equal(api.actions.filter((a) => a.verb === 'list').length, 1);
  assert.deepEqual(events().map((e) => [e.reason, e.count]), [['Pulling', 1], ['Pulled', 1], ['Created', 1], ['Started', 2]]);
  // Another component's Events about the same object are not this recorder's.
  new APIEventRecorder(t.api, { component: 'default-scheduler' }, t.clock).event(p, 'Normal', 'Started', 'Started c', 'spec.containers{c}');
  const started = events().find((e) => e.reason === 'Started' && e.source.component === 'kubelet');
  t.api.delete(EVENTS, 'default', started.metadata.name);
  t.clock.step(1000);
  r.event(p, 'Normal', 'Started', 'Started c', 'spec.containers{c}');
  r.event(p, 'Normal', 'Pulled', 'Pulled c', 'spec.containers{c}');
  const byReason = (rs: string) => events().filter((e) => e.reason === rs && e.source.component === 'kubelet').map((e) => e.count);
  // client-go's recordEvent: the patch finds no Event, so it is created with the count observed, under its name.
  assert.deepEqual(byReason('Started'), [3]);
  assert.equal(events().find((e) => e.reason === 'Started' && e.source.component === 'kubelet').metadata.name, started.metadata.name);
  assert.deepEqual(byReason('Pulled'), [2]);
  new APIEventRecorder(t.api, { component: 'kubelet', host: 'node' }, t.clock).event(p, 'Normal', 'Pulled', 'Pulled c', 'spec.containers{c}');
  assert.deepEqual(byReason('Pulled'), [3]);
  assert.equal(events().filter((e) => e.source.component === 'default-scheduler').length, 1);
});

test("a Job's 300 SuccessfulCreate Events: nine, then one combined Event counted to 16 (25 a source may write about an object), the rest and Completed dropped until a token refills", () => {
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'big', namespace: 'default', uid: 'job-uid', resourceVersion: '3' } };
  const api = recordingAPI(t.api);
  const r = new APIEventRecorder(api, { component: 'job-controller' }, t.clock);
  for (let i = 1; i <= 300; i++) {
    r.event(job, 'Normal', 'SuccessfulCreate', `Created pod: big-${i}`);
    t.clock.step(10);
  }
  r.event(job, 'Normal', 'Completed', 'Job completed');
  const writes = api.writes();
  assert.equal(writes.filter((w) => w.startsWith('create')).length, 10);
  assert.equal(writes.filter((w) => w.startsWith('patch')).length, 15);
  let evs = events();
  assert.deepEqual(evs.slice(0, 9).map((e) => [e.message, e.count]), Array.from({ length: 9 }, (_, i) => [`Created pod: big-${i + 1}`, 1]));
  assert.equal(evs.length, 10);
  const combined = evs[9];
  assert.equal(combined.message, '(combined from similar events): Created pod: big-25');
  assert.equal(combined.count, 16);
  assert.equal(combined.firstTimestamp, '2026-11-23T12:00:00Z', 'the tenth Event\'s instant (to the second)');
  assert.deepEqual([combined.reportingComponent, combined.reportingInstance], ['', ''], 'the aggregator\'s own Event');
  assert.equal(evs[0].reportingComponent, 'job-controller');
  // A Warning is another bucket.
  r.event(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
  assert.equal(events().filter((e) => e.type === 'Warning').length, 1);
  // Five minutes on, one token: the next similar Event updates the combined one, its count taking
  // in every one dropped meanwhile (the correlator observed them).
  t.clock.step(300_000);
  r.event(job, 'Normal', 'SuccessfulCreate', 'Created pod: big-301');
  r.event(job, 'Normal', 'Completed', 'Job completed');
  evs = events();
  assert.equal(evs.find((e) => e.metadata.name === combined.metadata.name).count, 292);
  assert.equal(evs.find((e) => e.metadata.name === combined.metadata.name).message, '(combined from similar events): Created pod: big-301');
  assert.equal(evs.filter((e) => e.reason === 'Completed').length, 0, 'no token left for it');
});

test('similar Events more than ten minutes apart are not combined; the scheduler\'s recorder neither combines nor drops', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'pod-uid' } };
  const r = new APIEventRecorder(t.api, { component: 'kubelet', host: 'node' }, t.clock);
  for (let i = 0; i < 12; i++) {
    r.event(pod, 'Warning', 'Unhealthy', `Readiness probe failed: ${i}`);
    t.clock.step(601_000);
  }
  assert.equal(events().filter((e) => e.message.startsWith('(combined')).length, 0);
  const s = new APIEventRecorder(t.api, { component: 'default-scheduler' }, t.clock, { correlate: false });
  const other = { ...pod, metadata: { ...pod.metadata, name: 'q', uid: 'q-uid' } };
  for (let i = 0; i < 40; i++) s.event(other, 'Warning', 'FailedScheduling', `0/1 nodes are available: ${i}`);
  assert.equal(events().filter((e) => e.involvedObject.name === 'q').length, 40);
});

test("a queue holds the Events recorded during its work: written after it, in order, with the time and the object's version they were recorded at, also when the work throws", () => {
  const api = recordingAPI(t.api);
  const queue = new EventQueue();
  const kubelet = new APIEventRecorder(api, { component: 'kubelet', host: 'node' }, t.clock, { queue });
  const scheduler = new APIEventRecorder(api, { component: 'default-scheduler' }, t.clock, { correlate: false, queue });
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'pod-uid', resourceVersion: '7' } };
  const seenDuringWork: string[][] = [];
  const out = queue.hold(() => {
    scheduler.event(p, 'Normal', 'Scheduled', 'Successfully assigned default/p to node');
    t.clock.step(1500);
    // The object moves on during the work (its status written): the Event keeps the version it was about.
    const later = { ...p, metadata: { ...p.metadata, resourceVersion: '9' } };
    queue.hold(() => kubelet.event(later, 'Normal', 'Pulling', 'Pulling image "busybox"', 'spec.containers{c}'));
    kubelet.event(later, 'Normal', 'Started', 'Started container c', 'spec.containers{c}');
    seenDuringWork.push(api.writes());
    t.clock.step(5000);
    return 'done';
  });
  assert.equal(out, 'done');
  assert.deepEqual(seenDuringWork, [[]], 'nothing written while the work runs (a nested hold too)');
  assert.deepEqual(api.writes(), ['create events Scheduled', 'create events Pulling', 'create events Started'], 'in the order recorded, once the work returned');
  const byReason = new Map(events().map((e) => [e.reason, e]));
  assert.equal(byReason.get('Scheduled').firstTimestamp, T0);
  assert.equal(byReason.get('Started').lastTimestamp, '2026-11-23T12:00:01Z', 'the time it was recorded at, not written at');
  assert.equal(byReason.get('Scheduled').involvedObject.resourceVersion, '7');
  assert.equal(byReason.get('Started').involvedObject.resourceVersion, '9');
  // Names keep the recording order (listing by name gives describe that order for equal times).
  assert.deepEqual(events().map((e) => e.reason), ['Scheduled', 'Pulling', 'Started']);

  assert.throws(() =>
    queue.hold(() => {
      kubelet.event(p, 'Warning', 'Failed', 'Error: boom', 'spec.containers{c}');
      assert.equal(events().length, 3, 'not while the work runs');
      throw new Error('the sync failed');
    }),
  /the sync failed/);
  assert.deepEqual(events().map((e) => e.reason), ['Scheduled', 'Pulling', 'Started', 'Failed'], "a failed work's Events are written, as its writes stay");
  // Outside a hold the recorder writes at once.
  kubelet.event(p, 'Normal', 'Killing', 'Stopping container c', 'spec.containers{c}');
  assert.equal(events().length, 5);
});

test("a held Event whose write fails otherwise than by the apiserver's refusal fails the hold after the work, and the Events after it are not written", () => {
  const queue = new EventQueue();
  let creates = 0;
  // An apiserver whose second Event write breaks (a bug, a full disk): not a StatusError.
  const broken = new Proxy(t.api, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop !== 'create' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return (...args: unknown[]) => {
        if (++creates === 2) throw new Error('disk full');
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const r = new APIEventRecorder(broken, { component: 'kubelet', host: 'node' }, t.clock, { queue });
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'pod-uid', resourceVersion: '7' } };
  let workDone = false;
  assert.throws(
    () =>
      queue.hold(() => {
        for (const reason of ['Pulling', 'Pulled', 'Created']) r.event(p, 'Normal', reason, reason, 'spec.containers{c}');
        workDone = true;
      }),
    /disk full/,
  );
  assert.ok(workDone, 'the work ran whole first');
  assert.deepEqual(events().map((e) => e.reason), ['Pulling'], 'the Event after the failed one was not written');
});

test("work that throws is reported by its own error, not by a held Event's failed write", () => {
  const queue = new EventQueue();
  const broken = new Proxy(t.api, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop !== 'create' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return () => {
        throw new Error('disk full');
      };
    },
  });
  const r = new APIEventRecorder(broken, { component: 'kubelet', host: 'node' }, t.clock, { queue });
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'pod-uid', resourceVersion: '7' } };
  assert.throws(
    () =>
      queue.hold(() => {
        r.event(p, 'Normal', 'Pulling', 'Pulling image "busybox"', 'spec.containers{c}');
        throw new Error('the sync failed');
      }),
    /the sync failed/,
  );
  assert.equal(events().length, 0);
});
