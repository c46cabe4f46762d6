// The container runtime: one detached shim per container attempt, state on disk.
//
// pods/<uid>/containers/<container>/<attempt>/
//   id        containerd://<64 hex>
//   started   RFC3339 start time (kubelet clock), written before the spawn
//   shimpid   the shim's pid (session leader)
//   pid       the container process (own session, pgid = pid), written by the shim
//   exit      "<exitCode> <finishedAt>", written by the shim via tmp+mv once the process ended
//             (real time, ms); or by the runtime when it finds the shim gone without one
//   finished  finishedAt on the kubelet's clock, written once when the exit is first seen, so a
//             later `kjob clock advance` or `kjob clock set` does not move it
//   starterror  JSON {message, finishedAt}: the attempt never started (StartError, exit 128)
//   term, kill  times SIGTERM / SIGKILL were sent (deletion)
// run/exits/<ns>_<pod>_<uid>_<container>_<attempt>: touched by the shim after `exit`; the
// engine watches this one directory.
import { pidAlive } from '../util/process.js';
import { rfc3339 } from '../api/types.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { shimArgs } from './shim.js';

export interface AttemptState {
  n: number;
  containerID: string;
  /** startedAt as shown (epoch 0 for StartError). */
  startedAt: string;
  running: boolean;
  exitCode?: number;
  finishedAt?: string;
  startError?: string;
  termSent?: string;
  killSent?: string;
}

export interface StartSpec {
  uid: string;
  namespace: string;
  pod: string;
  container: string;
  n: number;
  containerID: string;
  startedAt: string;
  argv: string[];
  cwd: string;
  /** env for the process when not sandboxed (bwrap sets its own) */
  env?: Map<string, string>;
  logPath: string;
}

export interface ContainerRuntime {
  attempts(uid: string, container: string): AttemptState[];
  start(spec: StartSpec): void;
  recordStartError(uid: string, container: string, n: number, containerID: string, message: string, finishedAt: string): void;
  /** false when the container's pid is not known yet (nothing was sent; try again). */
  signal(uid: string, container: string, n: number, sig: 'SIGTERM' | 'SIGKILL', at: string): boolean;
  anyRunning(): boolean;
  /** The uids that have runtime state. */
  podUids(): string[];
  /** SIGKILL whatever of the pod still runs (containers and shims), then remove its runtime state. */
  removePod(uid: string): void;
}

/** A pod uid as used in file names: no path separators, not . or .. */
export function validUid(uid: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(uid) && !uid.includes('..');
}

export function newContainerID(): string {
  return 'containerd://' + randomBytes(32).toString('hex');
}

export function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Writes file atomically unless it already exists, and returns its content: the first writer
 * wins (link(2) does not replace), so a value derived once stays fixed for every later reader.
 */
function writeOnce(file: string, data: string): string {
  const tmp = `${file}.tmp${process.pid}`;
  try {
    fs.writeFileSync(tmp, data);
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    return fs.readFileSync(file, 'utf8');
  } catch {
    return data; // e.g. the directory was removed meanwhile: nothing to keep it in
  } finally {
    try { fs.unlinkSync(tmp); } catch { /* not written */ }
  }
}

function readOpt(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export { pidAlive };

/**
 * Where no perl is installed: the container's stdout and stderr go raw into the log file, without
 * timestamps or rotation (`kjob logs` prints such lines as they are). $1 attempt dir, $2 log
 * file, $3 notification file, then the command; the same exit protocol as the perl shim.
 */
const RAW_SHIM = [
  'd=$1; log=$2; note=$3; shift 3',
  'setsid "$@" >>"$log" 2>&1 </dev/null &',
  'c=$!',
  'echo $c >"$d/pid.tmp" && mv -f "$d/pid.tmp" "$d/pid"',
  'wait $c; code=$?',
  'echo "$code $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >"$d/exit.tmp" && mv -f "$d/exit.tmp" "$d/exit"',
  ': >"$note"',
].join('\n');

/** The perl that runs the container shim (src/kubelet/shim.ts), looked up once. */
let perlPath: string | null | undefined;
function perl(): string | null {
  if (perlPath === undefined) {
    const dirs = ['/usr/bin', '/bin', ...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/'))];
    perlPath = dirs.map((d) => path.join(d, 'perl')).find((p) => { try { fs.accessSync(p, fs.constants.X_OK); return true; } catch { return false; } }) ?? null;
  }
  return perlPath;
}

export class ProcessRuntime implements ContainerRuntime {
  /**
   * fromReal maps a real instant to the kubelet's clock: the shim records a container's finish in
   * real time, while under a simulated clock (`kjob clock`) every other pod time is simulated.
   */
  constructor(
    private readonly home: string,
    private readonly fromReal: (realMs: number) => number = (ms) => ms,
  ) {}

  private clockTime(realMs: number): string {
    return rfc3339(new Date(this.fromReal(realMs)));
  }

  exitsDir(): string {
    return path.join(this.home, 'run', 'exits');
  }

  attemptDir(uid: string, container: string, n: number): string {
    return path.join(this.home, 'pods', uid, 'containers', container, String(n));
  }

  attempts(uid: string, container: string): AttemptState[] {
    const base = path.join(this.home, 'pods', uid, 'containers', container);
    let names: string[];
    try {
      names = fs.readdirSync(base);
    } catch {
      return [];
    }
    const out: AttemptState[] = [];
    for (const nm of names) {
      if (!/^\d+$/.test(nm)) continue;
      const d = path.join(base, nm);
      const id = readOpt(path.join(d, 'id'))?.trim();
      if (!id) continue;
      const a: AttemptState = { n: Number(nm), containerID: id, startedAt: readOpt(path.join(d, 'started'))?.trim() ?? '', running: false };
      a.termSent = readOpt(path.join(d, 'term'))?.trim();
      a.killSent = readOpt(path.join(d, 'kill'))?.trim();
      const se = readOpt(path.join(d, 'starterror'));
      if (se) {
        const j = JSON.parse(se);
        Object.assign(a, { startedAt: '1970-01-01T00:00:00Z', exitCode: 128, finishedAt: j.finishedAt, startError: j.message });
      } else {
        let ex = readOpt(path.join(d, 'exit'));
        if (!ex) {
          const pid = Number(readOpt(path.join(d, 'pid')));
          const shim = Number(readOpt(path.join(d, 'shimpid')));
          if (pidAlive(pid) || pidAlive(shim)) a.running = true;
          // Both gone: the shim may have recorded the exit just before it ended; if not, it died
          // without recording it (killed, or the machine rebooted). Record the loss once, so the
          // finish time (and the restart back-off that counts from it) stays put.
          else ex = readOpt(path.join(d, 'exit')) ?? this.recordLost(d, a.killSent);
        }
        if (ex) {
          const [code, fin] = ex.trim().split(/\s+/);
          a.exitCode = Number(code);
          a.finishedAt = readOpt(path.join(d, 'finished'))?.trim() || writeOnce(path.join(d, 'finished'), this.clockTime(Date.parse(fin)) + '\n').trim();
        }
      }
      out.push(a);
    }
    return out.sort((x, y) => x.n - y.n);
  }

  /** The exit of an attempt whose shim vanished: 137 if a SIGKILL was sent (at that time), else 255 now. */
  private recordLost(d: string, killSent: string | undefined): string {
    const realNow = new Date().toISOString();
    writeOnce(path.join(d, 'finished'), (killSent ?? this.clockTime(Date.parse(realNow))) + '\n');
    return writeOnce(path.join(d, 'exit'), `${killSent ? 137 : 255} ${realNow}\n`);
  }

  start(s: StartSpec): void {
    const d = this.attemptDir(s.uid, s.container, s.n);
    fs.mkdirSync(d, { recursive: true });
    fs.mkdirSync(path.dirname(s.logPath), { recursive: true });
    fs.mkdirSync(this.exitsDir(), { recursive: true });
    writeAtomic(path.join(d, 'started'), s.startedAt + '\n');
    writeAtomic(path.join(d, 'id'), s.containerID + '\n');
    const note = path.join(this.exitsDir(), `${s.namespace}_${s.pod}_${s.uid}_${s.container}_${s.n}`);
    const env = s.env ? Object.fromEntries(s.env) : { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    // Without a sandbox, the shim needs its own tools on a usable PATH; the container gets its env via env -i.
    const argv = s.env ? ['/usr/bin/env', '-i', ...[...s.env].map(([k, v]) => `${k}=${v}`), ...s.argv] : s.argv;
    const shimEnv: NodeJS.ProcessEnv = s.env ? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } : env;
    // The shim names rotated log files in local time, as the kubelet does: the engine's zone.
    if (process.env.TZ) shimEnv.TZ = process.env.TZ;
    const perlExe = perl();
    const [exe, args] = perlExe
      ? [perlExe, shimArgs({ attemptDir: d, logPath: s.logPath, note, argv })]
      : ['/bin/sh', ['-c', RAW_SHIM, 'kjob-shim', d, s.logPath, note, ...argv]];
    const child = spawn(exe, args, { cwd: s.cwd, detached: true, stdio: 'ignore', env: shimEnv });
    child.on('error', () => { /* recorded as a lost shim by attempts() */ });
    if (child.pid) writeAtomic(path.join(d, 'shimpid'), `${child.pid}\n`);
    child.unref();
  }

  recordStartError(uid: string, container: string, n: number, containerID: string, message: string, finishedAt: string): void {
    const d = this.attemptDir(uid, container, n);
    fs.mkdirSync(d, { recursive: true });
    writeAtomic(path.join(d, 'starterror'), JSON.stringify({ message, finishedAt }));
    writeAtomic(path.join(d, 'started'), '1970-01-01T00:00:00Z\n');
    writeAtomic(path.join(d, 'id'), containerID + '\n');
  }

  signal(uid: string, container: string, n: number, sig: 'SIGTERM' | 'SIGKILL', at: string): boolean {
    const d = this.attemptDir(uid, container, n);
    const pid = Number(readOpt(path.join(d, 'pid')));
    // The shim writes the pid just after it spawns the container: until then there is nobody to
    // signal, and the caller tries again rather than recording a signal that was never sent.
    if (!(pid > 0)) return false;
    writeAtomic(path.join(d, sig === 'SIGTERM' ? 'term' : 'kill'), at + '\n');
    {
      // In the sandbox the group leader is bwrap, which would die of the SIGTERM and leave the
      // container's processes running unsupervised; the graceful signal goes to the container's
      // processes only, and bwrap exits with their status. SIGKILL takes the whole group.
      if (sig === 'SIGTERM' && readOpt(`/proc/${pid}/comm`)?.trim() === 'bwrap') {
        for (const member of processGroupMembers(pid)) {
          if (member === pid) continue;
          try { process.kill(member, sig); } catch { /* gone */ }
        }
        return true;
      }
      try {
        process.kill(-pid, sig);
      } catch {
        try { process.kill(pid, sig); } catch { /* gone */ }
      }
    }
    return true;
  }

  anyRunning(): boolean {
    const podsDir = path.join(this.home, 'pods');
    let uids: string[] = [];
    try { uids = fs.readdirSync(podsDir); } catch { return false; }
    for (const uid of uids) {
      let cs: string[] = [];
      try { cs = fs.readdirSync(path.join(podsDir, uid, 'containers')); } catch { continue; }
      for (const c of cs) if (this.attempts(uid, c).some((a) => a.running)) return true;
    }
    return false;
  }

  podUids(): string[] {
    try {
      return fs.readdirSync(path.join(this.home, 'pods')).filter(validUid);
    } catch {
      return [];
    }
  }

  removePod(uid: string): void {
    if (!validUid(uid)) return;
    const podDir = path.join(this.home, 'pods', uid);
    let cs: string[] = [];
    try { cs = fs.readdirSync(path.join(podDir, 'containers')); } catch { /* none started */ }
    for (const c of cs) {
      let ns: string[] = [];
      try { ns = fs.readdirSync(path.join(podDir, 'containers', c)); } catch { continue; }
      for (const n of ns) if (/^\d+$/.test(n)) killAttempt(path.join(podDir, 'containers', c, n));
    }
    fs.rmSync(podDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * SIGKILL what is left of an attempt. One that has not ended (no exit recorded): the shim's
 * process group, so it records nothing more, and the container's, which has its own session; a
 * container whose pid the shim has not written yet is found as the shim's child. One that ended:
 * processes its main process left behind in its group (a process group keeps its id, so no new
 * process can have it, while it has members).
 */
function killAttempt(d: string): void {
  if (fs.existsSync(path.join(d, 'starterror'))) return;
  if (fs.existsSync(path.join(d, 'exit'))) {
    const pid = Number(readOpt(path.join(d, 'pid')));
    // A live process with that pid is a newer one: the container's had ended.
    if (pid > 0 && !pidAlive(pid) && processGroupMembers(pid).length) killGroup(pid);
    return;
  }
  const shim = Number(readOpt(path.join(d, 'shimpid')));
  const targets = new Set<number>();
  if (pidAlive(shim)) for (const child of childrenOf(shim)) targets.add(child);
  if (pidAlive(shim)) killGroup(shim);
  const pid = Number(readOpt(path.join(d, 'pid')));
  if (pidAlive(pid)) targets.add(pid);
  for (const t of targets) killGroup(t);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

/** The pids whose /proc/<pid>/stat field (after the command name) has this value. */
function processesWhere(field: 'ppid' | 'pgid', value: number): number[] {
  const index = field === 'ppid' ? 1 : 2; // fields 4 and 5 of /proc/<pid>/stat
  const out: number[] = [];
  let names: string[] = [];
  try { names = fs.readdirSync('/proc'); } catch { return out; }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const stat = readOpt(`/proc/${n}/stat`);
    if (!stat) continue;
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[index]) === value) out.push(Number(n));
  }
  return out;
}

const childrenOf = (ppid: number) => processesWhere('ppid', ppid);
const processGroupMembers = (pgid: number) => processesWhere('pgid', pgid);
