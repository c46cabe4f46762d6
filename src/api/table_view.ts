// The table view of an object: its row as `kjob get` prints it (the cells of the printers in
// src/printers/tables.ts, default and wide, and its namespace), kept by the store next to the
// object so that listing a kind for a table reads one short row per object instead of every whole
// object, and prints it without the printers (src/printers/table_view.ts makes it; its test checks
// that a view prints as its object prints, on varied objects and at different times).
//
// The cells that read the clock (AGE, a restart's "ago", a running Job's DURATION, LAST SCHEDULE)
// are kept as the time they count from (Since), and printed when the table is.
import type { KObject } from './types.js';

/**
 * A cell that reads the clock: humanDuration(now - since) between prefix and suffix ("3 (" and
 * " ago)" for RESTARTS). A class, so that a printer's own Since is told apart from a value an odd
 * object carries (printers/table_view.ts stores only rows of strings and Sinces).
 */
export class Since implements SinceFields {
  constructor(
    readonly since: number,
    readonly prefix?: string,
    readonly suffix?: string,
  ) {}
}

/** A Since's fields: all a stored one has once it has been through JSON. */
export interface SinceFields {
  since: number;
  prefix?: string;
  suffix?: string;
}

/** A row's cell: printed text, or the time it counts from. */
export type Cell = string | Since;

/** The kinds whose objects have a table view. */
export const TABLE_VIEW_KINDS: readonly string[] = ['Pod', 'Job', 'CronJob'];

export function hasTableView(kind: string): boolean {
  return TABLE_VIEW_KINDS.includes(kind);
}

/** A stored table view as it is read: a Since is a plain object once it has been through JSON. */
export interface TableViewRow {
  namespace: string;
  /** undefined: the printers cannot print the object (then a table lists the objects instead). */
  cells: (string | SinceFields)[] | undefined;
  /** As stored (with ViewListOptions.labels): the object's labels, whatever their shape. */
  labels?: unknown;
}

/**
 * A stored view's text (printers/table_view.ts tableView: [...cells, namespace], or [null,
 * namespace]) as a row. The namespace is last so that the cells are the parsed array itself.
 * A view of schema 3 (an object: the fields the printers read), which an engine started by an
 * older kjob may still write after a newer one migrated the file, has no row either: the table
 * is listed from the objects.
 */
export function viewRow(body: string): TableViewRow {
  const v = JSON.parse(body) as NonNullable<TableViewRow['cells']> | [null, string] | Record<string, unknown>;
  if (!Array.isArray(v)) return { namespace: '', cells: undefined };
  const namespace = v.pop() as string;
  return { namespace, cells: v[0] === null ? undefined : (v as NonNullable<TableViewRow['cells']>) };
}

/**
 * The labels of an object with a table view, as JSON (undefined when it has none): the -L and
 * --show-labels columns and label selectors read them.
 */
export function tableViewLabels(obj: KObject): string | undefined {
  const m = obj.metadata as unknown;
  if (!isPlain(m) || !Object.prototype.hasOwnProperty.call(m, 'labels') || m.labels === undefined) return undefined;
  return JSON.stringify(m.labels);
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
