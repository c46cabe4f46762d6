// Pure pieces of the kubelet's status computation: back-off, durations, QoS, conditions.
import type { AttemptState } from './runtime.js';
import type { ContainerStatus, PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';
import { isRestartableInitContainer } from '../api/pod_util.js';
import { ZERO_TIME } from '../api/types.js';
import { goDuration as goDurationOfNs } from '../util/go.js';

/** Go time.Duration.String() for whole milliseconds (10s, 1m20s, 5m0s, 500ms): util/go.ts's, in ms. */
export function goDuration(ms: number): string {
  return goDurationOfNs(BigInt(Math.round(ms)) * 1_000_000n);
}

/** kuberuntime's minimumGracePeriodInSeconds: the least time between a container's SIGTERM and its SIGKILL (every kill: a stop, a probe's). */
export const MIN_GRACE_MS = 2000;

/** Delay before restarting after the last attempt exited (kubelet §13): the first exit restarts
 * at once; later ones wait base, 2×base … capped; an attempt that ran longer than 2×cap resets. */
export function restartDelayMs(attempts: AttemptState[], baseMs: number, maxMs: number, failedTriesAfter: (n: number) => number = () => 0): number {
  let entry = 0; // 0: no back-off entry
  let delay = 0;
  for (const a of attempts) {
    const began = a.startError ? Date.parse(a.finishedAt ?? '') : Date.parse(a.startedAt);
    const ran = Date.parse(a.finishedAt ?? '') - began;
    if (entry === 0 || ran > 2 * maxMs) {
      delay = 0;
      entry = baseMs;
    } else {
      delay = entry;
      entry = Math.min(entry * 2, maxMs);
    }
    // The tries after this attempt that failed before a start (CreateContainerConfigError): each
    // took a step of the same back-off (doBackOff's backOff.Next), which the entry keeps.
    for (let i = failedTriesAfter(a.n); i > 0; i--) {
      delay = entry;
      entry = Math.min(entry * 2, maxMs);
    }
  }
  return Math.min(delay, maxMs);
}

export function qosClass(spec: PodSpec): string {
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined) guaranteed = false;
      else if (req[r] !== undefined && String(req[r]) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What status_manager's TerminatePod writes for a container whose end the kubelet never saw. */
const CONTAINER_STATUS_UNKNOWN = 'The container could not be located when the pod was terminated';

/** The container statuses as stored: what upstream's hasPodInitialized reads (pod.Status). */
type StoredStatuses = Pick<PodStatus, 'initContainerStatuses' | 'containerStatuses'>;

/**
 * status_manager.go's TerminatePod, on the final statuses of a pod nothing of which runs any more
 * (deleted, past its deadline, ended): a container with no end recorded (it never started) is
 * reported terminated with ContainerStatusUnknown and exit code 137, so that the pod never reads as
 * a success it was not. Regular containers only once the pod has initialized (hasPodInitialized,
 * read from the stored status as upstream reads pod.Status); init containers up to the last one
 * that tried to start (initializedContainers: at least the first).
 */
export function terminatePod(spec: PodSpec, stored: StoredStatuses, initStatuses: ContainerStatus[], mainStatuses: ContainerStatus[]): void {
  const unknown = (s: ContainerStatus) => {
    if (s.state?.terminated) return;
    s.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: CONTAINER_STATUS_UNKNOWN, startedAt: ZERO_TIME, finishedAt: ZERO_TIME } };
  };
  if (hasPodInitialized(spec, stored)) for (const s of mainStatuses) unknown(s);
  for (const s of initializedContainers(initStatuses)) unknown(s);
}

function hasPodInitialized(spec: PodSpec, stored: StoredStatuses): boolean {
  if (!spec.initContainers?.length) return true;
  // Any container that has ever left waiting.
  if ((stored.containerStatuses ?? []).some((s) => s.lastState?.terminated || !s.state?.waiting)) return true;
  const inits = stored.initContainerStatuses ?? [];
  const last = inits.at(-1);
  if (!last) return false;
  const c = spec.initContainers[inits.length - 1];
  if (!c || c.name !== last.name) return false; // GetContainerByIndex: spec and status disagree
  if (isRestartableInitContainer(c)) return !!(last.state?.running && last.started);
  return last.lastState?.terminated?.exitCode === 0 || last.state?.terminated?.exitCode === 0;
}

/** The statuses but the last run of those still waiting for a first start; at least the first. */
function initializedContainers(statuses: ContainerStatus[]): ContainerStatus[] {
  for (let i = statuses.length - 1; i >= 0; i--) {
    if (!statuses[i].state?.waiting || statuses[i].lastState?.terminated) return statuses.slice(0, i + 1);
  }
  return statuses.slice(0, 1);
}
