// The kubectl side of `get`: cli-runtime's HumanReadablePrinter / printTable with get.go's
// decorations (namespace column, -L label columns, --show-labels, kind prefix, watch EVENT
// column), written through one RememberWidths tabwriter so watch rows keep their alignment.
import { getTabWriter, escapeTerminal, type TabWriter } from './tabwriter.js';
import type { Column, Table } from './tables.js';
import { formatLabels } from './labels.js';

export { formatLabels, formatLabelSelector } from './labels.js';

export interface TablePrinterOptions {
  noHeaders?: boolean;
  wide?: boolean;
  /** -A: prepend a NAMESPACE column (the caller leaves it off for cluster-scoped kinds). */
  withNamespace?: boolean;
  /** Prefix NAME cells with kindPrefix ("job.batch/pi"): --show-kind or several types in one get. */
  showKind?: boolean;
  kindPrefix?: string;
  /** -L keys. */
  labelColumns?: string[];
  showLabels?: boolean;
  /** --output-watch-events: printTable calls pass eventType ("ADDED", "MODIFIED", "DELETED"). */
  watchEvents?: boolean;
}

function sameColumns(a: Column[] | undefined, b: Column[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((c, i) => c.name === b[i].name && c.priority === b[i].priority);
}

/** cli-runtime formatEventType: "ADDED   ", "MODIFIED", "DELETED ", "ERROR   ". */
function formatEventType(t: string): string {
  return t.length < 8 ? t + ' '.repeat(8 - t.length) : t;
}

const SPECIAL = /[\f\n\r\x1b]/;

/** No cell of the first n is changed by cellString. */
function isPlainRow(cells: readonly string[], n: number): boolean {
  for (let i = 0; i < n; i++) if (SPECIAL.test(cells[i])) return false;
  return true;
}

function cellString(v: string): string {
  if (!SPECIAL.test(v)) return v;
  let s = v;
  let truncated = false;
  const m = s.search(/[\f\n\r]/);
  if (m >= 0) {
    truncated = true;
    s = s.slice(0, m);
  }
  return escapeTerminal(s) + (truncated ? '...' : '');
}

export class TablePrinter {
  private readonly opts: TablePrinterOptions;
  private readonly tw: TabWriter;
  private readonly rawOut: (s: string) => void;
  private written = 0;
  private started = false;
  private printedHeaders = false;
  private lastColumns: Column[] | undefined;

  constructor(out: (s: string) => void, opts: TablePrinterOptions = {}) {
    this.opts = opts;
    this.rawOut = out;
    this.tw = getTabWriter((s) => {
      this.written += s.length;
      out(s);
    });
  }

  /**
   * Print one table (the initial list, or the one-row table of a watch event). The header is
   * printed only when there are rows, and only once while the columns stay the same.
   * opts.kindPrefix overrides the constructor's (it applies only with showKind);
   * opts.eventType adds the EVENT column (with watchEvents).
   */
  printTable(t: Table, opts: { kindPrefix?: string; eventType?: string } = {}): void {
    const o = this.opts;
    this.started = true;
    let noHeaders = !!o.noHeaders;
    if (this.printedHeaders && sameColumns(this.lastColumns, t.columns)) noHeaders = true;
    if (t.rows.length === 0) return;
    if (!noHeaders) {
      this.printedHeaders = true;
      this.lastColumns = t.columns.map((c) => ({ ...c }));
    }
    const prefix = o.showKind ? (opts.kindPrefix ?? o.kindPrefix) : undefined;
    const nameIdx = t.columns.findIndex((c) => c.name === 'Name');
    const eventType = o.watchEvents || opts.eventType ? opts.eventType : undefined;

    const visible = t.columns.map((c) => o.wide || c.priority === 0);
    // A row printed as its cells are, its visible columns first (every kind's wide columns are
    // last but the Event's): its first `shown` cells go to the tabwriter as they are.
    const shown = visible.indexOf(false) === -1 ? visible.length : visible.indexOf(false);
    const plainRows = eventType === undefined && !o.withNamespace && !prefix && !o.labelColumns?.length && !o.showLabels && visible.lastIndexOf(true) < shown;
    if (!noHeaders) {
      const h: string[] = [];
      if (eventType !== undefined) h.push('EVENT');
      if (o.withNamespace) h.push('NAMESPACE');
      t.columns.forEach((c, i) => visible[i] && h.push(c.name.toUpperCase()));
      for (const l of o.labelColumns ?? []) h.push(labelHeader(l).toUpperCase());
      if (o.showLabels) h.push('LABELS');
      this.tw.write(h.join('\t') + '\n');
    }
    for (const row of t.rows) {
      if (plainRows && row.cells.length >= shown && isPlainRow(row.cells, shown)) {
        this.tw.writeRow(row.cells, shown);
        continue;
      }
      const cells: string[] = [];
      if (eventType !== undefined) cells.push(formatEventType(eventType));
      if (o.withNamespace) cells.push(cellString(row.object.metadata.namespace ?? ''));
      row.cells.forEach((c, i) => {
        if (i >= t.columns.length || !visible[i]) return;
        let v = c;
        if (i === nameIdx && prefix) v = `${prefix}/${v}`;
        cells.push(cellString(v));
      });
      const labels = (row.object.metadata.labels ?? {}) as Record<string, string>;
      for (const l of o.labelColumns ?? []) cells.push(cellString(labels[l] ?? ''));
      if (o.showLabels) cells.push(cellString(formatLabels(labels)));
      this.tw.writeRow(cells);
    }
  }

  /**
   * get.go at a change of resource type: flush, forget the remembered widths and the printed
   * header, and write a blank line if a table was printed before (this is not the first type),
   * headers are on, and something was written since the last type started. Calling it before
   * the first table is optional and harmless.
   */
  startNewType(): void {
    this.tw.flush();
    this.tw.resetRememberedWidths();
    if (this.started && !this.opts.noHeaders && this.written > 0) {
      this.rawOut('\n');
      this.written = 0;
    }
    this.started = true;
    this.printedHeaders = false;
    this.lastColumns = undefined;
  }

  flush(): void {
    this.tw.flush();
  }

  /** Bytes written since the last type started (get.go's trackingWriter). */
  get bytesWritten(): number {
    return this.written;
  }
}

/** The -L column header: the last path segment of the key. */
export function labelHeader(key: string): string {
  const parts = key.split('/');
  return parts[parts.length - 1];
}
