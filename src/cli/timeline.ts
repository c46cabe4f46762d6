// `kjob timeline job/NAME | cronjob/NAME [-o text|svg|html] [FILE]` (kjob only): when each pod
// of a Job ran (a CronJob: each of its Jobs), drawn on the terminal (in colour when it is one), or
// written as an SVG picture or an HTML page to FILE ("-" for stdout). Reads what the store holds:
// pods deleted since are gone, and the timeline says so.
import fs from 'node:fs';
import { asKind, controllerOf } from '../api/types.js';
import { groupResource, resourceForKind } from '../api/resources.js';
import { UserError, notFound } from '../errors.js';
import { jobTimeline, timeline as buildTimeline, type Timeline } from '../printers/timeline.js';
import { renderTimelineText } from '../printers/timeline_text.js';
import { renderTimelineHtml, renderTimelineSvg } from '../printers/timeline_svg.js';
import { utcZone } from '../util/cron/zone.js';
import { resolveType } from './args.js';
import { chalkFor } from './color.js';
import type { Context } from './context.js';
import { getOrUndefined, listKind } from './list.js';
import type { IO } from './io.js';

export interface TimelineOptions {
  output?: string;
  width?: string;
}

const USAGE = "error: specify one Job or CronJob: kjob timeline job/NAME|cronjob/NAME [-o text|svg|html] [FILE]\nSee 'kjob timeline --help' for usage.";

/** The timeline of a Job or CronJob in the store, at the state directory's now. */
export async function timelineOf(ctx: Context, kind: 'Job' | 'CronJob', name: string): Promise<Timeline> {
  const ns = ctx.namespace;
  const now = ctx.now().getTime();
  const found = await getOrUndefined(ctx, resourceForKind(kind)!, ns, name);
  if (!found) throw notFound(groupResource(resourceForKind(kind)!), name);
  const pods = await listKind(ctx, 'Pod', ns);
  const events = await listKind(ctx, 'Event', ns);
  if (kind === 'Job') return buildTimeline(`job.batch/${name}`, [jobTimeline(asKind('Job', found), pods, events, now)], now);
  const obj = asKind('CronJob', found);
  const jobs = (await listKind(ctx, 'Job', ns))
    .filter((j) => controllerOf(j)?.uid === obj.metadata.uid)
    .sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? '') || a.metadata.name!.localeCompare(b.metadata.name!));
  const notes: string[] = [];
  if (jobs.length === 0) notes.push('no Jobs of this CronJob are kept (none ran yet, or the history limits removed them)');
  const limits = [obj.spec?.successfulJobsHistoryLimit, obj.spec?.failedJobsHistoryLimit];
  if (jobs.length > 0 && limits.some((l) => typeof l === 'number')) notes.push(`older Jobs are removed by the history limits (successful ${limits[0] ?? 3}, failed ${limits[1] ?? 1})`);
  return buildTimeline(`cronjob.batch/${name}`, jobs.map((j) => jobTimeline(j, pods, events, now)), now, notes);
}

export async function timeline(ctx: Context, args: string[], opts: TimelineOptions, io: IO): Promise<number> {
  const output = opts.output ?? 'text';
  if (!['text', 'svg', 'html'].includes(output)) throw new UserError(`error: unable to match a printer suitable for the output format "${output}", allowed formats are: text,svg,html`);
  const rest = [...args];
  let target: { kind: 'Job' | 'CronJob'; name: string } | undefined;
  const first = rest.shift();
  if (first?.includes('/')) {
    const info = resolveType(first.slice(0, first.indexOf('/')));
    target = { kind: info.kind as 'Job', name: first.slice(first.indexOf('/') + 1) };
  } else if (first !== undefined) {
    const info = resolveType(first);
    const name = rest.shift();
    if (!name) throw new UserError(USAGE);
    target = { kind: info.kind as 'Job', name };
  }
  if (!target || !target.name || (target.kind !== 'Job' && target.kind !== 'CronJob')) throw new UserError(USAGE);
  const file = output === 'text' ? undefined : rest.shift();
  if (rest.length > 0) throw new UserError(USAGE);
  if (output !== 'text' && file === undefined) throw new UserError(`error: -o ${output} writes to a file: kjob timeline ${target.kind.toLowerCase()}/${target.name} -o ${output} FILE (or - for stdout)`);

  const tl = await timelineOf(ctx, target.kind, target.name);
  // Times are shown in UTC, as the API's timestamps are.
  const formatTime = (t: number) => utcZone.rfc3339(t);
  if (output === 'text') {
    const width = opts.width !== undefined ? Number(opts.width) : (process.stdout.columns ?? 100);
    if (!Number.isInteger(width) || width < 40) throw new UserError(`error: --width must be an integer of at least 40, got "${opts.width}"`);
    io.out(renderTimelineText(tl, { width, chalk: chalkFor(process.stdout), formatTime }));
    return 0;
  }
  const text = output === 'svg' ? renderTimelineSvg(tl, { formatTime }) : renderTimelineHtml(tl, { formatTime });
  if (file === '-') io.out(text);
  else {
    try {
      fs.writeFileSync(file!, text);
    } catch (e) {
      throw new UserError(`error: cannot write ${file}: ${(e as Error).message}`);
    }
    const attempts = tl.jobs.reduce((n, j) => n + j.attempts, 0);
    io.err(`wrote ${file}: ${tl.jobs.length} Job${tl.jobs.length === 1 ? '' : 's'}, ${attempts} pod attempt${attempts === 1 ? '' : 's'}\n`);
  }
  return 0;
}
