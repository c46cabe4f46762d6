// `kjob get -f FILE|DIR|URL|-`: kubectl's resource builder with filenames (FilenameParam): the
// objects the manifests name, each looked up in its own namespace and printed as `get TYPE/NAME
// ...` prints them. Errors reading the manifests are said on stderr, as the builder aggregates them.
import { aggregateMessage } from '../errors.js';
import type { Context } from './context.js';
import { refuseResourceArgsWithPaths, type ResourceRequest } from './args.js';
import { errorText, noNamespaceSet, selectorOfFlag, visit } from './builder.js';
import type { GetOptions } from './get.js';

/**
 * The objects of the files as get's and describe's requests (the builder's visit, the objects not
 * fetched: the verbs look each up), each name with the namespace it is looked up in (the
 * manifest's, else the command's), in the files' order, and the errors met reading them.
 * allNamespaces: get -A, which compares no object with -n (its Complete clears ExplicitNamespace)
 * and refuses one the file does not place (RetrieveLatest has no namespace for it).
 * manifestSelector: -l over the manifests' own labels (describe's builder, which fetches nothing).
 */
export async function requestsFromFiles(
  ctx: Context,
  files: string[],
  opts: { recursive: boolean; allNamespaces?: boolean; manifestSelector?: string },
): Promise<{ requests: ResourceRequest[]; singleItemImplied: boolean; errors: string[] }> {
  const v = await visit(ctx, [], { filenames: files, recursive: opts.recursive, local: true, selector: opts.manifestSelector, enforceNamespace: ctx.explicitNamespace && !opts.allNamespaces });
  const errors: string[] = [];
  const requests: ResourceRequest[] = [];
  for (const item of v.items) {
    if ('error' in item) {
      errors.push(visited(errorText(item.error)));
      continue;
    }
    const { info } = item;
    // A manifest without a name (generateName) is looked up by the empty name.
    const name: string = item.name ?? '';
    if (opts.allNamespaces && info.namespaced && !item.manifest?.metadata.namespace) {
      errors.push(noNamespaceSet(info, name));
      continue;
    }
    // A run of one kind is one request (get prints a table for each run).
    const prev = requests.at(-1);
    if (prev?.info === info) {
      prev.names.push(name);
      prev.namespaces!.push(item.namespace);
    } else requests.push({ info, names: [name], namespaces: [item.namespace], tuples: true });
  }
  return { requests, singleItemImplied: v.singleItemImplied, errors };
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
  const r = await requestsFromFiles(ctx, files, { recursive: opts.recursive, allNamespaces: opts.allNamespaces });
  if (r.errors.length) err(aggregateMessage(r.errors));
  const failed = r.errors.length > 0;
  // The names as arguments, for get's checks of what it was given (none: nothing to get).
  const named = r.requests.flatMap((q) => q.names.map((n) => `${q.info.resource}/${n}`));
  return { args: named, failed, fromFiles: { singleItem: r.singleItemImplied, selector, requests: r.requests } };
}
