// Resource limits with cgroups, as the kubelet and runc set them: a cgroup per pod (its process
// limit) with one child per container attempt (its memory limit, and the OOM-kill counter that
// makes a terminated container report `reason: OOMKilled`). cgroup v1 (one hierarchy per
// controller), v2 (one unified hierarchy) and hybrid machines (v1 controllers beside an empty v2
// mount) are all read from /proc/self/mountinfo and /proc/self/cgroup.
//
// Where kjob's cgroups live: under the cgroup kjob itself runs in, so a machine's or a session's
// own limits still hold for its pods. On v1 that is `<own cgroup>/kjob/<pod uid>/<container>_<n>`
// in each controller's hierarchy. v2 forbids processes in a cgroup whose controllers are handed to
// children, so there the parent is the nearest ancestor of kjob's cgroup that already delegates
// memory and pids (the root at worst).
import { atOrUnder } from '../util/paths.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goErrnoText } from '../util/go.js';

export type Controller = 'memory' | 'pids';
const CONTROLLERS: Controller[] = ['memory', 'pids'];

/**
 * The kubelet's podPidsLimit is unlimited by default; kjob runs pods on the machine people work
 * on, so a fork bomb in a manifest must not take it down: 4096 processes per pod is far above
 * what a batch pod needs. KJOB_POD_PIDS_LIMIT changes it (-1: unlimited, as the kubelet's default).
 */
export const DEFAULT_POD_PIDS_LIMIT = 4096;

export function podPidsLimitFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.KJOB_POD_PIDS_LIMIT;
  if (v === undefined || v.trim() === '') return DEFAULT_POD_PIDS_LIMIT;
  const n = Number(v);
  if (n === -1 || (Number.isInteger(n) && n > 0)) return n;
  return DEFAULT_POD_PIDS_LIMIT;
}

/** One hierarchy kjob uses: its cgroup version, the controllers kjob takes from it, and kjob's parent directory in it. */
export interface Hierarchy {
  version: 1 | 2;
  controllers: Controller[];
  /** absolute path of the `kjob` cgroup directory (created on first use) */
  dir: string;
}

export interface CgroupStatus {
  enforced: boolean;
  /** 'v1', 'v2', or 'hybrid' (v1 controllers beside a v2 mount); undefined when none is usable */
  version?: string;
  /** why limits are not enforced (when enforced is false) */
  reason?: string;
}

interface MountEntry { root: string; mountPoint: string; fsType: string; superOptions: string[] }

function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8)));
    out.push({ root: unescape(left[3]), mountPoint: unescape(left[4]), fsType: right[0], superOptions: right[2].split(',') });
  }
  return out;
}

/** /proc/self/cgroup: hierarchy controllers ("" for v2) → this process's path in it. */
function parseSelfCgroup(text: string): { id: number; controllers: string[]; path: string }[] {
  const out: { id: number; controllers: string[]; path: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m) out.push({ id: Number(m[1]), controllers: m[2] === '' ? [] : m[2].split(','), path: m[3] });
  }
  return out;
}

/** The mount's view of a cgroup path: paths in /proc/self/cgroup are relative to the hierarchy's root, a mount may show a subtree. */
function underMount(m: MountEntry, cgPath: string): string | undefined {
  const root = m.root.replace(/\/+$/, '');
  if (root && !atOrUnder(cgPath, root)) return undefined;
  return path.join(m.mountPoint, cgPath.slice(root.length));
}

export interface CgroupPlan { hierarchies: Hierarchy[]; version?: string; reason?: string }

/**
 * Where kjob's cgroups go on this machine, from mountinfo and /proc/self/cgroup; no file is
 * written. readFile reads cgroupfs files (v2 cgroup.controllers and cgroup.subtree_control).
 */
export function planCgroups(mountinfo: string, selfCgroup: string, readFile: (p: string) => string | undefined): CgroupPlan {
  const mounts = parseMountinfo(mountinfo);
  const self = parseSelfCgroup(selfCgroup);
  const hierarchies: Hierarchy[] = [];
  const missing: Controller[] = [];
  const v2mount = mounts.find((m) => m.fsType === 'cgroup2');
  const v2self = self.find((s) => s.id === 0 && s.controllers.length === 0);
  const v2controllers = v2mount ? (readFile(path.join(v2mount.mountPoint, 'cgroup.controllers')) ?? '').trim().split(/\s+/) : [];
  const onV2: Controller[] = [];
  for (const c of CONTROLLERS) {
    const m = mounts.find((x) => x.fsType === 'cgroup' && x.superOptions.includes(c));
    if (m) {
      const own = self.find((s) => s.controllers.includes(c));
      const dir = own && underMount(m, own.path);
      if (!dir) { missing.push(c); continue; }
      hierarchies.push({ version: 1, controllers: [c], dir: path.join(dir, 'kjob') });
    } else if (v2mount && v2controllers.includes(c)) onV2.push(c);
    else missing.push(c);
  }
  if (onV2.length && v2mount && v2self) {
    // The nearest ancestor that delegates these controllers to its children; the root always may.
    let p = v2self.path || '/';
    for (;;) {
      const dir = underMount(v2mount, p);
      const delegated = dir ? (readFile(path.join(dir, 'cgroup.subtree_control')) ?? '').trim().split(/\s+/) : [];
      if (dir && (p === '/' || (p !== v2self.path && onV2.every((c) => delegated.includes(c))))) {
        hierarchies.push({ version: 2, controllers: onV2, dir: path.join(dir, 'kjob') });
        break;
      }
      if (p === '/' || !dir) break;
      p = path.posix.dirname(p);
    }
  }
  const got = new Set(hierarchies.flatMap((h) => h.controllers));
  const absent = CONTROLLERS.filter((c) => !got.has(c));
  if (absent.length) return { hierarchies: [], reason: `the ${absent.join(' and ')} cgroup controller${absent.length > 1 ? 's are' : ' is'} not available on this machine` };
  const versions = new Set(hierarchies.map((h) => h.version));
  const version = versions.size === 2 ? 'hybrid' : versions.has(2) ? 'v2' : 'v1';
  return { hierarchies, version };
}

function errnoReason(e: unknown, file: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EROFS') return `the cgroup filesystem is read-only (${file})`;
  if (code === 'EACCES' || code === 'EPERM') {
    return process.getuid?.() === 0 ? `permission denied on ${file}` : `kjob is not running as root, and cgroups need root (permission denied on ${file})`;
  }
  if (code === 'ENOENT') return `${file} does not exist`;
  return `${file}: ${(e as Error).message}`;
}

/**
 * One step of making an attempt's cgroups: a directory (one that exists is fine), a v2
 * subtree_control handing controllers to the directory's children (only those not handed yet),
 * a limit written to a file (optional: a file this kernel lacks is skipped).
 */
export type CgroupStep =
  | { op: 'mkdir'; dir: string }
  | { op: 'enable'; dir: string; controllers: Controller[] }
  | { op: 'write'; file: string; value: string; optional?: boolean };

/**
 * What a new container attempt's cgroups are: the directories (recorded with the attempt), the
 * steps that make them, in order, and the cgroup.procs files its first process joins once made.
 * The shim's child takes the steps (shim.ts), so that the kernel's cgroup lock, which container
 * starts and exits contend for, is waited for on the container's time and not the engine's.
 */
export interface AttemptCgroups { dirs: string[]; procs: string[]; steps: CgroupStep[] }

/** Where this process's cgroups are and which hierarchies kjob may use, or why none can be. */
function planForThisProcess(): ReturnType<typeof planCgroups> | string {
  const read = (p: string) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const mountinfo = read('/proc/self/mountinfo');
  const self = read('/proc/self/cgroup');
  if (mountinfo === undefined || self === undefined) return '/proc/self/mountinfo or /proc/self/cgroup cannot be read';
  const plan = planCgroups(mountinfo, self, read);
  return plan.hierarchies.length ? plan : (plan.reason ?? 'no cgroup hierarchy is usable');
}

/** A cgroup directory kjob made: only these are ever written to, emptied or removed. */
export function isKjobCgroupDir(dir: string): boolean {
  return path.isAbsolute(dir) && dir.startsWith('/sys/fs/cgroup/') && /\/kjob\/[A-Za-z0-9][A-Za-z0-9._-]*(\/[a-z0-9-]+_\d+)?$/.test(dir) && !dir.includes('..');
}

export class Cgroups {
  private constructor(
    readonly status: CgroupStatus,
    private readonly hierarchies: Hierarchy[],
    readonly podPidsLimit: number,
  ) {}

  /** cgroups are not used (tests, and machines where detection failed). */
  static disabled(reason: string, podPidsLimit = DEFAULT_POD_PIDS_LIMIT): Cgroups {
    return new Cgroups({ enforced: false, reason }, [], podPidsLimit);
  }

  /**
   * Finds kjob's place in this machine's cgroups and makes sure it can use it: creates the `kjob`
   * directories (handing memory and pids down on v2) and a probe cgroup in each, then removes the
   * probe. Anything refused (not root, a read-only cgroupfs, a missing controller) leaves limits
   * unenforced, with the reason.
   */
  static detect(podPidsLimit = podPidsLimitFromEnv()): Cgroups {
    const plan = planForThisProcess();
    if (typeof plan === 'string') return Cgroups.disabled(plan, podPidsLimit);
    for (const h of plan.hierarchies) {
      let file = h.dir;
      try {
        fs.mkdirSync(h.dir, { recursive: true });
        if (h.version === 2) {
          file = path.join(h.dir, '..', 'cgroup.subtree_control');
          enableControllers(path.dirname(h.dir), h.controllers);
          file = path.join(h.dir, 'cgroup.subtree_control');
          enableControllers(h.dir, h.controllers);
        }
        const probe = path.join(h.dir, `probe-${process.pid}`);
        file = probe;
        fs.mkdirSync(probe, { recursive: true });
        fs.rmdirSync(probe);
      } catch (e) {
        return Cgroups.disabled(errnoReason(e, file), podPidsLimit);
      }
    }
    return new Cgroups({ enforced: true, version: plan.version }, plan.hierarchies, podPidsLimit);
  }

  /**
   * What detect() would find, without writing anything (for `kjob controller status` when no
   * engine runs): the plan, and whether kjob's directories could be made there.
   */
  static inspect(podPidsLimit = podPidsLimitFromEnv()): Cgroups {
    const plan = planForThisProcess();
    if (typeof plan === 'string') return Cgroups.disabled(plan, podPidsLimit);
    for (const h of plan.hierarchies) {
      const at = fs.existsSync(h.dir) ? h.dir : path.dirname(h.dir);
      try {
        fs.accessSync(at, fs.constants.W_OK);
      } catch (e) {
        return Cgroups.disabled(errnoReason(e, at), podPidsLimit);
      }
    }
    return new Cgroups({ enforced: true, version: plan.version }, plan.hierarchies, podPidsLimit);
  }

  /**
   * An engine that stops removes its `kjob` cgroup directories when no pod uses them, so that
   * nothing of kjob is left in the cgroup it ran under (whose owner may want to remove it).
   * One in use stays (rmdir refuses a cgroup with children).
   */
  release(): void {
    for (const h of this.hierarchies) rmdirCg(h.dir);
  }

  /** The controllers kjob enforces limits with, for messages: "memory, pids". */
  controllers(): Controller[] {
    return this.hierarchies.flatMap((h) => h.controllers).sort();
  }

  /**
   * The cgroups of one container attempt, without making them: the pod's (its process limit) and
   * the attempt's own below it (its memory limit). Nothing when cgroups are not used.
   */
  planAttempt(uid: string, container: string, n: number, limits: { memoryBytes?: number }): AttemptCgroups {
    const out: AttemptCgroups = { dirs: [], procs: [], steps: [] };
    if (!this.status.enforced) return out;
    const step = (s: CgroupStep) => out.steps.push(s);
    for (const h of this.hierarchies) {
      const podDir = path.join(h.dir, uid);
      // The kjob directory may have been removed by an engine that went idle (release()).
      step({ op: 'mkdir', dir: h.dir });
      if (h.version === 2) step({ op: 'enable', dir: h.dir, controllers: h.controllers });
      step({ op: 'mkdir', dir: podDir });
      if (h.version === 2) step({ op: 'enable', dir: podDir, controllers: h.controllers });
      if (h.controllers.includes('pids')) step({ op: 'write', file: path.join(podDir, 'pids.max'), value: this.podPidsLimit > 0 ? String(this.podPidsLimit) : 'max' });
      const leaf = path.join(podDir, `${container}_${n}`);
      step({ op: 'mkdir', dir: leaf });
      if (h.controllers.includes('memory') && limits.memoryBytes !== undefined) {
        const bytes = String(Math.max(1, Math.floor(limits.memoryBytes)));
        if (h.version === 1) {
          step({ op: 'write', file: path.join(leaf, 'memory.limit_in_bytes'), value: bytes });
          // Nodes run without swap: a container at its limit is killed, not swapped out.
          step({ op: 'write', file: path.join(leaf, 'memory.memsw.limit_in_bytes'), value: bytes, optional: true });
        } else {
          step({ op: 'write', file: path.join(leaf, 'memory.max'), value: bytes });
          step({ op: 'write', file: path.join(leaf, 'memory.swap.max'), value: '0', optional: true });
        }
      }
      out.dirs.push(leaf);
      out.procs.push(path.join(leaf, 'cgroup.procs'));
    }
    return out;
  }
}

/**
 * Takes an attempt's cgroup steps here (for a shim that cannot: the sh shim). Throws
 * with what failed in runc's words ("mkdir DIR: permission denied").
 */
export function makeCgroups(steps: CgroupStep[]): void {
  for (const s of steps) {
    const at = s.op === 'write' ? s.file : s.dir;
    try {
      if (s.op === 'mkdir') fs.mkdirSync(s.dir, { recursive: true });
      else if (s.op === 'enable') enableControllers(s.dir, s.controllers);
      else writeCg(path.dirname(s.file), path.basename(s.file), s.value, s.optional);
    } catch (e) {
      throw new Error(`${s.op === 'mkdir' ? 'mkdir' : 'write'} ${at}: ${goErrnoText(e)}`);
    }
  }
}

/**
 * An attempt's cgroups as the shim reads them (its operand, shim.ts): the steps, then a "join"
 * of each cgroup.procs file, one per line, tab-separated ("mkdir DIR", "enable DIR memory pids",
 * "write FILE VALUE", "write? FILE VALUE", "join PROCS"); kjob's cgroup paths have neither tabs
 * nor newlines (isKjobCgroupDir). The shim reaps the cgroups of the joins.
 */
export function cgroupsText(cg: Pick<AttemptCgroups, 'steps' | 'procs'>): string {
  const steps = cg.steps.map((s) =>
    s.op === 'mkdir' ? `mkdir\t${s.dir}` : s.op === 'enable' ? `enable\t${s.dir}\t${s.controllers.join(' ')}` : `write${s.optional ? '?' : ''}\t${s.file}\t${s.value}`,
  );
  return [...steps, ...cg.procs.map((p) => `join\t${p}`)].join('\n');
}

function writeCg(dir: string, file: string, value: string, optional = false): void {
  try {
    fs.writeFileSync(path.join(dir, file), value);
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
}

/** v2: hand the controllers to dir's children (cgroup.subtree_control), unless already handed. */
function enableControllers(dir: string, controllers: Controller[]): void {
  const file = path.join(dir, 'cgroup.subtree_control');
  const have = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
  const want = controllers.filter((c) => !have.includes(c));
  if (want.length) fs.writeFileSync(file, want.map((c) => `+${c}`).join(' '));
}

/** Whether the kernel OOM-killed a process in these cgroups (memory.oom_control on v1, memory.events on v2). */
export function oomKilled(dirs: string[]): boolean {
  for (const d of dirs) {
    if (!isKjobCgroupDir(d)) continue;
    for (const f of ['memory.events', 'memory.oom_control']) {
      let s: string;
      try { s = fs.readFileSync(path.join(d, f), 'utf8'); } catch { continue; }
      const m = /^oom_kill (\d+)$/m.exec(s);
      if (m && Number(m[1]) > 0) return true;
    }
  }
  return false;
}

/** SIGKILL every process in these cgroups (v2's cgroup.kill where the kernel has it). */
export function killCgroups(dirs: string[]): void {
  for (const d of dirs) {
    if (!isKjobCgroupDir(d)) continue;
    try {
      fs.writeFileSync(path.join(d, 'cgroup.kill'), '1');
      continue;
    } catch { /* v1, or a kernel before 5.14 */ }
    // A process may fork while being killed: look again until the cgroup is empty (bounded).
    for (let round = 0; round < 5; round++) {
      let pids: number[] = [];
      try { pids = fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number); } catch { break; }
      if (!pids.length) break;
      for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    }
  }
}

/** Removes these cgroups (and their pod cgroups once empty); true when none is left. */
export function removeCgroups(dirs: string[]): boolean {
  let all = true;
  const parents = new Set<string>();
  for (const d of dirs) {
    if (!isKjobCgroupDir(d)) continue;
    if (/\/[a-z0-9-]+_\d+$/.test(d)) parents.add(path.dirname(d));
    if (!rmdirCg(d)) all = false;
  }
  // The pod's cgroup goes with its last attempt's; it is still busy while another attempt runs.
  for (const p of parents) {
    let children: string[] = [];
    try { children = fs.readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); } catch { continue; }
    if (!children.length) rmdirCg(p);
  }
  return all;
}

function rmdirCg(d: string): boolean {
  try {
    fs.rmdirSync(d);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
