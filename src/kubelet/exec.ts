// The kubelet's exec (what a CRI runtime's ExecSync/Exec does for `kubectl exec`): a command run
// inside a running container, in the namespaces of the container's init process (mount: its
// volumes, private /tmp and hidden state; UTS: the pod's hostname; IPC; PID: it sees the
// container's processes and dies with them; network: today the host's, a pod's own once pods get
// one), with the container's environment, its working directory, the container's capabilities
// only (containerd's default set, no new privileges) and in its cgroups (its limits count it).
// With tty, the command gets a terminal of the container's own devpts (script(1) makes it).
//
// Kept apart from the runtime: exec enters namespaces another module creates (sandbox.ts today,
// a per-pod network namespace later), by the init process's pid.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CAPABILITIES } from './sandbox.js';
import { pidAlive, pidRecordedIn } from '../util/process.js';

export const NSENTER = '/usr/bin/nsenter';
export const SETPRIV = '/usr/bin/setpriv';
export const SCRIPT = '/usr/bin/script';

export interface ExecTarget {
  /** the container's init process (host pid) */
  pid: number;
  /** true when it runs in a bubblewrap sandbox (its own namespaces); false: a plain process */
  sandboxed: boolean;
  /** the attempt directory (pods/<uid>/containers/<name>/<n>) */
  attemptDir: string;
}

function readOpt(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The running attempt of a container and its init process, or undefined when it does not run.
 * sandboxed: how this node runs containers (the kubelet's sandbox status).
 */
export function findExecTarget(home: string, uid: string, container: string, sandboxed: boolean): ExecTarget | undefined {
  const base = path.join(home, 'pods', uid, 'containers', container);
  let names: string[];
  try {
    names = fs.readdirSync(base).filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  names.sort((a, b) => Number(b) - Number(a));
  for (const n of names) {
    const target = attemptExecTarget(path.join(base, n), sandboxed);
    if (target) return target;
  }
  return undefined;
}

/**
 * The init process of one container attempt while it runs, or undefined. On a sandboxed node only
 * once bwrap runs its command: before that the recorded pid is the shim's child still setting the
 * container up (its cgroups, its network namespace) in the host's namespaces, and what entered
 * those would run on the host, as kjob, not in the pod (an exec probe is a manifest's command).
 */
export function attemptExecTarget(d: string, sandboxed: boolean): ExecTarget | undefined {
  if (readOpt(path.join(d, 'exit')) !== undefined) return undefined;
  // The recorded pid only while it is still the container's: entering whoever has the number
  // now would run the command in another pod, or on the host.
  const pid = pidRecordedIn(path.join(d, 'pid'));
  if (pid === undefined) return undefined;
  if (readOpt(`/proc/${pid}/comm`)?.trim() === 'bwrap') {
    // bwrap --as-pid-1: its one child is the container's PID 1
    const init = Number((readOpt(`/proc/${pid}/task/${pid}/children`) ?? '').trim().split(/\s+/)[0]);
    return init > 0 && pidAlive(init) ? { pid: init, sandboxed: true, attemptDir: d } : undefined;
  }
  return sandboxed ? undefined : { pid, sandboxed: false, attemptDir: d };
}

/** The environment the container's process started with (/proc/PID/environ). */
export function containerEnv(pid: number): string[] {
  const s = readOpt(`/proc/${pid}/environ`);
  return s ? s.split('\0').filter(Boolean) : [];
}

/** cgroup.procs files of the container's cgroups, which the exec'd process joins. */
export function cgroupProcsFiles(target: ExecTarget): string[] {
  const s = readOpt(path.join(target.attemptDir, 'cgroup'));
  if (!s) return [];
  try {
    const dirs = JSON.parse(s);
    return Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string' && fs.existsSync(d)).map((d) => path.join(d, 'cgroup.procs')) : [];
  } catch {
    return [];
  }
}

export interface ExecSpec {
  command: string[];
  workingDir?: string;
  tty?: boolean;
  /** the environment (NAME=value) instead of the container's (an ephemeral container's own) */
  env?: string[];
}

/**
 * The argv that runs spec.command in the target's container: a shell that moves itself into the
 * container's cgroups, then nsenter into its namespaces and root, setpriv with the container's
 * capabilities, `env -i` with the container's environment and working directory, and, with a tty,
 * script(1) for a terminal of the container's own. setpriv comes before env, and env's variables
 * after `--`: they are the manifest's (and PID 1 can rewrite its own), and a name such as
 * `-S/bin/sh -c ...` before setpriv made env run that shell with every capability of root.
 */
export function execArgv(target: ExecTarget, spec: ExecSpec): string[] {
  const env = (spec.env ? [...spec.env] : containerEnv(target.pid)).filter((e) => e.indexOf('=') > 0);
  if (spec.tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  const wd = spec.workingDir || '/';
  let cmd = spec.command;
  if (spec.tty) cmd = [SCRIPT, '-q', '-e', '-c', cmd.map(shellQuote).join(' '), '/dev/null'];
  const caps = ['-all', ...DEFAULT_CAPABILITIES.map((c) => '+' + c.replace(/^CAP_/, '').toLowerCase())].join(',');
  const inner = [SETPRIV, `--bounding-set=${caps}`, `--inh-caps=-all`, '--no-new-privs', '--', '/usr/bin/env', '-i', '-C', wd, '--', ...env, ...cmd];
  const enter = target.sandboxed ? [NSENTER, '-t', String(target.pid), '-m', '-u', '-i', '-p', '-n', '-r', '-w', '--', ...inner] : inner;
  const procs = cgroupProcsFiles(target);
  // $0: the cgroup.procs files, newline-separated
  return ['/bin/sh', '-c', 'IFS="\n"; for f in $0; do echo $$ > "$f" 2>/dev/null; done; exec "$@"', procs.join('\n'), ...enter];
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A container with `tty: true`: its command runs on a terminal of its own, made by script(1) in
 * the container (its stdin the container's stdin, its output the container's stdout), with
 * TERM=xterm unless the container sets TERM, as the CRI runtime sets it for a tty.
 */
export function withTerminal(argv: string[], env: Map<string, string>): string[] {
  if (!env.has('TERM')) env.set('TERM', 'xterm');
  return [SCRIPT, '-q', '-e', '-c', argv.map(shellQuote).join(' '), '/dev/null'];
}
