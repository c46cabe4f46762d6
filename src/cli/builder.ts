// cli-runtime's resource.Builder for the verbs that change objects (label, annotate, replace,
// edit): TYPE NAME..., TYPE/NAME..., TYPE with -l, --field-selector or --all, or -f FILE; each
// object fetched as it is now (Latest()), and the errors of the ones that could not be (NotFound)
// kept in order beside them, as ContinueOnError keeps them.
import type { KObject } from '../api/types.js';
import { mapManifest } from './mapper.js';
import { loadManifestsWithURLs } from './urls.js';
import type { ResourceInfo } from '../api/resources.js';
import { UserError, StatusError } from '../errors.js';
import { namespaceMismatch, parseResourceArgs, refuseNamesWithSelector, refuseResourceArgsWithPaths } from './args.js';
import type { Context } from './context.js';
import { readStdin } from './io.js';
import { listObjects } from './list.js';
import { parseSelector, type Selector } from '../api/labels.js';

export interface BuilderOptions {
  filenames?: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  /** the objects of -f as the files have them, not fetched (replace, patch, scale: kubectl's builder fetches only what TYPE NAME names) */
  local?: boolean;
  /** FilenameParam's enforceNamespace: a file's object in another namespace than -n's is refused (default: -n was given; get -A clears it) */
  enforceNamespace?: boolean;
}

export interface Info {
  info: ResourceInfo;
  namespace?: string;
  name: string;
  /** the object (the server's, or the file's with local) */
  object: KObject;
  /** the file's object, with -f */
  manifest?: KObject;
}

export interface Visit {
  /** objects and errors in the order the arguments named them */
  items: (Info | { error: unknown })[];
  /** IntoSingleItemImplied: one object named by TYPE NAME, TYPE/NAME or one file's one document */
  single: boolean;
  /** listed by selector or --all (kubectl says "No resources found" when empty) */
  listed: boolean;
  /** IntoSingleItemImplied itself: one path that is one file (not stdin, nor a directory of several), or one name */
  singleItemImplied: boolean;
}

export async function visit(ctx: Context, args: string[], opts: BuilderOptions): Promise<Visit> {
  const items: Visit['items'] = [];
  const files = opts.filenames ?? [];
  if (files.length > 0) {
    refuseResourceArgsWithPaths(args);
    const fileSelector = opts.selector === undefined ? undefined : selectorOfFlag(opts.selector);
    const stdinText = files.includes('-') ? await readStdin() : '';
    const { docs, errors } = await loadManifestsWithURLs(files, { readStdin: () => stdinText, recursive: opts.recursive });
    for (const e of errors) items.push({ error: e });
    for (const d of docs) {
      try {
        const info = mapManifest(d.object, d.source, d.fromList);
        // -A leaves the builder no namespace (AllNamespaces): an explicit -n is compared with none,
        // and an object the file does not place has none (undefined).
        const given = opts.allNamespaces ? '' : ctx.namespace;
        const namespace = info.namespaced ? (d.object.metadata?.namespace ?? (given || undefined)) : undefined;
        if ((opts.enforceNamespace ?? ctx.explicitNamespace) && info.namespaced && d.object.metadata?.namespace && d.object.metadata.namespace !== given) {
          throw new UserError(namespaceMismatch(d.object.metadata.namespace, given));
        }
        const name = d.object.metadata?.name as string;
        if (!opts.local && info.namespaced && namespace === undefined) throw new UserError(`error: ${noNamespaceSet(info, name)}`);
        const object = opts.local ? (d.object as KObject) : await ctx.client.get(info, namespace, name);
        // -l: the objects whose labels match, as fetched (FilterByLabelSelector, after RetrieveLatest).
        if (fileSelector && !fileSelector.matches(object.metadata?.labels)) continue;
        items.push({ info, namespace, name, object, manifest: d.object as KObject });
      } catch (e) {
        items.push({ error: e });
      }
    }
    const singleItemImplied = files.length === 1 && files[0] !== '-' && new Set(docs.map((d) => d.source)).size === 1;
    return { items, single: docs.length === 1 && errors.length === 0 && files.length === 1 && files[0] !== '-' && !/\/$/.test(files[0]), listed: false, singleItemImplied };
  }
  const requests = parseResourceArgs(args);
  if (requests.length === 0) throw new UserError('error: one or more resources must be specified as <resource> <name> or <resource>/<name>');
  let count = 0;
  let listed = false;
  for (const req of requests) {
    const ns = req.info.namespaced ? ctx.namespace : undefined;
    if (req.names.length > 0) {
      refuseNamesWithSelector(req, { selector: opts.selector, fieldSelector: opts.fieldSelector });
      for (const name of req.names) {
        count++;
        try {
          items.push({ info: req.info, namespace: ns, name, object: await ctx.client.get(req.info, ns, name) });
        } catch (e) {
          items.push({ error: e });
        }
      }
    } else if (opts.all || opts.selector || opts.fieldSelector) {
      listed = true;
      count += 2;
      const list = await listObjects(ctx, req.info, { namespace: opts.allNamespaces ? undefined : ns, labelSelector: opts.selector, fieldSelector: opts.fieldSelector });
      for (const o of list.items) items.push({ info: req.info, namespace: o.metadata.namespace, name: o.metadata.name!, object: o });
    } else {
      throw new UserError('error: resource(s) were provided, but no name was specified');
    }
  }
  return { items, single: count === 1, listed, singleItemImplied: count === 1 };
}

/** -l for the objects of files (the builder's LabelSelectorParam), or its error. */
export function selectorOfFlag(selector: string): Selector {
  try {
    return parseSelector(selector);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`error: the provided selector ${JSON.stringify(selector)} is not valid: ${e.message}`);
    throw e;
  }
}

/** RetrieveLatest's error for an object of a namespaced kind that has no namespace (-f with -A). */
export function noNamespaceSet(info: ResourceInfo, name: string): string {
  return `no namespace set on resource ${info.group}/${info.version}, Resource=${info.resource} ${JSON.stringify(name)}`;
}

/**
 * The object as kubectl's builder hands it on: one read from the server as read; a file's (-f,
 * not fetched) with the namespace it is sent to when its kind is namespaced (SetNamespace).
 */
export function builderObject(item: Info): KObject {
  if (!item.manifest) return item.object;
  if (item.namespace === undefined) return item.manifest;
  return { ...item.manifest, metadata: { ...item.manifest.metadata, namespace: item.namespace } };
}

/** The errors of a visit, as cmdutil.CheckErr prints them (kubectl's `Error from server (...)` for the server's). */
export function errorText(e: unknown): string {
  if (e instanceof StatusError) return e.kubectlMessage();
  if (e instanceof UserError) return e.message;
  throw e;
}
