// `kjob get`: list or fetch objects and print them as kubectl's get does (get.go), including -w.
import type { KObject, Kind } from '../api/types.js';
import { kindGroup, type ResourceInfo } from '../api/resources.js';
import { UserError, StatusError } from '../errors.js';
import { toTable, type Table, type TableRow } from '../printers/tables.js';
import { printStoredCells } from '../printers/table_view.js';
import { readable } from '../apiserver/decode.js';
import { TablePrinter } from '../printers/get.js';
import { toJSON, toYAML, asList, nameOf } from '../printers/output.js';
import { checkOutputFormat, genericPrinter, isGenericFormat, type GenericPrinter } from '../printers/generic.js';
import { sortObjects, checkSortOverTables } from '../printers/sort.js';
import { listObjects, listViews } from './list.js';
import { parseResourceArgs, refuseNamesWithSelector, type ResourceRequest } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import type { Selector } from '../api/labels.js';

export interface GetOptions {
  output?: string;
  allNamespaces?: boolean;
  selector?: string;
  /** --field-selector */
  fieldSelector?: string;
  /** --sort-by (a JSONPath) */
  sortBy?: string;
  /** --template (with -o go-template, jsonpath, ...) */
  template?: string;
  noHeaders?: boolean;
  watch?: boolean;
  watchOnly?: boolean;
  outputWatchEvents?: boolean;
  showKind?: boolean;
  showLabels?: boolean;
  labelColumns?: string[];
  ignoreNotFound?: boolean;
  /** --allow-missing-template-keys (jsonpath); kubectl's default is true */
  allowMissingTemplateKeys?: boolean;
  /**
   * -f: the names come from the files (get_files.ts); singleItem: one file was given, which implies
   * a single item (printed as itself rather than a List when one is found); selector: -l, which
   * the builder applies to what it fetched rather than sending it.
   */
  fromFiles?: { singleItem: boolean; selector?: Selector; requests: ResourceRequest[] };
}

export { checkOutputFormat };

const NO_TYPE_MESSAGE =
  'You must specify the type of resource to get. Use "kjob api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kjob explain <resource>" for a detailed description of that resource (e.g. kjob explain pods).\nSee \'kjob get -h\' for help and examples';

export async function get(ctx: Context, args: string[], opts: GetOptions, io: IO): Promise<number> {
  const watching = opts.watch || opts.watchOnly;
  if (args.length === 0 && !watching) throw new UserError(NO_TYPE_MESSAGE);
  const fmt = checkOutputFormat(opts.output);
  if (opts.showLabels && fmt !== '' && fmt !== 'wide') throw new UserError(`error: --show-labels option cannot be used with ${fmt} printer`);
  const generic = isGenericFormat(fmt) ? genericPrinter(fmt, { allowMissingTemplateKeys: opts.allowMissingTemplateKeys, noHeaders: opts.noHeaders, template: opts.template }) : undefined;
  if (args.length === 0) throw new UserError(NO_TYPE_MESSAGE);
  const requests = opts.fromFiles?.requests ?? parseResourceArgs(args);
  if (!opts.fromFiles) for (const req of requests) refuseNamesWithSelector(req, opts);
  if (watching && requests.length > 1) {
    throw new UserError('error: watch is only supported on individual resources and resource collections - more than 1 resource was found');
  }
  if (opts.sortBy && opts.watch) io.err('warning: --watch requested, --sort-by will be ignored for watch events received\n');
  else if (opts.sortBy && opts.watchOnly) io.err('warning: --watch-only requested, --sort-by will be ignored\n');
  const client = ctx.client;
  // Bring the engine back if it should be running (for example after it was killed).
  ctx.engineIfStopped();
  let startRV = '';
  const errors: string[] = [];
  // table: the rows made from the objects' table views, when only a table is printed, in the
  // stored order (objects is then empty).
  const results: { req: ResourceRequest; objects: KObject[]; table?: Table }[] = [];
  const tableViews = !generic && !opts.sortBy && !watching;
  const now = ctx.now();
  // The selector goes to the apiserver as written: it parses it, and a bad one is its BadRequest
  // (kubectl does not parse -l itself).
  const labelSelector = opts.selector || undefined;
  for (const req of requests) {
    const ns = req.info.namespaced ? (opts.allNamespaces && req.names.length === 0 ? undefined : ctx.namespace) : undefined;
    if (req.names.length > 0) {
      const objects: KObject[] = [];
      for (const [i, name] of req.names.entries()) {
        try {
          objects.push(await client.get(req.info, req.namespaces ? req.namespaces[i] : ns, name));
        } catch (e) {
          if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
          if (!opts.ignoreNotFound) errors.push(e.kubectlMessage());
        }
      }
      // -l with -f: the builder's FilterByLabelSelector over what it fetched. For a table that is the
      // server's Table of the object, whose own labels are none: kubectl v1.32 prints every object
      // for a selector that none satisfies (`!app`) and none for the rest.
      const selector = opts.fromFiles?.selector;
      results.push({ req, objects: selector ? objects.filter((o) => selector.matches(generic ? o.metadata?.labels : undefined)) : objects });
    } else {
      const listOpts = { namespace: ns, labelSelector: opts.selector, fieldSelector: opts.fieldSelector };
      const viewed = tableViews ? await tableOfViews(ctx, req.info, { ...listOpts, withLabels: !!opts.showLabels || (opts.labelColumns?.length ?? 0) > 0, withNamespace: !!opts.allNamespaces }, now) : undefined;
      if (viewed?.table) {
        startRV = viewed.resourceVersion;
        results.push({ req, objects: [], table: viewed.table });
        continue;
      }
      const list = await listObjects(ctx, req.info, listOpts);
      startRV = list.resourceVersion;
      results.push({ req, objects: list.items });
    }
  }
  // kubectl's singleItemImplied: one name, or with -f one path.
  const singleObject = opts.fromFiles ? opts.fromFiles.singleItem : requests.length === 1 && requests[0].names.length === 1;
  const printer = new TablePrinter(io.out, {
    noHeaders: opts.noHeaders,
    wide: fmt === 'wide',
    withNamespace: !!opts.allNamespaces,
    showKind: opts.showKind || requests.length > 1,
    labelColumns: opts.labelColumns,
    showLabels: opts.showLabels,
    watchEvents: !!opts.outputWatchEvents && !!watching,
  });

  let printed = false;
  // A watch of named objects (TYPE NAME, TYPE/NAME, -f) is refused with only the error when one is
  // not found: kubectl's builder says it before any watch.
  const namedWatch = watching && requests.some((r) => r.names.length > 0);
  const watchRefused = namedWatch && errors.length > 0;
  if (!opts.watchOnly && !watchRefused) {
    if (generic) {
      let all = results.flatMap((r) => r.objects);
      if (singleObject && all.length === 0 && errors.length > 0) {
        // printGeneric: one object asked for and not found is only the error
      } else {
        const asList = !(singleObject && all.length === 1);
        if (opts.sortBy && asList && !watching) all = sortObjects(all, opts.sortBy);
        const doc = asList ? listOf(all) : all[0];
        if (!(watching && all.length === 0)) {
          try {
            generic(doc, io.out);
          } catch (e) {
            if (errors.length > 0 && e instanceof UserError) io.err(errors.join('\n') + '\n');
            throw e;
          }
          printed = all.length > 0;
        }
      }
    } else {
      // Over the Tables kubectl fetched: one a name, or with -f one an object the selector kept.
      const tables = opts.fromFiles ? results.reduce((n, r) => n + r.objects.length, 0) : requests.reduce((n, r) => n + Math.max(1, r.names.length), 0);
      if (opts.sortBy && !watching) checkSortOverTables(opts.sortBy, tables);
      let first = true;
      for (const { req, objects, table } of results) {
        // get.go starts a new type when the objects it prints change type: a type with nothing
        // to print starts none (no blank line after the last table).
        if ((table?.rows ?? objects).length === 0) continue;
        if (!first) printer.startNewType();
        first = false;
        let sorted = objects;
        if (opts.sortBy && !watching && objects.length > 1) {
          // kubectl's SortingPrinter fails on a table whose objects lack the field, and get
          // ignores what its printer returns: the table is not printed, and nothing is said.
          try {
            sorted = sortObjects(objects, opts.sortBy, undefined, 'table');
          } catch (e) {
            if (e instanceof UserError && /couldn't find any field/.test(e.message)) continue;
            throw e;
          }
        }
        printer.printTable(table ?? tableOf(req.info.kind, sorted, now), { kindPrefix: kindGroup(req.info), eventType: opts.outputWatchEvents && watching ? 'ADDED' : undefined });
        printed = true;
      }
      printer.flush();
    }
  }
  if (errors.length > 0) io.err(errors.join('\n') + '\n');
  if (!watching) {
    if (!printed && errors.length === 0 && !opts.ignoreNotFound && !generic) {
      const clusterWide = opts.allNamespaces || requests.some((r) => !r.info.namespaced);
      io.err(clusterWide ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
    }
    return errors.length > 0 ? 1 : 0;
  }
  if (namedWatch) {
    // A watch is of one named object, found; several are printed, then refused, in kubectl's words
    // for the files' objects and for the arguments'.
    if (watchRefused) return 1;
    const found = results.reduce((n, r) => n + r.objects.length, 0);
    if (opts.fromFiles && found !== 1) throw new UserError(`error: watch is only supported on individual resources and resource collections - ${found} resources were found`);
    if (!opts.fromFiles && found > 1) throw new UserError('error: you may only watch a single resource or type of resource at a time');
  }
  const req = requests[0];
  const watchNs = req.namespaces?.[0] ?? ctx.namespace;
  // A watch of named objects starts after a list of the type, as kubectl's does.
  if (!startRV) startRV = (await listObjects(ctx, req.info, { namespace: req.info.namespaced && !opts.allNamespaces ? watchNs : undefined, labelSelector: opts.selector, fieldSelector: opts.fieldSelector })).resourceVersion;
  await watchChanges(ctx, req, labelSelector, opts, fmt, printer, startRV, io, generic, watchNs);
  return 0;
}

/** The List get prints several objects as (printGeneric). */
function listOf(items: KObject[]): object {
  return asList(items);
}

/** Follow the apiserver's watch of one resource type until interrupted. */
async function watchChanges(
  ctx: Context,
  req: ResourceRequest,
  labelSelector: string | undefined,
  opts: GetOptions,
  fmt: string,
  printer: TablePrinter,
  startRV: string,
  io: IO,
  generic: GenericPrinter | undefined,
  namespace: string,
): Promise<void> {
  const ns = req.info.namespaced && !opts.allNamespaces ? namespace : undefined;
  const w = ctx.client.watch(req.info, { namespace: ns, labelSelector, fieldSelector: opts.fieldSelector, resourceVersion: startRV });
  const onSignal = () => w.close();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Bring a killed engine back while watching (local only): its pods would stop changing otherwise.
  const engineCheck = ctx.cluster ? undefined : setInterval(() => void ctx.engine(), 2000);
  try {
    // An Expired watch (410: the change log was trimmed past it) ends the command with its error.
    for await (const e of w) {
      if (req.names.length > 0 && !req.names.includes(e.object.metadata.name!)) continue;
      if (generic && fmt !== 'json' && fmt !== 'yaml' && fmt !== 'name') generic(e.object, io.out);
      else printWatchEvent(req.info, e.object, e.type, opts, fmt, printer, io, ctx.now());
    }
  } finally {
    if (engineCheck) clearInterval(engineCheck);
    w.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function printWatchEvent(info: ResourceInfo, obj: KObject, type: string, opts: GetOptions, fmt: string, printer: TablePrinter, io: IO, now: Date): void {
  if (fmt === 'json') io.out(toJSON(obj));
  else if (fmt === 'yaml') io.out(`---\n${toYAML(obj)}`);
  else if (fmt === 'name') io.out(`${nameOf(obj)}\n`);
  else {
    printer.printTable(tableOf(info.kind, [obj], now), { kindPrefix: kindGroup(info), eventType: opts.outputWatchEvents ? type : undefined });
    printer.flush();
  }
}

const NO_OBJECT = { metadata: {} } as KObject;

/**
 * The table of a list made from the objects' table views (api/table_view.ts): their rows, the
 * clock's cells printed now; a row keeps only what the printer reads besides the cells
 * (namespace, labels). undefined when there are no views; table undefined when an object's row
 * could not be made (one stored before decoding was strict): then the objects are listed.
 */
async function tableOfViews(
  ctx: Context,
  info: ResourceInfo,
  opts: { namespace?: string; labelSelector?: string; fieldSelector?: string; withLabels: boolean; withNamespace: boolean },
  now: Date,
): Promise<{ resourceVersion: string; table?: Table } | undefined> {
  const rows: TableRow[] = [];
  let printable = true;
  // What the printer reads of a row's object: the namespace with -A, the labels with -L or --show-labels.
  const keep = opts.withNamespace || opts.withLabels;
  const listed = await listViews(ctx, info, opts, (view) => {
    if (!printable) return;
    const cells = view.cells;
    if (cells === undefined) {
      printable = false;
      return;
    }
    rows.push({ cells: printStoredCells(cells, now), object: keep ? ({ metadata: { namespace: view.namespace, labels: view.labels } } as KObject) : NO_OBJECT });
  });
  if (!listed) return undefined;
  return { resourceVersion: listed.resourceVersion, table: printable ? { columns: toTable(info.kind, [], now).columns, rows } : undefined };
}

/** The table of objects; an object stored before decoding was strict, of a shape the printers
 * cannot read, is printed from its readable() view instead (only then: this is the hot path). */
function tableOf(kind: Kind, objects: KObject[], now: Date): ReturnType<typeof toTable> {
  try {
    const table = toTable(kind, objects, now);
    // Every cell a string, or the table is printed from the readable view.
    if (table.rows.every((r) => r.cells.every((c) => typeof c === 'string'))) return table;
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
  }
  return toTable(kind, objects.map((o) => readable(kind, o)), now);
}
