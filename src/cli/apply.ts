// `kjob apply -f` and `kjob create -f`: read manifests, then for each object do what kubectl does
// (cmd/apply/apply.go, patcher.go; cmd/create/create.go) against the apiserver:
//  - create: POST the object (create with --save-config semantics for apply: the
//    kubectl.kubernetes.io/last-applied-configuration annotation);
//  - apply to an existing object: the three-way strategic merge patch from the last-applied
//    configuration (original), the manifest (modified) and the live object (current), sent as a
//    PATCH; `{}` means unchanged. So fields a `kjob patch` set survive an apply that does not
//    mention them, and fields the manifest no longer has are removed.
import { namespaceMismatch } from './args.js';
import { printServerWarnings } from './global_flags.js';
import { checkKind } from './validate_kind.js';
import type { KObject } from '../api/types.js';
import { mapManifest } from './mapper.js';
import { loadManifestsWithURLs } from './urls.js';
import { kindGroup, type ResourceInfo } from '../api/resources.js';
import { UserError, StatusError, aggregateMessage } from '../errors.js';
import { sortKeys } from '../util/canonical.js';
import { validationDirective } from '../apiserver/decode.js';
import { createThreeWayMergePatch, PatchError } from '../api/patch/strategic.js';
import { patchMetaForKind } from '../api/patch/meta.js';
import { asJSONMap, type JSONMap } from '../api/patch/gofmt.js';
import { ensureDefaultServiceAccount } from '../controllers/serviceaccount/serviceaccounts_controller.js';
import type { Context } from './context.js';
import { readStdin, type IO } from './io.js';
import { dryRunSuffix, type DryRun } from './dry_run.js';
import type { GenericPrinter } from '../printers/generic.js';
import { objectPrinter } from './object_output.js';
import { toJSONAsGiven } from '../printers/output.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ApplyOptions {
  files: string[];
  recursive?: boolean;
  dryRun?: DryRun;
  /** --validate: strict|true (default), warn, ignore|false */
  validate?: string | boolean;
  /** --server-side: not supported (refused) */
  serverSide?: boolean;
  /** create's --field-manager (default kubectl-create); apply's is kubectl-client-side-apply */
  fieldManager?: string;
  /** create's --save-config: the last-applied annotation, as apply would write it */
  saveConfig?: boolean;
  /** -o: name, json, yaml, jsonpath or a Go template (--template) */
  output?: string;
  template?: string;
  /** --allow-missing-template-keys (default true) */
  allowMissingTemplateKeys?: boolean;
  /** Told of each object applied (not in a dry run): `apply --wait` waits for the Jobs among them. */
  onApplied?: (info: ResourceInfo, name: string) => void;
}

export async function applyOrCreate(ctx: Context, verb: 'apply' | 'create', opts: ApplyOptions, io: IO): Promise<number> {
  if (opts.files.length === 0) throw new UserError('error: must specify one of -f and -k');
  if (verb === 'apply' && opts.serverSide) {
    throw new UserError('error: kjob: server-side apply (--server-side) is not supported; client-side apply (the default) keeps the last-applied configuration as kubectl does');
  }
  // kubectl apply finds out that it cannot print only once it has applied; kjob refuses first, as
  // kubectl create does, so that a bad -o changes nothing. -o name is printed here, per object.
  const objects = await objectPrinter(opts);
  const fmt = objects?.format ?? '';
  const printer = fmt !== 'name' ? objects : undefined;
  const validation = validationDirective(opts.validate);
  const stdinText = opts.files.includes('-') ? await readStdin() : '';
  const { docs, errors: loadErrors } = await loadManifestsWithURLs(opts.files, { readStdin: () => stdinText, recursive: opts.recursive });
  const messages: string[] = loadErrors.map((e) => e.message);
  if (docs.length === 0 && loadErrors.length === 0) throw new UserError(`error: no objects passed to ${verb}`);
  const dryRun = opts.dryRun && opts.dryRun !== 'none' ? opts.dryRun : undefined;
  const suffix = dryRunSuffix(dryRun);
  const results: KObject[] = [];
  for (const doc of docs) {
    try {
      if (validation !== 'Ignore') checkKind(doc.object, doc.source);
      const info = mapManifest(doc.object, doc.source, doc.fromList);
      const manifest = structuredClone(doc.object) as KObject;
      if (verb === 'apply') dropUnreadableAnnotations(manifest);
      manifest.metadata = isPlainObject(manifest.metadata) ? manifest.metadata : ({} as KObject['metadata']);
      const ns = namespaceFor(ctx, info, manifest);
      if (ns !== undefined) manifest.metadata.namespace = ns;
      if (info.kind === 'Event') throw new UserError(`error: kjob: events are written by the engine and cannot be created from "${doc.source}"`);
      const name = typeof manifest.metadata.name === 'string' ? manifest.metadata.name : '';
      const r =
        verb === 'create'
          ? await createOne(ctx, info, opts.saveConfig ? withLastApplied(manifest) : manifest, doc.source, validation, dryRun, opts.fieldManager ?? 'kubectl-create', io)
          : await applyOne(ctx, info, manifest, name, doc.source, validation, dryRun, io);
      if (!dryRun) opts.onApplied?.(info, r.name);
      if (fmt === 'name') io.out(`${kindGroup(info)}/${r.name}\n`);
      else if (!printer) io.out(`${kindGroup(info)}/${r.name} ${r.verb}${suffix}\n`);
      else if (verb === 'create') printCreated(printer, fmt, r.object, results.length, io);
      results.push(r.object);
    } catch (e) {
      if (e instanceof StatusError) messages.push(e.kubectlMessage());
      else if (e instanceof UserError) messages.push(e.message);
      else throw e;
    }
  }
  if (messages.length > 0) {
    io.err(aggregateMessage(messages));
    return 1;
  }
  if (printer && verb === 'apply') printApplied(printer, fmt, results, io);
  return 0;
}

/**
 * kubectl create prints each object as it is created (YAML documents after the first behind
 * `---`, JSON objects one after another).
 */
function printCreated(printer: GenericPrinter, fmt: string, obj: KObject, printedBefore: number, io: IO): void {
  if (fmt === 'yaml' && printedBefore > 0) io.out('---\n');
  printer(obj, io.out);
}

/**
 * kubectl apply (printObjects) prints once every object is applied, and only if none failed: one
 * object as it is, several as a v1 List (a typed corev1.List, so its JSON has the struct's field
 * order: kind, apiVersion, metadata, items).
 */
function printApplied(printer: GenericPrinter, fmt: string, objs: KObject[], io: IO): void {
  if (objs.length === 0) return;
  if (objs.length === 1) return printer(objs[0], io.out);
  const list = { kind: 'List', apiVersion: 'v1', metadata: {}, items: objs.map((o) => sortKeys(o)) };
  if (fmt === 'json') io.out(toJSONAsGiven(list));
  else printer(list, io.out);
}

interface Outcome {
  name: string;
  verb: 'created' | 'configured' | 'unchanged';
  /** What kubectl prints for -o: the object the server returned, or for a client dry run the manifest (the live object for one that exists). */
  object: KObject;
}

/** `kubectl create -f`: POST the manifest as it is. */
async function createOne(
  ctx: Context,
  info: ResourceInfo,
  manifest: KObject,
  source: string,
  validation: ReturnType<typeof validationDirective>,
  dryRun: string | undefined,
  fieldManager: string,
  io: IO,
): Promise<Outcome> {
  const name = String(manifest.metadata.name ?? '');
  if (dryRun === 'client') return { name, verb: 'created', object: manifest };
  const res = await post(ctx, info, manifest, source, validation, dryRun === 'server', fieldManager, io);
  return { name: res.metadata.name!, verb: 'created', object: res };
}

/** applyOneObject: create with the last-applied annotation, or the three-way patch. */
async function applyOne(
  ctx: Context,
  info: ResourceInfo,
  manifest: KObject,
  name: string,
  source: string,
  validation: ReturnType<typeof validationDirective>,
  dryRun: string | undefined,
  io: IO,
): Promise<Outcome> {
  if (!name) {
    const gen = manifest.metadata.generateName;
    if (typeof gen === 'string' && gen) throw new UserError(`error: from ${gen}: cannot use generate name with apply`);
    throw new UserError(
      `error: error when retrieving current configuration of:\n${infoString(info, '', manifest.metadata.namespace)}\nfrom server for: "${source}": resource name may not be empty`,
    );
  }
  // GetModifiedConfiguration: the manifest with its own serialization as the annotation.
  const modified = withLastApplied(manifest);
  let current: KObject | undefined;
  try {
    current = await ctx.client.get(info, manifest.metadata.namespace, name);
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
  }
  if (!current) {
    if (dryRun === 'client') return { name, verb: 'created', object: modified };
    const created = await post(ctx, info, modified, source, validation, dryRun === 'server', 'kubectl-client-side-apply', io);
    return { name, verb: 'created', object: created };
  }
  // A client dry run computes nothing: kubectl says "configured (dry run)".
  if (dryRun === 'client') return { name, verb: 'configured', object: current };
  if (current.metadata.annotations?.[LAST_APPLIED] === undefined) {
    io.err(
      `Warning: resource ${info.resource}/${name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
    );
  }
  let patch: JSONMap;
  try {
    patch = applyPatchFor(info, manifest, current);
  } catch (e) {
    if (!(e instanceof PatchError)) throw e;
    const text = (v: unknown) => JSON.stringify(v);
    throw new UserError(
      `error: error when creating patch with:\noriginal:\n${text(parseLastApplied(current))}\nmodified:\n${text(modified)}\ncurrent:\n${text(current)}\nfor: "${source}": ${e.message}`,
    );
  }
  const patchText = JSON.stringify(sortKeys(patch));
  if (patchText === '{}') return { name, verb: 'unchanged', object: current };
  let patched: KObject;
  try {
    const r = await ctx.client.patch(info, manifest.metadata.namespace, name, 'strategic', patch, { fieldValidation: validation, dryRun: dryRun === 'server', fieldManager: 'kubectl-client-side-apply' });
    printServerWarnings(io, r.warnings);
    patched = r.object;
  } catch (e) {
    // cmdutil.AddSourceToErr (an Invalid error is printed from its causes, without it)
    if (e instanceof StatusError) {
      throw withSource(e, `applying patch:\n${patchText}\nto:\n${infoString(info, name, manifest.metadata.namespace)}\nfor:`, source);
    }
    throw e;
  }
  return { name, verb: 'configured', object: patched };
}

/**
 * The patch kubectl apply sends for this manifest against the live object: the three-way
 * strategic merge patch from the last-applied configuration (original), the manifest with its
 * own annotation (modified) and the live object (current). `{}` means unchanged.
 */
export function applyPatchFor(info: ResourceInfo, manifest: KObject, current: KObject): JSONMap {
  return createThreeWayMergePatch(parseLastApplied(current), asJSONMap(withLastApplied(manifest)), asJSONMap(current), patchMetaForKind(info.kind));
}

/** POST, with the "creating" source on errors; prints the apiserver's warnings. */
async function post(
  ctx: Context,
  info: ResourceInfo,
  obj: KObject,
  source: string,
  validation: ReturnType<typeof validationDirective>,
  dryRun: boolean,
  fieldManager: string,
  io: IO,
): Promise<KObject> {
  let created: KObject;
  try {
    const r = await ctx.client.create(info, obj.metadata.namespace, obj, { fieldValidation: validation, dryRun, fieldManager });
    printServerWarnings(io, r.warnings);
    created = r.object;
  } catch (e) {
    throw e instanceof StatusError ? withSource(e, 'creating', source) : e;
  }
  if (!dryRun) namespaceCreated(ctx, info, created);
  return created;
}

/**
 * The serviceaccounts controller's part in a namespace's creation, done by the command that
 * created it: the namespace's "default" ServiceAccount is there when the command returns, as a
 * cluster's own controller soon makes it there.
 */
export function namespaceCreated(ctx: Context, info: ResourceInfo, created: KObject): void {
  if (info.kind === 'Namespace' && !ctx.cluster) ensureDefaultServiceAccount(ctx.api, created.metadata.name!);
}

function namespaceFor(ctx: Context, info: ResourceInfo, obj: KObject): string | undefined {
  if (!info.namespaced) return undefined;
  const own = typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : '';
  if (own && ctx.explicitNamespace && own !== ctx.namespace) {
    throw new UserError(namespaceMismatch(own, ctx.namespace));
  }
  return own || ctx.namespace;
}

/** kubectl's annotation: the manifest as sent, without the annotation itself, as compact sorted JSON. */
function lastAppliedOf(manifest: KObject): string {
  const copy = structuredClone(manifest);
  copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}) };
  delete copy.metadata.annotations[LAST_APPLIED];
  return JSON.stringify(sortKeys(copy)) + '\n';
}

/** GetModifiedConfiguration(obj, annotate=true): the manifest carrying its own last-applied annotation. */
export function withLastApplied(manifest: KObject): KObject {
  const out = structuredClone(manifest);
  out.metadata.annotations = { ...(out.metadata.annotations ?? {}), [LAST_APPLIED]: lastAppliedOf(manifest) };
  return JSON.parse(JSON.stringify(sortKeys(out))) as KObject;
}

/** GetOriginalConfiguration: the live object's annotation, as a map ({} when there is none). */
function parseLastApplied(current: KObject): JSONMap {
  const raw = current.metadata.annotations?.[LAST_APPLIED];
  if (!raw) return {};
  try {
    const v = JSON.parse(raw);
    return isPlainObject(v) ? (v as JSONMap) : {};
  } catch {
    return {};
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** kubectl apply reads metadata.annotations as a map of strings (unstructured NestedStringMap);
 * anything else reads as none, and the annotations it writes back replace it. */
function dropUnreadableAnnotations(obj: KObject): void {
  const meta = obj.metadata as unknown;
  if (!isPlainObject(meta) || !('annotations' in meta)) return;
  const a = meta.annotations;
  if (!isPlainObject(a) || Object.values(a).some((v) => typeof v !== 'string')) meta.annotations = {};
}

/** resource.Info.String(): the mapping and the name, as kubectl's errors quote them. */
function infoString(info: ResourceInfo, name: string, namespace: string | undefined): string {
  const gv = info.group ? `${info.group}/${info.version}` : `/${info.version}`;
  return `Resource: "${gv}, Resource=${info.resource}", GroupVersionKind: "${gv}, Kind=${info.kind}"\nName: "${name}", Namespace: "${namespace ?? ''}"`;
}

/** cmdutil.AddSourceToErr: `error when <verb> "<file>": <message>`. */
export function withSource(e: StatusError, verb: string, source: string): StatusError {
  return new StatusError(e.reason, `error when ${verb} "${source}": ${e.message}`, e.details);
}
