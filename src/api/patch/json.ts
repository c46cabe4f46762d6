// JSON patch (RFC 6902) as Kubernetes applies it: gopkg.in/evanphx/json-patch.v4, the library of
// the apiserver's json-patch handler and of kubectl patch --local. Its departures from the RFC are
// kept, since they decide what a cluster accepts: `replace` of a missing object key adds it, array
// indices may count from the end (-1), a `test` of a missing key with a null value passes, and a
// `test` compares numbers by their JSON text. A failing operation throws JSONPatchError with the library's words (errors.Wrapf's
// "context: cause"); the apiserver answers 422 without them, kubectl --local prints them.
import { isMap } from './gofmt.js';
import { jsonCopy } from '../../util/canonical.js';
import { goAtoi, jsonKind } from '../../util/go.js';

export class JSONPatchError extends Error {}

/** The patch itself is not a JSON patch (jsonpatch.DecodePatch's error): the apiserver answers 400 with it. */
export class JSONPatchDecodeError extends JSONPatchError {}

type Container = Record<string, unknown> | unknown[];

/** errors.Wrapf(ErrMissing, ...): the library's "missing value" cause. */
const missing = (context: string) => new JSONPatchError(`${context}: missing value`);
const invalidIndex = (idx: number) => new JSONPatchError(`Unable to access invalid index: ${idx}: invalid index referenced`);
/** The error of one step, wrapped with the operation's context. */
const wrapped = (context: string, e: JSONPatchError) => new JSONPatchError(`${context}: ${e.message}`);

/** rfc6901Decoder: ~1 and ~0 in one pass. */
const decodeKey = (k: string) => k.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));

/** strconv.Atoi of an array key, or its error. */
function atoi(key: string): number {
  try {
    return Number(goAtoi(key));
  } catch (e) {
    throw new JSONPatchError((e as Error).message);
  }
}

const isContainer = (v: unknown): v is Container => Array.isArray(v) || isMap(v);

/** An array's index as partialArray.get and set take it: negative ones count from the end. */
function arrayIndex(c: unknown[], key: string): number {
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.length) throw invalidIndex(idx);
    idx += c.length;
  }
  if (idx >= c.length) throw invalidIndex(idx);
  return idx;
}

/** container.get: a map's key (undefined when missing, as Go's nil), an array's index (an error when out of range). */
function get(c: Container, key: string): unknown {
  if (!Array.isArray(c)) return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
  return c[arrayIndex(c, key)];
}

/** container.set (replace): a key that get found. */
function set(c: Container, key: string, value: unknown): void {
  if (Array.isArray(c)) c[arrayIndex(c, key)] = value;
  else c[key] = value;
}

/** container.add: a map's key set; into an array at an index (the end: "-"; negative: from the end). */
function add(c: Container, key: string, value: unknown): void {
  if (!Array.isArray(c)) {
    c[key] = value;
    return;
  }
  if (key === '-') {
    c.push(value);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw wrapped(`value was not a proper array index: '${key}'`, e as JSONPatchError);
  }
  const size = c.length + 1;
  if (idx >= size || idx < -size) throw invalidIndex(idx);
  if (idx < 0) idx += size;
  c.splice(idx, 0, value);
}

/** container.remove. */
function remove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.prototype.hasOwnProperty.call(c, key)) throw missing(`Unable to remove nonexistent key: ${key}`);
    delete c[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= c.length || idx < -c.length) throw invalidIndex(idx);
  if (idx < 0) idx += c.length;
  c.splice(idx, 1);
}

/**
 * The patching of one document. What the patch does not change is shared with the target, not
 * copied (a deep copy of a pod was a fifth of each patch the Job controller makes to its pods'
 * finalizers): a container is copied the first time a write goes through it (owned).
 */
class Patching {
  doc: Container;
  private readonly owned = new Set<unknown>();

  constructor(target: Container) {
    this.doc = this.own(target);
  }

  private own<T extends Container>(c: T): T {
    if (this.owned.has(c)) return c;
    const copy = (Array.isArray(c) ? c.slice() : { ...c }) as T;
    this.owned.add(copy);
    return copy;
  }

  /**
   * findObject: the container path's last key is in, and that key; undefined where a step on the
   * way is missing, null, not a container, or not an index of its array. forWrite: the
   * containers on the way are the patch's own copies.
   */
  find(path: string, forWrite: boolean): [Container, string] | undefined {
    const split = path.split('/');
    if (split.length < 2) return undefined;
    let cur: Container = this.doc;
    for (const part of split.slice(1, -1)) {
      let next: unknown;
      try {
        next = get(cur, decodeKey(part));
      } catch {
        return undefined;
      }
      if (!isContainer(next)) return undefined;
      if (forWrite) {
        const mine = this.own(next);
        set(cur, decodeKey(part), mine);
        next = mine;
      }
      cur = next as Container;
    }
    return [cur, decodeKey(split[split.length - 1])];
  }
}

/** Operation.Path / From: the field as a string, or the library's error (absent or null: missing; else json's). */
function pointer(op: Record<string, unknown>, field: 'path' | 'from'): { value: string } | { error: string } {
  const v = op[field];
  if (typeof v === 'string') return { value: v };
  if (v === undefined || v === null) return { error: field === 'path' ? 'operation missing path field: missing value' : 'operation, missing from field: missing value' };
  return { error: `json: cannot unmarshal ${jsonKind(v)} into Go value of type string` };
}

/** lazyNode.equal: objects by their keys and values, arrays by their elements, scalars by their JSON text. */
function equalV4(docValue: unknown, value: unknown): boolean {
  if (isMap(docValue)) {
    if (!isMap(value) || Object.keys(value).length !== Object.keys(docValue).length) return false;
    for (const [k, v] of Object.entries(docValue)) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) return false;
      const ov = value[k];
      if (v === null && ov === null) continue;
      if (v === null || ov === null || !equalV4(v, ov)) return false;
    }
    return true;
  }
  if (Array.isArray(docValue)) {
    if (!Array.isArray(value) || value.length !== docValue.length) return false;
    return docValue.every((v, i) => equalV4(v, value[i]));
  }
  return JSON.stringify(docValue) === JSON.stringify(value);
}

/**
 * The patched document; target is not modified. What the patch did not change is shared with
 * target: the caller reads the result, or decodes it into its own copy.
 */
export function applyJSONPatch(target: unknown, ops: unknown): unknown {
  // DecodePatch: a list of objects (null: no operations).
  if (ops !== null && !Array.isArray(ops)) throw new JSONPatchDecodeError(`json: cannot unmarshal ${jsonKind(ops)} into Go value of type jsonpatch.Patch`);
  for (const op of ops ?? []) {
    if (op !== null && !isMap(op)) throw new JSONPatchDecodeError(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
  }
  if (!isContainer(target)) throw new JSONPatchError(`json: cannot unmarshal ${jsonKind(target)} into Go value of type jsonpatch.partialDoc`);
  const p = new Patching(target);
  for (const raw of (ops ?? []) as unknown[]) {
    const op = (isMap(raw) ? raw : {}) as Record<string, unknown>;
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    const path = pointer(op, 'path');
    const pathOf = (context: string, wrapsCause: boolean): string => {
      if ('value' in path) return path.value;
      throw wrapsCause ? new JSONPatchError(`${context}: ${path.error}`) : missing(context);
    };
    // op.value(): an absent value is nil, which the document keeps as null.
    const value = () => (Object.prototype.hasOwnProperty.call(op, 'value') ? jsonCopy(op.value) : null);
    switch (kind) {
      case 'add': {
        const to = pathOf('add operation failed to decode path', false);
        const at = p.find(to, true);
        if (!at) throw missing(`add operation does not apply: doc is missing path: "${to}"`);
        try {
          add(at[0], at[1], value());
        } catch (e) {
          throw wrapped(`error in add for path: '${to}'`, e as JSONPatchError);
        }
        break;
      }
      case 'remove': {
        const to = pathOf('remove operation failed to decode path', false);
        const at = p.find(to, true);
        if (!at) throw missing(`remove operation does not apply: doc is missing path: "${to}"`);
        try {
          remove(at[0], at[1]);
        } catch (e) {
          throw wrapped(`error in remove for path: '${to}'`, e as JSONPatchError);
        }
        break;
      }
      case 'replace': {
        const to = pathOf('replace operation failed to decode path', true);
        if (to === '') {
          // The whole document, by an object or an array; anything else leaves it (errors.Wrapf of a nil error is nil).
          if (isContainer(op.value)) p.doc = jsonCopy(op.value) as Container;
          break;
        }
        const at = p.find(to, true);
        if (!at) throw missing(`replace operation does not apply: doc is missing path: ${to}`);
        try {
          get(at[0], at[1]);
        } catch {
          throw missing(`replace operation does not apply: doc is missing key: ${to}`);
        }
        set(at[0], at[1], value());
        break;
      }
      case 'move': {
        const from = pointer(op, 'from');
        if ('error' in from) throw new JSONPatchError(`move operation failed to decode from: ${from.error}`);
        const src = p.find(from.value, true);
        if (!src) throw missing(`move operation does not apply: doc is missing from path: ${from.value}`);
        let moved: unknown;
        try {
          moved = get(src[0], src[1]);
          remove(src[0], src[1]);
        } catch (e) {
          throw wrapped(`error in move for path: '${src[1]}'`, e as JSONPatchError);
        }
        const to = pathOf('move operation failed to decode path', true);
        const dst = p.find(to, true);
        if (!dst) throw missing(`move operation does not apply: doc is missing destination path: ${to}`);
        try {
          add(dst[0], dst[1], moved ?? null);
        } catch (e) {
          throw wrapped(`error in move for path: '${to}'`, e as JSONPatchError);
        }
        break;
      }
      case 'test': {
        const at = pathOf('test operation failed to decode path', true);
        const failed = () => new JSONPatchError(`testing value ${at} failed: test failed`);
        if (at === '') {
          if (!equalV4(p.doc, op.value ?? null)) throw failed();
          break;
        }
        const found = p.find(at, false);
        if (!found) throw missing(`test operation does not apply: is missing path: ${at}`);
        let current: unknown;
        try {
          current = get(found[0], found[1]);
        } catch (e) {
          throw wrapped(`error in test for path: '${at}'`, e as JSONPatchError);
        }
        const expected = op.value ?? null;
        const passes = current === undefined || current === null ? expected === null : Object.prototype.hasOwnProperty.call(op, 'value') && equalV4(current, expected);
        if (!passes) throw failed();
        break;
      }
      case 'copy': {
        const from = pointer(op, 'from');
        if ('error' in from) throw new JSONPatchError(`copy operation failed to decode from: ${from.error}`);
        const src = p.find(from.value, false);
        if (!src) throw missing(`copy operation does not apply: doc is missing from path: ${from.value}`);
        let copied: unknown;
        try {
          copied = get(src[0], src[1]);
        } catch (e) {
          throw wrapped(`error in copy for from: '${from.value}'`, e as JSONPatchError);
        }
        const to = pathOf('copy operation failed to decode path', false);
        const dst = p.find(to, true);
        if (!dst) throw missing(`copy operation does not apply: doc is missing destination path: ${to}`);
        try {
          add(dst[0], dst[1], copied === undefined ? null : jsonCopy(copied));
        } catch (e) {
          throw wrapped('error while adding value during copy', e as JSONPatchError);
        }
        break;
      }
      default:
        throw new JSONPatchError(`Unexpected kind: ${kind}`);
    }
  }
  return p.doc;
}
