// The apiserver's decoding of a request body into the Go type of its kind (create handler →
// apimachinery runtime/serializer/json → sigs.k8s.io/json), driven by the API schema as data:
//
//  - every value is checked against its field's Go type: string, bool, int32/int64 (integral and
//    in range), float64, structs, slices, maps; the first type error wins and is reported as
//    encoding/json words it: `json: cannot unmarshal string into Go struct field
//    JobSpec.spec.completions of type int32` (Struct is the Go struct holding the field, the path
//    is the Go field names from the root, without indices or map keys);
//  - types with their own UnmarshalJSON report their own errors, and those end decoding at once:
//    resource.Quantity (ParseQuantity's messages, no field), intstr.IntOrString (an int32 or a
//    string), metav1.Time/MicroTime (a string in RFC 3339: time.Parse's messages); []byte fields
//    are base64 (encoding/base64's message);
//  - `null` leaves Go's zero value: the field is absent afterwards (zero-valued elements in lists
//    and maps);
//  - unknown fields (strict decoding, case-sensitive) are collected with their path
//    (`spec.template.spec.containers[0].foo`), at most 100, and dropped from the object; they are
//    an error only when nothing else was (Strict), warnings (Warn), or silently dropped (Ignore).
//
// kubectl sends the object as Go marshals a map: keys sorted at every level. Which error is "first"
// follows that order. Duplicate keys never reach the apiserver from kubectl (its YAML and JSON
// readers keep the last value), so there is no duplicate-field case here.
import type { KObject } from '../api/types.js';
import { StatusError, UserError } from '../errors.js';
import { goParseBool, goQuote, jsonKind } from '../util/go.js';
import {
  definition,
  kindDefinition,
  goStructName,
  FIELDS_V1,
  INT_OR_STRING,
  MICRO_TIME,
  QUANTITY,
  TIME,
  type PropSchema,
} from '../api/openapi/schema.js';
import { base64Error, goJSONNumber, parseGoTime, quantityError, RFC3339, RFC3339_MICRO } from './gojson.js';

/** metav1.FieldValidation: what the apiserver does with unknown fields. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeResult {
  object: Record<string, unknown>;
  /** `unknown field "spec.foo"` for each unknown field, in Warn mode (kubectl prints `Warning: ...`). */
  warnings: string[];
}

const MAX_STRICT_ERRORS = 100;
const ABSENT = Symbol('absent');

class Fatal {
  constructor(public readonly message: string) {}
}

/** The fast pass met something to report: the exact pass decodes the object again. */
class Retry {}
const RETRY = new Retry();

/**
 * Where a value is, kept as a chain up to the root and spelled out only for an error: the Go
 * field names from the root (json names, for UnmarshalTypeError.Field), the strict-decoding
 * path (keys joined by '.', indices as [i]), and the Go struct that holds the current field
 * (UnmarshalTypeError.Struct).
 */
interface Ctx {
  up?: Ctx;
  /** 'field': a struct's field (named in both); 'key': a map's key, 'index': a list's (path only) */
  via: 'root' | 'field' | 'key' | 'index';
  name: string;
  struct: string;
}

function fieldsOf(ctx: Ctx): string[] {
  const out: string[] = [];
  for (let c: Ctx | undefined = ctx; c; c = c.up) if (c.via === 'field') out.push(c.name);
  return out.reverse();
}

function pathOf(ctx: Ctx): string {
  if (!ctx.up) return '';
  const up = pathOf(ctx.up);
  if (ctx.via === 'index') return `${up}[${ctx.name}]`;
  if (ctx.via === 'key') return `${up}.${ctx.name}`;
  return up ? `${up}.${ctx.name}` : ctx.name;
}

class Decoder {
  saved?: string;
  strict: string[] = [];
  private seenStrict = new Set<string>();

  constructor(
    private readonly collectStrict: boolean,
    /** `null` for a metav1.Time stays null (what Go writes back for a zero time that is not a pointer). */
    private readonly keepNullTimes = false,
    /** Empty lists and maps of optional (omitempty) fields are dropped, as Go's encoding leaves them out. */
    private readonly omitEmpty = false,
    /**
     * The fast pass: fields in the object's own order and no record of where they are; anything
     * to report (a type error, an unknown field while they are collected, an UnmarshalJSON error)
     * throws Retry, since which error comes first depends on the sorted order of the exact pass.
     * What the fast pass returns is what the exact pass would: the same fields, in the object's order.
     */
    private readonly fast = false,
    /**
     * In the fast pass, a struct, list or map whose every value decodes to itself is returned
     * itself, not copied (copy on change): for a caller that owns the object and only checks it
     * (mustDecode of what is about to be stored).
     */
    private readonly share = false,
  ) {}

  /** The context of a child value: none is kept in the fast pass. */
  private child(ctx: Ctx, via: Ctx['via'], name: string, struct: string): Ctx {
    return this.fast ? ctx : { up: ctx, via, name, struct };
  }

  typeError(value: unknown, goType: string, ctx: Ctx, literal?: string): void {
    if (this.fast) throw RETRY;
    if (this.saved !== undefined) return;
    const what = literal !== undefined ? `number ${literal}` : jsonKind(value);
    const fields = fieldsOf(ctx);
    this.saved = fields.length
      ? `json: cannot unmarshal ${what} into Go struct field ${ctx.struct}.${fields.join('.')} of type ${goType}`
      : `json: cannot unmarshal ${what} into Go value of type ${goType}`;
  }

  /** An error an UnmarshalJSON method returned: decoding stops. */
  fatalType(value: unknown, goType: string, ctx: Ctx, literal?: string): never {
    if (this.fast) throw RETRY;
    const what = literal !== undefined ? `number ${literal}` : jsonKind(value);
    throw new Fatal(`json: cannot unmarshal ${what} into Go struct field ${ctx.struct}.${fieldsOf(ctx).join('.')} of type ${goType}`);
  }

  unknown(ctx: Ctx): void {
    if (!this.collectStrict || this.strict.length >= MAX_STRICT_ERRORS) return;
    if (this.fast) throw RETRY;
    const msg = `unknown field ${goStrconvQuote(pathOf(ctx))}`;
    if (this.seenStrict.has(msg)) return;
    this.seenStrict.add(msg);
    this.strict.push(msg);
  }

  /** A struct (a definition with properties). */
  struct(value: Record<string, unknown>, def: string, ctx: Ctx): Record<string, unknown> {
    const d = definition(def);
    const props = d.properties ?? {};
    if (this.share) return this.sharedStruct(value, d, props, ctx);
    const out: Record<string, unknown> = {};
    const structName = goStructName(def);
    for (const key of this.fast ? Object.keys(value) : sortedKeys(value)) {
      const prop = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
      if (!prop) {
        this.unknown(this.child(ctx, 'field', key, structName));
        continue;
      }
      const v = this.value(value[key], prop, this.child(ctx, 'field', key, structName));
      if (v === ABSENT) continue;
      if (this.omitEmpty && !(d.required ?? []).includes(key) && isEmptyCollection(v, prop)) continue;
      out[key] = v;
    }
    return this.fast ? out : inOrderOf(value, out);
  }

  /** struct in the fast pass with share: value itself when every field decodes to itself. */
  private sharedStruct(value: Record<string, unknown>, d: ReturnType<typeof definition>, props: Record<string, PropSchema>, ctx: Ctx): Record<string, unknown> {
    return copyOnChange(value, (key, was) => {
      const prop = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
      if (!prop) {
        this.unknown(ctx);
        return ABSENT;
      }
      const v = this.value(was, prop, ctx);
      return v !== ABSENT && this.omitEmpty && !(d.required ?? []).includes(key) && isEmptyCollection(v, prop) ? ABSENT : v;
    });
  }

  /** A list element or map value of schema s: null, or what cannot be kept, is Go's zero value of s. */
  private element(e: unknown, s: PropSchema, ctx: Ctx): unknown {
    const r = e === null ? zeroOf(s) : this.value(e, s, ctx);
    return r === ABSENT ? zeroOf(s) : r;
  }

  /** A value of a field (or list element, or map value) of schema s. */
  value(v: unknown, s: PropSchema, ctx: Ctx): unknown {
    if (s.$ref) return this.ref(v, s.$ref, ctx);
    switch (s.type) {
      case 'array': {
        if (v === null || v === undefined) return ABSENT;
        if (!Array.isArray(v)) {
          this.typeError(v, s.go, ctx);
          return ABSENT;
        }
        if (this.share) {
          let out: unknown[] | undefined;
          for (let i = 0; i < v.length; i++) {
            const r = this.element(v[i], s.items!, ctx);
            if (r === v[i] && out === undefined) continue;
            out ??= v.slice(0, i);
            out.push(r);
          }
          return out ?? v;
        }
        return v.map((e, i) => this.element(e, s.items!, this.child(ctx, 'index', String(i), ctx.struct)));
      }
      case 'object': {
        if (v === null || v === undefined) return ABSENT;
        if (!isPlainObject(v)) {
          this.typeError(v, s.go, ctx);
          return ABSENT;
        }
        const vs = s.additionalProperties;
        if (!vs) return v;
        if (this.share) return copyOnChange(v, (_k, e) => this.element(e, vs, ctx));
        const out: Record<string, unknown> = {};
        for (const k of this.fast ? Object.keys(v) : sortedKeys(v)) out[k] = this.element(v[k], vs, this.child(ctx, 'key', k, ctx.struct));
        return this.fast ? out : inOrderOf(v, out);
      }
      case 'string':
        if (v === null || v === undefined) return ABSENT;
        if (s.format === 'byte') return this.bytes(v, ctx);
        if (typeof v === 'string') return v;
        this.typeError(v, s.go, ctx);
        return ABSENT;
      case 'boolean':
        if (v === null || v === undefined) return ABSENT;
        if (typeof v === 'boolean') return v;
        this.typeError(v, s.go, ctx);
        return ABSENT;
      case 'integer': {
        if (v === null || v === undefined) return ABSENT;
        if (typeof v !== 'number') {
          this.typeError(v, s.go, ctx);
          return ABSENT;
        }
        // Nearly every integer: exact in a double and within int32 (or int64) without a look at its digits.
        if (Number.isSafeInteger(v) && (s.format !== 'int32' || (v >= -(2 ** 31) && v < 2 ** 31))) return v;
        const lit = goJSONNumber(v);
        if (!fitsInt(lit, s.format === 'int32' ? 32 : 64)) {
          this.typeError(v, s.go, ctx, lit);
          return ABSENT;
        }
        return v;
      }
      case 'number':
        if (v === null || v === undefined) return ABSENT;
        if (typeof v === 'number') return v;
        this.typeError(v, s.go, ctx);
        return ABSENT;
      default:
        return v;
    }
  }

  private ref(v: unknown, ref: string, ctx: Ctx): unknown {
    switch (ref) {
      case QUANTITY:
        return quantity(v);
      case INT_OR_STRING:
        if (v === null || v === undefined) return ABSENT;
        if (typeof v === 'string') return v;
        if (typeof v === 'number') {
          const lit = goJSONNumber(v);
          if (!fitsInt(lit, 32)) this.fatalType(v, 'int32', ctx, lit);
          return v;
        }
        return this.fatalType(v, 'int32', ctx);
      case TIME:
      case MICRO_TIME: {
        if (v === null && this.keepNullTimes) return null;
        if (v === null || v === undefined) return ABSENT;
        if (typeof v !== 'string') return this.fatalType(v, 'string', ctx);
        const t = parseGoTime(ref === TIME ? RFC3339 : RFC3339_MICRO, v);
        if (t.error) throw new Fatal(t.error);
        return v;
      }
      case FIELDS_V1:
        return v === null || v === undefined ? ABSENT : v;
    }
    const d = definition(ref);
    if (v === null || v === undefined) return ABSENT;
    if (!isPlainObject(v)) {
      this.typeError(v, d.go, ctx);
      return ABSENT;
    }
    return this.struct(v, ref, ctx);
  }

  private bytes(v: unknown, ctx: Ctx): unknown {
    if (typeof v === 'string') {
      const err = base64Error(v);
      if (err !== undefined && this.fast) throw RETRY;
      if (err !== undefined && this.saved === undefined) this.saved = err;
      return err === undefined ? v : ABSENT;
    }
    if (Array.isArray(v)) {
      // encoding/json fills a []byte from a JSON array of numbers, too
      for (const e of v) {
        if (e === null) continue;
        if (typeof e !== 'number') {
          this.typeError(e, 'uint8', ctx);
          return ABSENT;
        }
        const lit = goJSONNumber(e);
        if (!/^\d+$/.test(lit) || Number(lit) > 255) {
          this.typeError(e, 'uint8', ctx, lit);
          return ABSENT;
        }
      }
      return Buffer.from(v.map((e) => (e === null ? 0 : (e as number)))).toString('base64');
    }
    this.typeError(v, '[]uint8', ctx);
    return ABSENT;
  }
}

/**
 * A struct's or map's decoded values, copied only on change (the Decoder's, and lenientStruct's and lenientValue's maps'): o itself when
 * decode gives every value back as it is; otherwise a copy, in o's key order, with what decode
 * gave (ABSENT: the key left out).
 */
function copyOnChange(o: Record<string, unknown>, decode: (key: string, value: unknown) => unknown): Record<string, unknown> {
  const keys = Object.keys(o);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const was = o[keys[i]];
    const v = decode(keys[i], was);
    if (v === was && out === undefined) continue;
    if (out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = o[keys[j]];
    }
    if (v !== ABSENT) out[keys[i]] = v;
  }
  return out ?? o;
}

/** resource.Quantity.UnmarshalJSON: the JSON text between quotes, or the literal, must parse. */
function quantity(v: unknown): unknown {
  if (v === null || v === undefined) return ABSENT;
  let text: string;
  if (typeof v === 'string') text = JSON.stringify(v).slice(1, -1);
  else if (typeof v === 'number') text = goJSONNumber(v);
  else text = typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  const trimmed = text.trim();
  const err = quantityError(trimmed);
  if (err) throw new Fatal(err);
  return typeof v === 'number' ? trimmed : v;
}

/** Go's zero value of a list element or map value. */
function zeroOf(s: PropSchema): unknown {
  if (s.$ref === QUANTITY) return '0';
  if (s.$ref === INT_OR_STRING) return 0;
  if (s.$ref) return s.$ref === TIME || s.$ref === MICRO_TIME ? null : {};
  switch (s.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function fitsInt(lit: string, bits: 32 | 64): boolean {
  if (!/^-?\d+$/.test(lit)) return false;
  const b = BigInt(lit);
  const lim = bits === 32 ? 2n ** 31n : 2n ** 63n;
  return b >= -lim && b < lim;
}

/** An empty slice, or an empty map of a map-typed field (structs are never empty for omitempty). */
function isEmptyCollection(v: unknown, s: PropSchema): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return !s.$ref && s.type === 'object' && !!s.additionalProperties && isPlainObject(v) && Object.keys(v).length === 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The decoded fields in the order the manifest wrote them (it is decoded in sorted order). */
function inOrderOf(original: Record<string, unknown>, decoded: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(original)) if (Object.prototype.hasOwnProperty.call(decoded, k)) out[k] = decoded[k];
  return out;
}

/** Keys in the order Go's encoding/json writes a map: sorted by their UTF-8 bytes. */
function sortedKeys(o: Record<string, unknown>): string[] {
  const keys = Object.keys(o);
  // ASCII keys (nearly all): UTF-16 order is UTF-8 byte order, and sort() compares without
  // encoding each key twice per comparison (by --cpu-prof, 8% of the engine's time per pod).
  if (keys.every((k) => ASCII.test(k))) return keys.sort();
  return keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}
const ASCII = /^[\x00-\x7f]*$/;

/** strconv.Quote for the paths of strict errors. */
function goStrconvQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (r >= 0x20 && r !== 0x7f && (r < 0x80 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u.test(ch))) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (r < 0x80) out += '\\x' + r.toString(16).padStart(2, '0');
    else if (r < 0x10000) out += '\\u' + r.toString(16).padStart(4, '0');
    else out += '\\U' + r.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** The base error decoding `obj` as `kind` would give (no "X in version..." prefix), or the result. */
export function decodeTyped(
  kind: string,
  obj: Record<string, unknown>,
  validation: FieldValidation,
  /**
   * pass: that pass only (tests compare the two); the fast one alone returns neither a result nor an
   * error when it gives up. share: the result may be obj itself, or share parts with it (the
   * Decoder's share): for a caller that owns obj and does not change it after.
   */
  opts: { keepNullTimes?: boolean; omitEmpty?: boolean; pass?: 'fast' | 'exact'; share?: boolean } = {},
): { error?: string; result?: DecodeResult } {
  const root = kindDefinition(kind);
  if (!root) throw new Error(`kjob: no schema for kind ${kind}`);
  const rootCtx: Ctx = { via: 'root', name: '', struct: goStructName(root) };
  // Nearly every object decodes without a word to say: the fast pass; on any, the exact one.
  if (opts.pass !== 'exact') {
    try {
      return { result: { object: new Decoder(validation !== 'Ignore', opts.keepNullTimes, opts.omitEmpty, true, opts.share).struct(obj, root, rootCtx), warnings: [] } };
    } catch (e) {
      if (!(e instanceof Retry || e instanceof Fatal)) throw e;
      if (opts.pass === 'fast') return {};
    }
  }
  const dec = new Decoder(validation !== 'Ignore', opts.keepNullTimes, opts.omitEmpty);
  let out: Record<string, unknown>;
  try {
    out = dec.struct(obj, root, rootCtx);
  } catch (e) {
    if (e instanceof Fatal) return { error: e.message };
    throw e;
  }
  if (dec.saved !== undefined) return { error: dec.saved };
  if (dec.strict.length > 0 && validation === 'Strict') return { error: `strict decoding error: ${dec.strict.join(', ')}` };
  return { result: { object: out, warnings: validation === 'Warn' ? dec.strict : [] } };
}

/**
 * Decode a manifest object for its kind as the create handler does. Throws the apiserver's 400:
 * `Job in version "v1" cannot be handled as a Job: <error>`.
 */
export function decodeObject(kind: string, obj: Record<string, unknown>, validation: FieldValidation = 'Strict'): DecodeResult {
  const { error, result } = decodeTyped(kind, obj, validation);
  if (error !== undefined) throw decodeError(kind, obj, error);
  return result!;
}

/** transformDecodeError: the kind and version the body names, and the kind it was decoded into. */
export function decodeError(kind: string, obj: Record<string, unknown>, base: string): StatusError {
  const dataKind = typeof obj.kind === 'string' ? obj.kind : '';
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  if (dataKind) return new StatusError('BadRequest', `${dataKind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${base}`);
  return new StatusError('BadRequest', `the object provided is unrecognized (must be of type ${kind}): ${base}`);
}

/** kubectl's --validate flag (GetValidationDirective): strict|true|warn|ignore|false, and what strconv.ParseBool accepts. */
export function validationDirective(flag: string | boolean | undefined): FieldValidation {
  if (flag === undefined || flag === true) return 'Strict';
  if (flag === false) return 'Ignore';
  const s = String(flag);
  const b = goParseBool(s);
  if (b !== undefined) return b ? 'Strict' : 'Ignore';
  switch (s) {
    case 'strict':
      return 'Strict';
    case 'warn':
      return 'Warn';
    case 'ignore':
      return 'Ignore';
  }
  throw new UserError(`error: invalid - validate option ${goQuote(s)}; must be one of: strict (or true), warn, ignore (or false)`);
}

// ---------------------------------------------------------------- reading what is stored

/**
 * A view of a stored object that readers (get, describe, the engine's routing) can rely on: every
 * field has its schema's JSON type. State files written before decoding was strict may hold
 * objects of the wrong shape (`completions: "3"`, `annotations: 5`); here a value of the wrong type
 * is converted when it reads unambiguously as the right one ("3" as 3, "true" as true, 5 as "5")
 * and dropped otherwise. Unknown fields are kept. Well-formed objects come back equal.
 */
export function readable<T>(kind: string, obj: T): T {
  const root = kindDefinition(kind);
  if (!root || !isPlainObject(obj)) return obj;
  // A version known to decode is well-formed: it would come back as it is.
  const m = (obj as { metadata?: { uid?: unknown; resourceVersion?: unknown } }).metadata;
  if (typeof m?.uid === 'string' && typeof m.resourceVersion === 'string' && knownToDecode(kind, m.uid, m.resourceVersion)) return obj;
  const r = lenientStruct(obj, root);
  return r as T;
}

/** The decoding error of a stored object, or undefined when it decodes (cached per uid@resourceVersion). */
const malformedCache = new Map<string, string | undefined>();
const versionKey = (kind: string, uid: unknown, rv: unknown) => `${kind}/${uid}@${rv}`;
/**
 * Forgets every version's verdict: another state file (or the same one restored from a copy) can
 * hold other objects under the same uid and resourceVersion. openStore calls it for each file it
 * opens, so that a process running many commands (the command server) judges each as a new one would.
 */
export function forgetDecodedVersions(): void {
  malformedCache.clear();
}
function remember(key: string, error: string | undefined): void {
  if (malformedCache.size >= 100_000) malformedCache.clear();
  malformedCache.set(key, error);
}
export function storedDecodeError(kind: string, obj: KObject): string | undefined {
  if (!kindDefinition(kind)) return undefined;
  const key = versionKey(kind, obj?.metadata?.uid, obj?.metadata?.resourceVersion);
  if (malformedCache.has(key)) return malformedCache.get(key);
  const { error } = decodeTyped(kind, obj, 'Ignore', { share: true }); // only its error is kept
  remember(key, error);
  return error;
}

/**
 * The apiserver stored this version after decoding it strictly: it decodes, and a reader in this
 * process (the engine's controllers read back what they wrote) need not decode it again.
 */
export function storedDecoded(kind: string, obj: KObject): KObject {
  if (obj.metadata?.uid && obj.metadata.resourceVersion) remember(versionKey(kind, obj.metadata.uid, obj.metadata.resourceVersion), undefined);
  return obj;
}

/** Whether this version of an object is known to decode, without reading it. */
export function knownToDecode(kind: string, uid: string, resourceVersion: string): boolean {
  const key = versionKey(kind, uid, resourceVersion);
  return malformedCache.has(key) && malformedCache.get(key) === undefined;
}

/** The struct with its fields read leniently; the same object when nothing had to change. */
function lenientStruct(v: Record<string, unknown>, def: string): Record<string, unknown> {
  const props = definition(def).properties ?? {};
  return copyOnChange(v, (k, x) => {
    const p = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : undefined;
    return p ? lenientValue(x, p) : x;
  });
}

function lenientValue(v: unknown, s: PropSchema): unknown {
  if (v === null || v === undefined) return v === null ? null : ABSENT;
  if (s.$ref) {
    switch (s.$ref) {
      case QUANTITY:
        return typeof v === 'string' ? v : typeof v === 'number' ? goJSONNumber(v) : ABSENT;
      case INT_OR_STRING:
        return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : ABSENT;
      case TIME:
      case MICRO_TIME:
        return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : ABSENT;
      case FIELDS_V1:
        return v;
    }
    return isPlainObject(v) ? lenientStruct(v, s.$ref) : ABSENT;
  }
  switch (s.type) {
    case 'array': {
      if (!Array.isArray(v)) return ABSENT;
      const items = v.map((e) => lenientValue(e, s.items!));
      return items.every((e, i) => e === v[i] && e !== null) ? v : items.filter((e) => e !== ABSENT && e !== null);
    }
    case 'object': {
      if (!isPlainObject(v)) return ABSENT;
      const vs = s.additionalProperties;
      if (!vs) return v;
      // (a null value is left out, as a map's in Go)
      return copyOnChange(v, (_k, e) => {
        const r = lenientValue(e, vs);
        return r === null ? ABSENT : r;
      });
    }
    case 'string':
      if (typeof v === 'string') return v;
      return typeof v === 'number' || typeof v === 'boolean' ? String(v) : ABSENT;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      return v === 'true' ? true : v === 'false' ? false : ABSENT;
    case 'integer':
    case 'number':
      if (typeof v === 'number') return Number.isFinite(v) ? v : ABSENT;
      return typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : ABSENT;
    default:
      return v;
  }
}
