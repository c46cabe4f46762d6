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

/** The patched document (target is not modified). */
export function applyJSONPatch(target: unknown, ops: unknown[]): unknown {
  let doc = structuredClone(target);
  for (const op of ops as Record<string, unknown>[]) {
    const kind = isMap(op) ? op.op : undefined;
    const path = parsePointer(op?.path);
    const raw = String(op?.path);
    switch (kind) {
      case 'add':
        doc = setAt(doc, path, structuredClone(op.value), 'add', raw);
        break;
      case 'replace':
        doc = setAt(doc, path, structuredClone(op.value), 'replace', raw);
        break;
      case 'remove':
        doc = removeAt(doc, path, raw);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path, raw), op.value)) throw new JSONPatchError(`testing value ${raw} failed`);
        break;
      case 'move':
      case 'copy': {
        const from = parsePointer(op.from);
        const v = structuredClone(getAt(doc, from, String(op.from)));
        if (kind === 'move') doc = removeAt(doc, from, String(op.from));
        doc = setAt(doc, path, v, 'add', raw);
        break;
      }
      default:
        throw new JSONPatchError(`Unexpected kind: ${String(kind)}`);
    }
  }
  return doc;
}
