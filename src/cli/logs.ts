// `kjob logs`: kubectl's logs command (logs.go, polymorphichelpers) over the kubelet's reading of
// the container log files (src/kubelet/logs.ts). The split is kubectl's: this file checks flags,
// picks the pod and containers, and writes each stream line by line with --prefix; the kubelet
// side applies --tail, --since, --since-time, --timestamps and --limit-bytes.
import { isPodReady } from '../api/pod_util.js';
import { asKind, type JobObject, type KObject, type PodObject } from '../api/types.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';

/** The kinds whose logs are those of a pod they select. */
const SELECTS_PODS = new Set(['Job', 'ReplicaSet', 'Deployment', 'Service']);
import { resourceForKind, type ResourceInfo } from '../api/resources.js';
import { selectorFromLabelSelector } from '../api/labels.js';
import { listObjects } from './list.js';
import { UserError, StatusError } from '../errors.js';
import { followLog, readLog, type LogOptions } from '../kubelet/logs.js';
import { followWaitFor } from './local_client.js';
import { attemptEnded, checkContainerStarted, logPathFor } from '../kubelet/log_server.js';
import { parseGoRFC3339 } from '../util/go.js';
import { resolveType } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { createProgress, type Progress } from './progress.js';
import { waitForContainer, waitForJobPods } from './logs_wait.js';

export interface LogsOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  /** lines from the end; -1 (default) all */
  tail?: number;
  allContainers?: boolean;
  prefix?: boolean;
  timestamps?: boolean;
  /** --since, in ns (Go's time.Duration); 0 or undefined: not given */
  sinceNs?: bigint;
  /** --since-time as given (RFC3339) */
  sinceTime?: string;
  /** --limit-bytes; 0 or undefined: no limit */
  limitBytes?: number;
  /** --max-log-requests (default 5) */
  maxLogRequests?: number;
  /** --tail was given (a selector's default of 10 applies only when it was not) */
  tailSpecified?: boolean;
  /** -l: the logs of every pod the label selector matches (--tail defaults to 10 then) */
  selector?: string;
  /** --all-pods: every pod of a job, not only the first; sets --prefix */
  allPods?: boolean;
}

const USAGE =
  "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kjob logs -h' for help and examples";

export async function logs(ctx: Context, args: string[], opts: LogsOptions, io: IO, progress: Progress = createProgress()): Promise<number> {
  // Complete: the arguments, --since-time, then the object named.
  if ((args.length === 0 && !opts.selector) || args.length > 2) throw new UserError(USAGE);
  if (args.length === 1 && opts.selector) throw new UserError("error: only a selector (-l) or a POD name is allowed\nSee 'kjob logs -h' for help and examples");
  if (opts.allPods) opts = { ...opts, prefix: true };
  const containerArg = opts.container ?? args[1];
  let sinceTimeMs: number | undefined;
  if (opts.sinceTime) {
    try {
      // ParseRFC3339 tries RFC3339Nano first; both accept the same inputs, and the error is RFC3339's.
      sinceTimeMs = parseGoRFC3339(opts.sinceTime);
    } catch (e) {
      throw new UserError(`error: ${(e as Error).message}`);
    }
  }
  const client = ctx.client;
  const ns = ctx.namespace;
  const PODS = resourceForKind('Pod')!;
  // kubectl logs words the builder's NotFound itself (the namespace's, when that is what is missing).
  const getOrNotFound = async (info: ResourceInfo, name: string) => {
    try {
      return await client.get(info, ns, name);
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'NotFound') throw new UserError(`error: error from server (NotFound): ${e.message} in namespace "${ns}"`);
      throw e;
    }
  };
  const target = args[0] ?? '';
  const slash = target.indexOf('/');
  let owner: KObject | undefined;
  let job: JobObject | undefined;
  let pod: PodObject | undefined;
  let selected: PodObject[] | undefined;
  if (opts.selector) {
    // The selector goes to the apiserver as written: a bad one is the list's BadRequest.
    selected = (await listObjects(ctx, PODS, { namespace: ns, labelSelector: opts.selector })).items.map((p) => asKind('Pod', p));
    if (selected.length === 0) io.err(`No resources found in ${ns} namespace.\n`);
  } else if (slash >= 0 && resolveType(target.slice(0, slash)).kind !== 'Pod') {
    const info = resolveType(target.slice(0, slash));
    const name = target.slice(slash + 1);
    // polymorphichelpers.LogsForObject: an object that selects pods gives the logs of one of them.
    if (!SELECTS_PODS.has(info.kind)) throw new UserError(`error: cannot get the logs from ${info.resource}: kjob reads logs of pods and of jobs, replicasets, deployments and services`);
    const found = await getOrNotFound(info, name);
    owner = found;
    if (info.kind === 'Job') job = asKind('Job', found);
  } else {
    const name = slash >= 0 ? target.slice(slash + 1) : target;
    pod = asKind('Pod', await getOrNotFound(PODS, name));
  }

  // Validate, in kubectl's order.
  const sinceSeconds = opts.sinceNs ? roundToSeconds(opts.sinceNs) : undefined;
  if (opts.sinceTime && opts.sinceNs) throw new UserError('error: at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (opts.allContainers && containerArg) throw new UserError(`error: --all-containers=true should not be specified with container name ${containerArg}`);
  if (opts.container && args.length === 2) throw new UserError('error: only one of -c or an inline [CONTAINER] arg is allowed');
  if ((opts.limitBytes ?? 0) < 0) throw new UserError('error: --limit-bytes must be greater than 0');
  if (sinceSeconds !== undefined && sinceSeconds < 0) throw new UserError('error: --since must be greater than 0');
  if (opts.tail !== undefined && opts.tail < -1) throw new UserError('error: --tail must be greater than or equal to -1');

  if (owner) {
    // A Service selects with a plain map; the workloads with a LabelSelector.
    const labelSelector = owner.kind === 'Service'
      ? Object.entries(asKind('Service', owner).spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).sort().join(',')
      : selectorFromLabelSelector((owner.spec as { selector?: LabelSelector } | undefined)?.selector).string();
    const list = async () => (await client.list(PODS, { namespace: ns, labelSelector: labelSelector || undefined })).items.map((p) => asKind('Pod', p)).sort(byLogging);
    let pods = await list();
    // kjob on a terminal: -f waits for the Job's first pod, saying so (logs_wait.ts).
    if (job && pods.length === 0 && opts.follow && !opts.previous && progress.mode !== 'off') pods = await waitForJobPods(ctx, job, list, progress);
    if (pods.length === 0) throw new UserError('error: timed out waiting for the condition');
    if (opts.allPods) selected = pods;
    else {
      if (pods.length > 1) io.err(`Found ${pods.length} pods, using pod/${pods[0].metadata.name}\n`);
      pod = pods[0];
    }
  }
  if (selected) return logsOfPods(ctx, selected, containerArg, opts, io);
  const podName = pod!.metadata.name!;
  // The apiserver's validation of PodLogOptions: --since rounds to whole seconds, and 0 is refused.
  if (sinceSeconds === 0) {
    throw new StatusError('Invalid', `PodLogOptions "${podName}" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0`, {
      kind: 'PodLogOptions',
      name: podName,
      causes: [{ field: 'sinceSeconds', message: 'Invalid value: 0: must be greater than 0' }],
    });
  }

  // The kubelet's options. Log timestamps are the runtime's real time (a simulated `kjob clock`
  // moves the controllers, not the processes), so --since counts back from the real now; the
  // apiserver passes sinceTime on with whole seconds.
  let sinceMs: number | undefined;
  if (sinceSeconds) sinceMs = Date.now() - sinceSeconds * 1000;
  if (sinceTimeMs !== undefined) sinceMs = Math.max(sinceMs ?? -Infinity, Math.floor(sinceTimeMs / 1000) * 1000);
  const logOpts: LogOptions = {
    tail: opts.tail ?? -1,
    limitBytes: opts.limitBytes ? opts.limitBytes : -1,
    sinceMs,
    timestamps: !!opts.timestamps,
  };

  const containers = opts.allContainers
    ? // Spec order: init containers, then containers (kubectl 1.32's own order is not deterministic).
      [...(pod!.spec?.initContainers ?? []), ...(pod!.spec?.containers ?? [])].map((c) => c.name)
    : [chooseContainer(pod!, containerArg, io)];
  if (!opts.allContainers) {
    try {
      checkContainerStarted(pod!, containers[0], !!opts.previous);
    } catch (e) {
      // kjob on a terminal: -f waits for the container to start, saying what it waits for
      // (logs_wait.ts); elsewhere kubectl's error.
      if (!(e instanceof StatusError) || !opts.follow || opts.previous || progress.mode === 'off') throw e;
      const started = await waitForContainer(ctx, pod!, containers[0], progress);
      if (!started) throw e;
      pod = started;
    }
  }
  const follow = !!opts.follow && !opts.previous;
  const maxRequests = opts.maxLogRequests ?? 5;
  if (follow && containers.length > 1 && containers.length > maxRequests) {
    throw new UserError(
      `error: you are attempting to follow ${containers.length} log streams, but maximum allowed concurrency is ${maxRequests}, use --max-log-requests to increase the limit`,
    );
  }

  return runStreams(ctx, containers.map((container) => ({ pod: pod!, container })), opts, logOpts, follow, io);
}

/**
 * The logs of several pods (-l, --all-pods): each pod's containers as for one pod, the streams one
 * after the other, or all at once with -f (at most --max-log-requests of them); --tail defaults
 * to 10 with a selector.
 */
async function logsOfPods(ctx: Context, pods: PodObject[], containerArg: string | undefined, opts: LogsOptions, io: IO): Promise<number> {
  const sinceSeconds = opts.sinceNs ? roundToSeconds(opts.sinceNs) : undefined;
  if (opts.sinceTime && opts.sinceNs) throw new UserError('error: at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (opts.allContainers && containerArg) throw new UserError(`error: --all-containers=true should not be specified with container name ${containerArg}`);
  if ((opts.limitBytes ?? 0) < 0) throw new UserError('error: --limit-bytes must be greater than 0');
  if (sinceSeconds !== undefined && sinceSeconds < 0) throw new UserError('error: --since must be greater than 0');
  if (opts.tail !== undefined && opts.tail < -1) throw new UserError('error: --tail must be greater than or equal to -1');
  let sinceMs: number | undefined;
  if (sinceSeconds) sinceMs = Date.now() - sinceSeconds * 1000;
  if (opts.sinceTime) sinceMs = Math.floor(parseGoRFC3339(opts.sinceTime) / 1000) * 1000;
  const tail = opts.tail === undefined || (opts.tail === -1 && !opts.tailSpecified) ? (opts.selector ? 10 : -1) : opts.tail;
  const logOpts: LogOptions = { tail, limitBytes: opts.limitBytes ? opts.limitBytes : -1, sinceMs, timestamps: !!opts.timestamps };
  const follow = !!opts.follow && !opts.previous;
  const streams: { pod: PodObject; container: string }[] = [];
  for (const pod of pods) {
    const containers = opts.allContainers
      ? [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name)
      : [chooseContainer(pod, containerArg, io)];
    for (const c of containers) {
      if (!opts.allContainers) checkContainerStarted(pod, c, !!opts.previous);
      streams.push({ pod, container: c });
    }
  }
  return runStreams(ctx, streams, opts, logOpts, follow, io);
}

/**
 * The streams, as kubectl consumes them: one after the other (sequentialConsumeRequest), or, with
 * -f and several of them, all at once and whole lines (parallelConsumeRequest), at most
 * --max-log-requests. Locally the kubelet's files are read here; against a cluster, pods/log.
 */
async function runStreams(ctx: Context, wanted: { pod: PodObject; container: string }[], opts: LogsOptions, logOpts: LogOptions, follow: boolean, io: IO): Promise<number> {
  const streams: { pod: PodObject; container: string; logPath?: string }[] = [];
  for (const s of wanted) {
    if (ctx.cluster) {
      streams.push(s);
      continue;
    }
    let logPath: string | undefined;
    try {
      logPath = logPathFor(ctx.home, s.pod, s.container, { previous: opts.previous, follow });
    } catch (e) {
      if (opts.allContainers) continue; // a container without a previous instance has nothing to add
      throw e;
    }
    if (logPath) streams.push({ ...s, logPath });
  }
  const maxRequests = opts.maxLogRequests ?? 5;
  if (follow && streams.length > 1 && streams.length > maxRequests) {
    throw new UserError(
      `error: you are attempting to follow ${streams.length} log streams, but maximum allowed concurrency is ${maxRequests}, use --max-log-requests to increase the limit`,
    );
  }
  const drain = async () => io.drain?.();
  const prefixOf = (s: { pod: PodObject; container: string }) => (opts.prefix ? `[pod/${s.pod.metadata.name}/${s.container}] ` : '');
  const one = async (s: (typeof streams)[number], wholeLines: boolean) => {
    const sink = new LineWriter(io, prefixOf(s), wholeLines);
    const write = (b: Buffer) => sink.write(b);
    if (!s.logPath) {
      const sinceSeconds = logOpts.sinceMs !== undefined && !opts.sinceTime ? Math.round((Date.now() - logOpts.sinceMs) / 1000) : undefined;
      try {
        await ctx.client.podLogs(s.pod.metadata.namespace!, s.pod.metadata.name!, {
          container: s.container,
          follow,
          previous: opts.previous,
          sinceSeconds,
          sinceTime: opts.sinceTime,
          timestamps: logOpts.timestamps,
          tailLines: logOpts.tail >= 0 ? logOpts.tail : undefined,
          limitBytes: logOpts.limitBytes > 0 ? logOpts.limitBytes : undefined,
        }, write);
      } catch (e) {
        if (opts.allContainers && opts.previous && e instanceof StatusError) return;
        throw e;
      }
    } else if (!follow) await readLog(s.logPath, logOpts, write, drain);
    else {
      const restart = Number(/(\d+)\.log$/.exec(s.logPath)![1]);
      await followLog(s.logPath, logOpts, write, () => attemptEnded(ctx.store.get('Pod', s.pod.metadata.namespace, s.pod.metadata.name!), s.pod, s.container, restart), followWaitFor(ctx.requestTimeoutMs), drain);
    }
    sink.end();
  };
  if (!follow) {
    for (const s of streams) await one(s, false);
    return 0;
  }
  await Promise.all(streams.map((s) => one(s, streams.length > 1)));
  return 0;
}

/** time.Duration.Round(time.Second).Seconds(), as kubectl turns --since into sinceSeconds. */
function roundToSeconds(ns: bigint): number {
  const s = 1_000_000_000n;
  const abs = ns < 0n ? -ns : ns;
  const r = (abs / s + (abs % s >= s / 2n ? 1n : 0n)) * (ns < 0n ? -1n : 1n);
  return Number(r);
}

/**
 * kubectl's side of a log stream (DefaultConsumeRequest and the prefixing writer): the bytes go
 * out line by line, each line after the prefix. When several streams are followed at once a line
 * is written whole, so lines of different containers do not interleave.
 */
class LineWriter {
  private readonly decoder = new TextDecoder();
  private atLineStart = true;
  private held: Buffer[] = [];
  private heldLength = 0;

  constructor(private readonly io: IO, private readonly prefix: string, private readonly wholeLines: boolean) {}

  write(chunk: Buffer): void {
    if (this.wholeLines) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        this.held.push(chunk.subarray(start, nl + 1));
        start = nl + 1;
        this.out(Buffer.concat(this.held));
        this.held = [];
        this.heldLength = 0;
      }
      if (start < chunk.length) {
        this.held.push(Buffer.from(chunk.subarray(start)));
        this.heldLength += chunk.length - start;
        // A line without end is not held without bound.
        if (this.heldLength > 1024 * 1024) this.flushHeld();
      }
      return;
    }
    this.out(chunk);
  }

  end(): void {
    this.flushHeld();
    const rest = this.decoder.decode();
    if (rest) this.io.out(rest);
  }

  private flushHeld(): void {
    if (!this.heldLength) return;
    this.out(Buffer.concat(this.held));
    this.held = [];
    this.heldLength = 0;
  }

  private out(bytes: Buffer): void {
    let text = this.decoder.decode(bytes, { stream: true });
    if (this.prefix && text) {
      const starts = this.atLineStart;
      text = (starts ? this.prefix : '') + text.replace(/\n(?=[^])/g, '\n' + this.prefix);
      this.atLineStart = text.endsWith('\n');
    }
    if (text) this.io.out(text);
  }
}

/** podcmd.FindOrDefaultContainerByName with kubectl's "Defaulted container" notice. */
export function chooseContainer(pod: PodObject, requested: string | undefined, io: IO): string {
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const ephemeral = pod.spec?.ephemeralContainers ?? [];
  if (requested) {
    if (![...containers, ...inits, ...ephemeral].some((c) => c.name === requested)) {
      throw new UserError(`error: container ${requested} is not valid for pod ${pod.metadata.name}`);
    }
    return requested;
  }
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated) {
    if (containers.some((c) => c.name === annotated)) return annotated;
    io.err(`Default container name "${annotated}" not found in pod ${pod.metadata.name}\n`);
  }
  if (containers.length > 1 || inits.length > 0 || ephemeral.length > 0) {
    const names = [...containers.map((c) => c.name), ...ephemeral.map((c) => `${c.name} (ephem)`), ...inits.map((c) => `${c.name} (init)`)];
    io.err(`Defaulted container "${containers[0].name}" out of: ${names.join(', ')}\n`);
  }
  return containers[0].name;
}

/** podutils.ByLogging: the pod kubectl picks when a Job has several. */
function byLogging(a: PodObject, b: PodObject): number {
  const assigned = (p: PodObject) => (p.spec?.nodeName ? 0 : 1);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const rank: Record<string, number> = { Running: 0, Succeeded: 0, Failed: 0, Unknown: 1, Pending: 2 };
  const ra = rank[a.status?.phase ?? 'Pending'] ?? 2;
  const rb = rank[b.status?.phase ?? 'Pending'] ?? 2;
  if (ra !== rb) return ra - rb;
  const ready = (p: PodObject) => (isPodReady(p) ? 0 : 1);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: PodObject) => (p.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? '');
}
