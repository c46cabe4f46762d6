import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { Store, SCHEMA_VERSION, CHANGE_LOG_KEEP, type Change } from './store.js';
import type { KObject } from '../api/types.js';
import { FakeClock } from '../util/clock.js';
import { StatusError, UserError } from '../errors.js';

const T0 = '2026-11-23T12:00:00Z';

function tmpHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-store-'));
}

function job(name: string, extra: Partial<KObject> = {}): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(extra.metadata ?? {}) },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

function pod(name: string, opts: { nodeName?: string; phase?: string; grace?: number; finalizers?: string[]; ns?: string; owners?: any[]; labels?: Record<string, string> } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(opts.ns ? { namespace: opts.ns } : {}),
      ...(opts.finalizers ? { finalizers: opts.finalizers } : {}),
      ...(opts.owners ? { ownerReferences: opts.owners } : {}),
      ...(opts.labels ? { labels: opts.labels } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'busybox' }],
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...(opts.grace !== undefined ? { terminationGracePeriodSeconds: opts.grace } : {}),
    },
    status: { phase: opts.phase ?? 'Pending' },
  };
}

function statusReason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return `${e.reason}: ${e.message}`;
    throw e;
  }
  assert.fail('expected a StatusError');
}

let home: string;
let clock: FakeClock;
let store: Store;

beforeEach(() => {
  home = tmpHome();
  clock = new FakeClock(T0);
  store = Store.open(home, { clock });
});
afterEach(() => {
  store.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('open', () => {
  test('creates home, state.db, WAL and the schema', () => {
    const h = path.join(tmpHome(), 'a', 'b');
    const s = Store.open(h);
    assert.ok(fs.existsSync(path.join(h, 'state.db')));
    assert.equal(s.currentRV(), 0);
    s.close();
    const db = new Database(path.join(h, 'state.db'));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.close();
  });

  test('reopening keeps the data', () => {
    store.create(job('pi'));
    store.setMeta('k', 'v');
    store.close();
    store = Store.open(home, { clock });
    assert.equal(store.get('Job', 'default', 'pi')?.metadata.name, 'pi');
    assert.equal(store.getMeta('k'), 'v');
    assert.equal(store.currentRV(), 1);
  });

  test('a home that is a file is refused', () => {
    const f = path.join(home, 'file');
    fs.writeFileSync(f, 'x');
    assert.throws(() => Store.open(f), (e: unknown) => e instanceof UserError && e.message === `error: cannot use state directory "${f}": not a directory`);
    assert.throws(() => Store.open(path.join(f, 'sub')), (e: unknown) => e instanceof UserError && e.message.startsWith(`error: cannot use state directory "${path.join(f, 'sub')}": `));
  });

  test('a file that is not a database is refused and left intact', () => {
    const h = tmpHome();
    const file = path.join(h, 'state.db');
    const junk = Buffer.from('this is not a database, just some text\n'.repeat(200));
    fs.writeFileSync(file, junk);
    assert.throws(
      () => Store.open(h),
      (e: unknown) => e instanceof UserError && e.message.startsWith(`error: state file "${file}" is unreadable or corrupt: `) && /not a database/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), junk);
    assert.deepEqual(fs.readdirSync(h), ['state.db']);
  });

  test('a corrupt database header is refused and left intact', () => {
    store.create(job('pi'));
    store.close();
    const file = path.join(home, 'state.db');
    // checkpoint happened on close; damage the header
    const bytes = fs.readFileSync(file);
    bytes.write('garbage-garbage!', 0);
    fs.writeFileSync(file, bytes);
    for (const f of fs.readdirSync(home)) if (f !== 'state.db') fs.rmSync(path.join(home, f));
    const before = fs.readFileSync(file);
    assert.throws(() => Store.open(home), (e: unknown) => e instanceof UserError && e.message.startsWith(`error: state file "${file}" is unreadable or corrupt: `));
    assert.deepEqual(fs.readFileSync(file), before);
    store = Store.open(tmpHome(), { clock }); // for afterEach
  });

  test('a newer schema version is refused', () => {
    store.close();
    const db = new Database(path.join(home, 'state.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => Store.open(home), (e: unknown) => e instanceof UserError && /newer kjob \(schema version 2/.test(e.message));
    store = Store.open(tmpHome(), { clock });
  });

  test('another application\'s database is refused', () => {
    const h = tmpHome();
    const db = new Database(path.join(h, 'state.db'));
    db.exec('CREATE TABLE photos (id INTEGER)');
    db.close();
    assert.throws(() => Store.open(h), (e: unknown) => e instanceof UserError && /is not a kjob state file/.test(e.message));
  });
});

describe('create/get/list', () => {
  test('create sets namespace, uid, creationTimestamp, resourceVersion, generation', () => {
    const out = store.create(job('pi'));
    assert.equal(out.metadata.namespace, 'default');
    assert.match(out.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.equal(out.metadata.creationTimestamp, T0);
    assert.equal(out.metadata.resourceVersion, '1');
    assert.equal(out.metadata.generation, 1);
    const got = store.get('Job', 'default', 'pi')!;
    assert.deepEqual(got, out);
    assert.equal(store.getByUid(out.metadata.uid!)?.metadata.name, 'pi');
    assert.equal(store.get('Job', 'other', 'pi'), undefined);
    assert.equal(store.get('Pod', 'default', 'pi'), undefined);
  });

  test('a given uid is kept; pods get no generation; cluster-scoped objects get no namespace', () => {
    const p = pod('p');
    (p.metadata as any).uid = 'given-uid';
    const out = store.create(p);
    assert.equal(out.metadata.uid, 'given-uid');
    assert.equal(out.metadata.generation, undefined);
    const ns = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', namespace: 'x' } });
    assert.equal(ns.metadata.namespace, undefined);
    assert.equal(store.get('Namespace', undefined, 'team')?.metadata.name, 'team');
  });

  test('does not mutate the input and returns fresh copies', () => {
    const input = job('pi');
    const snapshot = JSON.parse(JSON.stringify(input));
    const out = store.create(input);
    assert.deepEqual(input, snapshot);
    out.metadata.labels = { mutated: 'yes' };
    assert.equal(store.get('Job', 'default', 'pi')!.metadata.labels, undefined);
  });

  test('duplicate name → AlreadyExists', () => {
    store.create(job('pi'));
    assert.equal(statusReason(() => store.create(job('pi'))), 'AlreadyExists: jobs.batch "pi" already exists');
    store.create(pod('pi'));
    assert.equal(statusReason(() => store.create(pod('pi'))), 'AlreadyExists: pods "pi" already exists');
    store.create(pod('pi', { ns: 'other' })); // other namespace is fine
  });

  test('generateName', () => {
    const p = pod('');
    p.metadata = { generateName: 'pi-' };
    const a = store.create(p);
    const b = store.create(p);
    assert.match(a.metadata.name!, /^pi-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.notEqual(a.metadata.name, b.metadata.name);
    const long = pod('');
    long.metadata = { generateName: 'x'.repeat(70) };
    const c = store.create(long);
    assert.equal(c.metadata.name!.length, 63);
    assert.ok(c.metadata.name!.startsWith('x'.repeat(58)));
  });

  test('no name and no generateName → Invalid', () => {
    const p = pod('');
    assert.match(statusReason(() => store.create(p)), /^Invalid: /);
  });

  test('list is sorted in etcd key order and filters by namespace and labels', () => {
    for (const [ns, name] of [['b', 'z'], ['a', 'y'], ['a-b', 'x'], ['a', 'b'], ['default', 'q']]) {
      store.create(pod(name, { ns, labels: { app: name === 'y' || name === 'x' ? 'keep' : 'drop' } }));
    }
    const keys = (objs: KObject[]) => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    // "a-b/x" < "a/b" byte-wise ('-' < '/'), as etcd orders them
    assert.deepEqual(keys(store.list('Pod')), ['a-b/x', 'a/b', 'a/y', 'b/z', 'default/q']);
    assert.deepEqual(keys(store.list('Pod', { namespace: 'a' })), ['a/b', 'a/y']);
    assert.deepEqual(keys(store.list('Pod', { labelSelector: (l) => l.app === 'keep' })), ['a-b/x', 'a/y']);
    assert.deepEqual(store.list('Job'), []);
  });
});

describe('update', () => {
  test('conflict on a stale resourceVersion; unconditional without one', () => {
    const a = store.create(job('pi'));
    const b = store.get('Job', 'default', 'pi')!;
    a.metadata.labels = { x: '1' };
    const a2 = store.update(a);
    assert.equal(a2.metadata.resourceVersion, '2');
    b.metadata.labels = { y: '1' };
    assert.equal(
      statusReason(() => store.update(b)),
      'Conflict: Operation cannot be fulfilled on jobs.batch "pi": the object has been modified; please apply your changes to the latest version and try again',
    );
    delete (b.metadata as any).resourceVersion;
    const b2 = store.update(b);
    assert.deepEqual(b2.metadata.labels, { y: '1' });
    assert.equal(b2.metadata.resourceVersion, '3');
  });

  test('NotFound', () => {
    assert.equal(statusReason(() => store.update(job('nope'))), 'NotFound: jobs.batch "nope" not found');
  });

  test('keeps uid, creationTimestamp, deletionTimestamp; bumps generation only on spec change', () => {
    const created = store.create(job('pi'));
    clock.step(5000);
    const edit = JSON.parse(JSON.stringify(created));
    edit.metadata.creationTimestamp = '2000-01-01T00:00:00Z';
    edit.metadata.generation = 42;
    edit.status = { active: 1 };
    const s1 = store.update(edit);
    assert.equal(s1.metadata.creationTimestamp, T0);
    assert.equal(s1.metadata.uid, created.metadata.uid);
    assert.equal(s1.metadata.generation, 1);
    // same spec, keys in another order: no bump
    const reordered = JSON.parse(JSON.stringify(s1));
    reordered.spec = { template: { spec: { restartPolicy: 'Never', containers: [{ image: 'busybox', name: 'c' }] } } };
    reordered.metadata.labels = { a: 'b' };
    assert.equal(store.update(reordered).metadata.generation, 1);
    const cur = store.get('Job', 'default', 'pi')!;
    cur.spec.parallelism = 3;
    assert.equal(store.update(cur).metadata.generation, 2);
  });

  test('a different uid is a precondition conflict', () => {
    store.create(job('pi'));
    const j = job('pi');
    (j.metadata as any).uid = 'other';
    assert.match(statusReason(() => store.update(j)), /^Conflict: Operation cannot be fulfilled on jobs\.batch "pi": Precondition failed: UID in precondition: other, UID in object meta: /);
  });

  test('an update that changes nothing does not write', () => {
    const created = store.create(job('pi'));
    const rv = store.currentRV();
    const same = store.update(JSON.parse(JSON.stringify(created)));
    assert.equal(store.currentRV(), rv);
    assert.deepEqual(same, created);
    assert.equal(store.changesSince(rv).length, 0);
  });

  test('removing the last finalizer of a terminating object removes it', () => {
    const j = job('pi');
    j.metadata.finalizers = ['example.com/x'];
    store.create(j);
    const d = store.delete('Job', 'default', 'pi');
    assert.equal(d.removed, false);
    const cur = store.get('Job', 'default', 'pi')!;
    cur.metadata.finalizers = [];
    const out = store.update(cur);
    assert.ok(out.metadata.deletionTimestamp);
    assert.equal(store.get('Job', 'default', 'pi'), undefined);
    const last = store.changesSince(0).at(-1)!;
    assert.equal(last.type, 'DELETED');
    assert.equal(last.object.metadata.resourceVersion, String(last.rv));
  });

  test('status updates of a gracefully terminating pod (no finalizers) keep it', () => {
    store.create(pod('p', { nodeName: 'node', phase: 'Running' }));
    store.delete('Pod', 'default', 'p');
    const cur = store.get('Pod', 'default', 'p')!;
    cur.status.phase = 'Succeeded';
    store.update(cur);
    assert.equal(store.get('Pod', 'default', 'p')?.status.phase, 'Succeeded');
  });
});

describe('delete', () => {
  test('NotFound and UID precondition', () => {
    assert.equal(statusReason(() => store.delete('Job', 'default', 'pi')), 'NotFound: jobs.batch "pi" not found');
    const j = store.create(job('pi'));
    assert.equal(
      statusReason(() => store.delete('Job', 'default', 'pi', { preconditionUid: 'x' })),
      `Conflict: Operation cannot be fulfilled on jobs.batch "pi": Precondition failed: UID in precondition: x, UID in object meta: ${j.metadata.uid}`,
    );
    assert.ok(store.get('Job', 'default', 'pi'));
    assert.equal(store.delete('Job', 'default', 'pi', { preconditionUid: j.metadata.uid }).removed, true);
  });

  test('background without finalizers removes at once', () => {
    store.create(job('pi'));
    const r = store.delete('Job', 'default', 'pi', { propagationPolicy: 'Background' });
    assert.equal(r.removed, true);
    assert.equal(r.object.metadata.name, 'pi');
    assert.equal(store.get('Job', 'default', 'pi'), undefined);
  });

  test('background with finalizers only marks deletion (and bumps generation)', () => {
    const j = job('pi');
    j.metadata.finalizers = ['example.com/x'];
    store.create(j);
    clock.step(1000);
    const r = store.delete('Job', 'default', 'pi');
    assert.equal(r.removed, false);
    assert.equal(r.object.metadata.deletionTimestamp, '2026-11-23T12:00:01Z');
    assert.equal(r.object.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(r.object.metadata.generation, 2);
    // deleting again changes nothing
    const rv = store.currentRV();
    clock.step(1000);
    assert.equal(store.delete('Job', 'default', 'pi').removed, false);
    assert.equal(store.currentRV(), rv);
  });

  test('foreground adds the foregroundDeletion finalizer; its removal removes the object', () => {
    store.create(job('pi'));
    const r = store.delete('Job', 'default', 'pi', { propagationPolicy: 'Foreground' });
    assert.equal(r.removed, false);
    assert.deepEqual(r.object.metadata.finalizers, ['foregroundDeletion']);
    assert.equal(r.object.metadata.deletionTimestamp, T0);
    assert.equal(r.object.metadata.deletionGracePeriodSeconds, 0);
    const cur = store.get('Job', 'default', 'pi')!;
    cur.metadata.finalizers = cur.metadata.finalizers!.filter((f) => f !== 'foregroundDeletion');
    store.update(cur);
    assert.equal(store.get('Job', 'default', 'pi'), undefined);
  });

  test('orphan strips owner references from dependents, then deletes', () => {
    const j = store.create(job('pi'));
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: j.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const other = { apiVersion: 'v1', kind: 'Service', name: 's', uid: 'other-uid' };
    store.create(pod('a', { owners: [ref] }));
    store.create(pod('b', { owners: [ref, other] }));
    store.create(pod('c', { owners: [other] }));
    const rv = store.currentRV();
    const r = store.delete('Job', 'default', 'pi', { propagationPolicy: 'Orphan' });
    assert.equal(r.removed, true);
    assert.equal(store.get('Pod', 'default', 'a')!.metadata.ownerReferences, undefined);
    assert.deepEqual(store.get('Pod', 'default', 'b')!.metadata.ownerReferences, [other]);
    assert.deepEqual(store.get('Pod', 'default', 'c')!.metadata.ownerReferences, [other]);
    const ch = store.changesSince(rv);
    assert.deepEqual(ch.map((c) => `${c.type} ${c.kind} ${c.name}`), ['MODIFIED Pod a', 'MODIFIED Pod b', 'DELETED Job pi']);
  });

  test('pod: graceful deletion sets deletionTimestamp = now + grace', () => {
    store.create(pod('p', { nodeName: 'node', phase: 'Running', grace: 10 }));
    const r = store.delete('Pod', 'default', 'p');
    assert.equal(r.removed, false);
    assert.equal(r.object.metadata.deletionTimestamp, '2026-11-23T12:00:10Z');
    assert.equal(r.object.metadata.deletionGracePeriodSeconds, 10);
    // a longer or equal grace does nothing
    const rv = store.currentRV();
    assert.equal(store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 30 }).removed, false);
    assert.equal(store.delete('Pod', 'default', 'p').removed, false);
    assert.equal(store.currentRV(), rv);
    // a shorter one shortens it, counted from the first request
    clock.step(2000);
    const r2 = store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 5 });
    assert.equal(r2.object.metadata.deletionTimestamp, '2026-11-23T12:00:05Z');
    assert.equal(r2.object.metadata.deletionGracePeriodSeconds, 5);
    // grace 0 (the kubelet's final delete) removes it
    const r3 = store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 0 });
    assert.equal(r3.removed, true);
    assert.equal(store.get('Pod', 'default', 'p'), undefined);
  });

  test('pod: default grace is 30s; explicit grace wins over the spec', () => {
    store.create(pod('p', { nodeName: 'node', phase: 'Running' }));
    assert.equal(store.delete('Pod', 'default', 'p').object.metadata.deletionTimestamp, '2026-11-23T12:00:30Z');
    store.create(pod('q', { nodeName: 'node', phase: 'Running', grace: 60 }));
    assert.equal(store.delete('Pod', 'default', 'q', { gracePeriodSeconds: 3 }).object.metadata.deletionGracePeriodSeconds, 3);
  });

  test('pod: unscheduled or finished pods are removed at once', () => {
    store.create(pod('unscheduled'));
    store.create(pod('done', { nodeName: 'node', phase: 'Succeeded' }));
    store.create(pod('failed', { nodeName: 'node', phase: 'Failed' }));
    for (const n of ['unscheduled', 'done', 'failed']) {
      assert.equal(store.delete('Pod', 'default', n).removed, true, n);
      assert.equal(store.get('Pod', 'default', n), undefined);
    }
  });

  test('pod: grace 0 with finalizers only marks it', () => {
    store.create(pod('p', { nodeName: 'node', phase: 'Running', finalizers: ['batch.kubernetes.io/job-tracking'] }));
    const r = store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 0 });
    assert.equal(r.removed, false);
    assert.equal(r.object.metadata.deletionTimestamp, T0);
    assert.equal(r.object.metadata.deletionGracePeriodSeconds, 0);
    const cur = store.get('Pod', 'default', 'p')!;
    cur.metadata.finalizers = [];
    store.update(cur);
    assert.equal(store.get('Pod', 'default', 'p'), undefined);
  });

  test('pod: removing the last finalizer during the grace period keeps it until the kubelet deletes it with grace 0', () => {
    store.create(pod('p', { nodeName: 'node', phase: 'Running', grace: 30, finalizers: ['batch.kubernetes.io/job-tracking'] }));
    assert.equal(store.delete('Pod', 'default', 'p').removed, false);
    const cur = store.get('Pod', 'default', 'p')!;
    assert.equal(cur.metadata.deletionGracePeriodSeconds, 30);
    cur.metadata.finalizers = [];
    store.update(cur);
    const kept = store.get('Pod', 'default', 'p');
    assert.ok(kept?.metadata.deletionTimestamp, 'still terminating');
    assert.deepEqual(kept.metadata.finalizers ?? [], []);
    assert.equal(store.delete('Pod', 'default', 'p', { gracePeriodSeconds: 0 }).removed, true);
    assert.equal(store.get('Pod', 'default', 'p'), undefined);
  });

  test('namespace and cluster-scoped delete', () => {
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    assert.equal(store.delete('Namespace', undefined, 'team').removed, true);
    assert.equal(store.get('Namespace', undefined, 'team'), undefined);
  });
});

describe('change log', () => {
  test('every write is logged in rv order; changesSince filters and limits', () => {
    const j = store.create(job('pi')); // 1
    j.metadata.labels = { a: 'b' };
    store.update(j); // 2
    store.create(pod('p')); // 3
    store.delete('Job', 'default', 'pi'); // 4
    const all = store.changesSince(0);
    assert.deepEqual(
      all.map((c: Change) => [c.rv, c.type, c.kind, c.namespace, c.name]),
      [
        [1, 'ADDED', 'Job', 'default', 'pi'],
        [2, 'MODIFIED', 'Job', 'default', 'pi'],
        [3, 'ADDED', 'Pod', 'default', 'p'],
        [4, 'DELETED', 'Job', 'default', 'pi'],
      ],
    );
    for (const c of all) assert.equal(c.object.metadata.resourceVersion, String(c.rv));
    assert.deepEqual(all[3].object.metadata.labels, { a: 'b' }); // last state
    assert.equal(all[3].uid, j.metadata.uid);
    assert.deepEqual(store.changesSince(2).map((c) => c.rv), [3, 4]);
    assert.deepEqual(store.changesSince(0, 2).map((c) => c.rv), [1, 2]);
    assert.deepEqual(store.changesSince(4), []);
    assert.equal(store.currentRV(), 4);
    assert.equal(store.oldestChangeRV(), 1);
  });

  test('the change log is trimmed to the last CHANGE_LOG_KEEP entries', () => {
    store.transaction(() => {
      const ns = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', annotations: { i: '0' } } });
      for (let i = 1; i < CHANGE_LOG_KEEP + 1000; i++) {
        ns.metadata.annotations!.i = String(i);
        delete (ns.metadata as any).resourceVersion;
        store.update(ns);
      }
    });
    const rv = store.currentRV();
    assert.equal(rv, CHANGE_LOG_KEEP + 1000);
    const oldest = store.oldestChangeRV();
    assert.ok(oldest > 1 && oldest <= rv - CHANGE_LOG_KEEP + 1, `oldest ${oldest}`);
    assert.equal(store.changesSince(0, 1)[0].rv, oldest);
    assert.equal(store.changesSince(rv - 1)[0].object.metadata.annotations!.i, String(rv - 1));
  });

  test('cluster-scoped changes have namespace ""', () => {
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    assert.equal(store.changesSince(0)[0].namespace, '');
  });

  test('a failed transaction leaves nothing behind', () => {
    assert.throws(() =>
      store.transaction(() => {
        store.create(job('a'));
        store.create(job('b'));
        throw new Error('boom');
      }),
    );
    assert.equal(store.currentRV(), 0);
    assert.deepEqual(store.list('Job'), []);
    assert.deepEqual(store.changesSince(0), []);
  });

  test('nested transactions join the outer one; a caught inner failure keeps the rest', () => {
    store.transaction(() => {
      store.create(job('a'));
      assert.throws(() => store.create(job('a')));
      store.transaction(() => store.create(job('b')));
    });
    assert.deepEqual(store.list('Job').map((j) => j.metadata.name), ['a', 'b']);
    assert.equal(store.currentRV(), 2);
  });
});

describe('events', () => {
  test('recordEvent creates a core/v1 Event', () => {
    const j = store.create(job('pi'));
    store.recordEvent(j, 'Normal', 'SuccessfulCreate', 'Created pod: pi-abcde', { component: 'job-controller' });
    const [ev] = store.list('Event');
    assert.match(ev.metadata.name!, /^pi\.[0-9a-f]{16}$/);
    assert.equal(ev.metadata.namespace, 'default');
    assert.deepEqual(ev.involvedObject, { kind: 'Job', namespace: 'default', name: 'pi', uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: '1' });
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
    const p = store.create(pod('p', { ns: 'team' }));
    const src = { component: 'kubelet', host: 'node' };
    store.recordEvent(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', src, 'spec.containers{c}');
    clock.step(10_000);
    store.recordEvent(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', src, 'spec.containers{c}');
    clock.step(20_000);
    store.recordEvent(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', src, 'spec.containers{c}');
    // different reason, message or fieldPath → separate events
    store.recordEvent(p, 'Normal', 'Pulled', 'Container image "busybox" already present on machine', src, 'spec.containers{c}');
    store.recordEvent(p, 'Warning', 'BackOff', 'Back-off restarting failed container c', src, 'spec.containers{d}');
    const evs = store.list('Event', { namespace: 'team' });
    assert.equal(evs.length, 3);
    const backoff = evs.find((e) => e.reason === 'BackOff' && (e.involvedObject as any).fieldPath === 'spec.containers{c}')!;
    assert.equal(backoff.count, 3);
    assert.equal(backoff.firstTimestamp, T0);
    assert.equal(backoff.lastTimestamp, '2026-11-23T12:00:30Z');
    assert.deepEqual(backoff.source, { component: 'kubelet', host: 'node' });
    assert.equal(backoff.reportingInstance, 'node');
    assert.equal(store.list('Event', { namespace: 'default' }).length, 0);
  });

  test('events about a cluster-scoped object go to default; same-instant events get distinct names', () => {
    const ns = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    for (let i = 0; i < 20; i++) store.recordEvent(ns, 'Normal', 'R', `m${i}`, { component: 'c' });
    const evs = store.list('Event', { namespace: 'default' });
    assert.equal(evs.length, 20);
    assert.equal(new Set(evs.map((e) => e.metadata.name)).size, 20);
    assert.equal((evs[0].involvedObject as any).namespace, undefined);
  });

  test('pruneEvents deletes events older than the TTL', () => {
    const j = store.create(job('pi'));
    store.recordEvent(j, 'Normal', 'Old', 'old', { component: 'c' });
    clock.step(3000_000);
    store.recordEvent(j, 'Normal', 'New', 'new', { component: 'c' });
    clock.step(1000_000);
    assert.equal(store.pruneEvents(), 1);
    assert.deepEqual(store.list('Event').map((e) => e.reason), ['New']);
  });
});

describe('meta', () => {
  test('getMeta/setMeta', () => {
    assert.equal(store.getMeta('x'), undefined);
    store.setMeta('x', '1');
    store.setMeta('x', '2');
    assert.equal(store.getMeta('x'), '2');
    assert.equal(store.currentRV(), 0);
  });
});

describe('concurrency', () => {
  test('two Store instances on one file see each other and detect conflicts', () => {
    const other = Store.open(home, { clock });
    try {
      const a = store.create(job('pi'));
      const b = other.get('Job', 'default', 'pi')!;
      assert.deepEqual(a, b);
      b.metadata.labels = { by: 'other' };
      other.update(b);
      a.metadata.labels = { by: 'store' };
      assert.match(statusReason(() => store.update(a)), /^Conflict/);
      other.create(pod('p'));
      assert.equal(store.currentRV(), 3);
      assert.deepEqual(store.changesSince(0).map((c) => c.rv), [1, 2, 3]);
    } finally {
      other.close();
    }
  });

  test('two processes doing read-modify-write in transactions lose no update', async () => {
    const c = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'counter', annotations: { n: '0' } } });
    assert.ok(c);
    const storeUrl = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'store.ts')).href;
    const script = path.join(home, 'worker.ts');
    fs.writeFileSync(
      script,
      `import { Store } from ${JSON.stringify(storeUrl)};
const s = Store.open(process.argv[2]);
for (let i = 0; i < 100; i++) {
  s.transaction(() => {
    const ns = s.get('Namespace', undefined, 'counter');
    ns.metadata.annotations.n = String(Number(ns.metadata.annotations.n) + 1);
    s.update(ns);
  });
  s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'w-' }, spec: {} });
}
s.close();
`,
    );
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, home], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`worker exited ${code}: ${err}`))));
      });
    await Promise.all([run(), run()]);
    const ns = store.get('Namespace', undefined, 'counter')!;
    assert.equal(ns.metadata.annotations!.n, '200');
    assert.equal(store.list('Pod').length, 200);
    assert.equal(store.currentRV(), 1 + 400);
    const rvs = store.changesSince(0).map((c) => c.rv);
    assert.deepEqual(rvs, Array.from({ length: 401 }, (_, i) => i + 1));
  });
});

describe('crash safety', () => {
  test('a process killed inside a transaction leaves no trace', async () => {
    store.create(job('before'));
    const storeUrl = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'store.ts')).href;
    const script = path.join(home, 'killed.ts');
    fs.writeFileSync(
      script,
      `import { Store } from ${JSON.stringify(storeUrl)};
const s = Store.open(process.argv[2]);
s.transaction(() => {
  s.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'half-1' }, spec: {} });
  s.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'half-2' }, spec: {} });
  process.kill(process.pid, 'SIGKILL');
});
`,
    );
    const signal = await new Promise<string | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, home], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (_code, sig) => resolve(sig));
    });
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(store.list('Job').map((j) => j.metadata.name), ['before']);
    assert.equal(store.currentRV(), 1);
    // and the file is writable again at once
    store.create(job('after'));
    assert.equal(store.currentRV(), 2);
  });
});

describe('performance shape', () => {
  test('list of 1000 pods', () => {
    store.transaction(() => {
      for (let i = 0; i < 1000; i++) store.create(pod(`p-${String(i).padStart(4, '0')}`, { nodeName: 'node', phase: 'Running' }));
    });
    const t = process.hrtime.bigint();
    const pods = store.list('Pod');
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    assert.equal(pods.length, 1000);
    assert.equal(pods[0].metadata.name, 'p-0000');
    assert.ok(ms < 1000, `list took ${ms}ms`);
  });
});
