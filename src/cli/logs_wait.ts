// `kjob logs -f` on a terminal, for a pod whose container has not started (or a Job with no pod
// yet): instead of kubectl's immediate "is waiting to start" error, kjob says on stderr what it is
// waiting for (a spinner, or plain lines with NO_COLOR) and follows the log once the container
// runs. Not on a terminal, logs keeps kubectl's behaviour (progressMode 'off').
import { asKind, type JobObject, type ObjectOf, type PodObject } from '../api/types.js';
import { resourceForKind } from '../api/resources.js';
import { StatusError } from '../errors.js';
import { isPodTerminal } from '../controllers/job/utils.js';
import type { Context } from './context.js';
import type { Progress } from './progress.js';

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a pod's container waits for, in words ("ContainerCreating", "Unschedulable: 0/1 nodes..."), or undefined once it started. */
export function waitingFor(pod: PodObject, container: string): string | undefined {
  const st = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === container);
  if (st && (st.state?.running || st.state?.terminated || st.lastState?.terminated || (st.restartCount ?? 0) > 0)) return undefined;
  const sched = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  if (sched?.status === 'False') return [sched.reason, sched.message].filter(Boolean).join(': ') || 'Unschedulable';
  const w = st?.state?.waiting;
  if (w?.reason) return w.message ? `${w.reason}: ${w.message}` : w.reason;
  const init = (pod.status?.initContainerStatuses ?? []).find((s) => !s.state?.terminated);
  if (init && init.name !== container) return `init container "${init.name}"`;
  return 'ContainerCreating';
}

/** Waits until the container started; the pod as it is then, or undefined when it is gone or ended without starting it. */
export async function waitForContainer(ctx: Context, pod: PodObject, container: string, progress: Progress): Promise<PodObject | undefined> {
  let last = '';
  let lastEngine = Date.now();
  const started = Date.now();
  for (;;) {
    const cur = await current(ctx, 'Pod', pod.metadata.namespace, pod.metadata.name!);
    if (!cur || cur.metadata.uid !== pod.metadata.uid) return progress.stop(), undefined;
    const why = waitingFor(cur, container);
    if (why === undefined) return progress.stop(), cur;
    if (isPodTerminal(cur)) return progress.stop(), undefined;
    const text = `pod/${cur.metadata.name}: waiting for container "${container}" to start: ${why}`;
    if (progress.mode === 'spinner') progress.update(`${text}  ${progress.chalk.gray(`${Math.round((Date.now() - started) / 1000)}s`)}`);
    else if (text !== last) progress.done('info', text);
    last = text;
    await sleep(POLL_MS);
    if (Date.now() - lastEngine > 2000) {
      lastEngine = Date.now();
      await ctx.engine();
    }
  }
}

/** Waits until a pod of the Job exists (a Job whose pods are not created yet); the pods then. */
export async function waitForJobPods(ctx: Context, job: JobObject, list: () => Promise<PodObject[]>, progress: Progress): Promise<PodObject[]> {
  const started = Date.now();
  let said = false;
  for (;;) {
    const pods = await list();
    if (pods.length > 0) return progress.stop(), pods;
    const cur = await current(ctx, 'Job', job.metadata.namespace, job.metadata.name!);
    if (!cur) return progress.stop(), [];
    const text = `job/${job.metadata.name}: waiting for a pod${cur.spec?.suspend ? ' (the Job is suspended)' : ''}`;
    if (progress.mode === 'spinner') progress.update(`${text}  ${progress.chalk.gray(`${Math.round((Date.now() - started) / 1000)}s`)}`);
    else if (!said) progress.done('info', text);
    said = true;
    await sleep(POLL_MS);
    await ctx.engine();
  }
}

/** The object as the cluster has it now, or undefined when it is gone. */
async function current<K extends 'Pod' | 'Job'>(ctx: Context, kind: K, namespace: string | undefined, name: string): Promise<ObjectOf<K> | undefined> {
  try {
    return asKind(kind, await ctx.client.get(resourceForKind(kind)!, namespace, name));
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'NotFound') return undefined;
    throw e;
  }
}
