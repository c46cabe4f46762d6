// `kjob schedule cronjob/NAME [--count N]` (kjob only; kubectl has no such command): the next N
// times the CronJob controller will create a Job, in the CronJob's time zone, computed exactly as
// the controller computes them (robfig/cron, timeZone, the state directory's clock).
// `kjob schedule --schedule SPEC [--time-zone TZ]` does the same for a schedule not yet applied.
import type { KObject } from '../api/types.js';
import { parseResourceArgs } from './args.js';
import { groupResource, kindGroup, resourceForKind } from '../api/resources.js';
import { UserError } from '../errors.js';
import { humanDuration } from '../printers/duration.js';
import { CronError, formatSchedule, parseStandard } from '../util/cron/cron.js';
import { loadLocation, localZone, type Zone } from '../util/cron/zone.js';
import { notFound } from '../errors.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

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
  let cj: KObject | undefined;
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
    cj = ctx.store.get('CronJob', ctx.namespace, names[0].n);
    if (!cj) throw notFound(groupResource(resourceForKind('CronJob')!), names[0].n);
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
  if (cj?.spec?.suspend === true) io.err(`Warning: ${subject} is suspended: no Job is created until it is resumed (suspend: false)\n`);
  const what = opts.schedule !== undefined ? `${subject} (${zoneText})` : `${subject} (${JSON.stringify(spec)}, ${zoneText})`;
  io.out(`Next ${count === 1 ? 'run' : `${count} runs`} of ${what}:\n`);
  const rows: [string, string][] = [];
  let t: number | null = now;
  for (let i = 0; i < count; i++) {
    t = sched.next(t!);
    if (t === null) break;
    rows.push([zone.rfc3339(t), `in ${humanDuration(t - now)}`]);
  }
  if (rows.length === 0) {
    io.out('  none within the next five years (an impossible date, such as February 30?)\n');
    return 0;
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [a, b] of rows) io.out(`  ${a.padEnd(w)}   ${b}\n`);
  return 0;
}
