// A watch over the store's change log (the watch cache's cacheWatcher): the changes of one
// resource after a resourceVersion, in order, for the objects the options select. With a label or
// field selector an object that starts to match is ADDED, one that stops matching DELETED (with
// the state in which it last matched), as a watcher filtering by selector sees them. A watch
// from before the oldest change kept is Expired (410).
import { StatusError } from '../errors.js';
import type { KObject, Kind } from '../api/types.js';
import type { Selector } from '../api/labels.js';
import type { Store, Change } from '../store/store.js';
import { ChangeNotices } from '../store/change_notices.js';
import type { Watch, WatchEvent } from './interface.js';
import { selectableFields, type FieldSelector } from './fieldselector.js';

export interface WatchFilter {
  kind: Kind;
  /** undefined: every namespace */
  namespace?: string;
  labels?: Selector;
  fields?: FieldSelector;
}

const BATCH = 1000;

export class StoreWatch implements Watch {
  private rv: number;
  private closed = false;
  /** Whether each object (by uid) matched the selectors in the last change this watch saw of it. */
  private readonly matched = new Map<string, { matches: boolean; object: KObject }>();
  private readonly filtered: boolean;
  /** When to look again (wait), and whether the last look found the change log moved on. */
  private notices?: ChangeNotices;
  private advanced = false;
  /** Store.beginWatch's end, once this watch waits. */
  private endWatch?: () => void;

  constructor(
    private readonly store: Store,
    private readonly filter: WatchFilter,
    fromRV: number,
  ) {
    this.rv = fromRV;
    this.filtered = !(filter.labels?.empty() ?? true) || !(filter.fields?.empty() ?? true);
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  close(): void {
    this.closed = true;
    this.matched.clear();
    this.notices?.close();
    this.endWatch?.();
  }

  wait(pollMs: number, then: () => void): void {
    if (this.closed) return void setImmediate(then);
    if (!this.notices) {
      // Made at the first wait: a commit between the first look and now sent its notice to
      // nobody, so this wait is a notice too.
      this.notices = new ChangeNotices(this.store.home);
      this.notices.notice();
      this.endWatch = this.store.beginWatch();
    }
    this.notices.after(this.advanced, pollMs, then);
  }

  next(): WatchEvent[] {
    if (this.closed) return [];
    this.notices?.looking();
    const from = this.rv;
    try {
      return this.read();
    } finally {
      this.advanced = this.rv !== from;
    }
  }

  private read(): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (;;) {
      const oldest = this.store.oldestChangeRV();
      if (oldest > this.rv + 1) {
        // The change log was trimmed past this watch: what happened in between is lost.
        throw new StatusError('Expired', `too old resource version: ${this.rv} (${oldest - 1})`);
      }
      const { changes, through } = this.store.changesOfKindSince(this.rv, this.filter.kind, BATCH);
      for (const c of changes) {
        const e = this.event(c);
        if (e) out.push(e);
      }
      this.rv = through;
      if (changes.length < BATCH) return out;
    }
  }

  private matches(obj: KObject): boolean {
    const f = this.filter;
    if (f.labels && !f.labels.matches(obj.metadata?.labels ?? {})) return false;
    if (f.fields && !f.fields.empty() && !f.fields.matches(selectableFields(obj))) return false;
    return true;
  }

  private event(c: Change): WatchEvent | undefined {
    const f = this.filter;
    if (f.namespace !== undefined && c.namespace !== f.namespace) return undefined;
    if (!this.filtered) return { type: c.type, object: c.object };
    const cur = this.matches(c.object);
    const before = c.type === 'ADDED' ? undefined : this.previous(c);
    const prev = before?.matches ?? false;
    if (c.type === 'DELETED') {
      this.matched.delete(c.uid);
      return prev || cur ? { type: 'DELETED', object: c.object } : undefined;
    }
    this.matched.set(c.uid, { matches: cur, object: c.object });
    if (cur && prev) return { type: 'MODIFIED', object: c.object };
    if (cur) return { type: 'ADDED', object: c.object };
    if (prev) return { type: 'DELETED', object: before!.object };
    return undefined;
  }

  /** Whether the object matched just before this change (from this watch's memory, or the change log). */
  private previous(c: Change): { matches: boolean; object: KObject } | undefined {
    const known = this.matched.get(c.uid);
    if (known) return known;
    const p = this.store.previousChange(c.uid, c.rv);
    if (!p || p.type === 'DELETED') return undefined;
    return { matches: this.matches(p.object), object: p.object };
  }
}
