// `kjob logs`: the container's log file, chosen as kubectl chooses (logs.go, polymorphichelpers).
import { isPodReady, isPodTerminal } from '../controllers/job/utils.js';
import type { KObject } from '../api/types.js';
import { selectorFromLabelSelector } from '../api/labels.js';
import { UserError, StatusError } from '../errors.js';
import { readContainerLog, followContainerLog } from '../kubelet/logs.js';
import { resolveType } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface LogsOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  /** lines from the end; -1 (default) all */
  tail?: number;
  allContainers?: boolean;
  prefix?: boolean;
}

const USAGE =
  "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kjob logs -h' for help and examples";

export async function logs(ctx: Context, args: string[], opts: LogsOptions, io: IO): Promise<number> {
  if (args.length === 0 || args.length > 2) throw new UserError(USAGE);
  if (args.length === 2 && opts.container) throw new UserError('error: only one of -c or an inline [CONTAINER] arg is allowed');
  const store = ctx.store;
  const ns = ctx.namespace;
  let pod: KObject | undefined;
  const target = args[0];
  const slash = target.indexOf('/');
  if (slash >= 0 && resolveType(target.slice(0, slash)).kind !== 'Pod') {
    const info = resolveType(target.slice(0, slash));
    const name = target.slice(slash + 1);
    if (info.kind !== 'Job') throw new UserError(`error: cannot get the logs from ${info.resource}: kjob reads logs of pods and jobs`);
    const job = store.get('Job', ns, name);
    if (!job) throw new StatusError('NotFound', `jobs.batch "${name}" not found`);
    const sel = selectorFromLabelSelector(job.spec?.selector);
    const pods = store.list('Pod', { namespace: ns, labelSelector: (l) => sel.matches(l) }).sort(byLogging);
    if (pods.length === 0) throw new UserError('error: timed out waiting for the condition');
    if (pods.length > 1) io.err(`Found ${pods.length} pods, using pod/${pods[0].metadata.name}\n`);
    pod = pods[0];
  } else {
    const name = slash >= 0 ? target.slice(slash + 1) : target;
    pod = store.get('Pod', ns, name);
    if (!pod) throw new UserError(`error: error from server (NotFound): pods "${name}" not found in namespace "${ns}"`);
  }
  if (opts.allContainers && (opts.container ?? args[1])) {
    throw new UserError(`error: --all-containers=true should not be specified with container name ${opts.container ?? args[1]}`);
  }
  if (opts.follow && opts.tail !== undefined && opts.tail >= 0) throw new UserError('error: kjob does not support --tail with -f yet');
  if (opts.allContainers) {
    if (opts.follow) throw new UserError('error: kjob does not support --all-containers with -f yet');
    // Spec order: init containers, then containers (kubectl 1.32's own order is not deterministic).
    const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c: { name: string }) => c.name);
    for (const c of names) printLog(ctx, pod, c, opts, io, true);
    return 0;
  }
  const container = chooseContainer(pod, opts.container ?? args[1], io);
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const st = statuses.find((s: { name: string }) => s.name === container);
  const podName = pod.metadata.name!;
  if (opts.previous) {
    if (!st?.lastState?.terminated) {
      throw new StatusError('BadRequest', `previous terminated container "${container}" in pod "${podName}" not found`);
    }
  } else if (!st || (st.state?.waiting && !st.lastState?.terminated && (st.restartCount ?? 0) === 0)) {
    const reason = st?.state?.waiting?.reason ?? 'ContainerCreating';
    throw new StatusError('BadRequest', `container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  if (opts.follow && !opts.previous) {
    await followContainerLog(ctx.home, pod, container, io.out, () => {
      const cur = store.get('Pod', pod!.metadata.namespace, podName);
      if (!cur || cur.metadata.uid !== pod!.metadata.uid) return true;
      const s = [...(cur.status?.initContainerStatuses ?? []), ...(cur.status?.containerStatuses ?? [])].find(
        (x: { name: string }) => x.name === container,
      );
      return !!s?.state?.terminated || isPodTerminal(cur);
    });
    return 0;
  }
  printLog(ctx, pod, container, opts, io, false);
  return 0;
}

/** One container's log with --tail and --prefix applied. */
function printLog(ctx: Context, pod: KObject, container: string, opts: LogsOptions, io: IO, all: boolean): void {
  let text: string;
  try {
    text = readContainerLog(ctx.home, pod, container, { previous: opts.previous });
  } catch (e) {
    if (all) return; // a container that never ran has nothing to add
    throw e;
  }
  let lines = text.split('\n');
  const trailingNewline = lines.at(-1) === '';
  if (trailingNewline) lines.pop();
  if (opts.tail !== undefined && opts.tail >= 0) lines = lines.slice(Math.max(0, lines.length - opts.tail));
  if (opts.prefix) lines = lines.map((l) => `[pod/${pod.metadata.name}/${container}] ${l}`);
  if (lines.length) io.out(lines.join('\n') + (trailingNewline ? '\n' : ''));
}

/** podcmd.FindOrDefaultContainerByName with kubectl's "Defaulted container" notice. */
function chooseContainer(pod: KObject, requested: string | undefined, io: IO): string {
  const containers: { name: string }[] = pod.spec?.containers ?? [];
  const inits: { name: string }[] = pod.spec?.initContainers ?? [];
  const ephemeral: { name: string }[] = pod.spec?.ephemeralContainers ?? [];
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
function byLogging(a: KObject, b: KObject): number {
  const assigned = (p: KObject) => (p.spec?.nodeName ? 0 : 1);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const rank: Record<string, number> = { Running: 0, Succeeded: 0, Failed: 0, Unknown: 1, Pending: 2 };
  const ra = rank[a.status?.phase ?? 'Pending'] ?? 2;
  const rb = rank[b.status?.phase ?? 'Pending'] ?? 2;
  if (ra !== rb) return ra - rb;
  const ready = (p: KObject) => (isPodReady(p) ? 0 : 1);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: KObject) => (p.status?.containerStatuses ?? []).reduce((n: number, s: { restartCount?: number }) => n + (s.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? '');
}
