// `kjob tree TYPE NAME`: the kubectl-tree plugin's view (ahmetb/kubectl-tree v0.6.0): the object
// and, by ownerReferences, what it owns, recursively (a CronJob, its Jobs, their Pods), children
// sorted by kind, name, namespace; columns NAMESPACE, NAME, READY, REASON, STATUS, AGE in a
// gosuri/uitable table (every cell padded to its column's width, two spaces between columns).
// READY and REASON come from the object's "Ready" condition (--condition-types), STATUS is its
// kstatus (sigs.k8s.io/cli-utils); colours as fatih/color gives them: on a terminal only,
// unless NO_COLOR is set or --color says otherwise.
import { asKind, type KObject } from '../api/types.js';
import { RESOURCES } from '../api/resources.js';
import { parseSelector, everything } from '../api/labels.js';
import { UserError } from '../errors.js';
import { humanDuration, parseTime } from '../printers/duration.js';
import { parseResourceArgs } from './args.js';
import { groupResource } from '../api/resources.js';
import type { Context } from './context.js';
import { getOrUndefined, listKind } from './list.js';
import type { IO } from './io.js';

export interface TreeOptions {
  allNamespaces?: boolean;
  color?: string;
  conditionTypes?: string[];
  selector?: string;
  /** whether stdout is a terminal (colour in auto mode) */
  isTTY?: boolean;
}

const FIRST = '├─';
const LAST = '└─';
const PIPE = '│ ';

/** tree.go printPrefix: the drawing in front of a row. */
export function printPrefix(p: string): string {
  const count = (s: string, sub: string) => s.split(sub).length - 1;
  const replaceN = (s: string, from: string, to: string, n: number) => {
    let out = s;
    for (let i = 0; i < n || n < 0; i++) {
      const at = out.indexOf(from);
      if (at < 0) break;
      out = out.slice(0, at) + to + out.slice(at + from.length);
    }
    return out;
  };
  if (p.endsWith(FIRST)) p = replaceN(p, FIRST, PIPE, count(p, FIRST) - 1);
  else p = p.split(FIRST).join(PIPE);
  const blank = ' '.repeat([...LAST].length);
  if (p.endsWith(LAST)) p = replaceN(p, LAST, blank, count(p, LAST) - 1);
  else p = p.split(LAST).join(blank);
  return p;
}

/** kstatus Compute, for what kjob stores: "Current", "InProgress", "Failed", "Terminating". */
export function kstatus(o: KObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  // The fields kstatus reads from any kind's status (a kind's own ones are read through its type).
  const status = o.status as { observedGeneration?: unknown; conditions?: unknown; phase?: unknown } | undefined;
  const gen = o.metadata.generation;
  if (gen !== undefined && status && status.observedGeneration !== undefined && status.observedGeneration !== gen) return 'InProgress';
  const conds: { type?: string; status?: string }[] = Array.isArray(status?.conditions) ? (status.conditions as { type?: string; status?: string }[]) : [];
  for (const c of conds) {
    if (c.type === 'Reconciling' && c.status === 'True') return 'InProgress';
    if (c.type === 'Stalled' && c.status === 'True') return 'Failed';
  }
  const has = (type: string, st: string) => conds.some((c) => c.type === type && c.status === st);
  if (o.kind === 'Pod') {
    switch (status?.phase) {
      case 'Succeeded':
      case 'Failed':
        return 'Current';
      case 'Running': {
        if (has('Ready', 'True')) return 'Current';
        const crash = (asKind('Pod', o).status?.containerStatuses ?? []).some((s) => s.state?.waiting?.reason === 'CrashLoopBackOff');
        return crash ? 'Failed' : 'InProgress';
      }
      case 'Pending': {
        const c = conds.find((x) => x.type === 'PodScheduled' && x.status === 'False') as { reason?: string } | undefined;
        if (c?.reason === 'Unschedulable') {
          const created = parseTime(o.metadata.creationTimestamp) ?? 0;
          return Date.now() - 15_000 < created ? 'InProgress' : 'Failed';
        }
        return 'InProgress';
      }
      default:
        return status?.phase ? '' : 'InProgress';
    }
  }
  if (o.kind === 'Job') {
    if (has('Complete', 'True')) return 'Current';
    if (has('Failed', 'True')) return 'Failed';
    return 'InProgress';
  }
  if (o.kind === 'Namespace') return status?.phase === 'Terminating' ? 'Terminating' : 'Current';
  if (o.kind === 'Service') return 'Current';
  // generic: a Ready condition, else current
  const ready = conds.find((c) => c.type === 'Ready');
  if (ready) return ready.status === 'True' ? 'Current' : 'InProgress';
  return 'Current';
}

/** status.go extractStatus: the first of the condition types the object has. */
function extractStatus(o: KObject, conditionTypes: string[]): { ready: string; reason: string; status: string } {
  const conds = (o as { status?: { conditions?: unknown } }).status?.conditions;
  if (!Array.isArray(conds)) return { ready: '', reason: '', status: '' };
  for (const t of conditionTypes) {
    for (const c of conds as { type?: unknown; status?: unknown; reason?: unknown }[]) {
      if (c && c.type === t) return { ready: typeof c.status === 'string' ? c.status : '', reason: typeof c.reason === 'string' ? c.reason : '', status: kstatus(o) };
    }
  }
  return { ready: '', reason: '', status: '' };
}

const SGR = { gray: '90', red: '31', yellow: '33', green: '32', bold: '1' };

export async function tree(ctx: Context, args: string[], opts: TreeOptions, io: IO): Promise<number> {
  if (args.length < 1 || args.length > 2) throw new UserError(`Error: accepts between 1 and 2 arg(s), received ${args.length}`);
  const colorMode = opts.color ?? 'auto';
  if (!['always', 'never', 'auto'].includes(colorMode)) throw new UserError('Error: invalid value for --color');
  let colored = colorMode === 'always' || (colorMode === 'auto' && !!opts.isTTY && process.env.TERM !== 'dumb');
  if (process.env.NO_COLOR !== undefined && colorMode !== 'always') colored = false;
  const paint = (code: string, s: string) => (colored ? `\x1b[${code}m${s}\x1b[0m` : s);
  const conditionTypes = opts.conditionTypes?.length ? opts.conditionTypes : ['Ready'];
  const selector = opts.selector ? parseSelector(opts.selector) : everything();

  let reqs;
  try {
    reqs = parseResourceArgs(args);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`Error: failed to resolve resource: ${e.message.replace(/^error: /, '')}`);
    throw e;
  }
  const names = reqs.flatMap((r) => r.names.map((n) => ({ info: r.info, name: n })));
  if (names.length === 0) throw new UserError('Error: no resources found');
  if (names.length > 1) throw new UserError('Error: multiple resources found, specify a single resource');
  const { info, name } = names[0];
  const ns = info.namespaced ? ctx.namespace : undefined;
  const root = await getOrUndefined(ctx, info, ns, name);
  if (!root) throw new UserError(`Error: failed to resolve resource: ${groupResource(info)} "${name}" not found`);

  // Every object of every kind (in the namespace, or everywhere with -A), by owner uid.
  const byOwner = new Map<string, KObject[]>();
  for (const r of RESOURCES) {
    const objs = await listKind(ctx, r.kind, r.namespaced && !opts.allNamespaces ? ctx.namespace : undefined, selector.string());
    for (const o of objs) {
      for (const ref of o.metadata.ownerReferences ?? []) {
        if (!byOwner.has(ref.uid)) byOwner.set(ref.uid, []);
        const list = byOwner.get(ref.uid)!;
        if (!list.some((x) => x.metadata.uid === o.metadata.uid)) list.push(o);
      }
    }
  }
  if ((byOwner.get(root.metadata.uid!) ?? []).length === 0) {
    io.out('No resources are owned by this object through ownerReferences.\n');
    return 0;
  }
  const goLess = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
  const ownedBy = (uid: string) =>
    [...(byOwner.get(uid) ?? [])].sort((a, b) => {
      const cmp = (x: string, y: string) => (goLess(x, y) ? -1 : goLess(y, x) ? 1 : 0);
      return cmp(a.kind, b.kind) || cmp(a.metadata.name ?? '', b.metadata.name ?? '') || cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '');
    });

  const now = ctx.now();
  const rows: { cells: string[]; widths: number[] }[] = [];
  const add = (cells: [string, number][]) => rows.push({ cells: cells.map((c) => c[0]), widths: cells.map((c) => c[1]) });
  const plain = (s: string): [string, number] => [s, [...s].length];
  add([plain('NAMESPACE'), plain('NAME'), plain('READY'), plain('REASON'), plain('STATUS'), plain('AGE')]);
  const visit = (prefix: string, o: KObject) => {
    const st = extractStatus(o, conditionTypes);
    const readyColor = st.ready === 'True' ? SGR.green : st.ready === 'False' || st.ready === 'Unknown' ? SGR.red : SGR.gray;
    const statusColor = st.status === 'Current' ? SGR.green : st.status === 'InProgress' ? SGR.yellow : st.status === 'Failed' || st.status === 'Terminating' ? SGR.red : SGR.gray;
    const ready = st.ready || '-';
    const status = st.status || '-';
    const created = parseTime(o.metadata.creationTimestamp);
    const age = created === undefined ? '<unknown>' : humanDuration(now.getTime() - created);
    const pre = printPrefix(prefix);
    const nameText = `${pre}${o.kind}/${o.metadata.name}`;
    add([
      plain(o.metadata.namespace ?? ''),
      [`${paint(SGR.gray, pre)}${o.kind}/${paint(SGR.bold, o.metadata.name ?? '')}`, [...nameText].length],
      [paint(readyColor, ready), [...ready].length],
      [paint(readyColor, st.reason), [...st.reason].length],
      [paint(statusColor, status), [...status].length],
      plain(age),
    ]);
    const children = ownedBy(o.metadata.uid!);
    children.forEach((c, i) => visit(prefix + (i === children.length - 1 ? LAST : FIRST), c));
  };
  visit('', root);
  const colWidths = rows[0].cells.map((_, i) => Math.max(...rows.map((r) => r.widths[i])));
  const lines = rows.map((r) => r.cells.map((c, i) => c + ' '.repeat(colWidths[i] - r.widths[i])).join('  '));
  io.out(lines.join('\n') + '\n');
  return 0;
}
