// End-to-end helpers: run the real bin/kjob against a throwaway state directory, normalise what
// moves between runs (ages, random suffixes, uids, times), and clean up every process started.
import { spawnSync, spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLockPid } from '../../src/engine/daemon.js';
import { killProcessesOf } from '../../src/util/process.js';
import { PodNetwork } from '../../src/kubelet/network.js';
import { TYPED_WRITE_BUG } from '../../src/apiserver/apiserver.js';
import { until } from '../../src/util/testing.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KJOB = path.join(ROOT, 'bin/kjob');
export const GOLDEN = path.join(ROOT, 'test/golden');
const TIMEOUT_SCALE = Math.max(1, Number(process.env.KJOB_TEST_TIMEOUT_SCALE ?? 1) || 1);

/** A test's own deadline, stretched as Sandbox.until's are (KJOB_TEST_TIMEOUT_SCALE). */
export function scaledTimeout(ms: number): number {
  return ms * TIMEOUT_SCALE;
}

export interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

export class Sandbox {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly children: ChildProcess[] = [];

  /** parent: where the state directory is made (default: the OS temp directory). */
  constructor(env: NodeJS.ProcessEnv = {}, opts: { parent?: string } = {}) {
    this.home = fs.mkdtempSync(path.join(opts.parent ?? os.tmpdir(), 'kjob-e2e-'));
    this.env = { ...process.env, KJOB_HOME: this.home, TZ: 'UTC', ...env };
  }

  kjob(args: string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
    const r = spawnSync(KJOB, args, {
      env: opts.env ? { ...this.env, ...opts.env } : this.env,
      cwd: opts.cwd ?? ROOT,
      input: opts.input ?? '',
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
  }

  /** kjob's stdout, for a command that must succeed (exit 0; its stderr in the failure otherwise). */
  ok(args: string[], input?: string): string {
    const r = this.kjob(args, { input });
    if (r.code !== 0) throw new Error(`kjob ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  /** Start kjob in the background (e.g. `get pods -w`); stopped by cleanup() at the latest. */
  spawn(args: string[]): { child: ChildProcess; output: () => string } {
    const child = spawn(KJOB, args, { env: this.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d.toString()));
    child.stderr!.on('data', (d) => (out += d.toString()));
    this.children.push(child);
    return { child, output: () => out };
  }

  /** `kjob serve` of this state directory, writing kubeconfig, once it listens; stopped by cleanup() at the latest. */
  async serve(kubeconfig: string): Promise<ChildProcess> {
    const server = this.spawn(['serve', '--port', '0', '--kubeconfig', kubeconfig]);
    await this.until('kjob serve to listen', () => server.output().includes('kubeconfig written'), 20_000, 50);
    return server.child;
  }

  /**
   * Start a watch (`get ... -w`, `events -w`) and return once it is watching: it opens its inotify
   * watch of the state file's log at its first wait, after its first list, so every change from
   * then on reaches it. A watch with nothing to list prints nothing to wait for, and on a loaded
   * machine its node can take seconds to start, while an engine brings a new pod past Pending.
   */
  async spawnWatch(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
    const w = this.spawn(args);
    await this.until(`kjob ${args.join(' ')} to be watching`, () => isWatching(w.child.pid), 30_000, 20);
    return w;
  }

  /** Poll until fn returns true (real processes take real time; this is not a unit test). Each poll
   * usually runs kjob, a node start of its own: polling every half second rather than faster keeps
   * the suite's CPU for the pods and engines it waits on. The timeout only bounds how long a failure
   * takes to show: it is stretched by KJOB_TEST_TIMEOUT_SCALE (scripts/test.mjs sets 3 under CI,
   * whose machine has run the suite at a third of this one's speed), never a pass made faster. */
  async until(what: string, fn: () => boolean, timeoutMs = 60_000, intervalMs = 500): Promise<void> {
    try {
      await until(what, fn, scaledTimeout(timeoutMs), intervalMs);
    } catch (e) {
      // What the state directory held then, for a failure that is seen only under load.
      throw new Error(`${(e as Error).message}\n--- kjob get jobs,pods -A ---\n${this.kjob(['get', 'jobs,pods', '-A']).stdout}--- engine.log, last lines ---\n${this.engineLog(20)}`);
    }
  }

  /** The last lines the engines (and netd, whose lines are in it) logged, for a failure's message. */
  engineLog(lines: number): string {
    try {
      return fs.readFileSync(path.join(this.home, 'engine.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch (e) {
      return String(e); // no engine ran
    }
  }

  /** The engine's pid, by the lock as kjob reads it: a process that merely has the pid of an engine
   * killed earlier is not it (a test that kills "the engine" must never kill another's process). */
  enginePid(): number | undefined {
    return readLockPid(this.home);
  }

  /** Stop the engine and kill every process of this state directory (processesOf: engine, container shims and sandboxes, with their process groups). */
  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
    killProcessesOf(this.home);
    // The cgroups of containers killed here: nobody is left to remove them (a killed process
    // leaves its cgroup a moment later, hence the retries). Read once the engine is gone: one
    // read before could miss the attempt it started meanwhile (a restart's), whose cgroups then
    // outlived the test.
    const cgroups = this.podCgroups();
    for (let i = 0; i < 50 && cgroups.length; i++) {
      for (const d of [...cgroups]) {
        try { fs.rmdirSync(d); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') continue; }
        cgroups.splice(cgroups.indexOf(d), 1);
        try { fs.rmdirSync(path.dirname(d)); } catch { /* another attempt's, or gone */ }
      }
      if (cgroups.length) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    // The pod network's namespaces of this state directory (root only; nothing otherwise).
    new PodNetwork(this.home).tearDownAll();
    // A write of the engine's that decoding would change or refuse (the suite's
    // KJOB_CHECK_TYPED_WRITES) fails only its sync, which is tried again: said here, and the test
    // file's process fails, without a throw that would skip the cleanups after this one.
    let engineLog = '';
    try { engineLog = fs.readFileSync(path.join(this.home, 'engine.log'), 'utf8'); } catch { /* no engine ran */ }
    fs.rmSync(this.home, { recursive: true, force: true });
    const bug = engineLog.split('\n').find((l) => l.includes(TYPED_WRITE_BUG));
    if (bug) {
      process.stderr.write(`the engine wrote an object that decoding changes or refuses: ${bug}\n`);
      process.exitCode = 1;
    }
  }

  /**
   * The cgroup directories kjob recorded for this state directory's container attempts, and any
   * other attempt's beside them (one the engine made but had not recorded yet when it was killed).
   */
  private podCgroups(): string[] {
    const out: string[] = [];
    const recorded = this.recordedCgroups();
    for (const pod of new Set(recorded.map((d) => path.dirname(d)))) {
      try {
        for (const e of fs.readdirSync(pod, { withFileTypes: true })) if (e.isDirectory()) out.push(path.join(pod, e.name));
      } catch { /* removed already */ }
    }
    return [...new Set([...recorded, ...out])];
  }

  private recordedCgroups(): string[] {
    const out: string[] = [];
    const pods = path.join(this.home, 'pods');
    let files: string[] = [];
    try { files = (fs.readdirSync(pods, { recursive: true }) as string[]).filter((f) => f.endsWith('/cgroup')); } catch { return out; }
    for (const f of files) {
      try { out.push(...(JSON.parse(fs.readFileSync(path.join(pods, f), 'utf8')) as string[]).filter((d) => d.startsWith('/sys/fs/cgroup/'))); } catch { /* reaped meanwhile */ }
    }
    return out;
  }
}

/**
 * Mask what differs between two runs of the same story: ages and durations, random pod-name
 * suffixes, uids, container ids, timestamps.
 */
export function normalise(s: string): string {
  return s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/containerd:\/\/[0-9a-f]{64}/g, 'containerd://<id>')
    // A pod's own address (its order of creation picks it); 127.0.0.1 on the shared host network.
    .replace(/\b10\.244\.0\.\d{1,3}\b/g, '127.0.0.1')
    .replace(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}/g, '<time>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g, '<time>')
    .replace(/\b([a-z0-9]+(?:-[a-z0-9]+)*?)-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '$1-<rand>')
    .replace(/kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}/g, 'kube-api-access-<rand>')
    .replace(/\b\d+(y\d+d|d\d+h|h\d+m|m\d+s|[smhdy])\b/g, '<age>')
    .replace(/\(x\d+ over <age>\)/g, '(xN over <age>)')
    .replace(/<age> +/g, '<age> ')
    .replace(/ +$/gm, (m) => (m.length > 0 ? ' ' : ''));
}

export function golden(name: string): string {
  return fs.readFileSync(path.join(GOLDEN, name), 'utf8');
}

/** A Job manifest running `sh -c COMMAND` (restart Never, a 1s grace period), with SPEC lines (indented two spaces) under spec. */
export function shJob(name: string, spec: string, command: string): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "${command}"]
`;
}

/** Whether the process has an inotify descriptor open (a local watch's, see Sandbox.spawnWatch). */
function isWatching(pid: number | undefined): boolean {
  const fds = `/proc/${pid}/fd`;
  try {
    return fs.readdirSync(fds).some((fd) => {
      try {
        return fs.readlinkSync(`${fds}/${fd}`) === 'anon_inode:inotify';
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
