// `kjob get -f FILE|DIR|URL|-`: kubectl's resource builder with filenames (FilenameParam): the
// objects the manifests name, each looked up in its own namespace and printed as `get TYPE/NAME
// ...` prints them. Errors reading the manifests are said on stderr, as the builder aggregates them.
import { mapManifest } from './mapper.js';
import { UserError, aggregateMessage } from '../errors.js';
import type { Context } from './context.js';
import { readStdin } from './io.js';
import { loadManifestsWithURLs } from './urls.js';
import { namespaceMismatch, refuseResourceArgsWithPaths, type ResourceRequest } from './args.js';
import { noNamespaceSet, selectorOfFlag } from './builder.js';
import type { GetOptions } from './get.js';
import type { Selector } from '../api/labels.js';

/**
 * The objects of the files as get's requests, each name with the namespace it is looked up in (the
 * manifest's, else the command's; none with -A, which kubectl's get refuses for such an object),
 * and the errors met reading them.
 */
export async function requestsFromFiles(
  ctx: Context,
  files: string[],
  recursive: boolean,
  allNamespaces: boolean,
  /** -l over the manifests' own labels (describe's builder, which fetches nothing): the objects it does not select are left out */
  manifestSelector?: Selector,
): Promise<{ requests: ResourceRequest[]; sources: number; errors: string[] }> {
  const stdinText = files.includes('-') ? await readStdin() : '';
  const { docs, errors } = await loadManifestsWithURLs(files, { readStdin: () => stdinText, recursive });
  // What the visitor meets reading a file comes back without "error: " (a YAML error as
  // kubectl's StandardErrorMessage words it); what the builder refuses keeps it.
  const messages = errors.map((e) => visited(e.message));
  const requests: ResourceRequest[] = [];
  for (const d of docs) {
    try {
      const info = mapManifest(d.object, d.source, d.fromList);
      const ns = d.object.metadata?.namespace as string | undefined;
      const name = (d.object.metadata?.name as string | undefined) ?? '';
      if (manifestSelector && !manifestSelector.matches(d.object.metadata?.labels as Record<string, string> | undefined)) continue;
      // get -A drops -n (its Complete clears ExplicitNamespace): no object is compared with it.
      if (info.namespaced && ns && ctx.explicitNamespace && !allNamespaces && ns !== ctx.namespace) {
        throw new UserError(namespaceMismatch(ns, ctx.namespace));
      }
      // RetrieveLatest's error: -A leaves an object the file does not place without a namespace.
      if (info.namespaced && !ns && allNamespaces) throw new UserError(noNamespaceSet(info, name));
      const lookIn = info.namespaced ? (ns ?? ctx.namespace) : undefined;
      // In the files' order: a run of one kind is one request (get prints a table for each run).
      const prev = requests.at(-1);
      if (prev?.info === info) {
        prev.names.push(name);
        prev.namespaces!.push(lookIn);
      } else requests.push({ info, names: [name], namespaces: [lookIn], tuples: true });
    } catch (e) {
      if (e instanceof UserError) messages.push(visited(e.message));
      else throw e;
    }
  }
  return { requests, sources: new Set(docs.map((d) => d.source)).size, errors: messages };
}

/** A file's error as the builder's visitor hands it on: kubectl prints these without "error: ". */
function visited(m: string): string {
  return m
    .replace(/^error: unable to decode /, 'unable to decode ')
    .replace(/^error: error parsing /, 'Error parsing ')
    .replace(/^error: (resource mapping not found |unable to read URL )/, '$1');
}

/**
 * What `get` runs with: its own arguments, or with -f the files' objects (errors said on io, and
 * `failed` set, as kubectl prints what it found and exits 1).
 */
export async function getArgs(
  ctx: Context,
  args: string[],
  files: string[] | undefined,
  opts: { recursive: boolean; selector?: string; allNamespaces: boolean },
  err: (s: string) => void,
): Promise<{ args: string[]; failed: boolean; fromFiles?: GetOptions['fromFiles'] }> {
  if (!files?.length) return { args, failed: false };
  refuseResourceArgsWithPaths(args);
  // -l filters what the files name (visitByPaths), a bad one refused before any file is read.
  const selector = opts.selector === undefined ? undefined : selectorOfFlag(opts.selector);
  const r = await requestsFromFiles(ctx, files, opts.recursive, opts.allNamespaces);
  if (r.errors.length) err(aggregateMessage(r.errors));
  const failed = r.errors.length > 0;
  // The names as arguments, for get's checks of what it was given (none: nothing to get).
  const named = r.requests.flatMap((q) => q.names.map((n) => `${q.info.resource}/${n}`));
  // singleItemImplied: one -f that is one file (not stdin, nor a directory of several).
  const singleItem = files.length === 1 && files[0] !== '-' && r.sources === 1;
  return { args: named, failed, fromFiles: { singleItem, selector, requests: r.requests } };
}
