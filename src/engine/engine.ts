// The engine: kube-controller-manager and the kubelet in one daemon per state directory.
// Informer: it follows the store's change log and turns each change into work-queue keys (event
// handlers only enqueue). Workers: the Job controller, the garbage collector and the kubelet
// reconcile one key at a time and ask to be requeued when something is due later. It wakes on a
// CLI's signal after a write (daemon.ts ensureEngine), on a container's exit (the kubelet's exit
// watch), or on a timer; there is no polling loop. It exits when nothing is left to do.
import fs from 'node:fs';
import * as net from 'node:net';
import { hostname } from 'node:os';
import { asKind, keyOf, controllerOf } from '../api/types.js';
import { Store, type Change } from '../store/store.js';
import { LocalAPIServer } from '../apiserver/apiserver.js';
import type { LocalAPIServer as LocalAPI, ListOptions } from '../apiserver/interface.js';
import type { ResourceInfo } from '../api/resources.js';
import { APIEventRecorder, EventQueue } from '../client/record.js';
import { JobController, COMPONENT as JOB_CONTROLLER } from '../controllers/job/job_controller.js';
import { hasTrackingFinalizer } from '../api/job_util.js';
import { isPodTerminal } from '../api/pod_util.js';
import { ReplicaSetController } from '../controllers/replicaset/replica_set.js';
import { DeploymentController } from '../controllers/deployment/deployment_controller.js';
import { EndpointsController } from '../controllers/endpoint/endpoints_controller.js';
import { EndpointSliceController } from '../controllers/endpointslice/endpointslice_controller.js';
import { GarbageCollector } from '../controllers/gc/garbage_collector.js';
import { CronJobController, COMPONENT as CRONJOB_CONTROLLER } from '../controllers/cronjob/cronjob_controller.js';
import { TTLAfterFinishedController, needsCleanup } from '../controllers/ttl/ttl_controller.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { SCHEDULER_NAME, Scheduler } from '../scheduler/scheduler.js';
import { NODE_NAME, HOST_IP, registerNode } from '../kubelet/node.js';
import { podReferences } from '../kubelet/volumes.js';
import { ensureDefaultServiceAccount, DEFAULT_SERVICE_ACCOUNT } from '../controllers/serviceaccount/serviceaccounts_controller.js';
import { Cgroups } from '../kubelet/cgroups.js';
import { nodeStatus } from '../kubelet/node_status.js';
import { PodNetwork, networkStatusLine } from '../kubelet/network.js';
import { ServiceProxy } from '../kubelet/proxy/manager.js';
import type { Clock } from '../util/clock.js';
import { StateClock } from '../util/clock.js';
import { exponentialBackoffMs, type Timing } from '../util/timing.js';
import { DelayingQueue } from './queue.js';
import { SyncRounds } from './rounds.js';
import { WAKE_SIGNAL, acquireLock, holdsLock, markStopping, releaseLock, socketPath, stoppingUnlessWork, takeLockHandover, unmarkStopping } from './daemon.js';
import { hasPendingWork } from './work.js';
import { EventExpiry } from './housekeeping.js';
import { knownToDecode, readable, storedDecodeError } from '../apiserver/decode.js';
import type { Kind, KObject } from '../api/types.js';
import { setUmask } from '../util/umask.js';
import { commandWaiting } from '../store/waiting_notes.js';

/**
 * The apiserver as the controllers and the kubelet read it: an object stored before the apiserver
 * decoded strictly is seen with its fields' types (readable()), as an informer would only ever
 * hold decoded objects. Requests other than get and list go to the apiserver unchanged.
 */
export function decodedView<T extends LocalAPI>(api: T): T {
  // Whether a version of an object decodes never changes: storedDecodeError checks it once per
  // uid@resourceVersion (and not at all for what this process's apiserver stored).
  const view = (o: KObject) => (storedDecodeError(o.kind, o) === undefined ? o : readable(o.kind, o));
  // The store's shared objects are frozen and kept between reads (a Job's sync reads all its pods):
  // each is looked at once, not once per read.
  const viewed = new WeakMap<KObject, KObject>();
  const viewShared = (o: KObject) => {
    let v = viewed.get(o);
    if (v === undefined) viewed.set(o, (v = view(o)));
    return v;
  };
  return new Proxy(api, {
    get(target, prop) {
      if (prop === 'get') return (r: ResourceInfo, ns: string | undefined, name: string) => view(target.get(r, ns, name));
      if (prop === 'getShared') {
        return (r: ResourceInfo, ns: string | undefined, name: string) => {
          const o = target.getShared(r, ns, name);
          return o && viewShared(o);
        };
      }
      if (prop === 'listControlledPods') {
        return (namespace: string, uid: string, leaveOut?: (pod: KObject) => boolean) => target.listControlledPods(namespace, uid, leaveOut).map(viewShared);
      }
      if (prop === 'listEventsAbout') return (namespace: string, uid: string) => target.listEventsAbout(namespace, uid).map(viewShared);
      if (prop === 'list') {
        return (r: ResourceInfo, opts?: ListOptions) => {
          const l = target.list(r, opts);
          return { ...l, items: l.items.map(view) };
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export { NODE_NAME, HOST_IP } from '../kubelet/node.js';

export interface EngineOptions {
  home: string;
  timing: Timing;
  clock?: Clock;
  log?: (msg: string) => void;
  /** Exit once idle (an engine a kjob command started); one started by hand stays until stopped. */
  exitWhenIdle?: boolean;
}

export class Engine {
  private readonly home: string;
  private readonly timing: Timing;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private exitWhenIdle: boolean;
  private store!: Store;
  private api!: LocalAPIServer;
  private jobs!: JobController;
  private gc!: GarbageCollector;
  private replicasets!: ReplicaSetController;
  private deployments!: DeploymentController;
  private endpoints!: EndpointsController;
  private endpointSlices!: EndpointSliceController;
  private cronjobs!: CronJobController;
  /** last seen schedule/timeZone per CronJob key (the informer's old object, for updateCronJob) */
  private readonly cronSchedules = new Map<string, { schedule?: string; timeZone?: string | null }>();
  private ttl!: TTLAfterFinishedController;
  private kubelet!: Kubelet;
  private scheduler!: Scheduler;
  /**
   * The Job and CronJob controllers' and the kubelet's event recorders, which the engine's own
   * FailedSync Warnings about their objects go through too: one correlator (rate limit, combining)
   * a component, as in the process upstream that records them.
   */
  private recorders!: Record<'Job' | 'CronJob' | 'Pod', APIEventRecorder>;
  /** The controllers' and the kubelet's Events, written at the end of the sync that recorded them (EventQueue). */
  private readonly events = new EventQueue();
  private readonly queue = new DelayingQueue();
  private readonly jobGenerations = new Map<string, number>();
  /**
   * The Services of each namespace, by name, as the informer has seen them (the endpoints
   * controllers' Service lister): every pod change looks its namespace's up, and reading the
   * store for them was an SQL query a change, of a Job's five a pod.
   */
  private readonly servicesByNamespace = new Map<string, Set<string>>();
  private lastRV = 0;
  /** Keys whose sync failed, or whose object cannot be decoded: retries so far (exponential back-off). */
  private failures = new Map<string, number>();
  private readonly rounds = new SyncRounds({
    transaction: (fn) => this.store.transaction(fn),
    sync: (key) => this.process(key),
    commandWaits: () => this.commandWaits(),
    requeue: (key, atMs) => this.queue.add(key, atMs),
    postpone: (key, atMs) => this.queue.postpone(key, atMs),
    now: () => this.queueNow(),
    log: (m) => this.log(m),
  });
  /** "uid@resourceVersion" of malformed objects already reported with an event. */
  private reportedMalformed = new Set<string>();
  /** Objects (kind/namespace/name) seen to decode: skipMalformed. */
  private readonly decodedKeys = new Set<string>();
  private server?: net.Server;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private pumping = false;
  private pumpAgain = false;
  /** performance.now() of the last look for a command waiting on the engine (commandWaits). */
  private lastWaitLook = -Infinity;
  private idleSince?: number;
  private eventExpiry?: EventExpiry;
  private stopped = false;
  private resolveDone?: () => void;
  private cgroups?: Cgroups;
  private network?: PodNetwork;
  private proxy?: ServiceProxy;

  constructor(opts: EngineOptions) {
    this.home = opts.home;
    this.timing = opts.timing;
    // Default: the state directory's clock (real, or simulated by `kjob clock set`).
    this.clock = opts.clock ?? new StateClock();
    this.exitWhenIdle = opts.exitWhenIdle ?? true;
    this.log = opts.log ?? ((m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`));
  }

  /** Run until idle or stopped. Resolves false when another engine already serves this home. */
  async run(): Promise<boolean> {
    // Everything the engine and its container shims create in the state directory (runtime
    // state, logs, the socket) is its user's only, whatever umask it was started with.
    setUmask(0o077);
    fs.mkdirSync(this.home, { recursive: true, mode: 0o700 });
    if (!acquireLock(this.home, takeLockHandover())) return false;
    try {
      this.store = Store.open(this.home, { engine: true });
      // Its only clients are this process's controllers and kubelet (the CLI and `kjob serve` have apiservers of their own).
      this.api = new LocalAPIServer(this.store, { clock: this.clock, typedClients: true });
      this.cgroups = Cgroups.detect();
      if (!this.cgroups.status.enforced) this.log(`cgroups: resource limits are not enforced: ${this.cgroups.status.reason}`);
      if (this.clock instanceof StateClock) this.clock.load(this.store);
      // The controllers and the kubelet go through the apiserver, reading a view in which every
      // object decodes.
      const view = decodedView(this.api);
      const queue = this.events;
      this.recorders = {
        Job: new APIEventRecorder(view, { component: JOB_CONTROLLER }, this.clock, { queue }),
        CronJob: new APIEventRecorder(view, { component: CRONJOB_CONTROLLER }, this.clock, { queue }),
        Pod: new APIEventRecorder(view, { component: 'kubelet', host: NODE_NAME }, this.clock, { queue }),
      };
      this.cronjobs = new CronJobController({ api: view, clock: this.clock, requeueSlackMs: this.timing.cronJobRequeueSlackMs, recorder: this.recorders.CronJob });
      this.jobs = new JobController({ api: view, clock: this.clock, timing: this.timing, recorder: this.recorders.Job });
      this.gc = new GarbageCollector(view);
      this.replicasets = new ReplicaSetController({ api: view, clock: this.clock });
      this.deployments = new DeploymentController({ api: view, clock: this.clock });
      this.endpoints = new EndpointsController({ api: view });
      this.endpointSlices = new EndpointSliceController({ api: view });
      this.ttl = new TTLAfterFinishedController({ api: view, clock: this.clock });
      // The kubelet registers its node (and brings its status up to date) before syncing pods.
      registerNode(this.api, { name: NODE_NAME, hostIP: HOST_IP, home: this.home, now: this.clock.now() });
      // The scheduler's cache is the engine informer's (podChanged, resync); the kubelet's syncs bind with it.
      this.scheduler = new Scheduler(view, new APIEventRecorder(view, { component: SCHEDULER_NAME }, this.clock, { correlate: false, queue }));
      this.kubelet = new Kubelet({
        api: view,
        scheduler: this.scheduler,
        clock: this.clock,
        timing: this.timing,
        home: this.home,
        nodeName: NODE_NAME,
        hostIP: HOST_IP,
        recorder: this.recorders.Pod,
        cgroups: this.cgroups,
        network: (this.network = new PodNetwork(this.home, process.env, this.timing.netnsKeepMs)),
      });
      // The spawner's perl starts while the node's network is made (a cold start's first pod waits for both).
      this.kubelet.warmRuntime();
      const net = this.network.probe();
      if (net.enabled) this.network.warm();
      if (!net.enabled && !net.chosen) this.log(networkStatusLine(net));
      this.proxy = new ServiceProxy(this.network, this.log);
      // The table before netd: its first answers know the Services that exist. A sync that fails
      // here (a stored Service that cannot be read) is retried by the proxy key of the first
      // relist; netd starts all the same (ServiceProxy.sync: pods wait for a netd that is
      // starting, never for none).
      try {
        this.syncProxy();
      } catch (e) {
        this.log(`sync proxy failed: ${(e as Error).stack ?? e}`);
      }
      await this.listen();
      // Before the relist: a change committed after it was read has its wake handled.
      process.on(WAKE_SIGNAL, this.onWake);
      // Again once a wake can reach it: a `kjob clock set` between the first load and the handler
      // found its signal ignored, and the controllers would have kept the old clock (a CronJob on
      // a clock set going after a stop never ran).
      if (this.clock instanceof StateClock) this.clock.load(this.store);
      this.log(`engine started (pid ${process.pid}, host ${hostname()})`);
      // Full resync first: everything that exists is looked at once.
      this.pruneEvents();
      this.relist();
      this.kubelet.start((podKey) => {
        this.queue.add(`pod:${podKey}`, 0);
        this.kick();
      });
      const done = new Promise<void>((resolve) => (this.resolveDone = resolve));
      if (this.stopped) this.resolveDone!(); // stopped (a signal, `controller stop`) while it started
      this.kick();
      await done;
      // Pod networks being set up or removed in the background finish first.
      await this.network?.drain();
      return true;
    } finally {
      this.shutdown();
    }
  }

  private listen(): Promise<void> {
    const sock = socketPath(this.home);
    fs.rmSync(sock, { force: true }); // we hold the lock, so any socket file is stale
    this.server = net.createServer((conn) => {
      let buf = '';
      conn.on('data', (d) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const cmd = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (cmd === 'ping') conn.end('pong\n');
          else if (cmd === 'node') conn.end(JSON.stringify(nodeStatus(this.kubelet.sandbox(), this.cgroups!, this.kubelet.networkStatus())) + '\n');
          else if (cmd === 'clock' && !this.stopped) {
            // `kjob clock` changed it: from the answer on, every sync reads the new setting.
            this.onWake();
            conn.end('ok\n');
          } else if (cmd === 'stay' && !this.stopped) {
            // `kjob controller start` on an engine a command had started: keep it until stopped.
            this.exitWhenIdle = false;
            conn.end('ok\n');
          } else if (cmd === 'stop') {
            conn.end('stopping\n');
            this.stop('stop requested');
          } else conn.end('unknown command\n');
        }
      });
      conn.on('error', () => undefined);
    });
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(sock, () => {
        // Only its user may ask or stop the engine (the state directory is private too).
        try { fs.chmodSync(sock, 0o600); } catch { /* removed meanwhile */ }
        resolve();
      });
    });
  }

  /**
   * The idle exit. Marked as stopping first, then a last look for work: it sees every change a
   * command committed before it found this engine not stopping, and so woke it rather than start
   * the next (daemon.ts markStopping).
   */
  private stopIfIdle(): void {
    if (stoppingUnlessWork(this.home, () => hasPendingWork(this.store))) return this.stop('idle');
    this.idleSince = undefined;
    this.kick(); // a pump reads the change that brought the work
  }

  /** A command's change (daemon.ts ensureEngine). */
  private readonly onWake = (): void => {
    if (this.stopped) return;
    this.idleSince = undefined;
    if (this.clock instanceof StateClock) this.clock.load(this.store); // `kjob clock` may have changed it
    this.kick();
  };

  stop(reason: string): void {
    if (this.stopped) return;
    // Commands from here on start the next engine for their changes rather than wake this one (the
    // idle exit marked it already: marked again, the same text).
    if (holdsLock(this.home)) markStopping(this.home);
    this.stopped = true;
    this.log(`engine stopping: ${reason}`);
    this.resolveDone?.();
  }

  private shutdown(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.kubelet?.stop();
    this.proxy?.stop();
    // Nothing of this state directory left on the pod network: its node namespace goes too. Pods
    // that hold theirs keep them and the node's (their containers live on), but not the spares.
    try {
      if (this.network?.probe().enabled) {
        if (this.network.uids().length === 0) this.network.tearDownAll();
        else this.network.removeSpares();
      }
    } catch (e) {
      this.log(`removing the pod network failed: ${(e as Error).message}`);
    }
    this.network?.close();
    this.server?.close();
    // An engine that lost the lock leaves the socket and lock of the one that holds it alone.
    if (holdsLock(this.home)) fs.rmSync(socketPath(this.home), { force: true });
    this.store?.close();
    this.cgroups?.release();
    process.off(WAKE_SIGNAL, this.onWake);
    releaseLock(this.home);
    unmarkStopping(this.home);
  }

  /**
   * An informer's relist, at start-up and after falling behind the change log: everything that
   * exists is looked at once, from the log's present on; and the pods deleted meanwhile, whose
   * deletions it never saw, are cleaned up (runtime state, logs, anything of them still running:
   * a force-deleted pod must not leave processes behind).
   */
  private relist(): void {
    this.lastRV = this.store.currentRV();
    const liveUids = new Set<string>();
    for (const job of this.store.list('Job').map((j) => asKind('Job', readable('Job', j)))) {
      this.queue.add(`job:${keyOf(job)}`, 0);
      if (needsCleanup(job)) this.queue.add(`ttl:${keyOf(job)}`, 0);
    }
    const pods = this.store.list('Pod').map((p) => asKind('Pod', readable('Pod', p)));
    for (const pod of pods) {
      liveUids.add(pod.metadata.uid!);
      this.queue.add(`pod:${keyOf(pod)}`, 0);
      if (hasTrackingFinalizer(pod)) this.queue.add(`orphan:${keyOf(pod)}`, 0);
    }
    for (const cj of this.store.list('CronJob')) this.queue.add(`cronjob:${keyOf(cj)}`, 0);
    for (const rs of this.store.list('ReplicaSet')) this.queue.add(`rs:${keyOf(rs)}`, 0);
    for (const d of this.store.list('Deployment')) this.queue.add(`deploy:${keyOf(d)}`, 0);
    // The serviceaccounts controller's informer lists the namespaces: one made while no engine ran gets its account.
    for (const ns of this.store.list('Namespace')) this.queue.add(`serviceaccounts:${ns.metadata.name}`, 0);
    this.servicesByNamespace.clear();
    for (const svc of this.store.list('Service')) {
      this.serviceSeen('ADDED', svc.metadata.namespace ?? '', svc.metadata.name ?? '');
      this.enqueueService(keyOf(svc), 0);
    }
    this.queue.add('gc', 0);
    this.queue.add('proxy', 0);
    // The scheduler's cache before the cleanup, which may fail (lastRV has moved on: no relist would redo it).
    this.scheduler.resync(pods);
    this.kubelet.cleanupOrphans(liveUids);
  }

  /**
   * Run the loop soon: at the event loop's next turn, after the sockets are served, not at a
   * timer's (node's setTimeout(0) waits a millisecond: about 1 ms of each wake's way to a container).
   */
  private kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.pump();
    });
  }

  /** The apiserver keeps events for an hour (--event-ttl); so does the state file. */
  private pruneEvents(): void {
    (this.eventExpiry ??= new EventExpiry(this.api, this.clock)).tick();
  }

  private pump(): void {
    if (this.stopped) return;
    // A command waits for the state file's write lock (store/waiting_notes.ts): no sync takes the
    // lock, and the event loop is free, until it has it.
    if (this.commandWaits(true)) return this.makeWay();
    this.pumping = true;
    let madeWay = false;
    try {
      // A long-lived engine (CronJobs keep it up) prunes every ten minutes of its clock.
      this.pruneEvents();
      // Rounds until nothing is left, yielding after about 20 ms so that signals, the socket
      // and timers are served while a big Job runs.
      const t0 = Date.now();
      rounds: for (let round = 0; round < 1000; round++) {
        const sawChanges = this.drainChanges();
        const keys = this.queue.popDue(this.queueNow());
        if (keys.length > 0 && this.rounds.run(keys)) {
          madeWay = true;
          break rounds;
        }
        if (!sawChanges && keys.length === 0) break;
        if (Date.now() - t0 > 20) {
          this.pumpAgain = true;
          break;
        }
      }
    } catch (e) {
      this.log(`this is a bug: ${(e as Error).stack ?? e}`);
    } finally {
      this.pumping = false;
    }
    if (madeWay) return this.makeWay();
    if (this.pumpAgain) {
      this.pumpAgain = false;
      this.kick();
      return;
    }
    this.scheduleNext();
  }

  /**
   * Whether a command waits on the engine (store/waiting_notes.ts): a look at the notes'
   * directory, between syncs at most once a millisecond (a sync of a pod takes about that long).
   */
  private commandWaits(now = false): boolean {
    const t = performance.now();
    if (!now && t - this.lastWaitLook < 1) return false;
    this.lastWaitLook = t;
    return commandWaiting(this.home);
  }

  /** Pumps again in a millisecond, when it looks again whether the command has what it waits for. */
  private makeWay(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), 1);
  }

  /** The work queue's clock: the engine's, except that a stopped simulated clock (`kjob clock set
   * --rate=0`) still lets queued delays (sync batching, requeues) pass in real time. */
  private queueNow(): number {
    return this.clock instanceof StateClock ? this.clock.queueNowMs() : this.clock.now().getTime();
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    if (!holdsLock(this.home)) {
      this.stop('another engine holds the lock of this state directory');
      return;
    }
    const now = this.queueNow();
    const due = this.queue.nextDue();
    // Queue times are on the engine's clock, which `kjob clock` may simulate (faster, or stopped:
    // Infinity); the idle exit is measured in real time.
    const realDelay = (ms: number) => (this.clock instanceof StateClock ? this.clock.realDelayMs(ms) : ms);
    let delay = due === undefined ? undefined : realDelay(due - now);
    if (this.exitWhenIdle && this.queue.size === 0 && !this.kubelet.hasRunningContainers() && !hasPendingWork(this.store)) {
      const realNow = Date.now();
      this.idleSince ??= realNow;
      const exitAt = this.idleSince + this.timing.engineIdleExitMs;
      if (realNow >= exitAt) return this.stopIfIdle();
      delay = exitAt - realNow;
    } else {
      this.idleSince = undefined;
    }
    if (this.timer) clearTimeout(this.timer);
    if (delay === undefined || delay === Infinity) return;
    this.timer = setTimeout(() => this.pump(), Math.min(2 ** 31 - 1, Math.max(0, delay)));
  }

  /** One key's sync, inside its round's transaction (rounds.ts). */
  private process(key: string): void {
    const i = key.indexOf(':');
    const kind = i < 0 ? key : key.slice(0, i);
    const rest = key.slice(i + 1);
    const now = this.queueNow();
    let requeueAfterMs: number | undefined;
    try {
      // Inside the try: a failure is this key's (logged, retried), not its round's.
      if (this.skipMalformed(kind, rest, key)) return;
      // A Job's or a pod's sync writes several objects (pods and their events; a status and the
      // Scheduled, Pulling, Pulled, Created, Started events). Its Events are written at its end, as
      // client-go's broadcaster writes them after the work (EventQueue): a pod's container starts
      // without waiting for the four recorded before it. A sync that fails keeps what it wrote
      // before the failure, as a controller's sync does against an apiserver, where each write
      // stands on its own (no savepoint: it copied every page a sync wrote into a journal).
      if (kind === 'job') requeueAfterMs = this.events.hold(() => this.jobs.syncJob(rest)).requeueAfterMs;
      else if (kind === 'pod') {
        const [ns, name] = rest.split('/');
        requeueAfterMs = this.events.hold(() => this.kubelet.syncPod(ns, name)).requeueAfterMs;
      } else if (kind === 'orphan') requeueAfterMs = this.jobs.syncOrphanPod(rest).requeueAfterMs;
      else if (kind === 'ttl') requeueAfterMs = this.ttl.sync(rest).requeueAfterMs;
      else if (kind === 'gc') this.gc.sync();
      else if (kind === 'rs') requeueAfterMs = this.replicasets.syncReplicaSet(rest).requeueAfterMs;
      else if (kind === 'ep') this.endpoints.syncService(rest);
      else if (kind === 'eps') this.endpointSlices.syncService(rest);
      else if (kind === 'deploy') requeueAfterMs = this.deployments.syncDeployment(rest).requeueAfterMs;
      else if (kind === 'proxy') this.syncProxy();
      else if (kind === 'cronjob') requeueAfterMs = this.cronjobs.syncCronJob(rest).requeueAfterMs;
      else if (kind === 'serviceaccounts') ensureDefaultServiceAccount(this.api, rest);
      this.failures.delete(key);
    } catch (e) {
      // Errors are retried with a growing delay, as a rate-limited work queue does (5ms doubling
      // to 1000s there; 1s doubling to 5m here); the stack is logged once, then a line per retry.
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.log(n === 1 ? `sync ${key} failed: ${(e as Error).stack ?? e}` : `sync ${key} failed again (${n} times): ${(e as Error).message ?? e}`);
      requeueAfterMs = exponentialBackoffMs(n, 1000, 300_000);
    }
    if (requeueAfterMs !== undefined) this.queue.add(key, now + requeueAfterMs);
  }

  /** The service proxy's table: the Services, and the pods of the namespaces where a Service
   * selects pods (no other pod is in the table; a Job's pods change often). */
  private syncProxy(): void {
    this.proxy?.sync(() => {
      const services = this.store.list('Service').map((o) => asKind('Service', readable('Service', o)));
      const namespaces = new Set(services.filter((s) => Object.keys(s.spec?.selector ?? {}).length > 0).map((s) => s.metadata.namespace ?? 'default'));
      const pods = [...namespaces].flatMap((ns) => this.store.list('Pod', { namespace: ns }).map((o) => asKind('Pod', readable('Pod', o))));
      return { services, pods };
    });
  }

  /**
   * An object stored before the apiserver decoded strictly may not decode into its Go type: the
   * controllers skip it. One Warning event (FailedSync) per version of the object says why; it
   * keeps no engine alive (hasPendingWork ignores it) and is looked at again when it changes.
   */
  private skipMalformed(kind: string, rest: string, key: string): boolean {
    const objKind: Kind | undefined = kind === 'job' || kind === 'ttl' ? 'Job' : kind === 'cronjob' ? 'CronJob' : kind === 'rs' ? 'ReplicaSet' : kind === 'deploy' ? 'Deployment' : kind === 'pod' || kind === 'orphan' ? 'Pod' : undefined;
    if (!objKind) return false;
    const slash = rest.indexOf('/');
    if (slash < 0) return false;
    // Only a state file written by an older kjob holds objects that do not decode: once a key's
    // object was seen to decode, every later version of it was stored by an apiserver that decodes
    // strictly (a command's), or by this engine's typed clients, whose objects decode to
    // themselves (the test suite checks it: apiserver.ts asStored), so it is not looked at again
    // (the lookup of its version was 2% of the engine's time during a Job).
    const checkedKey = `${objKind}/${rest}`;
    if (this.decodedKeys.has(checkedKey)) return false;
    const [ns, name] = [rest.slice(0, slash), rest.slice(slash + 1)];
    const decodes = () => {
      if (this.decodedKeys.size >= 100_000) this.decodedKeys.clear();
      this.decodedKeys.add(checkedKey);
      return false;
    };
    // Most versions were stored by this engine's own apiserver, which decoded them: no read.
    const v = this.store.version(objKind, ns, name);
    if (!v) return false;
    if (knownToDecode(objKind, v.uid, v.resourceVersion)) return decodes();
    const obj = this.store.get(objKind, ns, name);
    if (!obj) return false;
    const error = storedDecodeError(objKind, obj);
    if (error === undefined) return decodes();
    const id = `${obj.metadata.uid}@${obj.metadata.resourceVersion}`;
    if (!this.reportedMalformed.has(id)) {
      this.reportedMalformed.add(id);
      try {
        this.recorders[objKind === 'Job' || objKind === 'CronJob' ? objKind : 'Pod'].event(
          obj,
          'Warning',
          'FailedSync',
          `kjob: the stored ${objKind} cannot be decoded and is skipped until it is fixed: ${error}`,
        );
      } catch (e) {
        this.log(`recording the FailedSync event of ${key} failed: ${(e as Error).message}`);
      }
    }
    // Not requeued: fixing the object (apply, patch) is a change, and a change queues the key.
    return true;
  }

  private enqueueDeploymentOfReplicaSet(namespace: string, rsName: string, now: number): void {
    const rs = this.store.get('ReplicaSet', namespace, rsName);
    const owner = rs ? controllerOf(rs) : undefined;
    if (owner?.kind === 'Deployment') this.queue.add(`deploy:${namespace}/${owner.name}`, now);
  }

  private serviceSeen(type: Change['type'], namespace: string, name: string): void {
    let names = this.servicesByNamespace.get(namespace);
    if (type === 'DELETED') {
      names?.delete(name);
      if (names?.size === 0) this.servicesByNamespace.delete(namespace);
      return;
    }
    if (!names) this.servicesByNamespace.set(namespace, (names = new Set()));
    names.add(name);
  }

  /** A Service key for the endpoints and the endpointslice controllers. */
  private enqueueService(key: string, at: number): void {
    this.queue.add(`ep:${key}`, at);
    this.queue.add(`eps:${key}`, at);
  }

  /** The informer: map every new change to the keys that must look at it. */
  private drainChanges(): boolean {
    let saw = false;
    // Fallen behind the change log's compaction (a storm of writes while busy): what was missed
    // is not known, so everything is looked at again, as an informer relists after a 410.
    const oldest = this.store.oldestChangeRV();
    if (oldest > this.lastRV + 1) {
      this.log(`the change log was compacted past rv ${this.lastRV}: resyncing everything`);
      this.relist();
      saw = true;
    }
    for (;;) {
      const changes = this.store.changesSince(this.lastRV, 1000);
      if (changes.length === 0) return saw;
      saw = true;
      for (const c of changes) {
        this.lastRV = c.rv;
        this.handleChange(c);
      }
    }
  }

  private handleChange(c: Change): void {
    const now = this.queueNow();
    const key = c.namespace ? `${c.namespace}/${c.name}` : c.name;
    // The object is parsed by the cases that read it, when they do (store.ts changeOf): half of a
    // Job's changes are Events, which no case reads.
    let parsed: KObject | undefined;
    const obj = () => (parsed ??= readable(c.kind, c.object));
    const terminatingOrGone = () => c.type === 'DELETED' || !!obj().metadata.deletionTimestamp;
    switch (c.kind) {
      case 'Service':
        this.serviceSeen(c.type, c.namespace ?? '', c.name);
        this.queue.add('proxy', now);
        this.enqueueService(key, now);
        // A deleted Service's EndpointSlices are its dependents.
        if (terminatingOrGone()) this.queue.add('gc', now);
        break;
      case 'Endpoints':
      case 'EndpointSlice': {
        // The controllers put back what someone else changed or deleted.
        const svcName = c.kind === 'Endpoints' ? c.name : obj().metadata.labels?.['kubernetes.io/service-name'];
        if (svcName && c.namespace && this.store.get('Service', c.namespace, svcName)) this.enqueueService(`${c.namespace}/${svcName}`, now);
        break;
      }
      case 'Pod': {
        const uid = obj().metadata.uid;
        this.scheduler.podChanged(c.type, asKind('Pod', obj()));
        if (c.type === 'DELETED' && uid) {
          // A removal that fails (a runtime directory that cannot be removed) is logged, and the
          // rest of the change's handlers still run: the change log has moved past it, and its
          // Job still has to see the pod gone. What is left goes at the engine's next start.
          try {
            this.kubelet.podRemoved(uid);
          } catch (e) {
            this.log(`removing what is left of pod ${key} (${uid}) failed: ${(e as Error).message ?? e}`);
          }
        }
        // kube-proxy and the cluster DNS follow the pods' addresses and readiness.
        this.queue.add('proxy', now);
        // The endpoints and endpointslice controllers' pod handlers: the Services of its namespace
        // (getPodServiceMemberships, for the old labels as well as the new).
        for (const svc of this.servicesByNamespace.get(c.namespace ?? '') ?? []) this.enqueueService(`${c.namespace}/${svc}`, now);
        if (c.type === 'DELETED' || this.kubelet.changeNeedsSync(asKind('Pod', obj()))) this.queue.add(`pod:${key}`, now);
        const owner = controllerOf(obj());
        // Pod events reach the Job controller batched (syncJobBatchPeriod).
        if (owner?.kind === 'Job') this.queue.add(`job:${c.namespace}/${owner.name}`, now + this.timing.jobSyncBatchMs);
        // enqueueOrphanPod: a pod the Job controller may have to release (its finalizer): one that
        // ends or goes, and one with no controller (its Job deleted with --cascade=orphan).
        if (hasTrackingFinalizer(obj()) && (!owner || terminatingOrGone() || isPodTerminal(asKind('Pod', obj())))) this.queue.add(`orphan:${key}`, now + this.timing.jobSyncBatchMs);
        // The ReplicaSet controller's pod handlers: its owner, or for an orphan every ReplicaSet
        // that selects it (adoption).
        if (owner?.kind === 'ReplicaSet') {
          this.queue.add(`rs:${c.namespace}/${owner.name}`, now);
          // deletePod of the deployment controller: a Recreate rollout waits for old pods to go.
          if (c.type === 'DELETED') this.enqueueDeploymentOfReplicaSet(c.namespace!, owner.name, now);
        } else if (!owner && c.type !== 'DELETED' && !obj().metadata.deletionTimestamp) {
          for (const rs of this.replicasets.replicaSetsForPod(asKind('Pod', obj()))) this.queue.add(`rs:${keyOf(rs)}`, now);
        }
        break;
      }
      case 'Job': {
        const gen = obj().metadata.generation ?? 0;
        const seen = this.jobGenerations.get(key);
        const immediate = c.type !== 'MODIFIED' || seen !== gen || terminatingOrGone();
        this.jobGenerations.set(key, gen);
        if (c.type === 'DELETED') {
          this.jobGenerations.delete(key);
          // cleanupPodFinalizers: the pods it still controls are released by syncOrphanPod.
          for (const p of this.store.listByRefShared('Pod', c.namespace ?? '', c.uid)) if (hasTrackingFinalizer(p)) this.queue.add(`orphan:${keyOf(p)}`, now);
        }
        this.queue.add(`job:${key}`, immediate ? now : now + this.timing.jobSyncBatchMs);
        if (terminatingOrGone()) this.queue.add('gc', now);
        // A Job controlled by a CronJob wakes its CronJob (addJob/updateJob/deleteJob handlers).
        const cjOwner = controllerOf(obj());
        if (cjOwner?.kind === 'CronJob') this.queue.add(`cronjob:${c.namespace}/${cjOwner.name}`, now);
        // ttl-after-finished: every update of a finished Job with a TTL re-checks it.
        if (c.type !== 'DELETED' && needsCleanup(asKind('Job', obj()))) this.queue.add(`ttl:${key}`, now);
        break;
      }
      case 'ReplicaSet': {
        if (terminatingOrGone()) this.queue.add('gc', now);
        this.queue.add(`rs:${key}`, now);
        const dOwner = controllerOf(obj());
        if (dOwner?.kind === 'Deployment') this.queue.add(`deploy:${c.namespace}/${dOwner.name}`, now);
        else if (!dOwner && c.type !== 'DELETED') for (const d of this.deployments.deploymentsForReplicaSet(asKind('ReplicaSet', obj()))) this.queue.add(`deploy:${keyOf(d)}`, now);
        break;
      }
      case 'Deployment': {
        if (terminatingOrGone()) this.queue.add('gc', now);
        this.queue.add(`deploy:${key}`, now);
        break;
      }
      case 'CronJob': {
        const cj = asKind('CronJob', obj());
        if (terminatingOrGone()) this.queue.add('gc', now);
        // updateCronJob: a new schedule or time zone requeues at its next time, anything else now.
        const old = this.cronSchedules.get(key);
        if (c.type === 'DELETED') this.cronSchedules.delete(key);
        else this.cronSchedules.set(key, { schedule: cj.spec?.schedule, timeZone: cj.spec?.timeZone ?? null });
        const delay = c.type === 'MODIFIED' ? this.cronjobs.onUpdate(old, cj) : 0;
        if (delay !== undefined) this.queue.add(`cronjob:${key}`, now + delay);
        break;
      }
      case 'ConfigMap':
      case 'Secret': {
        // The kubelet's configMap/secret managers watch what its pods read: a pod waiting for
        // this object (CreateContainerConfigError, FailedMount) starts, mounted files refresh.
        for (const pod of this.store.list('Pod', { namespace: c.namespace }).map((p) => asKind('Pod', p))) {
          if (pod.spec?.nodeName && !isPodTerminal(pod) && podReferences(pod, c.kind, c.name)) this.queue.add(`pod:${keyOf(pod)}`, now);
        }
        break;
      }
      case 'Namespace':
        // The serviceaccounts controller: a new namespace gets its default ServiceAccount.
        if (c.type === 'ADDED') this.queue.add(`serviceaccounts:${c.name}`, now);
        break;
      case 'ServiceAccount':
        // ...and gets it back when it is deleted.
        if (c.type === 'DELETED' && c.name === DEFAULT_SERVICE_ACCOUNT) this.queue.add(`serviceaccounts:${c.namespace}`, now);
        break;
      default:
        break;
    }
  }
}
