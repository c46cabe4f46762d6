// `kjob schedule cronjob/NAME [--count N]` (kjob only; kubectl has no such command): the next N
// times the CronJob controller will create a Job, in the CronJob's time zone and in local time,
// computed exactly as the controller computes them (robfig/cron's rules through cron-parser,
// timeZone, the state directory's clock), as a cli-table3 table: how long until each, whether
// suspend or concurrencyPolicy would skip it, where the clocks change; and the last run's result.
// `kjob schedule --schedule SPEC [--time-zone TZ]` does the same for a schedule not yet applied.
import { asKind, type CronJobObject, type JobObject } from '../api/types.js';
import { parseResourceArgs } from './args.js';
import { groupResource, kindGroup, resourceForKind } from '../api/resources.js';
import { UserError } from '../errors.js';
import { humanDuration } from '../printers/duration.js';
import { CronError, formatSchedule, parseStandard } from '../util/cron/cron.js';
import { loadLocation, localZone, type Zone } from '../util/cron/zone.js';
import { notFound } from '../errors.js';
import type { Context } from './context.js';
import { getOrUndefined, listKind } from './list.js';
import type { IO } from './io.js';
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import { controllerOf } from '../api/types.js';
import { parseTime } from '../printers/duration.js';
import { SCHEDULED_TIMESTAMP_ANNOTATION } from '../controllers/cronjob/utils.js';
import { chalkFor, paintStatus } from './color.js';
import { jobElapsedMs, jobState } from './progress.js';

export interface ScheduleOptions {
  count?: string;
  schedule?: string;
  timeZone?: string;
}

export async function schedule(ctx: Context, args: string[], opts: ScheduleOptions, io: IO): Promise<number> {
  const count = opts.count === undefined ? 5 : Number(opts.count);
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new UserError(`error: --count must be an integer between 1 and 1000, got "${opts.count}"`);
  let spec: string;
  let tz: string | undefined;
  let subject: string;
  let cj: CronJobObject | undefined;
  let jobs: JobObject[] = [];
  if (opts.schedule !== undefined) {
    if (args.length > 0) throw new UserError('error: give either a CronJob or --schedule, not both');
    spec = opts.schedule;
    tz = opts.timeZone;
    subject = JSON.stringify(spec);
  } else {
    if (opts.timeZone !== undefined) throw new UserError('error: --time-zone goes with --schedule; a CronJob has its own spec.timeZone');
    const reqs = args.length === 0 ? [] : parseResourceArgs(args.length === 1 && !args[0].includes('/') ? ['cronjob', args[0]] : args);
    const names = reqs.flatMap((r) => r.names.map((n) => ({ r, n })));
    if (names.length !== 1 || names[0].r.info.kind !== 'CronJob') {
      throw new UserError("error: specify one CronJob (cronjob/NAME, or NAME), or --schedule SPEC\nSee 'kjob schedule --help' for usage.");
    }
    const found = await getOrUndefined(ctx, resourceForKind('CronJob')!, ctx.namespace, names[0].n);
    cj = found && asKind('CronJob', found);
    if (!cj) throw notFound(groupResource(resourceForKind('CronJob')!), names[0].n);
    jobs = await jobsOf(ctx, cj);
    spec = String(cj.spec?.schedule ?? '');
    tz = cj.spec?.timeZone ?? undefined;
    subject = `${kindGroup(resourceForKind('CronJob')!)}/${cj.metadata.name}`;
  }
  let zone: Zone;
  if (tz != null) {
    const z = loadLocation(tz);
    if (typeof z === 'string') throw new UserError(`error: invalid timeZone: ${JSON.stringify(tz)}: ${z}`);
    zone = z;
  } else zone = localZone();
  let sched;
  try {
    sched = parseStandard(formatSchedule(spec, tz));
  } catch (e) {
    if (e instanceof CronError) throw new UserError(`error: unparseable schedule: ${JSON.stringify(spec)} : ${e.message}`);
    throw e;
  }
  const now = ctx.now().getTime();
  const zoneText = tz != null ? tz : `local time of the engine, ${zone.name}`;
  const c = chalkFor(process.stdout);
  if (cj?.spec?.suspend === true) io.err(`Warning: ${subject} is suspended: no Job is created until it is resumed (suspend: false)\n`);
  const what = opts.schedule !== undefined ? `${subject} (${zoneText})` : `${subject} (${JSON.stringify(spec)}, ${zoneText})`;
  io.out(`Next ${count === 1 ? 'run' : `${count} runs`} of ${what}:\n`);
  if (cj) io.out(lastRun(jobs, cj, zone, now, c));
  const times: number[] = [];
  let t: number | null = now;
  for (let i = 0; i < count; i++) {
    t = sched.next(t!);
    if (t === null) break;
    times.push(t);
  }
  if (times.length === 0) {
    io.out('  none within the next five years (an impossible date, such as February 30?)\n');
    return 0;
  }
  const local = localZone();
  const both = local.name !== zone.name;
  let prevOffset = zone.rfc3339(now).slice(19);
  const rows = times.map((at) => {
    const when = zone.rfc3339(at);
    const offset = when.slice(19);
    const note = offset !== prevOffset ? c.yellow(`clocks change: ${utcOffset(prevOffset)} → ${utcOffset(offset)}`) : '';
    prevOffset = offset;
    return [when, ...(both ? [local.rfc3339(at)] : []), humanDuration(at - now), ...(cj ? [willItRun(jobs, cj, at, c)] : []), note];
  });
  const notes = rows.some((r) => r[r.length - 1] !== '');
  const head = [`RUN (${zone.name})`, ...(both ? [`LOCAL (${local.name})`] : []), 'IN', ...(cj ? ['WILL IT RUN'] : []), ...(notes ? ['NOTE'] : [])];
  const table = new Table({ head: head.map((h) => c.bold(h)), style: { head: [], border: [], compact: true } });
  for (const r of rows) table.push(notes ? r : r.slice(0, -1));
  io.out(table.toString() + '\n');
  return 0;
}

/** "Z" or "+02:00" as "UTC" or "UTC+02:00". */
function utcOffset(o: string): string {
  return o === 'Z' ? 'UTC' : `UTC${o}`;
}

/** The CronJob's Jobs, newest scheduled first. */
async function jobsOf(ctx: Context, cj: CronJobObject): Promise<JobObject[]> {
  const when = (j: JobObject) => parseTime(j.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION]) ?? parseTime(j.metadata.creationTimestamp) ?? 0;
  return (await listKind(ctx, 'Job', cj.metadata.namespace))
    .filter((j) => controllerOf(j)?.uid === cj.metadata.uid)
    .sort((a, b) => when(b) - when(a));
}

/** "Last run: job.batch/x Complete at T, took 3s" (and the Jobs still running). */
function lastRun(jobs: JobObject[], cj: CronJobObject, zone: Zone, now: number, c: ChalkInstance): string {
  const finished = jobs.find((j) => ['Complete', 'Failed'].includes(jobState(j)));
  let out = '';
  if (finished) {
    const state = jobState(finished);
    const end = finished.status?.completionTime ?? (finished.status?.conditions ?? []).find((x) => x.type === 'Failed')?.lastTransitionTime;
    const reason = state === 'Failed' ? (finished.status?.conditions ?? []).find((x) => x.type === 'Failed')?.reason : undefined;
    out += `Last run: job.batch/${finished.metadata.name} ${paintStatus(c, state)}${reason ? ` (${reason})` : ''}${end ? ` at ${zone.rfc3339(Date.parse(end))}` : ''}, took ${humanDuration(jobElapsedMs(finished, now))}\n`;
  } else if (cj.status?.lastScheduleTime) {
    out += `Last run: scheduled at ${zone.rfc3339(Date.parse(cj.status.lastScheduleTime))}, no finished Job kept\n`;
  } else out += 'Last run: none yet\n';
  const active = jobs.filter((j) => !['Complete', 'Failed'].includes(jobState(j)));
  if (active.length) out += `Running now: ${active.map((j) => `job.batch/${j.metadata.name} (${paintStatus(c, jobState(j))})`).join(', ')}\n`;
  return out;
}

/** Whether the controller would start a Job at `at`, as far as can be told now: suspend, and
 * concurrencyPolicy against the Jobs running now (a Job with activeDeadlineSeconds has ended by its deadline). */
function willItRun(jobs: JobObject[], cj: CronJobObject, at: number, c: ChalkInstance): string {
  if (cj.spec?.suspend === true) return c.yellow('skipped: suspended');
  const running = jobs.filter((j) => {
    if (['Complete', 'Failed'].includes(jobState(j))) return false;
    const start = parseTime(j.status?.startTime);
    const ads = j.spec?.activeDeadlineSeconds;
    return !(start !== undefined && typeof ads === 'number' && start + ads * 1000 < at);
  });
  if (running.length === 0) return c.green('runs');
  const names = running.map((j) => j.metadata.name).join(', ');
  switch (cj.spec?.concurrencyPolicy ?? 'Allow') {
    case 'Forbid':
      return c.yellow(`skipped if ${names} still runs (Forbid)`);
    case 'Replace':
      return c.blue(`replaces ${names} if it still runs (Replace)`);
    default:
      return c.green(`runs, beside ${names} if it still runs`);
  }
}
