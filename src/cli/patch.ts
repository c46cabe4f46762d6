// `kjob patch TYPE NAME -p PATCH [--type strategic|merge|json]`: kubectl patch. The patch is
// parsed here (YAML or JSON, as kubectl reads -p) and sent to the apiserver, which applies it to
// the stored object, decodes and defaults the result and takes it through the update path
// (update validation, generation), retrying on conflicts itself.
import * as YAML from 'yaml';
import { GO_YAML_OPTIONS, unsupportedJSONValue } from '../api/manifests.js';
import { kindGroup } from '../api/resources.js';
import { UserError, aggregateMessage } from '../errors.js';
import { jsonKind } from '../util/go.js';
import type { PatchType } from '../apiserver/interface.js';
import { parseResourceArgs } from './args.js';
import { objectPrinterOnce, type ObjectOutputOptions } from './object_output.js';
import { errorText } from './builder.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface PatchOptions extends ObjectOutputOptions {
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
    patchDoc = YAML.parse(opts.patch, GO_YAML_OPTIONS);
  } catch (e) {
    throw new UserError(`error: unable to parse ${JSON.stringify(opts.patch)}: ${(e as Error).message.split('\n')[0]}`);
  }
  // .inf and .nan: the YAML reads, its conversion to JSON refuses them (yaml.ToJSON).
  const unsupported = unsupportedJSONValue(patchDoc);
  if (unsupported !== undefined) throw new UserError(`error: unable to parse ${JSON.stringify(opts.patch)}: json: unsupported value: ${unsupported}`);
  if (type === 'json' && !Array.isArray(patchDoc)) {
    throw new UserError(`error: unable to parse patch: json: cannot unmarshal ${jsonKind(patchDoc)} into Go value of type jsonpatch.Patch`);
  }
  const requests = parseResourceArgs(args);
  if (requests.some((req) => req.names.length === 0)) throw new UserError(`error: resource(s) were provided, but no name was specified`);
  // kubectl patch builds its printer for each object once it has patched it, so a bad -o or
  // template fails after the change. kjob builds it just before each write: the same error in the
  // same place, and nothing changed. Each object's error is said after the others are patched.
  const printer = objectPrinterOnce(opts);
  const errors: string[] = [];
  for (const req of requests) {
    for (const name of req.names) {
      try {
        const ns = req.info.namespaced ? ctx.namespace : undefined;
        const before = await ctx.client.get(req.info, ns, name);
        const print = await printer();
        // kubectl patch sends no fieldValidation: the apiserver's default is to warn about unknown fields.
        const r = await ctx.client.patch(req.info, ns, name, type as PatchType, patchDoc, { fieldValidation: 'Warn', fieldManager: 'kubectl-patch' });
        for (const w of r.warnings) io.err(`Warning: ${w}\n`);
        if (print) print(r.object, io.out);
        else io.out(`${kindGroup(req.info)}/${name} patched${r.object.metadata.resourceVersion === before.metadata.resourceVersion ? ' (no change)' : ''}\n`);
      } catch (e) {
        errors.push(errorText(e));
      }
    }
  }
  if (errors.length) {
    io.err(aggregateMessage(errors));
    return 1;
  }
  return 0;
}
