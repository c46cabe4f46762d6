// The state file, kjob's etcd: every object with a resourceVersion, and a change log that watches
// follow. One SQLite file (WAL) shared by every kjob process of a state directory; every write is
// one BEGIN IMMEDIATE transaction, so concurrent writers serialise and a killed process never
// leaves half-written state.
//
// It stores what it is given, as etcd3's storage does (k8s.io/apiserver/pkg/storage/etcd3): a
// create fails when the key exists, an update and a delete when the preconditions (resourceVersion,
// uid) do not hold, an update that changes nothing writes nothing. Names, uids, timestamps,
// defaults, generations, graceful deletion, finalizers and propagation are the apiserver's
// (src/apiserver); only it writes here.
import fs from 'node:fs';
import path from 'node:path';
import { jsonEqual } from '../util/canonical.js';
import Database from 'better-sqlite3';
import { sqliteBinding } from './sqlite_addon.js';
import { noteCommandWaiting } from './waiting_notes.js';
import { openCommitNotices } from './change_notices.js';
import { refuseUnsafeStateDir } from './state_dir_safety.js';
import type { KObject, Kind, ObjectMeta } from '../api/types.js';
import { resourceForKind, groupResource, type ResourceInfo } from '../api/resources.js';
import { hasTableView, tableViewLabels, viewRow, TABLE_VIEW_KINDS, type TableViewRow } from '../api/table_view.js';
import { tableView } from '../printers/table_view.js';
import { UserError, StatusError, alreadyExists, conflict, notFound } from '../errors.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  rv: number;
  type: ChangeType;
  kind: Kind;
  /** "" for cluster-scoped objects */
  namespace: string;
  name: string;
  uid: string;
  object: KObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: (labels: Record<string, string>) => boolean;
  /**
   * Exact values of fields, by dotted path (`involvedObject.uid`): matched inside the state file,
   * so the objects that do not match are never decoded (the apiserver's field selectors use it).
   */
  fields?: Record<string, string>;
}

/** eachView's options: the views have their labels only with labels. */
export type ViewListOptions = Pick<ListOptions, 'namespace' | 'labelSelector'> & { labels?: boolean };

/**
 * adopt: the object was made for this write and nobody else holds it (the apiserver's decoded
 * copy of a request): the store keeps, changes (its resourceVersion) and returns it, rather than a
 * copy of it. It must be a JSON value (no undefined members, no shared parts).
 */
export interface WriteHow {
  adopt?: boolean;
  /**
   * The caller only reads the object returned: it is frozen and kept as its version's shared
   * object (getShared, listByRefShared), so that the readers of a version the engine wrote (the
   * kubelet's next sync, the Job controller's list of its pods) do not read and parse it again.
   */
  share?: boolean;
}

/** storage.Preconditions: the write fails (Conflict) unless the stored object has these. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** The schema version this build writes; older files are migrated, newer ones refused.
 * 2: objects.ref (the aggkey column of version 1) holds the uid of the object an Event is about,
 * or of a Pod's controller, indexed with kind and namespace.
 * 3: the views table, each object's table view (api/table_view.ts), for listing a kind as a table.
 * 4: a view is the object's printed row (its cells), not the fields the printers read of it. */
export const SCHEMA_VERSION = 4;
/**
 * How many change-log entries are kept (older ones are trimmed; a watch from before them is "too
 * old"): the compaction etcd does every 5 minutes for the apiserver. Each entry holds a whole
 * object, so this bounds the state file (about 10,000 × 2-4 kB).
 */
export const CHANGE_LOG_KEEP = 10_000;
const TRIM_EVERY = 500;
/** etcd's --max-request-bytes (1.5 MiB): a larger object is refused as etcd refuses it. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** How long a process waits for another's write lock before it says the file is locked. */
const BUSY_TIMEOUT_MS = 10_000;

const OWN_TABLES = new Set(['objects', 'changes', 'counter', 'meta', 'views']);

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS objects (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,          -- etcd key order: "<namespace>/<name>", or "<name>" when cluster-scoped
  namespace TEXT NOT NULL,    -- "" when cluster-scoped
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  rv INTEGER NOT NULL,
  aggkey TEXT,                -- version 2: refKey(), the uid this object refers to (see SCHEMA_V2)
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_by_key ON objects(kind, key);
CREATE INDEX IF NOT EXISTS objects_by_namespace ON objects(kind, namespace, name);
CREATE INDEX IF NOT EXISTS objects_by_uid ON objects(uid);
CREATE INDEX IF NOT EXISTS objects_by_aggkey ON objects(aggkey) WHERE aggkey IS NOT NULL;
CREATE TABLE IF NOT EXISTS changes (
  rv INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  object TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), rv INTEGER NOT NULL);
INSERT OR IGNORE INTO counter (id, rv) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Version 2: the aggkey column becomes the reference index (filled by migrateV2). */
const SCHEMA_V2 = `
DROP INDEX IF EXISTS objects_by_aggkey;
CREATE INDEX IF NOT EXISTS objects_by_ref ON objects(kind, namespace, aggkey, key) WHERE aggkey IS NOT NULL;
`;

/**
 * Version 3: what `get` prints of each object of the kinds that have a table view, by the
 * object's kind and key (so in the objects' list order), written with the object.
 */
const SCHEMA_V3 = `
CREATE TABLE IF NOT EXISTS views (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  body TEXT NOT NULL,         -- printers/table_view.ts tableView(): the namespace and the row's cells
  labels TEXT,                -- tableViewLabels(): read only when a table shows them or selects by them
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
`;

/**
 * The uid an object is looked up by besides its key: an Event's involvedObject.uid (the event
 * recorder's correlation and describe's events list by it), a Pod's controller (its Job). Indexed,
 * so those lists cost the number of objects found, not the number stored.
 */
export function refKey(obj: KObject): string | null {
  if (obj.kind === 'Event') {
    const uid = (obj as { involvedObject?: { uid?: unknown } }).involvedObject?.uid;
    return typeof uid === 'string' && uid !== '' ? uid : null;
  }
  if (obj.kind === 'Pod') {
    const owner = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
    return owner?.uid ? owner.uid : null;
  }
  return null;
}

interface Row {
  id: number;
  kind: string;
  key: string;
  namespace: string;
  name: string;
  uid: string;
  rv: number;
  /** refKey() of the object, as stored */
  aggkey: string | null;
  body: string;
}

/** One of a reference's objects (listByRefShared): its key, row id and resourceVersion. */
interface RefEntry {
  key: string;
  id: number;
  rv: number;
  /** The leaveOut of listByRefShared that left this version out (a write of the object replaces the entry). */
  leftOutBy?: (obj: KObject) => boolean;
}

const refIndexKey = (kind: string, namespace: string, ref: string) => `${kind}\0${namespace}\0${ref}`;

/** The position of key in entries sorted by key (where it would go when absent). */
function keyPosition(entries: RefEntry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Stmt = Database.Statement;
/** ObjectMeta with the server-set fields writable (kubernetes-types marks them readonly). */
type Meta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };
const meta = (o: KObject): Meta => o.metadata as Meta;

export class Store {
  readonly home: string;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly s: {
    getByKey: Stmt;
    existsKey: Stmt;
    versionByKey: Stmt;
    idVersionByKey: Stmt;
    listAll: Stmt;
    listNs: Stmt;
    insert: Stmt;
    update: Stmt;
    updateSameRef: Stmt;
    remove: Stmt;
    bump: Stmt;
    currentRV: Stmt;
    setRV: Stmt;
    addChange: Stmt;
    oldestChange: Stmt;
    previousChange: Stmt;
    trim: Stmt;
    getMeta: Stmt;
    setMeta: Stmt;
    setView: Stmt;
    removeView: Stmt;
    listRef: Stmt;
    dataVersion: Stmt;
    bodyById: Stmt;
    viewsAll: Stmt;
    viewsNs: Stmt;
    labeledViewsAll: Stmt;
    labeledViewsNs: Stmt;
  };
  /** Prepared lists with field filters, by their SQL. */
  private readonly filtered = new Map<string, Stmt>();
  /** better-sqlite3's transaction wrapper, made once (making one per call was a write's largest
   * fixed cost), when first used (it prepares its BEGIN, COMMIT and savepoint statements: about
   * 0.2 ms of a command that only reads one object): it runs the function it is given, which
   * its callers wrap as a transaction's body (counted) or a savepoint's (givesBackRVs). */
  private txMade?: Database.Transaction<(fn: () => unknown) => unknown>;
  private get tx(): Database.Transaction<(fn: () => unknown) => unknown> {
    return (this.txMade ??= this.db.transaction((fn: () => unknown) => fn()));
  }
  /**
   * The resourceVersion counter inside a transaction's body (counted): its row was bumped by the
   * first write (stored), the later writes count on in memory (last), and the row is set once,
   * before the commit (counted). A round of the engine's syncs writes six or so objects a pod: the
   * row's UPDATE for each was 2% of the engine's time. Nobody else writes while the transaction holds the write
   * lock; a transaction SQLite rolled back on its own ends the body's use of the store (alive).
   */
  private txRV?: { stored: number; last: number };
  /** Inside a transaction's body (counted): a write's resourceVersion may be counted in memory. */
  private countsRVs = false;

  /** fn as the body of an outermost transaction, which stores the counter it counted on (txRV). */
  private counted<T>(fn: () => T): () => T {
    // (Never nested: inside a body the store joins its transaction, or alive() refuses.)
    return () => {
      this.countsRVs = true;
      try {
        const out = fn();
        this.alive();
        // The counter's row takes the last resourceVersion the body took (see txRV).
        const t = this.txRV;
        if (t && t.last !== t.stored) this.s.setRV.run(t.last);
        return out;
      } finally {
        this.countsRVs = false;
        this.txRV = undefined;
      }
    };
  }

  /** fn as a savepoint's body: failing, it gives back the resourceVersions it took, as its rollback gives back the row. */
  private givesBackRVs<T>(fn: () => T): () => T {
    return () => {
      const saved = this.txRV && { ...this.txRV };
      try {
        return fn();
      } catch (e) {
        this.txRV = saved;
        throw e;
      }
    };
  }
  /** listByRefShared's decoded objects, by row id, with the resourceVersion they were decoded at
   * (forgotten when a transaction or a savepoint is rolled back: a row id and an rv it used may be used again). */
  private readonly shared = new Map<number, { rv: number; obj: KObject }>();
  /** The versions this connection wrote with share, by resourceVersion, for their changes (changesSince). */
  private readonly sharedWrites = new Map<number, KObject>();
  /** The memory map's size asked for at open (opts.mmapBytes; 0: none), and the watches now waiting (beginWatch). */
  private readonly mappedBytes: number;
  private watches = 0;
  /** limited()'s statements, by their SQL. */
  private readonly limitedStatements = new Map<string, Stmt>();
  /** The descriptor of the commit notice file (noticeCommit), once opened; -1: none to be had. */
  private commitNotices?: number;
  /**
   * listByRefShared's references, as read from the objects table and kept up to date by this
   * connection's own writes (a Job's sync lists all its pods: the index scan was most of it). Read
   * again once another connection has committed (SQLite's data_version), and forgotten with the
   * shared objects when a transaction or a savepoint is rolled back. Each reference's entries are
   * in key order.
   */
  private readonly refIndex = new UntilOthersCommit<RefEntry[]>(10_000);
  /**
   * getShared's lookups: an object's row id and resourceVersion by kind and key, as read from the
   * objects table and kept with this connection's own writes, like refIndex (read again once
   * another connection has committed, forgotten with a rollback). The engine's syncs look up the
   * same pods, their Node and their Namespace about 20 times a pod, and a lookup of a pod's row
   * missed the engine's small page cache as often as not (a pread).
   */
  private readonly versions = new UntilOthersCommit<{ id: number; rv: number }>(50_000);

  /** afterTransaction's callbacks, in the order given, for the outermost transaction's end. */
  private settleCallbacks: ((committed: boolean) => void)[] = [];

  /** Whether this process leaves a note when it waits for the write lock (waiting_notes.ts): every process but the engine, which is the one that makes way. */
  private readonly noteWaits: boolean;

  private constructor(home: string, file: string, db: Database.Database, noteWaits: boolean, mappedBytes: number) {
    this.noteWaits = noteWaits;
    this.mappedBytes = mappedBytes;
    this.home = home;
    this.file = file;
    this.db = db;
    // Each statement is prepared when first used: a command uses two or three of them, and
    // preparing all of them was about 0.4 ms of every command.
    const p = (sql: string, rows?: 'pluck' | 'raw') => () => {
      const st = db.prepare(sql);
      return rows === 'pluck' ? st.pluck() : rows === 'raw' ? st.raw() : st;
    };
    const cols = 'id, kind, key, namespace, name, uid, rv, aggkey, body';
    this.s = lazyStatements({
      getByKey: p(`SELECT ${cols} FROM objects WHERE kind = ? AND key = ?`),
      existsKey: p(`SELECT 1 FROM objects WHERE kind = ? AND key = ?`, 'pluck'),
      versionByKey: p(`SELECT uid, rv FROM objects WHERE kind = ? AND key = ?`),
      idVersionByKey: p(`SELECT id, rv FROM objects WHERE kind = ? AND key = ?`),
      listAll: p(`SELECT body FROM objects WHERE kind = ? ORDER BY key`, 'pluck'),
      listNs: p(`SELECT body FROM objects WHERE kind = ? AND namespace = ? ORDER BY name`, 'pluck'),
      insert: p(`INSERT INTO objects (kind, key, namespace, name, uid, rv, aggkey, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      update: p(`UPDATE objects SET rv = ?, aggkey = ?, body = ? WHERE id = ?`),
      updateSameRef: p(`UPDATE objects SET rv = ?, body = ? WHERE id = ?`),
      remove: p(`DELETE FROM objects WHERE id = ?`),
      bump: p(`UPDATE counter SET rv = rv + 1 WHERE id = 1 RETURNING rv`, 'pluck'),
      currentRV: p(`SELECT rv FROM counter WHERE id = 1`, 'pluck'),
      setRV: p(`UPDATE counter SET rv = ? WHERE id = 1`),
      addChange: p(`INSERT INTO changes (rv, type, kind, namespace, name, uid, object) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      oldestChange: p(`SELECT MIN(rv) FROM changes`, 'pluck'),
      previousChange: p(`SELECT rv, type, kind, namespace, name, uid, object FROM changes WHERE uid = ? AND rv < ? ORDER BY rv DESC LIMIT 1`),
      trim: p(`DELETE FROM changes WHERE rv <= ?`),
      getMeta: p(`SELECT value FROM meta WHERE key = ?`, 'pluck'),
      setMeta: p(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
      setView: p(SET_VIEW),
      removeView: p(`DELETE FROM views WHERE kind = ? AND key = ?`),
      // Without statistics SQLite would walk objects_by_key for the ORDER BY: the index is named.
      // Rows as arrays: a Job's sync lists all its pods, and an object per row was most of the list's cost.
      listRef: p(`SELECT id, rv, key FROM objects INDEXED BY objects_by_ref WHERE kind = ? AND namespace = ? AND aggkey = ? ORDER BY key`, 'raw'),
      dataVersion: p('PRAGMA data_version', 'pluck'),
      bodyById: p(`SELECT body FROM objects WHERE id = ?`, 'pluck'),
      viewsAll: p(`SELECT body FROM views WHERE kind = ? ORDER BY key`, 'pluck'),
      // "<namespace>/" up to "<namespace>0" ('0' follows '/'): one namespace's keys, in name order.
      viewsNs: p(`SELECT body FROM views WHERE kind = ? AND key > ? AND key < ? ORDER BY key`, 'pluck'),
      labeledViewsAll: p(`SELECT body, labels FROM views WHERE kind = ? ORDER BY key`, 'raw'),
      labeledViewsNs: p(`SELECT body, labels FROM views WHERE kind = ? AND key > ? AND key < ? ORDER BY key`, 'raw'),
    });
  }

  /**
   * Opens (creating or migrating) `<home>/state.db`. Throws UserError for an unusable directory or
   * file. opts.mmapBytes: read the file through a memory map of up to that size (SQLite's
   * mmap_size), which saves a copy of every page a large list reads; a command's choice (the
   * pages read count in the process's resident memory). opts.engine: the engine's store, which
   * leaves no note when it waits for the write lock (waiting_notes.ts): it is the one that makes way.
   */
  static open(home: string, opts: { mmapBytes?: number; engine?: boolean } = {}): Store {
    const dir = path.resolve(home);
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = fs.statSync(dir);
      if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      refuseUnsafeStateDir(home);
      fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
      makePrivate(dir, st);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`error: cannot use state directory "${home}": ${errnoText(e)}`);
    }
    const file = path.join(home, 'state.db');
    const abs = path.join(dir, 'state.db');
    try {
      const st = fs.statSync(abs, { throwIfNoEntry: false });
      if (st && !st.isFile()) throw new UserError(`error: state file "${file}" is unreadable or corrupt: not a regular file`);
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`error: state file "${file}" is unreadable or corrupt: ${errnoText(e)}`);
    }
    let db: Database.Database | undefined;
    try {
      // better-sqlite3 takes the loaded addon too (lib/database.js); its types say a path only.
      db = new Database(abs, { timeout: BUSY_TIMEOUT_MS, nativeBinding: sqliteBinding() as string | undefined });
      // SQLite creates the file 0644 (and its -wal and -shm with the file's mode): the state is
      // its user's only, so the file is made 0600 before the journal files exist.
      for (const f of [abs, `${abs}-wal`, `${abs}-shm`]) {
        try { fs.chmodSync(f, 0o600); } catch { /* not there (yet), or not ours */ }
      }
      // (the busy timeout is the constructor's timeout option)
      // Reading the header first: a file that is not a database fails here, before anything is written.
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw newerSchema(file, version);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // A savepoint's journal (each nested transaction in the engine's round: a delete, the Job
      // controller's counting of finished pods) stays in memory, as long as its transaction: by
      // default SQLite spills it past 64 KiB to a temp file in /var/tmp, outside the state
      // directory (when each sync had a savepoint: 30 writes of 4 KiB a pod, 29% of the engine's).
      db.pragma('temp_store = MEMORY');
      // The engine's page cache at 1 MiB rather than SQLite's 2: a B-tree split takes a page number
      // past the file's end as a swap slot (balance_nonroot), and the commit after it drops the
      // cache's pages past the end by a walk of its whole hash table and pages (pcache1TruncateUnsafe):
      // 0.7-1% of the engine's CPU in a Job of 1,000 with 2 MiB, 0.1% with 1 (half the slots and
      // pages; perf showed the tenth, not why more than half), and the file is read no more often.
      if (opts.engine) db.pragma('cache_size = -1024');
      if (version < SCHEMA_VERSION) migrate(db, file);
      const mapped = Math.floor(opts.mmapBytes ?? 0);
      if (mapped > 0) db.pragma(`mmap_size = ${mapped}`);
      return new Store(home, file, db, !opts.engine, mapped);
    } catch (e) {
      try {
        db?.close();
      } catch {
        /* already failing */
      }
      if (e instanceof UserError) throw e;
      if (e instanceof Database.SqliteError || e instanceof TypeError) {
        const code = (e as { code?: string }).code ?? '';
        if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
          throw new UserError(`error: state file "${file}" is locked by another process (gave up after 10s)`);
        }
        if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_FULL') {
          throw new UserError(`error: cannot use state directory "${home}": ${e.message}`);
        }
        throw new UserError(`error: state file "${file}" is unreadable or corrupt: ${e.message}`);
      }
      throw e;
    }
  }

  close(): void {
    this.dropCommitNotices();
    if (this.db.open) this.db.close();
  }

  // ---------------------------------------------------------------- reads

  get(kind: Kind, namespace: string | undefined, name: string): KObject | undefined {
    return this.guard(() => {
      const info = info_(kind);
      const row = this.s.getByKey.get(kind, keyFor(info, namespace, name)) as Row | undefined;
      return row ? (JSON.parse(row.body) as KObject) : undefined;
    });
  }

  /** The stored object's uid and resourceVersion, without reading the object. */
  version(kind: Kind, namespace: string | undefined, name: string): { uid: string; resourceVersion: string } | undefined {
    return this.guard(() => {
      const row = this.s.versionByKey.get(kind, keyFor(info_(kind), namespace, name)) as { uid: string; rv: number } | undefined;
      return row && { uid: row.uid, resourceVersion: String(row.rv) };
    });
  }

  /**
   * The objects of namespace whose refKey() is ref (a controller's pods), in key order, decoded
   * once per version and shared between calls, as an informer's cache shares them: frozen, so
   * a caller cannot change them. A version is known by its row and resourceVersion (every write
   * gives a new one), and only the text of a version not seen yet is read: a Job's sync reads all
   * its pods, and reading and parsing them again was most of its cost.
   *
   * leaveOut: objects it says yes to are not listed, and its verdict on a version is remembered
   * (a write of the object gives it a new entry), so it must depend on the object alone: a Job's
   * finished and counted pods, which its syncs never look at again, were most of a big Job's list.
   */
  listByRefShared(kind: Kind, namespace: string, ref: string, leaveOut?: (obj: KObject) => boolean): readonly KObject[] {
    return this.guard(() => {
      const entries = this.refEntries(kind, namespace, ref);
      if (!leaveOut) return entries.map((e) => this.sharedVersion(e.id, e.rv));
      const out: KObject[] = [];
      for (const e of entries) {
        if (e.leftOutBy === leaveOut) continue;
        const obj = this.sharedVersion(e.id, e.rv);
        if (leaveOut(obj)) e.leftOutBy = leaveOut;
        else out.push(obj);
      }
      return out;
    });
  }

  /** A reference's entries from the index, read from the table when not there (or stale). */
  private refEntries(kind: Kind, namespace: string, ref: string): RefEntry[] {
    const k = refIndexKey(kind, namespace, ref);
    let entries = this.refIndex.current(this.s.dataVersion.get() as number).get(k);
    if (!entries) {
      const rows = this.s.listRef.all(kind, namespace, ref) as [number, number, string][];
      entries = rows.map(([id, rv, key]) => ({ key, id, rv }));
      this.refIndex.set(k, entries);
    }
    return entries;
  }

  /**
   * This connection wrote an object: the index's entries of its reference before and after the
   * write (those read) follow. The same reference on both sides (a pod's status, say) keeps its
   * key where it is, with the new resourceVersion.
   */
  private refWritten(kind: string, namespace: string, key: string, before: string | null, after: string | null, row?: { id: number; rv: number }): void {
    const byRef = this.refIndex.entries;
    if (before !== null && before !== after) {
      const e = byRef.get(refIndexKey(kind, namespace, before));
      const i = e ? keyPosition(e, key) : 0;
      if (e && e[i]?.key === key) e.splice(i, 1);
    }
    if (after === null || !row) return;
    const e = byRef.get(refIndexKey(kind, namespace, after));
    if (!e) return;
    const i = keyPosition(e, key);
    if (e[i]?.key === key) e[i] = { key, ...row };
    else e.splice(i, 0, { key, ...row });
  }

  /**
   * The stored object, shared and frozen as listByRefShared's are: for readers that only look
   * (admission's Namespace and ServiceAccount, read for every write in a namespace, as the
   * apiserver's plugins read them from an informer's cache).
   */
  getShared(kind: Kind, namespace: string | undefined, name: string): KObject | undefined {
    return this.guard(() => {
      const row = this.versionOf(kind, keyFor(info_(kind), namespace, name));
      return row && this.sharedVersion(row.id, row.rv);
    });
  }

  /** The row id and resourceVersion stored under kind and key (undefined: none), from versions where it can. */
  private versionOf(kind: string, key: string): { id: number; rv: number } | undefined {
    const k = `${kind}/${key}`;
    let e = this.versions.current(this.s.dataVersion.get() as number).get(k);
    if (e === undefined) {
      // Nothing stored is not kept: an object looked for and not found is rare (a lookup before its create).
      const row = this.s.idVersionByKey.get(kind, key) as { id: number; rv: number } | undefined;
      if (!row) return undefined;
      this.versions.set(k, (e = { id: row.id, rv: row.rv }));
    }
    return e;
  }

  /** This connection wrote (or removed: no row) the object under kind and key: versions follows. */
  private versionWritten(kind: string, key: string, row?: { id: number; rv: number }): void {
    if (row) this.versions.set(`${kind}/${key}`, row);
    else this.versions.entries.delete(`${kind}/${key}`);
  }

  /** A version this connection wrote, as its shared object (a rollback forgets them all: rolledBack). */
  private keepShared(id: number, rv: number, obj: KObject): void {
    deepFreeze(obj);
    if (this.shared.size >= 50_000) this.shared.clear();
    this.shared.set(id, { rv, obj });
    if (this.sharedWrites.size >= 2_000) this.sharedWrites.clear(); // read back soon after (changesSince), if at all
    this.sharedWrites.set(rv, obj);
  }

  private sharedVersion(id: number, rv: number): KObject {
    const hit = this.shared.get(id);
    if (hit && hit.rv === rv) return hit.obj;
    const obj = deepFreeze(JSON.parse(this.s.bodyById.get(id) as string) as KObject);
    if (this.shared.size >= 50_000) this.shared.clear();
    this.shared.set(id, { rv, obj });
    return obj;
  }

  /** Sorted as etcd keys are: by "<namespace>/<name>". */
  list(kind: Kind, opts: ListOptions = {}): KObject[] {
    return this.guard(() => {
      const info = info_(kind);
      const ns = info.namespaced && opts.namespace !== undefined ? opts.namespace : undefined;
      const fields = Object.entries(opts.fields ?? {});
      // An Event's involvedObject.uid is the indexed reference (refKey).
      const byRef = kind === 'Event' ? fields.findIndex(([f]) => f === 'involvedObject.uid') : -1;
      const ref = byRef >= 0 ? fields.splice(byRef, 1)[0][1] : undefined;
      let bodies: string[];
      if (fields.length === 0 && ref === undefined) {
        bodies = (ns !== undefined ? this.s.listNs.all(kind, ns) : this.s.listAll.all(kind)) as string[];
      } else {
        const where = [...(ref !== undefined ? ['aggkey = ?'] : []), ...fields.map(() => `json_extract(body, ?) IS ?`)].join(' AND ');
        // Without statistics SQLite would walk objects_by_key for the ORDER BY: the reference index is named.
        const from = ref !== undefined && ns !== undefined ? 'objects INDEXED BY objects_by_ref' : 'objects';
        const sql = `SELECT body FROM ${from} WHERE kind = ?${ns !== undefined ? ' AND namespace = ?' : ''} AND ${where} ORDER BY key`;
        let stmt = this.filtered.get(sql);
        if (!stmt) this.filtered.set(sql, (stmt = this.db.prepare(sql).pluck()));
        const args: unknown[] = [kind];
        if (ns !== undefined) args.push(ns);
        if (ref !== undefined) args.push(ref);
        for (const [p, v] of fields) args.push(jsonPath(p), v);
        bodies = stmt.all(...args) as string[];
      }
      const out: KObject[] = new Array(bodies.length);
      let n = 0;
      const sel = opts.labelSelector;
      for (const b of bodies) {
        const o = JSON.parse(b) as KObject;
        if (sel && !sel(o.metadata?.labels ?? {})) continue;
        out[n++] = o;
      }
      out.length = n;
      return out;
    });
  }

  /**
   * The table views (api/table_view.ts) of a kind's objects, in list's order, one at a time
   * (nothing else may use the store until it returns): what `get` prints as a table, without
   * reading the objects. The views have their labels only with opts.labels. false for a kind
   * without views.
   */
  eachView(kind: Kind, opts: ViewListOptions, fn: (row: TableViewRow) => void): boolean {
    if (!hasTableView(kind)) return false;
    return this.guard(() => {
      const info = info_(kind);
      const ns = info.namespaced && opts.namespace !== undefined ? opts.namespace : undefined;
      const sel = opts.labelSelector;
      if (!sel && !opts.labels) {
        // all(), not iterate(): a row at a time costs a call into SQLite each (twice the time for
        // 10,000 rows), and the caller keeps every row anyway (a table is printed whole).
        const rows = (ns !== undefined ? this.s.viewsNs.all(kind, `${ns}/`, `${ns}0`) : this.s.viewsAll.all(kind)) as string[];
        for (const body of rows) fn(viewRow(body));
        return true;
      }
      const rows = (ns !== undefined ? this.s.labeledViewsNs.all(kind, `${ns}/`, `${ns}0`) : this.s.labeledViewsAll.all(kind)) as [string, string | null][];
      for (const [body, labels] of rows) {
        const l = labels === null ? undefined : (JSON.parse(labels) as Record<string, string>);
        if (sel && !sel(l ?? {})) continue;
        const row = viewRow(body);
        if (opts.labels && l !== undefined) row.labels = l;
        fn(row);
      }
      return true;
    });
  }

  /**
   * sql with `LIMIT limit` written into it, prepared once for each limit. Not a bound `LIMIT ?`:
   * SQLite's planner reads a bound LIMIT's value, and then each binding of it (better-sqlite3 binds
   * every call's values) makes the statement be prepared again at its next step (6.6 µs a read
   * against 0.5; 4% of a `kjob wait`'s CPU on a busy Job, which reads the change log at each commit).
   */
  private limited(sql: string, limit: number): Stmt {
    // The callers' limits are constants: a few statements in all.
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a change log read's limit must be a positive integer, not ${limit}`);
    const text = `${sql} LIMIT ${limit}`;
    let st = this.limitedStatements.get(text);
    if (!st) this.limitedStatements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  currentRV(): number {
    return this.guard(() => this.counterRV());
  }

  /** The counter as this connection sees it, the resourceVersions its transaction took included. */
  private counterRV(): number {
    return this.txRV?.last ?? (this.s.currentRV.get() as number);
  }

  /**
   * Changes with rv > the given one, oldest first. The change of a version this connection wrote
   * with share has that shared, frozen object the first time it is read, not a parse of its text:
   * the engine's informer reads back the pods it has just written, once.
   */
  changesSince(rv: number, limit = 10_000): Change[] {
    return this.guard(() =>
      (this.limited(CHANGES_SINCE, limit).all(rv) as ChangeRow[]).map((r) => {
        const written = this.sharedWrites.get(r.rv);
        if (written) this.sharedWrites.delete(r.rv);
        return changeOf(r, written);
      }),
    );
  }

  /**
   * The changes of one kind with rv > the given one, oldest first, and the rv the log was read
   * through (a watch of the kind resumes after it): the other kinds' objects are not read.
   */
  changesOfKindSince(rv: number, kind: Kind, limit = 10_000): { changes: Change[]; through: number } {
    return this.read(() => {
      const bound = this.counterRV();
      const changes = (this.limited(CHANGES_OF_KIND_SINCE, limit).all(rv, bound, kind) as ChangeRow[]).map((r) => changeOf(r));
      return { changes, through: changes.length === limit ? changes[changes.length - 1].rv : Math.max(rv, bound) };
    });
  }

  /** The change of the object with this uid just before rv (what a watch needs to know whether it matched before), if still logged. */
  previousChange(uid: string, beforeRV: number): Change | undefined {
    return this.guard(() => {
      const r = this.s.previousChange.get(uid, beforeRV) as ChangeRow | undefined;
      return r && changeOf(r);
    });
  }

  /** The oldest rv still in the change log (0 when empty): a watcher that last saw rv < oldest-1 missed changes (410 Expired). */
  oldestChangeRV(): number {
    return this.guard(() => (this.s.oldestChange.get() as number | null) ?? 0);
  }

  /**
   * A watch begins to wait for changes (the apiserver's StoreWatch): until the returned function is
   * called, reads go through read(2) rather than the memory map. A watch looks at a few pages at
   * each commit of another process, which makes the file grow, and each growth made SQLite map
   * the file anew and fault its pages in again: a `kjob wait` on a busy Job spent most of its CPU
   * there (a look about 8 times dearer than without the map).
   */
  beginWatch(): () => void {
    if (this.watches++ === 0 && this.mappedBytes > 0) this.db.pragma('mmap_size = 0');
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.watches === 0 && this.mappedBytes > 0 && this.db.open) this.db.pragma(`mmap_size = ${this.mappedBytes}`);
    };
  }

  getMeta(key: string): string | undefined {
    return this.guard(() => this.s.getMeta.get(key) as string | undefined);
  }

  setMeta(key: string, value: string): void {
    this.oneWrite(() => void this.s.setMeta.run(key, value));
  }

  // ---------------------------------------------------------------- transactions

  /** BEGIN IMMEDIATE; a nested call joins the outer transaction (as a savepoint: if it throws and the
   * caller catches, only the nested part is rolled back). */
  transaction<T>(fn: () => T): T {
    return this.guard(() => {
      if (!this.db.inTransaction) return this.outermost(() => this.immediate(fn));
      const given = this.settleCallbacks.length;
      try {
        return this.tx(this.givesBackRVs(fn)) as T;
      } catch (e) {
        // The savepoint was rolled back: as outermost() does for a whole transaction.
        this.rolledBack(this.settleCallbacks.splice(given));
        throw e;
      }
    });
  }

  /**
   * Calls fn(true) once the outermost transaction now running has committed, fn(false) once it,
   * or the savepoint fn was given in, is rolled back; fn(true) at once when no transaction runs
   * (each write commits as it is made).
   */
  afterTransaction(fn: (committed: boolean) => void): void {
    // Under a body whose transaction SQLite rolled back on its own, fn is told so at once, not
    // refused: a caller's cleanup of what its transaction did (the kubelet's, in a finally) must
    // run, and the error to report is the one that rolled it back.
    if (this.rolledBackUnderBody()) fn(false);
    else if (this.db.inTransaction) this.settleCallbacks.push(fn);
    else fn(true);
  }

  /**
   * SQLite rolls a transaction back on its own after some errors (an I/O error, a full disk), and
   * a body that catches the error may go on: nothing it does may then run outside the transaction
   * it thinks it is in. What the rollback undid is undone here too (the callbacks told false, the
   * shared objects and the reference index forgotten; the counter in memory goes when the body
   * ends, counted), and every use of the store until the body ends fails, as the transaction's
   * commit would.
   */
  private alive(): void {
    if (this.rolledBackUnderBody()) throw new UserError(`error: cannot write state file "${this.file}": its transaction was rolled back after an earlier error`);
  }

  /** Whether a counted body's transaction was rolled back by SQLite itself; undone as alive() says (again: nothing is left to undo). */
  private rolledBackUnderBody(): boolean {
    if (!this.countsRVs || this.db.inTransaction) return false;
    this.rolledBack(this.settleCallbacks.splice(0));
    return true;
  }


  /**
   * Runs an outermost transaction, then every callback given for its end; the first callback's
   * error is thrown once all have run (after a rollback, the transaction's own error is).
   */
  private outermost<T>(run: () => T): T {
    let out: T;
    try {
      out = run();
    } catch (e) {
      this.rolledBack(this.settleCallbacks.splice(0));
      throw e;
    }
    let failed: unknown;
    for (const cb of this.settleCallbacks.splice(0)) {
      try {
        cb(true);
      } catch (e) {
        failed ??= e;
      }
    }
    if (failed !== undefined) throw failed;
    return out;
  }

  /**
   * A transaction or a savepoint was rolled back: the row ids and resourceVersions it used are
   * used again (the shared objects and the reference index go), and its callbacks are told; what
   * they throw gives way to the rollback's own error.
   */
  private rolledBack(callbacks: ((committed: boolean) => void)[]): void {
    this.shared.clear();
    this.sharedWrites.clear();
    this.refIndex.forget();
    this.versions.forget();
    for (const cb of callbacks) {
      try {
        cb(false);
      } catch {
        /* the error that rolled the transaction back is the one to report */
      }
    }
  }

  /** A consistent snapshot for several reads (a deferred transaction); joins an outer one. */
  read<T>(fn: () => T): T {
    return this.guard(() => (this.db.inTransaction ? fn() : this.outermost(() => this.tx.deferred(this.counted(fn)) as T)));
  }

  /**
   * A request whose reads end in at most one create, update or delete, and the store's own create,
   * update and delete: a transaction of its own, or the caller's without a savepoint. A savepoint
   * would undo nothing: what a write refuses (AlreadyExists, NotFound, Conflict, too large) it
   * refuses before it writes, but for the resourceVersion counter (and its change log's trim): a
   * caller that goes on after the error leaves a gap in the resourceVersions, as etcd's revisions
   * have gaps. The engine's syncs make many requests inside its round's transaction, and each
   * savepoint copied the pages its write touched into a statement journal.
   */
  oneWrite<T>(fn: () => T): T {
    // Inside the caller's transaction, the caller's rollback forgets what a failure used.
    return this.guard(() => (this.db.inTransaction ? fn() : this.outermost(() => this.immediate(fn))));
  }

  /**
   * BEGIN IMMEDIATE, fn, COMMIT. A process other than the engine first asks for the lock without
   * waiting; when it is taken, it leaves a note that it waits (waiting_notes.ts), so that the engine
   * makes way, and waits as SQLite's busy handler does.
   */
  private immediate<T>(body: () => T): T {
    const out = this.immediateOnce(body);
    this.noticeCommit();
    return out;
  }

  /**
   * Tells the state directory's watches that a write committed (change_notices.ts): a touch of its
   * notice file, once the commit is visible. Without it (the file cannot be opened), the watches
   * find the write at their polls.
   */
  private noticeCommit(): void {
    if (this.commitNotices === -1) return;
    try {
      this.commitNotices ??= openCommitNotices(this.home);
      const now = Date.now() / 1000;
      fs.futimesSync(this.commitNotices, now, now);
    } catch {
      this.dropCommitNotices();
    }
  }

  /** No more commit notices from this connection (closed, or the file could not be had). */
  private dropCommitNotices(): void {
    const fd = this.commitNotices;
    this.commitNotices = -1;
    if (fd === undefined || fd < 0) return;
    try {
      fs.closeSync(fd);
    } catch {
      /* not open after all: nothing to release */
    }
  }

  private immediateOnce<T>(body: () => T): T {
    const fn = this.counted(body);
    if (!this.noteWaits) return this.tx.immediate(fn) as T;
    let began = false;
    const run = () => {
      began = true;
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return fn();
    };
    this.db.pragma('busy_timeout = 0');
    try {
      return this.tx.immediate(run) as T;
    } catch (e) {
      // Taken at BEGIN: wait, with a note. Anything else (or a busy lock inside fn) is fn's error.
      if (began || !(e instanceof Database.SqliteError && (e.code ?? '').startsWith('SQLITE_BUSY'))) throw e;
    } finally {
      if (!began) this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    const note = noteCommandWaiting(this.home);
    try {
      return this.tx.immediate(fn) as T;
    } finally {
      note.done();
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores a new object as given (kind, metadata.name, metadata.namespace for a namespaced kind,
   * metadata.uid), with the next resourceVersion. AlreadyExists when the key is taken.
   */
  create(input: KObject, how: WriteHow = {}): KObject {
    return this.oneWrite(() => {
      const obj = how.adopt ? input : clone(input);
      const info = info_(obj.kind);
      const m = meta(obj);
      const name = m?.name;
      if (!name) throw new Error(`kjob: store.create of a ${obj.kind} without a name`);
      if (info.namespaced && !m.namespace) throw new Error(`kjob: store.create of ${obj.kind} ${name} without a namespace`);
      const key = keyFor(info, m.namespace, name);
      if (this.s.existsKey.get(info.kind, key)) throw alreadyExists(groupResource(info), name);
      const rv = this.nextRV();
      m.resourceVersion = String(rv);
      const body = bodyOf(obj);
      const ref = refKey(obj);
      const { lastInsertRowid } = this.s.insert.run(info.kind, key, info.namespaced ? m.namespace : '', name, m.uid ?? '', rv, ref, body);
      this.s.addChange.run(rv, 'ADDED', info.kind, info.namespaced ? m.namespace : '', name, m.uid ?? '', body);
      if (ref !== null) this.refWritten(info.kind, info.namespaced ? m.namespace! : '', key, null, ref, { id: Number(lastInsertRowid), rv });
      this.versionWritten(info.kind, key, { id: Number(lastInsertRowid), rv });
      // obj is create()'s JSON copy of its input: what is stored, and returned without another.
      this.writeView(info.kind, key, obj);
      if (how.share) this.keepShared(Number(lastInsertRowid), rv, obj);
      return obj;
    });
  }

  /**
   * Replaces the stored object with this one (GuaranteedUpdate). Conflict when the object's
   * metadata.resourceVersion (if set) or the preconditions do not match what is stored; NotFound
   * when nothing is stored. An object equal to the stored one is not written (no new
   * resourceVersion, no change), as etcd3's store skips a no-op update.
   */
  update(input: KObject, preconditions: Preconditions = {}, how: WriteHow = {}): KObject {
    return this.oneWrite(() => {
      const obj = how.adopt ? input : clone(input);
      const info = info_(obj.kind);
      const name = obj.metadata?.name ?? '';
      const row = this.s.getByKey.get(info.kind, keyFor(info, obj.metadata?.namespace, name)) as Row | undefined;
      if (!row) throw notFound(groupResource(info), name);
      checkPreconditions(info, row, preconditions);
      const givenRV = obj.metadata.resourceVersion;
      if (givenRV !== undefined && givenRV !== '' && givenRV !== String(row.rv)) throw conflict(groupResource(info), name);
      const out = this.writeUpdate(row, obj);
      if (how.share) this.keepShared(row.id, Number(out.metadata.resourceVersion), out);
      return out;
    });
  }

  /**
   * Removes the object. The change log records `lastState` (default: the stored object) under the
   * deletion's resourceVersion, as a watch sees the DELETED object. NotFound, or Conflict when the
   * preconditions do not hold.
   */
  delete(kind: Kind, namespace: string | undefined, name: string, opts: { preconditions?: Preconditions; lastState?: KObject } = {}): KObject {
    return this.oneWrite(() => {
      const info = info_(kind);
      const row = this.s.getByKey.get(kind, keyFor(info, namespace, name)) as Row | undefined;
      if (!row) throw notFound(groupResource(info), name);
      checkPreconditions(info, row, opts.preconditions ?? {});
      const obj = opts.lastState ? clone(opts.lastState) : (JSON.parse(row.body) as KObject);
      const rv = this.nextRV();
      meta(obj).resourceVersion = String(rv);
      const body = JSON.stringify(obj);
      this.s.remove.run(row.id);
      if (row.aggkey !== null) this.refWritten(row.kind, row.namespace, row.key, row.aggkey, null);
      this.versionWritten(row.kind, row.key);
      if (hasTableView(row.kind)) this.s.removeView.run(row.kind, row.key);
      this.s.addChange.run(rv, 'DELETED', row.kind, row.namespace, row.name, row.uid, body);
      return JSON.parse(body) as KObject;
    });
  }

  // ---------------------------------------------------------------- internals

  /** Writes obj over row (MODIFIED), unless nothing changed (then no write). */
  private writeUpdate(row: Row, obj: KObject): KObject {
    // obj is update()'s JSON copy of its input (normalised, and nobody else's): it is what is
    // stored and returned, without more copies (a write's JSON round trips were most of its cost).
    meta(obj).resourceVersion = String(row.rv);
    // Both are JSON.stringify's text of a JSON copy: equal values in another key order have the
    // same length, so only a text of the same length can hold the same object (and is parsed to see).
    const text = JSON.stringify(obj);
    if (text === row.body || (text.length === row.body.length && jsonEqual(obj, JSON.parse(row.body)))) return obj;
    const rv = this.nextRV();
    meta(obj).resourceVersion = String(rv);
    const body = bodyOf(obj);
    const ref = refKey(obj);
    // An aggkey in the SET list makes SQLite rewrite objects_by_ref's entry even when its value is
    // the same (a page more written per commit); a pod's reference, its Job, does not change.
    if (ref === row.aggkey) this.s.updateSameRef.run(rv, body, row.id);
    else this.s.update.run(rv, ref, body, row.id);
    if (row.aggkey !== null || ref !== null) this.refWritten(row.kind, row.namespace, row.key, row.aggkey, ref, { id: row.id, rv });
    this.versionWritten(row.kind, row.key, { id: row.id, rv });
    this.s.addChange.run(rv, 'MODIFIED', row.kind, row.namespace, row.name, row.uid, body);
    this.writeView(row.kind, row.key, obj);
    return obj;
  }

  /** The object's table view, in the transaction that writes the object. */
  private writeView(kind: string, key: string, obj: KObject): void {
    setView(this.s.setView, kind, key, obj);
  }

  private nextRV(): number {
    let rv: number;
    if (this.txRV) rv = ++this.txRV.last;
    else {
      rv = this.s.bump.get() as number;
      // Counted on in memory only in a transaction's body, which writes it back before its commit.
      if (this.countsRVs) this.txRV = { stored: rv, last: rv };
    }
    if (rv % TRIM_EVERY === 0) this.s.trim.run(rv - CHANGE_LOG_KEEP);
    return rv;
  }

  /** SQLite failures after open, in kubectl-style words; everything else passes through. */
  private guard<T>(fn: () => T): T {
    try {
      this.alive();
      return fn();
    } catch (e) {
      if (!(e instanceof Database.SqliteError)) throw e;
      const code = e.code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new UserError(`error: state file "${this.file}" is locked by another process (gave up after 10s)`);
      }
      if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
        throw new UserError(`error: state file "${this.file}" is unreadable or corrupt: ${e.message}`);
      }
      if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
        throw new UserError(`error: cannot write state file "${this.file}": ${e.message}`);
      }
      throw e;
    }
  }
}

// ---------------------------------------------------------------- helpers

/**
 * What a connection read, kept while no other connection has committed: SQLite's data_version
 * changes with another's commit, not with the connection's own, whose writes keep the entries up
 * to date themselves. Forgotten with a rollback; a cache, emptied when it holds max entries.
 */
class UntilOthersCommit<V> {
  private dataVersion?: number;
  readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  /** The entries as of dataVersion (the connection's now): none once another has committed since they were read. */
  current(dataVersion: number): Map<string, V> {
    if (dataVersion !== this.dataVersion) {
      this.entries.clear();
      this.dataVersion = dataVersion;
    }
    return this.entries;
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, value);
  }

  forget(): void {
    this.entries.clear();
    this.dataVersion = undefined;
  }
}

/** An object of statements, each prepared by its maker when first read, then kept. */
function lazyStatements<K extends string>(makers: Record<K, () => Stmt>): Record<K, Stmt> {
  const out = {} as Record<K, Stmt>;
  for (const k of Object.keys(makers) as K[]) {
    let made: Stmt | undefined;
    Object.defineProperty(out, k, { get: () => (made ??= makers[k]()), enumerable: true });
  }
  return out;
}

const CHANGES_SINCE = `SELECT rv, type, kind, namespace, name, uid, object FROM changes WHERE rv > ? ORDER BY rv`;
const CHANGES_OF_KIND_SINCE = `SELECT rv, type, kind, namespace, name, uid, object FROM changes WHERE rv > ? AND rv <= ? AND kind = ? ORDER BY rv`;
const SET_VIEW = `INSERT OR REPLACE INTO views (kind, key, body, labels) VALUES (?, ?, ?, ?)`;

/** Writes obj's table view (its kind has one) with the prepared SET_VIEW. */
function setView(stmt: Database.Statement, kind: string, key: string, obj: KObject): void {
  const view = tableView(obj);
  if (view !== undefined) stmt.run(kind, key, view, tableViewLabels(obj) ?? null);
}

function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number; // re-read under the write lock
    if (version > SCHEMA_VERSION) throw newerSchema(file, version);
    if (version === SCHEMA_VERSION) return;
    if (version === 0) {
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[]).filter(
        (t) => !OWN_TABLES.has(t),
      );
      if (tables.length > 0) {
        throw new UserError(`error: state file "${file}" is not a kjob state file (it holds other tables: ${tables.join(', ')})`);
      }
    }
    if (version < 1) db.exec(SCHEMA_V1);
    if (version < 2) {
      db.exec(SCHEMA_V2);
      const rows = db.prepare(`SELECT id, body FROM objects WHERE kind IN ('Event', 'Pod')`).all() as { id: number; body: string }[];
      const set = db.prepare(`UPDATE objects SET aggkey = ? WHERE id = ?`);
      for (const r of rows) set.run(refKey(JSON.parse(r.body) as KObject), r.id);
    }
    if (version < 3) db.exec(SCHEMA_V3);
    if (version < 4) {
      db.exec(`DELETE FROM views`);
      const set = db.prepare(SET_VIEW);
      const kinds = TABLE_VIEW_KINDS.map((k) => `'${k}'`).join(', ');
      // In batches: a large state file is not read into memory at once.
      const batch = db.prepare(`SELECT id, kind, key, body FROM objects WHERE id > ? AND kind IN (${kinds}) ORDER BY id LIMIT 1000`);
      for (let last = 0; ; ) {
        const rows = batch.all(last) as { id: number; kind: string; key: string; body: string }[];
        if (rows.length === 0) break;
        for (const r of rows) setView(set, r.kind, r.key, JSON.parse(r.body) as KObject);
        last = rows[rows.length - 1].id;
      }
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function newerSchema(file: string, version: number): UserError {
  return new UserError(
    `error: state file "${file}" was written by a newer kjob (schema version ${version}; this kjob understands up to ${SCHEMA_VERSION}); upgrade kjob to use it`,
  );
}

function errnoText(e: unknown): string {
  const code = (e as { code?: string })?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ENOENT':
      return 'no such file or directory';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function info_(kind: string): ResourceInfo {
  const r = resourceForKind(kind);
  if (!r) throw new StatusError('BadRequest', `no kind "${kind}" is registered`, { kind });
  return r;
}

function keyFor(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return info.namespaced ? `${namespace || 'default'}/${name}` : name;
}

interface ChangeRow {
  rv: number;
  type: ChangeType;
  kind: Kind;
  namespace: string;
  name: string;
  uid: string;
  object: string;
}

/**
 * A change, its object parsed when first read: the engine's informer reads every change and
 * looks at the objects of the kinds it has handlers for, and half of a Job's changes are Events.
 * shared: the version's object this connection wrote and kept (changesSince), not parsed at all.
 */
function changeOf(r: ChangeRow, shared?: KObject): Change {
  let object = shared;
  return {
    rv: r.rv,
    type: r.type,
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    uid: r.uid,
    get object() {
      return (object ??= JSON.parse(r.object) as KObject);
    },
  };
}

/** `involvedObject.uid` as an SQLite JSON path. */
function jsonPath(dotted: string): string {
  return '$' + dotted.split('.').map((p) => `."${p.replace(/"/g, '')}"`).join('');
}

/** The stored text of an object: refused, as etcd refuses it, when it is too large. */
function bodyOf(obj: KObject): string {
  const body = JSON.stringify(obj);
  if (Buffer.byteLength(body) > MAX_OBJECT_BYTES) throw new StatusError('Unknown', 'etcdserver: request is too large');
  return body;
}

/** storage.Preconditions.Check, with the message the apiserver's storage errors carry. */
function checkPreconditions(info: ResourceInfo, row: Row, p: Preconditions): void {
  const gr = groupResource(info);
  if (p.uid !== undefined && p.uid !== row.uid) {
    throw new StatusError('Conflict', `Operation cannot be fulfilled on ${gr} "${row.name}": Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${row.uid}`, { name: row.name });
  }
  if (p.resourceVersion !== undefined && p.resourceVersion !== String(row.rv)) {
    throw new StatusError(
      'Conflict',
      `Operation cannot be fulfilled on ${gr} "${row.name}": Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${row.rv}`,
      { name: row.name },
    );
  }
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/**
 * The state directory is its user's only (0700): it holds every object, the logs and the engine's
 * socket. An existing directory of ours is tightened too, unless it is a shared one such as /tmp
 * (sticky) that a state directory should not be anyway.
 */
function makePrivate(dir: string, st: fs.Stats): void {
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** Freezes o and everything in it. */
function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}
