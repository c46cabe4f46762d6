// `kjob get`: list or fetch objects and print them as kubectl's get does (get.go), including -w.
import type { KObject, Kind } from '../api/types.js';
import { parseSelector, everything, type Selector } from '../api/labels.js';
import { kindGroup, type ResourceInfo } from '../api/resources.js';
import { UserError, StatusError, notFound } from '../errors.js';
import { toTable } from '../printers/tables.js';
import { readable } from '../apiserver/decode.js';
import { TablePrinter } from '../printers/get.js';
import { toJSON, toYAML, asList, nameOf } from '../printers/output.js';
import { jsonPathPrinter, JSONPathParseError, JSONPathExecError } from '../printers/jsonpath.js';
import { parseResourceArgs, type ResourceRequest } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface GetOptions {
  output?: string;
  allNamespaces?: boolean;
  selector?: string;
  /** --field-selector, passed to the apiserver */
  fieldSelector?: string;
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
}

const ALLOWED_FORMATS =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';
const SUPPORTED_FORMATS = new Set(['', 'wide', 'json', 'yaml', 'name']);

export function checkOutputFormat(output: string | undefined): string {
  const fmt = (output ?? '').replace(/^=/, '');
  const base = fmt.split('=')[0];
  if (SUPPORTED_FORMATS.has(fmt)) return fmt;
  if (base === 'jsonpath' || base === 'jsonpath-as-json') return fmt;
  if (ALLOWED_FORMATS.split(',').includes(base)) throw new UserError(`error: kjob does not support the output format "${base}" yet; use one of: json, yaml, wide, name`);
  throw new UserError(`error: unable to match a printer suitable for the output format "${fmt}", allowed formats are: ${ALLOWED_FORMATS}`);
}

const NO_TYPE_MESSAGE =
  'You must specify the type of resource to get. Use "kjob api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kjob get -h\' for help and examples';

export async function get(ctx: Context, args: string[], opts: GetOptions, io: IO): Promise<number> {
  if (args.length === 0) throw new UserError(NO_TYPE_MESSAGE);
  const fmt = checkOutputFormat(opts.output);
  const jsonPath = jsonPathFor(fmt, opts);
  if (opts.showLabels && fmt !== '' && fmt !== 'wide') throw new UserError(`error: --show-labels option cannot be used with ${fmt} printer`);
  const requests = parseResourceArgs(args);
  const selector = opts.selector ? parseSelector(opts.selector) : everything();
  const watching = opts.watch || opts.watchOnly;
  if (watching && requests.length > 1) {
    throw new UserError('error: watch is only supported on individual resources and resource collections - more than 1 resource was found');
  }
  const api = ctx.api;
  // Bring the engine back if it should be running (for example after it was killed).
  await ctx.engine();
  let startRV = String(ctx.store.currentRV());
  const errors: string[] = [];
  const results: { req: ResourceRequest; objects: KObject[] }[] = [];
  const labelSelector = selector.empty() ? undefined : selector.string();
  for (const req of requests) {
    const ns = req.info.namespaced ? (opts.allNamespaces && req.names.length === 0 ? undefined : ctx.namespace) : undefined;
    if (req.names.length > 0) {
      const objects: KObject[] = [];
      for (const name of req.names) {
        try {
          objects.push(api.get(req.info, ns, name));
        } catch (e) {
          if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
          if (!opts.ignoreNotFound) errors.push(e.kubectlMessage());
        }
      }
      results.push({ req, objects });
    } else {
      try {
        const list = api.list(req.info, { namespace: ns, labelSelector, fieldSelector: opts.fieldSelector });
        startRV = list.resourceVersion;
        results.push({ req, objects: list.items });
      } catch (e) {
        if (e instanceof StatusError) throw enhanceListError(e, req.info, opts.selector ?? '', opts.fieldSelector ?? '');
        throw e;
      }
    }
  }
  const now = ctx.now();
  const all = results.flatMap((r) => r.objects);
  const singleObject = requests.length === 1 && requests[0].names.length === 1;
  const printer = new TablePrinter(io.out, {
    noHeaders: opts.noHeaders,
    wide: fmt === 'wide',
    withNamespace: !!opts.allNamespaces,
    showKind: opts.showKind || requests.length > 1,
    labelColumns: opts.labelColumns,
    showLabels: opts.showLabels,
    watchEvents: !!opts.outputWatchEvents && !!watching,
  });

  if (!opts.watchOnly) {
    if (jsonPath) {
      const doc = singleObject && all.length === 1 ? all[0] : asList(all);
      if (!(watching && all.length === 0)) io.out(runJSONPath(jsonPath, doc));
    } else if (fmt === 'json' || fmt === 'yaml') {
      const doc = singleObject && all.length === 1 ? all[0] : asList(all);
      if (!(watching && all.length === 0)) io.out(fmt === 'json' ? toJSON(doc) : toYAML(doc));
    } else if (fmt === 'name') {
      for (const o of all) io.out(`${nameOf(o)}\n`);
    } else {
      let first = true;
      for (const { req, objects } of results) {
        if (!first) printer.startNewType();
        first = false;
        if (objects.length === 0) continue;
        printer.printTable(tableOf(req.info.kind, objects, now), { kindPrefix: kindGroup(req.info), eventType: opts.outputWatchEvents && watching ? 'ADDED' : undefined });
      }
      printer.flush();
    }
  }
  if (errors.length > 0) io.err(errors.join('\n') + '\n');
  if (!watching) {
    if (all.length === 0 && errors.length === 0 && !opts.ignoreNotFound && fmt !== 'name' && fmt !== 'json' && fmt !== 'yaml' && !jsonPath) {
      const clusterWide = opts.allNamespaces || requests.some((r) => !r.info.namespaced);
      io.err(clusterWide ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
    }
    return errors.length > 0 ? 1 : 0;
  }
  const req = requests[0];
  await watchChanges(ctx, req, labelSelector, opts, fmt, printer, startRV, io, jsonPath);
  return 0;
}

/** cli-runtime's EnhanceListError: the list's BadRequest or NotFound, with what was asked for. */
function enhanceListError(e: StatusError, info: ResourceInfo, labelSelector: string, fieldSelector: string): StatusError {
  if (e.reason !== 'BadRequest' && e.reason !== 'NotFound') return e;
  const gvr = `${info.group ? `${info.group}/${info.version}` : `/${info.version}`}, Resource=${info.resource}`;
  const message =
    labelSelector === '' && fieldSelector === ''
      ? `Unable to list "${gvr}": ${e.message}`
      : `Unable to find "${gvr}" that match label selector "${labelSelector}", field selector "${fieldSelector}": ${e.message}`;
  return new StatusError(e.reason, message, e.details);
}

/** kubectl's JSONPathPrinter for `-o jsonpath=...` / `-o jsonpath-as-json=...`, or undefined. */
function jsonPathFor(fmt: string, opts: GetOptions): ((obj: unknown) => string) | undefined {
  const base = fmt.split('=')[0];
  if (base !== 'jsonpath' && base !== 'jsonpath-as-json') return undefined;
  try {
    return jsonPathPrinter(fmt.slice(base.length + 1), { allowMissingKeys: opts.allowMissingTemplateKeys !== false, asJSON: base === 'jsonpath-as-json' });
  } catch (e) {
    if (e instanceof JSONPathParseError) throw new UserError(`error: ${e.message.replace(/\n$/, '')}`);
    throw e;
  }
}

function runJSONPath(print: (obj: unknown) => string, doc: unknown): string {
  try {
    return print(doc);
  } catch (e) {
    // kubectl prints the message as it is: it already ends with blank lines
    if (e instanceof JSONPathExecError) throw new UserError(`error: ${e.message.replace(/\n$/, '')}`);
    throw e;
  }
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
  jsonPath?: (obj: unknown) => string,
): Promise<void> {
  const ns = req.info.namespaced && !opts.allNamespaces ? ctx.namespace : undefined;
  const w = ctx.api.watch(req.info, { namespace: ns, labelSelector, fieldSelector: opts.fieldSelector, resourceVersion: startRV });
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let lastEngineCheck = Date.now();
  try {
    while (!stop) {
      // An Expired watch (410: the change log was trimmed past it) ends the command with its error.
      const events = w.next();
      for (const e of events) {
        if (req.names.length > 0 && !req.names.includes(e.object.metadata.name!)) continue;
        if (jsonPath) io.out(runJSONPath(jsonPath, e.object));
        else printWatchEvent(req.info, e.object, e.type, opts, fmt, printer, io, ctx.now());
      }
      if (events.length < 500) await new Promise((r) => setTimeout(r, 100));
      if (Date.now() - lastEngineCheck > 2000) {
        lastEngineCheck = Date.now();
        await ctx.engine();
      }
    }
  } finally {
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
