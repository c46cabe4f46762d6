// The kubelet's GetContainerLogs (the apiserver's pods/log proxies to it): which container
// attempt's file, whether the container has started at all, and when a followed attempt has ended.
// `kjob logs` and `kjob serve`'s pods/log both read a log through here.
import { asKind, type ContainerStatus, type KObject, type PodObject } from '../api/types.js';
import { StatusError } from '../errors.js';
import { isPodTerminal } from '../api/pod_util.js';
import { containerLogPath, containerLogPathFor, followLog, readLog, type Drain, type LogOptions } from './logs.js';

/** The status of a container (init or not) of the pod. */
export function containerStatus(pod: PodObject, container: string): ContainerStatus | undefined {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s: { name: string }) => s.name === container);
}

/** The kubelet refuses the logs of a container that has not started, or a previous one that does not exist. */
export function checkContainerStarted(pod: PodObject, container: string, previous: boolean): void {
  const st = containerStatus(pod, container);
  const podName = pod.metadata.name!;
  if (previous) {
    if (!st?.lastState?.terminated) {
      throw new StatusError('BadRequest', `previous terminated container "${container}" in pod "${podName}" not found`);
    }
  } else if (!st || (st.state?.waiting && !st.lastState?.terminated && (st.restartCount ?? 0) === 0)) {
    const reason = st?.state?.waiting?.reason ?? 'ContainerCreating';
    throw new StatusError('BadRequest', `container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
}

/**
 * Whether the attempt whose log is followed has ended (the kubelet stops following when the
 * container is no longer running): it is not running (terminated, or waiting to restart), a later
 * attempt started, or the pod finished or is gone. current() reads the pod as stored now.
 */
export function attemptEnded(stored: KObject | undefined, pod: PodObject, container: string, restart: number): boolean {
  const current = stored && asKind('Pod', stored);
  if (!current || current.metadata.uid !== pod.metadata.uid || isPodTerminal(current)) return true;
  const s = containerStatus(current, container);
  return !s?.state?.running || (s.restartCount ?? 0) > restart;
}

/** The file to read for one container's stream: the latest (or previous) attempt, or, when following a container that has not written yet, the file it will write. */
export function logPathFor(home: string, pod: PodObject, container: string, opts: { previous?: boolean; follow?: boolean }): string | undefined {
  let logPath = containerLogPathFor(home, pod, container, { previous: opts.previous });
  if (!logPath && opts.follow) {
    const st = containerStatus(pod, container);
    if (st) logPath = containerLogPath(home, pod, container, st.restartCount ?? 0);
  }
  return logPath;
}

/**
 * One container's log, as the kubelet streams it for pods/log: checks, then a snapshot read or a
 * follow until the attempt ends.
 */
export async function streamContainerLog(
  home: string,
  pod: PodObject,
  container: string,
  opts: LogOptions & { follow?: boolean; previous?: boolean },
  write: (chunk: Buffer) => void,
  current: () => KObject | undefined,
  drain: Drain = async () => {},
  wait?: () => Promise<void>,
): Promise<void> {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c: { name: string }) => c.name);
  if (!all.includes(container)) throw new StatusError('BadRequest', `container ${container} is not valid for pod ${pod.metadata.name}`);
  checkContainerStarted(pod, container, !!opts.previous);
  const follow = !!opts.follow && !opts.previous;
  const logPath = logPathFor(home, pod, container, { previous: opts.previous, follow });
  if (!logPath) return;
  if (!follow) return readLog(logPath, opts, write, drain);
  const restart = Number(/(\d+)\.log$/.exec(logPath)![1]);
  await followLog(logPath, opts, write, () => attemptEnded(current(), pod, container, restart), wait, drain);
}
