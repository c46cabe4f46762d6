// `kjob explain RESOURCE[.FIELD...]`: kubectl v1.32's explain (OpenAPI v3, plaintext template),
// over the API documentation kjob carries (src/printers/explain.ts); --recursive, --api-version.
import { resolveResource } from '../api/resources.js';
import { UserError } from '../errors.js';
import { explain, ExplainError } from '../printers/explain.js';
import type { IO } from './io.js';

export interface ExplainOptions {
  recursive?: boolean;
  apiVersion?: string;
  output?: string;
}

export async function explainCommand(args: string[], opts: ExplainOptions, io: IO): Promise<number> {
  if (args.length === 0) throw new UserError('error: You must specify the type of resource to explain. Use "kjob api-resources" for a complete list of supported resources.');
  if (args.length > 1) throw new UserError('error: We accept only this format: explain RESOURCE');
  const output = (opts.output ?? 'plaintext').replace(/^=/, '');
  if (output !== 'plaintext' && output !== 'plaintext-openapiv2') throw new UserError(`error: unrecognized format: ${output}`);
  const [resource, ...fieldPath] = args[0].split('.');
  const info = resolveResource(resource);
  // the RESTMapper's error, which kubectl prints as it is
  if (!info) throw new UserError(`the server doesn't have a resource type "${resource}"`);
  let group = info.group;
  let version = info.version;
  if (opts.apiVersion) {
    const av = opts.apiVersion.replace(/^=/, '');
    const parts = av.split('/');
    if (parts.length > 2) throw new UserError(`error: unexpected GroupVersion string: ${av}`);
    [group, version] = parts.length === 2 ? parts : ['', parts[0]];
    if (group !== info.group || version !== info.version) {
      throw new UserError(`error: couldn't find resource for "${group}/${version}, Resource=${info.resource}"`);
    }
  }
  try {
    io.out(explain({ gvk: { group, version, kind: info.kind }, fieldPath, recursive: !!opts.recursive }));
  } catch (e) {
    if (e instanceof ExplainError) {
      io.out((e as ExplainError & { partial?: string }).partial ?? '');
      throw new UserError(e.message);
    }
    throw e;
  }
  return 0;
}
