// go-spew's `%#v` (its Formatter, with ConfigState{SortKeys, DisableMethods}) of a Kubernetes
// object's Go struct, from the object's JSON and the Go type declarations that
// scripts/gen-gotypes.mjs reads from k8s.io/api and k8s.io/apimachinery (v1.32.gotypes.json).
// pkg/util/hash.DeepHashObject hashes this text; controller.ComputeHash (the pod-template-hash)
// hashes a PodTemplateSpec's.
//
// What go-spew prints, as format.go does it: a value's Go type in parentheses unless it is an
// element of a slice or map, or the target of a pointer already typed; a struct as
// `{Field:value Field:value}`, a slice as `[a b]`, a map as `map[k:v k:v]` with its keys sorted,
// a string bare, nil as `<nil>`, a pointer as `(*T)` and its target.
//
// The Go value is the one a controller's informer holds, decoded from the apiserver's protobuf:
// an empty list or map is nil there, as is a missing one. Kinds a template rarely holds are
// approximated (kjob only): a non-zero metav1.Time is printed with no location, and a
// resource.Quantity that ParseQuantity keeps as an inf.Dec (not an int64 amount) prints its
// pointer as nil.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Field { name: string; type: string; json?: string; inline?: boolean }
type Decl = { kind: 'struct'; fields: Field[] } | { kind: 'named'; underlying: string } | { kind: 'opaque' };
export interface GoTypes { source?: string; packages: Record<string, string>; types: Record<string, Decl> }

let table: GoTypes | undefined;
/** The table a printing in progress uses (spewGoSyntax's types). */
let active: GoTypes | undefined;
function goTypes(): GoTypes {
  if (active) return active;
  if (table) return table;
  for (const rel of ['../api/openapi/v1.32.gotypes.json', '../../../src/api/openapi/v1.32.gotypes.json']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return (table = JSON.parse(readFileSync(p, 'utf8')) as GoTypes);
  }
  throw new Error('kjob: the Go type table v1.32.gotypes.json is missing from this installation (npm run build copies it into dist/)');
}

const INTS = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64']);

/** reflect.Type.String(): package keys replaced by the package names Go prints. */
function typeString(t: string): string {
  return t.replace(/\b([a-z]+)\.([A-Za-z_]\w*)/g, (_m, pkg: string, name: string) => `${goTypes().packages[pkg] ?? pkg}.${name}`);
}

/** The type a named type stands for, down to a struct, a slice, a map, a pointer or a builtin. */
function underlying(t: string): { kind: 'struct'; key: string; fields: Field[] } | { kind: 'ptr' | 'slice'; elem: string } | { kind: 'map'; key: string; elem: string } | { kind: 'basic'; name: string } | { kind: 'opaque' } {
  for (;;) {
    if (t.startsWith('*')) return { kind: 'ptr', elem: t.slice(1) };
    if (t.startsWith('[]')) return { kind: 'slice', elem: t.slice(2) };
    const m = /^map\[([^\]]+)\](.+)$/.exec(t);
    if (m) return { kind: 'map', key: m[1], elem: m[2] };
    if (INTS.has(t) || t === 'string' || t === 'bool' || t === 'float32' || t === 'float64') return { kind: 'basic', name: t };
    const d = goTypes().types[t];
    if (!d) throw new Error(`spew: no Go type ${t}`);
    if (d.kind === 'struct') return { kind: 'struct', key: t, fields: d.fields };
    if (d.kind === 'opaque') return { kind: 'opaque' };
    t = d.underlying;
  }
}

const isNil = (v: unknown) => v === undefined || v === null;

/** The value of each field of a struct from its JSON object (embedded inline structs share it). */
function fieldValue(obj: Record<string, unknown> | undefined, f: Field): unknown {
  if (f.inline) return obj;
  if (!obj || f.json === undefined) return undefined;
  return obj[f.json];
}

/** `%#v` of v (JSON) as Go type t; ignoreType: the type was printed already, or is an element's. */
function format(t: string, v: unknown, ignoreType: boolean): string {
  const u = underlying(t);
  if (u.kind === 'ptr') {
    const empty = isNil(v) || (u.elem === 'inf.Dec'); // the inf.Dec of a Quantity: see quantity()
    if (empty) return ignoreType ? '<nil>' : `(${typeString(t)})<nil>`;
    return `${ignoreType ? '<*>' : `(*${typeString(u.elem)})`}${format(u.elem, v, true)}`;
  }
  const prefix = ignoreType ? '' : `(${typeString(t)})`;
  const special = SPECIAL[t];
  if (special) return prefix + special(v);
  switch (u.kind) {
    case 'basic':
      if (u.name === 'string') return prefix + (isNil(v) ? '' : String(v));
      if (u.name === 'bool') return prefix + (v === true ? 'true' : 'false');
      return prefix + (isNil(v) ? '0' : String(Math.trunc(Number(v))));
    case 'slice': {
      const a = Array.isArray(v) ? v : [];
      if (!a.length) return `${prefix}<nil>`;
      return `${prefix}[${a.map((e) => format(u.elem, e, true)).join(' ')}]`;
    }
    case 'map': {
      const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
      const keys = Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      if (!keys.length) return `${prefix}<nil>`;
      return `${prefix}map[${keys.map((k) => `${format(u.key, k, true)}:${format(u.elem, o[k], true)}`).join(' ')}]`;
    }
    case 'struct': {
      const obj = v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
      return `${prefix}{${u.fields.map((f) => `${f.name}:${format(f.type, fieldValue(obj, f), false)}`).join(' ')}}`;
    }
    case 'opaque':
      return `${prefix}<nil>`;
  }
}

/** Types whose Go struct is not their JSON's shape. */
const SPECIAL: Record<string, (v: unknown) => string> = {
  'meta.Time': (v) => {
    // metav1.Time{Time: time.Time{wall, ext, loc}}; a zero time (null in JSON) is all zero.
    let wall = 0n;
    let ext = 0n;
    const ms = typeof v === 'string' && v ? Date.parse(v) : NaN;
    // (a time that does not parse, which the apiserver refuses, is hashed as the zero time rather
    // than failing the controller's sync)
    if (Number.isFinite(ms)) {
      // time.Time without a monotonic reading: wall holds the nanoseconds, ext the seconds since year 1.
      wall = BigInt(Math.floor(((ms % 1000) + 1000) % 1000)) * 1_000_000n;
      ext = BigInt(Math.floor(ms / 1000)) + 62135596800n;
    }
    return `{Time:(time.Time){wall:(uint64)${wall} ext:(int64)${ext} loc:(*time.Location)<nil>}}`;
  },
  'intstr.IntOrString': (v) => (typeof v === 'string' ? `{Type:(intstr.Type)1 IntVal:(int32)0 StrVal:(string)${v}}` : `{Type:(intstr.Type)0 IntVal:(int32)${isNil(v) ? 0 : Number(v)} StrVal:(string)}`),
  'resource.Quantity': (v) => quantity(canonical ? canonical(String(v ?? '0')) : String(v ?? '0')),
};

/**
 * resource.Quantity{i int64Amount{value, scale}, d infDecAmount{*inf.Dec}, s string, Format} as
 * resource.ParseQuantity leaves it (its fast path; the inf.Dec path is approximated).
 */
export function quantity(str: string): string {
  const out = (value: bigint, scale: number, s: string, format: string) => `{i:(resource.int64Amount){value:(int64)${value} scale:(resource.Scale)${scale}} d:(resource.infDecAmount){Dec:(*inf.Dec)<nil>} s:(string)${s} Format:(resource.Format)${format}}`;
  if (str === '0') return out(0n, 0, '0', 'DecimalSI');
  const m = /^([+-]?)0*(\d*)(?:\.(\d*))?([eE][+-]?\d+|[a-zA-Z]*)$/.exec(str);
  if (!m) return out(0n, 0, '', '');
  const positive = m[1] !== '-';
  const num = m[2] || '0';
  const denom = m[3] ?? '';
  const suf = m[4];
  const BIN: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
  const DEC: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  let format: string;
  let exponent: number;
  if (suf in BIN) [format, exponent] = ['BinarySI', BIN[suf]];
  else if (suf in DEC) [format, exponent] = ['DecimalSI', DEC[suf]];
  else if (/^[eE][+-]?\d+$/.test(suf)) [format, exponent] = ['DecimalExponent', Number(suf.slice(1))];
  else return out(0n, 0, '', 'DecimalExponent');
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'DecimalSI' || format === 'DecimalExponent') {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  } else if (exponent >= 0 && denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else precision = -1;
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      const shifted = num + denom;
      const value = BigInt(shifted);
      let result = value * mantissa;
      if (result <= 0x7fffffffffffffffn) {
        if (!positive) result = -result;
        const keep = format === 'BinarySI' ? exponent % 10 === 0 && (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return out(result, scale, keep ? str : '', format);
      }
    }
  }
  return out(0n, 0, '', format); // kept as an inf.Dec by Kubernetes: not reproduced
}

/**
 * spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true, SpewKeys: true}.Sprintf("%#v", v)
 * of the Go type goType ("core.PodTemplateSpec"), with v1.32's types unless another table is given.
 */
export function spewGoSyntax(goType: string, v: unknown, opts: SpewOptions = {}): string {
  active = opts.types;
  canonical = opts.canonicalQuantity;
  try {
    return format(goType, v, false);
  } finally {
    active = undefined;
    canonical = undefined;
  }
}

export interface SpewOptions {
  /** The Go types (default: v1.32's). */
  types?: GoTypes;
  /** Quantity.String() of a quantity as written: the apiserver stores that form, and the
   * controller's informer parses it (resource.ParseQuantity) into the struct that is printed. */
  canonicalQuantity?: (s: string) => string;
}
let canonical: ((s: string) => string) | undefined;
