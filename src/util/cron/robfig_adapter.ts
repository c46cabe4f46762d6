// The one adapter between cron-parser (the time arithmetic: next times, time zones, DST) and the
// schedule semantics Kubernetes has, robfig/cron v3's SpecSchedule.Next. cron.ts parses the
// grammar (with robfig's messages) into field sets; this file turns them into a cron-parser
// expression and corrects the few places where cron-parser follows Vixie cron instead of robfig:
//
// - Day of month / day of week: robfig ORs them only when neither field has a star ("*", "?",
//   "*/1"); "*/2" or "1-31" are not stars. The star flags are handed to cron-parser as its
//   wildcard flags, and every time it returns is checked with robfig's rule.
// - A DST gap (spring forward): robfig walks absolute time, so a wall time that does not exist
//   that day ("30 2 * * *" in New York on the day of the change) does not run; cron-parser runs
//   it at the hour it lands on. Such a time does not match the fields and is skipped.
// - A DST overlap (fall back): robfig runs a repeated wall time at each occurrence ("30 1 * * *"
//   runs at 01:30 EDT and again at 01:30 EST, robfig's own spec_test.go vectors); cron-parser runs
//   it once. The second occurrences near the starting instant are added back.
// - No time within five years: robfig returns the zero time (null here); cron-parser would search
//   further or throw.
// - Next is strictly after the starting second, at whole seconds, as robfig's "upcoming second".
import { createRequire } from 'node:module';
import type * as CronParser from 'cron-parser';
import type { CronExpression } from 'cron-parser';
import { localZone } from './zone.js';

// Loaded on first use: validation imports this module, and `kjob get` should not pay for it.
let cronParser: typeof CronParser | undefined;
const lib = (): typeof CronParser => (cronParser ??= loadCronParser());

function loadCronParser(): typeof CronParser {
  const req = createRequire(import.meta.url);
  const parser = req('cron-parser') as typeof CronParser;
  // cron-parser's luxon asks ICU for the system's locale on its first date (12 ms, and about 8 MB
  // of ICU's data held by an engine for its life), though no date is ever formatted here: told
  // one, it never asks. Its own copy of luxon, found from cron-parser's place.
  const luxon = createRequire(req.resolve('cron-parser'))('luxon') as { Settings: { defaultLocale: string } };
  luxon.Settings.defaultLocale = 'en-US';
  return parser;
}

/** The field sets robfig's parser produces (bit sets as sorted value lists), and the star flags
 * of the two day fields. */
export interface RobfigFields {
  second: number[];
  minute: number[];
  hour: number[];
  dom: number[];
  month: number[];
  dow: number[];
  domStar: boolean;
  dowStar: boolean;
}

/** Wall-clock fields of an instant in a zone. */
export interface Zoned {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
  offsetMinutes: number;
}

/** The wall clock of instant t (ms) in zone tz (an IANA name), from cron-parser's CronDate. */
export function zoned(t: number, tz: string): Zoned {
  const d = new (lib().CronDate)(t, tz);
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
    weekday: d.getDay(),
    offsetMinutes: d.getUTCOffset(),
  };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Wider than any DST shift (Antarctica/Troll moves two hours). */
const WINDOW = 3 * HOUR;
/** How far around a DST change cron-parser stumbled on a scan looks. */
const SCAN = 24 * HOUR;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export class RobfigSchedule {
  private readonly sets: { second: Set<number>; minute: Set<number>; hour: Set<number>; dom: Set<number>; month: Set<number>; dow: Set<number> };
  private readonly exprs = new Map<string, CronExpression | null>();
  /** A day-of-month that no listed month has, with a star day of week: never (robfig: zero time). */
  private readonly impossible: boolean;

  /** tz: an IANA zone name, or undefined for time.Local (the process's zone when next() runs). */
  constructor(private readonly f: RobfigFields, private readonly tz: string | undefined) {
    this.sets = {
      second: new Set(f.second),
      minute: new Set(f.minute),
      hour: new Set(f.hour),
      dom: new Set(f.dom),
      month: new Set(f.month),
      dow: new Set(f.dow),
    };
    this.impossible = !f.domStar && f.dowStar && !f.month.some((m) => f.dom.some((d) => d <= DAYS_IN_MONTH[m - 1]));
  }

  /** robfig's SpecSchedule.Next(t): the first activation strictly after t's second, or null when
   * there is none up to the end of the fifth year after t. */
  next(from: number): number | null {
    if (this.impossible) return null;
    const tz = this.tz ?? localZone().name;
    const expr = this.expression(tz);
    if (!expr) return null;
    const start = Math.floor(from / 1000) * 1000;
    const yearLimit = zoned(start + 1000, tz).year + 5;
    let cur = start;
    // Each round skips one time cron-parser gave that robfig would not (a DST-gap landing).
    for (let round = 0; round < 50; round++) {
      let c = this.cronParserNext(expr, cur);
      if (c === undefined) {
        // cron-parser gave up (its loop limit) at a DST change it cannot step over (it does at
        // Lord Howe's 30-minute fall-back), having found nothing before it: look minute by minute
        // around that change, then go on after it.
        const change = this.nextChange(tz, cur);
        if (change === undefined) return null;
        const scanned = this.scanBetween(tz, Math.max(cur, change - SCAN), change + SCAN);
        if (scanned !== null) return zoned(scanned, tz).year > yearLimit ? null : scanned;
        cur = change + SCAN;
        if (zoned(cur, tz).year > yearLimit) return null;
        continue;
      }
      const again = this.secondOccurrence(tz, cur, c);
      if (again !== null) c = again;
      if (c === null || zoned(c, tz).year > yearLimit) return null;
      if (this.matches(zoned(c, tz))) return c;
      cur = c;
    }
    return null;
  }

  private expression(tz: string): CronExpression | null {
    let e = this.exprs.get(tz);
    if (e !== undefined) return e;
    const f = this.f;
    try {
      const fields = new (lib().CronFieldCollection)({
        second: new (lib().CronSecond)(f.second as never),
        minute: new (lib().CronMinute)(f.minute as never),
        hour: new (lib().CronHour)(f.hour as never),
        dayOfMonth: new (lib().CronDayOfMonth)(f.dom as never, { wildcard: f.domStar }),
        month: new (lib().CronMonth)(f.month as never),
        dayOfWeek: new (lib().CronDayOfWeek)(f.dow as never, { wildcard: f.dowStar }),
      });
      e = new (lib().CronExpression)(fields, { tz, currentDate: 0 });
    } catch {
      e = null;
    }
    this.exprs.set(tz, e);
    return e;
  }

  /** cron-parser's next time strictly after the instant t (whole seconds); undefined when it
   * gives up (the schedule is possible: impossible ones never get here). */
  private cronParserNext(expr: CronExpression, t: number): number | undefined {
    expr.reset(new Date(t));
    try {
      return expr.next().getTime();
    } catch {
      return undefined;
    }
  }

  /** The first change of the zone's offset after t (to the minute), within about a year. */
  private nextChange(tz: string, t: number): number | undefined {
    const at = zoned(t, tz).offsetMinutes;
    for (let x = t + 12 * HOUR; x < t + 400 * 24 * HOUR; x += 12 * HOUR) {
      if (zoned(x, tz).offsetMinutes === at) continue;
      let lo = Math.floor((x - 12 * HOUR) / MINUTE);
      let hi = Math.ceil(x / MINUTE);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (zoned(mid * MINUTE, tz).offsetMinutes === at) lo = mid;
        else hi = mid;
      }
      return hi * MINUTE;
    }
    return undefined;
  }

  /**
   * A repeated wall time cron-parser passed over: the earliest match after t and before c in a
   * DST fall-back overlap that t or c is near. cron-parser runs a repeated time once, so from
   * inside an overlap it skips the second occurrences, and when the overlap starts at midnight it
   * can land on the second occurrence and skip the first. Elsewhere its answer is robfig's.
   */
  private secondOccurrence(tz: string, t: number, c: number): number | null {
    let best: number | null = null;
    for (const near of c - t > WINDOW ? [t, c] : [t]) {
      const overlap = this.fallBack(tz, near);
      if (!overlap) continue;
      // the repeated wall times: [change - d, change) and again [change, change + d)
      const found = this.scanBetween(tz, Math.max(t, overlap.change - overlap.d - 1), Math.min(best ?? c, c, overlap.change + overlap.d));
      if (found !== null && (best === null || found < best)) best = found;
    }
    return best;
  }

  /** The fall-back change within WINDOW of instant x (its first minute with the new offset, and
   * the length of the shift), or undefined. */
  private fallBack(tz: string, x: number): { change: number; d: number } | undefined {
    const before = zoned(x - WINDOW, tz).offsetMinutes;
    const after = zoned(x + WINDOW, tz).offsetMinutes;
    if (after >= before) return undefined;
    let lo = Math.floor((x - WINDOW) / MINUTE);
    let hi = Math.ceil((x + WINDOW) / MINUTE);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zoned(mid * MINUTE, tz).offsetMinutes === before) lo = mid;
      else hi = mid;
    }
    return { change: hi * MINUTE, d: (before - after) * MINUTE };
  }

  /** The first matching time in (from, to), minute by minute. */
  private scanBetween(tz: string, from: number, to: number): number | null {
    for (let s = Math.floor(from / MINUTE) * MINUTE; s < to; s += MINUTE) {
      for (const sec of this.f.second) {
        const at = s + sec * 1000;
        if (at > from && at < to && this.matches(zoned(at, tz))) return at;
      }
    }
    return null;
  }

  /** Whether a wall clock matches the fields, with robfig's day rule. */
  private matches(z: Zoned): boolean {
    const s = this.sets;
    if (!s.second.has(z.second) || !s.minute.has(z.minute) || !s.hour.has(z.hour) || !s.month.has(z.month)) return false;
    const domMatch = s.dom.has(z.day);
    const dowMatch = s.dow.has(z.weekday);
    if (this.f.domStar || this.f.dowStar) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }
}
