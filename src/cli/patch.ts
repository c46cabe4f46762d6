// `kjob patch (-f FILE | TYPE NAME) (-p PATCH | --patch-file FILE) [--type strategic|merge|json]`:
// kubectl patch. The patch is read here (YAML or JSON, as kubectl reads it) and sent to the
// apiserver, which applies it to the stored object, decodes and defaults the result and takes it
// through the update path (update validation, generation), retrying on conflicts itself. With
// --dry-run=client or --local it is applied here instead, to the object as it is now or as the
// file has it (patch.go getPatchedJSON), and only printed.
import { printServerWarnings } from './global_flags.js';
import fs from 'node:fs';
import * as YAML from 'yaml';
import { GO_YAML_OPTIONS, unsupportedJSONValue } from '../api/manifests.js';
import { kindGroup } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { UserError, aggregateMessage } from '../errors.js';
import { goErrnoText } from '../util/go.js';
import type { PatchType } from '../apiserver/interface.js';
import { applyJSONPatch, JSONPatchError } from '../api/patch/json.js';
import { jsonMergePatch } from '../api/patch/merge.js';
import { strategicMergePatch, PatchError } from '../api/patch/strategic.js';
import { patchMetaForKind } from '../api/patch/meta.js';
import { asJSONMap, deepEqual, type JSONMap } from '../api/patch/gofmt.js';
import { objectPrinterOnce, type ObjectOutputOptions } from './object_output.js';
import { builderObject, errorText, visit, type Info } from './builder.js';
import { NO_RESOURCES } from './args.js';
import type { DryRun } from './dry_run.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface PatchOptions extends ObjectOutputOptions {
  patch?: string;
  patchFile?: string;
  type?: string;
  filenames?: string[];
  recursive?: boolean;
  local?: boolean;
  dryRun?: DryRun;
  fieldManager?: string;
}

const PATCH_TYPES = ['json', 'merge', 'strategic'];

/** PatchOptions.Validate, in its order. */
function validate(args: string[], opts: PatchOptions): void {
  if (opts.patch && opts.patchFile) throw new UserError('error: cannot specify --patch and --patch-file together');
  if (!opts.patch && !opts.patchFile) throw new UserError('error: must specify --patch or --patch-file containing the contents of the patch');
  if (opts.local && args.length !== 0) throw new UserError('error: cannot specify --local and server resources');
  if (opts.local && opts.dryRun === 'server') throw new UserError('error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?');
  if (opts.type !== undefined && opts.type !== '' && !PATCH_TYPES.includes(opts.type.toLowerCase())) {
    throw new UserError(`error: --type must be one of [${PATCH_TYPES.join(' ')}], not ${JSON.stringify(opts.type)}`);
  }
}

/** The patch as JSON (yaml.ToJSON of -p or of --patch-file's bytes); errors quote -p, as kubectl's do, even for a file. */
function readPatch(opts: PatchOptions): unknown {
  let text = opts.patch ?? '';
  if (opts.patchFile) {
    try {
      text = fs.readFileSync(opts.patchFile, 'utf8');
    } catch (e) {
      throw new UserError(`error: unable to read patch file: open ${opts.patchFile}: ${goErrnoText(e)}`);
    }
  }
  const quoted = JSON.stringify(opts.patch ?? '');
  let doc: unknown;
  try {
    doc = YAML.parse(text, GO_YAML_OPTIONS);
  } catch (e) {
    throw new UserError(`error: unable to parse ${quoted}: ${(e as Error).message.split('\n')[0]}`);
  }
  // .inf and .nan: the YAML reads, its conversion to JSON refuses them (yaml.ToJSON).
  const unsupported = unsupportedJSONValue(doc);
  if (unsupported !== undefined) throw new UserError(`error: unable to parse ${quoted}: json: unsupported value: ${unsupported}`);
  // A JSON patch that is not a list of operations is refused where it is applied (DecodePatch):
  // the apiserver's BadRequest, or kubectl's own error with --local.
  return doc;
}

/** getPatchedJSON: the patch applied here, with the errors of the libraries kubectl applies it with. */
function patchedLocally(object: KObject, type: PatchType, patch: unknown): unknown {
  try {
    if (type === 'json') return applyJSONPatch(object, patch);
    if (type === 'merge') return jsonMergePatch(structuredClone(object), patch);
    return strategicMergePatch(asJSONMap(structuredClone(object)), patch as JSONMap, patchMetaForKind(object.kind));
  } catch (e) {
    if (e instanceof JSONPatchError) {
      // getPatchedJSON's own words for a replace whose key is missing.
      const at = e.message.indexOf('key:');
      if (e.message.includes('doc is missing key')) throw new UserError(`error: Object to be patched is missing field (${e.message.slice(at + 5)})`);
      throw new UserError(`error: ${e.message}`);
    }
    if (e instanceof PatchError) throw new UserError(`error: ${e.message}`);
    throw e;
  }
}

export async function patch(ctx: Context, args: string[], opts: PatchOptions, io: IO): Promise<number> {
  validate(args, opts);
  const type = (opts.type || 'strategic').toLowerCase() as PatchType;
  const patchDoc = readPatch(opts);
  const filenames = opts.filenames ?? [];
  if (args.length === 0 && filenames.length === 0) {
    throw new UserError(NO_RESOURCES);
  }
  // kubectl's builder reads a file's objects without fetching them (the patch's NotFound says it).
  const v = await visit(ctx, args, { filenames, recursive: opts.recursive, local: true });
  // kubectl patch builds its printer for each object once it has patched it, so a bad -o or
  // template fails after the change. kjob builds it just before each write: the same error in the
  // same place, and nothing changed. Each object's error is said after the others are patched.
  const printer = objectPrinterOnce(opts);
  const errors: string[] = [];
  let count = 0;
  for (const item of v.items) {
    try {
      if ('error' in item) throw item.error;
      count++;
      const { patched, changed } = await patchOne(ctx, item, type, patchDoc, opts, io, printer);
      const print = await printer();
      if (print) print(patched, io.out);
      // No " (dry run)": kubectl's printer for each object takes its operation afresh, dropping the
      // suffix PrintFlagsWithDryRunStrategy gave it.
      else io.out(`${kindGroup(item.info)}/${item.name} patched${changed ? '' : ' (no change)'}\n`);
    } catch (e) {
      errors.push(errorText(e));
    }
  }
  if (errors.length) {
    io.err(aggregateMessage(errors));
    return 1;
  }
  if (count === 0) throw new UserError('error: no objects passed to patch');
  return 0;
}

/** One object patched: by the apiserver, or here (--local, --dry-run=client); whether it changed. */
async function patchOne(
  ctx: Context,
  item: Info,
  type: PatchType,
  patchDoc: unknown,
  opts: PatchOptions,
  io: IO,
  printer: ReturnType<typeof objectPrinterOnce>,
): Promise<{ patched: KObject; changed: boolean }> {
  // The object as the builder gave it, which is what a local patch patches and what "no change"
  // compares with; with --local as the file has it (its mapping is not the server's and knows no
  // scopes, so no namespace is set).
  const before = opts.local ? (item.manifest ?? item.object) : builderObject(item);
  if (opts.local || opts.dryRun === 'client') {
    const patched = patchedLocally(before, type, patchDoc) as KObject;
    return { patched, changed: !deepEqual(before, patched) };
  }
  await printer();
  // kubectl patch sends no fieldValidation: the apiserver's default is to warn about unknown fields.
  const r = await ctx.client.patch(item.info, item.namespace, item.name, type, patchDoc, {
    fieldValidation: 'Warn',
    fieldManager: opts.fieldManager ?? 'kubectl-patch',
    dryRun: opts.dryRun === 'server',
  });
  printServerWarnings(io, r.warnings);
  return { patched: r.object, changed: !deepEqual(before, r.object) };
}
