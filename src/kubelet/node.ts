// The kubelet's Node: kjob's one node, registered as a kubelet registers itself
// (kubelet_node_status.go initialNode + the nodestatus setters), from this machine's CPUs, memory
// and the file system of the state directory. Capacity is the machine's; allocatable is capacity
// minus the kubelet's default hard eviction thresholds (memory.available<100Mi,
// nodefs.available<10%), as on a node with no kube-reserved or system-reserved.
import fs from 'node:fs';
import * as os from 'node:os';
import { asKind, type NodeObject } from '../api/types.js';
import { rfc3339 } from '../api/types.js';
import type { APIServer } from '../apiserver/interface.js';
import { NODES, tryGet } from '../client/client.js';

export const NODE_NAME = 'kjob-node';
export const HOST_IP = '127.0.0.1';
export const KUBELET_VERSION = 'v1.32.0';
export const MAX_PODS = 110;

/** GOARCH for this machine. */
export function goArch(arch: string = process.arch): string {
  const m: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return m[arch] ?? arch;
}

/** resource.Quantity's canonical BinarySI form of a byte count: "8145428Ki", "0", "95491281146". */
export function binarySI(bytes: bigint): string {
  if (bytes > -1024n && bytes < 1024n) return String(bytes);
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let n = bytes;
  let i = 0;
  while (i < suffixes.length - 1 && n % 1024n === 0n && n !== 0n) {
    n /= 1024n;
    i++;
  }
  return `${n}${suffixes[i]}`;
}

function readText(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(readText('/etc/os-release'));
  if (!m) return 'Unknown';
  return m[1].replace(/^"(.*)"$/, '$1');
}

/** Huge pages per size (bytes reserved), as cadvisor reports them: hugepages-2Mi, hugepages-1Gi. */
function hugePages(): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync('/sys/kernel/mm/hugepages');
  } catch {
    return out;
  }
  for (const d of dirs) {
    const m = /^hugepages-(\d+)kB$/.exec(d);
    if (!m) continue;
    const size = BigInt(m[1]) * 1024n;
    const nr = BigInt(readText(`/sys/kernel/mm/hugepages/${d}/nr_hugepages`) || '0');
    out.set(`hugepages-${binarySI(size)}`, nr * size);
  }
  return out;
}

export interface NodeResources {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
}

/** Capacity and allocatable of this machine; `home` is the state directory (its file system is the nodefs). */
export function machineResources(home: string): NodeResources {
  const cpu = String(os.cpus().length || 1);
  const memory = BigInt(os.totalmem());
  let storage = 0n;
  try {
    const st = fs.statfsSync(home);
    storage = BigInt(st.blocks) * BigInt(st.bsize);
  } catch {
    /* unknown: 0 */
  }
  const huge = hugePages();
  let hugeTotal = 0n;
  for (const v of huge.values()) hugeTotal += v;
  const capacity: Record<string, string> = { cpu, 'ephemeral-storage': binarySI(storage) };
  const allocatable: Record<string, string> = { cpu };
  // nodefs.available<10%: the threshold is int64(float64(capacity) * float64(float32(0.1))).
  const storageThreshold = BigInt(Math.trunc(Number(storage) * Math.fround(0.1)));
  allocatable['ephemeral-storage'] = binarySI(storage - storageThreshold);
  for (const [k, v] of [...huge.entries()].sort()) {
    capacity[k] = binarySI(v);
    allocatable[k] = binarySI(v);
  }
  capacity.memory = binarySI(memory);
  const allocMem = memory - 100n * 1024n * 1024n - hugeTotal;
  allocatable.memory = binarySI(allocMem > 0n ? allocMem : 0n);
  capacity.pods = String(MAX_PODS);
  allocatable.pods = String(MAX_PODS);
  return { capacity, allocatable };
}

export interface NodeOptions {
  name?: string;
  hostIP?: string;
  home: string;
  now: Date;
}

/** The Node this kubelet registers (its status as the nodestatus setters write it). */
export function machineNode(opts: NodeOptions): NodeObject {
  const name = opts.name ?? NODE_NAME;
  const arch = goArch();
  const t = rfc3339(opts.now);
  const { capacity, allocatable } = machineResources(opts.home);
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type, status, lastHeartbeatTime: t, lastTransitionTime: t, reason, message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: opts.hostIP ?? HOST_IP },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: readText('/etc/machine-id'),
        systemUUID: readText('/sys/class/dmi/id/product_uuid'),
        bootID: readText('/proc/sys/kernel/random/boot_id'),
        kernelVersion: os.release(),
        osImage: osImage(),
        containerRuntimeVersion: 'kjob://0.1.0',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: arch,
      },
    },
  };
}

/**
 * Registers the node (tryRegisterWithAPIServer): creates it, or brings an existing one's default
 * labels and status up to date (user labels, taints and spec are kept). Returns the stored Node.
 * Heartbeat times move only when something else in the status changed, so an engine start does
 * not rewrite an unchanged node.
 */
export function registerNode(api: APIServer, opts: NodeOptions): NodeObject {
  const fresh = machineNode(opts);
  const name = fresh.metadata.name!;
  const existing = tryGet(api, 'Node', undefined, name);
  if (!existing) {
    try {
      return asKind('Node', api.create(NODES, undefined, fresh).object);
    } catch {
      // registered concurrently by another kjob process
      return tryGet(api, 'Node', undefined, name) ?? fresh;
    }
  }
  let out = existing;
  const labels = { ...(existing.metadata.labels ?? {}), ...fresh.metadata.labels };
  const annotations = { ...(existing.metadata.annotations ?? {}), ...fresh.metadata.annotations };
  if (JSON.stringify(labels) !== JSON.stringify(existing.metadata.labels ?? {}) || JSON.stringify(annotations) !== JSON.stringify(existing.metadata.annotations ?? {})) {
    out = asKind('Node', api.update(NODES, undefined, name, { ...structuredClone(existing), metadata: { ...existing.metadata, labels, annotations } }).object);
  }
  const oldStatus = existing.status ?? {};
  const status = { ...oldStatus, ...fresh.status };
  // Conditions keep their transition (and heartbeat) times while they hold.
  status.conditions = (fresh.status?.conditions ?? []).map((c) => {
    const prev = (oldStatus.conditions ?? []).find((p) => p.type === c.type);
    return prev && prev.status === c.status && prev.reason === c.reason ? prev : c;
  });
  if (JSON.stringify(status) !== JSON.stringify(oldStatus)) out = asKind('Node', api.updateStatus(NODES, undefined, name, { ...out, status }).object);
  return out;
}
