// JSON patch (RFC 6902): add, remove, replace, move, copy, test over JSON pointers. A failing
// operation throws JSONPatchError; the apiserver answers 422 without repeating its text.
import { deepEqual, isMap } from './gofmt.js';
import { jsonCopy } from '../../util/canonical.js';

export class JSONPatchError extends Error {}

function parsePointer(path: unknown): string[] {
  if (typeof path !== 'string') throw new JSONPatchError('path is not a string');
  if (path === '') return [];
  if (!path.startsWith('/')) throw new JSONPatchError(`invalid path ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: unknown, path: string[], raw: string): unknown {
  let cur: unknown = doc;
  for (const t of path) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isMap(cur)) cur = Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    else throw new JSONPatchError(`missing ${raw}`);
    if (cur === undefined) throw new JSONPatchError(`missing ${raw}`);
  }
  return cur;
}

function setAt(doc: unknown, parent: unknown, path: string[], value: unknown, mode: 'add' | 'replace', raw: string): unknown {
  if (path.length === 0) return value;
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!/^(0|[1-9]\d*|-)$/.test(last) || !Number.isInteger(i) || i < 0 || i > parent.length || (mode === 'replace' && i >= parent.length)) {
      throw new JSONPatchError(`index out of range ${raw}`);
    }
    if (mode === 'add') parent.splice(i, 0, value);
    else parent[i] = value;
  } else if (isMap(parent)) {
    if (mode === 'replace' && !Object.prototype.hasOwnProperty.call(parent, last)) throw new JSONPatchError(`missing ${raw}`);
    parent[last] = value as never;
  } else throw new JSONPatchError(`missing ${raw}`);
  return doc;
}

function removeAt(doc: unknown, parent: unknown, path: string[], raw: string): unknown {
  if (path.length === 0) throw new JSONPatchError('cannot remove the document');
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^(0|[1-9]\d*)$/.test(last) || i >= parent.length) throw new JSONPatchError(`index out of range ${raw}`);
    parent.splice(i, 1);
  } else if (isMap(parent) && Object.prototype.hasOwnProperty.call(parent, last)) delete parent[last];
  else throw new JSONPatchError(`missing ${raw}`);
  return doc;
}

/**
 * doc, or a copy of it, in which the containers on the way to path's parent (path's tokens but
 * the last) are copies this patch owns (in owned), and that parent: changing it changes no
 * container of the target. A step that is missing, or that cannot hold the next, throws as
 * getAt does; the parent itself is checked by the operation.
 */
function ownParent(doc: unknown, path: string[], raw: string, owned: Set<unknown>): [doc: unknown, parent: unknown] {
  if (path.length === 0) return [doc, undefined];
  const own = (c: unknown): unknown => {
    if (owned.has(c)) return c;
    const copy = Array.isArray(c) ? c.slice() : { ...(c as Record<string, unknown>) };
    owned.add(copy);
    return copy;
  };
  const container = (c: unknown) => Array.isArray(c) || isMap(c);
  if (!container(doc)) throw new JSONPatchError(`missing ${raw}`);
  const root = own(doc);
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    const t = path[i];
    const child = Array.isArray(cur) ? cur[Number(t)] : Object.prototype.hasOwnProperty.call(cur, t) ? (cur as Record<string, unknown>)[t] : undefined;
    if (child === undefined || !container(child)) throw new JSONPatchError(`missing ${raw}`);
    const mine = own(child);
    (cur as Record<string, unknown>)[Array.isArray(cur) ? Number(t) : t] = mine;
    cur = mine;
  }
  return [root, cur];
}

/**
 * The patched document; target is not modified. What the patch did not change is shared with
 * target, not copied (a deep copy of a pod was a fifth of each patch the Job controller makes to
 * its pods' finalizers): the caller reads the result, or decodes it into its own copy.
 */
export function applyJSONPatch(target: unknown, ops: unknown[]): unknown {
  let doc = target;
  const owned = new Set<unknown>();
  const at = (path: string[], raw: string) => ownParent(doc, path, raw, owned);
  for (const op of ops as Record<string, unknown>[]) {
    const kind = isMap(op) ? op.op : undefined;
    const path = parsePointer(op?.path);
    const raw = String(op?.path);
    switch (kind) {
      case 'add':
        doc = setAt(...at(path, raw), path, jsonCopy(op.value), 'add', raw);
        break;
      case 'replace':
        doc = setAt(...at(path, raw), path, jsonCopy(op.value), 'replace', raw);
        break;
      case 'remove':
        doc = removeAt(...at(path, raw), path, raw);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path, raw), op.value)) throw new JSONPatchError(`testing value ${raw} failed`);
        break;
      case 'move':
      case 'copy': {
        const from = parsePointer(op.from);
        const v = jsonCopy(getAt(doc, from, String(op.from)));
        if (kind === 'move') doc = removeAt(...at(from, String(op.from)), from, String(op.from));
        doc = setAt(...at(path, raw), path, v, 'add', raw);
        break;
      }
      default:
        throw new JSONPatchError(`Unexpected kind: ${String(kind)}`);
    }
  }
  // Only tests, or nothing: still a document of the caller's own, as any other patch's root is.
  return doc === target ? jsonCopy(target) : doc;
}
