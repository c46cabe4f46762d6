// `kjob replace -f FILE` and `replace --force -f FILE`: kubectl's replace.go. Each object of the
// files is PUT as it is (with the live resourceVersion when the file has none, as the resource
// helper's Replace(overwrite=true) does); with --force each is deleted, waited for and created
// again: the way to rerun a Job with a changed template, which an update may not change.
import { namespaceMismatch } from './args.js';
import { printServerWarnings } from './global_flags.js';
import { flagValue, durationFlagMs } from './option_values.js';
import { parseGoInt } from '../util/go.js';
import type { KObject } from '../api/types.js';
import { mapManifest } from './mapper.js';
import { loadManifestsWithURLs } from './urls.js';
import { kindGroup, groupResource, type ResourceInfo } from '../api/resources.js';
import { UserError, StatusError, aggregateMessage } from '../errors.js';
import { validationDirective } from '../apiserver/decode.js';
import { checkKind } from './validate_kind.js';
import { objectPrinter, type ObjectOutputOptions } from './object_output.js';
import { withSource, withLastApplied } from './apply.js';
import type { Context } from './context.js';
import { dryRunSuffix, type DryRun } from './dry_run.js';
import { readStdin, type IO } from './io.js';

export interface ReplaceOptions extends ObjectOutputOptions {
  filenames: string[];
  recursive?: boolean;
  force?: boolean;
  gracePeriod?: string;
  cascade?: string | boolean;
  timeout?: string;
  wait?: boolean;
  dryRun?: DryRun;
  validate?: string | boolean;
  saveConfig?: boolean;
}

interface Doc {
  info: ResourceInfo;
  namespace?: string;
  name: string;
  manifest: KObject;
  source: string;
}

export async function replace(ctx: Context, opts: ReplaceOptions, io: IO): Promise<number> {
  const dryRun = opts.dryRun ?? 'none';
  let grace = flagValue('--grace-period', opts.gracePeriod, (v) => Number(parseGoInt(v)), 'kjob replace') ?? -1;
  if (grace === 0) grace = 1; // kubectl turns --grace-period=0 into 1 and waits
  // pflag reads --timeout with the other flags, before anything is deleted.
  const timeoutMs = durationFlagMs('--timeout', opts.timeout, 'kjob replace') || 5 * 60_000;
  // kubectl's Complete: the validation directive, then the printer; its Validate's checks after.
  const validation = validationDirective(opts.validate);
  const printer = await objectPrinter(opts);
  if (opts.filenames.length === 0) throw new UserError('error: must specify one of -f and -k');
  if (opts.gracePeriod !== undefined && Number(opts.gracePeriod) >= 0 && !opts.force) throw new UserError('error: --grace-period must have --force specified');
  if (opts.timeout !== undefined && opts.timeout !== '0s' && opts.timeout !== '0' && !opts.force) throw new UserError('error: --timeout must have --force specified');
  if (opts.force && dryRun !== 'none') throw new UserError('error: --dry-run can not be used when --force is set');

  const stdinText = opts.filenames.includes('-') ? await readStdin() : '';
  const { docs: raw, errors: loadErrors } = await loadManifestsWithURLs(opts.filenames, { readStdin: () => stdinText, recursive: opts.recursive });
  const errors: string[] = loadErrors.map((e) => e.message);
  const docs: Doc[] = [];
  for (const d of raw) {
    try {
      if (validation !== 'Ignore') checkKind(d.object, d.source);
      const info = mapManifest(d.object, d.source, d.fromList);
      const manifest = structuredClone(d.object) as KObject;
      manifest.metadata ??= {} as KObject['metadata'];
      let namespace: string | undefined;
      if (info.namespaced) {
        const own = manifest.metadata.namespace;
        if (own && ctx.explicitNamespace && own !== ctx.namespace) {
          throw new UserError(namespaceMismatch(own, ctx.namespace));
        }
        namespace = own || ctx.namespace;
        manifest.metadata.namespace = namespace;
      }
      docs.push({ info, namespace, name: String(manifest.metadata.name ?? ''), manifest: opts.saveConfig ? withLastApplied(manifest) : manifest, source: d.source });
    } catch (e) {
      errors.push(message(e));
    }
  }
  const suffix = dryRunSuffix(dryRun);
  // One printer for all the objects, as kubectl's: its YAML separates each from the one before.
  let printed = 0;
  const print = (obj: KObject, info: ResourceInfo, name: string) => {
    if (!printer) return io.out(`${kindGroup(info)}/${name} replaced${suffix}\n`);
    if (printer.format === 'yaml' && printed++ > 0) io.out('---\n');
    printer(obj, io.out);
  };

  if (!opts.force) {
    for (const d of docs) {
      try {
        if (dryRun === 'client') {
          print(d.manifest, d.info, d.name);
          continue;
        }
        const body = structuredClone(d.manifest);
        if (!body.metadata.resourceVersion) {
          try {
            body.metadata.resourceVersion = (await ctx.client.get(d.info, d.namespace, d.name)).metadata.resourceVersion;
          } catch (e) {
            throw e instanceof StatusError ? withSource(e, 'replacing', d.source) : e;
          }
        }
        let r;
        try {
          r = await ctx.client.update(d.info, d.namespace, d.name, body, { fieldValidation: validation, dryRun: dryRun === 'server', fieldManager: 'kubectl-replace' });
        } catch (e) {
          throw e instanceof StatusError ? withSource(e, 'replacing', d.source) : e;
        }
        printServerWarnings(io, r.warnings);
        print(r.object, d.info, d.name);
      } catch (e) {
        errors.push(message(e));
      }
    }
  } else {
    // DeleteResult (not found ignored), then wait until each is gone, then create.
    const cascade = opts.cascade === undefined || opts.cascade === true || opts.cascade === 'background' || opts.cascade === 'true' ? 'Background' : opts.cascade === 'foreground' ? 'Foreground' : 'Orphan';
    const deleted: { d: Doc; uid?: string }[] = [];
    for (const d of docs) {
      try {
        const res = await ctx.client.delete(d.info, d.namespace, d.name, { propagationPolicy: cascade, gracePeriodSeconds: grace >= 0 && d.info.kind === 'Pod' ? grace : undefined });
        printServerWarnings(io, res.warnings);
        io.out(opts.output === 'name' ? `${kindGroup(d.info)}/${d.name}\n` : `${kindGroup(d.info)} "${d.name}" deleted\n`);
        deleted.push({ d, uid: res.object.metadata?.uid });
      } catch (e) {
        if (e instanceof StatusError && e.reason === 'NotFound') deleted.push({ d });
        else errors.push(message(e));
      }
    }
    const end = Date.now() + timeoutMs;
    for (const { d } of deleted) {
      for (;;) {
        try {
          await ctx.client.get(d.info, d.namespace, d.name);
        } catch (e) {
          if (e instanceof StatusError && e.reason === 'NotFound') break;
          throw e;
        }
        if (Date.now() > end) throw new UserError('error: timed out waiting for the condition');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    let count = 0;
    for (const d of docs) {
      try {
        const body = structuredClone(d.manifest);
        delete body.metadata.resourceVersion;
        const r = await ctx.client.create(d.info, d.namespace, body, { fieldValidation: validation, fieldManager: 'kubectl-replace' });
        printServerWarnings(io, r.warnings);
        count++;
        print(r.object, d.info, d.name);
      } catch (e) {
        errors.push(message(e));
      }
    }
    if (count === 0 && errors.length === 0) errors.push('error: no objects passed to replace');
  }
  if (errors.length) {
    io.err(aggregateMessage(errors));
    return 1;
  }
  if (docs.length === 0 && loadErrors.length === 0) throw new UserError('error: no objects passed to replace');
  return 0;
}

function message(e: unknown): string {
  if (e instanceof StatusError) return e.kubectlMessage();
  if (e instanceof UserError) return e.message;
  throw e;
}


void groupResource;
