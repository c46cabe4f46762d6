// Go's formatting where kjob must print what Go programs print.

/** A time layout's two-digit field ("01", "02", "15", "04", "05"): zero-padded to two. */
export const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** What encoding/json calls a JSON value in its type errors ("cannot unmarshal <kind> into ..."). */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'string' || typeof v === 'number' ? typeof v : 'object';
}

/** strconv.ParseBool: true, false, or undefined for what it refuses. */
export function goParseBool(s: string): boolean | undefined {
  if (s === '1' || s === 't' || s === 'T' || s === 'TRUE' || s === 'true' || s === 'True') return true;
  if (s === '0' || s === 'f' || s === 'F' || s === 'FALSE' || s === 'false' || s === 'False') return false;
  return undefined;
}

/** strconv.Quote (fmt's %q): printable runes as they are, the rest escaped as Go escapes them. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (r >= 0x20 && r !== 0x7f && (r === 0x20 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch))) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (r < 0x20 || r === 0x7f) out += '\\x' + r.toString(16).padStart(2, '0');
    else if (r < 0x10000) out += '\\u' + r.toString(16).padStart(4, '0');
    else out += '\\U' + r.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5
  'μs': 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration, in nanoseconds. Throws Error with Go's message. */
export function parseGoDuration(orig: string): bigint {
  let s = orig;
  let d = 0n;
  let neg = false;
  const invalidErr = () => new Error(`time: invalid duration ${goQuote(orig)}`);
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') return 0n;
  if (s === '') throw invalidErr();
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalidErr();
    let i = 0;
    while (i < s.length && isDigit(s[i])) i++;
    const pre = i > 0;
    let v = pre ? BigInt(s.slice(0, i)) : 0n;
    if (v > 1n << 63n) throw invalidErr();
    s = s.slice(i);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && isDigit(s[j])) {
        if (!overflow) {
          const nf = f * 10n + BigInt(s.charCodeAt(j) - 48);
          if (nf > 1n << 63n) overflow = true;
          else {
            f = nf;
            scale *= 10;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalidErr();
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) throw new Error(`time: missing unit in duration ${goQuote(orig)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS[unitName];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(unitName)} in duration ${goQuote(orig)}`);
    if (v > (1n << 63n) / unit) throw invalidErr();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 1n << 63n) throw invalidErr();
    }
    d += v;
    if (d > 1n << 63n) throw invalidErr();
  }
  if (neg) return -d;
  if (d > (1n << 63n) - 1n) throw invalidErr();
  return d;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_DECODE = new Map<number, number>([...B64].map((c, i) => [c.charCodeAt(0), i]));

/**
 * encoding/base64 StdEncoding.Decode, as encoding/json decodes a []byte field: '\r' and '\n' are
 * skipped, padding is required, and an error is Go's CorruptInputError ("illegal base64 data at
 * input byte N", N a byte offset into the string's UTF-8 bytes).
 */
export function goBase64Decode(s: string): { data: Buffer } | { error: string } {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  const corrupt = (n: number) => ({ error: `illegal base64 data at input byte ${n}` });
  const nl = (b: number) => b === 0x0a || b === 0x0d;
  let si = 0;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: number | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (src.length === si) {
        if (j === 0) return { data: Buffer.from(out) };
        return corrupt(si - j); // padding is required
      }
      const b = src[si++];
      const v = B64_DECODE.get(b);
      if (v !== undefined) {
        dbuf[j] = v;
        continue;
      }
      if (nl(b)) {
        j--;
        continue;
      }
      if (b !== 0x3d) return corrupt(si - 1);
      // padding
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && nl(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && nl(src[si])) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]);
    if (trailing !== undefined) return corrupt(trailing);
    if (dlen < 4) return { data: Buffer.from(out) };
  }
}

/** strconv.Atoi: an optional sign, then decimal digits, within int64; throws Error with Go's message. */
export function goAtoi(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > (1n << 63n) - 1n || n < -(1n << 63n)) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return n;
}

/** encoding/json's escapes beyond JSON.stringify's: the HTML-safe <, > and &, and U+2028 and U+2029. */
export function goJSONEscapes(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * strconv.ParseInt(s, 0, 64), as pflag parses an int64 flag: an optional sign, then decimal, or
 * 0x/0o/0b/0-prefixed hex, octal, binary or octal, underscores between digits. Throws Error with
 * Go's message.
 */
export function parseGoInt(s: string): bigint {
  const syntax = () => new Error(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  const m = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/.exec(s);
  if (!m) throw syntax();
  const digits = m[2].replace(/_/g, '');
  const v = /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
  const n = m[1] === '-' ? -v : v;
  if (n > (1n << 63n) - 1n || n < -(1n << 63n)) throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  return n;
}

/** The time package's own quote (not strconv's): bytes outside printable ASCII as \xHH. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += (ch === '"' || ch === '\\' ? '\\' : '') + ch;
  }
  return out + '"';
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';

/**
 * time.Parse(time.RFC3339, value): its generic layout parser, which is what accepts (a one-digit
 * hour, a fraction the layout does not name) and what it says when it refuses. Returns ms since
 * the epoch (nanoseconds beyond ms are dropped). Throws Error with Go's message.
 */
export function parseGoRFC3339(value: string): number {
  const cannot = (layoutElem: string, valueElem: string) =>
    new Error(`parsing time ${timeQuote(value)} as ${timeQuote(RFC3339)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`);
  const range = (what: string) => new Error(`parsing time ${timeQuote(value)}: ${what} out of range`);
  const isDigit = (s: string, i: number) => i < s.length && s[i] >= '0' && s[i] <= '9';
  /** getnum: one or two digits (exactly two when fixed). */
  const getnum = (s: string, fixed: boolean): [number, string] | undefined => {
    if (!isDigit(s, 0)) return undefined;
    if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
    return [Number(s.slice(0, 2)), s.slice(2)];
  };
  let v = value;
  const skip = (prefix: string) => {
    if (!v.startsWith(prefix)) throw cannot(prefix, v);
    v = v.slice(prefix.length);
  };
  // 2006
  if (v.length < 4 || !isDigit(v, 0) || !/^\d{4}$/.test(v.slice(0, 4))) throw cannot('2006', v);
  const year = Number(v.slice(0, 4));
  v = v.slice(4);
  const num = (prefix: string, elem: string, fixed: boolean, max: number, what: string): number => {
    skip(prefix);
    const r = getnum(v, fixed);
    if (!r) throw cannot(elem, v);
    v = r[1];
    if (r[0] < (what === 'month' ? 1 : 0) || r[0] > max) throw range(what);
    return r[0];
  };
  const month = num('-', '01', true, 12, 'month');
  // Any two digits: the day is checked against the month once everything else parsed.
  const day = num('-', '02', true, 99, 'day');
  const hour = num('T', '15', false, 23, 'hour');
  const minute = num(':', '04', true, 59, 'minute');
  const second = num(':', '05', true, 59, 'second');
  let fracMs = 0;
  // A fraction the layout does not name is accepted after the seconds.
  if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
    let n = 1;
    while (isDigit(v, n)) n++;
    fracMs = Number(`0.${v.slice(1, Math.min(n, 10))}`) * 1000;
    v = v.slice(n);
  }
  // Z07:00
  let offsetMin = 0;
  if (v.startsWith('Z')) v = v.slice(1);
  else {
    if (v.length < 6 || v[3] !== ':') throw cannot('Z07:00', v);
    const hh = getnum(v.slice(1, 3), true);
    const mm = getnum(v.slice(4, 6), true);
    if (!hh || !mm) throw cannot('Z07:00', v);
    if (mm[0] > 60) throw range('time zone offset minute');
    if (hh[0] > 24) throw range('time zone offset hour');
    if (v[0] !== '+' && v[0] !== '-') throw cannot('Z07:00', v);
    offsetMin = (v[0] === '-' ? -1 : 1) * (hh[0] * 60 + mm[0]);
    v = v.slice(6);
  }
  if (v !== '') throw new Error(`parsing time ${timeQuote(value)}: extra text: ${timeQuote(v)}`);
  const utc = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0) => {
    const t = new Date(0);
    t.setUTCFullYear(y, mo, d); // Date.UTC would read a two-digit year as 19xx
    t.setUTCHours(h, mi, sec, 0);
    return t.getTime();
  };
  const daysIn = new Date(utc(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysIn) throw range('day');
  return utc(year, month - 1, day, hour, minute, second) + Math.floor(fracMs) - offsetMin * 60_000;
}

/** Go's text of a system call's errno (syscall.Errno.Error()) where Node's (libuv's) differs. */
const GO_ERRNO_TEXT: Record<string, string> = {
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  EIO: 'input/output error',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/**
 * What Go prints for the errno of a failed file system call (os.PathError's Err: "permission
 * denied", "no space left on device"): libuv's description of the code, which is Go's but for
 * the few GO_ERRNO_TEXT holds; an error without a code, its message.
 */
export function goErrnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  const code = err?.code;
  if (code && GO_ERRNO_TEXT[code]) return GO_ERRNO_TEXT[code];
  const m = code ? new RegExp(`^${code}: ([^,]+)`).exec(err?.message ?? '') : null;
  return m ? m[1] : (err?.message ?? String(e));
}

/**
 * Bytes of a Go string as encoding/json writes them: valid UTF-8 as it is, and each byte that
 * does not begin a valid sequence one U+FFFD (utf8.DecodeRune's RuneError of width 1). A
 * TextDecoder writes one U+FFFD for a whole cut sequence: a message cut inside a character
 * (a Go slice of its bytes) ends in as many as the bytes left of it.
 */
export function goBytesAsJSON(buf: Uint8Array): string {
  let out = '';
  let validFrom = 0;
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < buf.length && buf[i] >= lo && buf[i] <= hi;
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    let n = 0;
    if (b < 0x80) n = 1;
    else if (b >= 0xc2 && b <= 0xdf) n = cont(i + 1) ? 2 : 0;
    else if (b >= 0xe0 && b <= 0xef) n = cont(i + 1, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf) && cont(i + 2) ? 3 : 0;
    else if (b >= 0xf0 && b <= 0xf4) n = cont(i + 1, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    if (n > 0) {
      i += n;
      continue;
    }
    out += Buffer.from(buf.subarray(validFrom, i)).toString('utf8') + '\ufffd';
    validFrom = ++i;
  }
  return out + Buffer.from(buf.subarray(validFrom)).toString('utf8');
}

/** Go's time.Duration.String: 1h2m3.5s, 150ms, 0s. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let s: string;
  if (u < 1_000_000_000n) {
    // under a second: ns, µs or ms with a fraction
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    s = fraction(u, div) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u %= 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u %= 60_000_000_000n;
    s = fraction(u, 1_000_000_000n) + 's';
    if (h > 0n || m > 0n) s = `${m}m${s}`;
    if (h > 0n) s = `${h}h${s}`;
  }
  return neg ? '-' + s : s;
}
function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rest = v % div;
  if (rest === 0n) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
