// The pod sandbox: bubblewrap where it is installed and works, else a plain process (with what
// that cannot do). The sandbox gives what a container runtime gives a pod, with this machine's
// programs instead of an image: its own PID namespace with the container's command as PID 1 (so
// signals behave as in a cluster, and every process of the container dies with it), its own UTS
// and IPC namespaces, the capabilities of containerd's default set and no more, the host
// read-only, a private /tmp, kjob's state directory hidden, and volumes only where declared. The
// network is the host's, or the pod's own namespace (network.ts), which the runtime enters before
// bubblewrap starts.
import { atOrUnder } from '../util/paths.js';
import { coverDirOf, knownStateDirs, stateDirsListVersion } from './state_dirs.js';
import { privateDir, userRuntimeDir } from './runtime_dir.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { PodObject, Container, Volume } from '../api/types.js';
import { O_PATH } from './linux_abi.js';

export const BWRAP = '/usr/bin/bwrap';
export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const NEEDS_BWRAP = 'kjob: volume mounts need bubblewrap (apt-get install bubblewrap)';
export const INSTALL_BWRAP = 'apt-get install bubblewrap';

/**
 * containerd's and Docker's default capability set (oci.DefaultSpec / defaultCapabilities):
 * what an unprivileged container's root has. No CAP_SYS_ADMIN (no mount, no remount), no
 * CAP_SYS_PTRACE, CAP_NET_ADMIN, CAP_SYS_MODULE, ...
 */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
] as const;
export type DefaultCapability = (typeof DEFAULT_CAPABILITIES)[number];

export type SandboxMode = 'auto' | 'bwrap' | 'none';

/** What this machine gives pods: bubblewrap, or plain processes and why. */
export interface SandboxStatus {
  sandboxed: boolean;
  /** "bubblewrap 0.8.0" */
  version?: string;
  /** why pods run as plain processes */
  reason?: string;
  /** the command that fixes it, when there is one */
  fix?: string;
  /** KJOB_SANDBOX=none: the user chose plain processes; nothing to warn about */
  chosen?: boolean;
}

export function sandboxModeFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxMode {
  return env.KJOB_SANDBOX === 'none' ? 'none' : 'auto';
}

/**
 * Whether pods can be sandboxed here, found by running bubblewrap once with the flags kjob uses
 * (on `true`) and keeping its complaint: an installed bwrap may still be refused namespaces (in
 * an unprivileged container, or where user namespaces are disabled). mode 'bwrap' trusts it
 * without a run (tests that build argv only).
 */
export function probeSandbox(mode: SandboxMode | undefined, opts: { home?: string; env?: NodeJS.ProcessEnv; runtimeDir?: string } = {}): SandboxStatus {
  const env = opts.env ?? process.env;
  if (mode === 'none' || (mode !== 'bwrap' && sandboxModeFromEnv(env) === 'none')) {
    return { sandboxed: false, chosen: true, reason: 'KJOB_SANDBOX=none' };
  }
  if (mode === 'bwrap') return { sandboxed: true };
  try {
    fs.accessSync(BWRAP, fs.constants.X_OK);
  } catch {
    return { sandboxed: false, reason: `bubblewrap is not installed (${BWRAP} not found)`, fix: INSTALL_BWRAP };
  }
  // A probe that passed is not run again until bubblewrap, the kernel, the boot or the user
  // namespace switches change: it was two runs of bwrap (about 35 ms) on the way to a cold
  // engine's first container. Only a pass is kept: were the record wrong, pods would fail to start
  // with bwrap's words, never run unsandboxed. Read and written only where the directory is this
  // user's and private: in /tmp another user could have made it, and planted a record.
  const dir = opts.runtimeDir ?? userRuntimeDir();
  const record = privateDir(dir) ? path.join(dir, 'sandbox-probe') : undefined;
  const key = probeKey();
  try {
    const [k, version] = record ? fs.readFileSync(record, 'utf8').split('\n') : [];
    if (key && k === key) return { sandboxed: true, version: version || undefined };
  } catch { /* none yet */ }
  const v = spawnSync(BWRAP, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = (v.stdout ?? '').trim().split('\n')[0] || undefined;
  const trueBin = ['/usr/bin/true', '/bin/true'].find((p) => fs.existsSync(p)) ?? '/bin/true';
  const argv = bwrapArgv({
    hostname: 'kjob-probe', hostsFile: '/dev/null', hostnameFile: '/dev/null', mounts: [], workingDir: '/',
    env: new Map(), argv: [trueBin], hidden: opts.home ? hiddenPaths(opts.home) : [],
  });
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status === 0) {
    if (key && record) {
      try { fs.writeFileSync(record, `${key}\n${version ?? ''}\n`, { mode: 0o600 }); } catch { /* probed again next time */ }
    }
    return { sandboxed: true, version };
  }
  const why = (r.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? (r.error ? r.error.message : `exit status ${r.status ?? r.signal}`);
  return { sandboxed: false, version, reason: `${version ?? 'bubblewrap'} cannot create a sandbox here: ${why}` };
}

/** The switches that let bubblewrap make namespaces, or not, without a reboot (absent ones read as ''). */
const USERNS_SWITCHES = ['user/max_user_namespaces', 'kernel/unprivileged_userns_clone', 'kernel/apparmor_restrict_unprivileged_userns'];

/** What a probe's pass holds for: this bubblewrap binary, this kernel and boot, these switches ('' when unknown). */
function probeKey(): string {
  try {
    const st = fs.statSync(BWRAP);
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const switches = USERNS_SWITCHES.map((f) => {
      try { return fs.readFileSync(`/proc/sys/${f}`, 'utf8').trim(); } catch { return ''; }
    });
    return [st.dev, st.ino, st.size, st.mtimeMs, os.release(), boot, ...switches].join(' ');
  } catch {
    return '';
  }
}

/** A state directory a sandbox covers: with its empty cover directory (state_dirs.ts coverDirOf), or, without one (made by an older kjob), a tmpfs. */
export interface HiddenDir {
  dir: string;
  cover?: string;
}

/**
 * The state directories a pod must not see: this one (its state.db, other pods' volumes and logs,
 * the engine's socket), the default one (~/.kjob) when another is in use, and every other state
 * directory of this user that has been used (state_dirs.ts).
 */
export function stateDirs(home: string): string[] {
  return [home, path.join(os.homedir(), '.kjob'), ...knownStateDirs()];
}

/**
 * The stateDirs a sandbox hides, both as given and resolved, since either may be how the sandbox
 * reaches it. Under /tmp they are hidden already: the pod's /tmp is its own.
 */
export function hiddenPaths(home: string): HiddenDir[] {
  const out = new Map<string, HiddenDir>();
  for (const h of stateDirs(home)) {
    for (const p of [path.resolve(h), realpathOr(h)]) {
      if (p === '/' || atOrUnder(p, '/tmp') || out.has(p)) continue;
      const cover = coverDirOf(p);
      if (fs.existsSync(cover)) out.set(p, { dir: p, cover });
      else if (fs.existsSync(p)) out.set(p, { dir: p });
    }
  }
  return [...out.values()];
}

/** How long hiddenPathsFor keeps an answer while the list of state directories stays as it was. */
export const HIDDEN_PATHS_KEPT_MS = 1000;

const hiddenKept = new Map<string, { version: string; at: number; dirs: HiddenDir[] }>();

/**
 * hiddenPaths(home) for a container's start: looked up again once the list of state directories
 * changed or HIDDEN_PATHS_KEPT_MS after the last lookup, which the checks of every listed directory
 * and its realpath made 1.6% of the engine's time during a Job. A state directory used since, for
 * the first time or again after it was removed, is covered from the next start on, as with a
 * lookup per start: its first command makes its cover directory, and then lists it or touches the
 * list (state_dirs.ts registerStateDir). One removed meanwhile is skipped by bwrap (--ro-bind-try
 * over its cover); one without a cover (made by an older kjob) is looked at again here, since
 * bwrap's tmpfs over a directory that is gone fails the container.
 */
export function hiddenPathsFor(home: string, nowMs: number = Date.now()): HiddenDir[] {
  const version = stateDirsListVersion();
  const kept = hiddenKept.get(home);
  if (kept && kept.version === version && nowMs - kept.at >= 0 && nowMs - kept.at < HIDDEN_PATHS_KEPT_MS) {
    return kept.dirs.every((h) => h.cover !== undefined) ? kept.dirs : kept.dirs.filter((h) => h.cover !== undefined || fs.existsSync(h.dir));
  }
  const dirs = hiddenPaths(home);
  hiddenKept.set(home, { version, at: nowMs, dirs });
  return dirs;
}

function realpathOr(p: string): string {
  try {
    // realpath(3) in one call: node's own realpathSync walks the path with an lstat per part,
    // for every state directory at every container start.
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Where p resolves to, also when it does not exist (yet): its nearest existing ancestor resolved,
 * with the rest as written. A hostPath that does not exist is made (DirectoryOrCreate) through
 * whatever symlinks lead to it.
 */
function realpathAhead(p: string): string {
  const abs = path.resolve('/', p);
  for (let dir = abs, rest = ''; ; rest = path.join(path.basename(dir), rest), dir = path.dirname(dir)) {
    try {
      return path.join(fs.realpathSync.native(dir), rest);
    } catch {
      if (dir === '/') return abs;
    }
  }
}

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
  /** with a subPath: the volume's own directory, which the subPath must stay inside */
  volumeRoot?: string;
  /**
   * A subPath's descriptor in the engine (openSubPath), and its number in bwrap, which binds it
   * with --bind-fd (bwrap resolves a --bind source to a path first, and a running container could
   * change what that path leads to before the mount is made).
   */
  held?: { fd: number; bindFd: number };
  /** with a subPath: the volume is one the pod's containers can change (emptyDir, hostPath) */
  podWritable?: boolean;
  /** a hostPath volume's: a directory of the host's, not one the kubelet made for the pod */
  hostPath?: boolean;
}

/**
 * Whether a volume binds the host directory dir, a directory above it or anything inside it into
 * the sandbox: the sandbox then shows what the host has there. Sources as the bind mount resolves
 * them (/var/run is /run on most hosts); a relative one from the root, not the engine's cwd.
 */
export function exposesHostDir(mounts: Mount[], dir: string): boolean {
  if (mounts.length === 0) return false;
  const real = realpathOr(dir); // compared as resolved as the sources are
  return mounts.some((m) => {
    const source = realpathAhead(m.source);
    return atOrUnder(real, source) || atOrUnder(source, real);
  });
}

/** The container's volume mounts as host bind mounts. The kube-api-access projected volume is
 * skipped: there is no API server, so there is no token or CA to project. */
export function containerMounts(pod: PodObject, container: Pick<Container, 'name' | 'volumeMounts'>, podDir: string): { mounts: Mount[]; error?: string } {
  const volumes = new Map<string, Volume>((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  const mounts: Mount[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const v = volumes.get(vm.name);
    if (!v) return { mounts, error: `kjob: volume "${vm.name}" is not defined in the pod` };
    if (v.projected && (vm.mountPath === SA_MOUNT_PATH || String(v.name).startsWith('kube-api-access-'))) continue;
    let source: string;
    // configMap, secret, downwardAPI and projected volumes: files the kubelet wrote (volumes.ts),
    // always mounted read-only.
    const apiObject = !!(v.configMap || v.secret || v.downwardAPI || v.projected);
    if (v.emptyDir || apiObject) source = path.join(podDir, 'volumes', v.name);
    else if (v.hostPath) source = v.hostPath.path;
    else return { mounts, error: `kjob: volume "${v.name}": only emptyDir, hostPath, configMap, secret, downwardAPI and projected volumes are supported` };
    const readOnly = vm.readOnly === true || apiObject;
    if (vm.subPath) {
      // The apiserver refuses these; the kubelet checks again, as it does, for objects stored
      // before that check existed.
      if (!isLocalDescendingPath(vm.subPath)) return { mounts, error: subPathError(vm.name, container.name) };
      mounts.push({ source: path.join(source, vm.subPath), target: vm.mountPath, readOnly, volumeRoot: source, podWritable: !apiObject, ...(v.hostPath ? { hostPath: true } : {}) });
      continue;
    }
    mounts.push({ source, target: vm.mountPath, readOnly, ...(v.hostPath ? { hostPath: true } : {}) });
  }
  return { mounts };
}

/**
 * mkdir -p of a directory a pod sees (a hostPath, a working directory), with the permissions a
 * kubelet or runc gives it (0755), not the engine's private umask.
 */
export function mkdirMode(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d) && d !== path.dirname(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      continue;
    }
    fs.chmodSync(d, mode);
  }
}

/** validateLocalDescendingPath: relative, and no ".." element. */
export function isLocalDescendingPath(p: string): boolean {
  return !p.startsWith('/') && !p.split('/').includes('..');
}

/** The kubelet's words when a subPath cannot be prepared (kubelet_pods.go makeMounts). */
export function subPathError(volumeMount: string, container: string): string {
  return `failed to prepare subPath for volumeMount "${volumeMount}" of container "${container}"`;
}

/**
 * Creates a mount's subPath inside its volume as the kubelet does (doSafeMakeDir): one component
 * at a time, refusing any that resolves (through a symlink the pod may have planted) outside the
 * volume. Returns the real path it resolves to, undefined when it would leave the volume.
 */
export function prepareSubPath(m: Mount, dirMode?: number): string | undefined {
  if (!m.volumeRoot) return m.source;
  const held = openSubPath(m.volumeRoot, m.source, dirMode);
  if (held === undefined) return undefined;
  fs.closeSync(held.fd);
  return held.real;
}

/**
 * Whether this machine's bubblewrap has --bind-fd (upstream 0.10; Debian 12 backported it to 0.8):
 * asked once per process (the engine's first subPath a pod can write pays one run of bwrap --help;
 * the sandbox probe's record does not keep it). Without it a subPath is bound by the path its walk
 * resolved to, which a running container of the pod could change in the moment before bwrap's mount.
 */
export function bwrapBindsFds(): boolean {
  if (bindFdSupport === undefined) {
    const r = spawnSync(BWRAP, ['--help'], { encoding: 'utf8', timeout: 10_000 });
    bindFdSupport = /--bind-fd\b/.test(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return bindFdSupport;
}
let bindFdSupport: boolean | undefined;

/** A subPath's symlinks followed at most this many times (the kernel's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

/**
 * prepareSubPath that holds what it resolved: an O_PATH descriptor of source, found one part
 * at a time from the volume's root, each part opened without following it (a symlink inside the
 * volume is followed by walking its target from the root again). Bound by its /proc/<pid>/fd path
 * (the kubelet's way), the mount is of that very directory: a container of the pod that swaps a part
 * for a symlink after the walk, before bwrap binds it, changes nothing. The caller closes fd.
 */
export function openSubPath(volumeRoot: string, source: string, dirMode?: number): { fd: number; real: string } | undefined {
  let rootFd: number | undefined;
  let fd: number | undefined;
  const close = (x: number | undefined) => { if (x !== undefined) try { fs.closeSync(x); } catch { /* closed */ } };
  try {
    if (!volumeRoot.startsWith('/proc/')) mkdirMode(volumeRoot, 0o755);
    // Opened itself (a /proc/<pid>/fd/<n> root is that very directory) and held for the whole
    // walk; its path is for the containment of symlinks' targets only, the walk goes by descriptors.
    rootFd = fs.openSync(volumeRoot, O_PATH | fs.constants.O_DIRECTORY);
    const fromRoot = () => fs.openSync(`/proc/self/fd/${rootFd}`, O_PATH | fs.constants.O_DIRECTORY);
    const rootReal = realpathOr(`/proc/self/fd/${rootFd}`);
    // The kubelet gives subPath directories the volume's own permissions.
    const mode = dirMode ?? fs.fstatSync(rootFd).mode & 0o7777;
    const parts = path.relative(volumeRoot, source).split('/').filter((x) => x && x !== '.');
    if (parts.includes('..')) throw new Error('leaves the volume');
    fd = fromRoot();
    let real = rootReal;
    for (let hops = 0; parts.length > 0; ) {
      const part = parts.shift()!;
      const at = `/proc/self/fd/${fd}/${part}`;
      let st = fs.lstatSync(at, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) {
        // Inside the volume it is walked again from the root (lexically, part by part); out of it, refused.
        const target = path.resolve(real, fs.readlinkSync(at));
        if (++hops > MAX_SYMLINKS || !atOrUnder(target, rootReal)) throw new Error('leaves the volume');
        parts.unshift(...path.relative(rootReal, target).split('/').filter(Boolean));
        const again = fromRoot();
        close(fd);
        fd = again;
        real = rootReal;
        continue;
      }
      const made = st === undefined;
      if (made) fs.mkdirSync(at);
      const next = fs.openSync(at, O_PATH | fs.constants.O_NOFOLLOW);
      try {
        st = fs.fstatSync(next);
        if (st.isSymbolicLink() || ((parts.length > 0 || made) && !st.isDirectory())) throw new Error('changed while walked');
        if (made) fs.chmodSync(`/proc/self/fd/${next}`, mode);
      } catch (e) {
        close(next);
        throw e;
      }
      close(fd);
      fd = next;
      real = path.join(real, part);
    }
    close(rootFd);
    return { fd, real };
  } catch {
    // A part the pod made a file, a dangling symlink or a race with the pod's own changes: refused.
    close(fd);
    close(rootFd);
    return undefined;
  }
}

/** Host path of a path inside the container (undefined: hidden, e.g. under the private /tmp). */
export function translatePath(p: string, mounts: Mount[], sandboxed: boolean): string | undefined {
  if (!sandboxed) return p;
  const best = mountOf(p, mounts);
  if (best) return path.join(best.source, p.slice(best.target.replace(/\/+$/, '').length));
  if (atOrUnder(p, '/tmp')) return undefined;
  return p;
}

/** The mount a path inside the container is on (the deepest one above it), if any. */
export function mountOf(p: string, mounts: Mount[]): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const t = m.target.replace(/\/+$/, '') || '/';
    if (atOrUnder(p, t)) if (!best || t.length > best.target.length) best = m;
  }
  return best;
}

export interface BwrapSpec {
  hostname: string;
  hostsFile: string;
  hostnameFile: string;
  /** the pod's own /etc/resolv.conf (cluster DNS), when it has its own network */
  resolvFile?: string;
  mounts: Mount[];
  workingDir: string;
  /** Create the working directory in the sandbox (runc creates a missing cwd). */
  makeWorkingDir?: boolean;
  env: Map<string, string>;
  argv: string[];
  /** host directories covered by an empty directory (kjob's state directories: hiddenPaths) */
  hidden?: HiddenDir[];
  /** the attempt's termination message file, bound read-write at the container's terminationMessagePath */
  terminationLog?: { source: string; target: string };
}

// /run is the sandbox's own, as a container image's is: the host's holds other pods' network
// namespaces (nsfs mounts that come and go, which made a recursive bind of it fail at random) and
// sockets a pod has no business with. Only the stub resolver's directory is kept, for hosts whose
// /etc/resolv.conf links into it.
const SPECIAL_ROOT_ENTRIES = new Set(['dev', 'proc', 'tmp', 'run']);
const RUN_KEPT = '/run/systemd/resolve';
let rootBindsCache: string[] | undefined;

/**
 * The host's top-level directories bound read-only into the sandbox's own (tmpfs) root, one by
 * one rather than `--ro-bind / /`: that way a volume can be mounted at a path the host does not
 * have (an emptyDir at /input), because bwrap can create the mount point in the tmpfs root.
 */
export function rootBinds(): string[] {
  if (rootBindsCache) return rootBindsCache;
  const a: string[] = [];
  for (const e of fs.readdirSync('/', { withFileTypes: true })) {
    if (SPECIAL_ROOT_ENTRIES.has(e.name)) continue;
    const p = `/${e.name}`;
    if (e.isSymbolicLink()) a.push('--symlink', fs.readlinkSync(p), p);
    else if (e.isDirectory() || e.isFile()) a.push('--ro-bind', p, p);
  }
  return (rootBindsCache = a);
}

/**
 * rootBinds, but with the host directories above a mount point the host does not have (an
 * emptyDir or configMap volume at /etc/config) rebuilt as sandbox directories whose entries are
 * bound one by one: bwrap cannot create a mount point inside a read-only bind of /etc.
 */
export function rootBindsFor(targets: string[]): string[] {
  const explode = new Set<string>();
  for (const t of targets) {
    const parts = t.split('/').filter((x) => x && x !== '.');
    if (parts.length < 2 || SPECIAL_ROOT_ENTRIES.has(parts[0])) continue;
    let anc = '';
    let i = 0;
    for (; i < parts.length; i++) {
      const st = fs.lstatSync(`${anc}/${parts[i]}`, { throwIfNoEntry: false });
      if (!st || !st.isDirectory()) break;
      anc += `/${parts[i]}`;
    }
    // Nothing to do: the target exists, its top-level directory does not (the tmpfs root takes
    // the mount point), or a symlink or file is in the way.
    if (i === parts.length || i === 0 || fs.existsSync(`${anc}/${parts[i]}`)) continue;
    for (let j = 1, p = ''; j <= i; j++) explode.add((p += `/${parts[j - 1]}`));
  }
  if (explode.size === 0) return rootBinds();
  const binds = (dir: string): string[] => {
    const a: string[] = ['--dir', dir];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (explode.has(p)) a.push(...binds(p));
      else if (e.isSymbolicLink()) a.push('--symlink', fs.readlinkSync(p), p);
      else a.push('--ro-bind', p, p);
    }
    return a;
  };
  const out: string[] = [];
  const root = rootBinds();
  for (let i = 0; i < root.length; i += 3) {
    if (root[i] === '--ro-bind' && explode.has(root[i + 2])) out.push(...binds(root[i + 2]));
    else out.push(root[i], root[i + 1], root[i + 2]);
  }
  return out;
}

/**
 * The isolation flags, the same for every pod (and for the probe):
 * - a fresh /proc of the pod's own PID namespace, with /proc/sys (sysctls: writable by root
 *   without any capability) and /proc/sysrq-trigger read-only, as runc masks them;
 * - PID, IPC and UTS namespaces; --as-pid-1 makes the container's command PID 1 itself (no
 *   bwrap reaper in between): a PID 1 without a SIGTERM handler ignores SIGTERM and is
 *   SIGKILLed at the end of the grace period (137), and when it exits the kernel kills every
 *   other process of the namespace, whatever it did to detach (setsid, double fork);
 * - its own session (no terminal to inject input into); killed with its parent (the shim);
 * - containerd's default capabilities only (bwrap also sets no_new_privs: no setuid way back).
 */
export function isolationFlags(): string[] {
  const a = ['--dev', '/dev', '--proc', '/proc', '--ro-bind', '/proc/sys', '/proc/sys', '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger',
    '--unshare-pid', '--as-pid-1', '--unshare-ipc', '--unshare-uts', '--new-session', '--die-with-parent', '--cap-drop', 'ALL'];
  for (const c of DEFAULT_CAPABILITIES) a.push('--cap-add', c);
  return a;
}

/** bwrap argv: read-only host directories, private /tmp, kjob's state hidden, the pod's namespaces, host network. */
export function bwrapArgv(s: BwrapSpec): string[] {
  const a = [BWRAP, ...rootBindsFor(s.mounts.map((m) => m.target)), ...isolationFlags(), '--tmpfs', '/tmp', '--tmpfs', '/run', '--ro-bind-try', RUN_KEPT, RUN_KEPT];
  // Before the volumes: a volume's source lives under the state directory, but bwrap binds
  // sources from the host's view, so covering the directory in the sandbox does not hide them.
  // A cover is bound only if it still exists (-try): a state directory removed since hiddenPaths
  // looked is not there to hide, and its mount point could not be made on the read-only host.
  for (const h of s.hidden ?? []) a.push(...(h.cover ? ['--ro-bind-try', h.cover, h.dir] : ['--tmpfs', h.dir]));
  a.push('--hostname', s.hostname, '--ro-bind', s.hostsFile, '/etc/hosts', '--ro-bind', s.hostnameFile, '/etc/hostname');
  if (s.resolvFile) a.push('--ro-bind', s.resolvFile, '/etc/resolv.conf');
  for (const m of s.mounts) {
    if (m.held) a.push(m.readOnly ? '--ro-bind-fd' : '--bind-fd', String(m.held.bindFd), m.target);
    else a.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  }
  if (s.terminationLog) a.push('--bind', s.terminationLog.source, s.terminationLog.target);
  if (s.makeWorkingDir) a.push('--dir', s.workingDir);
  a.push('--chdir', s.workingDir || '/', '--clearenv');
  for (const [k, v] of s.env) a.push('--setenv', k, v);
  a.push('--', ...s.argv);
  return a;
}

/** kubelet's managed /etc/hosts (plus, kjob only, the peers of an Indexed Job with a subdomain:
 * with the host network every pod has the node's IP, so `<job>-<i>.<subdomain>` resolves here
 * instead of through cluster DNS). */
export function hostsFileContent(pod: PodObject, hostname: string, podIP: string, peers: string[] = []): string {
  let s = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  const sub = pod.spec?.subdomain;
  const ns = pod.metadata.namespace ?? 'default';
  const line = (h: string) => (sub ? `${podIP}\t${h}.${sub}.${ns}.svc.cluster.local\t${h}.${sub}.${ns}.svc\t${h}.${sub}.${ns}\t${h}.${sub}\t${h}\n` : `${podIP}\t${h}\n`);
  s += line(hostname);
  const others = peers.filter((p) => p !== hostname);
  if (others.length) {
    s += '# kjob: peer pods (host network: every pod has the node IP)\n';
    for (const p of others) s += line(p);
  }
  return s;
}

/**
 * Where a terminationMessagePath can be bound: in the sandbox's own /dev or /tmp (the default is
 * /dev/termination-log), where bwrap can make its mount point. Elsewhere (a read-only host
 * directory, a volume) kjob does not bind it, and the container's message is not read.
 */
export function terminationLogBindable(p: string): boolean {
  return /^\/(dev|tmp)\/[^/]+$/.test(p) && !p.endsWith('/..') && !p.endsWith('/.');
}

/**
 * How a missing working directory is made, as runc creates the container's cwd: inside a pod
 * volume or the private /tmp it is created; under a top-level directory the host does not have,
 * bwrap creates it in its tmpfs root; anywhere else (a read-only host directory) it cannot be.
 */
export function workingDirPlan(wd: string, mounts: Mount[], sandboxed: boolean, podDir: string): 'exists' | 'mkdir-host' | 'mkdir-sandbox' | 'impossible' {
  const host = translatePath(wd, mounts, sandboxed);
  if (host === undefined) return sandboxed ? 'mkdir-sandbox' : 'impossible'; // under the private /tmp
  // The root, most containers' working directory, is not looked for at every start.
  if (host === '/' || fs.existsSync(host)) return 'exists';
  if (!sandboxed) return 'impossible';
  if (atOrUnder(host, podDir)) return 'mkdir-host';
  const top = '/' + wd.split('/').filter(Boolean)[0];
  if (!fs.existsSync(top)) return 'mkdir-sandbox';
  return 'impossible';
}
