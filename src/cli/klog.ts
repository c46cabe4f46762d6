// kubectl's main reports some errors (cobra's required flags) through klog, as a klog line.

/** A klog error line (E MMDD hh:mm:ss.uuuuuu PID file:line] msg), as kubectl prints it. */
export function klogError(where: string, msg: string): string {
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const us = String(d.getMilliseconds() * 1000).padStart(6, '0');
  return `E${p2(d.getMonth() + 1)}${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us} ${String(process.pid).padStart(7)} ${where}] ${msg}`;
}
