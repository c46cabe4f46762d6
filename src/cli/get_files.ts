// `kjob get -f FILE|DIR|URL|-`: kubectl's resource builder with filenames (FilenameParam): the
// objects the manifests name, looked up on the server and printed as `get TYPE/NAME ...` prints
// them. Errors reading the manifests are said on stderr, as the builder aggregates them.
import { mapManifest } from './mapper.js';
import { UserError, aggregateMessage } from '../errors.js';
import type { Context } from './context.js';
import { readStdin } from './io.js';
import { loadManifestsWithURLs } from './urls.js';
import { refuseResourceArgsWithPaths } from './args.js';
import { selectorOfFlag } from './builder.js';
import type { GetOptions } from './get.js';

/** TYPE/NAME arguments for the objects of the files, and the errors met reading them. */
export async function argsFromFiles(ctx: Context, files: string[], recursive: boolean): Promise<{ args: string[]; namespace?: string; errors: string[] }> {
  const stdinText = files.includes('-') ? await readStdin() : '';
  const { docs, errors } = await loadManifestsWithURLs(files, { readStdin: () => stdinText, recursive });
  const messages = errors.map((e) => e.message);
  const args: string[] = [];
  let namespace: string | undefined;
  for (const d of docs) {
    try {
      const info = mapManifest(d.object, d.source, d.fromList);
      const ns = d.object.metadata?.namespace as string | undefined;
      if (info.namespaced && ns) {
        if (ctx.explicitNamespace && ns !== ctx.namespace) {
          throw new UserError(`error: the namespace from the provided object "${ns}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${ns}' to perform this operation.`);
        }
        namespace ??= ns;
      }
      const group = info.group ? `.${info.group}` : '';
      args.push(`${info.resource}${group}/${d.object.metadata?.name ?? ''}`);
    } catch (e) {
      if (e instanceof UserError) messages.push(e.message);
      else throw e;
    }
  }
  return { args, namespace, errors: messages };
}

/**
 * The arguments `get` runs with: its own, or with -f those of the files (errors said on io, and
 * `failed` set, as kubectl prints what it found and exits 1).
 */
export async function getArgs(
  ctx: Context,
  args: string[],
  files: string[] | undefined,
  recursive: boolean,
  selector: string | undefined,
  err: (s: string) => void,
): Promise<{ args: string[]; failed: boolean; fromFiles?: GetOptions['fromFiles'] }> {
  if (!files?.length) return { args, failed: false };
  refuseResourceArgsWithPaths(args);
  // -l filters what the files name (visitByPaths), a bad one refused before any file is read.
  const fromFiles = { paths: files.length, selector: selector === undefined ? undefined : selectorOfFlag(selector) };
  const r = await argsFromFiles(ctx, files, recursive);
  // the objects' namespace when the command named none (the builder's DefaultNamespace)
  if (r.namespace && !ctx.explicitNamespace) (ctx as { namespace: string }).namespace = r.namespace;
  // What the visitor meets reading a file comes back in get's aggregate, without "error: " (and
  // a YAML error as kubectl's StandardErrorMessage words it); what the builder refuses keeps it.
  const visited = (m: string) => m.replace(/^error: unable to decode /, 'unable to decode ').replace(/^error: error parsing /, 'Error parsing ');
  const messages = r.errors.map(visited);
  if (messages.length) err(aggregateMessage(messages));
  return { args: r.args, failed: r.errors.length > 0, fromFiles };
}
