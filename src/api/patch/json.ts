// JSON patch (RFC 6902) as Kubernetes applies it: gopkg.in/evanphx/json-patch.v4, the library of
// the apiserver's json-patch handler and of kubectl patch --local. Its departures from the RFC are
// kept, since they decide what a cluster accepts: `replace` of a missing object key adds it, array
// indices may count from the end (-1), a `test` of a missing key with a null value passes, and a
// `test` compares numbers by their JSON text. A failing operation throws JSONPatchError with the library's words (errors.Wrapf's
// "context: cause"); the apiserver answers 422 without them, kubectl --local prints them.
import { isMap } from './gofmt.js';
import { jsonCopy } from '../../util/canonical.js';
import { jsonKind } from '../../util/go.js';

export class JSONPatchError extends Error {}

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
  if (!/^[+-]?[0-9]+$/.test(key)) throw new JSONPatchError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  const n = Number(key);
  if (!Number.isSafeInteger(n)) throw new JSONPatchError(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`);
  return n;
}

const isContainer = (v: unknown): v is Container => Array.isArray(v) || isMap(v);

/** container.get: a map's key (undefined when missing, as Go's nil), an array's index (an error when out of range). */
function get(c: Container, key: string): unknown {
  if (!Array.isArray(c)) return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
  const idx = atoi(key);
  // Go would index a negative one and panic; the apiserver's recovery answers no better.
  if (idx >= c.length || idx < 0) throw invalidIndex(idx);
  return c[idx];
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
        if (Array.isArray(cur)) cur[Number(decodeKey(part))] = mine;
        else cur[decodeKey(part)] = mine;
        next = mine;
      }
      cur = next as Container;
    }
    return [cur, decodeKey(split[split.length - 1])];
  }
}

/** Operation.Path / From: the field as a string, or the library's error for its absence. */
function pointer(op: Record<string, unknown>, field: 'path' | 'from'): string | undefined {
  const v = op[field];
  return typeof v === 'string' ? v : undefined;
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
export function applyJSONPatch(target: unknown, ops: unknown[]): unknown {
  if (!isContainer(target)) throw new JSONPatchError(`json: cannot unmarshal ${jsonKind(target)} into Go value of type jsonpatch.partialDoc`);
  const p = new Patching(target);
  for (const raw of ops) {
    const op = (isMap(raw) ? raw : {}) as Record<string, unknown>;
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    const path = pointer(op, 'path');
    // op.value(): an absent value is nil, which the document keeps as null.
    const value = () => (Object.prototype.hasOwnProperty.call(op, 'value') ? jsonCopy(op.value) : null);
    switch (kind) {
      case 'add': {
        if (path === undefined) throw missing('add operation failed to decode path');
        const at = p.find(path, true);
        if (!at) throw missing(`add operation does not apply: doc is missing path: "${path}"`);
        try {
          add(at[0], at[1], value());
        } catch (e) {
          throw wrapped(`error in add for path: '${path}'`, e as JSONPatchError);
        }
        break;
      }
      case 'remove': {
        if (path === undefined) throw missing('remove operation failed to decode path');
        const at = p.find(path, true);
        if (!at) throw missing(`remove operation does not apply: doc is missing path: "${path}"`);
        try {
          remove(at[0], at[1]);
        } catch (e) {
          throw wrapped(`error in remove for path: '${path}'`, e as JSONPatchError);
        }
        break;
      }
      case 'replace': {
        if (path === undefined) throw missing('replace operation failed to decode path: operation missing path field');
        const at = p.find(path, true);
        if (!at) throw missing(`replace operation does not apply: doc is missing path: ${path}`);
        try {
          get(at[0], at[1]);
        } catch {
          throw missing(`replace operation does not apply: doc is missing key: ${path}`);
        }
        const [c, key] = at;
        if (Array.isArray(c)) c[Number(key)] = value();
        else c[key] = value();
        break;
      }
      case 'move': {
        const from = pointer(op, 'from');
        if (from === undefined) throw missing('move operation failed to decode from: operation, missing from field');
        const src = p.find(from, true);
        if (!src) throw missing(`move operation does not apply: doc is missing from path: ${from}`);
        let moved: unknown;
        try {
          moved = get(src[0], src[1]);
          remove(src[0], src[1]);
        } catch (e) {
          throw wrapped(`error in move for path: '${src[1]}'`, e as JSONPatchError);
        }
        if (path === undefined) throw missing('move operation failed to decode path: operation missing path field');
        const dst = p.find(path, true);
        if (!dst) throw missing(`move operation does not apply: doc is missing destination path: ${path}`);
        try {
          add(dst[0], dst[1], moved ?? null);
        } catch (e) {
          throw wrapped(`error in move for path: '${path}'`, e as JSONPatchError);
        }
        break;
      }
      case 'test': {
        if (path === undefined) throw missing('test operation failed to decode path: operation missing path field');
        const at = p.find(path, false);
        if (!at) throw missing(`test operation does not apply: is missing path: ${path}`);
        let current: unknown;
        try {
          current = get(at[0], at[1]);
        } catch (e) {
          throw wrapped(`error in test for path: '${path}'`, e as JSONPatchError);
        }
        const expected = op.value ?? null;
        const passes = current === undefined || current === null ? expected === null : Object.prototype.hasOwnProperty.call(op, 'value') && equalV4(current, expected);
        if (!passes) throw new JSONPatchError(`testing value ${path} failed: test failed`);
        break;
      }
      case 'copy': {
        const from = pointer(op, 'from');
        if (from === undefined) throw missing('copy operation failed to decode from: operation, missing from field');
        const src = p.find(from, false);
        if (!src) throw missing(`copy operation does not apply: doc is missing from path: ${from}`);
        let copied: unknown;
        try {
          copied = get(src[0], src[1]);
        } catch (e) {
          throw wrapped(`error in copy for from: '${from}'`, e as JSONPatchError);
        }
        if (path === undefined) throw missing('copy operation failed to decode path');
        const dst = p.find(path, true);
        if (!dst) throw missing(`copy operation does not apply: doc is missing destination path: ${path}`);
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
