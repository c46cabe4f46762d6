import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { Store, SCHEMA_VERSION, CHANGE_LOG_KEEP, MAX_OBJECT_BYTES, refKey, type Change } from './store.js';
import type { KObject, Kind } from '../api/types.js';
import { StatusError, UserError } from '../errors.js';
import { tempDir } from '../util/testing.js';
import { commitNoticesPath } from './change_notices.js';

// The store keeps what it is given: names, namespaces and uids are the apiserver's to set
// (src/apiserver); these objects come with them.
let uids = 0;

function tmpHome(): string {
  return tempDir('store');
}

function job(name: string, extra: Partial<KObject> = {}): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default', uid: `uid-${++uids}`, ...(extra.metadata ?? {}) },
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
      namespace: opts.ns ?? 'default',
      uid: `uid-${++uids}`,
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
let store: Store;

beforeEach(() => {
  home = tmpHome();
  store = Store.open(home);
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
    store = Store.open(home);
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
    store = Store.open(tmpHome()); // for afterEach
  });

  test('a newer schema version is refused', () => {
    store.close();
    const db = new Database(path.join(home, 'state.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => Store.open(home), (e: unknown) => e instanceof UserError && e.message.includes(`newer kjob (schema version ${SCHEMA_VERSION + 1};`));
    store = Store.open(tmpHome());
  });

  test('a version 1 file is migrated: Events and Pods get their reference index', () => {
    const h = tmpHome();
    const s1 = Store.open(h);
    s1.create({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default', uid: 'e1' }, involvedObject: { uid: 'pod-1' }, reason: 'R' } as never);
    s1.close();
    const db = new Database(path.join(h, 'state.db'));
    db.exec(`UPDATE objects SET aggkey = NULL; DROP INDEX objects_by_ref; CREATE INDEX objects_by_aggkey ON objects(aggkey) WHERE aggkey IS NOT NULL`);
    db.pragma('user_version = 1');
    db.close();
    const s2 = Store.open(h);
    assert.deepEqual(s2.list('Event', { namespace: 'default', fields: { 'involvedObject.uid': 'pod-1' } }).map((e) => e.metadata.name), ['e1']);
    s2.close();
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
  test('create stores the object as given, with the next resourceVersion', () => {
    const input = job('pi', { metadata: { labels: { a: 'b' } } as never });
    const out = store.create(input);
    assert.equal(out.metadata.resourceVersion, '1');
    assert.equal(out.metadata.uid, input.metadata.uid);
    assert.equal(out.metadata.creationTimestamp, undefined, 'timestamps are the apiserver\'s');
    assert.equal(out.metadata.generation, undefined);
    assert.deepEqual(store.get('Job', 'default', 'pi'), out);
    assert.equal(store.get('Job', 'other', 'pi'), undefined);
    assert.equal(store.get('Pod', 'default', 'pi'), undefined);
  });

  test('cluster-scoped objects have no namespace key; a namespaced one without a namespace is a bug', () => {
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', uid: 'u' } });
    assert.equal(store.get('Namespace', undefined, 'team')?.metadata.name, 'team');
    assert.throws(() => store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }), /without a namespace/);
    assert.throws(() => store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default' } }), /without a name/);
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

  test('an object larger than etcd takes is refused, as etcd refuses it', () => {
    const big = job('big', { metadata: { annotations: { a: 'x'.repeat(MAX_OBJECT_BYTES) } } as never });
    assert.equal(statusReason(() => store.create(big)), 'Unknown: etcdserver: request is too large');
    assert.equal(store.get('Job', 'default', 'big'), undefined);
  });

  test('list is sorted in etcd key order and filters by namespace, labels and exact field values', () => {
    for (const [ns, name] of [['b', 'z'], ['a', 'y'], ['a-b', 'x'], ['a', 'b'], ['default', 'q']]) {
      store.create(pod(name, { ns, labels: { app: name === 'y' || name === 'x' ? 'keep' : 'drop' } }));
    }
    const keys = (objs: KObject[]) => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    // "a-b/x" < "a/b" byte-wise ('-' < '/'), as etcd orders them
    assert.deepEqual(keys(store.list('Pod')), ['a-b/x', 'a/b', 'a/y', 'b/z', 'default/q']);
    assert.deepEqual(keys(store.list('Pod', { namespace: 'a' })), ['a/b', 'a/y']);
    assert.deepEqual(keys(store.list('Pod', { labelSelector: (l) => l.app === 'keep' })), ['a-b/x', 'a/y']);
    assert.deepEqual(keys(store.list('Pod', { fields: { 'metadata.labels.app': 'keep' } })), ['a-b/x', 'a/y']);
    assert.deepEqual(keys(store.list('Pod', { namespace: 'a', fields: { 'metadata.name': 'y' } })), ['a/y']);
    assert.deepEqual(store.list('Job'), []);
  });

  test('Events by involvedObject.uid come from the reference index, in key order, following updates', () => {
    const ev = (name: string, ns: string, uid: string, reason = 'R') =>
      ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns, uid: `u-${name}` }, involvedObject: { uid }, reason }) as never as KObject;
    for (const [n, ns, uid] of [['b', 'default', 'p1'], ['a', 'default', 'p1'], ['c', 'default', 'p2'], ['d', 'other', 'p1']]) store.create(ev(n, ns, uid));
    const names = (objs: KObject[]) => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    assert.deepEqual(names(store.list('Event', { namespace: 'default', fields: { 'involvedObject.uid': 'p1' } })), ['default/a', 'default/b']);
    assert.deepEqual(names(store.list('Event', { fields: { 'involvedObject.uid': 'p1' } })), ['default/a', 'default/b', 'other/d']);
    assert.deepEqual(names(store.list('Event', { namespace: 'default', fields: { 'involvedObject.uid': 'p1', reason: 'X' } })), []);
    const a = store.get('Event', 'default', 'a')!;
    store.update({ ...a, involvedObject: { uid: 'p2' } } as KObject);
    assert.deepEqual(names(store.list('Event', { namespace: 'default', fields: { 'involvedObject.uid': 'p2' } })), ['default/a', 'default/c']);
  });

  test("Pods by their controller's uid (ref) come from the reference index, in key order; other owners do not count", () => {
    const pod = (name: string, ns: string, owners: { uid: string; controller?: boolean }[]) =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, uid: `u-${name}`, ownerReferences: owners.map((o) => ({ apiVersion: 'batch/v1', kind: 'Job', name: 'j', ...o })) } }) as KObject;
    store.create(pod('b', 'default', [{ uid: 'j1', controller: true }]));
    store.create(pod('a', 'default', [{ uid: 'j1', controller: true }]));
    store.create(pod('c', 'default', [{ uid: 'j1' }, { uid: 'j2', controller: true }]));
    store.create(pod('d', 'other', [{ uid: 'j1', controller: true }]));
    const names = (objs: KObject[]) => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    assert.deepEqual(names([...store.listByRefShared('Pod', 'default', 'j2')]), ['default/c']);
    assert.deepEqual(names([...store.listByRefShared('Pod', 'other', 'j1')]), ['other/d']);
    assert.deepEqual(names([...store.listByRefShared('Pod', 'default', 'j3')]), []);
    // Shared: the same frozen objects while they are unchanged, the new version once one changes.
    const first = store.listByRefShared('Pod', 'default', 'j1');
    assert.deepEqual(names([...first]), ['default/a', 'default/b']);
    assert.ok(Object.isFrozen(first[0]) && Object.isFrozen(first[0].metadata.ownerReferences![0]));
    const b = store.get('Pod', 'default', 'b')!;
    store.update({ ...b, metadata: { ...b.metadata, labels: { x: '1' } } });
    const second = store.listByRefShared('Pod', 'default', 'j1');
    assert.equal(second[0], first[0]);
    assert.notEqual(second[1], first[1]);
    assert.deepEqual(second[1].metadata.labels, { x: '1' });
  });

  test('a write whose caller only reads its result (share) keeps it, frozen, as its version\'s shared object; a rollback forgets it', () => {
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `u-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j1', controller: true }] } }) as KObject;
    const created = store.create(pod('a'), { share: true });
    assert.ok(Object.isFrozen(created) && Object.isFrozen(created.metadata.ownerReferences![0]));
    assert.equal(store.getShared('Pod', 'default', 'a'), created);
    assert.equal(store.listByRefShared('Pod', 'default', 'j1')[0], created);
    const updated = store.update({ ...created, metadata: { ...created.metadata, labels: { x: '1' } } }, {}, { share: true });
    assert.equal(store.getShared('Pod', 'default', 'a'), updated);
    assert.deepEqual(updated.metadata.labels, { x: '1' });
    const plain = store.update({ ...updated, metadata: { ...updated.metadata, labels: { x: '2' } } });
    assert.equal(Object.isFrozen(plain), false, 'without share the result is the caller\'s own');
    // The informer reading back what this connection wrote: the shared versions, not parsed again.
    const changes = store.changesSince(Number(created.metadata.resourceVersion) - 1);
    assert.deepEqual(changes.map((c) => c.type), ['ADDED', 'MODIFIED', 'MODIFIED']);
    assert.equal(changes[0].object, created);
    assert.equal(changes[1].object, updated);
    assert.deepEqual(changes[2].object, plain);
    assert.equal(Object.isFrozen(changes[2].object), false);
    const again = store.changesSince(Number(created.metadata.resourceVersion) - 1);
    assert.notEqual(again[1].object, updated, 'given once: read again, a change is parsed');
    assert.deepEqual(again[1].object, updated);
    assert.notEqual(store.getShared('Pod', 'default', 'a'), plain);
    let kept: KObject | undefined;
    assert.throws(() =>
      store.transaction(() => {
        kept = store.update({ ...plain, metadata: { ...plain.metadata, labels: { x: '3' } } }, {}, { share: true });
        throw new Error('rolled back');
      }),
    );
    assert.deepEqual(store.getShared('Pod', 'default', 'a')!.metadata.labels, { x: '2' });
    // The next write takes the rolled-back one's resourceVersion: its object, not the one rolled back.
    const next = store.update({ ...plain, metadata: { ...plain.metadata, labels: { x: '4' } } });
    assert.equal(next.metadata.resourceVersion, kept!.metadata.resourceVersion);
    assert.deepEqual(store.getShared('Pod', 'default', 'a')!.metadata.labels, { x: '4' });
  });

  test("a controller's pods without those leaveOut says yes to: asked once per version, asked again once one changes or is rolled back", () => {
    const pod = (name: string, phase: string) =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `u-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j1', controller: true }] }, status: { phase } }) as KObject;
    const asked: string[] = [];
    const done = (o: KObject) => {
      asked.push(`${o.metadata.name}@${o.metadata.resourceVersion}`);
      return (o.status as { phase?: string }).phase === 'Done';
    };
    const listed = () => store.listByRefShared('Pod', 'default', 'j1', done).map((o) => o.metadata.name);
    store.create(pod('a', 'Done'));
    store.create(pod('b', 'Running'));
    store.create(pod('c', 'Done'));
    assert.deepEqual(listed(), ['b']);
    assert.equal(asked.length, 3);
    asked.length = 0;
    assert.deepEqual(listed(), ['b']);
    assert.deepEqual(asked, ['b@2'], 'a version left out is not looked at again; one listed is');
    // Without leaveOut (or with another function) every pod is listed.
    assert.deepEqual(store.listByRefShared('Pod', 'default', 'j1').map((o) => o.metadata.name), ['a', 'b', 'c']);
    asked.length = 0;
    assert.deepEqual(store.listByRefShared('Pod', 'default', 'j1', (o) => done(o) && o.metadata.name === 'a').map((o) => o.metadata.name), ['b', 'c']);
    // A left-out pod that changes is asked about again.
    const a = store.get('Pod', 'default', 'a')!;
    store.update({ ...a, status: { phase: 'Running' } });
    asked.length = 0;
    assert.deepEqual(listed(), ['a', 'b']);
    assert.deepEqual(asked, ['a@4', 'b@2']);
    // A verdict given inside a rolled-back transaction does not outlive it.
    assert.throws(() => store.transaction(() => {
      const b = store.get('Pod', 'default', 'b')!;
      store.update({ ...b, status: { phase: 'Done' } });
      assert.deepEqual(listed(), ['a']);
      throw new Error('no');
    }), /no/);
    assert.deepEqual(listed(), ['a', 'b']);
    // Another connection's commit: the index is read again, and each version asked about again.
    const other = Store.open(home);
    try {
      const b = other.get('Pod', 'default', 'b')!;
      other.update({ ...b, status: { phase: 'Done' } });
    } finally {
      other.close();
    }
    asked.length = 0;
    assert.deepEqual(listed(), ['a']);
    assert.deepEqual(asked.sort(), ['a@4', 'b@5', 'c@3']);
  });

  test("a controller's pods follow this connection's creates, updates and deletes, another connection's commits, and rollbacks", () => {
    const pod = (name: string, owner: string) =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `u-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: owner, controller: true }] } }) as KObject;
    const names = (ref: string) => store.listByRefShared('Pod', 'default', ref).map((o) => o.metadata.name);
    // What the objects table says, by a query of its own each time: each object at its version
    // (the index's entries, and the shared objects read through them, must follow every write).
    const versions = (objs: readonly KObject[]) => objs.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}:${JSON.stringify(o.metadata.labels ?? {})}`);
    const fromTable = (ref: string) => versions(store.list('Pod', { namespace: 'default' }).filter((o) => refKey(o) === ref));
    const check = () => {
      for (const ref of ['j1', 'j2']) assert.deepEqual(versions(store.listByRefShared('Pod', 'default', ref)), fromTable(ref), ref);
    };
    store.create(pod('m', 'j1'));
    store.create(pod('c', 'j1'));
    check(); // read into the index
    store.create(pod('a', 'j1'));
    store.create(pod('z', 'j1'));
    assert.deepEqual(names('j1'), ['a', 'c', 'm', 'z']);
    const c = store.get('Pod', 'default', 'c')!;
    store.update({ ...c, metadata: { ...c.metadata, ownerReferences: [{ ...c.metadata.ownerReferences![0], uid: 'j2' }] } });
    check();
    const m = store.get('Pod', 'default', 'm')!;
    store.update({ ...m, metadata: { ...m.metadata, labels: { x: '1' } } });
    assert.deepEqual(store.listByRefShared('Pod', 'default', 'j1')[1].metadata.labels, { x: '1' }, 'the new version');
    check();
    const relabel = (conn: Store, x: string) => {
      const cur = conn.get('Pod', 'default', 'm')!;
      conn.update({ ...cur, metadata: { ...cur.metadata, labels: { x } } });
    };
    relabel(store, '2');
    check();
    // Another connection's update of a listed pod, with nothing else changed: its new version.
    const again = Store.open(home);
    try {
      relabel(again, '3');
    } finally {
      again.close();
    }
    check();
    store.delete('Pod', 'default', 'a');
    check();
    // Another connection's commit: the index is read again.
    const other = Store.open(home);
    try {
      other.create(pod('b', 'j1'));
      other.delete('Pod', 'default', 'z');
    } finally {
      other.close();
    }
    assert.deepEqual(names('j1'), ['b', 'm']);
    check();
    // Rolled back, the whole transaction or a savepoint in it: not in the index.
    assert.throws(() => store.transaction(() => { store.create(pod('r', 'j1')); assert.deepEqual(names('j1'), ['b', 'm', 'r']); throw new Error('no'); }), /no/);
    check();
    // A version listed inside a rolled-back transaction is not listed after it.
    assert.throws(() => store.transaction(() => {
      relabel(store, 'gone');
      assert.deepEqual(store.listByRefShared('Pod', 'default', 'j1')[1].metadata.labels, { x: 'gone' });
      throw new Error('no');
    }), /no/);
    check();
    store.transaction(() => {
      assert.throws(() => store.transaction(() => { store.delete('Pod', 'default', 'b'); throw new Error('no'); }), /no/);
      check();
      store.create(pod('s', 'j2'));
    });
    assert.deepEqual(names('j2'), ['c', 's']);
    check();
    // A write of its own transaction that fails after it noted the reference (here at its view):
    // rolled back as a transaction() is, and not in the index either.
    const writable = store as unknown as { writeView: () => void };
    const writeView = writable.writeView;
    writable.writeView = () => { throw new Error('no view'); };
    try {
      assert.throws(() => store.create(pod('v', 'j1')), /no view/);
    } finally {
      writable.writeView = writeView;
    }
    check();
  });

  test('a rolled-back version is not served from the shared cache, whether the transaction or only a savepoint in it was rolled back', () => {
    const ns = (name: string, label: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { v: label } } }) as KObject;
    const fail = (fn: () => void) => assert.throws(() => store.transaction(() => { fn(); throw new Error('rolled back'); }), /rolled back/);
    // The row id and the resourceVersion a rolled-back create used are used again by the next one.
    fail(() => assert.equal(store.getShared('Namespace', undefined, store.create(ns('a', 'gone')).metadata.name!)!.metadata.labels!.v, 'gone'));
    store.create(ns('a', 'kept'));
    assert.equal(store.getShared('Namespace', undefined, 'a')!.metadata.labels!.v, 'kept');
    store.transaction(() => {
      fail(() => assert.equal(store.getShared('Namespace', undefined, store.create(ns('b', 'gone')).metadata.name!)!.metadata.labels!.v, 'gone'));
      store.create(ns('b', 'kept'));
      assert.equal(store.getShared('Namespace', undefined, 'b')!.metadata.labels!.v, 'kept');
    });
  });

  test("getShared reads an object's version by SQL once, then follows this connection's writes, and reads again once another connection has committed", () => {
    const ns = (name: string, label: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { v: label } } }) as KObject;
    const stmt = (store as unknown as { s: { idVersionByKey: { get: (...a: unknown[]) => unknown } } }).s.idVersionByKey;
    let lookups = 0;
    const get = stmt.get.bind(stmt);
    stmt.get = (...a: unknown[]) => {
      lookups++;
      return get(...a);
    };
    const label = () => store.getShared('Namespace', undefined, 'team')?.metadata.labels?.v;
    store.create(ns('team', 'created'));
    assert.equal(label(), 'created');
    assert.equal(label(), 'created');
    store.update({ ...store.get('Namespace', undefined, 'team')!, metadata: { name: 'team', labels: { v: 'updated' } } });
    assert.equal(label(), 'updated');
    assert.equal(lookups, 1, 'one lookup: the second and the one after its own write were not');
    const other = Store.open(home);
    try {
      other.update({ ...other.get('Namespace', undefined, 'team')!, metadata: { name: 'team', labels: { v: 'other' } } });
      assert.equal(label(), 'other');
      assert.equal(lookups, 2);
      other.delete('Namespace', undefined, 'team');
      assert.equal(label(), undefined);
      other.create(ns('team', 'again'));
      assert.equal(label(), 'again');
    } finally {
      other.close();
    }
    store.delete('Namespace', undefined, 'team');
    assert.equal(label(), undefined, 'deleted by this connection');
  });

  test('one object shared and frozen while its version stands, the new one once it changes, none once deleted', () => {
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KObject);
    const first = store.getShared('Namespace', undefined, 'team')!;
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.metadata));
    assert.equal(store.getShared('Namespace', undefined, 'team'), first);
    store.update({ ...store.get('Namespace', undefined, 'team')!, metadata: { ...first.metadata, labels: { x: '1' } } });
    const second = store.getShared('Namespace', undefined, 'team')!;
    assert.notEqual(second, first);
    assert.deepEqual(second.metadata.labels, { x: '1' });
    store.delete('Namespace', undefined, 'team');
    assert.equal(store.getShared('Namespace', undefined, 'team'), undefined);
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

  test('preconditions: uid and resourceVersion', () => {
    const j = store.create(job('pi'));
    assert.match(statusReason(() => store.update(j, { uid: 'other' })), /^Conflict: Operation cannot be fulfilled on jobs\.batch "pi": Precondition failed: UID in precondition: other, UID in object meta: uid-/);
    assert.equal(
      statusReason(() => store.update({ ...j, metadata: { ...j.metadata, resourceVersion: undefined } }, { resourceVersion: '7' })),
      'Conflict: Operation cannot be fulfilled on jobs.batch "pi": Precondition failed: ResourceVersion in precondition: 7, ResourceVersion in object meta: 1',
    );
  });

  test('NotFound', () => {
    assert.equal(statusReason(() => store.update(job('nope'))), 'NotFound: jobs.batch "nope" not found');
  });

  test('an update that changes nothing does not write', () => {
    const created = store.create(job('pi'));
    const rv = store.currentRV();
    const same = store.update(JSON.parse(JSON.stringify(created)));
    assert.equal(store.currentRV(), rv);
    assert.deepEqual(same, created);
    assert.equal(store.changesSince(rv).length, 0);
    // The same object with its keys in another order is the same object.
    const reordered = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(created))).reverse()) as typeof created;
    store.update(reordered);
    assert.equal(store.currentRV(), rv);
    // A change that keeps the text's length is still a change.
    const other = JSON.parse(JSON.stringify(created));
    other.spec.template.spec.containers[0].image = 'busyfox';
    assert.equal(JSON.stringify(other).length, JSON.stringify(created).length);
    store.update(other);
    assert.equal(store.currentRV(), rv + 1);
  });
});

describe('delete', () => {
  test('NotFound, preconditions, and the last state in the change log', () => {
    assert.equal(statusReason(() => store.delete('Job', 'default', 'pi')), 'NotFound: jobs.batch "pi" not found');
    const j = store.create(job('pi'));
    assert.match(statusReason(() => store.delete('Job', 'default', 'pi', { preconditions: { uid: 'x' } })), /Precondition failed: UID in precondition: x/);
    assert.ok(store.get('Job', 'default', 'pi'));
    const last = { ...j, metadata: { ...j.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const out = store.delete('Job', 'default', 'pi', { preconditions: { uid: j.metadata.uid }, lastState: last });
    assert.equal(out.metadata.deletionTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(store.get('Job', 'default', 'pi'), undefined);
    const c = store.changesSince(0).at(-1)!;
    assert.equal(c.type, 'DELETED');
    assert.equal(c.object.metadata.resourceVersion, String(c.rv));
    assert.equal(c.object.metadata.deletionTimestamp, '2026-01-01T00:00:00Z');
  });

  test('cluster-scoped delete', () => {
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', uid: 'u' } });
    store.delete('Namespace', undefined, 'team');
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
    // One kind's: read through the last rv, or through the last one returned when limited.
    const of = (rv: number, kind: Kind, limit?: number) => {
      const r = store.changesOfKindSince(rv, kind, limit);
      return [r.changes.map((c) => c.rv), r.through];
    };
    assert.deepEqual(of(0, 'Job'), [[1, 2, 4], 4]);
    assert.deepEqual(of(0, 'Pod'), [[3], 4]);
    assert.deepEqual(of(0, 'Job', 2), [[1, 2], 2]);
    assert.deepEqual(of(3, 'Pod'), [[], 4]);
    assert.equal(store.currentRV(), 4);
    assert.equal(store.oldestChangeRV(), 1);
    assert.equal(store.previousChange(j.metadata.uid!, 4)?.rv, 2);
    assert.equal(store.previousChange(j.metadata.uid!, 2)?.rv, 1);
    assert.equal(store.previousChange(j.metadata.uid!, 1), undefined);
  });

  test('the change log is trimmed to the last CHANGE_LOG_KEEP entries', () => {
    store.transaction(() => {
      const ns = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', uid: 'u', annotations: { i: '0' } } });
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
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', uid: 'u' } });
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

  test('the resourceVersions a transaction takes: consecutive, stored by its commit, given back by its rollback or its savepoint\'s', () => {
    const other = Store.open(home);
    try {
      store.transaction(() => {
        assert.equal(store.create(job('a')).metadata.resourceVersion, '1');
        assert.equal(store.create(job('b')).metadata.resourceVersion, '2');
        assert.equal(store.currentRV(), 2, 'the counter as this transaction sees it');
        assert.throws(() =>
          store.transaction(() => {
            store.create(job('c'));
            throw new Error('the savepoint fails');
          }),
        );
        assert.equal(store.currentRV(), 2, 'the savepoint took 3 and gave it back');
        assert.equal(store.create(job('d')).metadata.resourceVersion, '3');
      });
      assert.equal(other.currentRV(), 3, 'the commit stored the last one');
      assert.deepEqual(other.changesSince(0).map((c) => `${c.rv} ${c.name}`), ['1 a', '2 b', '3 d']);
      assert.throws(() =>
        store.transaction(() => {
          store.create(job('e'));
          store.create(job('f'));
          throw new Error('the transaction fails');
        }),
      );
      assert.equal(store.currentRV(), 3, 'the rollback gave back 4 and 5');
      assert.equal(store.create(job('g')).metadata.resourceVersion, '4');
      assert.equal(other.create(job('h')).metadata.resourceVersion, '5', 'another connection counts on from the stored counter');
    } finally {
      other.close();
    }
  });

  test('the resourceVersions of a savepoint that took the first of its transaction go back with it', () => {
    store.transaction(() => {
      assert.throws(() =>
        store.transaction(() => {
          store.create(job('a'));
          throw new Error('the savepoint fails');
        }),
      );
      assert.equal(store.currentRV(), 0);
      assert.equal(store.create(job('b')).metadata.resourceVersion, '1');
    });
    assert.equal(store.currentRV(), 1);
  });

  test('a transaction SQLite rolled back on its own (an I/O error), under a body that goes on: the store refuses the body everything, and undoes with it', () => {
    const other = Store.open(home);
    try {
      const db = (store as unknown as { db: { exec(sql: string): void } }).db;
      const told: boolean[] = [];
      store.create(pod('p'));
      assert.throws(
        () =>
          store.transaction(() => {
            store.create(job('a'));
            store.afterTransaction((committed) => told.push(committed));
            db.exec('ROLLBACK'); // as SQLite does on its own after an I/O error
            assert.deepEqual(told, [], 'not told before the store sees the rollback');
            // The body caught the error and goes on: its next use of the store fails.
            assert.throws(() => store.create(job('b')), /transaction was rolled back after an earlier error/);
            assert.deepEqual(told, [false], 'told of the rollback once the store has seen it');
            assert.throws(() => store.currentRV(), /rolled back/);
            // Told, not refused: a caller's cleanup in a finally runs, and the error that rolled it back is the one reported.
            store.afterTransaction((committed) => told.push(committed));
            assert.deepEqual(told, [false, false]);
            assert.equal(other.create(job('c')).metadata.resourceVersion, '2', 'another connection counts on from the stored counter');
          }),
        /rolled back after an earlier error/,
      );
      assert.deepEqual(told, [false, false]);
      assert.deepEqual(other.changesSince(0).map((c) => `${c.rv} ${c.name}`), ['1 p', '2 c']);
      assert.equal(store.create(job('d')).metadata.resourceVersion, '3', 'the next transaction is the store\'s as before');
      assert.throws(
        () =>
          store.transaction(() => {
            store.create(job('f'));
            store.create(job('g'));
            db.exec('ROLLBACK'); // and nothing used after it
          }),
        /rolled back after an earlier error/,
      );
      assert.equal(other.currentRV(), 3, 'the counter the rolled-back transaction counted on is not stored after it');
      assert.equal(other.create(job('h')).metadata.resourceVersion, '4');
    } finally {
      other.close();
    }
  });

  test("oneWrite: its own transaction at the top (all or nothing), the caller's without a savepoint inside one", () => {
    assert.throws(() =>
      store.oneWrite(() => {
        store.create(job('a'));
        throw new Error('refused after writing');
      }),
    );
    assert.deepEqual(store.list('Job'), []);
    // Inside a transaction nothing of it is undone on its own: a body that wrote before it threw
    // would leave that write in the caller's transaction (so a body writes at most once, last).
    store.transaction(() => {
      assert.throws(() =>
        store.oneWrite(() => {
          store.create(job('b'));
          throw new Error('refused after writing');
        }),
      );
      assert.throws(() => store.oneWrite(() => store.create(job('b'))), /already exists/);
      store.oneWrite(() => store.create(job('c')));
    });
    assert.deepEqual(store.list('Job').map((j) => j.metadata.name), ['b', 'c']);
  });

  test("savepoints keep their journal in memory: no temp file outside the state directory", () => {
    // SQLite opens a temp file and unlinks it at once: only this process's descriptors show it.
    const tempFiles = () =>
      fs.readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          return [fs.readlinkSync(`/proc/self/fd/${fd}`)].filter((l) => l.includes('etilqs_'));
        } catch {
          return [];
        }
      });
    for (let i = 0; i < 100; i++) store.create(job(`j${i}`, { metadata: { name: `j${i}`, namespace: 'default', uid: `u${i}`, annotations: { pad: 'x'.repeat(2000) } } }));
    store.transaction(() =>
      // A nested transaction is a savepoint: its journal holds the pages stored before it that it
      // changes (here more than the 64 KiB SQLite keeps in memory by default).
      store.transaction(() => {
        for (const j of store.list('Job')) store.update({ ...j, metadata: { ...j.metadata, labels: { n: '1' } } });
        assert.deepEqual(tempFiles(), []);
      }),
    );
    assert.equal(store.list('Job').filter((j) => j.metadata.labels?.n === '1').length, 100);
  });
});

describe('watches', () => {
  test("a committed write touches the commit notice file, which the state directory's watches listen to; a refused one does not", () => {
    const notices = commitNoticesPath(store.home);
    store.create(job('first'));
    fs.utimesSync(notices, 0, 0);
    assert.throws(() => store.create(job('first')), (e: unknown) => e instanceof StatusError && e.reason === 'AlreadyExists');
    assert.equal(fs.statSync(notices).mtimeMs, 0, 'a refused write sent a notice');
    const before = Date.now();
    store.create(job('second'));
    assert.ok(fs.statSync(notices).mtimeMs >= before - 1, 'a write sent none');
    assert.equal(fs.statSync(notices).mode & 0o777, 0o600);
  });

  test("another user's state directory is refused, and nothing is made or changed in it", { skip: process.getuid?.() !== 0 && 'needs root (to give the directory away)' }, () => {
    const h = tmpHome();
    // Its user's log, linked to a file of root's: what root's engine would have appended to.
    const roots = path.join(tempDir('store-roots'), 'secret');
    fs.writeFileSync(roots, 'root only\n', { mode: 0o644 });
    fs.symlinkSync(roots, path.join(h, 'engine.log'));
    fs.chownSync(h, 4321, 4321);
    const message = `error: cannot use state directory "${h}": it belongs to another user (uid 4321); run kjob as that user, or give it a state directory of your own (--home, $KJOB_HOME)`;
    assert.throws(() => Store.open(h), (e: unknown) => e instanceof UserError && e.message === message);
    assert.deepEqual(fs.readdirSync(h), ['engine.log']);
    assert.deepEqual([fs.statSync(roots).mode & 0o777, fs.readFileSync(roots, 'utf8')], [0o644, 'root only\n']);
  });

  test('the notice is sent once the commit is visible to the other connections', () => {
    const other = Store.open(store.home);
    const touch = fs.futimesSync;
    const seen: boolean[] = [];
    fs.futimesSync = (...args: Parameters<typeof fs.futimesSync>) => {
      seen.push(other.get('Job', 'default', 'visible') !== undefined);
      return touch(...args);
    };
    try {
      store.create(job('visible'));
    } finally {
      fs.futimesSync = touch;
      other.close();
    }
    assert.deepEqual(seen, [true]);
  });

  test('while a watch waits, reads go through read(2), not the memory map; the map is back once the last watch ends', () => {
    const home = tmpHome();
    const mapped = Store.open(home, { mmapBytes: 1 << 20 });
    const mmapSize = () => (mapped as unknown as { db: Database.Database }).db.pragma('mmap_size', { simple: true });
    try {
      assert.equal(mmapSize(), 1 << 20);
      const endA = mapped.beginWatch();
      const endB = mapped.beginWatch();
      assert.equal(mmapSize(), 0);
      endA();
      endA(); // ended once only
      assert.equal(mmapSize(), 0, 'the other watch still waits');
      endB();
      assert.equal(mmapSize(), 1 << 20);
      // A store without a map keeps none.
      const endC = store.beginWatch();
      endC();
      assert.equal((store as unknown as { db: Database.Database }).db.pragma('mmap_size', { simple: true }), 0);
    } finally {
      mapped.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
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

describe('afterTransaction', () => {
  test('told true once the outermost transaction has committed, false once it or the savepoint it was given in is rolled back', () => {
    const told: string[] = [];
    const tell = (what: string) => (committed: boolean) => void told.push(`${what} ${committed}`);
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KObject;
    store.afterTransaction(tell('outside'));
    assert.deepEqual(told, ['outside true'], 'at once outside a transaction: each write commits as it is made');
    store.transaction(() => {
      store.create(ns('a'));
      store.afterTransaction(tell('a'));
      assert.throws(() => store.transaction(() => { store.afterTransaction(tell('savepoint')); throw new Error('no'); }), /no/);
      assert.deepEqual(told, ['outside true', 'savepoint false'], 'a savepoint rolled back: at once');
      store.transaction(() => store.afterTransaction(tell('nested')));
      store.oneWrite(() => store.afterTransaction(tell('oneWrite')));
      assert.equal(told.length, 2, 'nothing before the commit');
    });
    assert.deepEqual(told.slice(2), ['a true', 'nested true', 'oneWrite true'], 'in the order given');
    assert.throws(() => store.transaction(() => { store.create(ns('b')); store.afterTransaction(tell('b')); throw new Error('rolled back'); }), /rolled back/);
    store.read(() => store.afterTransaction(tell('read')));
    store.oneWrite(() => store.afterTransaction(tell('own oneWrite')));
    assert.deepEqual(told.slice(5), ['b false', 'read true', 'own oneWrite true']);
    // A callback that throws: the others still run, and its error follows the commit.
    assert.throws(() => store.transaction(() => { store.afterTransaction(() => { throw new Error('callback'); }); store.afterTransaction(tell('after it')); }), /callback/);
    assert.deepEqual(told.slice(8), ['after it true']);
    // Told of a rollback, a callback that throws gives way to the error that rolled it back.
    const throwing = () => { throw new Error('callback'); };
    assert.throws(() => store.transaction(() => { store.afterTransaction(throwing); throw new Error('cause'); }), /cause/);
    store.transaction(() => assert.throws(() => store.transaction(() => { store.afterTransaction(throwing); throw new Error('inner cause'); }), /inner cause/));
    assert.ok(store.get('Namespace', undefined, 'a') && !store.get('Namespace', undefined, 'b'));
  });
});

describe('concurrency', () => {
  test('two Store instances on one file see each other and detect conflicts', () => {
    const other = Store.open(home);
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
    const c = store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'counter', uid: 'u', annotations: { n: '0' } } });
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
  s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w-' + process.pid + '-' + i, namespace: 'default', uid: 'u' + process.pid + i }, spec: {} });
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
  s.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'half-1', namespace: 'default', uid: 'h1' }, spec: {} });
  s.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'half-2', namespace: 'default', uid: 'h2' }, spec: {} });
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
