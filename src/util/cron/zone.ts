// Go's time.Location as the CronJob controller meets it: which names time.LoadLocation accepts
// (and its error text), the zone of the process (time.Local), and an instant formatted in a zone.
// No time arithmetic here: offsets and wall clocks come from cron-parser's CronDate (robfig_adapter.ts).
import fs from 'node:fs';
import path from 'node:path';
import { zoned } from './robfig_adapter.js';

export class Zone {
  /** name is an IANA name ("UTC" for UTC). */
  constructor(readonly name: string) {}

  /** RFC3339 in this zone, as Go's Format(time.RFC3339): whole seconds, "Z" for a zero offset. */
  rfc3339(t: number): string {
    const d = zoned(Math.floor(t / 1000) * 1000, this.name);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const year = d.year < 0 ? `-${p(-d.year, 4)}` : p(d.year, 4);
    const base = `${year}-${p(d.month)}-${p(d.day)}T${p(d.hour)}:${p(d.minute)}:${p(d.second)}`;
    if (d.offsetMinutes === 0) return base + 'Z';
    const m = Math.abs(d.offsetMinutes);
    return `${base}${d.offsetMinutes < 0 ? '-' : '+'}${p(Math.floor(m / 60))}:${p(m % 60)}`;
  }
}

const ZONE_DIRS = ['/usr/share/zoneinfo', '/usr/share/lib/zoneinfo', '/usr/lib/locale/TZ', '/etc/zoneinfo'];
let supported: Set<string> | undefined;
const zones = new Map<string, Zone>();

/**
 * time.LoadLocation: the zone, or the Go error text. "" and "UTC" are UTC. Names are
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
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return err;
  }
  supported ??= new Set(Intl.supportedValuesOf('timeZone'));
  const exact = supported.has(name) || resolved === name || ZONE_DIRS.some((d) => isFile(path.join(d, name)));
  if (!exact) return err;
  const zone = new Zone(name);
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

/**
 * The zone a zoneinfo link names (/etc/localtime -> /usr/share/zoneinfo/Europe/Paris), as ICU
 * and Go read it, without starting ICU (about 12 ms, and its data held for the life of an engine);
 * undefined when the file is no such link (then Intl tells).
 */
export function linkedZone(file: string): string | undefined {
  let target: string;
  try {
    target = fs.readlinkSync(file);
  } catch {
    return undefined;
  }
  const i = target.lastIndexOf('zoneinfo/');
  if (i < 0) return undefined;
  const name = target.slice(i + 'zoneinfo/'.length).replace(/^(posix|right)\//, '');
  return /^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(name) ? name : undefined;
}

let local: { tz: string | undefined; zone: Zone } | undefined;
/** time.Local: the zone of this process (TZ, or /etc/localtime). */
export function localZone(): Zone {
  if (!local || local.tz !== process.env.TZ) {
    const name = (process.env.TZ === undefined ? linkedZone('/etc/localtime') : undefined) ?? (new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
    local = { tz: process.env.TZ, zone: name === 'UTC' || name === 'Etc/UTC' ? utcZone : new Zone(name) };
  }
  return local.zone;
}
