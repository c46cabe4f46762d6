// The pod network: what a CNI bridge plugin and host-local IPAM give a cluster's pods, on one
// machine, without touching the host's own network.
//
// Each state directory owns one "node" network namespace, /run/netns/kjob-<hash>, holding the
// bridge kjob0 (10.244.0.1/24, the node's pod CIDR) and a local route for the service range
// (10.96.0.0/12): the cluster DNS address 10.96.0.10 and every ClusterIP are local there, where
// the service proxy and the DNS responder (netd.ts) listen. Each pod gets its own network
// namespace, /run/netns/kjob-<hash>-<uid>, with a loopback, an eth0 (a veth whose peer is on the
// bridge), an address from the pod CIDR and one route, to the service range through the bridge.
// There is no default route and no interface in the host's namespace: nothing a pod sends can
// leave the node namespace, and the host's own services are out of reach. Containers join their
// pod's namespace through nsenter(1) in front of bubblewrap.
//
// Leases (run/net/pods/<uid> = ip) are files in the state directory, so an engine that is
// restarted finds every pod's address and removes those of pods that are gone. Needs root and
// iproute2; without them kjob keeps the shared host network (every pod has 127.0.0.1).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';

export const IP = '/usr/sbin/ip';
export const NSENTER = '/usr/bin/nsenter';
export const NETNS_DIR = '/run/netns';
export const BRIDGE = 'kjob0';
export const POD_CIDR = '10.244.0.0/24';
export const GATEWAY = '10.244.0.1';
export const SERVICE_CIDR = '10.96.0.0/12';
/** kube-dns' ClusterIP in a kubeadm cluster. */
export const DNS_IP = '10.96.0.10';
export const CLUSTER_DOMAIN = 'cluster.local';
/** Where kjob notes which state directory a node namespace belongs to (tmpfs, like /run/netns). */
const OWNERS_DIR = '/run/kjob-net';

export interface NetworkStatus {
  /** each pod has its own network namespace and address */
  enabled: boolean;
  /** why not */
  reason?: string;
  /** KJOB_NETWORK=host: the user chose the shared network */
  chosen?: boolean;
}

export function networkStatusLine(s: NetworkStatus | undefined): string {
  if (!s) return 'network: unknown';
  if (s.enabled) {
    return `network: each pod has its own network namespace and an address in ${POD_CIDR} on the bridge ${BRIDGE}, in a network namespace of this state directory; pods reach each other, Services (${SERVICE_CIDR}) and the cluster DNS (${DNS_IP}), nothing else: no route to the host or off the machine`;
  }
  const why = s.chosen ? 'KJOB_NETWORK=host' : s.reason;
  return `network: the host's (${why}): every pod has the address 127.0.0.1, two pods cannot listen on the same port, and pods reach what the host reaches; Service names resolve only through /etc/hosts entries of Indexed Job peers`;
}

function run(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(IP, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
  return { ok: r.status === 0, err: (r.stderr ?? '').trim() || (r.error?.message ?? `exit status ${r.status}`) };
}

/** Several commands in one run of ip, inside namespace ns. */
function batch(ns: string, lines: string[]): void {
  const r = spawnSync(IP, ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8', timeout: 10_000, stdio: ['pipe', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`ip -n ${ns}: ${(r.stderr ?? '').trim() || r.error?.message}`);
}

function must(args: string[]): void {
  const r = run(args);
  if (!r.ok) throw new Error(`ip ${args.join(' ')}: ${r.err}`);
}

export function homeHash(home: string): string {
  return createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 8);
}

/** 10.244.0.<n> from a lease number (2..254). */
function addr(n: number): string {
  return `10.244.0.${n}`;
}

export class PodNetwork {
  readonly home: string;
  readonly nodeNs: string;
  private status?: NetworkStatus;
  private readonly env: NodeJS.ProcessEnv;
  /** Set up by this process (every pod is synced often: each `ip` run costs ~50 ms). */
  private nodeReady = false;
  private readonly ready = new Set<string>();

  constructor(home: string, env: NodeJS.ProcessEnv = process.env) {
    this.home = path.resolve(home);
    this.nodeNs = `kjob-${homeHash(home)}`;
    this.env = env;
  }

  private get leaseDir(): string {
    return path.join(this.home, 'run', 'net', 'pods');
  }

  nodeNsPath(): string {
    return path.join(NETNS_DIR, this.nodeNs);
  }

  podNsName(uid: string): string {
    return `${this.nodeNs}-${uid.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
  }

  podNsPath(uid: string): string {
    return path.join(NETNS_DIR, this.podNsName(uid));
  }

  /** What probe() would find, without creating anything (for `controller status` with no engine). */
  expected(): NetworkStatus {
    if (this.env.KJOB_NETWORK === 'host') return { enabled: false, chosen: true, reason: 'KJOB_NETWORK=host' };
    if (process.getuid?.() !== 0) return { enabled: false, reason: 'a network namespace per pod needs root' };
    for (const exe of [IP, NSENTER]) if (!fs.existsSync(exe)) return { enabled: false, reason: `${exe} not found (apt-get install ${exe === IP ? 'iproute2' : 'util-linux'})` };
    return { enabled: true };
  }

  /** Whether pods get their own network here; the first call sets the node namespace up. */
  probe(): NetworkStatus {
    if (this.status) return this.status;
    const expected = this.expected();
    if (!expected.enabled) return (this.status = expected);
    try {
      this.ensureNode();
    } catch (e) {
      return (this.status = { enabled: false, reason: `cannot create network namespaces here: ${(e as Error).message}` });
    }
    return (this.status = { enabled: true });
  }

  /** The node namespace with its bridge; idempotent. Namespaces of state directories that no
   * longer exist (a removed temporary KJOB_HOME) are removed first. */
  ensureNode(): void {
    if (this.nodeReady && fs.existsSync(this.nodeNsPath())) return;
    this.collectAbandoned();
    const ns = this.nodeNs;
    if (!fs.existsSync(this.nodeNsPath())) {
      must(['netns', 'add', ns]);
      fs.mkdirSync(OWNERS_DIR, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(OWNERS_DIR, ns), this.home + '\n', { mode: 0o600 });
    }
    const links = spawnSync(IP, ['-n', ns, '-o', 'link', 'show', BRIDGE], { encoding: 'utf8' });
    if (links.status !== 0) {
      // Every address of the service range is this namespace's own: ClusterIPs and the DNS
      // address need no per-Service setup, the proxy binds them directly.
      batch(ns, ['link set lo up', `link add ${BRIDGE} type bridge`, `addr add ${GATEWAY}/24 dev ${BRIDGE}`, `link set ${BRIDGE} up`, `route add local ${SERVICE_CIDR} dev lo`]);
    }
    this.nodeReady = true;
  }

  /** Node namespaces whose state directory is gone, with their pods' namespaces. */
  private collectAbandoned(): void {
    let owners: string[] = [];
    try { owners = fs.readdirSync(OWNERS_DIR); } catch { return; }
    for (const ns of owners) {
      if (ns === this.nodeNs) continue;
      let home = '';
      try { home = fs.readFileSync(path.join(OWNERS_DIR, ns), 'utf8').trim(); } catch { continue; }
      if (home && fs.existsSync(home)) continue;
      removeNamespaces(ns);
      fs.rmSync(path.join(OWNERS_DIR, ns), { force: true });
    }
  }

  /** The pod's address, if it has one. */
  podIP(uid: string): string | undefined {
    try {
      return fs.readFileSync(path.join(this.leaseDir, uid), 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The pod's namespace, veth and address (CNI ADD); idempotent, and the address stays the pod's
   * for its life. Throws when the pod CIDR is full or a command fails.
   */
  setUp(uid: string): string {
    this.ensureNode();
    const known = this.podIP(uid);
    if (known && this.ready.has(uid)) return known;
    const ip = known ?? this.lease(uid);
    const pns = this.podNsName(uid);
    if (fs.existsSync(this.podNsPath(uid)) && run(['-n', pns, 'addr', 'show', 'dev', 'eth0']).ok) {
      this.ready.add(uid);
      return ip;
    }
    if (!fs.existsSync(this.podNsPath(uid))) must(['netns', 'add', pns]);
    const host = `kv${createHash('sha256').update(uid).digest('hex').slice(0, 10)}`;
    run(['-n', this.nodeNs, 'link', 'del', host]); // a half-done earlier attempt
    // Two ip runs (each costs ~50 ms): the node's side, then the pod's.
    batch(this.nodeNs, [`link add ${host} type veth peer name eth0 netns ${pns}`, `link set ${host} master ${BRIDGE} up`]);
    batch(pns, ['link set lo up', `addr add ${ip}/24 dev eth0`, 'link set eth0 up', `route add ${SERVICE_CIDR} via ${GATEWAY}`]);
    this.ready.add(uid);
    return ip;
  }

  private lease(uid: string): string {
    fs.mkdirSync(this.leaseDir, { recursive: true, mode: 0o700 });
    const used = new Set(this.uids().map((u) => this.podIP(u)));
    for (let n = 2; n < 255; n++) {
      const ip = addr(n);
      if (used.has(ip)) continue;
      fs.writeFileSync(path.join(this.leaseDir, uid), ip + '\n', { mode: 0o600 });
      return ip;
    }
    throw new Error(`no address left in ${POD_CIDR}`);
  }

  /** The uids with a lease. */
  uids(): string[] {
    try {
      return fs.readdirSync(this.leaseDir).filter((f) => !f.includes('.'));
    } catch {
      return [];
    }
  }

  /** CNI DEL: the pod's namespace (its eth0 and the veth's peer go with it) and its lease. */
  tearDown(uid: string): void {
    this.ready.delete(uid);
    if (fs.existsSync(this.podNsPath(uid))) run(['netns', 'del', this.podNsName(uid)]);
    fs.rmSync(path.join(this.leaseDir, uid), { force: true });
  }

  /** Everything of this state directory: every pod's namespace and the node's. */
  tearDownAll(): void {
    for (const uid of this.uids()) this.tearDown(uid);
    removeNamespaces(this.nodeNs);
    fs.rmSync(path.join(OWNERS_DIR, this.nodeNs), { force: true });
    this.nodeReady = false;
  }

  /** argv that runs argv inside the pod's network namespace. */
  wrap(uid: string, argv: string[]): string[] {
    return [NSENTER, `--net=${this.podNsPath(uid)}`, '--', ...argv];
  }
}

/** Removes the namespace ns and the pods' namespaces named after it. */
function removeNamespaces(ns: string): void {
  let names: string[] = [];
  try { names = fs.readdirSync(NETNS_DIR); } catch { return; }
  for (const n of names) if (n === ns || n.startsWith(`${ns}-`)) run(['netns', 'del', n]);
}

/** The pod's /etc/resolv.conf, as the kubelet writes it for dnsPolicy ClusterFirst. */
export function resolvConf(namespace: string): string {
  return `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver ${DNS_IP}\noptions ndots:5\n`;
}
