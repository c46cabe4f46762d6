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

/** sorter.go isLess for the values of unstructured objects. */
export function isLess(i: unknown, j: unknown, field: string): boolean {
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
    throw new UnsortableError(`error: Field ${field} is an unsortable type: interface, err: unsortable type: ${goType(i)}`);
  }
  throw new UnsortableError(`error: Field ${field} is an unsortable type: interface, err: unsortable interface: interface`);
}

/**
 * Objects in --sort-by order. `field` is the flag's value; the errors are kubectl's
 * (`couldn't find any field with path "{.x}" in the list of objects`).
 */
export function sortObjects<T>(objects: readonly T[], sortBy: string, toData: (o: T) => unknown = (o) => o): T[] {
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
      return isLess(x.v, y.v, field);
    },
  });
  return idx.map((i) => objects[i]);
}
