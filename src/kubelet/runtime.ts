// The container runtime: one detached shim per container attempt (a process, or a thread of the
// native spawner), state on disk.
//
// pods/<uid>/containers/<container>/<attempt>/
//   id        containerd://<64 hex>
//   started   RFC3339 start time (kubelet clock), written before the spawn
//   shimpid   the shim's pid (session leader); its argv names this directory, so a shim whose
//             pid was not written yet (the engine was killed just after the spawn) is found in /proc.
//             Or "PID:TID:FD", written by the shim itself: a thread of the native spawner, which
//             holds this directory open as descriptor FD while it runs (liveShim)
//   pid       the container process (own session, pgid = pid), written by the shim: in the
//             sandbox, bwrap, whose one child is the container's PID 1
//   cgroup    JSON list of the attempt's cgroup directories (cgroups.ts), removed once they are
//   reason    "OOMKilled" or empty: read from the cgroup once the container ended (by the shim,
//             native or perl, before it writes the exit, else by reapAttempt)
//   reaped    the attempt ended and nothing of it is left (leftover processes, cgroups)
//   exit      "<exitCode> <finishedAt>", written by the shim via tmp+mv once the process ended
//             (real time, ms); or by the runtime when it finds the shim gone without one
//   finished  finishedAt on the kubelet's clock, to the millisecond (an older kjob wrote whole
//             seconds), written once when the exit is first seen, so a later `kjob clock
//             advance` or `kjob clock set` does not move it
//   starterror  JSON {message, finishedAt}: the attempt never started (StartError, exit 128);
//             or {cgroup}, written by the shim's child when a cgroup could not be made (the
//             attempt's start time is its finish)
//   term, kill  times SIGTERM / SIGKILL were sent (the kubelet's clock, to the millisecond: the
//             grace period and the 2 s minimum count from them; an older kjob wrote whole seconds)
// An attempt with an id but neither a pid nor a live shim was recorded by an engine killed before
// the container could start: it is not an attempt (attempts() leaves it out), and start() uses
// its number again. Only a container that ran (its pid was written) and lost its shim has failed.
// run/exits/<ns>_<pod>_<uid>_<container>_<attempt>: touched by the shim after `exit`; the
// engine watches this one directory.
import { prepareStdinFifoDir, removeStdinFifo } from './stdin_fifo.js';
import { SHIM_TITLE, pidAlive, pidRecordedIn, procStat } from '../util/process.js';
import { rfc3339 } from '../api/types.js';
import { Cgroups, cgroupsText, killCgroups, makeCgroups, oomKilled, removeCgroups, type AttemptCgroups } from './cgroups.js';
import * as fs from 'node:fs';
import { Spawner, shimThreadRef } from './spawner.js';
import { findPerl } from './helper_process.js';
import * as path from 'node:path';
import { randomHex } from '../util/uid.js';
import { spawnSync } from 'node:child_process';
import { SHIM, nativeShim, shimEntersNetns, shimOperands } from './shim.js';
import { NSENTER } from './exec.js';
import { umaskKeeps } from '../util/umask.js';

export interface AttemptState {
  n: number;
  containerID: string;
  /** startedAt as shown (epoch 0 for StartError). */
  startedAt: string;
  running: boolean;
  exitCode?: number;
  finishedAt?: string;
  /**
   * finishedAt to the millisecond: a restart's back-off counts from it, as the kubelet's does from
   * the runtime's nanoseconds (finishedAt has whole seconds, and cut up to one off the back-off).
   */
  finishedMs?: number;
  startError?: string;
  /** "OOMKilled" when the kernel killed a process of the container for its memory limit */
  reason?: string;
  /** what the container wrote to its termination message file (TERMINATION_LOG): its last 4 KiB, as bytes */
  message?: Uint8Array;
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
  /** resources.limits.memory in bytes */
  memoryLimitBytes?: number;
  /** spec.stdin (and stdinOnce): the container's stdin is attachable (shim.ts, attach.ts) */
  stdin?: { once: boolean };
  /** spec.tty: the shim logs what the terminal shows as it comes, not only whole lines */
  tty?: boolean;
  /** the pod's network namespace (a /run/netns file), entered before the command runs */
  netns?: string;
  /** the attempt's termination message file (TERMINATION_LOG) is made, empty, for argv to bind */
  terminationLog?: boolean;
  /** a host directory of mounts argv, a sandbox, needs none of (the network namespace files, when
   * no volume reaches /run/netns): the native shim starts it with that directory detached
   * (ShimSpec.detachMounts) once it has entered netns itself, and not where nsenter must find netns there */
  detachMounts?: string;
}

export interface ContainerRuntime {
  attempts(uid: string, container: string): AttemptState[];
  /** Throws when the container cannot be created (its cgroups refused): a StartError. */
  start(spec: StartSpec): void;
  /** Whether resource limits are enforced here, and why not (undefined: this runtime needs none). */
  limits?(): { enforced: boolean; reason?: string };
  recordStartError(uid: string, container: string, n: number, containerID: string, message: string, finishedAt: string): void;
  /** false when the container's pid is not known yet (nothing was sent; try again). */
  signal(uid: string, container: string, n: number, sig: 'SIGTERM' | 'SIGKILL', at: string): boolean;
  anyRunning(): boolean;
  /** The uids that have runtime state. */
  podUids(): string[];
  /** SIGKILL whatever of the pod still runs (containers and shims), then remove its runtime state. */
  removePod(uid: string): void;
  /** The engine starts: start what the first container will need (its spawner), while the engine does other work. */
  warm?(): void;
  /** The engine stops: release what the runtime holds (its spawner). */
  close?(): void;
}

/** A pod uid as used in file names: no path separators, not . or .. */
export function validUid(uid: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(uid) && !uid.includes('..');
}

/** runc's words for a container whose cgroups could not be made (detail: what failed). */
export function cgroupStartError(detail: string): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply cgroup configuration: ${detail}: unknown`;
}

export function newContainerID(): string {
  return 'containerd://' + randomHex(32);
}

/** An attempt's termination message file, bound at the container's terminationMessagePath. */
export const TERMINATION_LOG = 'termination-log';

/** A container attempt's directory in the state directory home: pods/<uid>/containers/<name>/<n>. */
/** A container's directory: its attempts' directories, one a number. */
function containerDirOf(home: string, uid: string, container: string): string {
  return path.join(home, 'pods', uid, 'containers', container);
}

export function attemptDirOf(home: string, uid: string, container: string, n: number): string {
  return path.join(containerDirOf(home, uid, container), String(n));
}

/** kubecontainer.MaxContainerTerminationMessageLength: what is read of it. */
const MAX_TERMINATION_MESSAGE_BYTES = 4096;

/**
 * tail.ReadAtMost: the last max bytes of a file (none when it cannot be read): a container may
 * write any amount. Bytes, as Go's: the status manager cuts them before they become text.
 */
function readTail(file: string, max: number): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(max, size));
    const n = fs.readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.subarray(0, n);
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Runtime state is private to its user, whatever the umask. */
export function writeAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = `${file}.tmp${process.pid}`;
  writeInPlace(tmp, data, mode);
  fs.renameSync(tmp, file);
}

/**
 * A file written where it is (no temporary file and rename): for a file nobody reads until a
 * marker written after it exists (an attempt's id, a pod's hosts), or whose reader takes it empty
 * for missing. A small file is written by one write(2), so a killed engine leaves it whole or empty.
 */
export function writeInPlace(file: string, data: string, mode = 0o600): void {
  fs.writeFileSync(file, data, { mode });
  if (!umaskKeeps(mode)) fs.chmodSync(file, mode);
}

/** mkdir -p with private directories (0700), whatever the umask. */
export function mkdirPrivate(dir: string): void {
  const first = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first === undefined || umaskKeeps(0o700)) return;
  // Every directory mkdir created, from the first down to dir.
  for (let d = dir; ; d = path.dirname(d)) {
    try { fs.chmodSync(d, 0o700); } catch { /* raced away */ }
    if (d === first || d === path.dirname(d)) break;
  }
}

/**
 * Makes dir, private (0700) as mkdirPrivate does, one part at a time down from its ancestor
 * `below`, which exists as a rule (made whole when it does not); whether dir itself is new. mkdir
 * -p tries the deepest part first and climbs up: a new pod's first attempt directory took five
 * mkdirs, two of them failing, and its log directory three.
 */
export function mkdirPrivateDown(below: string, dir: string): boolean {
  const rel = path.relative(below, dir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    const existed = fs.existsSync(dir);
    mkdirPrivate(dir);
    return !existed;
  }
  const parts = rel.split(path.sep);
  let at = below;
  for (let i = 0; i < parts.length; i++) {
    at = path.join(at, parts[i]);
    try {
      fs.mkdirSync(at, { mode: 0o700 });
      if (!umaskKeeps(0o700)) fs.chmodSync(at, 0o700);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (i === parts.length - 1) return false;
        continue;
      }
      if (code !== 'ENOENT' || i > 0) throw e;
      mkdirPrivate(dir);
      return true;
    }
  }
  return true;
}

/**
 * Writes file atomically unless it already exists, and returns its content: the first writer
 * wins (link(2) does not replace), so a value derived once stays fixed for every later reader.
 */
function writeOnce(file: string, data: string): string {
  const tmp = `${file}.tmp${process.pid}`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
      return data; // the first writer: the file is what was just written
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

/**
 * writeOnce for a file only this engine writes (an attempt's `finished`): made with O_EXCL, without
 * writeOnce's temporary file and link (an inode and three syscalls a container). A file left
 * empty, by an engine killed between its create and its one write, is written now.
 */
function writeOnceHere(file: string, data: string): string {
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
    return data;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return data; // e.g. the directory was removed meanwhile
  }
  const existing = readOpt(file);
  if (existing) return existing;
  try {
    fs.writeFileSync(file, data, { mode: 0o600 });
  } catch {
    /* removed meanwhile */
  }
  return data;
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
 * Where neither the native shim was built nor perl is installed: the container's stdout and stderr go raw into the log file, without
 * timestamps or rotation (`kjob logs` prints such lines as they are). $1 attempt dir, $2 log
 * file, $3 notification file, then the command; the same exit protocol as the other shims. The
 * shim's files (pid, exit, the log, the note) are private: umask 077; the container itself gets a
 * runtime's usual 022 back from CONTAINER_INIT.
 */
const RAW_SHIM = [
  'umask 077',
  'd=$1; log=$2; note=$3; shift 3',
  'setsid "$@" >>"$log" 2>&1 </dev/null &',
  'c=$!',
  'echo $c >"$d/pid.tmp" && mv -f "$d/pid.tmp" "$d/pid"',
  'wait $c; code=$?',
  'echo "$code $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >"$d/exit.tmp" && mv -f "$d/exit.tmp" "$d/exit"',
  ': >"$note"',
].join('\n');

// What runs first in the container's process under that sh shim (the native and perl shims do the
// same themselves, shim.c and shim.ts), the pid the shim records, before it becomes bwrap or the command: the
// umask a container runtime gives (022), and the move into the attempt's cgroups (writing 0 to
// cgroup.procs moves the writer), so that everything the container starts is accounted and
// limited there. Arguments: cgroup.procs files, "--", argv.
const CONTAINER_INIT = [
  'umask 022',
  'while [ "$1" != -- ]; do echo 0 >"$1" || exit 128; shift; done',
  'shift',
  'exec "$@"',
].join('\n');

/** What ProcessRuntime knows of a pod's attempts (ProcessRuntime.known). */
interface KnownAttempts {
  /**
   * Each container's attempt numbers, oldest first: listed from its directory once, then kept up
   * to date with the attempts this runtime makes (the engine's, the only maker of attempt directories).
   */
  numbers: Map<string, number[]>;
  /** By attempt directory: its id and start time, read once its id is written. */
  begun: Map<string, { containerID: string; startedAt: string }>;
  /** By attempt directory: attempts that ended and were reaped, whose ten or so files are read once. */
  ended: Map<string, AttemptState>;
}

export class ProcessRuntime implements ContainerRuntime {
  private spawner?: Spawner;
  /** Attempt directories whose shim is being spawned (its pid not known yet). */
  private readonly spawning = new Set<string>();
  /** The exit notes' directory was made (by this runtime's first start): it stays with the state directory. */
  private exitsDirMade = false;
  /**
   * What this runtime knows of each pod's attempts without reading their files again, by pod uid:
   * forgotten with the pod, and a cache (read again when needed). A pod's syncs read its
   * containers' attempts three or four times each, and every idle check of the engine reads all
   * pods': each read listed the directories and read the attempts' files again.
   */
  private readonly known = new Map<string, KnownAttempts>();

  private knownOf(uid: string): KnownAttempts {
    let k = this.known.get(uid);
    if (!k) {
      if (this.known.size >= 100_000) this.known.clear();
      this.known.set(uid, (k = { numbers: new Map(), begun: new Map(), ended: new Map() }));
    }
    return k;
  }

  /** The attempt numbers of a container (its directory dir), oldest first, from memory once listed. */
  private numbersOf(k: KnownAttempts, container: string, dir: string): number[] {
    const known = k.numbers.get(container);
    if (known) return known;
    let names: string[];
    try {
      // A pod's first sync looks before any start: a readdir's failure is a thrown error, dearer
      // than the look.
      names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    } catch (e) {
      // Gone since the look: none. Any other failure (out of file descriptors, say) is not kept:
      // listed again next time, it must not hide a running attempt from the syncs until the pod goes.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return [];
      names = [];
    }
    const ns = names.filter((nm) => /^\d+$/.test(nm)).map(Number).sort((x, y) => x - y);
    k.numbers.set(container, ns);
    return ns;
  }

  /** This runtime made attempt n of a container (its directory exists now). */
  private made(uid: string, container: string, n: number, d: string): void {
    const k = this.known.get(uid);
    if (!k) return;
    k.ended.delete(d);
    k.begun.delete(d);
    const ns = k.numbers.get(container);
    if (ns && !ns.includes(n)) {
      ns.push(n);
      ns.sort((x, y) => x - y);
    }
  }

  /**
   * The spawner (a perl that compiles the shim's program as it starts, about 20 ms, or the native
   * shim) is started with the engine: it is ready by the time a cold engine's first pod has its
   * network, where it used to start only then, on the way to that pod's first container.
   */
  warm(): void {
    this.spawner ??= newSpawner(this.home);
    this.spawner.warm();
  }

  /** The engine stops: the spawner ends (the shims it started live on). */
  close(): void {
    this.spawner?.close();
    this.spawner = undefined;
  }

  /**
   * fromReal maps a real instant to the kubelet's clock: the shim records a container's finish in
   * real time, while under a simulated clock (`kjob clock`) every other pod time is simulated.
   * cgroups: where memory and process limits are enforced (undefined: not at all).
   */
  constructor(
    private readonly home: string,
    private readonly fromReal: (realMs: number) => number = (ms) => ms,
    private readonly cgroups?: Cgroups,
    /** node's process.arch, which says whether the shim can enter a namespace itself (shim.ts); another in tests. */
    private readonly arch: string = process.arch,
  ) {}

  /** A real time on the kubelet's clock, to the millisecond (the status shows whole seconds of it). */
  private clockTime(realMs: number): string {
    return new Date(this.fromReal(realMs)).toISOString();
  }

  limits(): { enforced: boolean; reason?: string } {
    return this.cgroups ? { enforced: this.cgroups.status.enforced, reason: this.cgroups.status.reason } : { enforced: false, reason: 'cgroups are not used' };
  }

  exitsDir(): string {
    return path.join(this.home, 'run', 'exits');
  }

  attemptDir(uid: string, container: string, n: number): string {
    return attemptDirOf(this.home, uid, container, n);
  }

  attempts(uid: string, container: string): AttemptState[] {
    const base = containerDirOf(this.home, uid, container);
    const k = this.knownOf(uid);
    const out: AttemptState[] = [];
    for (const n of this.numbersOf(k, container, base)) {
      const d = path.join(base, String(n));
      const ended = k.ended.get(d);
      if (ended) {
        out.push({ ...ended });
        continue;
      }
      // The attempt's files, listed once: most of the ones looked for do not exist while it runs
      // (term, kill, starterror, exit, finished, reason), and a failed open costs a thrown error.
      // A file written after the listing is read at the next sync (its writer wakes the pod);
      // the checks for a shim that ended meanwhile read the file itself.
      let present: Set<string>;
      try {
        present = new Set(fs.readdirSync(d));
      } catch {
        continue;
      }
      const file = (f: string) => (present.has(f) ? readOpt(path.join(d, f)) : undefined);
      // Its id and start time: written before anything reads the attempt (the id last), they never change after.
      let begun = k.begun.get(d);
      if (!begun) {
        const containerID = file('id')?.trim();
        if (!containerID) continue;
        k.begun.set(d, (begun = { containerID, startedAt: file('started')?.trim() ?? '' }));
      }
      const a: AttemptState = { n, containerID: begun.containerID, startedAt: begun.startedAt, running: false };
      a.termSent = file('term')?.trim();
      a.killSent = file('kill')?.trim();
      const se = file('starterror');
      if (se) {
        const j = JSON.parse(se) as { message?: string; finishedAt?: string; cgroup?: string };
        const finishedAt = j.finishedAt ?? (file('started')?.trim() || '1970-01-01T00:00:00Z');
        Object.assign(a, { startedAt: '1970-01-01T00:00:00Z', exitCode: 128, finishedAt, startError: j.message ?? cgroupStartError(j.cgroup ?? '') });
      } else {
        let ex = file('exit');
        if (!ex) {
          const pidText = file('pid');
          const shimAlive = this.spawning.has(d) || liveShim(d) !== undefined;
          if (pidText === undefined) {
            // The shim has not written the container's pid: starting, if the shim lives; if not,
            // the engine that recorded the attempt was killed before the container could run.
            if (!shimAlive && readOpt(path.join(d, 'exit')) === undefined) continue;
            if (shimAlive) a.running = true;
            else ex = readOpt(path.join(d, 'exit'));
          } else if (containerPid(d) !== undefined || shimAlive) a.running = true;
          // Both gone: the shim may have recorded the exit just before it ended; if not, it died
          // without recording it (killed, or the machine rebooted). Record the loss once, so the
          // finish time (and the restart back-off that counts from it) stays put.
          else ex = readOpt(path.join(d, 'exit')) ?? this.recordLost(d, a.killSent);
        }
        if (ex) {
          // An exit read after the listing: the files the shim wrote before it (reason) are listed again.
          if (!present.has('exit')) present = new Set(fs.readdirSync(d));
          const [code, fin] = ex.trim().split(/\s+/);
          a.exitCode = Number(code);
          // An exit without a readable time (cut short) finishes now rather than at an invalid date.
          const finished = file('finished')?.trim() || writeOnceHere(path.join(d, 'finished'), this.clockTime(Date.parse(fin) || Date.now()) + '\n').trim();
          a.finishedMs = Date.parse(finished);
          a.finishedAt = rfc3339(new Date(a.finishedMs));
          if (!present.has('reaped') && !fs.existsSync(path.join(d, 'reaped'))) reapAttempt(d);
          const reason = readOpt(path.join(d, 'reason'))?.trim();
          if (reason) a.reason = reason;
          if (present.has(TERMINATION_LOG)) {
            const message = readTail(path.join(d, TERMINATION_LOG), MAX_TERMINATION_MESSAGE_BYTES);
            if (message.length > 0) a.message = message;
          }
          // Ended and reaped: nothing of its state changes any more.
          if (fs.existsSync(path.join(d, 'reaped'))) k.ended.set(d, { ...a });
        }
      }
      out.push(a);
    }
    return out;
  }

  /** The exit of an attempt whose shim vanished: 137 if a SIGKILL was sent (at that time), else 255 now. */
  private recordLost(d: string, killSent: string | undefined): string {
    const realNow = new Date().toISOString();
    writeOnceHere(path.join(d, 'finished'), (killSent ?? this.clockTime(Date.parse(realNow))) + '\n');
    return writeOnce(path.join(d, 'exit'), `${killSent ? 137 : 255} ${realNow}\n`);
  }

  start(s: StartSpec): void {
    const d = this.attemptDir(s.uid, s.container, s.n);
    // A directory left by an attempt that never started (see above) is replaced.
    if (!mkdirPrivateDown(path.join(this.home, 'pods', s.uid), d)) {
      fs.rmSync(d, { recursive: true, force: true });
      mkdirPrivate(d);
    }
    this.made(s.uid, s.container, s.n, d);
    mkdirPrivateDown(path.join(this.home, 'logs'), path.dirname(s.logPath));
    if (!this.exitsDirMade) {
      mkdirPrivate(this.exitsDir());
      this.exitsDirMade = true;
    }
    // Any user of the container may write it (the kubelet makes it 0666); the directory stays private.
    if (s.terminationLog) writeInPlace(path.join(d, TERMINATION_LOG), '', 0o666);
    // A shim that can (the native one, or perl's) makes the cgroups, joins them and enters the
    // network namespace itself; without either, the runtime's sh shim and CONTAINER_INIT do.
    const spawner = (this.spawner ??= newSpawner(this.home));
    const shimDoesSetup = spawner.runsShims;
    let cg: AttemptCgroups = { dirs: [], procs: [], steps: [] };
    if (this.cgroups?.status.enforced) {
      cg = this.cgroups.planAttempt(s.uid, s.container, s.n, { memoryBytes: s.memoryLimitBytes });
      // Recorded before any is made: whoever cleans up after this attempt finds them all.
      writeInPlace(path.join(d, 'cgroup'), JSON.stringify(cg.dirs));
      // The shim's child makes them, and the shim removes them once the container ended.
      if (!shimDoesSetup) makeCgroups(cg.steps);
    }
    // The attempt is read (attempts()) once its id exists: what comes before is written in place.
    writeInPlace(path.join(d, 'started'), s.startedAt + '\n');
    writeAtomic(path.join(d, 'id'), s.containerID + '\n');
    this.knownOf(s.uid).begun.set(d, { containerID: s.containerID, startedAt: s.startedAt });
    const note = path.join(this.exitsDir(), `${s.namespace}_${s.pod}_${s.uid}_${s.container}_${s.n}`);
    const env = s.env ? Object.fromEntries(s.env) : { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    // Without a sandbox, the shim needs its own tools on a usable PATH; the container gets its env via env -i.
    const command = s.env ? ['/usr/bin/env', '-i', ...[...s.env].map(([k, v]) => `${k}=${v}`), ...s.argv] : s.argv;
    const shimEnv: NodeJS.ProcessEnv = s.env ? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } : env;
    // The shim names rotated log files in local time, as the kubelet does: the engine's zone.
    if (process.env.TZ) shimEnv.TZ = process.env.TZ;
    // The shim moves the container into its cgroups and enters its network namespace itself;
    // without one (or setns(2)'s number for this machine), CONTAINER_INIT and nsenter do.
    const netnsInShim = shimDoesSetup && shimEntersNetns(this.arch);
    const entered = s.netns && !netnsInShim ? [NSENTER, `--net=${s.netns}`, '--', ...command] : command;
    const argv = shimDoesSetup ? entered : ['/bin/sh', '-c', CONTAINER_INIT, 'kjob-init', ...cg.procs, '--', ...entered];
    // An attachable stdin: the FIFO attach writes to, this user's only (mode 600) and out of every pod's sight (stdin_fifo.ts).
    let stdinFifo: string | undefined;
    const fifo = s.stdin && shimDoesSetup ? prepareStdinFifoDir(d) : undefined;
    if (fifo && spawnSync('mkfifo', ['-m', '600', fifo]).status === 0) stdinFifo = fifo;
    // The shim's pid comes back without the engine waiting for it: until then attempts() counts
    // the shim as running. A failed spawn leaves no shim: the exit note wakes the pod's sync,
    // which finds none for the attempt (not started: it is started again).
    this.spawning.add(d);
    const shimStarted = (shim: number | string | undefined) => {
      this.spawning.delete(d);
      if (!shim) {
        try { fs.writeFileSync(note, ''); } catch { /* the pod is gone */ }
        return;
      }
      // A shim thread has recorded itself, and kills its container once it finds its pod removed.
      if (typeof shim === 'string') return;
      try {
        writeInPlace(path.join(d, 'shimpid'), `${shim}\n`); // empty: liveShim looks for the shim
      } catch {
        // Its pod was removed while the shim started: nothing of it may live on.
        for (const child of childrenOf(shim)) killGroup(child);
        killGroup(shim);
      }
    };
    const opts = { cwd: s.cwd, env: shimEnv };
    if (shimDoesSetup) {
      const netns = netnsInShim ? s.netns : undefined;
      // Detached only after the shim has entered the namespace itself: nsenter, in front of the
      // command where the shim cannot, opens the namespace's file under that directory.
      const detachMounts = netns ? s.detachMounts : undefined;
      spawner.spawnShim(shimOperands({ attemptDir: d, logPath: s.logPath, note, argv, stdinFifo, stdinOnce: s.stdin?.once, tty: s.tty, cgroups: cgroupsText(cg), netns, detachMounts }, this.arch), opts, shimStarted);
    } else spawner.spawnDetached('/bin/sh', ['-c', RAW_SHIM, SHIM_TITLE, d, s.logPath, note, ...argv], opts, shimStarted);
  }

  recordStartError(uid: string, container: string, n: number, containerID: string, message: string, finishedAt: string): void {
    const d = this.attemptDir(uid, container, n);
    fs.rmSync(d, { recursive: true, force: true });
    mkdirPrivate(d);
    this.made(uid, container, n, d);
    writeAtomic(path.join(d, 'starterror'), JSON.stringify({ message, finishedAt }));
    writeAtomic(path.join(d, 'started'), '1970-01-01T00:00:00Z\n');
    writeAtomic(path.join(d, 'id'), containerID + '\n');
  }

  /**
   * A container runtime's StopContainer: SIGTERM to the container's init process only, SIGKILL
   * to all of it. In the sandbox the recorded pid is bwrap's, outside the pod's PID namespace;
   * its one child is the container's PID 1 (bwrap must not get the SIGTERM: it would die of it,
   * and with it, by --die-with-parent, the container at once). Signalling PID 1 from outside
   * follows PID 1's rules: a SIGTERM it has no handler for is ignored, SIGKILL always ends it,
   * and with it everything in its namespace. Plain processes are signalled as a process group.
   */
  signal(uid: string, container: string, n: number, sig: 'SIGTERM' | 'SIGKILL', at: string): boolean {
    const d = this.attemptDir(uid, container, n);
    this.known.get(uid)?.ended.delete(d);
    const recorded = Number(readOpt(path.join(d, 'pid')));
    // The shim writes the pid just after it spawns the container: until then there is nobody to
    // signal, and the caller tries again rather than recording a signal that was never sent.
    if (!(recorded > 0)) return false;
    const pid = containerPid(d);
    if (pid === undefined) {
      // It has ended (its shim is recording the exit): the signal is recorded, and goes nowhere,
      // least of all to whoever has its pid now.
      writeAtomic(path.join(d, sig === 'SIGTERM' ? 'term' : 'kill'), at + '\n');
      if (sig === 'SIGKILL') killCgroups(cgroupDirs(d));
      return true;
    }
    if (readOpt(`/proc/${pid}/comm`)?.trim() === 'bwrap') {
      const init = childrenOf(pid)[0];
      if (sig === 'SIGTERM') {
        if (init === undefined) return false; // bwrap has not started the container yet
        writeAtomic(path.join(d, 'term'), at + '\n');
        try { process.kill(init, 'SIGTERM'); } catch { /* gone */ }
        return true;
      }
      writeAtomic(path.join(d, 'kill'), at + '\n');
      if (init !== undefined) try { process.kill(init, 'SIGKILL'); } catch { /* gone */ }
      killGroup(pid);
      killCgroups(cgroupDirs(d));
      return true;
    }
    writeAtomic(path.join(d, sig === 'SIGTERM' ? 'term' : 'kill'), at + '\n');
    try {
      process.kill(-pid, sig);
    } catch {
      try { process.kill(pid, sig); } catch { /* gone */ }
    }
    if (sig === 'SIGKILL') killCgroups(cgroupDirs(d));
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

  removePod(uid: string, retries = 20): void {
    if (!validUid(uid)) return;
    const podDir = path.join(this.home, 'pods', uid);
    this.known.delete(uid);
    const attemptDirs: string[] = [];
    let cs: string[] = [];
    try { cs = fs.readdirSync(path.join(podDir, 'containers')); } catch { /* none started */ }
    for (const c of cs) {
      let ns: string[] = [];
      try { ns = fs.readdirSync(path.join(podDir, 'containers', c)); } catch { continue; }
      for (const n of ns) if (/^\d+$/.test(n)) attemptDirs.push(path.join(podDir, 'containers', c, n));
    }
    for (const d of attemptDirs) killAttempt(d);
    for (const d of attemptDirs) removeStdinFifo(d);
    // A killed process leaves its cgroup a moment later; until every cgroup is gone, the pod's
    // runtime directory keeps the list, so that this (or the next engine's clean-up) finishes it.
    const cgroups = attemptDirs.flatMap(cgroupDirs);
    if (!removeCgroups(cgroups)) {
      for (const d of attemptDirs) {
        for (const f of fs.readdirSync(d)) if (f !== 'cgroup') fs.rmSync(path.join(d, f), { recursive: true, force: true });
      }
      fs.rmSync(path.join(podDir, 'volumes'), { recursive: true, force: true, maxRetries: 3 });
      if (retries > 0) setTimeout(() => this.removePod(uid, retries - 1), 100).unref();
      return;
    }
    try {
      fs.rmSync(podDir, { recursive: true, force: true });
    } catch {
      // A shim thread, which is not killed (killAttempt), may still be recording its container's
      // end, and put a file back as the directory goes: the next try finds it done.
      if (retries > 0) setTimeout(() => this.removePod(uid, retries - 1), 100).unref();
    }
  }
}

function cgroupDirs(d: string): string[] {
  const s = readOpt(path.join(d, 'cgroup'));
  if (!s) return [];
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * An attempt that ended: what the kernel says about it (an OOM kill in its cgroup gives the
 * container `reason: OOMKilled`, as containerd reports it), then nothing of it is left: in the
 * sandbox its PID namespace ended with PID 1; plain processes it left in its process group or
 * cgroup are killed now, as their namespace would have been. Idempotent; `reaped` once done.
 * The native and perl shims do the same before they write the exit (shim.ts, step 4): this is for
 * the sh shim, one that was killed, and cgroups the shim found still busy.
 */
const reapRetries = new Set<string>();

function reapAttempt(d: string, retries = 20): void {
  if (!fs.existsSync(d)) return; // removed with its pod meanwhile
  const dirs = cgroupDirs(d);
  if (readOpt(path.join(d, 'reason')) === undefined) writeOnce(path.join(d, 'reason'), oomKilled(dirs) ? 'OOMKilled\n' : '\n');
  const pid = Number(readOpt(path.join(d, 'pid')));
  // A live process with that pid is a newer one: the container's had ended. A process group
  // keeps its id while it has members, so the group's are the container's.
  if (pid > 0 && !pidAlive(pid) && groupAlive(pid)) killGroup(pid);
  killCgroups(dirs);
  if (dirs.length && !removeCgroups(dirs)) {
    // Killed processes leave their cgroup a moment later; nobody may look at this attempt
    // again (a finished pod is not synced), so look again shortly.
    if (retries > 0 && !reapRetries.has(d)) {
      reapRetries.add(d);
      setTimeout(() => { reapRetries.delete(d); reapAttempt(d, retries - 1); }, 100).unref();
    }
    return;
  }
  try { fs.rmSync(path.join(d, 'cgroup'), { force: true }); } catch { /* removed with the pod */ }
  writeOnce(path.join(d, 'reaped'), '');
}

/** A shim that runs: a process (pid), or a thread (tid) of the native spawner (pid). */
interface LiveShim {
  pid: number;
  tid?: number;
}

/** Attempt directory d's shim while it runs. A thread by the directory it holds open (the
 * descriptor the shim recorded still names d); a process by its recorded pid, whose command line
 * must still be the shim's (else the pid is another process's now), or found in /proc by its
 * argv (and then recorded). */
function liveShim(d: string): LiveShim | undefined {
  const text = readOpt(path.join(d, 'shimpid')) ?? '';
  const thread = shimThreadRef(text);
  if (thread) {
    const { pid, tid, fd } = thread;
    try {
      const held = fs.statSync(`/proc/${pid}/task/${tid}/fd/${fd}`);
      const dir = fs.statSync(d);
      return held.ino === dir.ino && held.dev === dir.dev ? { pid, tid } : undefined;
    } catch {
      return undefined; // the thread, or the directory, is gone
    }
  }
  const recorded = Number(text);
  if (recorded > 0) {
    if (!pidAlive(recorded)) return undefined;
    const argv = cmdline(recorded);
    return argv === undefined || isShimOf(argv, d) ? { pid: recorded } : undefined;
  }
  const found = findShim(d);
  if (found !== undefined) {
    try { writeAtomic(path.join(d, 'shimpid'), `${found}\n`); } catch { /* removed meanwhile */ }
  }
  return found === undefined ? undefined : { pid: found };
}

/** The spawner of this machine's shims: the native one where it was built, else perl's. */
function newSpawner(home: string): Spawner {
  return new Spawner(findPerl(), SHIM, nativeShim(), home);
}

function cmdline(pid: number): string[] | undefined {
  const s = readOpt(`/proc/${pid}/cmdline`);
  return s === undefined ? undefined : s.split('\0');
}

/**
 * A shim process's command line: "kjob-shim <attempt dir>" (a fork of perl's spawner, or of an
 * older kjob's native one, or a native shim that was exec'd once it has renamed itself),
 * `kjob-shim <attempt dir> ...` (an exec'd native shim before that, as node's spawn starts one
 * where the spawner cannot), `perl -e SHIM -- <attempt dir> ...` or `/bin/sh -c RAW_SHIM kjob-shim
 * <attempt dir> ...`. (A shim thread has no command line of its own: liveShim.)
 */
function isShimOf(argv: string[], d: string): boolean {
  if (argv[0] === `${SHIM_TITLE} ${d}` && argv.slice(1).every((a) => a === '')) return true;
  if (argv[0] === SHIM_TITLE && argv[1] === d) return true;
  // Any perl shim's program, not only this build's: one an earlier kjob started is still its attempt's.
  return argv[4] === d && (argv[3] === SHIM_TITLE || (argv[3] === '--' && argv[1] === '-e' && (argv[2] ?? '').startsWith('use strict;')));
}

function findShim(d: string): number | undefined {
  let names: string[] = [];
  try { names = fs.readdirSync('/proc'); } catch { return undefined; }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const argv = cmdline(Number(n));
    if (argv && isShimOf(argv, d) && pidAlive(Number(n))) return Number(n);
  }
  return undefined;
}

/**
 * SIGKILL what is left of an attempt. One that has not ended (no exit recorded): a shim process's
 * group, so it records nothing more (a shim thread is left: it records the end, or nothing once
 * its directory is gone), and the container's, which has its own session
 * (in the sandbox also bwrap's child, the container's PID 1, whose end ends its namespace); a
 * container whose pid the shim has not written yet is found as the shim's child. Its cgroups,
 * whatever escaped the groups. One that ended: what reapAttempt kills.
 */
function killAttempt(d: string): void {
  if (fs.existsSync(path.join(d, 'starterror'))) return;
  killCgroups(cgroupDirs(d));
  if (fs.existsSync(path.join(d, 'exit'))) {
    // Reaped: nothing of it was left then, and its pid may be anyone's now.
    if (fs.existsSync(path.join(d, 'reaped'))) return;
    const pid = Number(readOpt(path.join(d, 'pid')));
    if (pid > 0 && !pidAlive(pid) && groupAlive(pid)) killGroup(pid);
    return;
  }
  const shim = liveShim(d);
  const targets = new Set<number>();
  if (shim !== undefined) for (const child of shimChildren(shim)) targets.add(child);
  const pid = containerPid(d);
  if (pid !== undefined) targets.add(pid);
  for (const t of [...targets]) for (const c of childrenOf(t)) targets.add(c);
  // A shim thread is not killed (its spawner runs other pods' shims): it records its container's
  // end, or, its attempt directory removed, nothing.
  if (shim !== undefined && shim.tid === undefined) killGroup(shim.pid);
  for (const t of targets) killGroup(t);
}

/**
 * The container's pid as the shim recorded it, while that process is still the container: one
 * that started after the pid was written has only inherited the number (pid_max is often 32768).
 */
function containerPid(d: string): number | undefined {
  return pidRecordedIn(path.join(d, 'pid'));
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
    const stat = procStat(Number(n));
    if (stat && Number(stat[index]) === value) out.push(Number(n));
  }
  return out;
}

/** A shim's children: a thread's own (its container, its stdin relay), never its spawner's others. */
function shimChildren(shim: LiveShim): number[] {
  return shim.tid === undefined ? childrenOf(shim.pid) : (taskChildren(shim.pid, shim.tid) ?? []);
}

/** The children of pid: /proc/<pid>/task/<pid>/children where the kernel has it, else a scan. */
function childrenOf(ppid: number): number[] {
  return taskChildren(ppid, ppid) ?? processesWhere('ppid', ppid);
}

/** The children thread tid of process pid started (/proc/<pid>/task/<tid>/children); undefined where the kernel does not say. */
function taskChildren(pid: number, tid: number): number[] | undefined {
  return readOpt(`/proc/${pid}/task/${tid}/children`)?.trim().split(/\s+/).filter(Boolean).map(Number);
}
/** Whether process group pgid has members: kill(-pgid, 0), not a scan of /proc. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
