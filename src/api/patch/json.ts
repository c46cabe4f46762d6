// JSON patch (RFC 6902): add, remove, replace, move, copy, test over JSON pointers. A failing
// operation throws JSONPatchError; the apiserver answers 422 without repeating its text.
import { deepEqual, isMap } from './gofmt.js';

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

function setAt(doc: unknown, path: string[], value: unknown, mode: 'add' | 'replace', raw: string): unknown {
  if (path.length === 0) return value;
  const parent = getAt(doc, path.slice(0, -1), raw);
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

function removeAt(doc: unknown, path: string[], raw: string): unknown {
  if (path.length === 0) throw new JSONPatchError('cannot remove the document');
  const parent = getAt(doc, path.slice(0, -1), raw);
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
 * the last) are copies this patch owns (in owned): changing that parent changes no container of
 * the target. Missing steps throw as getAt does.
 */
function ownParent(doc: unknown, path: string[], raw: string, owned: Set<unknown>): unknown {
  const own = (c: unknown): unknown => {
    if (owned.has(c)) return c;
    const copy = Array.isArray(c) ? c.slice() : { ...(c as Record<string, unknown>) };
    owned.add(copy);
    return copy;
  };
  if (!Array.isArray(doc) && !isMap(doc)) return doc; // a scalar document: the op's own checks fail
  const root = own(doc);
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    const t = path[i];
    let child: unknown;
    if (Array.isArray(cur)) child = cur[Number(t)];
    else if (isMap(cur)) child = Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    if (child === undefined) throw new JSONPatchError(`missing ${raw}`); // as getAt
    if (!Array.isArray(child) && !isMap(child)) return root; // cannot hold the next step: the op's own walk says so
    const mine = own(child);
    (cur as Record<string, unknown>)[Array.isArray(cur) ? Number(t) : t] = mine;
    cur = mine;
  }
  return root;
}

/**
 * The patched document; target is not modified. What the patch did not change is shared with
 * target, not copied (a deep copy of a pod was a fifth of each patch the Job controller makes to
 * its pods' finalizers): the caller reads the result, or decodes it into its own copy.
 */
export function applyJSONPatch(target: unknown, ops: unknown[]): unknown {
  let doc = target;
  const owned = new Set<unknown>();
  for (const op of ops as Record<string, unknown>[]) {
    const kind = isMap(op) ? op.op : undefined;
    const path = parsePointer(op?.path);
    const raw = String(op?.path);
    switch (kind) {
      case 'add':
        doc = setAt(ownParent(doc, path, raw, owned), path, structuredClone(op.value), 'add', raw);
        break;
      case 'replace':
        doc = setAt(ownParent(doc, path, raw, owned), path, structuredClone(op.value), 'replace', raw);
        break;
      case 'remove':
        doc = removeAt(ownParent(doc, path, raw, owned), path, raw);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path, raw), op.value)) throw new JSONPatchError(`testing value ${raw} failed`);
        break;
      case 'move':
      case 'copy': {
        const from = parsePointer(op.from);
        const v = structuredClone(getAt(doc, from, String(op.from)));
        if (kind === 'move') doc = removeAt(ownParent(doc, from, String(op.from), owned), from, String(op.from));
        doc = setAt(ownParent(doc, path, raw, owned), path, v, 'add', raw);
        break;
      }
      default:
        throw new JSONPatchError(`Unexpected kind: ${String(kind)}`);
    }
  }
  return doc === target ? structuredClone(target) : doc;
}
