// The apiserver + etcd of kjob: every object with a resourceVersion, a change log that watches
// follow, events. One SQLite file (WAL) shared by every kjob process of a state directory; every
// write is one BEGIN IMMEDIATE transaction, so concurrent writers serialise and a killed process
// never leaves half-written state.
//
// Semantics follow k8s.io/apiserver/pkg/registry/generic/registry/store.go (Create, Update,
// Delete with graceful deletion and finalizers), rest/create.go, rest/update.go, rest/delete.go,
// the pod strategy's CheckGracefulDelete and client-go's EventCorrelator.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { jsonEqual } from '../util/canonical.js';
import Database from 'better-sqlite3';
import type { KObject, Kind, ObjectMeta } from '../api/types.js';
import { rfc3339 } from '../api/types.js';
import { resourceForKind, groupResource, type ResourceInfo } from '../api/resources.js';
import { UserError, StatusError, alreadyExists, conflict, notFound, invalid } from '../errors.js';
import { realClock, type Clock } from '../util/clock.js';

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
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditionUid?: string;
}

/** removed=false when only deletionTimestamp (and finalizers) were set, or a graceful deletion was already pending. */
export interface DeleteResult {
  object: KObject;
  removed: boolean;
}

export interface EventSource {
  component: string;
  host?: string;
}

/** The schema version this build writes; older files are migrated, newer ones refused. */
export const SCHEMA_VERSION = 1;
/** How many change-log entries are kept (older ones are trimmed; a watch from before them is "too old"). */
export const CHANGE_LOG_KEEP = 20_000;
const TRIM_EVERY = 500;

export const FINALIZER_FOREGROUND = 'foregroundDeletion';
export const FINALIZER_ORPHAN = 'orphan';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_NAME_BASE = 58; // 63 - 5 random chars

const OWN_TABLES = new Set(['objects', 'changes', 'counter', 'meta']);

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS objects (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,          -- etcd key order: "<namespace>/<name>", or "<name>" when cluster-scoped
  namespace TEXT NOT NULL,    -- "" when cluster-scoped
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  rv INTEGER NOT NULL,
  aggkey TEXT,                -- Events only: the EventCorrelator's aggregation key
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

interface Row {
  id: number;
  kind: string;
  key: string;
  namespace: string;
  name: string;
  uid: string;
  rv: number;
  body: string;
}

type Stmt = Database.Statement;
/** ObjectMeta with the server-set fields writable (kubernetes-types marks them readonly). */
type Meta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };
const meta = (o: KObject): Meta => o.metadata as Meta;

export class Store {
  readonly home: string;
  readonly clock: Clock;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly s: {
    getByKey: Stmt;
    getByUid: Stmt;
    getByAgg: Stmt;
    existsKey: Stmt;
    listAll: Stmt;
    listNs: Stmt;
    listLike: Stmt;
    insert: Stmt;
    update: Stmt;
    remove: Stmt;
    bump: Stmt;
    currentRV: Stmt;
    addChange: Stmt;
    changes: Stmt;
    oldestChange: Stmt;
    trim: Stmt;
    getMeta: Stmt;
    setMeta: Stmt;
  };

  private constructor(home: string, file: string, db: Database.Database, clock: Clock) {
    this.home = home;
    this.file = file;
    this.db = db;
    this.clock = clock;
    const p = (sql: string) => db.prepare(sql);
    const cols = 'id, kind, key, namespace, name, uid, rv, body';
    this.s = {
      getByKey: p(`SELECT ${cols} FROM objects WHERE kind = ? AND key = ?`),
      getByUid: p(`SELECT body FROM objects WHERE uid = ? LIMIT 1`).pluck(),
      getByAgg: p(`SELECT ${cols} FROM objects WHERE aggkey = ? AND kind = 'Event' LIMIT 1`),
      existsKey: p(`SELECT 1 FROM objects WHERE kind = ? AND key = ?`).pluck(),
      listAll: p(`SELECT body FROM objects WHERE kind = ? ORDER BY key`).pluck(),
      listNs: p(`SELECT body FROM objects WHERE kind = ? AND namespace = ? ORDER BY name`).pluck(),
      listLike: p(`SELECT ${cols} FROM objects WHERE body LIKE ? ORDER BY kind, key`),
      insert: p(`INSERT INTO objects (kind, key, namespace, name, uid, rv, aggkey, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      update: p(`UPDATE objects SET rv = ?, aggkey = ?, body = ? WHERE id = ?`),
      remove: p(`DELETE FROM objects WHERE id = ?`),
      bump: p(`UPDATE counter SET rv = rv + 1 WHERE id = 1 RETURNING rv`).pluck(),
      currentRV: p(`SELECT rv FROM counter WHERE id = 1`).pluck(),
      addChange: p(`INSERT INTO changes (rv, type, kind, namespace, name, uid, object) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      changes: p(`SELECT rv, type, kind, namespace, name, uid, object FROM changes WHERE rv > ? ORDER BY rv LIMIT ?`),
      oldestChange: p(`SELECT MIN(rv) FROM changes`).pluck(),
      trim: p(`DELETE FROM changes WHERE rv <= ?`),
      getMeta: p(`SELECT value FROM meta WHERE key = ?`).pluck(),
      setMeta: p(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
    };
  }

  /** Opens (creating or migrating) `<home>/state.db`. Throws UserError for an unusable directory or file. */
  static open(home: string, opts: { clock?: Clock } = {}): Store {
    const dir = path.resolve(home);
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = fs.statSync(dir);
      if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
      makePrivate(dir, st);
    } catch (e) {
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
      db = new Database(abs, { timeout: 10_000 });
      // SQLite creates the file 0644 (and its -wal and -shm with the file's mode): the state is
      // its user's only, so the file is made 0600 before the journal files exist.
      for (const f of [abs, `${abs}-wal`, `${abs}-shm`]) {
        try { fs.chmodSync(f, 0o600); } catch { /* not there (yet), or not ours */ }
      }
      db.pragma('busy_timeout = 10000');
      // Reading the header first: a file that is not a database fails here, before anything is written.
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) throw newerSchema(file, version);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (version < SCHEMA_VERSION) migrate(db, file);
      return new Store(home, file, db, opts.clock ?? realClock);
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

  getByUid(uid: string): KObject | undefined {
    if (!uid) return undefined;
    return this.guard(() => {
      const body = this.s.getByUid.get(uid) as string | undefined;
      return body === undefined ? undefined : (JSON.parse(body) as KObject);
    });
  }

  /** Sorted as etcd keys are: by "<namespace>/<name>". */
  list(kind: Kind, opts: ListOptions = {}): KObject[] {
    return this.guard(() => {
      const info = info_(kind);
      const bodies = (
        info.namespaced && opts.namespace !== undefined ? this.s.listNs.all(kind, opts.namespace) : this.s.listAll.all(kind)
      ) as string[];
      const out: KObject[] = new Array(bodies.length);
      let n = 0;
      const sel = opts.labelSelector;
      for (const b of bodies) {
        const o = JSON.parse(b) as KObject;
        if (sel && !sel(o.metadata.labels ?? {})) continue;
        out[n++] = o;
      }
      out.length = n;
      return out;
    });
  }

  currentRV(): number {
    return this.guard(() => this.s.currentRV.get() as number);
  }

  /** Changes with rv > the given one, oldest first. */
  changesSince(rv: number, limit = 10_000): Change[] {
    return this.guard(() => {
      const rows = this.s.changes.all(rv, limit) as { rv: number; type: ChangeType; kind: Kind; namespace: string; name: string; uid: string; object: string }[];
      return rows.map((r) => ({ rv: r.rv, type: r.type, kind: r.kind, namespace: r.namespace, name: r.name, uid: r.uid, object: JSON.parse(r.object) as KObject }));
    });
  }

  /** The oldest rv still in the change log (0 when empty): a watcher that last saw rv < oldest-1 missed changes (410 Expired). */
  oldestChangeRV(): number {
    return this.guard(() => (this.s.oldestChange.get() as number | null) ?? 0);
  }

  getMeta(key: string): string | undefined {
    return this.guard(() => this.s.getMeta.get(key) as string | undefined);
  }

  setMeta(key: string, value: string): void {
    this.guard(() => void this.s.setMeta.run(key, value));
  }

  // ---------------------------------------------------------------- transactions

  /** BEGIN IMMEDIATE; a nested call joins the outer transaction (as a savepoint: if it throws and the
   * caller catches, only the nested part is rolled back). */
  transaction<T>(fn: () => T): T {
    return this.guard(() => {
      const tx = this.db.transaction(fn);
      return this.db.inTransaction ? tx() : tx.immediate();
    });
  }

  // ---------------------------------------------------------------- writes

  create(input: KObject): KObject {
    return this.transaction(() => this.createInTx(clone(input)));
  }

  update(input: KObject): KObject {
    return this.transaction(() => {
      const obj = clone(input);
      const info = info_(obj.kind);
      const gr = groupResource(info);
      const name = obj.metadata?.name ?? '';
      const row = this.s.getByKey.get(info.kind, keyFor(info, obj.metadata?.namespace, name)) as Row | undefined;
      if (!row) throw notFound(gr, name);
      const old = JSON.parse(row.body) as KObject;
      const givenRV = obj.metadata.resourceVersion;
      if (givenRV !== undefined && givenRV !== '' && givenRV !== String(row.rv)) throw conflict(gr, name);
      const givenUid = obj.metadata.uid;
      if (givenUid && givenUid !== row.uid) throw preconditionFailed(gr, name, givenUid, row.uid);
      const m = meta(obj);
      const om = old.metadata;
      m.uid = om.uid;
      m.name = om.name;
      if (info.namespaced) m.namespace = om.namespace;
      else delete m.namespace;
      m.creationTimestamp = om.creationTimestamp;
      // An update can never set, change or remove a deletion timestamp or grace period.
      setOrDelete(m, 'deletionTimestamp', om.deletionTimestamp);
      setOrDelete(m, 'deletionGracePeriodSeconds', om.deletionGracePeriodSeconds);
      setOrDelete(m, 'generation', om.generation);
      if ((info.kind === 'Job' || info.kind === 'CronJob') && !jsonEqual(norm(obj.spec), norm(old.spec))) {
        m.generation = (om.generation ?? 0) + 1;
      }
      // ShouldDeleteDuringUpdate: the last finalizer of a terminating object was removed, and its
      // grace period is over (0 or unset). A pod still in its graceful termination stays until the
      // kubelet deletes it with grace 0 (a Job pod's tracking finalizer goes long before that).
      if (m.deletionTimestamp && (m.finalizers ?? []).length === 0 && (om.finalizers ?? []).length > 0 && !om.deletionGracePeriodSeconds) {
        return this.writeDelete(row, obj);
      }
      return this.writeUpdate(row, obj);
    });
  }

  delete(kind: Kind, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    return this.transaction(() => {
      const info = info_(kind);
      const gr = groupResource(info);
      const row = this.s.getByKey.get(kind, keyFor(info, namespace, name)) as Row | undefined;
      if (!row) throw notFound(gr, name);
      const obj = JSON.parse(row.body) as KObject;
      if (opts.preconditionUid !== undefined && opts.preconditionUid !== row.uid) {
        throw preconditionFailed(gr, name, opts.preconditionUid, row.uid);
      }
      const m = obj.metadata;
      const now = this.clock.now();

      // Graceful deletion (pods). A pending graceful deletion may only be shortened; the
      // propagation policy cannot change during it.
      let graceful = false;
      if (kind === 'Pod') {
        const r = podGracefulDelete(obj, opts.gracePeriodSeconds, now);
        if (r === 'pending') return { object: obj, removed: false };
        graceful = r === 'graceful';
      }

      const existingFinalizers = m.finalizers ?? [];
      const policy = opts.propagationPolicy ?? (existingFinalizers.includes(FINALIZER_FOREGROUND) ? 'Foreground' : existingFinalizers.includes(FINALIZER_ORPHAN) ? 'Orphan' : 'Background');
      if (policy === 'Orphan') this.orphanDependents(row.uid);
      // deletionFinalizersForGarbageCollection: Orphan is done right here, so only foreground leaves a finalizer.
      const finalizers = existingFinalizers.filter((f) => f !== FINALIZER_FOREGROUND && f !== FINALIZER_ORPHAN);
      if (policy === 'Foreground') finalizers.push(FINALIZER_FOREGROUND);
      if (finalizers.length > 0 || m.finalizers !== undefined) m.finalizers = finalizers;
      if (m.finalizers && m.finalizers.length === 0) delete m.finalizers;

      if (graceful) return { object: this.writeUpdate(row, obj), removed: false };
      if (finalizers.length > 0) {
        markAsDeleting(obj, now);
        return { object: this.writeUpdate(row, obj), removed: false };
      }
      return { object: this.writeDelete(row, obj), removed: true };
    });
  }

  /**
   * Records an Event about `involved`, aggregated as client-go's EventCorrelator does: a repeat of
   * the same (object uid, type, reason, message, source component, fieldPath) bumps count and
   * lastTimestamp of the existing Event instead of creating a new one.
   */
  recordEvent(involved: KObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.transaction(() => {
      const now = this.clock.now();
      const ts = rfc3339(now);
      const im = involved.metadata ?? {};
      const involvedObject: Record<string, unknown> = {
        kind: involved.kind,
        ...(im.namespace ? { namespace: im.namespace } : {}),
        name: im.name,
        uid: im.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: im.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      };
      const src: Record<string, string> = { component: source.component };
      if (source.host) src.host = source.host;
      const ev: KObject = {
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { name: '', namespace: im.namespace || 'default' },
        involvedObject,
        reason,
        message,
        source: src,
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      };
      const agg = eventKey(ev);
      const row = agg === null ? undefined : (this.s.getByAgg.get(agg) as Row | undefined);
      if (row) {
        const existing = JSON.parse(row.body) as KObject;
        existing.count = ((existing.count as number | undefined) ?? 1) + 1;
        existing.lastTimestamp = ts;
        this.writeUpdate(row, existing);
        return;
      }
      const base = `${im.name ?? ''}.`;
      const info = info_('Event');
      let name: string;
      let attempt = 0;
      do {
        // client-go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()). The clock has milliseconds, so
        // the sub-millisecond digits come from the global resourceVersion: events recorded in the
        // same millisecond still get distinct names in the order they were recorded, and listing
        // (by name) gives kubectl's describers the recording order for equal timestamps.
        const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt((this.currentRV() + 1 + attempt++) % 1_000_000);
        name = base + nanos.toString(16).padStart(16, '0').slice(-16);
      } while (this.s.existsKey.get('Event', keyFor(info, ev.metadata.namespace, name)));
      ev.metadata.name = name;
      this.createInTx(ev);
    });
  }

  /** Deletes Events not written for `ttlSeconds` (the apiserver's --event-ttl, 1h). Returns how many. */
  pruneEvents(ttlSeconds = 3600): number {
    return this.transaction(() => {
      const cutoff = this.clock.now().getTime() - ttlSeconds * 1000;
      let n = 0;
      for (const b of this.s.listAll.all('Event') as string[]) {
        const ev = JSON.parse(b) as KObject;
        const last = Date.parse(String(ev.lastTimestamp ?? ev.metadata.creationTimestamp ?? ''));
        if (!Number.isFinite(last) || last >= cutoff) continue;
        const row = this.s.getByKey.get('Event', keyFor(info_('Event'), ev.metadata.namespace, ev.metadata.name!)) as Row | undefined;
        if (row) {
          this.writeDelete(row, ev);
          n++;
        }
      }
      return n;
    });
  }

  // ---------------------------------------------------------------- internals

  private createInTx(obj: KObject): KObject {
    const info = info_(obj.kind);
    const gr = groupResource(info);
    obj.metadata ??= {};
    const m = meta(obj);
    if (info.namespaced) m.namespace ||= 'default';
    else delete m.namespace;
    if (!m.name) {
      if (!m.generateName) {
        throw invalid(info.kind, info.group, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', type: 'FieldValueRequired' }]);
      }
      const base = m.generateName.slice(0, MAX_GENERATED_NAME_BASE);
      do m.name = base + randomSuffix();
      while (this.s.existsKey.get(info.kind, keyFor(info, m.namespace, m.name)));
    } else if (this.s.existsKey.get(info.kind, keyFor(info, m.namespace, m.name))) {
      throw alreadyExists(gr, m.name);
    }
    m.uid ||= crypto.randomUUID();
    m.creationTimestamp = rfc3339(this.clock.now());
    if (info.kind === 'Job' || info.kind === 'CronJob') m.generation = 1;
    const rv = this.nextRV();
    m.resourceVersion = String(rv);
    const body = JSON.stringify(obj);
    this.s.insert.run(info.kind, keyFor(info, m.namespace, m.name), m.namespace ?? '', m.name, m.uid, rv, eventKey(obj), body);
    this.s.addChange.run(rv, 'ADDED', info.kind, m.namespace ?? '', m.name, m.uid, body);
    return JSON.parse(body) as KObject;
  }

  /** Writes obj over row (MODIFIED), unless nothing changed (then no write, as the apiserver's no-op update). */
  private writeUpdate(row: Row, obj: KObject): KObject {
    meta(obj).resourceVersion = String(row.rv);
    const next = norm(obj) as KObject;
    if (jsonEqual(next, JSON.parse(row.body))) return next;
    const rv = this.nextRV();
    meta(next).resourceVersion = String(rv);
    const body = JSON.stringify(next);
    this.s.update.run(rv, eventKey(next), body, row.id);
    this.s.addChange.run(rv, 'MODIFIED', row.kind, row.namespace, row.name, row.uid, body);
    return JSON.parse(body) as KObject;
  }

  /** Removes row; the change log gets obj (its last state) under the deletion's rv. */
  private writeDelete(row: Row, obj: KObject): KObject {
    const rv = this.nextRV();
    meta(obj).resourceVersion = String(rv);
    const body = JSON.stringify(obj);
    this.s.remove.run(row.id);
    this.s.addChange.run(rv, 'DELETED', row.kind, row.namespace, row.name, row.uid, body);
    return JSON.parse(body) as KObject;
  }

  private nextRV(): number {
    const rv = this.s.bump.get() as number;
    if (rv % TRIM_EVERY === 0) this.s.trim.run(rv - CHANGE_LOG_KEEP);
    return rv;
  }

  /** Orphan propagation: strip owner references to uid from every object (MODIFIED each). */
  private orphanDependents(uid: string): void {
    const pattern = `%${uid.replace(/[%_\\]/g, '')}%`;
    for (const row of this.s.listLike.all(pattern) as Row[]) {
      if (row.uid === uid) continue;
      const obj = JSON.parse(row.body) as KObject;
      const refs = obj.metadata.ownerReferences;
      if (!refs || !refs.some((r) => r.uid === uid)) continue;
      const kept = refs.filter((r) => r.uid !== uid);
      if (kept.length > 0) obj.metadata.ownerReferences = kept;
      else delete obj.metadata.ownerReferences;
      this.writeUpdate(row, obj);
    }
  }

  /** SQLite failures after open, in kubectl-style words; everything else passes through. */
  private guard<T>(fn: () => T): T {
    try {
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
    db.exec(SCHEMA_V1);
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

function preconditionFailed(gr: string, name: string, want: string, have: string): StatusError {
  return new StatusError(
    'Conflict',
    `Operation cannot be fulfilled on ${gr} "${name}": Precondition failed: UID in precondition: ${want}, UID in object meta: ${have}`,
    { name },
  );
}

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_ALPHABET[crypto.randomInt(NAME_ALPHABET.length)];
  return s;
}

/**
 * rest.BeforeDelete with the pod strategy's CheckGracefulDelete. Mutates obj. Returns
 * 'pending' (a graceful deletion at least as short is already under way: nothing to do),
 * 'graceful' (deletionTimestamp in the future is set: write it, keep the pod), or
 * 'immediate' (grace 0: remove, or mark as deleting when finalizers remain).
 */
function podGracefulDelete(obj: KObject, requested: number | undefined, now: Date): 'pending' | 'graceful' | 'immediate' {
  const m = meta(obj);
  let grace = requested ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
  if (!(grace > 0)) grace = 0;
  grace = Math.floor(grace);
  if (!obj.spec?.nodeName) grace = 0;
  const phase = obj.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') grace = 0;
  if (m.deletionTimestamp) {
    const old = m.deletionGracePeriodSeconds;
    if (old === undefined || old === null || old === 0) return 'immediate';
    if (grace >= old) return 'pending';
    const started = Date.parse(m.deletionTimestamp as string) - old * 1000;
    m.deletionTimestamp = rfc3339(new Date(started + grace * 1000));
    m.deletionGracePeriodSeconds = grace;
    return grace > 0 ? 'graceful' : 'immediate';
  }
  m.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
  m.deletionGracePeriodSeconds = grace;
  if (m.generation && m.generation > 0) m.generation += 1;
  return grace > 0 ? 'graceful' : 'immediate';
}

/** store.go markAsDeleting: deletionTimestamp = now unless already earlier, grace 0, generation bump on first mark. */
function markAsDeleting(obj: KObject, now: Date): void {
  const m = meta(obj);
  if (!m.deletionTimestamp && m.generation && m.generation > 0) m.generation += 1;
  const existing = m.deletionTimestamp ? Date.parse(m.deletionTimestamp as string) : undefined;
  if (existing === undefined || existing > now.getTime()) m.deletionTimestamp = rfc3339(now);
  m.deletionGracePeriodSeconds = 0;
}

/** The aggregation key of an Event (null for other kinds). */
function eventKey(obj: KObject): string | null {
  if (obj.kind !== 'Event') return null;
  const io = (obj.involvedObject ?? {}) as Record<string, unknown>;
  const src = (obj.source ?? {}) as Record<string, unknown>;
  return JSON.stringify([io.uid ?? '', obj.type ?? '', obj.reason ?? '', obj.message ?? '', src.component ?? '', io.fieldPath ?? '']);
}

function setOrDelete(m: Record<string, any>, key: string, value: unknown): void {
  if (value === undefined || value === null) delete m[key];
  else m[key] = value;
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** JSON-normalised copy (drops undefined, as storage would). */
function norm(x: unknown): unknown {
  return x === undefined ? undefined : JSON.parse(JSON.stringify(x));
}

/**
 * The state directory is its user's only (0700): it holds every object, the logs and the engine's
 * socket. An existing directory of ours is tightened too, unless it is a shared one such as /tmp
 * (sticky) that a state directory should not be anyway.
 */
function makePrivate(dir: string, st: fs.Stats): void {
  if ((st.mode & 0o077) === 0 || (st.mode & 0o1000) !== 0 /* sticky */) return;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return;
  fs.chmodSync(dir, 0o700);
}
