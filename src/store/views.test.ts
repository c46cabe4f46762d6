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

test('a version 2 file gets its views when it is opened', () => {
  const h = tmpHome();
  try {
    const s1 = Store.open(h);
    for (let i = 0; i < 2500; i++) s1.create(pod(`p-${i}`));
    s1.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', uid: 'j' }, spec: { template: { spec: { containers: [] } } } } as KObject);
    s1.close();
    const db = new Database(path.join(h, 'state.db'));
    db.exec('DROP TABLE views');
    db.pragma('user_version = 2');
    db.close();
    const s2 = Store.open(h);
    assert.equal(views(s2)!.length, 2500);
    assert.deepEqual(views(s2), expected(s2));
    assert.deepEqual(listViews(s2, 'Job'), s2.list('Job').map((o) => rowOf(o)));
    s2.close();
  } finally {
    fs.rmSync(h, { recursive: true, force: true });
  }
});

test('a version 3 file, whose views are the fields the printers read, gets rows when it is opened', () => {
  const h = tmpHome();
  try {
    const s1 = Store.open(h);
    s1.create(pod('p', 'default', { app: 'x' }, 'Running'));
    s1.close();
    const db = new Database(path.join(h, 'state.db'));
    // What version 3 stored for that Pod.
    db.prepare(`UPDATE views SET body = ?`).run(JSON.stringify({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{}] }, status: { phase: 'Running' } }));
    db.pragma('user_version = 3');
    db.close();
    const s2 = Store.open(h);
    assert.deepEqual(views(s2), [{ namespace: 'default', cells: ['p', '0/1', 'Running', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>'] }]);
    s2.close();
  } finally {
    fs.rmSync(h, { recursive: true, force: true });
  }
});

test("a view of schema 3's form in a version 4 file (written by an older kjob's engine still running) is no row: the table is listed from the objects", () => {
  const h = tmpHome();
  try {
    const s1 = Store.open(h);
    s1.create(pod('p', 'default', undefined, 'Running'));
    s1.create(pod('q', 'default', undefined, 'Running'));
    s1.close();
    const db = new Database(path.join(h, 'state.db'));
    db.prepare(`UPDATE views SET body = ? WHERE key = 'default/q'`).run(JSON.stringify({ metadata: { name: 'q', namespace: 'default' }, spec: { containers: [{}] }, status: { phase: 'Running' } }));
    db.close();
    const s2 = Store.open(h);
    assert.deepEqual(views(s2)!.map((v) => v.cells?.[0]), ['p', undefined]);
    s2.close();
  } finally {
    fs.rmSync(h, { recursive: true, force: true });
  }
});
