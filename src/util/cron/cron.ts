// The cron schedule Kubernetes uses: github.com/robfig/cron/v3 (v3.0.1) ParseStandard's grammar,
// with its exact error messages (what robfig refuses, such as six fields, L, W or #, is refused
// here with its words), ConstantDelaySchedule (@every), and SpecSchedule, whose Next() is computed
// by cron-parser through the one adapter that keeps robfig's semantics (robfig_adapter.ts: the
// day-of-month/day-of-week rule, DST gaps and overlaps, the five-year limit). Zone names: zone.ts.
import { goAtoi, parseGoDuration } from '../../util/go.js';
import { type Zone, loadLocation } from './zone.js';
import { RobfigSchedule } from './robfig_adapter.js';

export interface Schedule {
  /** The first activation time strictly after t (ms since the epoch), or null when there is none
   * within five years (robfig returns the zero time). */
  next(t: number): number | null;
}

interface Field {
  bits: boolean[];
  star: boolean;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

export class CronError extends Error {}

/** A schedule of the five (plus seconds) fields, in a location (undefined = time.Local). Next()
 * is robfig's, computed by cron-parser through robfig_adapter.ts. */
export class SpecSchedule implements Schedule {
  private readonly impl: RobfigSchedule;

  constructor(
    readonly second: Field,
    readonly minute: Field,
    readonly hour: Field,
    readonly dom: Field,
    readonly month: Field,
    readonly dow: Field,
    readonly location: Zone | undefined,
  ) {
    const values = (f: Field) => f.bits.flatMap((on, i) => (on ? [i] : []));
    this.impl = new RobfigSchedule(
      {
        second: values(second),
        minute: values(minute),
        hour: values(hour),
        dom: values(dom),
        month: values(month),
        dow: values(dow),
        domStar: dom.star,
        dowStar: dow.star,
      },
      location?.name,
    );
  }

  next(from: number): number | null {
    return this.impl.next(from);
  }
}

/** @every <duration>: a constant delay, whole seconds (at least one). */
export class ConstantDelaySchedule implements Schedule {
  constructor(readonly delayMs: number) {}
  next(t: number): number {
    return Math.floor(t / 1000) * 1000 + this.delayMs;
  }
}

/** Go's %s of a []string: "[a b c]". */
function goList(xs: string[]): string {
  return `[${xs.join(' ')}]`;
}


/** strings.Fields: split on Unicode white space, dropping empty parts. */
function goFields(s: string): string[] {
  return s.split(/[\s\u0085\u00a0]+/u).filter((x) => x !== '');
}

/**
 * robfig/cron ParseStandard: 5 fields (minute hour dom month dow), descriptors, an optional
 * TZ=/CRON_TZ= prefix. Throws CronError with the library's message.
 */
export function parseStandard(spec: string): Schedule {
  if (spec.length === 0) throw new CronError('empty spec string');
  let loc: Zone | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    // Go slices spec[eq+1:i]; without a space that would panic (a 500 from the apiserver).
    const name = i < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, i);
    const z = loadLocation(name);
    if (typeof z === 'string') throw new CronError(`provided bad location ${name}: ${z}`);
    if (i < 0) throw new CronError(`provided bad location ${name}: missing schedule after the time zone`);
    loc = z;
    spec = spec.slice(i).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, loc);
  const fields = goFields(spec);
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: ${goList(fields)}`);
  const second = getField('0', SECONDS);
  const minute = getField(fields[0], MINUTES);
  const hour = getField(fields[1], HOURS);
  const dom = getField(fields[2], DOM);
  const month = getField(fields[3], MONTHS);
  const dow = getField(fields[4], DOW);
  return new SpecSchedule(second, minute, hour, dom, month, dow, loc);
}

/** The parser's error text, or undefined when the schedule parses (the api validation hook). */
export function scheduleError(spec: string): string | undefined {
  try {
    parseStandard(spec);
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

function single(n: number, b: Bounds): Field {
  return { bits: bitsOf(n, n, 1, b), star: false };
}
function all(b: Bounds): Field {
  return { bits: bitsOf(b.min, b.max, 1, b), star: true };
}

function parseDescriptor(d: string, loc: Zone | undefined): Schedule {
  const sec = single(0, SECONDS);
  switch (d) {
    case '@yearly':
    case '@annually':
      return new SpecSchedule(sec, single(0, MINUTES), single(0, HOURS), single(1, DOM), single(1, MONTHS), all(DOW), loc);
    case '@monthly':
      return new SpecSchedule(sec, single(0, MINUTES), single(0, HOURS), single(1, DOM), all(MONTHS), all(DOW), loc);
    case '@weekly':
      return new SpecSchedule(sec, single(0, MINUTES), single(0, HOURS), all(DOM), all(MONTHS), single(0, DOW), loc);
    case '@daily':
    case '@midnight':
      return new SpecSchedule(sec, single(0, MINUTES), single(0, HOURS), all(DOM), all(MONTHS), all(DOW), loc);
    case '@hourly':
      return new SpecSchedule(sec, single(0, MINUTES), all(HOURS), all(DOM), all(MONTHS), all(DOW), loc);
  }
  const every = '@every ';
  if (d.startsWith(every)) {
    let ns: bigint;
    try {
      ns = parseGoDuration(d.slice(every.length));
    } catch (e) {
      throw new CronError(`failed to parse duration ${d}: ${(e as Error).message}`);
    }
    // Every(): below one second is one second; otherwise whole seconds (truncated).
    if (ns < 1_000_000_000n) ns = 1_000_000_000n;
    const delayMs = Number((ns - (ns % 1_000_000_000n)) / 1_000_000n);
    return new ConstantDelaySchedule(delayMs);
  }
  throw new CronError(`unrecognized descriptor: ${d}`);
}

function getField(field: string, b: Bounds): Field {
  const out: Field = { bits: [], star: false };
  for (const expr of field.split(',').filter((x) => x !== '')) {
    const r = getRange(expr, b);
    r.bits.forEach((on, i) => {
      if (on) out.bits[i] = true;
    });
    out.star ||= r.star;
  }
  return out;
}

function getRange(expr: string, b: Bounds): Field {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: bigint;
  let end: bigint;
  let step: bigint;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = BigInt(b.min);
    end = BigInt(b.max);
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  if (rangeAndStep.length === 1) step = 1n;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (singleDigit) end = BigInt(b.max);
    if (step > 1n) star = false;
  } else throw new CronError(`too many slashes: ${expr}`);
  if (start < BigInt(b.min)) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > BigInt(b.max)) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0n) throw new CronError(`step of range should be a positive number: ${expr}`);
  // A step beyond the range sets only the start bit.
  const s = step > 1000n ? 1000 : Number(step);
  return { bits: bitsOf(Number(start), Number(end), s, b), star };
}

function bitsOf(start: number, end: number, step: number, _b: Bounds): boolean[] {
  const bits: boolean[] = [];
  for (let i = start; i <= end; i += step) bits[i] = true;
  return bits;
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): bigint {
  if (names) {
    const n = names[expr.toLowerCase()];
    if (n !== undefined) return BigInt(n);
  }
  return mustParseInt(expr);
}

function mustParseInt(expr: string): bigint {
  let num: bigint;
  try {
    num = goAtoi(expr);
  } catch (e) {
    throw new CronError(`failed to parse int from ${expr}: ${(e as Error).message}`);
  }
  if (num < 0n) throw new CronError(`negative number (${num}) not allowed: ${expr}`);
  return num;
}


/** The schedule the controller evaluates: `TZ=<timeZone> <schedule>` when timeZone is set and loads
 * (formatSchedule), the schedule as written otherwise. */
export function formatSchedule(schedule: string, timeZone: string | undefined | null): string {
  if (schedule.includes('TZ')) return schedule;
  if (timeZone != null) {
    if (typeof loadLocation(timeZone) === 'string') return schedule;
    return `TZ=${timeZone} ${schedule}`;
  }
  return schedule;
}
