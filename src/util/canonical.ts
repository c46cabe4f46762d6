// Key-order independent comparison of JSON-like values, so a reconcile writes only real changes.

/** The value with its objects' keys sorted and undefined members left out (JSON.stringify of it is canonical). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/**
 * Equality of JSON-like values regardless of key order (undefined members count as absent), as
 * JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)) but without building either: it stops at the first
 * difference, and every store update that changes something asks it (two sorted copies and two
 * strings of each object were a cold engine's biggest single cost, by --cpu-prof).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // JSON writes NaN and the infinities as null.
  if (typeof a === 'number' && !Number.isFinite(a)) a = null;
  if (typeof b === 'number' && !Number.isFinite(b)) b = null;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    // An undefined element is written as null.
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k) || x[k] === undefined) continue;
    if (!jsonEqual(x[k], y[k])) return false;
    n++;
  }
  for (const k in y) if (Object.hasOwn(y, k) && y[k] !== undefined) n--;
  return n === 0;
}

/**
 * A copy of a JSON-like value as JSON.parse(JSON.stringify(v)) makes it (undefined members left
 * out, undefined elements and non-finite numbers null, -0 as 0, toJSON() honoured), without the text: a
 * few times faster for the objects the engine writes, which it copies for every request.
 */
export function jsonCopy<T>(v: T): T {
  return copyValue(v) as T;
}

function copyValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v || 0 : null; // -0 is written as 0
  if (typeof v !== 'object' || v === null) return v;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v));
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : copyValue(x);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    out[k] = copyValue(x);
  }
  return out;
}
