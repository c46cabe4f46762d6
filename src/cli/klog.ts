// kubectl's main reports some errors (cobra's required flags) through klog, as a klog line.
import { twoDigits } from '../util/go.js';

/** A klog error line (E MMDD hh:mm:ss.uuuuuu PID file:line] msg), as kubectl prints it. */
export function klogError(where: string, msg: string): string {
  const d = new Date();
  const us = String(d.getMilliseconds() * 1000).padStart(6, '0');
  return `E${twoDigits(d.getMonth() + 1)}${twoDigits(d.getDate())} ${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}:${twoDigits(d.getSeconds())}.${us} ${String(process.pid).padStart(7)} ${where}] ${msg}`;
}
