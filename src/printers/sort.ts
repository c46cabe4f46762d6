// kubectl get --sort-by (pkg/cmd/get/sorter.go): each object's first JSONPath result, compared as
// isLess compares what unstructured objects hold (int64, float64, strings, where two strings that
// both parse as resource quantities compare as quantities, and timestamps, being strings, compare
// as strings), objects without the field first, with Go's (unstable) sort.Sort.
import { JSONPath, JSONPathParseError, relaxedJSONPathExpression } from './jsonpath.js';
import { parseQuantityExact, compareQuantities } from '../api/quantity.js';
import { goSort } from '../util/gosort.js';
import { UserError } from '../errors.js';

/** How kubectl fails when two values cannot be ordered (klog.Exitf): the message, exit 1. */
export class UnsortableError extends UserError {}

function isNum(v: unknown): boolean {
  return typeof v === 'number' || (v !== null && typeof v === 'object' && 'value' in (v as object) && typeof (v as { value: unknown }).value === 'number' && !Array.isArray(v));
}
const num = (v: unknown) => (typeof v === 'number' ? v : (v as { value: number }).value);
const goType = (v: unknown): string =>
  v === null ? 'nil' : Array.isArray(v) ? '[]interface {}' : typeof v === 'object' && !isNum(v) ? 'map[string]interface {}' : typeof v === 'boolean' ? 'bool' : typeof v;

/** resource.ParseQuantity, which does not trim. */
function quantity(s: string) {
  if (s !== s.trim() || s === '') return undefined;
  return parseQuantityExact(s);
}

/** klog's Exitf line: "F1202 09:44:55.605356   24401 sorter.go:375] ..." (local time). */
export function klogFatal(file: string, msg: string, now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const us = p(now.getMilliseconds(), 3) + '000';
  return `F${p(now.getMonth() + 1)}${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}.${us} ${String(process.pid).padStart(7)} ${file}] ${msg}`;
}

/** Where the comparison fails: TableSorter.Less (the table of `get`) or RuntimeSort.Less (other outputs). */
export type SortSite = 'table' | 'objects';

/** sorter.go isLess for the values of unstructured objects. */
export function isLess(i: unknown, j: unknown, field: string, site: SortSite = 'objects'): boolean {
  const fail = (err: string): never => {
    throw new UnsortableError(
      site === 'table'
        ? klogFatal('sorter.go:375', `Field ${field} in [][][]reflect.Value is an unsortable type: interface, err: ${err}`)
        : klogFatal('sorter.go:329', `Field ${field} in *unstructured.Unstructured is an unsortable type: interface, err: ${err}`),
    );
  };
  if (i === null && j === null) return false;
  if (i === null) return true;
  if (j === null) return false;
  if (isNum(i)) {
    if (isNum(j) && Number.isInteger(num(i)) === Number.isInteger(num(j))) return num(i) < num(j);
  } else if (typeof i === 'string') {
    if (typeof j === 'string') {
      const qi = quantity(i);
      const qj = qi && quantity(j);
      if (qi && qj) return compareQuantities(qi, qj) < 0;
      return Buffer.compare(Buffer.from(i), Buffer.from(j)) < 0;
    }
  } else {
    return fail(`unsortable type: ${goType(i)}`);
  }
  return fail('unsortable interface: interface');
}

/**
 * get's RuntimeSorter when a human-readable get prints several tables (several types, or several
 * names): it sorts the Table objects themselves, and fails unless the field is one a Table has.
 */
export function checkSortOverTables(sortBy: string, tables: number): void {
  if (tables < 2) return;
  sortObjects([{ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '1' } }], sortBy);
}

/**
 * Objects in --sort-by order. `field` is the flag's value; the errors are kubectl's
 * (`couldn't find any field with path "{.x}" in the list of objects`).
 */
export function sortObjects<T>(objects: readonly T[], sortBy: string, toData: (o: T) => unknown = (o) => o, site: SortSite = 'objects'): T[] {
  let field: string;
  try {
    field = relaxedJSONPathExpression(sortBy);
  } catch {
    field = sortBy;
  }
  let parser: JSONPath;
  try {
    parser = new JSONPath(field);
  } catch (e) {
    if (e instanceof JSONPathParseError) throw new UserError(`error: sorting error: ${e.message}`);
    throw e;
  }
  parser.allowMissingKeys = true;
  const firsts = objects.map((o) => {
    const r = parser.findResults(toData(o));
    return r.length > 0 && r[0].length > 0 ? { v: r[0][0] === undefined ? null : r[0][0] } : undefined;
  });
  if (objects.length > 0 && firsts.every((f) => f === undefined)) {
    throw new UserError(`error: couldn't find any field with path ${JSON.stringify(field)} in the list of objects`);
  }
  const idx = objects.map((_, i) => i);
  goSort({
    len: () => idx.length,
    swap: (a, b) => ([idx[a], idx[b]] = [idx[b], idx[a]]),
    less: (a, b) => {
      const x = firsts[idx[a]];
      const y = firsts[idx[b]];
      if (!x) return true;
      if (!y) return false;
      return isLess(x.v, y.v, field, site);
    },
  });
  return idx.map((i) => objects[i]);
}
