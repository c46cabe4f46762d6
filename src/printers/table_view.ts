// What the store keeps of an object for `get`'s tables (api/table_view.ts): the row the printers
// make of it, wide cells included, with its clock's cells unprinted.
import { hasTableView, Since, type TableViewRow } from '../api/table_view.js';
import type { Kind, KObject } from '../api/types.js';
import { printSince, rowCells } from './tables.js';

/**
 * The stored text of obj's table view: JSON of [...cells, namespace], or [null, namespace] when
 * the printers cannot print obj (one stored before decoding was strict: they throw, or make a
 * cell that is not text); undefined for a kind without views.
 */
export function tableView(obj: KObject): string | undefined {
  if (!hasTableView(obj.kind)) return undefined;
  const ns = obj.metadata?.namespace;
  const namespace = typeof ns === 'string' ? ns : '';
  let cells;
  try {
    cells = rowCells(obj.kind as Kind, obj);
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
  }
  if (cells === undefined || !cells.every((c) => typeof c === 'string' || c instanceof Since)) return JSON.stringify([null, namespace]);
  cells.push(namespace);
  return JSON.stringify(cells);
}

/**
 * A stored row's cells as printed at now (get's tables): its Sinces, plain objects once read back,
 * printed in place (the row is the caller's own).
 */
export function printStoredCells(cells: NonNullable<TableViewRow['cells']>, now: Date): string[] {
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (typeof c !== 'string') cells[i] = printSince(c, now);
  }
  return cells as string[];
}
