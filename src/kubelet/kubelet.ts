// The kubelet: runs a pod's containers as sandboxed local processes and writes pod status.
// Level-triggered: every syncPod reads the pod and the runtime state on disk, publishes what it
// observed (one status write), and only when the stored status is already up to date acts
// (starts the containers whose turn it is). So watchers see Pending → ContainerCreating →
// Running → Completed as separate updates, and a restarted engine picks up where it left off.
import { jsonEqual } from '../util/canonical.js';
import { LRU } from '../util/lru.js';
import * as fs from 'node:fs';
import { userRuntimeDir } from './runtime_dir.js';
import * as path from 'node:path';
import { goBytesAsJSON, goQuote } from '../util/go.js';
import { asKind, type Container, type KObject, type PodConditionWire, type PodObject, type PodStatusWire } from '../api/types.js';
import type { ContainerState, ContainerStateTerminated, ContainerStatus } from 'kubernetes-types/core/v1.js';
import { controllerOf, rfc3339 } from '../api/types.js';
import { StatusError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { exponentialBackoffMs, type Timing } from '../util/timing.js';
import { SCHEDULER_NAME, Scheduler } from '../scheduler/scheduler.js';
import type { APIServer } from '../apiserver/interface.js';
import { APIEventRecorder, type EventRecorder } from '../client/record.js';
import { PODS, afterTransaction, tryGet, tryGetShared } from '../client/client.js';
import { machineResources } from './node.js';
import { buildCommand, buildEnv, podHostname, COMPLETION_INDEX_ANNOTATION, ContainerConfigError, DEFAULT_PATH, type ObjectGetter } from './env.js';
import { ephemeralArgv } from './ephemeral.js';
import { withTerminal } from './exec.js';
import { isObjectVolume, volumeIsSetUp, volumePayload, writePayload } from './volumes.js';
import { lookupExecutable, type LookupResult } from './lookup.js';
import { ExecutablePuller, normalizedImageRef } from './images.js';
import { bwrapArgv, containerMounts, exposesHostDir, hiddenPathsFor, mkdirMode, mountOf, stateDirs, type Mount, hostsFileContent, NEEDS_BWRAP, terminationLogBindable, bwrapBindsFds, openSubPath, prepareSubPath, probeSandbox, subPathError, translatePath, workingDirPlan, type SandboxMode, type SandboxStatus } from './sandbox.js';
import { ProcessRuntime, attemptDirOf, cgroupStartError, mkdirPrivate, newContainerID, TERMINATION_LOG, validUid, writeAtomic, writeInPlace, type AttemptState, type ContainerRuntime } from './runtime.js';
import type { Cgroups } from './cgroups.js';
import { exitCodeHint, missingExecutableHint } from './hints.js';
import { parseQuantity } from '../api/defaults.js';
import { isPodTerminal, isRestartableInitContainer, isTerminalPhase } from '../api/pod_util.js';
import { NETNS_DIR, PodNetwork, resolvConf, type NetworkStatus } from './network.js';
import { keepsNetwork } from './proxy/table.js';
import { containerLogPath, readContainerLog, readLogSync, removePodLogs } from './logs.js';
import { MIN_GRACE_MS, goDuration, qosClass, restartDelayMs, terminatePod } from './status.js';
import { ProbeManager, type ProbeRunner, type ProbeStatus, type ProbeType } from './prober.js';

export interface KubeletOptions {
  /** Reads and writes go through the apiserver: status with updateStatus, never the spec. */
  api: APIServer;
  /** default: Events through api, from kubelet on this node */
  recorder?: EventRecorder;
  /**
   * The scheduler the kubelet's syncs bind pods with: the engine's, whose cache its informer keeps
   * (Scheduler.podChanged). Default: one of its own (Events through api, from default-scheduler),
   * which counts every pod it bound itself (no informer tells it of their end): for tests.
   */
  scheduler?: Scheduler;
  clock: Clock;
  timing: Timing;
  home: string;
  nodeName: string;
  hostIP: string;
  /** 'auto' (the default; KJOB_SANDBOX=none chooses plain processes) probes bubblewrap once; 'bwrap' trusts it without a probe run. */
  sandbox?: SandboxMode;
  /** Tests say what the probe would have found. */
  sandboxStatus?: SandboxStatus;
  /** Where memory and process limits are enforced (the engine's Cgroups.detect()); none when absent. */
  cgroups?: Cgroups;
  /** Tests substitute an in-memory runtime. */
  runtime?: ContainerRuntime;
  /** A network namespace and address per pod (the engine's; without it pods share the host's network). */
  network?: PodNetwork;
  /** How probes run (tests script their results); the real exec, tcp and http probes by default. */
  probeRunner?: ProbeRunner;
}

interface Due { c: Container; init: boolean; n: number; ephemeral?: boolean }
/** sidecarStop: the pod's containers have ended for good and a sidecar still runs (stopContainers stops them in turn). stopAll: the pod ended with containers running. */
interface Computed { status: PodStatusWire; due: Due[]; requeueMs?: number; backoff: string[]; kills: ProbeKill[]; sidecarStop?: boolean; stopAll?: boolean }
/** active_deadline.go's verdict on a pod past its spec.activeDeadlineSeconds. */
const DEADLINE_EXCEEDED = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
/** A container the prober wants killed (liveness or startup failure), or killed for good after its grace period. */
interface ProbeKill { name: string; n: number; containerID: string; type?: ProbeType; force: boolean }


/**
 * How often a running container is looked at again without an exit note (the kubelet's PLEG
 * relists periodically): a shim killed together with its container sends none.
 */
export const RELIST_MS = 2000;

/** A pod whose network is being set up is looked at again after this at the latest (its end wakes it first). */
const NETWORK_WAIT_MS = 1000;


/** bwrap gets a container's subPaths as descriptors 3 to 9 (the shell that opens them for it counts to 9). */
const MAX_HELD_SUBPATHS = 7;

function closeAll(fds: number[]): void {
  for (const fd of fds) try { fs.closeSync(fd); } catch { /* closed */ }
}

/** terminationGracePeriodSeconds (default 30), in ms. */
const terminationGraceMs = (pod: PodObject) => (pod.spec!.terminationGracePeriodSeconds ?? 30) * 1000;

/** Every container of the pod: its init containers, its containers and its ephemeral containers. */
function allContainers(pod: PodObject): Container[] {
  return [...(pod.spec!.initContainers ?? []), ...pod.spec!.containers, ...((pod.spec!.ephemeralContainers ?? []) as Container[])];
}

export class Kubelet {
  private readonly api: APIServer;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly timing: Timing;
  private readonly home: string;
  private readonly nodeName: string;
  private readonly hostIP: string;
  private readonly sandboxMode?: SandboxMode;
  private sandboxStatus?: SandboxStatus;
  readonly runtime: ContainerRuntime;
  private readonly network?: PodNetwork;
  private watcher?: fs.FSWatcher;
  /** The prober (startup, readiness, liveness) and how it wakes the pod's sync. */
  private readonly prober: ProbeManager;
  private notifyPod?: (podKey: string) => void;
  /** The scheduler of this one-node cluster (KubeletOptions.scheduler). */
  private readonly scheduler: Scheduler;
  private machineAllocatable?: Record<string, string>;
  /**
   * The failing mounts by pod uid and volume: the last FailedMount's message, how many failed in a
   * row, and when the next is recorded (the volume manager's exponential back-off, Timing.volumeMountRetry*).
   */
  private readonly mountErrors = new Map<string, { message: string; failures: number; nextMs: number }>();
  /** The subPath descriptors of each running container attempt ("<uid>/<containerID>"): bwrap binds them (openSubPath). */
  private readonly heldSubPaths = new Map<string, number[]>();
  private readonly images = new ExecutablePuller();
  /**
   * When this kubelet began stopping each pod (its clock, ms; stopContainers: a deletion, a
   * deadline, an init container failed for good, its containers' end with sidecars running; after
   * an engine restart, the earliest SIGTERM the runtime recorded): the grace period counts from
   * then. deletionTimestamp holds the end only to the second, which cut up to a second off it.
   */
  private readonly stoppingSince = new Map<string, number>();
  /** When each container's last BackOff event was recorded ("<uid>/<container>", the kubelet's clock in ms). */
  private readonly backOffRecorded = new Map<string, number>();
  /**
   * Each container that waited in CreateContainerConfigError ("<uid>/<container>"): the attempt the
   * last try followed (-1: its first start), that try's time (the kubelet's clock, ms) and message,
   * and how many tries failed after each attempt (the restart back-off counts them all).
   */
  private readonly configTried = new Map<string, { after: number; at: number; message: string; triesAfter: Map<number, number> }>();
  /** Pods whose DeadlineExceeded event was recorded, by uid. */
  private readonly deadlineRecorded = new Set<string>();
  /**
   * When this kubelet gave each pod its startTime (its clock, ms), as the status manager keeps it
   * in memory: active_deadline.go counts from that, not from the stored whole second, which would
   * end a pod up to a second early. After an engine restart the stored startTime is all there is,
   * as for a restarted kubelet.
   */
  private readonly startTimeMs = new Map<string, number>();
  /** logTail's reads, by container ID. */
  private readonly logTails = new LRU<Uint8Array>(10_000);
  /**
   * The resourceVersion of the last version of each unfinished pod a sync wrote (its binding, its
   * status): the changes up to it need no sync (changeNeedsSync). A sync reads the pod's latest
   * version inside a write transaction (the engine's round), so every version up to the last it
   * wrote was read or written by it, and it asked for what is due next.
   */
  private readonly syncedVersion = new Map<string, number>();
  /** What the current sync did that counts only once its transaction commits (afterSync). */
  private syncDone: { written: [uid: string, version: number | undefined][]; bound?: string } = { written: [] };
  /** The configMapManager and secretManager: objects of the pod's namespace, read from the store. */
  private readonly objects: ObjectGetter = (kind, namespace, name) => tryGet(this.api, kind, namespace, name);

  constructor(opts: KubeletOptions) {
    this.api = opts.api;
    this.recorder = opts.recorder ?? new APIEventRecorder(opts.api, { component: 'kubelet', host: opts.nodeName }, opts.clock);
    this.clock = opts.clock;
    this.timing = opts.timing;
    this.home = opts.home;
    this.nodeName = opts.nodeName;
    this.hostIP = opts.hostIP;
    this.sandboxMode = opts.sandbox;
    this.sandboxStatus = opts.sandboxStatus;
    this.prober = new ProbeManager(opts.probeRunner);
    this.network = opts.network;
    this.runtime = opts.runtime ?? new ProcessRuntime(opts.home, opts.clock.fromReal?.bind(opts.clock), opts.cgroups);
    this.scheduler = opts.scheduler ?? new Scheduler(opts.api, new APIEventRecorder(opts.api, { component: SCHEDULER_NAME }, opts.clock, { correlate: false }));
  }

  /** The node's allocatable resources (the registered Node's, or this machine's). */
  private allocatable(): Record<string, string> {
    const node = tryGetShared(this.api, 'Node', undefined, this.nodeName);
    if (node?.status?.allocatable) return node.status.allocatable;
    return (this.machineAllocatable ??= machineResources(this.home).allocatable);
  }

  /** What this machine gives pods (bubblewrap or plain processes, and why), probed once, when first needed. */
  sandbox(): SandboxStatus {
    return (this.sandboxStatus ??= probeSandbox(this.sandboxMode, { home: this.home }));
  }

  /** Whether pods get their own network namespace (probed once), and why not. */
  networkStatus(): NetworkStatus {
    return this.network ? this.network.probe() : { enabled: false, reason: 'this kubelet has no pod network' };
  }

  private get podNetwork(): PodNetwork | undefined {
    return this.network?.probe().enabled ? this.network : undefined;
  }

  private get sandboxed(): boolean {
    return this.sandbox().sandboxed;
  }

  /** Whether resource limits are enforced (the runtime's cgroups), and why not. */
  limits(): { enforced: boolean; reason?: string } {
    return this.runtime.limits?.() ?? { enforced: true };
  }

  private exitsDir(): string {
    return path.join(this.home, 'run', 'exits');
  }

  /** The engine starts: the runtime starts what a first container needs (runtime.warm). */
  warmRuntime(): void {
    this.runtime.warm?.();
  }

  start(onExit: (podKey: string) => void): void {
    this.notifyPod = onExit;
    const dir = this.exitsDir();
    fs.mkdirSync(dir, { recursive: true });
    const scan = (): void => {
      let names: string[] = [];
      try { names = fs.readdirSync(dir); } catch { return; }
      for (const f of names) handle(f);
    };
    const handle = (f: string): void => {
      const parts = f.split('_');
      if (parts.length !== 5) return;
      try { fs.unlinkSync(path.join(dir, f)); } catch { return; } // another event already took it
      onExit(`${parts[0]}/${parts[1]}`);
    };
    this.watcher = fs.watch(dir, (_ev, filename) => {
      if (filename) {
        if (fs.existsSync(path.join(dir, filename))) handle(filename);
      } else scan();
    });
    // Exits that happened while no engine was running. Running containers need no adoption
    // beyond this: their state is on disk and the shim will notify when they end.
    scan();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.runtime.close?.();
  }

  hasRunningContainers(): boolean {
    return this.runtime.anyRunning();
  }

  /**
   * The Pod with this uid was removed from the store: SIGKILL whatever of it still runs (a
   * force-deleted pod leaves no processes behind) and remove its runtime state (pods/<uid>), its
   * exit notes and its logs (logs/<ns>_<pod>_<uid>). Idempotent.
   */
  podRemoved(uid: string): void {
    this.forgetPods((u) => u === uid);
    if (validUid(uid)) this.removeAll((u) => u === uid);
  }

  /**
   * The same as podRemoved for every uid not in liveUids (the uids of all Pods in the store, of
   * every namespace): at the engine's start-up, and when it relists after falling behind the
   * change log, whose deletions it did not see.
   */
  cleanupOrphans(liveUids: Set<string>): void {
    const gone = (uid: string) => !liveUids.has(uid);
    this.forgetPods(gone);
    this.removeAll(gone);
  }

  /** What the kubelet keeps in memory of each pod gone says is gone (the scheduler's goes with the informer's news, Scheduler.podChanged). */
  private forgetPods(gone: (uid: string) => boolean): void {
    for (const m of [this.stoppingSince, this.syncedVersion, this.deadlineRecorded, this.startTimeMs]) for (const uid of m.keys()) if (gone(uid)) m.delete(uid);
    for (const m of [this.backOffRecorded, this.configTried, this.mountErrors]) for (const key of m.keys()) if (gone(key.slice(0, key.indexOf('/')))) m.delete(key);
  }

  private removeAll(gone: (uid: string) => boolean): void {
    for (const uid of this.runtime.podUids()) if (gone(uid)) this.runtime.removePod(uid);
    // Once nothing of those pods runs (a shim still starting would open a reused number).
    for (const k of [...this.heldSubPaths.keys()]) if (gone(k.slice(0, k.indexOf('/')))) this.releaseSubPaths(k);
    if (this.podNetwork) for (const uid of this.podNetwork.uids()) if (gone(uid)) this.podNetwork.tearDown(uid);
    // Exit notes (<ns>_<pod>_<uid>_<container>_<n>) of those pods: nobody is left to sync.
    let notes: string[] = [];
    try { notes = fs.readdirSync(this.exitsDir()); } catch { /* none */ }
    for (const f of notes) {
      const parts = f.split('_');
      if (parts.length === 5 && gone(parts[2])) fs.rmSync(path.join(this.exitsDir(), f), { force: true });
    }
    removePodLogs(this.home, gone);
  }

  syncPod(namespace: string, name: string): { requeueAfterMs?: number } {
    const done = (this.syncDone = { written: [] });
    try {
      return this.sync(namespace, name);
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'Conflict') return { requeueAfterMs: 0 };
      if (e instanceof StatusError && e.reason === 'NotFound') return {};
      throw e;
    } finally {
      this.afterSync(done);
    }
  }

  /**
   * Once the transaction the sync ran in (the engine's round) has ended: committed, the versions
   * it wrote are the pods' syncedVersion; rolled back, they were never stored (the store gives their
   * resourceVersions to the next writes, maybe another's of the pod), and a binding it made is
   * undone with them: the pod is unbound again, so nothing this sync started of it may go on (the
   * sync that binds it anew starts it again).
   */
  private afterSync(done: Kubelet['syncDone']): void {
    if (done.written.length === 0 && done.bound === undefined) return;
    const settle = (committed: boolean) => {
      if (committed) {
        for (const [uid, version] of done.written) {
          if (version === undefined) this.syncedVersion.delete(uid);
          else this.syncedVersion.set(uid, version);
        }
      } else if (done.bound !== undefined) {
        const bound = done.bound;
        this.removeAll((uid) => uid === bound);
      }
    };
    afterTransaction(this.api, settle);
  }

  /**
   * RELIST_MS of real time, on the kubelet's clock (the engine's queue runs on it): at least
   * RELIST_MS, so a stopped simulated clock, whose queue moves in real time, does not spin.
   */
  private relistMs(): number {
    if (!this.clock.fromReal) return RELIST_MS;
    // fromReal is linear: its step over RELIST_MS is the same at any instant.
    return Math.max(RELIST_MS, this.clock.fromReal(RELIST_MS) - this.clock.fromReal(0));
  }

  private podDir(pod: PodObject): string {
    return path.join(this.home, 'pods', pod.metadata.uid!);
  }

  /** A container attempt's directory, as the runtime lays it out. */
  private attemptDir(pod: PodObject, container: string, n: number): string {
    return attemptDirOf(this.home, pod.metadata.uid!, container, n);
  }

  private event(pod: PodObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.recorder.event(pod, type, reason, message, fieldPath);
  }

  /**
   * A Warning about what this machine cannot do for the pod, recorded once per pod (and
   * container): a marker in the pod's runtime directory, which goes with the pod.
   */
  private warnOnce(pod: PodObject, reason: string, message: string | (() => string), container?: string): void {
    const dir = path.join(this.podDir(pod), 'warned');
    const marker = path.join(dir, container ? `${reason}_${container}` : reason);
    try {
      mkdirPrivate(dir);
      fs.writeFileSync(marker, '', { flag: 'wx', mode: 0o600 });
    } catch {
      return; // already said (or the pod is being removed)
    }
    this.event(pod, 'Warning', reason, typeof message === 'string' ? message : message(), container ? this.fieldPath(pod, container) : undefined);
  }

  /**
   * readLastStringFromContainerLogs: the last 2 KiB of an ended attempt's last 80 log lines, its
   * termination message under FallbackToLogsOnError, as bytes. Read once per attempt (its log is complete).
   */
  private logTail(pod: PodObject, container: string, a: AttemptState): Uint8Array {
    let tail = this.logTails.get(a.containerID);
    if (tail === undefined) {
      const chunks: Buffer[] = [];
      try {
        readLogSync(containerLogPath(this.home, pod, container, a.n), { tail: 80, limitBytes: -1, timestamps: false }, (b) => chunks.push(b));
      } catch {
        /* no log: no message */
      }
      const all = Buffer.concat(chunks);
      tail = all.subarray(Math.max(0, all.length - 2048));
      this.logTails.set(a.containerID, tail);
    }
    return tail;
  }

  /** The container's latest log, for hints; empty when it cannot be read. */
  private lastLog(pod: PodObject, container: string): string {
    try {
      return readContainerLog(this.home, pod, container);
    } catch {
      return '';
    }
  }

  private sync(namespace: string, name: string): { requeueAfterMs?: number } {
    // Shared and frozen: a sync reads the pod and writes a new status, never changing what it read.
    let pod = tryGetShared(this.api, 'Pod', namespace, name);
    if (!pod) return {};
    const now = this.clock.now();
    if (!pod.spec?.nodeName) {
      if (pod.metadata.deletionTimestamp) {
        this.api.delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
        return {};
      }
      const r = this.scheduler.schedule(pod, this.nodeName, now, this.relistMs());
      if (!r.bound) return { requeueAfterMs: r.requeueAfterMs ?? 0 };
      // Bound to this node: its kubelet takes it in the same sync (upstream it sees the binding by
      // its watch), after the binding, as the change log orders them (the Scheduled event, held
      // by the engine's EventQueue, follows at the sync's end). A sync of its own for that was 5%
      // of the engine's CPU a pod.
      pod = r.bound;
      this.wrote(pod);
      this.syncDone.bound = pod.metadata.uid!;
    }
    if (pod.spec?.nodeName !== this.nodeName) return {};
    if (isPodTerminal(pod)) {
      if (pod.metadata.deletionTimestamp) {
        this.releaseNetwork(pod);
        return this.syncTerminating(pod, now);
      }
      return this.syncEnded(pod, now);
    }
    // The pod's network is set up in the background: its containers start once it is ready
    // (its end syncs the pod again), while the status is published meanwhile.
    const netReady = this.ensureSandbox(pod);
    if (pod.metadata.deletionTimestamp) return this.syncTerminating(pod, now);
    const volumes = this.setUpVolumes(pod, now);
    const volumesReady = volumes.ready;

    const c0 = this.compute(pod, now, false, volumesReady);
    if (volumes.retryAfterMs !== undefined) c0.requeueMs = Math.min(c0.requeueMs ?? Infinity, volumes.retryAfterMs);
    if (c0.stopAll) {
      // Ended (its deadline passed, an init container failed for good) with containers still
      // running: the pod worker's killPod; the terminal phase is written once they have ended.
      if (!jsonEqual(c0.status, pod.status)) this.write(pod, c0);
      return { requeueAfterMs: this.stopContainers(pod, now, terminationGraceMs(pod)).requeueAfterMs };
    }
    this.killUnhealthy(pod, c0.kills, now);
    if (c0.sidecarStop) {
      // The pod's containers have ended for good: killPod, whose ordering stops its sidecars.
      const { requeueAfterMs } = this.stopContainers(pod, now, terminationGraceMs(pod));
      c0.requeueMs = Math.min(c0.requeueMs ?? Infinity, requeueAfterMs);
    }
    // The pod as stored once this sync's status is written: what the starts below and the
    // status computed after them see, as a sync of the written pod would.
    let current = pod;
    if (!jsonEqual(c0.status, pod.status)) {
      current = asKind('Pod', this.write(pod, c0));
      // Finished: its network goes now (unless the finished pod keeps it), so that the syncs its
      // later changes would have made (its status written, its finalizer released) are not needed
      // at all (changeNeedsSync).
      if (isPodTerminal(current)) {
        this.releaseNetwork(current);
        return {};
      }
    }
    this.recordBackOff(current, c0.backoff);
    if (!c0.due.length) return { requeueAfterMs: c0.requeueMs };
    if (!netReady) return { requeueAfterMs: Math.min(c0.requeueMs ?? NETWORK_WAIT_MS, NETWORK_WAIT_MS) };
    // The starts follow the status write in the same sync, as the kubelet's SyncPod hands the
    // status it computed to the status manager and then starts the containers: watchers still see
    // that status (ContainerCreating) before anything a start causes (its events, its end), as the
    // change log orders them. A sync of its own for the starts was 8% of the engine's CPU a pod.
    for (const d of c0.due) this.startContainer(current, d, now);
    // What was started is reported by the sync at the PLEG's next relist, or at the container's
    // end if that comes first (Timing.plegRelistMs): not by this one, as the kubelet's SyncPod
    // publishes the status it computed before its starts.
    const c1 = this.compute(current, now, false, volumesReady);
    if (c1.due.length) return { requeueAfterMs: 0 };
    return { requeueAfterMs: Math.min(c1.requeueMs ?? Infinity, volumes.retryAfterMs ?? Infinity, this.timing.plegRelistMs) };
  }

  /**
   * A finished pod's containers have ended: its network goes (the address stays in its status).
   * kjob only: a pod that succeeded under a subdomain keeps it until it is deleted, so that the
   * peers of an Indexed Job still find it by <hostname>.<subdomain> (table.ts). A sandboxed pod's
   * namespace may go to its controller's next pod (PodNetwork.keepForReuse) once every container of
   * it has ended by itself: each process of a sandboxed pod is in the PID namespace of one of its
   * containers, whose PID 1 is the container's command (bwrapArgv's --unshare-pid --as-pid-1;
   * ephemeral containers and `kjob exec` enter their target's), and when that PID 1 ends the kernel
   * kills the rest of the namespace before bwrap, and so the shim, sees the end: no process the pod
   * started is left in its network. Not after a kill, which ends bwrap at once, nor for a pod that
   * ran unsandboxed, as root with every capability (it could have changed it). Idempotent.
   */
  private releaseNetwork(pod: PodObject): void {
    if (keepsNetwork(pod)) return;
    const owner = this.sandboxed ? controllerOf(pod)?.uid : undefined;
    this.podNetwork?.tearDown(pod.metadata.uid!, owner !== undefined && this.endedByThemselves(pod) ? owner : undefined);
  }

  /**
   * Whether every container of the pod has ended, none of them killed (a SIGKILL goes to bwrap
   * too, which may end before the PID namespace is empty).
   */
  private endedByThemselves(pod: PodObject): boolean {
    const uid = pod.metadata.uid!;
    return allContainers(pod).every((c) => this.runtime.attempts(uid, c.name).every((a) => !a.running && a.killSent === undefined));
  }

  /**
   * Whether a change of this (stored) pod needs a sync: not for a pod of this node that has
   * finished, is not being deleted, and has nothing of its network left, as upstream's pod worker
   * ignores every update of a terminated pod but its deletion. Half of a Job's pod syncs were
   * such (its status written, its finalizer released), each a transaction that found nothing to do.
   * Nor for a version a sync wrote itself (its status, its binding), or one before it: the
   * kubelet's status comes from what its PLEG last saw, so the sync such an update makes upstream
   * reports nothing new; here it would report a container started a moment ago as Running before
   * the relist that sees it.
   */
  changeNeedsSync(pod: PodObject): boolean {
    if (pod.metadata.deletionTimestamp || pod.spec?.nodeName !== this.nodeName) return true;
    if (!isPodTerminal(pod)) {
      const synced = this.syncedVersion.get(pod.metadata.uid!);
      // (a resourceVersion that is not a number is never one a sync wrote)
      return synced === undefined || !(Number(pod.metadata.resourceVersion) <= synced);
    }
    return this.podNetwork?.holds(pod.metadata.uid!) ?? false;
  }

  /** The current sync wrote this version of a pod (its syncedVersion once committed; none once finished). */
  private wrote(pod: KObject): void {
    this.syncDone.written.push([pod.metadata.uid!, isPodTerminal(asKind('Pod', pod)) ? undefined : Number(pod.metadata.resourceVersion)]);
  }

  /** The prober's view of a running container: ready, started, a kill it asks for. */
  private probe(pod: PodObject, c: Container, L: AttemptState, now: Date): ProbeStatus | undefined {
    if (!c.readinessProbe && !c.livenessProbe && !c.startupProbe) return undefined;
    const podKey = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const attemptDir = this.attemptDir(pod, c.name, L.n);
    // The pod's address even before its status carries it (the first probe runs as the container
    // starts): probing the host's 127.0.0.1 instead could reach another program on that port.
    const podIP = this.podIPOf(pod);
    const target = {
      podKey,
      podIP,
      netns: this.podNetwork && podIP !== this.hostIP ? this.podNetwork.nodeNsPath() : undefined,
      attemptDir,
      sandboxed: this.sandboxed,
      env: { PATH: DEFAULT_PATH },
      gracePeriodMs: terminationGraceMs(pod),
    };
    const fp = this.fieldPath(pod, c.name);
    return this.prober.status(L.containerID, c, Date.parse(L.startedAt ?? '') || now.getTime(), now.getTime(), target, {
      unhealthy: (type, output) => this.event(pod, 'Warning', 'Unhealthy', `${type} probe failed: ${output}`, fp),
      changed: () => this.notifyPod?.(podKey),
    });
  }

  /** killContainer for a failed liveness or startup probe: SIGTERM, SIGKILL after the grace period; the restart policy restarts it. */
  private killUnhealthy(pod: PodObject, kills: ProbeKill[], now: Date): void {
    for (const k of kills) {
      if (k.force) {
        this.runtime.signal(pod.metadata.uid!, k.name, k.n, 'SIGKILL', now.toISOString());
        continue;
      }
      const probe = k.type === 'Startup' ? 'startup' : 'liveness';
      // computeInitContainerActions names a sidecar "Init container" and says nothing of its
      // restart; computePodActions adds ", will be restarted" for a container its policy restarts.
      const sidecar = (pod.spec!.initContainers ?? []).some((c) => c.name === k.name);
      const restart = (pod.spec!.restartPolicy ?? 'Always') !== 'Never';
      const message = sidecar ? `Init container ${k.name} failed ${probe} probe` : `Container ${k.name} failed ${probe} probe${restart ? ', will be restarted' : ''}`;
      this.event(pod, 'Normal', 'Killing', message, this.fieldPath(pod, k.name));
      this.runtime.signal(pod.metadata.uid!, k.name, k.n, 'SIGTERM', now.toISOString());
      this.prober.killSent(k.containerID, now.getTime());
    }
  }

  private write(pod: PodObject, c: Computed): KObject {
    const out = this.api.updateStatus(PODS, pod.metadata.namespace, pod.metadata.name!, { ...pod, status: c.status }, { readOnlyResult: true }).object;
    this.wrote(out);
    return out;
  }

  /** The BackOff events compute found due (after the status that shows the back-off). */
  private recordBackOff(pod: PodObject, names: string[]): void {
    for (const name of names) {
      this.backOffRecorded.set(`${pod.metadata.uid}/${name}`, this.clock.now().getTime());
      this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, this.fieldPath(pod, name));
    }
  }

  private fieldPath(pod: PodObject, container: string): string {
    const init = (pod.spec!.initContainers ?? []).some((c) => c.name === container);
    if (init) return `spec.initContainers{${container}}`;
    return (pod.spec!.ephemeralContainers ?? []).some((c) => c.name === container) ? `spec.ephemeralContainers{${container}}` : `spec.containers{${container}}`;
  }

  /** Pod directory: hosts, hostname, emptyDir volumes, and the pod's network (in the background).
   * Idempotent. Whether the pod's network is ready for its containers. */
  private ensureSandbox(pod: PodObject): boolean {
    const dir = this.podDir(pod);
    const hostname = podHostname(pod);
    if (!fs.existsSync(path.join(dir, 'hosts'))) {
      // volumes/ only for a pod with a volume the kubelet makes: a directory less per pod of a Job
      // (on ext4 without a journal, each new inode scans past the ones removed in the last minutes).
      const kubeletVolumes = (pod.spec!.volumes ?? []).some((v) => v.emptyDir || isObjectVolume(v));
      mkdirPrivate(kubeletVolumes ? path.join(dir, 'volumes') : dir);
      for (const v of pod.spec!.volumes ?? []) {
        if (!v.emptyDir) continue;
        // As the kubelet makes an emptyDir: writable by any user of the pod. The pod's directory
        // above it is private, so nobody outside the pod reaches it.
        fs.mkdirSync(path.join(dir, 'volumes', v.name), { recursive: true });
        fs.chmodSync(path.join(dir, 'volumes', v.name), 0o777);
      }
      // The pod's /etc/hostname and /etc/hosts, readable by any user in the pod (0644, as the
      // kubelet writes them); private by the 0700 directories above.
      // hosts, written last and atomically, marks the pod's directory made: the files before it are written in place.
      writeInPlace(path.join(dir, 'hostname'), hostname + '\n', 0o644);
      const net = this.podNetwork;
      // With its own network the pod has its own address and the cluster DNS finds its peers.
      if (net) writeInPlace(path.join(dir, 'resolv.conf'), resolvConf(pod.metadata.namespace ?? 'default'), 0o644);
      const r = net ? this.prepareNetwork(net, pod) : { ip: this.hostIP, ready: true };
      writeAtomic(path.join(dir, 'hosts'), hostsFileContent(pod, hostname, r.ip, net ? [] : this.peerHostnames(pod)), 0o644);
      return r.ready;
    } else if (this.podNetwork && !pod.metadata.deletionTimestamp) {
      return this.prepareNetwork(this.podNetwork, pod).ready; // idempotent: after a restart, or a torn-down namespace
    }
    return true;
  }

  private prepareNetwork(net: PodNetwork, pod: PodObject): { ip: string; ready: boolean } {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const r = net.prepare(pod.metadata.uid!, () => this.notifyPod?.(key), controllerOf(pod)?.uid);
    // A cold engine's first pod needs the sandbox probed too (about 30 ms of bwrap runs): done
    // now, while the ip runner makes the namespace, rather than after it.
    if (!r.ready) this.sandbox();
    // And the cluster DNS to answer: a container that looks a Service up as it starts needs it.
    else if (!net.whenDnsServing(() => this.notifyPod?.(key))) return { ip: r.ip, ready: false };
    return r;
  }

  /** The pod's address: its own where pods have their own network, else the node's. */
  private podIPOf(pod: PodObject): string {
    return (this.podNetwork && this.podNetwork.podIP(pod.metadata.uid!)) || pod.status?.podIP || this.hostIP;
  }

  /** Hostnames of the other pods of the same Indexed Job (they share the subdomain). */
  private peerHostnames(pod: PodObject): string[] {
    if (!pod.spec!.subdomain || pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION] === undefined) return [];
    const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job');
    if (!owner) return [];
    const job = tryGetShared(this.api, 'Job', pod.metadata.namespace, owner.name);
    const n: number = job?.spec?.completions ?? 0;
    const out: string[] = [];
    for (let i = 0; i < Math.min(n, 1000); i++) out.push(`${owner.name}-${i}`);
    return out;
  }

  /**
   * WaitForAttachAndMount for the API-object volumes: (re)write their files, and say whether every
   * one has been set up. A volume whose SetUp fails (a missing ConfigMap) keeps the pod in
   * ContainerCreating, and records FailedMount as the volume manager's reconciler retries the mount:
   * after 0.5 s, then twice as long each time, up to 2 min 2 s (nestedpendingoperations), so a
   * cluster's describe counts "(x7 over 45s)". One set up before keeps its last files. The engine
   * syncs the pod again when a ConfigMap or Secret it reads changes (kjob's, sooner than the
   * back-off); retryAfterMs: when the next FailedMount is due.
   */
  private setUpVolumes(pod: PodObject, now: Date): { ready: boolean; retryAfterMs?: number } {
    let ready = true;
    let retryAfterMs: number | undefined;
    for (const v of pod.spec!.volumes ?? []) {
      if (!isObjectVolume(v)) continue;
      const dir = path.join(this.podDir(pod), 'volumes', v.name);
      const key = `${pod.metadata.uid}/${v.name}`;
      const r = volumePayload(pod, v, this.objects, this.allocatable());
      if ('error' in r) {
        const message = `MountVolume.SetUp failed for volume "${v.name}" : ${r.error}`;
        const last = this.mountErrors.get(key);
        let next = last?.nextMs ?? 0;
        if (!last || last.message !== message || now.getTime() >= last.nextMs) {
          const failures = last ? last.failures + 1 : 1;
          next = now.getTime() + exponentialBackoffMs(failures, this.timing.volumeMountRetryBaseMs, this.timing.volumeMountRetryMaxMs);
          this.mountErrors.set(key, { message, failures, nextMs: next });
          this.event(pod, 'Warning', 'FailedMount', message);
        }
        retryAfterMs = Math.min(retryAfterMs ?? Infinity, next - now.getTime());
        if (!volumeIsSetUp(dir)) ready = false;
        continue;
      }
      this.mountErrors.delete(key);
      writePayload(dir, r.payload, new Date());
    }
    return { ready, retryAfterMs };
  }

  /**
   * A hostPath volume at, above or inside a kjob state directory (this one's or another's): bwrap
   * binds it after the covers that hide them, and the pod would see and change kjob's state, other
   * pods' volumes and the runtime's files the engine acts on as root. Any other hostPath shows the
   * host as on a cluster (the README says so). Volumes of the pod's own (emptyDir, configMap, ...)
   * live in its directory and are not hostPaths.
   */
  private showsStateDir(pod: PodObject, mounts: Mount[]): string | undefined {
    let dirs: string[] | undefined;
    for (const m of mounts) {
      // A volume the kubelet made for the pod is under its own directory; a hostPath is the host's,
      // wherever it points (a path under the pod's directory is no proof).
      if (!m.hostPath) continue;
      // Those under /tmp too, which the sandbox's private /tmp hides from every other pod. Looked
      // for once a call, not once a mount.
      dirs ??= [...stateDirs(this.home), userRuntimeDir()].filter((dir) => fs.existsSync(dir));
      const shown = dirs.find((dir) => exposesHostDir([m], dir));
      if (shown) return `kjob: a hostPath volume (${m.source}) may not show a kjob state directory (${shown}) to a pod`;
    }
    return undefined;
  }

  /** The subPath descriptors a container attempt was started with ("<uid>/<containerID>"): closed once it has ended. */
  private releaseSubPaths(key: string): void {
    const fds = this.heldSubPaths.get(key);
    if (!fds) return;
    this.heldSubPaths.delete(key);
    closeAll(fds);
  }

  private configError(pod: PodObject, c: Container): string | undefined {
    try {
      buildEnv(pod, c, { hostIP: this.hostIP, hostname: podHostname(pod), objects: this.objects });
    } catch (e) {
      if (e instanceof ContainerConfigError) return e.message;
      throw e;
    }
    const { mounts, error } = containerMounts(pod, c, this.podDir(pod));
    if (error) return error;
    const stateShown = this.showsStateDir(pod, mounts);
    if (stateShown) return stateShown;
    if (mounts.length && !this.sandboxed) {
      const sb = this.sandbox();
      return sb.fix || sb.chosen ? NEEDS_BWRAP : `kjob: volume mounts need bubblewrap, and ${sb.reason}`;
    }
    for (const m of mounts) {
      if (!m.volumeRoot) continue;
      const vm = (c.volumeMounts ?? []).find((x) => x.mountPath === m.target);
      if (!prepareSubPath(m)) return subPathError(vm?.name ?? m.target, c.name);
    }
    return undefined;
  }

  private startContainer(pod: PodObject, d: Due, now: Date): void {
    const c = d.c;
    const uid = pod.metadata.uid!;
    const fp = this.fieldPath(pod, c.name);
    const hostname = podHostname(pod);
    const env = buildEnv(pod, c, {
      hostIP: this.hostIP,
      podIP: this.podIPOf(pod),
      hostname,
      allocatable: this.allocatable(),
      objects: this.objects,
      onInvalidKeys: (message) => this.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', message),
    });
    const argv = buildCommand(c, env);
    const { mounts } = containerMounts(pod, c, this.podDir(pod));
    const workingDir: string = c.workingDir || '/';
    const id = newContainerID();
    const ts = rfc3339(now);
    const sandbox = this.sandbox();
    if (!sandbox.sandboxed && !sandbox.chosen) {
      this.warnOnce(pod, 'SandboxUnavailable', `${sandbox.reason}: the containers of this pod run as plain processes, in the host's PID namespace, with its hostname and /tmp and kjob's own privileges${sandbox.fix ? `; install it with: ${sandbox.fix}` : ''}`);
    }
    const memory = c.resources?.limits?.memory;
    const memoryLimitBytes = memory === undefined ? undefined : parseQuantity(memory);
    const limits = this.limits();
    if (memoryLimitBytes !== undefined && !limits.enforced) {
      this.warnOnce(pod, 'MemoryLimitNotEnforced', `The memory limit of container ${c.name} (${memory}) is not enforced: ${limits.reason}`, c.name);
    }
    let failure: string | undefined;
    // The start error the runtime records, after the Created event.
    const startFailed = (message: string) => {
      this.runtime.recordStartError(uid, c.name, d.n, id, message, ts);
      this.event(pod, 'Warning', 'Failed', `Error: ${message}`, fp);
      const hint = argv.length ? missingExecutableHint(message, argv[0], c.image!) : undefined;
      if (hint) this.warnOnce(pod, 'ExecutableNotFound', hint, c.name);
    };
    let exe: string | undefined;
    let ephArgv: string[] | undefined;
    if (d.ephemeral) {
      const r = ephemeralArgv(this.home, pod, c, argv, env, this.sandboxed);
      if ('error' in r) failure = r.error;
      else ephArgv = r.argv;
      if (!failure) {
        const r = this.lookup(argv[0], env.get('PATH') ?? '', workingDir, mounts);
        if (r.ok) exe = r.path;
      }
    } else if (!argv.length) failure = 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: no command specified: unknown';
    else {
      const r = this.lookup(argv[0], env.get('PATH') ?? '', workingDir, mounts);
      if (r.ok) exe = r.path;
      else failure = r.message;
    }
    this.ensureImage(pod, c, fp, () => (exe === undefined ? undefined : translatePath(exe, mounts, this.sandboxed)));
    const wdPlan = workingDirPlan(workingDir, mounts, this.sandboxed, this.podDir(pod));
    if (!failure && ephArgv) {
      this.event(pod, 'Normal', 'Created', `Created container ${c.name}`, fp);
      try {
        this.runtime.start({ uid, namespace: pod.metadata.namespace!, pod: pod.metadata.name!, container: c.name, n: d.n, containerID: id, startedAt: ts, logPath: containerLogPath(this.home, pod, c.name, d.n), argv: ephArgv, cwd: '/', stdin: c.stdin ? { once: !!c.stdinOnce } : undefined, tty: !!c.tty });
      } catch (e) {
        failure = cgroupStartError((e as Error).message);
      }
      // Outside the try, as for any container below: a failed Started event is the sync's failure,
      // not the start's (a start error recorded for a container that runs would leave it running,
      // unknown to the kubelet). Where Events are held (the engine's EventQueue), the write fails
      // at the sync's end instead, the same failure of the same sync.
      if (failure) return startFailed(failure);
      this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, fp);
      return;
    }
    // A volume that would show a state directory refused again at every start (configError):
    // kjob's state, other pods' volumes and runtime files are out of every pod's sight.
    if (!failure && this.sandboxed) failure = this.showsStateDir(pod, mounts);
    // A subPath again at every start, not only the first (configError): a container that ended
    // could have made a part of it a symlink out of its volume since, which bwrap, as root, would
    // follow. Bound by the descriptor the walk found (openSubPath, bwrap's --bind-fd) and held until
    // the attempt ends, so that a running container of the pod changes nothing meanwhile: where bwrap
    // can, for a volume the pod can change (not configMap and the like), for a directory or regular
    // file (the host's sh opens it for bwrap: a FIFO would block it, a socket cannot be opened, a
    // device would be), 7 at most (descriptors 3 to 9). Any other by the real path it resolved to.
    const held: number[] = [];
    if (!failure && this.sandboxed) {
      for (const m of mounts) {
        if (!m.volumeRoot) continue;
        const sub = openSubPath(m.volumeRoot, m.source);
        if (!sub) {
          failure = subPathError((c.volumeMounts ?? []).find((x) => x.mountPath === m.target)?.name ?? m.target, c.name);
          break;
        }
        m.source = sub.real;
        const st = fs.fstatSync(sub.fd);
        // bwrapBindsFds last: its one run of bwrap --help only for a subPath that could use it.
        if (m.podWritable && held.length < MAX_HELD_SUBPATHS && (st.isDirectory() || st.isFile()) && bwrapBindsFds()) {
          m.held = { fd: sub.fd, bindFd: 3 + held.length };
          held.push(sub.fd);
        } else fs.closeSync(sub.fd);
      }
    }
    if (held.length > 0) {
      if (failure) closeAll(held);
      else this.heldSubPaths.set(`${uid}/${id}`, held);
    }
    // Made inside its volume one part at a time, as a subPath is: a part the pod made a symlink
    // out of the volume is not followed (as root, it made directories anywhere on the host).
    let cwdMade: string | undefined = '';
    if (!failure && wdPlan === 'mkdir-host') {
      const m = mountOf(workingDir, mounts);
      // From the subPath's own descriptor where the mount is one (its path could be changed meanwhile).
      const root = m?.held ? `/proc/self/fd/${m.held.fd}` : m?.source;
      const rest = m ? workingDir.slice(m.target.replace(/\/+$/, '').length) : '';
      cwdMade = m && prepareSubPath({ ...m, source: path.join(root!, rest), volumeRoot: root }, 0o755);
    }
    if (!failure && (wdPlan === 'impossible' || cwdMade === undefined)) {
      failure = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: chdir to cwd ("${workingDir}") set in config.json failed: no such file or directory: unknown`;
    }
    this.event(pod, 'Normal', 'Created', `Created container ${c.name}`, fp);
    if (!failure) {
      const full = c.tty ? withTerminal([exe!, ...argv.slice(1)], env) : [exe!, ...argv.slice(1)];
      const logPath = containerLogPath(this.home, pod, c.name, d.n);
      const base = { uid, namespace: pod.metadata.namespace!, pod: pod.metadata.name!, container: c.name, n: d.n, containerID: id, startedAt: ts, logPath, memoryLimitBytes, stdin: c.stdin ? { once: !!c.stdinOnce } : undefined, tty: !!c.tty };
      try {
        if (this.sandboxed) {
          // hostPath: DirectoryOrCreate's 0755 (a subPath's was made, one part at a time, above)
          for (const m of mounts) if (!m.volumeRoot) mkdirMode(m.source, 0o755);
          const dir = this.podDir(pod);
          // looked at for each start: a state directory used since the last one is hidden too
          const hidden = hiddenPathsFor(this.home);
          const net = this.podNetwork;
          const resolvFile = net ? path.join(dir, 'resolv.conf') : undefined;
          // The kubelet's termination message file: what the container writes there is its
          // terminated state's message (the runtime makes the file, empty, in the attempt's directory).
          const tmPath: string = c.terminationMessagePath || '/dev/termination-log';
          const terminationLog = terminationLogBindable(tmPath) ? { source: path.join(this.attemptDir(pod, c.name, d.n), TERMINATION_LOG), target: tmPath } : undefined;
          let args = bwrapArgv({ hostname, hostsFile: path.join(dir, 'hosts'), hostnameFile: path.join(dir, 'hostname'), resolvFile, mounts, workingDir, makeWorkingDir: wdPlan === 'mkdir-sandbox', env, argv: full, hidden, terminationLog });
          if (held.length > 0) {
            // The host's sh opens the engine's descriptors for bwrap (/proc/<pid>/fd/<n> opens that very file) as 3, 4, ...
            const opens = held.map((_, i) => `${3 + i}<"$${i + 1}"`).join(' ');
            args = ['/bin/sh', '-c', `exec ${opens}; shift ${held.length}; exec "$@"`, 'kjob-bind', ...held.map((fd) => `/proc/${process.pid}/fd/${fd}`), ...args];
          }
          // The node's namespace files (there are some only with pods' own network) are of no use
          // in the sandbox unless a volume shows them.
          const detachMounts = net && !exposesHostDir(mounts, NETNS_DIR) ? NETNS_DIR : undefined;
          this.runtime.start({ ...base, argv: args, cwd: '/', netns: net?.podNsPath(uid), detachMounts, terminationLog: !!terminationLog });
        } else {
          // No sandbox: the hostname, /etc/hosts and a private /tmp cannot be provided; the process
          // runs with the container's env and working directory only.
          const net = this.podNetwork;
          this.runtime.start({ ...base, argv: full, cwd: workingDir, env, netns: net?.podNsPath(uid) });
        }
      } catch (e) {
        // runc fails the container when its cgroups cannot be made.
        failure = cgroupStartError((e as Error).message);
      }
    }
    if (failure) return startFailed(failure);
    this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, fp);
  }

  /**
   * The host file a container's image "pull" reads (ensureImage) when its config cannot be made (a
   * missing ConfigMap in its env): its command looked up as startContainer looks it up, with the
   * variables it can have without the config (its own PATH, or the image's). undefined when not found.
   */
  private imageFileFor(pod: PodObject, c: Container): string | undefined {
    const env = new Map<string, string>();
    const ownPath = (c.env ?? []).find((e) => e.name === 'PATH' && e.valueFrom === undefined)?.value;
    env.set('PATH', ownPath ?? DEFAULT_PATH);
    const argv = buildCommand(c, env);
    if (!argv.length) return undefined;
    const { mounts } = containerMounts(pod, c, this.podDir(pod));
    // Not through a subPath: the one a start checks (openSubPath) may be what refused the config.
    if (mounts.some((m) => m.volumeRoot !== undefined)) return undefined;
    const r = this.lookup(argv[0], env.get('PATH')!, c.workingDir || '/', mounts);
    return r.ok ? translatePath(r.path, mounts, this.sandboxed) : undefined;
  }

  /** runc's exec.LookPath inside the container's root: its paths read on the host through its mounts. */
  private lookup(cmd: string, envPath: string, workingDir: string, mounts: Mount[]): LookupResult {
    return lookupExecutable(cmd, envPath, workingDir, (p) => translatePath(p, mounts, this.sandboxed));
  }

  /**
   * The image manager's EnsureImageExists, as its events tell it. Every image is present (kjob runs
   * this machine's tools, nothing is downloaded), so IfNotPresent and Never find it on the
   * machine; Always "pulls" it: kjob reads the executable the container will run, and reports that
   * real time and its size.
   */
  private ensureImage(pod: PodObject, c: Container, fp: string, hostExe: () => string | undefined): void {
    const image: string = c.image ?? '';
    if (c.imagePullPolicy !== 'Always') {
      this.event(pod, 'Normal', 'Pulled', `Container image ${goQuote(image)} already present on machine`, fp);
      return;
    }
    this.event(pod, 'Normal', 'Pulling', `Pulling image ${goQuote(image)}`, fp);
    const file = hostExe(); // looked up only for a pull
    const t0 = process.hrtime.bigint();
    const size = file ? this.images.pull(file) : 0;
    const ms = goDuration(Number((process.hrtime.bigint() - t0) / 1_000_000n));
    this.event(pod, 'Normal', 'Pulled', `Successfully pulled image ${goQuote(image)} in ${ms} (${ms} including waiting). Image size: ${size} bytes.`, fp);
  }

  /**
   * killPod: a Killing event for each container still running, SIGTERM, SIGKILL once the grace
   * period has passed, as killContainersWithSyncResult with its termination ordering: the pod's
   * containers (and plain init and ephemeral ones) at once; each sidecar once the containers and
   * the sidecars after it have exited, or once the period is over, the last first. The period counts
   * from the stop's start (this process's first look, to the millisecond: a deletionTimestamp is
   * to the second; after an engine restart, the earliest SIGTERM the runtime recorded of a running
   * container), and every container keeps MIN_GRACE_MS from its own SIGTERM
   * (minimumGracePeriodInSeconds: a grace period of 0, a deletion's 1 s, a sidecar whose turn came
   * late). requeueAfterMs: when to look again.
   */
  private stopContainers(pod: PodObject, now: Date, graceMs: number): { running: boolean; requeueAfterMs: number } {
    const uid = pod.metadata.uid!;
    const t = now.getTime();
    const grace = Math.max(graceMs, MIN_GRACE_MS);
    const sidecars = (pod.spec!.initContainers ?? []).filter(isRestartableInitContainer).map((c) => c.name);
    const lasts = allContainers(pod).map((c) => ({ c, last: this.runtime.attempts(uid, c.name).at(-1) }));
    const runs = (name: string) => lasts.some((x) => x.c.name === name && x.last?.running);
    let since = this.stoppingSince.get(uid);
    if (since === undefined) {
      const termsSent = lasts.filter((x) => x.last?.running && x.last.termSent).map((x) => Date.parse(x.last!.termSent!));
      since = termsSent.length ? Math.min(...termsSent) : t;
      this.stoppingSince.set(uid, since);
      // killContainer records Killing before it waits for the container's turn: every container
      // the stop will signal says so now, a sidecar too (those an earlier engine signalled did).
      for (const { c, last } of lasts) {
        if (last?.running && !last.termSent) this.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, this.fieldPath(pod, c.name));
      }
    }
    const deadline = since + grace;
    let running = false;
    let unsignalled = false;
    let next = Infinity;
    for (const { c, last } of lasts) {
      if (!last?.running) continue;
      running = true;
      let termAt = last.termSent ? Date.parse(last.termSent) : undefined;
      if (termAt === undefined) {
        // A sidecar's turn: every container of the pod and the sidecar after it have exited.
        const i = sidecars.indexOf(c.name);
        const turn = i < 0 || t >= deadline || (!pod.spec!.containers.some((m) => runs(m.name)) && (i === sidecars.length - 1 || !runs(sidecars[i + 1])));
        if (!turn) {
          next = Math.min(next, deadline - t);
          continue;
        }
        if (this.runtime.signal(uid, c.name, last.n, 'SIGTERM', now.toISOString())) termAt = t;
        else {
          unsignalled = true; // its pid not known yet
          continue;
        }
      }
      const killAt = Math.max(deadline, termAt + MIN_GRACE_MS);
      if (t >= killAt) {
        if (!last.killSent && !this.runtime.signal(uid, c.name, last.n, 'SIGKILL', now.toISOString())) unsignalled = true;
      } else next = Math.min(next, killAt - t);
    }
    return { running, requeueAfterMs: unsignalled ? 50 : Math.min(next === Infinity ? 1000 : next, this.relistMs()) };
  }

  /**
   * A terminal pod whose stored status still shows a container running (written so by an older
   * kjob, which reported a pod Failed as its deadline passed, before its containers had stopped):
   * they are stopped and their ends published, the phase kept. Nothing to do for the usual
   * terminal pod, whose status shows nothing running (compute holds a terminal phase until then).
   */
  private syncEnded(pod: PodObject, now: Date): { requeueAfterMs?: number } {
    const st = pod.status ?? {};
    if (![...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])].some((s) => s.state?.running)) {
      this.releaseNetwork(pod);
      return {};
    }
    const { running, requeueAfterMs } = this.stopContainers(pod, now, terminationGraceMs(pod));
    if (running) return { requeueAfterMs };
    const comp = this.compute(pod, now, true);
    // A terminal phase never changes (generateAPIPodStatus refuses the transition).
    comp.status.phase = st.phase;
    if (!jsonEqual(comp.status, st)) this.write(pod, comp);
    this.releaseNetwork(pod);
    return {};
  }

  private syncTerminating(pod: PodObject, now: Date): { requeueAfterMs?: number } {
    const uid = pod.metadata.uid!;
    const graceMs = pod.metadata.deletionGracePeriodSeconds != null ? pod.metadata.deletionGracePeriodSeconds * 1000 : terminationGraceMs(pod);
    const { running, requeueAfterMs } = this.stopContainers(pod, now, graceMs);
    if (isPodTerminal(pod) && !running) {
      this.api.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
      return {};
    }
    const comp = this.compute(pod, now, true);
    if (!jsonEqual(comp.status, pod.status)) this.write(pod, comp);
    if (running) return { requeueAfterMs };
    this.api.delete(PODS, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
    return {};
  }

  /** The status the kubelet would write now, and what is due to start. */
  compute(pod: PodObject, now: Date, deleting: boolean, volumesReady = true): Computed {
    const spec = pod.spec!;
    const policy: string = spec.restartPolicy ?? 'Always';
    const old = pod.status ?? {};
    const uid = pod.metadata.uid!;
    const due: Due[] = [];
    const backoff: string[] = [];
    const kills: ProbeKill[] = [];
    let requeueMs: number | undefined;
    const nowS = rfc3339(now);
    const soon = (ms: number) => { requeueMs = requeueMs === undefined ? ms : Math.min(requeueMs, ms); };
    // active_deadline.go: spec.activeDeadlineSeconds since the pod's startTime ends it, Failed
    // with DeadlineExceeded (a Normal event of that reason): nothing starts or restarts, and what
    // runs is stopped (sync) before the phase is written.
    let evicted: { reason: string; message: string } | undefined;
    const ads = spec.activeDeadlineSeconds;
    if (ads != null && old.startTime && !isTerminalPhase(old.phase)) {
      const left = (this.startTimeMs.get(uid) ?? Date.parse(old.startTime)) + ads * 1000 - now.getTime();
      if (left <= 0) {
        evicted = DEADLINE_EXCEEDED;
        // Once per pod (and engine): upstream's few status computations of a pod it stops, not
        // every sync while its containers take their grace period.
        if (!this.deadlineRecorded.has(uid)) {
          this.deadlineRecorded.add(uid);
          this.event(pod, 'Normal', evicted.reason, evicted.message);
        }
      } else soon(left);
    }
    // Being deleted, or past its deadline: the pod's containers are stopped, none is started.
    const terminating = deleting || evicted !== undefined;
    const storedOf = (list: ContainerStatus[] | undefined, n: string) => (list ?? []).find((s) => s.name === n);
    const initSpecs: Container[] = spec.initContainers ?? [];
    const hasSidecars = initSpecs.some(isRestartableInitContainer);
    // The pod's restartPolicy for a container that ended (an init container's Always is OnFailure);
    // a sidecar's own is Always, until the pod ends.
    const restarts = (init: boolean, ok: boolean) => (init ? policy !== 'Never' && !ok : policy === 'Always' || (policy === 'OnFailure' && !ok));
    const attemptsMemo = new Map<string, AttemptState[]>();
    const attemptsOf = (c: Container) => {
      let as = attemptsMemo.get(c.name);
      if (!as) attemptsMemo.set(c.name, (as = this.runtime.attempts(uid, c.name)));
      return as;
    };
    const lastAttempt = (c: Container) => attemptsOf(c).at(-1);
    const endedOk = (a: AttemptState) => a.exitCode === 0 && !a.startError;
    // computePodActions' keepCount == 0: every container of the pod has ended and none restarts, or
    // a plain init container failed for good; its sidecars are stopped (not restarted) and it ends.
    const containersEnded =
      hasSidecars &&
      (spec.containers.every((c) => {
        const L = lastAttempt(c);
        return !!L && !L.running && !restarts(false, endedOk(L));
      }) ||
        initSpecs.some((c) => {
          const L = isRestartableInitContainer(c) ? undefined : lastAttempt(c);
          return !!L && !L.running && !endedOk(L) && !restarts(true, false);
        }));
    // hasAnyRegularContainerCreated (kuberuntime): the pod was initialized, so a sidecar restarting
    // does not hold its containers back (the Initialized condition's rule is another, below).
    const containerStarted = hasSidecars && spec.containers.some((c) => lastAttempt(c) !== undefined);

    const messageBytes = terminationMessageBudget(spec);
    const term = (a: AttemptState, c: Container) => {
      const t: ContainerStateTerminated = { exitCode: a.exitCode! };
      t.reason = a.startError ? 'StartError' : a.reason === 'OOMKilled' ? 'OOMKilled' : a.exitCode === 0 ? 'Completed' : 'Error';
      // getTerminationMessage: the file's text; with FallbackToLogsOnError and a failure, else the log's end.
      const message = a.startError !== undefined ? Buffer.from(a.startError) : a.message ?? (c.terminationMessagePolicy === 'FallbackToLogsOnError' && a.exitCode !== 0 ? this.logTail(pod, c.name, a) : undefined);
      if (message?.length) t.message = truncateMessage(message, messageBytes);
      t.startedAt = a.startedAt;
      t.finishedAt = a.finishedAt;
      t.containerID = a.containerID;
      return t;
    };
    // One container's status; turn: it may start now.
    const one = (c: Container, init: boolean, turn: boolean, waitingReason: string, stored: ContainerStatus | undefined, ephemeral = false) => {
      // A sidecar runs beside the pod's containers: probed, ready and restarted as they are.
      const sidecar = init && isRestartableInitContainer(c);
      const runsBeside = !init || sidecar;
      const as = attemptsOf(c);
      const L = as[as.length - 1];
      const prev = as.length > 1 ? { terminated: term(as[as.length - 2], c) } : {};
      let state: ContainerState | undefined;
      let lastState: ContainerState | undefined = prev;
      let ready = false;
      let started = false;
      let done: 'ok' | 'failed' | undefined; // finished for good
      // generateContainerConfig fails before a start (the first or a restart): the container waits.
      // Each try is startContainer's: the image first (its Pulling and Pulled, or "already
      // present"), then the Failed event; the pod worker tries again as it retries a failed sync
      // (its 10 s back-off), so a cluster's describe counts them "(x6 over 55s)". A ConfigMap or
      // Secret that appears wakes the pod at once (kjob's, sooner than the back-off), a subPath made
      // right again does not.
      // Gated by the kubelet's own record, not the stored status: compute runs twice a sync (its
      // second status is not written), and a container whose turn came in the second was tried
      // again by the next sync's first.
      const key = `${uid}/${c.name}`;
      const after = L ? L.n : -1;
      const lastTry = this.configTried.get(key);
      const tried = lastTry?.after === after ? lastTry : undefined;
      const configWait = (err: string) => {
        const period = this.timing.containerBackoffBaseMs;
        if (!tried || tried.message !== err || now.getTime() - tried.at >= period) {
          const triesAfter = lastTry?.triesAfter ?? new Map<number, number>();
          triesAfter.set(after, (triesAfter.get(after) ?? 0) + 1);
          this.configTried.set(key, { after, at: now.getTime(), message: err, triesAfter });
          const fp = this.fieldPath(pod, c.name);
          this.ensureImage(pod, c, fp, () => this.imageFileFor(pod, c));
          this.event(pod, 'Warning', 'Failed', `Error: ${err}`, fp);
          soon(period);
        } else soon(tried.at + period - now.getTime());
        return { waiting: { reason: 'CreateContainerConfigError', message: err } };
      };
      if (!L) {
        const err = turn ? this.configError(pod, c) : undefined;
        if (err) state = configWait(err);
        else {
          state = { waiting: { reason: waitingReason } };
          if (turn) due.push({ c, init, n: 0, ephemeral });
        }
      } else if (L.running) {
        state = { running: { startedAt: L.startedAt } };
        // Without a readiness probe a running container is ready, also while it is being stopped:
        // the kubelet writes its status before killing it, so a terminating pod stays 1/1 (its
        // Ready condition is what EndpointSlices call "serving"). Probes: src/kubelet/prober.ts.
        const pr = !runsBeside || ephemeral || terminating ? undefined : this.probe(pod, c, L, now);
        ready = runsBeside && !ephemeral && (pr ? pr.ready : true);
        started = pr ? pr.started : true;
        if (pr && (pr.kill || pr.forceKill)) kills.push({ name: c.name, n: L.n, containerID: L.containerID, type: pr.kill, force: !!pr.forceKill });
        soon(Math.min(pr?.nextMs ?? Infinity, this.relistMs()));
      } else {
        if (!L.startError && (L.exitCode === 127 || L.exitCode === 126)) {
          this.warnOnce(pod, L.exitCode === 127 ? 'CommandNotFound' : 'CommandNotExecutable', () => exitCodeHint(L.exitCode!, c.name, c.image!, this.lastLog(pod, c.name))!.message, c.name);
        }
        this.prober.forget(L.containerID);
        this.releaseSubPaths(`${uid}/${L.containerID}`);
        const ok = endedOk(L);
        const restart = !terminating && !ephemeral && (sidecar ? !containersEnded : restarts(init, ok));
        // Past its deadline (not deleted), a container the last sync could not start again (its
        // back-off, a config error: the kubelet's reasonCache) is still reported waiting after its
        // end, as ShouldContainerBeRestarted does not look at the deadline; TerminatePod then
        // writes that wait as ContainerStatusUnknown.
        const stillWaiting = !restart && evicted !== undefined && !deleting && !ephemeral && !sidecar && stored?.state?.waiting !== undefined && stored.lastState?.terminated?.containerID === L.containerID;
        if (stillWaiting) {
          state = stored!.state;
          lastState = { terminated: term(L, c) };
          done = 'failed';
        } else if (!restart) {
          state = { terminated: term(L, c) };
          done = ok ? 'ok' : 'failed';
          // prober_manager's UpdatePodStatus: an init container that succeeded is ready.
          if (init && !sidecar && ok) ready = true;
        } else {
          // doBackOff before each try of the restart: a try that failed in its config (above) takes
          // a step of the back-off as a start would (backOff.Next), from the same exit.
          const delay = restartDelayMs(as, this.timing.containerBackoffBaseMs, this.timing.containerBackoffMaxMs, (n) => lastTry?.triesAfter.get(n) ?? 0);
          const remaining = (L.finishedMs ?? Date.parse(L.finishedAt!)) + delay - now.getTime();
          const published = JSON.stringify(stored ?? {}).includes(L.containerID);
          // After a try that failed in its config the pod worker syncs again 10 s later: until then
          // the container waits in CreateContainerConfigError (a new message is recorded at once).
          const waitsAfterTry = tried !== undefined && now.getTime() - tried.at < this.timing.containerBackoffBaseMs;
          // A ConfigMap gone, a subPath that now leaves its volume: as at the first start, not a StartError.
          const err = published && turn && (waitsAfterTry || remaining <= 0) ? this.configError(pod, c) : undefined;
          if (!published) {
            if (L.startError) {
              state = { waiting: { reason: 'RunContainerError', message: L.startError } };
              lastState = { terminated: term(L, c) };
            } else state = { terminated: term(L, c) };
            soon(0);
          } else if (waitsAfterTry || err) {
            state = configWait(err ?? tried!.message);
            lastState = { terminated: term(L, c) };
          } else if (remaining > 0) {
            state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${uid})` } };
            lastState = { terminated: term(L, c) };
            // doBackOff records BackOff at each SyncPod of the back-off, and the pod worker retries a
            // sync that failed so every 10 s: not only as the back-off begins.
            const period = this.timing.containerBackoffBaseMs;
            const last = this.backOffRecorded.get(`${uid}/${c.name}`);
            if (stored?.state?.waiting?.reason !== 'CrashLoopBackOff' || last === undefined || now.getTime() - last >= period) backoff.push(c.name);
            soon(Math.min(remaining, last === undefined ? period : Math.max(last + period - now.getTime(), 0) || period));
          } else {
            state = stored!.state;
            lastState = stored!.lastState;
            if (turn) due.push({ c, init, n: L.n + 1 });
          }
        }
      }
      // A container the runtime created is named by its image as the runtime resolved it; one not
      // created yet (waiting for its turn, its config) by the spec's, as the kubelet fills it in.
      const cs: ContainerStatus = { name: c.name, state, lastState, ready, restartCount: L ? L.n : 0, image: L ? normalizedImageRef(c.image!) : c.image!, imageID: '' };
      if (L) cs.containerID = L.containerID;
      cs.started = started;
      return { cs, done, started: !!L };
    };

    const initStatuses: ContainerStatus[] = [];
    let initialized = true;
    // The init containers as the Initialized condition sees them (every one done, every sidecar
    // started), before HasAnyRegularContainerStarted (below) overrides it.
    let initsComplete = true;
    let failed = false;
    const notInit: string[] = [];
    for (const c of initSpecs) {
      const r = one(c, true, initialized && !terminating && volumesReady, 'PodInitializing', storedOf(old.initContainerStatuses, c.name));
      initStatuses.push(r.cs);
      if (isRestartableInitContainer(c)) {
        // isInitContainerInitialized: a sidecar once it has started (its startup probe passed);
        // the next init container waits for that, not for its end.
        if (!(r.cs.state?.running && r.cs.started)) {
          notInit.push(c.name);
          initsComplete = false;
          if (!containerStarted) initialized = false;
        }
        continue;
      }
      if (r.cs.state?.terminated?.exitCode !== 0) notInit.push(c.name);
      if (r.done === 'failed') failed = true;
      if (r.done !== 'ok') initialized = initsComplete = false;
    }
    const mainStatuses: ContainerStatus[] = [];
    let allDone = true;
    let allOk = true;
    let anyStarted = false;
    for (const c of spec.containers) {
      const r = one(c, false, initialized && !terminating && !failed && volumesReady, initSpecs.length ? 'PodInitializing' : 'ContainerCreating', storedOf(old.containerStatuses, c.name));
      mainStatuses.push(r.cs);
      if (r.started) anyStarted = true;
      if (!r.done) allDone = false;
      if (r.done !== 'ok') allOk = false;
    }
    const anyRunning = [...initStatuses, ...mainStatuses].some((s) => s.state?.running);
    const stopped = deleting && !anyRunning; // deletion: everything has exited
    const sidecarStatuses = initStatuses.filter((_, i) => isRestartableInitContainer(initSpecs[i]));
    const sidecarRunning = sidecarStatuses.some((s) => s.state?.running);
    // getPhase: a container waiting to start for the first time keeps the pod Pending.
    const firstWait = mainStatuses.some((s) => s.state?.waiting && !s.lastState?.terminated);
    let phase: string;
    if (failed) phase = 'Failed';
    else if (!initialized) phase = stopped ? 'Failed' : 'Pending';
    // Its sidecars still running (being stopped): Running until they have gone; how they ended
    // does not count.
    else if (allDone) phase = sidecarRunning ? 'Running' : allOk ? 'Succeeded' : 'Failed';
    else if (stopped) phase = mainStatuses.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    else phase = anyStarted && !firstWait ? 'Running' : 'Pending';
    if (evicted) phase = 'Failed';
    const terminal = isTerminalPhase(phase);
    // Ephemeral containers: started once the pod runs, never restarted, never ready.
    const ephStatuses = (spec.ephemeralContainers ?? []).map((c) => one(c, false, phase === 'Running' && !terminating, 'ContainerCreating', storedOf(old.ephemeralContainerStatuses, c.name), true).cs);
    // mergePodStatus: a pod whose containers could still run is not reported terminal yet (its
    // phase, reason and message stay as they were, below) while the kubelet stops them; then it
    // is, and nothing of it is ready but an init container that succeeded.
    const stillRunning = terminal && !isTerminalPhase(old.phase) && (anyRunning || ephStatuses.some((s) => s.state?.running));
    if (terminal && !stillRunning) for (const s of [...sidecarStatuses, ...mainStatuses]) s.ready = false;
    // Every container has ended for good and a sidecar still runs: the sidecars are stopped
    // (stopContainers, in killContainersWithSyncResult's order: each after those defined after it).
    const sidecarStop = containersEnded && !terminating && sidecarRunning;

    const oldCond = new Map<string, PodConditionWire>((old.conditions ?? []).map((c) => [c.type, c]));
    const cond = (type: string, ok: boolean, reason?: string, message?: string) => {
      const status = ok ? 'True' : 'False';
      const prev = oldCond.get(type);
      const c: PodConditionWire = { type, status, lastProbeTime: null, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : nowS };
      if (reason) c.reason = reason;
      if (message) c.message = message;
      return c;
    };
    // status/generate.go: sidecars count with the pod's containers for readiness.
    const unready = [...sidecarStatuses, ...mainStatuses].filter((s) => !s.ready).map((s) => s.name);
    const conditions: PodConditionWire[] = [
      // No sandbox before the volumes are set up.
      cond('PodReadyToStartContainers', !terminal && volumesReady),
      phase === 'Succeeded'
        ? cond('Initialized', true, 'PodCompleted')
        : // GeneratePodInitializedCondition: initialized, or a container of the pod running or
          // terminated in the status (HasAnyRegularContainerStarted: one waiting in
          // CrashLoopBackOff does not count, though it lets a restarting sidecar's pod go on).
          initsComplete || mainStatuses.some((cs) => cs.state?.running || cs.state?.terminated)
          ? cond('Initialized', true)
          : cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${notInit.join(' ')}]`),
    ];
    // A terminal phase says so (generateContainersReadyConditionForTerminalPhase).
    const readyC = (type: string) =>
      phase === 'Succeeded'
        ? cond(type, false, 'PodCompleted')
        : phase === 'Failed'
          ? cond(type, false, 'PodFailed')
          : unready.length === 0
            ? cond(type, true)
            : cond(type, false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
    conditions.push(readyC('Ready'), readyC('ContainersReady'));
    conditions.push(oldCond.get('PodScheduled') ?? cond('PodScheduled', true));

    const status: PodStatusWire = { ...old, phase, conditions, hostIP: this.hostIP, hostIPs: [{ ip: this.hostIP }] };
    if (evicted) Object.assign(status, evicted);
    if (stillRunning) {
      status.phase = old.phase;
      status.reason = old.reason;
      status.message = old.message;
    }
    if (anyStarted || initStatuses.some((s) => s.containerID)) {
      const ip = this.podIPOf(pod);
      status.podIP = ip;
      status.podIPs = [{ ip }];
    }
    if (!old.startTime) this.startTimeMs.set(uid, now.getTime());
    status.startTime = old.startTime ?? nowS;
    // After the conditions, which generateAPIPodStatus made before TerminatePod changed a state.
    if (terminal && !stillRunning) terminatePod(spec, old, initStatuses, mainStatuses);
    if (initSpecs.length) status.initContainerStatuses = initStatuses;
    status.containerStatuses = mainStatuses;
    status.qosClass = old.qosClass ?? qosClass(spec);
    if (ephStatuses.length) status.ephemeralContainerStatuses = ephStatuses;
    // Stable key order, so an unchanged status compares equal.
    const st: Record<string, unknown> = status;
    const ordered: Record<string, unknown> = {};
    for (const k of ['observedGeneration', 'phase', 'conditions', 'message', 'reason', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'initContainerStatuses', 'containerStatuses', 'qosClass', 'ephemeralContainerStatuses']) if (st[k] !== undefined) ordered[k] = st[k];
    for (const k of Object.keys(st)) if (!(k in ordered)) ordered[k] = st[k];
    return { status: ordered as PodStatusWire, due: terminal ? [] : due, requeueMs, backoff, kills, sidecarStop, stopAll: stillRunning };
  }
}

/** The pod's termination messages together (kubecontainer.MaxPodTerminationMessageLogLength). */
const MAX_POD_TERMINATION_MESSAGE_BYTES = 12 * 1024;

/**
 * normalizeStatus (the status manager's): each container's termination message, its state's and
 * its last state's, gets an equal share of the pod's 12 KiB, counting its init and ephemeral
 * containers. A pod of one to three containers keeps the 4 KiB each message is read at; one of
 * six, 2,048 bytes each.
 */
function terminationMessageBudget(spec: { containers?: unknown[]; initContainers?: unknown[]; ephemeralContainers?: unknown[] }): number {
  const containers = (spec.containers?.length ?? 0) + (spec.initContainers?.length ?? 0) + (spec.ephemeralContainers?.length ?? 0);
  return containers > 0 ? Math.floor(MAX_POD_TERMINATION_MESSAGE_BYTES / containers) : MAX_POD_TERMINATION_MESSAGE_BYTES;
}

/**
 * Go's Message[:max] of a message's bytes (tail.ReadAtMost's, or a start error's), as encoding/json
 * writes them: a character the cut or the file's end leaves incomplete, and any invalid byte, is
 * a U+FFFD a byte.
 */
function truncateMessage(message: Uint8Array, max: number): string {
  return goBytesAsJSON(message.length <= max ? message : message.subarray(0, max));
}
