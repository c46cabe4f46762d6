// Process liveness as the engine and kubelet need it: pids outlive their parents here, and in a
// container whose init does not reap, a dead process lingers as a zombie that still answers kill(0).
import fs from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses):
 * [0] is field 3 (state), [1] the ppid, [2] the pgid, [19] the start time. undefined: no such
 * process, or no /proc.
 */
export function procStat(pid: number): string[] | undefined {
  let st: string;
  try {
    st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return st.slice(st.lastIndexOf(')') + 2).split(' ');
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = procStat(pid)?.[0];
  return state !== 'Z' && state !== 'X';
}

/**
 * When pid started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with pid, the
 * identity of a process. A pid alone names whoever has it now; pid_max is often 32768, so the
 * pid of a process that ended is soon another's, and a signal sent by a recorded pid must first
 * check that the process is still the one recorded. undefined: no such process (or no /proc).
 */
export function processStartTicks(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return procStat(pid)?.[19];
}

let bootTimeMs: number | undefined;

/** When pid started, in ms since the epoch (to the kernel's tick, and btime's whole second). */
export function processStartMs(pid: number): number | undefined {
  const ticks = processStartTicks(pid);
  if (ticks === undefined) return undefined;
  if (bootTimeMs === undefined) {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    if (!btime) return undefined;
    bootTimeMs = Number(btime[1]) * 1000;
  }
  // USER_HZ is 100 on every Linux architecture node runs on.
  return bootTimeMs + Number(ticks) * 10;
}

/**
 * Whether the live process pid is one that had started by epoch ms `recordedAt` (when its pid
 * was written down): a pid reused since started later. Without /proc, liveness is all there is.
 */
export function pidStartedBy(pid: number, recordedAt: number): boolean {
  if (!pidAlive(pid)) return false;
  const started = processStartMs(pid);
  // btime is whole seconds and follows the wall clock's adjustments since boot: allow 2 s.
  return started === undefined || started <= recordedAt + 2000;
}

/** The pid written in file, while that process is still the one written down (see pidStartedBy). */
export function pidRecordedIn(file: string): number | undefined {
  let pid: number;
  let recordedAt: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
    recordedAt = fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  return pid > 0 && pidStartedBy(pid, recordedAt) ? pid : undefined;
}

/**
 * The name of a container's shim in /proc: its whole command line, "kjob-shim <attempt dir>", when
 * perl's spawner forked it ($0, kubelet/spawner.ts) or the native shim renamed itself (shim.c);
 * the native shim's argv[0] before that, and the $0 of the sh shim, followed by the attempt
 * directory (kubelet/runtime.ts).
 */
export const SHIM_TITLE = 'kjob-shim';

/**
 * The processes of state directory home: its engine (`--home home`), its shims and sandboxes (an
 * argument inside it: an attempt directory, a pod's bind mounts) and kjob commands run with
 * KJOB_HOME=home. Not every process that names it: every other state directory's sandboxes name it
 * too, to hide it from their pods (`--ro-bind-try home/run/empty home`, or `--tmpfs home`), and
 * killing those (the e2e tests' clean-up did, twice) kills other state directories' pods. where:
 * only those whose command line it accepts (given each one's pid too).
 */
export function processesOf(home: string, where?: (argv: string[], pid: number) => boolean): number[] {
  const inside = home + '/';
  const shimOfHome = `${SHIM_TITLE} ${inside}`;
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!(pid > 0) || pid === process.pid) continue;
    let argv: string[];
    let environ: string[];
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    const mine =
      argv.some((a, i) => (a.startsWith(inside) && !coversItsParent(argv, i)) || a.startsWith(shimOfHome) || (a === home && argv[i - 1] === '--home')) ||
      environ.includes(`KJOB_HOME=${home}`);
    if (mine && (!where || where(argv, pid))) out.push(pid);
  }
  return out;
}

/** argv[i] is the source of a bwrap bind that covers a directory with a part of itself: a state directory's cover, in any sandbox. */
function coversItsParent(argv: string[], i: number): boolean {
  return argv[i - 1] === '--ro-bind-try' && i + 1 < argv.length && argv[i].startsWith(argv[i + 1] + '/');
}

/** SIGKILL the processes of state directory home (processesOf), each with its process group. */
export function killProcessesOf(home: string): void {
  for (const pid of processesOf(home)) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone, or no group of that id */
      }
    }
  }
}

/**
 * The environment for a node process of kjob's own that makes no TLS connection (the engine, and
 * its netd): env without NODE_EXTRA_CA_CERTS. node reads and parses that file as it starts,
 * whether or not the program ever uses TLS: on a machine where it names the system's bundle
 * (about 150 certificates), that was 37 ms of every node start, `node -e 0` taking 60 ms instead
 * of 23 (npm run bench) and a cold engine's first container waiting for it.
 */
export function localNodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.NODE_EXTRA_CA_CERTS;
  return out;
}
