// `kjob label` and `kjob annotate`: kubectl's label.go and annotate.go. The pairs are applied to
// the object as fetched, and what changed is sent as a JSON merge patch (jsonpatch.CreateMergePatch
// of the two), which the apiserver applies to the stored object; --dry-run=client and --list change
// nothing on the server.
import { printServerWarnings } from './global_flags.js';
import type { KObject } from '../api/types.js';
import { kindGroup } from '../api/resources.js';
import { isValidLabelValue } from '../api/names.js';
import { UserError, aggregateMessage } from '../errors.js';
import { objectPrinterOnce, type ObjectOutputOptions, type ObjectPrinter } from './object_output.js';
import { visit, errorText, type Info } from './builder.js';
import type { Context } from './context.js';
import { dryRunSuffix, type DryRun } from './dry_run.js';
import type { IO } from './io.js';

export interface MetaPairsOptions extends ObjectOutputOptions {
  overwrite?: boolean;
  list?: boolean;
  all?: boolean;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  filenames?: string[];
  recursive?: boolean;
  dryRun?: DryRun;
  resourceVersion?: string;
}

/** cmdutil.GetResourcesAndPairs */
export function resourcesAndPairs(args: string[], pairType: string): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  let found = false;
  for (const s of args) {
    const nonResource = (s.includes('=') && s[0] !== '=') || (s.endsWith('-') && s !== '-');
    if (nonResource) {
      found = true;
      pairs.push(s);
    } else if (!found) resources.push(s);
    else throw new UserError(`error: all resources must be specified before ${pairType} changes: ${s}`);
  }
  return { resources, pairs };
}

/** label.go parseLabels */
export function parseLabels(spec: string[]): { add: Map<string, string>; remove: string[] } {
  const add = new Map<string, string>();
  const remove: string[] = [];
  for (const s of spec) {
    if (s.includes('=')) {
      const parts = s.split('=');
      if (parts.length !== 2) throw new UserError(`error: invalid label spec: ${s}`);
      const errs = isValidLabelValue(parts[1]);
      if (errs.length) throw new UserError(`error: invalid label value: ${JSON.stringify(s)}: ${errs.join(';')}`);
      add.set(parts[0], parts[1]);
    } else if (s.endsWith('-')) remove.push(s.slice(0, -1));
    else throw new UserError(`error: unknown label spec: ${s}`);
  }
  for (const r of remove) if (add.has(r)) throw new UserError('error: can not both modify and remove a label in the same command');
  return { add, remove };
}

/** cmdutil.ParsePairs(args, "annotation", true) and annotate's validateAnnotations */
export function parseAnnotations(spec: string[]): { add: Map<string, string>; remove: string[] } {
  const add = new Map<string, string>();
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const s of spec) {
    if (s.includes('=') && s[0] !== '=') {
      const i = s.indexOf('=');
      add.set(s.slice(0, i), s.slice(i + 1));
    } else if (s.endsWith('-') && s !== '-') remove.push(s.slice(0, -1));
    else invalid.push(s);
  }
  if (invalid.length) throw new UserError(`error: invalid annotation format: ${invalid.join(', ')}`);
  const both = remove.filter((r) => add.has(r));
  if (both.length) throw new UserError(`error: can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`);
  return { add, remove };
}

export async function label(ctx: Context, args: string[], opts: MetaPairsOptions, io: IO): Promise<number> {
  return metaPairs(ctx, 'label', args, opts, io);
}

export async function annotate(ctx: Context, args: string[], opts: MetaPairsOptions, io: IO): Promise<number> {
  return metaPairs(ctx, 'annotation', args, opts, io);
}

async function metaPairs(ctx: Context, what: 'label' | 'annotation', args: string[], opts: MetaPairsOptions, io: IO): Promise<number> {
  const dryRun = opts.dryRun === undefined ? 'none' : opts.dryRun;
  // kubectl annotate builds its printer first; label builds it for each object once that object is
  // patched, so a bad -o or template fails after the change. kjob builds label's for each object
  // just before its write: the same error in the same place, and nothing changed.
  const printer = objectPrinterOnce(opts);
  if (what === 'annotation') await printer();
  const { resources, pairs } = resourcesAndPairs(args, what);
  const { add, remove } = what === 'label' ? parseLabels(pairs) : parseAnnotations(pairs);
  if (opts.list && opts.output) throw new UserError('error: --list and --output may not be specified together');
  if (opts.all && opts.selector) throw new UserError('error: cannot set --all and --selector at the same time');
  if (opts.all && opts.fieldSelector) throw new UserError('error: cannot set --all and --field-selector at the same time');
  if (resources.length < 1 && !(opts.filenames ?? []).length) throw new UserError('error: one or more resources must be specified as <resource> <name> or <resource>/<name>');
  if (add.size < 1 && remove.length < 1 && !opts.list) throw new UserError(`error: at least one ${what} update is required`);

  const v = await visit(ctx, resources, { filenames: opts.filenames, recursive: opts.recursive, selector: opts.selector, fieldSelector: opts.fieldSelector, all: opts.all, allNamespaces: opts.allNamespaces });
  if (!v.single && opts.resourceVersion) throw new UserError('error: --resource-version may only be used with a single resource');
  const errors: string[] = [];
  for (const item of v.items) {
    if ('error' in item) {
      errors.push(errorText(item.error));
      continue;
    }
    try {
      await one(ctx, what, item, add, remove, opts, dryRun, v.single, printer, io);
    } catch (e) {
      errors.push(errorText(e));
    }
  }
  if (errors.length) {
    io.err(aggregateMessage(errors));
    return 1;
  }
  return 0;
}

/** One object: its labels or annotations changed (on the server unless a dry run) and printed. */
async function one(ctx: Context, what: 'label' | 'annotation', item: Info, add: Map<string, string>, remove: string[], opts: MetaPairsOptions, dryRun: DryRun, single: boolean, printerOnce: () => Promise<ObjectPrinter | undefined>, io: IO): Promise<void> {
  const obj = structuredClone(item.object);
  const field = what === 'label' ? 'labels' : 'annotations';
  const current: Record<string, string> = { ...(obj.metadata[field] ?? {}) };
  const server = dryRun !== 'client' && !opts.list;
  // RunLabel says which labels to remove are not there before it checks for overwrites.
  if (server && what === 'label') for (const r of remove) if (!(r in current)) io.out(`label ${JSON.stringify(r)} not found.\n`);
  // validateNoOverwrites / validateNoAnnotationOverwrites
  if (!opts.overwrite) {
    const clashes = [...add].filter(([k, val]) => k in current && current[k] !== val && !(what === 'annotation' && k === 'kubernetes.io/change-cause'));
    if (clashes.length) {
      const each = clashes.map(([k]) => `'${k}' already has a value (${current[k]})`);
      if (what === 'label') throw new UserError(`error: ${each.length === 1 ? `${each[0]}, and --overwrite is false` : `[${each.map((e) => `${e}, and --overwrite is false`).join(', ')}]`}`);
      throw new UserError(`error: --overwrite is false but found the following declared annotation(s): ${each.join('; ')}`);
    }
  }
  const printer = opts.list ? undefined : await printerOnce();
  const before = compactJSON(obj);
  const patch: Record<string, string | null> = {};
  for (const [k, val] of add) {
    if (current[k] !== val) patch[k] = val;
    current[k] = val;
  }
  for (const r of remove) {
    if (r in current) {
      patch[r] = null;
      delete current[r];
    }
  }
  obj.metadata[field] = current;
  if (opts.resourceVersion) obj.metadata.resourceVersion = opts.resourceVersion;
  const after = compactJSON(obj);
  let out: KObject = obj;
  if (server) {
    // v1.32 sends the merge patch even when it is empty, as annotate does.
    const metadata: Record<string, unknown> = {};
    if (Object.keys(patch).length || item.object.metadata[field] === undefined) metadata[field] = patch;
    if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
    const r = await ctx.client.patch(item.info, item.namespace, item.name, 'merge', Object.keys(metadata).length ? { metadata } : {}, {
      dryRun: dryRun === 'server',
      fieldManager: what === 'label' ? 'kubectl-label' : 'kubectl-annotate',
      fieldValidation: 'Strict',
    });
    printServerWarnings(io, r.warnings);
    // label prints the object it changed; annotate the server's answer.
    if (what === 'annotation') out = r.object;
  }
  if (opts.list) {
    let indent = '';
    if (!single) {
      indent = ' ';
      io.out(`Listing ${field} for ${item.object.kind}.${item.info.group}/${item.name}:\n`);
    }
    for (const [k, val] of Object.entries(out.metadata[field] ?? {})) io.out(`${indent}${k}=${val}\n`);
    return;
  }
  const suffix = dryRunSuffix(dryRun);
  if (printer) printer(out, io.out);
  else {
    // label.go (v1.32) updateDataChangeMsg: the object's JSON before and after.
    const msg = what === 'annotation' ? 'annotated' : before === after ? 'not labeled' : !opts.overwrite && after.length < before.length ? 'unlabeled' : 'labeled';
    io.out(`${kindGroup(item.info)}/${item.name} ${msg}${suffix}\n`);
  }
}

/** encoding/json.Marshal of an unstructured object: keys sorted, no spaces. */
function compactJSON(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])])) : x;
  return JSON.stringify(sort(v));
}
