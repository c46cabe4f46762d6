// The views table (schema version 3, rows since version 4): each object's table view, written in
// the transaction that writes the object, in list order, and built for a file of an older version
// when it is opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Store, type ViewListOptions } from './store.js';
import { viewRow, type TableViewRow } from '../api/table_view.js';
import { tableView } from '../printers/table_view.js';
import type { Kind, KObject } from '../api/types.js';
import { tempDir } from '../util/testing.js';

const tmpHome = () => tempDir('views');
let uids = 0;
function pod(name: string, ns = 'default', labels?: Record<string, string>, phase = 'Pending'): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, uid: `u-${++uids}`, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox', command: ['true'] }] },
    status: { phase },
  } as KObject;
}
/** The views eachView gives, collected (undefined for a kind without views). */
function listViews(s: Store, kind: Kind, opts: ViewListOptions = {}): TableViewRow[] | undefined {
  const out: TableViewRow[] = [];
  return s.eachView(kind, opts, (v) => void out.push(v)) ? out : undefined;
}
const views = (s: Store, ns?: string, sel?: (l: Record<string, string>) => boolean) => listViews(s, 'Pod', { namespace: ns, labelSelector: sel });
/** An object's view as eachView gives it. */
const rowOf = (o: KObject, labels = false): TableViewRow => ({ ...viewRow(tableView(o)!), ...(labels && o.metadata.labels ? { labels: o.metadata.labels } : {}) });
const expected = (s: Store, ns?: string, sel?: (l: Record<string, string>) => boolean) => s.list('Pod', { namespace: ns, labelSelector: sel }).map((o) => rowOf(o));

test('views follow creates, updates and deletes, in list order, by namespace and labels', () => {
  const h = tmpHome();
  const s = Store.open(h);
  try {
    for (const [n, ns] of [['b', 'default'], ['a', 'default'], ['c', 'a-b'], ['a', 'a'], ['z', 'a'], ['x', 'default0']] as const) s.create(pod(n, ns, { app: n }));
    const p = s.get('Pod', 'default', 'a')!;
    s.update({ ...p, status: { phase: 'Running' } } as KObject);
    s.delete('Pod', 'default', 'b');
    s.create(pod('b', 'default', { app: 'again' }, 'Failed'));
    assert.equal(listViews(s, 'ConfigMap'), undefined, 'a kind without views');
    assert.deepEqual(views(s), expected(s));
    for (const ns of ['default', 'a', 'a-b', 'default0', 'none']) assert.deepEqual(views(s, ns), expected(s, ns), ns);
    const sel = (l: Record<string, string>) => l.app === 'a';
    assert.deepEqual(views(s, undefined, sel), expected(s, undefined, sel));
    assert.deepEqual(listViews(s, 'Pod', { labels: true }), s.list('Pod').map((o) => rowOf(o, true)));
    // NAME READY STATUS: the update's phase is in the row
    assert.deepEqual(views(s, 'default')!.map((v) => v.cells!.slice(0, 3)), [['a', '0/1', 'Running'], ['b', '0/1', 'Failed']]);
    assert.deepEqual(views(s, 'a')!.map((v) => v.namespace), ['a', 'a']);
  } finally {
    s.close();
    fs.rmSync(h, { recursive: true, force: true });
  }
});

/**
 * A state file made with store, changed behind the store's back with edit (as an older kjob left
 * it), then opened again for check.
 */
function reopened(make: (s: Store) => void, edit: (db: Database.Database) => void, check: (s: Store) => void): void {
  const h = tmpHome();
  try {
    const s1 = Store.open(h);
    make(s1);
    s1.close();
    const db = new Database(path.join(h, 'state.db'));
    edit(db);
    db.close();
    const s2 = Store.open(h);
    try {
      check(s2);
    } finally {
      s2.close();
    }
  } finally {
    fs.rmSync(h, { recursive: true, force: true });
  }
}

/** What version 3 stored for a running Pod p. */
const V3_VIEW = JSON.stringify({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{}] }, status: { phase: 'Running' } });

test('a version 2 file gets its views when it is opened', () => {
  reopened(
    (s) => {
      for (let i = 0; i < 2500; i++) s.create(pod(`p-${i}`));
      s.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', uid: 'j' }, spec: { template: { spec: { containers: [] } } } } as KObject);
    },
    (db) => {
      db.exec('DROP TABLE views');
      db.pragma('user_version = 2');
    },
    (s) => {
      assert.equal(views(s)!.length, 2500);
      assert.deepEqual(views(s), expected(s));
      assert.deepEqual(listViews(s, 'Job'), s.list('Job').map((o) => rowOf(o)));
    },
  );
});

test('a version 3 file, whose views are the fields the printers read, gets rows when it is opened', () => {
  reopened(
    (s) => s.create(pod('p', 'default', { app: 'x' }, 'Running')),
    (db) => {
      db.prepare(`UPDATE views SET body = ?`).run(V3_VIEW);
      db.pragma('user_version = 3');
    },
    (s) => assert.deepEqual(views(s), [{ namespace: 'default', cells: ['p', '0/1', 'Running', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>'] }]),
  );
});

test("a view of schema 3's form in a version 4 file (written by an older kjob's engine still running) is no row: the table is listed from the objects", () => {
  reopened(
    (s) => {
      s.create(pod('p', 'default', undefined, 'Running'));
      s.create(pod('q', 'default', undefined, 'Running'));
    },
    (db) => db.prepare(`UPDATE views SET body = ? WHERE key = 'default/p'`).run(V3_VIEW),
    (s) => assert.deepEqual(views(s)!.map((v) => v.cells?.[0]), [undefined, 'q']),
  );
});
