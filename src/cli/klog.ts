// kubectl's main reports some errors (cobra's required flags) through klog, as a klog line.
import { twoDigits } from '../util/go.js';
import { UserError } from '../errors.js';

/** A klog line (S MMDD hh:mm:ss.uuuuuu PID file:line] msg, S the severity), as kubectl prints it. */
function klogLine(severity: 'E' | 'W' | 'I', where: string, msg: string): string {
  const d = new Date();
  const us = String(d.getMilliseconds() * 1000).padStart(6, '0');
  return `${severity}${twoDigits(d.getMonth() + 1)}${twoDigits(d.getDate())} ${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}:${twoDigits(d.getSeconds())}.${us} ${String(process.pid).padStart(7)} ${where}] ${msg}`;
}

export const klogError = (where: string, msg: string): string => klogLine('E', where, msg);
export const klogWarning = (where: string, msg: string): string => klogLine('W', where, msg);
export const klogInfo = (where: string, msg: string): string => klogLine('I', where, msg);

/** cobra's error for required flags (MarkFlagRequired) not given, as kubectl's main reports it through klog. */
export function requiredFlagsError(missing: string[]): UserError {
  return new UserError(klogError('run.go:72', `"command failed" err="required flag(s) ${missing.map((m) => `\\"${m}\\"`).join(', ')} not set"`));
}

/** cobra's check of the required flags before a command runs: all the ones not given (undefined) are named. */
export function requireFlags(given: Record<string, unknown>): void {
  const missing = Object.keys(given).filter((f) => given[f] === undefined);
  if (missing.length) throw requiredFlagsError(missing);
}
