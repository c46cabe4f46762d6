// Container log files: logs/<ns>_<pod>_<uid>/<container>/<restartCount>.log (raw output).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KObject } from '../api/types.js';
import { StatusError } from '../errors.js';

export function podLogDir(home: string, pod: KObject): string {
  return path.join(home, 'logs', `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`);
}

export function containerLogPath(home: string, pod: KObject, container: string, restart: number): string {
  return path.join(podLogDir(home, pod), container, `${restart}.log`);
}

/** The uid of a pod log directory's name (<ns>_<pod>_<uid>; names and namespaces have no "_"). */
function logDirUid(name: string): string | undefined {
  const i = name.lastIndexOf('_');
  return i > 0 ? name.slice(i + 1) : undefined;
}

/** Removes the log directories of the pods whose uid remove() accepts. */
export function removePodLogs(home: string, remove: (uid: string) => boolean): void {
  const dir = path.join(home, 'logs');
  let names: string[] = [];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const n of names) {
    const uid = logDirUid(n);
    if (uid && remove(uid)) fs.rmSync(path.join(dir, n), { recursive: true, force: true, maxRetries: 3 });
  }
}

function attemptsOnDisk(home: string, pod: KObject, container: string): number[] {
  try {
    return fs.readdirSync(path.join(podLogDir(home, pod), container))
      .map((f) => /^(\d+)\.log$/.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])).sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** The latest attempt's log, or with previous the one before it (kubelet: restartCount-1). */
export function readContainerLog(home: string, pod: KObject, container: string, opts: { previous?: boolean } = {}): string {
  const ns = attemptsOnDisk(home, pod, container);
  if (opts.previous) {
    if (ns.length < 2) throw new StatusError('BadRequest', `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    return fs.readFileSync(containerLogPath(home, pod, container, ns[ns.length - 2]), 'utf8');
  }
  if (!ns.length) return '';
  return fs.readFileSync(containerLogPath(home, pod, container, ns[ns.length - 1]), 'utf8');
}

/** Streams the latest attempt's log from the start until isDone() and nothing is left to read. */
export async function followContainerLog(home: string, pod: KObject, container: string, write: (chunk: string) => void, isDone: () => boolean): Promise<void> {
  let file: string | undefined;
  let offset = 0;
  const decoder = new TextDecoder();
  const drain = (): void => {
    if (!file) {
      const ns = attemptsOnDisk(home, pod, container);
      if (!ns.length) return;
      file = containerLogPath(home, pod, container, ns[ns.length - 1]);
    }
    let fd: number;
    try { fd = fs.openSync(file, 'r'); } catch { return; }
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        const s = decoder.decode(buf.subarray(0, n), { stream: true });
        if (s) write(s);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  for (;;) {
    const done = isDone();
    drain();
    if (done) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = decoder.decode();
  if (tail) write(tail);
}
