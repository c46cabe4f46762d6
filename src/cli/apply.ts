// `kjob apply -f` and `kjob create -f`: read manifests, then for each object do what kubectl
// and the apiserver do together: default, validate, create or update, and say what happened.
import fs from 'node:fs';
import type { KObject } from '../api/types.js';
import { loadManifests } from '../api/manifests.js';
import { resolveKind } from '../api/manifests.js';
import { prepareCreate, prepareUpdate } from '../api/strategy.js';
import { groupResource, kindGroup, type ResourceInfo } from '../api/resources.js';
import { UserError, StatusError, notFound } from '../errors.js';
import { ensureDefaultServiceAccount, serviceAccountGetter } from '../controllers/serviceaccount/serviceaccounts_controller.js';
import { canonicalJSON, sortKeys } from '../util/canonical.js';
import { decodeTyped, decodeError, readable, validationDirective } from '../apiserver/decode.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ApplyOptions {
  files: string[];
  recursive?: boolean;
  dryRun?: 'none' | 'client' | 'server';
  /** --validate: strict|true (default), warn, ignore|false */
  validate?: string | boolean;
}

export async function applyOrCreate(ctx: Context, verb: 'apply' | 'create', opts: ApplyOptions, io: IO): Promise<number> {
  if (opts.files.length === 0) {
    throw new UserError(verb === 'apply' ? 'error: must specify one of -f and -k' : 'error: must specify one of -f and -k');
  }
  const validation = validationDirective(opts.validate);
  const { docs, errors: loadErrors } = loadManifests(opts.files, { readStdin: () => fs.readFileSync(0, 'utf8'), recursive: opts.recursive });
  const messages: string[] = loadErrors.map((e) => e.message);
  if (docs.length === 0 && loadErrors.length === 0) throw new UserError(`error: no objects passed to ${verb}`);
  const dry = opts.dryRun && opts.dryRun !== 'none' ? (opts.dryRun === 'client' ? ' (dry run)' : ' (server dry run)') : '';
  let wrote = false;
  for (const doc of docs) {
    try {
      const info = resolveKind(doc.object, doc.source);
      // The apiserver decodes the body into the kind's Go type first (types, unknown fields);
      // what it stores is the decoded object. The last-applied annotation is kubectl's copy of
      // the manifest as written.
      const raw = structuredClone(doc.object) as KObject;
      if (verb === 'apply') dropUnreadableAnnotations(raw);
      const decoded = decodeTyped(info.kind, raw, validation);
      if (decoded.error !== undefined) throw withSource(decodeError(info.kind, raw, decoded.error), 'creating', doc.source);
      for (const w of decoded.result!.warnings) io.err(`Warning: ${w}\n`);
      const manifest = decoded.result!.object as KObject;
      manifest.metadata ??= {};
      raw.metadata = isPlainObject(raw.metadata) ? raw.metadata : {};
      const ns = namespaceFor(ctx, info, manifest);
      if (ns !== undefined) manifest.metadata.namespace = raw.metadata.namespace = ns;
      if (info.kind === 'Event') throw new UserError(`error: kjob: events are written by the engine and cannot be created from "${doc.source}"`);
      const store = ctx.store;
      if (ns !== undefined && ns !== 'default' && !store.get('Namespace', undefined, ns)) {
        throw withSource(notFound('namespaces', ns), 'creating', doc.source);
      }
      // An object stored before decoding was strict is updated from its readable view.
      const stored = manifest.metadata.name ? store.get(info.kind, ns, manifest.metadata.name) : undefined;
      const existing = stored && (readable(info.kind, stored) as KObject);
      const label = `${kindGroup(info)}/${manifest.metadata.name ?? ''}`;
      if (verb === 'create' || !existing) {
        if (existing) throw withSource(new StatusError('AlreadyExists', `${groupResource(info)} "${manifest.metadata.name}" already exists`), 'creating', doc.source);
        if (verb === 'apply') setLastApplied(manifest, raw);
        // A client dry run never reaches the apiserver, so no admission plugin looks at it.
        let obj: KObject;
        try {
          obj = prepareCreate(info, manifest, opts.dryRun === 'client' ? {} : { serviceAccount: serviceAccountGetter(store) });
        } catch (e) {
          // cmdutil.AddSourceToErr (an Invalid error is printed from its causes, without it)
          throw e instanceof StatusError ? withSource(e, 'creating', doc.source) : e;
        }
        if (!dry) {
          store.create(obj);
          // The serviceaccounts controller gives a new namespace its "default" ServiceAccount.
          if (info.kind === 'Namespace') ensureDefaultServiceAccount(store, obj.metadata.name!);
          wrote = true;
        }
        io.out(`${label} created${dry}\n`);
        continue;
      }
      // apply to an existing object
      const lastApplied = lastAppliedOf(raw);
      const had = existing.metadata.annotations?.[LAST_APPLIED];
      if (had === undefined) {
        io.err(
          `Warning: resource ${info.resource}/${manifest.metadata.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
        );
      }
      if (had === lastApplied && !dry) {
        io.out(`${label} unchanged\n`);
        continue;
      }
      setLastApplied(manifest, raw);
      const updated = prepareUpdate(info, existing, manifest);
      if (dry) {
        io.out(`${label} configured${dry}\n`);
        continue;
      }
      if (canonicalJSON(updated) === canonicalJSON(existing)) {
        io.out(`${label} unchanged\n`);
        continue;
      }
      store.update(updated);
      wrote = true;
      io.out(`${label} configured\n`);
    } catch (e) {
      if (e instanceof StatusError) messages.push(e.kubectlMessage());
      else if (e instanceof UserError) messages.push(e.message);
      else throw e;
    }
  }
  if (wrote) await ctx.engine();
  if (messages.length > 0) {
    // An aggregate of several errors drops the "error: " prefix of each (kubectl checkErr).
    const lines = messages.length > 1 ? messages.map((m) => m.replace(/^error: /, '')) : messages;
    io.err(lines.join('\n') + '\n');
    return 1;
  }
  return 0;
}

function namespaceFor(ctx: Context, info: ResourceInfo, obj: KObject): string | undefined {
  if (!info.namespaced) return undefined;
  const own = obj.metadata.namespace;
  if (own && ctx.explicitNamespace && own !== ctx.namespace) {
    throw new UserError(
      `error: the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
    );
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

function setLastApplied(manifest: KObject, asWritten: KObject): void {
  const value = lastAppliedOf(asWritten);
  manifest.metadata.annotations = { ...(manifest.metadata.annotations ?? {}), [LAST_APPLIED]: value };
}

const isPlainObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** kubectl apply reads metadata.annotations as a map of strings (unstructured NestedStringMap);
 * anything else reads as none, and the annotations it writes back replace it. */
function dropUnreadableAnnotations(obj: KObject): void {
  const meta = obj.metadata as unknown;
  if (!isPlainObject(meta) || !('annotations' in meta)) return;
  const a = meta.annotations;
  if (!isPlainObject(a) || Object.values(a).some((v) => typeof v !== 'string')) meta.annotations = {};
}

/** cmdutil.AddSourceToErr: `error when creating "file": <message>`. */
function withSource(e: StatusError, verb: string, source: string): StatusError {
  return new StatusError(e.reason, `error when ${verb} "${source}": ${e.message}`, e.details);
}
