// What the patch libraries need from Go's runtime to behave as apimachinery does: fmt's %v of a
// JSON value (merge-key and scalar ordering compare these strings; error messages print them) and
// sort.SliceStable's exact algorithm (normalizeSliceOrder's less function is not a strict order,
// so the result depends on the algorithm, not only on the comparison).

export type JSONValue = null | boolean | number | string | JSONValue[] | JSONMap;
export interface JSONMap {
  [key: string]: JSONValue;
}

/** A decoded object (or a manifest) as the JSON it is: every value in it is a JSON value. */
export const asJSONMap = (obj: object): JSONMap => obj as JSONMap;

export const isMap = (v: unknown): v is JSONMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** strconv.FormatFloat(f, 'g', -1, 64), as fmt's %v prints a float64: the exponent form below 1e-4 and from 1e6 (1e+06). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // Shortest digits, as JavaScript also finds them; then Go's %g layout (%e when exp < -4 || exp >= 6).
  const [mant, expStr] = n.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const digits = mant.replace('-', '').replace('.', '');
  const sign = n < 0 ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** fmt.Sprintf("%v", v) of a value decoded from JSON into interface{}. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  const keys = Object.keys(v as object).sort(byteOrder);
  return `map[${keys.map((k) => `${k}:${goV((v as Record<string, unknown>)[k])}`).join(' ')}]`;
}

/** Go's string order (bytes). */
export function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** sort.Sort of strings by a key (the order of equal keys is unspecified in Go; here it is stable). */
export function sortByGoString<T>(xs: T[], key: (x: T) => string): T[] {
  return xs
    .map((x) => [key(x), x] as const)
    .sort((a, b) => byteOrder(a[0], b[0]))
    .map(([, x]) => x);
}

/**
 * sort.SliceStable(xs, less) with Go's algorithm (insertion sort on blocks of 20, then SymMerge),
 * less called with the indices of the slice as it is being rearranged. Sorts xs in place.
 */
export function goSliceStable<T>(xs: T[], less: (a: T, b: T) => boolean): T[] {
  const L = (i: number, j: number) => less(xs[i], xs[j]);
  const swap = (i: number, j: number) => {
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && L(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (L(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!L(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!L(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  const n = xs.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
  return xs;
}

/** reflect.DeepEqual of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** The Go type a JSON value decodes to (for "types have changed" comparisons). */
export function goKind(v: unknown): 'map' | 'slice' | 'string' | 'float64' | 'bool' | 'nil' {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  return 'bool';
}

/** reflect.TypeOf(v).String() as the patch errors print it. */
export function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'nil':
      return '%!s(<nil>)';
    default:
      return goKind(v);
  }
}
