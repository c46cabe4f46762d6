// `kjob events`: kubectl v1.32's events command (pkg/cmd/events): the namespace's events (or
// --for TYPE/NAME's, -A every namespace's), --types Normal,Warning, sorted by when they were last
// seen (Go's sort.Sort), printed by its EventPrinter (LAST SEEN with "(xN over AGE)", the object
// as Kind/name), or by -o json|yaml|name|jsonpath|go-template over the typed EventList; -w lists
// them as a watch does (everything, unsorted, then what comes).
import { asKind, type EventObject } from '../api/types.js';
import { apiVersionOf, resolveResource } from '../api/resources.js';
import { UserError } from '../errors.js';
import { readable } from '../apiserver/decode.js';
import { getTabWriter, escapeTerminal } from '../printers/tabwriter.js';
import { humanDuration, parseTime } from '../printers/duration.js';
import { goSort } from '../util/gosort.js';
import { toJSONAsGiven, toYAML } from '../printers/output.js';
import { checkObjectOutputFormat, genericPrinter, splitFormat } from '../printers/generic.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { resourceForKind } from '../api/resources.js';

export interface EventsOptions {
  output?: string;
  allNamespaces?: boolean;
  for?: string;
  /** --types, split at commas */
  types?: string[];
  watch?: boolean;
  noHeaders?: boolean;
  allowMissingTemplateKeys?: boolean;
  template?: string;
}

type Ev = EventObject;

/** eventTime(): series.lastObservedTime, else lastTimestamp, else eventTime. */
function eventTime(e: Ev): number {
  return parseTime(e.series?.lastObservedTime) ?? parseTime(e.lastTimestamp) ?? parseTime(e.eventTime) ?? -62135596800000;
}

function since(ts: string | undefined, now: Date): string {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** event_printer.go getInterval */
export function eventInterval(e: Ev, now: Date): string {
  const first = parseTime(e.eventTime) === undefined ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  if (e.series) return `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
  if ((e.count ?? 0) > 1) return `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
  return first;
}

export function eventRow(e: Ev, now: Date, allNamespaces: boolean): string {
  const io = e.involvedObject ?? {};
  const cells = [
    eventInterval(e, now),
    escapeTerminal(e.type ?? ''),
    escapeTerminal(e.reason ?? ''),
    `${escapeTerminal(io.kind ?? '')}/${escapeTerminal(io.name ?? '')}`,
    escapeTerminal(String(e.message ?? '').trim()),
  ];
  return (allNamespaces ? `${e.metadata.namespace ?? ''}\t` : '') + cells.join('\t') + '\n';
}

// The JSON printer marshals the typed corev1.EventList: fields in the structs' order.
const META_ORDER = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
const REF_ORDER = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

function ordered(obj: object | undefined, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const o = obj as Record<string, unknown> | undefined;
  for (const k of order) if (o && o[k] !== undefined && o[k] !== '' && o[k] !== null) out[k] = o[k];
  return out;
}

/** An Event as encoding/json writes a corev1.Event (omitempty where the type says so). */
function typedEvent(e: Ev): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: 'Event', apiVersion: 'v1', metadata: ordered(e.metadata, META_ORDER) };
  out.involvedObject = ordered(e.involvedObject, REF_ORDER);
  if (e.reason) out.reason = e.reason;
  if (e.message) out.message = e.message;
  out.source = ordered(e.source, ['component', 'host']);
  out.firstTimestamp = e.firstTimestamp ?? null;
  out.lastTimestamp = e.lastTimestamp ?? null;
  if (e.count) out.count = e.count;
  if (e.type) out.type = e.type;
  out.eventTime = e.eventTime ?? null;
  if (e.series) out.series = { count: e.series.count, lastObservedTime: e.series.lastObservedTime ?? null };
  if (e.action) out.action = e.action;
  if (e.related) out.related = ordered(e.related, REF_ORDER);
  out.reportingComponent = e.reportingComponent ?? '';
  out.reportingInstance = e.reportingInstance ?? '';
  return out;
}

export async function events(ctx: Context, args: string[], opts: EventsOptions, io: IO): Promise<number> {
  if (args.length > 0) throw new UserError(`error: unknown command "${args[0]}" for "kjob events"`);
  // the printer first, as ToOptions makes it
  let forKind: { kind: string; apiVersion: string; name: string } | undefined;
  if (opts.for !== undefined && opts.for !== '') {
    if (!opts.for.includes('/')) throw new UserError('error: --for must be in resource/name form');
    const seg = opts.for.split('/');
    if (seg.length !== 2) throw new UserError('error: arguments in resource/name form may not have more than one slash');
    const info = resolveResource(seg[0]);
    // the RESTMapper's error, which kubectl prints as it is
    if (!info) throw new UserError(`the server doesn't have a resource type "${seg[0]}"`);
    forKind = { kind: info.kind, apiVersion: apiVersionOf(info), name: seg[1] };
  }
  const types = [...new Set(opts.types ?? [])].sort();
  const fmt = checkObjectOutputFormat(opts.output);
  let print: ((list: Ev[], out: (s: string) => void) => void) | undefined;
  if (fmt !== '') {
    const [base] = splitFormat(fmt);
    const listDoc = (items: Ev[]) => ({ kind: 'EventList', apiVersion: 'v1', metadata: {}, items: items.map(typedEvent) });
    if (base === 'json') print = (items, out) => out(toJSONAsGiven(items.length === 1 && opts.watch ? typedEvent(items[0]) : listDoc(items)));
    else if (base === 'yaml') print = (items, out) => out(toYAML(items.length === 1 && opts.watch ? typedEvent(items[0]) : listDoc(items)));
    else if (base === 'name') print = () => undefined; // kubectl 1.32 prints nothing for the EventList
    else {
      const g = genericPrinter(fmt, { allowMissingTemplateKeys: opts.allowMissingTemplateKeys, template: opts.template });
      print = (items, out) => g(opts.watch && items.length === 1 ? typedEvent(items[0]) : listDoc(items), out);
    }
  }
  for (const t of types) if (t.toLowerCase() !== 'normal' && t.toLowerCase() !== 'warning') throw new UserError('error: valid --types are Normal or Warning');
  const wanted = (e: Ev) => {
    if (types.length > 0 && !types.some((t) => t.toLowerCase() === String(e.type ?? '').toLowerCase())) return false;
    if (forKind) {
      const io = e.involvedObject ?? {};
      if (io.kind !== forKind.kind || io.apiVersion !== forKind.apiVersion || io.name !== forKind.name) return false;
    }
    return true;
  };
  const ns = opts.allNamespaces ? undefined : ctx.namespace;
  const EVENTS = resourceForKind('Event')!;
  const listed = await ctx.client.list(EVENTS, { namespace: ns });
  const list = listed.items.map((e) => asKind('Event', readable('Event', e))).filter(wanted);
  const now = ctx.now();

  if (!opts.watch) {
    if (list.length === 0) {
      io.err(opts.allNamespaces ? 'No events found.\n' : `No events found in ${ctx.namespace} namespace.\n`);
      return 0;
    }
    const items = [...list];
    goSort({ len: () => items.length, less: (i, j) => eventTime(items[i]) < eventTime(items[j]), swap: (i, j) => ([items[i], items[j]] = [items[j], items[i]]) });
    if (print) {
      print(items, io.out);
      return 0;
    }
    const w = getTabWriter(io.out);
    if (!opts.noHeaders) w.write((opts.allNamespaces ? 'NAMESPACE\t' : '') + 'LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n');
    for (const e of items) w.write(eventRow(e, now, !!opts.allNamespaces));
    w.flush();
    return 0;
  }

  // -w: a watch from "now": every event there is (as ADDED, in the store's order), then new ones.
  const w = getTabWriter(io.out);
  let headers = false;
  const printOne = (e: Ev) => {
    if (print) return print([e], io.out);
    if (!opts.noHeaders && !headers) {
      w.write((opts.allNamespaces ? 'NAMESPACE\t' : '') + 'LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n');
      headers = true;
    }
    w.write(eventRow(e, ctx.now(), !!opts.allNamespaces));
    w.flush();
  };
  for (const e of list) printOne(e);
  const watch = ctx.client.watch(EVENTS, { namespace: ns, resourceVersion: listed.resourceVersion });
  const onSignal = () => watch.close();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const engineCheck = ctx.cluster ? undefined : setInterval(() => void ctx.engine(), 2000);
  try {
    for await (const c of watch) {
      if (c.type === 'DELETED') continue;
      const e = asKind('Event', readable('Event', c.object));
      if (wanted(e)) printOne(e);
    }
  } finally {
    if (engineCheck) clearInterval(engineCheck);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return 0;
}
