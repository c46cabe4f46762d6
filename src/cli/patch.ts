// `kjob patch TYPE NAME -p PATCH [--type strategic|merge|json]`: kubectl patch against the store,
// with the apiserver's update path (defaulting of the result, update validation, generation).
import YAML from 'yaml';
import type { KObject } from '../api/types.js';
import { prepareUpdate } from '../api/strategy.js';
import { groupResource, kindGroup } from '../api/resources.js';
import { UserError, StatusError, notFound } from '../errors.js';
import { canonicalJSON } from '../util/canonical.js';
import { decodeTyped, decodeError, readable } from '../apiserver/decode.js';
import { parseResourceArgs } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface PatchOptions {
  patch?: string;
  type?: string;
}

const PATCH_TYPES = ['json', 'merge', 'strategic'];

export async function patch(ctx: Context, args: string[], opts: PatchOptions, io: IO): Promise<number> {
  if (args.length === 0) {
    throw new UserError(`error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`);
  }
  const type = opts.type ?? 'strategic';
  if (!PATCH_TYPES.includes(type)) throw new UserError(`error: --type must be one of [${PATCH_TYPES.join(' ')}], not "${type}"`);
  if (opts.patch === undefined || opts.patch === '') throw new UserError('error: must specify --patch or --patch-file containing the contents of the patch');
  let patchDoc: unknown;
  try {
    patchDoc = YAML.parse(opts.patch);
  } catch (e) {
    throw new UserError(`error: unable to parse ${JSON.stringify(opts.patch)}: ${(e as Error).message.split('\n')[0]}`);
  }
  const requests = parseResourceArgs(args);
  const store = ctx.store;
  let wrote = false;
  for (const req of requests) {
    if (req.names.length === 0) throw new UserError(`error: resource(s) were provided, but no name was specified`);
    for (const name of req.names) {
      const ns = req.info.namespaced ? ctx.namespace : undefined;
      const stored = store.get(req.info.kind, ns, name);
      if (!stored) throw notFound(groupResource(req.info), name);
      // An object stored before decoding was strict is patched from its readable view.
      const existing = readable(req.info.kind, stored) as KObject;
      let patched: KObject;
      if (type !== 'json' && (typeof patchDoc !== 'object' || patchDoc === null || Array.isArray(patchDoc))) {
        // The apiserver reads a merge patch into a map first.
        const what = patchDoc === null ? 'null' : Array.isArray(patchDoc) ? 'array' : typeof patchDoc === 'boolean' ? 'bool' : typeof patchDoc;
        throw new StatusError('BadRequest', `json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
      }
      if (type === 'json') patched = applyJSONPatch(existing, patchDoc) as KObject;
      else patched = mergePatch(existing, patchDoc, type === 'strategic') as KObject;
      const label = `${kindGroup(req.info)}/${name}`;
      // What cannot be changed by a patch at all (identity) is kept as stored.
      patched.metadata = { ...patched.metadata, uid: existing.metadata.uid, resourceVersion: existing.metadata.resourceVersion };
      patched.status = existing.status;
      // The patched object is decoded into the kind's Go type as any body is (unknown fields warned about and dropped).
      const decoded = decodeTyped(req.info.kind, patched, 'Warn');
      if (decoded.error !== undefined) throw decodeError(req.info.kind, patched, decoded.error);
      for (const w of decoded.result!.warnings) io.err(`Warning: ${w}\n`);
      patched = decoded.result!.object as KObject;
      // The apiserver's update path: defaulting, then update validation.
      const updated = prepareUpdate(req.info, existing, patched);
      if (canonicalJSON(updated) === canonicalJSON(existing)) {
        io.out(`${label} patched (no change)\n`);
        continue;
      }
      store.update(updated);
      wrote = true;
      io.out(`${label} patched\n`);
    }
  }
  if (wrote) await ctx.engine();
  return 0;
}

// ---------------------------------------------------------------- RFC 7386 merge patch

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON merge patch (RFC 7386). With `strategic`, lists of objects that carry a `name` (containers,
 * env, volumes, volumeMounts, ports) are merged by name, as their patchMergeKey says; every other
 * list is replaced, as in a merge patch.
 */
export function mergePatch(target: unknown, patchDoc: unknown, strategic = false): unknown {
  if (!isObj(patchDoc)) {
    if (strategic && Array.isArray(patchDoc) && Array.isArray(target)) return mergeNamedLists(target, patchDoc);
    return structuredClone(patchDoc);
  }
  const out: Record<string, unknown> = isObj(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patchDoc)) {
    if (v === null) delete out[k];
    else if (strategic && Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeNamedLists(out[k] as unknown[], v);
    else out[k] = mergePatch(out[k], v, strategic);
  }
  return out;
}

function mergeNamedLists(target: unknown[], patchList: unknown[]): unknown[] {
  const named = (xs: unknown[]) => xs.every((x) => isObj(x) && typeof x.name === 'string');
  if (!named(target) || !named(patchList)) return structuredClone(patchList);
  const out = structuredClone(target) as Record<string, unknown>[];
  for (const p of patchList as Record<string, unknown>[]) {
    const i = out.findIndex((x) => x.name === p.name);
    if (i >= 0) out[i] = mergePatch(out[i], p, true) as Record<string, unknown>;
    else out.push(structuredClone(p));
  }
  return out;
}

// ---------------------------------------------------------------- RFC 6902 JSON patch

function badRequest(_message: string): UserError {
  return new UserError('The request is invalid: the server rejected our request due to an error in our request');
}

function parsePointer(path: unknown): string[] {
  if (typeof path !== 'string') throw badRequest('the server rejected our request due to an error in our request');
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function applyJSONPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new UserError(`error: unable to parse patch: json: cannot unmarshal object into Go value of type jsonpatch.Patch`);
  let doc = structuredClone(target);
  for (const op of ops as Record<string, unknown>[]) {
    const kind = op?.op;
    const path = parsePointer(op?.path);
    switch (kind) {
      case 'add':
        doc = setAt(doc, path, structuredClone(op.value), 'add', op.path as string);
        break;
      case 'replace':
        doc = setAt(doc, path, structuredClone(op.value), 'replace', op.path as string);
        break;
      case 'remove':
        doc = removeAt(doc, path, op.path as string);
        break;
      case 'test': {
        if (canonicalJSON(getAt(doc, path, op.path as string)) !== canonicalJSON(op.value)) throw badRequest(`the server rejected our request due to an error in our request`);
        break;
      }
      case 'move':
      case 'copy': {
        const from = parsePointer(op.from);
        const v = structuredClone(getAt(doc, from, op.from as string));
        if (kind === 'move') doc = removeAt(doc, from, op.from as string);
        doc = setAt(doc, path, v, 'add', op.path as string);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${String(kind)}`);
    }
  }
  return doc;
}

/** What kubectl prints when the apiserver cannot apply a JSON patch (422 without causes). */
function missing(_path: string): UserError {
  return new UserError('The request is invalid: the server rejected our request due to an error in our request');
}

function getAt(doc: unknown, path: string[], raw: string): unknown {
  let cur: unknown = doc;
  for (const t of path) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else throw missing(raw);
    if (cur === undefined) throw missing(raw);
  }
  return cur;
}

function setAt(doc: unknown, path: string[], value: unknown, mode: 'add' | 'replace', raw: string): unknown {
  if (path.length === 0) return value;
  const parent = getAt(doc, path.slice(0, -1), raw);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (mode === 'replace' && i >= parent.length)) throw missing(raw);
    if (mode === 'add') parent.splice(i, 0, value);
    else parent[i] = value;
  } else if (isObj(parent)) {
    if (mode === 'replace' && !(last in parent)) throw missing(raw);
    parent[last] = value;
  } else throw missing(raw);
  return doc;
}

function removeAt(doc: unknown, path: string[], raw: string): unknown {
  const parent = getAt(doc, path.slice(0, -1), raw);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw missing(raw);
    parent.splice(i, 1);
  } else if (isObj(parent) && last in parent) delete parent[last];
  else throw missing(raw);
  return doc;
}
