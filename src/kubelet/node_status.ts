// What this machine can do for pods, as `kjob controller status` tells it: the sandbox
// (bubblewrap, or plain processes and why) and resource limits (cgroups, or why not). The engine
// answers with what it probed; without an engine the CLI probes the same way.
import type { Cgroups } from './cgroups.js';
import type { SandboxStatus } from './sandbox.js';
import { networkStatusLine, type NetworkStatus } from './network.js';

export interface NodeStatus {
  sandbox: SandboxStatus;
  cgroups: { enforced: boolean; version?: string; reason?: string; controllers: string[]; podPidsLimit: number };
  network?: NetworkStatus;
}

export function nodeStatus(sandbox: SandboxStatus, cgroups: Cgroups, network?: NetworkStatus): NodeStatus {
  return { sandbox, cgroups: { ...cgroups.status, controllers: cgroups.controllers(), podPidsLimit: cgroups.podPidsLimit }, network };
}

/** The status lines, e.g. "sandbox: bubblewrap 0.8.0: ..." and "cgroups: v1 (memory, pids): ...". */
export function nodeStatusLines(s: NodeStatus): string[] {
  const sb = s.sandbox;
  let sandbox: string;
  if (sb.sandboxed) {
    sandbox = `sandbox: ${sb.version ?? 'bubblewrap'}: each pod has its own PID namespace (the container's command is PID 1), IPC and UTS namespaces, the default container capabilities only, the host read-only, a private /tmp, and no view of kjob's state directory`;
  } else {
    const what = sb.chosen ? 'none (KJOB_SANDBOX=none)' : `none: ${sb.reason}`;
    sandbox = `sandbox: ${what}: containers run as plain processes, with this user's privileges, the host's processes, hostname and /tmp, and kjob's state directory in view; volume mounts are refused${sb.fix ? `; fix: ${sb.fix}` : ''}`;
  }
  const cg = s.cgroups;
  const pids = cg.podPidsLimit > 0 ? `at most ${cg.podPidsLimit} processes per pod (KJOB_POD_PIDS_LIMIT)` : 'no process limit per pod (KJOB_POD_PIDS_LIMIT=-1)';
  const cgroups = cg.enforced
    ? `cgroups: ${cg.version} (${cg.controllers.join(', ')}): resources.limits.memory is enforced (a container over it ends OOMKilled, exit code 137), and ${pids}`
    : `cgroups: not used: ${cg.reason}; resources.limits.memory and the per-pod process limit are not enforced`;
  return s.network ? [sandbox, cgroups, networkStatusLine(s.network)] : [sandbox, cgroups];
}
