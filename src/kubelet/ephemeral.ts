// Ephemeral containers (`kubectl debug`): the kubelet starts each one once, never restarts it, in
// the pod's namespaces. kjob gives each container its own namespaces (bwrap), so an ephemeral
// container enters those of its targetContainerName, or of the pod's first container when it has
// none: mount (it sees that container's filesystem: kjob's images are this machine's tools, so
// the debug image's tools are the host's), UTS (the pod's hostname), IPC, PID (it sees the
// target's processes) and network (the pod's), by the target's init pid, as exec does
// (src/kubelet/exec.ts), with its own environment and working directory.
import type { EphemeralContainer } from 'kubernetes-types/core/v1.js';
import type { PodObject } from '../api/types.js';
import { execArgv, findExecTarget } from './exec.js';

/** The container whose namespaces an ephemeral container enters. */
export function ephemeralTarget(pod: PodObject, c: EphemeralContainer): string | undefined {
  return c.targetContainerName || pod.spec?.containers?.[0]?.name;
}

/**
 * The argv that runs the ephemeral container's command in the target's namespaces, or the start
 * error the runtime reports when it cannot.
 */
export function ephemeralArgv(home: string, pod: PodObject, c: EphemeralContainer, argv: string[], env: Map<string, string>, sandboxed: boolean): { argv: string[] } | { error: string } {
  if (!argv.length) {
    return { error: 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: no command specified: unknown' };
  }
  const name = ephemeralTarget(pod, c);
  const target = name ? findExecTarget(home, pod.metadata.uid!, name, sandboxed) : undefined;
  if (!target) {
    return { error: `failed to create containerd task: failed to create shim task: OCI runtime create failed: the target container ${JSON.stringify(name ?? '')} is not running: unknown` };
  }
  const vars = [...env].map(([k, v]) => `${k}=${v}`);
  return { argv: execArgv(target, { command: argv, workingDir: c.workingDir, env: vars, tty: !!c.tty }) };
}
