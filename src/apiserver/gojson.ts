// The Go value parsers the apiserver's JSON decoding runs for a few types, with Go's messages:
// encoding/base64 (StdEncoding, for []byte fields), time.Parse (metav1.Time and MicroTime) and
// resource.ParseQuantity. Each returns the error text Go returns, or undefined.

/** How Go's encoding/json writes a float64 or int64 it decoded: what kubectl sends the apiserver
 * for a number it read from a manifest (integers in decimal, other numbers in the shortest form,
 * exponent form from 1e21 and below 1e-6, as JavaScript also prints them). */
export function goJSONNumber(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

// ---------------------------------------------------------------- base64

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64MAP = new Int16Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) B64MAP[B64.charCodeAt(i)] = i;

/** base64.StdEncoding.DecodeString's error ("illegal base64 data at input byte N"), or undefined. */
export function base64Error(s: string): string | undefined {
  const src = Buffer.from(s, 'utf8');
  const corrupt = (n: number) => `illegal base64 data at input byte ${n}`;
  let si = 0;
  while (si < src.length) {
    // one quantum of (up to) four symbols, as decodeQuantum reads it
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = src[si++];
      if (B64MAP[c] >= 0) continue;
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (c !== 0x3d) return corrupt(si - 1);
      // padding
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) return corrupt(si);
      return undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- time.Parse

/** time's quote(): ASCII as is (with \" and \\), other bytes as \xNN. */
export function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';

function getnum(s: string, fixed: boolean): [number, string, boolean] {
  if (!isDigit(s, 0)) return [0, s, false];
  if (!isDigit(s, 1)) {
    if (fixed) return [0, s, false];
    return [s.charCodeAt(0) - 48, s.slice(1), true];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2), true];
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * time.Parse(layout, value) for the two layouts metav1.Time and MicroTime use. Returns the
 * instant, or Go's ParseError text.
 */
export function parseGoTime(layout: typeof RFC3339 | typeof RFC3339_MICRO, value: string): { date?: Date; error?: string } {
  const ms = canonicalTimeMs(layout, value);
  return ms === undefined ? parseGoTimeExact(layout, value) : { date: new Date(ms) };
}

/** '0'-'9' at i: its value, else -1 (charCodeAt past the end is NaN: -1 too). */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * The instant of a time in the form kjob and Kubernetes write (2006-01-02T15:04:05Z, and with
 * .000000 for MicroTime), every field in range; undefined for anything else, which the exact
 * parser reads. Every object a write decodes holds several: the exact parser's slices were 7% of
 * what the engine allocated during a Job.
 */
function canonicalTimeMs(layout: typeof RFC3339 | typeof RFC3339_MICRO, v: string): number | undefined {
  const micro = layout === RFC3339_MICRO;
  if (v.length !== (micro ? 27 : 20) || v.charCodeAt(v.length - 1) !== 90 /* Z */) return undefined;
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':') return undefined;
  const num = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) {
      const d = digitAt(v, i);
      if (d < 0) return -1;
      n = n * 10 + d;
    }
    return n;
  };
  const year = num(0, 4), month = num(5, 7), day = num(8, 10), hour = num(11, 13), min = num(14, 16), sec = num(17, 19);
  let usec = 0;
  if (micro) {
    if (v[19] !== '.') return undefined;
    usec = num(20, 26);
  }
  if (year < 0 || usec < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour >= 24 || min < 0 || min >= 60 || sec < 0 || sec >= 60) return undefined;
  if (day > daysIn(month, year)) return undefined;
  return Date.UTC(year, month - 1, day, hour, min, sec) + Math.floor(usec / 1000);
}

/** time.Parse, every case: parseGoTime without its fast path (exported for its test). */
export function parseGoTimeExact(layout: typeof RFC3339 | typeof RFC3339_MICRO, value: string): { date?: Date; error?: string } {
  const pe = (layoutElem: string, valueElem: string, message = '') =>
    message
      ? { error: `parsing time ${goTimeQuote(value)}${message}` }
      : { error: `parsing time ${goTimeQuote(value)} as ${goTimeQuote(layout)}: cannot parse ${goTimeQuote(valueElem)} as ${goTimeQuote(layoutElem)}` };
  // the layout as (literal prefix, element) chunks
  const chunks: [string, string][] = [
    ['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'],
    ...(layout === RFC3339_MICRO ? ([['', '.000000']] as [string, string][]) : []),
    ['', 'Z07:00'],
  ];
  let v = value;
  let year = 0, month = 0, day = 0, hour = 0, min = 0, sec = 0, nsec = 0, offset = 0;
  for (const [prefix, std] of chunks) {
    for (let i = 0; i < prefix.length; i++) {
      if (v.length === 0 || v[0] !== prefix[i]) return pe(prefix, v);
      v = v.slice(1);
    }
    const hold = v;
    let ok = true;
    let range = '';
    switch (std) {
      case '2006': {
        if (v.length < 4 || !isDigit(v, 0)) { ok = false; break; }
        const p = v.slice(0, 4);
        v = v.slice(4);
        if (!/^[+-]?\d+$/.test(p)) { ok = false; break; }
        year = Number(p);
        break;
      }
      case '01':
        [month, v, ok] = getnum(v, true);
        if (ok && (month <= 0 || month > 12)) range = 'month';
        break;
      case '02':
        [day, v, ok] = getnum(v, true);
        break;
      case '15':
        [hour, v, ok] = getnum(v, false);
        if (hour < 0 || hour >= 24) range = 'hour';
        break;
      case '04':
        [min, v, ok] = getnum(v, true);
        if (min < 0 || min >= 60) range = 'minute';
        break;
      case '05': {
        [sec, v, ok] = getnum(v, true);
        if (!ok) break;
        if (sec < 0 || sec >= 60) { range = 'second'; break; }
        if (layout === RFC3339 && v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
          let n = 2;
          while (n < v.length && isDigit(v, n)) n++;
          nsec = Number(('0.' + v.slice(1, n)).slice(0, 11)) * 1e9;
          v = v.slice(n);
        }
        break;
      }
      case '.000000': {
        const ndigit = 7;
        if (v.length < ndigit || !(v[0] === '.' || v[0] === ',')) { ok = false; break; }
        const digits = v.slice(1, ndigit);
        if (!/^\d+$/.test(digits)) { ok = false; break; }
        nsec = Number(digits) * 1000;
        v = v.slice(ndigit);
        break;
      }
      case 'Z07:00': {
        if (v.length >= 1 && v[0] === 'Z') { v = v.slice(1); offset = 0; break; }
        if (v.length < 6 || v[3] !== ':') { ok = false; break; }
        const sign = v[0];
        const [hr, , ok1] = getnum(v.slice(1, 3), true);
        const [mm, , ok2] = getnum(v.slice(4, 6), true);
        v = v.slice(6);
        if (!ok1 || !ok2) { ok = false; break; }
        if (hr > 24) range = 'time zone offset hour';
        if (mm > 60) range = 'time zone offset minute';
        if (sign !== '+' && sign !== '-') { ok = false; break; }
        offset = (sign === '-' ? -1 : 1) * (hr * 60 + mm);
        break;
      }
    }
    if (range) return pe(std, v, `: ${range} out of range`);
    if (!ok) return pe(std, hold);
  }
  if (v.length > 0) return pe('', v, `: extra text: ${goTimeQuote(v)}`);
  if (day < 1 || day > daysIn(month, year)) return pe('', v, ': day out of range');
  const ms = Date.UTC(year, month - 1, day, hour, min, sec) - offset * 60000 + Math.floor(nsec / 1e6);
  return { date: new Date(ms) };
}

// ---------------------------------------------------------------- resource.Quantity

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** resource.ParseQuantity's error for str (already trimmed), or undefined. */
export function quantityError(str: string): string | undefined {
  if (str.length === 0) return QUANTITY_FORMAT_ERROR;
  if (str === '0') return undefined;
  const end = str.length;
  let pos = 0;
  if (str[0] === '-' || str[0] === '+') pos++;
  // leading zeros
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return undefined;
  let num = '';
  let denom = '';
  let suffix = '';
  let value = '';
  let i = pos;
  while (i < end && isDigit(str, i)) i++;
  num = str.slice(pos, i);
  pos = i;
  let done = false;
  if (pos >= end) {
    value = str;
    done = true;
  }
  if (!done) {
    if (num.length === 0) num = '0';
    if (str[pos] === '.') {
      pos++;
      let k = pos;
      while (k < end && isDigit(str, k)) k++;
      denom = str.slice(pos, k);
      if (k >= end) {
        value = str;
        done = true;
      }
      pos = k;
    }
  }
  if (!done) {
    value = str.slice(0, pos);
    const suffixStart = pos;
    let k = pos;
    while (k < end && 'eEinumkKMGTP'.includes(str[k])) k++;
    if (k >= end) suffix = str.slice(suffixStart);
    else {
      pos = k;
      if (str[pos] === '-' || str[pos] === '+') pos++;
      let m = pos;
      while (m < end && isDigit(str, m)) m++;
      if (m < end) return QUANTITY_FORMAT_ERROR;
      suffix = str.slice(suffixStart);
    }
  }
  // the suffix
  let binary = false;
  let exponent = 0;
  if (suffix in DEC_SUFFIXES) exponent = DEC_SUFFIXES[suffix];
  else if (suffix in BIN_SUFFIXES) {
    binary = true;
    exponent = BIN_SUFFIXES[suffix];
  } else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1)) && isInt64(suffix.slice(1))) {
    exponent = Number(suffix.slice(1));
  } else return QUANTITY_SUFFIX_ERROR;
  // the numeric part: the int64 fast path, else inf.Dec.SetString(value)
  let precision: number;
  let scale = 0;
  if (!binary) {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  } else if (exponent >= 0 && denom.length === 0) {
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else precision = -1;
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      if (!isInt64(num + denom)) return QUANTITY_NUMERIC_ERROR;
      return undefined;
    }
  }
  // inf.Dec.SetString: an optional sign, digits, an optional fraction
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) return QUANTITY_NUMERIC_ERROR;
  return undefined;
}

function isInt64(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  try {
    const b = BigInt(s);
    return b >= -(2n ** 63n) && b < 2n ** 63n;
  } catch {
    return false;
  }
}
