// Go's time.Location for the cron schedule, on top of Intl: the offset of an IANA zone at an
// instant, the wall-clock fields of an instant in a zone, and time.Date's way of turning a wall
// clock (possibly skipped or repeated by a daylight-saving change) back into an instant.
import fs from 'node:fs';
import path from 'node:path';

export interface Fields {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

export class Zone {
  private readonly fmt?: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  /** name is an IANA name; "UTC" is served without Intl. */
  constructor(readonly name: string) {
    if (name !== 'UTC') {
      this.fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    }
  }

  /** Offset from UTC in ms at instant t (wall clock = t + offset). */
  offsetMs(t: number): number {
    if (!this.fmt) return 0;
    const sec = Math.floor(t / 1000) * 1000;
    const bucket = Math.floor(sec / 60_000);
    const hit = this.cache.get(bucket);
    if (hit !== undefined) return hit;
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(new Date(sec))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = wallMs(p.year, p.month, p.day, p.hour, p.minute, p.second);
    const off = wall - sec;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(bucket, off);
    return off;
  }

  fields(t: number): Fields {
    const d = new Date(t + this.offsetMs(t));
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }

  /** Go's time.Date(year, month, day, hour, min, sec, 0, loc): fields are normalised (month 13 is
   * January of the next year); a wall clock skipped by DST lands after the gap, a repeated one on
   * its first occurrence, exactly as Go's lookup-then-adjust does. */
  date(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const local = wallMs(year, month, day, hour, minute, second);
    return local - this.offsetMs(local - this.offsetMs(local));
  }

  /** RFC3339 in this zone, as Go's Format(time.RFC3339): "Z" for a zero offset. */
  rfc3339(t: number): string {
    const off = this.offsetMs(t);
    const d = new Date(Math.floor(t / 1000) * 1000 + off);
    const base = d.toISOString().slice(0, 19);
    if (off === 0) return base + 'Z';
    const m = Math.round(Math.abs(off) / 60_000);
    return `${base}${off < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }
}

/** Milliseconds of a wall clock read as UTC (works for any year, normalising overflowing fields). */
export function wallMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

const ZONE_DIRS = ['/usr/share/zoneinfo', '/usr/share/lib/zoneinfo', '/usr/lib/locale/TZ', '/etc/zoneinfo'];
let supported: Set<string> | undefined;
const zones = new Map<string, Zone>();

/**
 * time.LoadLocation: undefined for "" and "UTC" (UTC), the zone, or the Go error text. Names are
 * case-sensitive as on Linux ("europe/paris" is unknown even though Intl would accept it).
 */
export function loadLocation(name: string): Zone | string {
  if (name === '' || name === 'UTC') return utcZone;
  if (name === 'Local') return localZone();
  const cached = zones.get(name);
  if (cached) return cached;
  const err = `unknown time zone ${name}`;
  // Go refuses names that could escape the zoneinfo directory.
  if (name.includes('..') || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return err;
  let zone: Zone;
  try {
    zone = new Zone(name);
  } catch {
    return err;
  }
  supported ??= new Set(Intl.supportedValuesOf('timeZone'));
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  const exact = supported.has(name) || resolved === name || ZONE_DIRS.some((d) => isFile(path.join(d, name)));
  if (!exact) return err;
  zones.set(name, zone);
  return zone;
}

/** The error text of time.LoadLocation(name), or undefined when it loads (the validation hook). */
export function loadLocationError(name: string): string | undefined {
  const z = loadLocation(name);
  return typeof z === 'string' ? z : undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export const utcZone = new Zone('UTC');

let local: Zone | undefined;
/** time.Local: the zone of this process (TZ, or /etc/localtime). */
export function localZone(): Zone {
  if (!local) {
    const name = new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    local = name === 'UTC' || name === 'Etc/UTC' ? utcZone : new Zone(name);
  }
  return local;
}
