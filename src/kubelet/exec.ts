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
import { findPerl } from './helper_process.js';
import { CAPABILITY_NUMBERS, syscallsFor } from './linux_abi.js';

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
    if (!(init > 0 && pidAlive(init))) return undefined;
    // bwrap's child sets the sandbox up (its mounts, pivot_root) before it becomes the command:
    // entered until then, its root is the host's.
    if (readOpt(`/proc/${init}/comm`)?.trim() === 'bwrap' || !hasOwnRoot(init)) return undefined;
    return { pid: init, sandboxed: true, attemptDir: d };
  }
  return sandboxed ? undefined : { pid, sandboxed: false, attemptDir: d };
}

/** Whether process pid's root is not the host's (it is the sandbox's once bwrap has pivoted into it; gone: no). */
function hasOwnRoot(pid: number): boolean {
  try {
    const own = fs.statSync(`/proc/${pid}/root`);
    const host = fs.statSync('/');
    return own.dev !== host.dev || own.ino !== host.ino;
  } catch {
    return false;
  }
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
 * Enters a sandboxed container and drops to its capabilities before anything of the container's
 * runs: nothing may be exec'd with root's capabilities once the container's mount namespace is
 * entered, where its volumes may stand in for any file (a volume at /usr/bin/setpriv or at
 * /etc/ld.so.preload ran the pod's code as root with every capability when nsenter -r then
 * setpriv did this). Perl, started on the host: the namespaces' files and the root are opened
 * first, then setns(2) into each, chroot to the container's root, a fork (the PID namespace is
 * its children's), and in the child the bounding set, capset(2) and no_new_privs as the
 * container has them, setsid(2) (a session of its own, away from the user's terminal), then the
 * command (env -i ...) is exec'd. Arguments: pid, the setns, capset, prctl and setsid syscalls'
 * numbers, the capability mask, then the command.
 */
const ENTER = `use strict;
my ($pid, $setns, $capset, $prctl, $setsid, $keep) = map { 0 + $_ } splice(@ARGV, 0, 6);
my @ns = map { open(my $h, '<', "/proc/$pid/ns/$_") or die "kjob exec: $_ namespace of $pid: $!\\n"; $h } qw(ipc uts net pid mnt);
opendir(my $root, "/proc/$pid/root") or die "kjob exec: root of $pid: $!\\n";
my ($rd, $ri) = stat($root); my ($hd, $hi) = stat('/');
die "kjob exec: $pid is not in a sandbox\\n" if $rd == $hd && $ri == $hi; # its pid went to a host process meanwhile
for my $h (@ns) { syscall($setns, fileno($h), 0) == 0 or die "kjob exec: setns: $!\\n" }
chdir($root) && chroot('.') or die "kjob exec: chroot: $!\\n";
my $child = fork() // die "kjob exec: fork: $!\\n";
if ($child) { waitpid($child, 0); exit($? & 127 ? 128 + ($? & 127) : $? >> 8) }
for my $cap (0 .. 63) { # PR_CAPBSET_DROP; EINVAL (22): past the kernel's last capability. ($!{...} would load Errno from the container.)
  next if $cap < 32 && ($keep >> $cap) & 1;
  syscall($prctl, 24, $cap, 0, 0, 0) == 0 or $! + 0 == 22 or die "kjob exec: bounding set: $!\\n";
}
my ($header, $data) = (pack('LL', 0x20080522, 0), pack('LLLLLL', $keep, $keep, 0, 0, 0, 0)); # _LINUX_CAPABILITY_VERSION_3
syscall($capset, $header, $data) == 0 or die "kjob exec: capset: $!\\n";
syscall($prctl, 38, 1, 0, 0, 0) == 0 or die "kjob exec: no_new_privs: $!\\n"; # PR_SET_NO_NEW_PRIVS
# A session of its own: the user's terminal is not its controlling one, whose input TIOCSTI could
# fake (a command for the shell kjob exec was typed in); -t's terminal is script(1)'s own pty.
syscall($setsid) >= 0 or die "kjob exec: setsid: $!\\n";
exec { $ARGV[0] } @ARGV or exit 127;`;

/**
 * The argv that runs spec.command in the target's container: a shell that moves itself into the
 * container's cgroups, then (sandboxed) ENTER into its namespaces and root with the container's
 * capabilities, `env -i` with the container's environment and working directory, and, with a tty,
 * script(1) for a terminal of the container's own. env's variables follow `--`: they are the
 * manifest's (and PID 1 can rewrite its own), and a name such as `-S/bin/sh -c ...` is an option
 * to env before it. A plain process's command runs on the host as the container does, after
 * setpriv.
 */
export function execArgv(target: ExecTarget, spec: ExecSpec): string[] {
  const env = (spec.env ? [...spec.env] : containerEnv(target.pid)).filter((e) => e.indexOf('=') > 0);
  if (spec.tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  const wd = spec.workingDir || '/';
  let cmd = spec.command;
  if (spec.tty) cmd = [SCRIPT, '-q', '-e', '-c', cmd.map(shellQuote).join(' '), '/dev/null'];
  const run = ['/usr/bin/env', '-i', '-C', wd, '--', ...env, ...cmd];
  let enter: string[];
  if (target.sandboxed) {
    const nr = syscallsFor();
    const perl = findPerl();
    if (!nr || !perl) throw new Error(`kjob: cannot enter a container here (${!nr ? `no syscall numbers for ${process.arch}` : 'perl not found'})`);
    const keep = DEFAULT_CAPABILITIES.reduce((m, c) => m | (1 << CAPABILITY_NUMBERS[c]), 0) >>> 0;
    enter = [perl, '-e', ENTER, String(target.pid), String(nr.setns), String(nr.capset), String(nr.prctl), String(nr.setsid), String(keep), ...run];
  } else {
    const caps = ['-all', ...DEFAULT_CAPABILITIES.map((c) => '+' + c.replace(/^CAP_/, '').toLowerCase())].join(',');
    enter = [SETPRIV, `--bounding-set=${caps}`, `--inh-caps=-all`, '--no-new-privs', '--', ...run];
  }
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
