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
// leave the node namespace, and the host's own services are out of reach. A container's process
// enters its pod's namespace before it execs bubblewrap: the shim does setns(2) (shim.ts), or,
// without perl, nsenter(1) runs in front of bubblewrap (runtime.ts).
//
// Leases (run/net/pods/<uid> = ip) are files in the state directory, so an engine that is
// restarted finds every pod's address and removes those of pods that are gone. Needs root and
// iproute2; without them kjob keeps the shared host network (every pod has 127.0.0.1).
//
// A pod's namespace is set up and removed in the background (prepare, tearDown): the `ip` runs
// (a few ms of CPU each, and the kernel's work on namespaces) go through one small process, the
// runner (the native program's --ip-runner, else a perl program), that runs them one after the
// other and replies, so the engine neither forks nor waits for them (by --cpu-prof they were half
// of its time per pod). Where the native program is built, most of its steps are that program's
// own (pod_net.c: namespaces made and removed by netlink, without ip). Without perl or the native
// program, they run synchronously.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { randomHex } from '../util/uid.js';
import { spawnSync } from 'node:child_process';
import { HelperProcess, findPerl } from './helper_process.js';
import { NSENTER } from './exec.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import { CLUSTER_DOMAIN, DNS_IP } from './addresses.js';
import { nativeShim } from './shim.js';

export const IP = '/usr/sbin/ip';
export const NETNS_DIR = '/run/netns';
export const BRIDGE = 'kjob0';
export const POD_CIDR = '10.244.0.0/24';
export const GATEWAY = '10.244.0.1';
export const SERVICE_CIDR = '10.96.0.0/12';
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

/** ip with input on its stdin (-batch -). */
function batchRun(args: string[], input: string): { ok: boolean; err: string } {
  const r = spawnSync(IP, args, { input, encoding: 'utf8', timeout: 10_000, stdio: ['pipe', 'ignore', 'pipe'] });
  return { ok: r.status === 0, err: (r.stderr ?? '').trim() || (r.error?.message ?? `exit status ${r.status}`) };
}

/** Several commands in one run of ip, inside namespace ns. */
function batch(ns: string, lines: string[]): void {
  const r = batchRun(['-n', ns, '-batch', '-'], lines.join('\n') + '\n');
  if (!r.ok) throw new Error(`ip -n ${ns}: ${r.err}`);
}

function must(args: string[]): void {
  const r = run(args);
  if (!r.ok) throw new Error(`ip ${args.join(' ')}: ${r.err}`);
}

/** One run of ip: args; input for -batch -; ifExists: skipped unless that path exists;
 * mayFail: a failure is not an error; doneIfOk: a success ends the request, successfully;
 * concurrent: runs at the same time as the concurrent steps next to it, all ended before the
 * step after them (their first failure in step order is the error); exe: another program run in
 * ip's place (the native `kjob-shim --pod-net`, flushFresh), its errors named by its path. */
export interface IpStep {
  args: string[];
  exe?: string;
  input?: string;
  ifExists?: string;
  mayFail?: boolean;
  doneIfOk?: boolean;
  concurrent?: boolean;
}

// The runner (a HelperProcess running perl): one request a line on stdin, one reply a line on stdout, in order.
// Only perl-base (no JSON module: perl-modules may be missing): a request is "<step>\t<step>..."
// and a step "<flags>,<ifExists>,<input>,<arg>,<arg>..." with every string in hex and the flags f
// (mayFail), d (doneIfOk), p (concurrent) and x (the first arg is the program to run instead of
// ip); a reply is the first error in hex (empty when it went well). Each
// ip runs with a 10 s alarm (kept across exec), as spawnSync's timeout did. It exits when the
// engine closes its stdin. No module is loaded (POSIX only in a child whose exec failed): POSIX
// alone takes perl 12 ms to load here, on a cold start's way to its first pod, and is heap that
// every fork copies.
const RUNNER = String.raw`use strict;
my $ip = shift @ARGV;
$| = 1;
$SIG{PIPE} = 'IGNORE';
sub start1 {
  my ($exe, $input, @args) = @_;
  pipe(my $ir, my $iw) or return { err => "$!" };
  pipe(my $er, my $ew) or return { err => "$!" };
  my $pid = fork();
  return { err => "$!" } unless defined $pid;
  if ($pid == 0) {
    close $iw; close $er;
    $SIG{PIPE} = 'DEFAULT';
    open(STDIN, '<&', $ir); open(STDOUT, '>', '/dev/null'); open(STDERR, '>&', $ew);
    alarm 10;
    exec { $exe } $exe, @args;
    require POSIX;
    POSIX::_exit(127);
  }
  close $ir; close $ew;
  print $iw $input;
  close $iw;
  return { pid => $pid, er => $er };
}
sub end1 {
  my ($c) = @_;
  return (-1, $c->{err}) if exists $c->{err};
  my $er = $c->{er};
  my $e = do { local $/; <$er> } // '';
  close $er;
  waitpid($c->{pid}, 0);
  my $code = $? & 127 ? 128 + ($? & 127) : $? >> 8;
  $e =~ s/^\s+|\s+$//g;
  return ($code, $e);
}
sub failed { my ($code, $e, @cmd) = @_; join(' ', @cmd) . ": " . ($e ne '' ? $e : "exit status $code") }
# A step's program and its name in errors: ip, or the step's own (flag x: its first arg).
sub program { my ($flags, $args) = @_; $flags =~ /x/ ? (shift(@$args), '') : ($ip, 'ip') }
while (defined(my $line = <STDIN>)) {
  chomp $line;
  my @steps = map { [map { pack('H*', $_) } split /,/, $_, -1] } split /\t/, $line;
  my $err = '';
  for (my $i = 0; $i < @steps && $err eq ''; $i++) {
    if ($steps[$i][0] =~ /p/) {
      # This step and the concurrent ones right after it: started together, then each ended in order.
      my @started;
      for (; $i < @steps && $steps[$i][0] =~ /p/; $i++) {
        my ($flags, $exists, $input, @args) = @{$steps[$i]};
        my ($exe, $name) = program($flags, \@args);
        push @started, [$flags, start1($exe, $input, @args), $name || $exe, @args] unless length $exists && !-e $exists;
      }
      $i--;
      for my $s (@started) {
        my ($flags, $c, @cmd) = @$s;
        my ($code, $e) = end1($c);
        $err = failed($code, $e, @cmd) if $code != 0 && $flags !~ /f/ && $err eq '';
      }
      next;
    }
    my ($flags, $exists, $input, @args) = @{$steps[$i]};
    next if length $exists && !-e $exists;
    my ($exe, $name) = program($flags, \@args);
    my ($code, $e) = end1(start1($exe, $input, @args));
    if ($code == 0) { last if $flags =~ /d/; next; }
    next if $flags =~ /f/;
    $err = failed($code, $e, $name || $exe, @args);
  }
  print unpack('H*', $err), "\n";
}
`;

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

/** A request line of RUNNER's protocol. */
function runnerRequest(steps: IpStep[]): string {
  const step = (s: IpStep) =>
    [(s.mayFail ? 'f' : '') + (s.doneIfOk ? 'd' : '') + (s.concurrent ? 'p' : '') + (s.exe !== undefined ? 'x' : ''), s.ifExists ?? '', s.input ?? '', ...(s.exe !== undefined ? [s.exe] : []), ...s.args]
      .map(hex)
      .join(',');
  return steps.map(step).join('\t') + '\n';
}

/** The background runner of ip commands (RUNNER); undefined from start() without perl or ip. */
export class IpRunner {
  private constructor(private readonly worker: HelperProcess) {}

  /**
   * native: the native program (shim.ts nativeShim()), whose `--ip-runner` serves the same requests
   * (ip_runner.c: perl's fork of itself for each step was most of what a step cost); else perl's RUNNER.
   */
  static start(native: string | null): IpRunner | undefined {
    if (!fs.existsSync(IP)) return undefined;
    if (native) return new IpRunner(new HelperProcess(native, ['--ip-runner', IP]));
    const perl = findPerl();
    return perl ? new IpRunner(new HelperProcess(perl, ['-e', RUNNER, IP])) : undefined;
  }

  get alive(): boolean {
    return this.worker.alive;
  }

  /** The runner's process. */
  get pid(): number | undefined {
    return this.worker.pid;
  }

  /** Runs the steps in order; done(err) once they ended (err: the first failure that may not fail). */
  run(steps: IpStep[], done: (err?: string) => void): void {
    this.worker.request(runnerRequest(steps), (line) => {
      if (line === undefined) done('the ip runner exited');
      else done(line ? Buffer.from(line, 'hex').toString('utf8') : undefined);
    });
  }

  /** Resolves once every request sent has been answered (or after timeoutMs). */
  idle(timeoutMs: number): Promise<void> {
    return this.worker.idle(timeoutMs);
  }

  close(): void {
    this.worker.close();
  }
}

/** A namespace to make, its veth's node side and its address (setUpFresh); done(err) once made, or not. */
interface FreshSetUp {
  pns: string;
  host: string;
  ip: string;
  /** A spare's: made after the pods' asked for in the same turn, which do not wait for it. */
  spare?: boolean;
  done: (err?: string) => void;
}

/** A spare being made, and the setup-ended handler of the pod that claimed it (claimPendingSpare). */
interface MakingSpare {
  lease: Lease;
  claimed?: (err?: string) => void;
}

/** The most new namespaces made by one request to the ip runner (setUpFresh). */
const FRESH_BATCH_MAX = 32;

/**
 * The node's side of a pod's veth (ip -batch lines in the node's namespace). An address comes back
 * into use soon after its pod ended, and the node may still hold that pod's MAC for it (a stale
 * neighbour entry sends the new pod's first replies to a veth that is gone): it is forgotten first.
 */
function nodeSide(host: string, pns: string, ip: string): string {
  return [`neigh flush to ${ip} dev ${BRIDGE}`, `link add ${host} type veth peer name eth0 netns ${pns}`, `link set ${host} master ${BRIDGE} up`].join('\n') + '\n';
}

/** The pod's side: its loopback, its address, and the route to Services by the node. */
function podSide(ip: string): string {
  return ['link set lo up', `addr add ${ip}/24 dev eth0`, 'link set eth0 up', `route add ${SERVICE_CIDR} via ${GATEWAY}`].join('\n') + '\n';
}

/** New namespaces by runs of ip: one adds them all, one makes all their veths on the node's side, then one per namespace its side. */
function freshSteps(nodeNs: string, group: FreshSetUp[]): IpStep[] {
  return [
    { args: ['-batch', '-'], input: group.map((g) => `netns add ${g.pns}\n`).join('') },
    { args: ['-n', nodeNs, '-batch', '-'], input: group.map((g) => nodeSide(g.host, g.pns, g.ip)).join('') },
    // Each namespace's own side, at the same time: a run of ip is mostly its own start.
    ...group.map((g) => ({ args: ['-n', g.pns, '-batch', '-'], input: podSide(g.ip), concurrent: true })),
  ];
}

/** The same namespaces by the native program (pod_net.c), which does what those ip lines say, in their order. */
function podNetArgs(nodeNs: string, group: FreshSetUp[]): string[] {
  return ['--pod-net', nodeNs, BRIDGE, GATEWAY, SERVICE_CIDR, ...group.flatMap((g) => [g.pns, g.host, g.ip])];
}

/** Spare namespaces kept ready for the next pods (makeSpares). */
const SPARES = 2;
/**
 * How long after a pod took a spare its replacement is asked for: past that pod's container start.
 * Asked for at once, the replacement (a fork of the runner, the network's unshare, the namespace's
 * bind mount, a veth) ran beside the shim and bubblewrap of the very pod that took the spare, which
 * on a machine of two CPUs waited for it: apply → container start p50 19.2 and 17.1 against 15.3
 * and 16.0 ms, two runs of 40 alternated pairs (the forty-sixth session). On a slower machine the
 * refill may still meet a start, as every refill did before. A burst that takes the spares sets
 * up its other pods' own namespaces (prepare) and asks for spares beside them, at once.
 */
const SPARE_REFILL_MS = 30;
/** Runs fn after SPARE_REFILL_MS (a timer that keeps no process alive); the function cancels it. */
function refillLater(fn: () => void): () => void {
  const t = setTimeout(fn, SPARE_REFILL_MS);
  t.unref();
  return () => clearTimeout(t);
}
/** Finished pods' namespaces kept for the next pod of their controller (keepForReuse): at most
 * this many, each for Timing.netnsKeepMs (a Job's next pods start within milliseconds of the last end). */
const REUSE_MAX = 16;

/** A pod's (or a spare's) address and, unless named after its pod, its namespace. */
interface Lease {
  ip: string;
  ns?: string;
}

/** The lease files of dir: "<ip>" or "<ip> <namespace>", by pod uid (or spare or kept namespace's id;
 * the controller a namespace is kept for is known to the engine only). */
export function readLeases(dir: string): Map<string, Lease> {
  const m = new Map<string, Lease>();
  let names: string[] = [];
  try { names = fs.readdirSync(dir).filter((f) => !f.includes('.')); } catch { /* none yet */ }
  for (const name of names) {
    try {
      const [ip, ns] = fs.readFileSync(path.join(dir, name), 'utf8').trim().split(/\s+/);
      if (ip) m.set(name, ns ? { ip, ns } : { ip });
    } catch { /* removed meanwhile */ }
  }
  return m;
}

/** The node side of a pod's (or spare's) veth. */
function hostVeth(id: string): string {
  return `kv${createHash('sha256').update(id).digest('hex').slice(0, 10)}`;
}

/** The node bridge's (the pods' gateway's) fixed MAC address: locally administered, from the state directory. */
export function bridgeMac(home: string): string {
  const h = createHash('sha256').update(`bridge:${path.resolve(home)}`).digest();
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
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
  /** uid -> address and, for a pod that took a spare, its namespace's name (leaseMap) */
  private leases?: Map<string, Lease>;
  /**
   * What spareDir's files hold, by id (spareHeld): read once, then kept with each change this
   * process makes there, as leases are. The engine, holding the state directory's lock, is their
   * only writer; each new spare's address was found by reading all of them again (a listing and
   * four syscalls a file, at every pod's start).
   */
  private spareFiles?: Map<string, Lease>;
  /** Spare namespaces, ready to be a pod's (see takeSpare): id -> lease; and those being made,
   * with the setup-ended handler of the pod that claimed one (claimPendingSpare). */
  private readonly spares = new Map<string, Lease>();
  private readonly sparesMaking = new Map<string, MakingSpare>();
  private sparesCleared = false;
  /** Finished pods' namespaces kept for their controller's next pod (keepForReuse): spare id -> ... */
  private readonly reusable = new Map<string, { lease: Lease; owner: string; at: number }>();
  private reuseTimer?: NodeJS.Timeout;
  /** Cancels the replacement of a taken spare that refillSpares asked for and that has not run yet. */
  private cancelRefill?: () => void;
  /** The cluster DNS: none started, starting, or answering (dnsStarting), and the pods waiting for it. */
  private dns: 'none' | 'starting' | 'serving' = 'none';
  private readonly dnsWaiters: (() => void)[] = [];
  /** New namespaces asked for in this turn (setUpFresh). */
  private freshSetUps: FreshSetUp[] = [];
  /** Background setups and removals under way, and setups that failed (thrown by the next prepare). */
  private readonly settingUp = new Set<string>();
  private readonly tearingDown = new Set<string>();
  private readonly failed = new Map<string, string>();
  private readonly removeAfterSetUp = new Set<string>();
  /** undefined: not started yet; null: none (no perl), setups run synchronously */
  private runner?: IpRunner | null;
  /** The runner of removals: a setup never waits behind a namespace's deletion (the kernel's
   * slowest step, tens of ms), which made the next pod's start wait for the last pod's end. */
  private remover?: IpRunner | null;

  constructor(
    home: string,
    env: NodeJS.ProcessEnv = process.env,
    private readonly keepMs = KUBERNETES_TIMING.netnsKeepMs,
    private readonly reuseMax = REUSE_MAX,
    /** The native program (pod_net.c's modes, ip_runner.c); another only in tests. */
    private readonly native: string | null = nativeShim(),
    /** When a taken spare's replacement is asked for (refillSpares); tests run it themselves. */
    private readonly later: (fn: () => void) => () => void = refillLater,
  ) {
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

  /** The pod's namespace: named after the pod, or the spare it took (its lease says which). */
  podNsName(uid: string): string {
    return this.leaseMap().get(uid)?.ns ?? `${this.nodeNs}-${uid.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
  }

  private get spareDir(): string {
    return path.join(this.home, 'run', 'net', 'spares');
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
    // The bridge's address is set, never left to the kernel: a bridge without one takes the
    // lowest of its ports' addresses, which changes as pods' veths come and go, and every pod
    // whose ARP cache held the gateway's old address lost its packets to the gateway (the
    // cluster DNS, Services) until its kernel asked again, up to about 30 s later.
    const mac = bridgeMac(this.home);
    const native = fs.existsSync(this.nodeNsPath()) ? null : this.nativeNetwork();
    if (native) {
      // The namespace and what the batch below puts in it, by netlink (pod_net.c): on an engine's
      // cold start, one short run where two runs of ip were about 20 ms.
      const r = spawnSync(native, ['--node-net', ns, BRIDGE, mac, GATEWAY, SERVICE_CIDR], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status === 0) {
        this.noteOwner(ns);
        this.nodeReady = true;
        return;
      }
      // Where it fails and ip might not, what it made goes and ip makes all of it (below).
      if (fs.existsSync(this.nodeNsPath())) run(['netns', 'del', ns]);
    }
    const made = !fs.existsSync(this.nodeNsPath());
    if (made) {
      must(['netns', 'add', ns]);
      this.noteOwner(ns);
    }
    // A namespace made just now has no bridge: not asked (an engine's cold start waits for this).
    const links = made ? undefined : spawnSync(IP, ['-n', ns, '-o', 'link', 'show', BRIDGE], { encoding: 'utf8' });
    if (!links || links.status !== 0) {
      // Every address of the service range is this namespace's own: ClusterIPs and the DNS
      // address need no per-Service setup, the proxy binds them directly.
      batch(ns, ['link set lo up', `link add ${BRIDGE} address ${mac} type bridge`, `addr add ${GATEWAY}/24 dev ${BRIDGE}`, `link set ${BRIDGE} up`, `route add local ${SERVICE_CIDR} dev lo`]);
    } else if (!links.stdout.includes(`link/ether ${mac} `)) {
      // A node namespace made by an earlier kjob, whose bridge took its ports' addresses.
      batch(ns, [`link set ${BRIDGE} address ${mac}`]);
    }
    this.nodeReady = true;
  }

  /** Notes which state directory the node namespace ns is of (collectAbandoned). */
  private noteOwner(ns: string): void {
    fs.mkdirSync(OWNERS_DIR, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(OWNERS_DIR, ns), this.home + '\n', { mode: 0o600 });
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
      removeNamespaces(ns, this.nativeNetwork());
      fs.rmSync(path.join(OWNERS_DIR, ns), { force: true });
    }
  }

  /**
   * The node's cluster DNS (netd, started by the engine's ServiceProxy as the engine starts) is
   * being started: until its socket is bound (a lookup then waits there for netd's answer) or it
   * answers, whenDnsServing holds pods back. A cold engine started netd
   * about as its first pod's container started, and a container that looked a Service up as it
   * started found no DNS server (getent: not found, 2 of 3 cold starts).
   */
  dnsStarting(): void {
    if (this.dns === 'none') this.dns = 'starting';
  }

  /** netd's DNS socket is bound, or it answers (or will not: it failed): the pods that waited go on. */
  dnsServing(): void {
    this.dns = 'serving';
    const waiting = this.dnsWaiters.splice(0);
    for (const cb of waiting) cb();
  }

  /** Whether pods may start (the DNS answers, or none is being started); if not, cb is called once they may. */
  whenDnsServing(cb: () => void): boolean {
    if (this.dns !== 'starting') return true;
    this.dnsWaiters.push(cb);
    return false;
  }

  /** The pod's address, if it has one. */
  podIP(uid: string): string | undefined {
    return this.leaseMap().get(uid)?.ip;
  }

  /** The leases, read from their files once: only this process (the engine) changes them. */
  private leaseMap(): Map<string, Lease> {
    if (this.leases) return this.leases;
    return (this.leases = readLeases(this.leaseDir));
  }

  private spareHeld(): Map<string, Lease> {
    return (this.spareFiles ??= readLeases(this.spareDir));
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
    for (const s of this.setUpSteps(this.podNsName(uid), hostVeth(uid), ip, fs.existsSync(this.podNsPath(uid)))) {
      if (s.ifExists !== undefined && !fs.existsSync(s.ifExists)) continue;
      const r = s.input !== undefined ? batchRun(s.args, s.input) : run(s.args);
      if (r.ok && s.doneIfOk) break;
      if (!r.ok && !s.mayFail) throw new Error(`ip ${s.args.join(' ')}: ${r.err}`);
    }
    this.ready.add(uid);
    return ip;
  }

  /**
   * setUp in the background: the pod's address at once, and whether its namespace is ready. When
   * it is not, the setup runs (once) and onDone is called when it has ended; a setup that failed
   * throws its error from the next call, which tries again (as a failed setUp did).
   */
  prepare(uid: string, onDone: () => void, owner?: string): { ip: string; ready: boolean } {
    const runner = this.ipRunner();
    if (!runner) return { ip: this.setUp(uid), ready: true };
    this.ensureNode();
    const known = this.podIP(uid);
    if (known && this.ready.has(uid)) return { ip: known, ready: true };
    const failed = this.failed.get(uid);
    if (failed !== undefined) {
      this.failed.delete(uid);
      throw new Error(failed);
    }
    if (!known && !this.settingUp.has(uid)) {
      const spare = (owner !== undefined ? this.takeKept(uid, owner) : undefined) ?? this.takeSpare(uid);
      if (spare) {
        this.refillSpares(runner);
        return { ip: spare, ready: true };
      }
      const pending = this.claimPendingSpare(uid, onDone);
      if (pending) {
        this.refillSpares(runner);
        return { ip: pending, ready: false };
      }
    }
    const ip = known ?? this.lease(uid);
    if (this.settingUp.has(uid)) return { ip, ready: false };
    this.settingUp.add(uid);
    const done = (err?: string) => this.setUpEnded(uid, err, onDone);
    const exists = fs.existsSync(this.podNsPath(uid));
    // A new lease: no earlier attempt left a namespace or veth of this pod's behind.
    if (!known && !exists) this.setUpFresh(runner, { pns: this.podNsName(uid), host: hostVeth(uid), ip, done });
    else runner.run(this.setUpSteps(this.podNsName(uid), hostVeth(uid), ip, exists), done);
    // With no spare ready or being made, the pod's own set-up goes first (flushFresh), and the
    // spares are for the pods after it.
    this.makeSpares(runner);
    return { ip, ready: false };
  }

  /**
   * A spare namespace made ahead (makeSpares) becomes the pod's: its lease names the namespace,
   * and the spare's address is the pod's. A pod's start then waits for no `ip` at all (about
   * 15 ms of namespace, veth and address set-up, most of a start's time with the engine running).
   */
  private takeSpare(uid: string): string | undefined {
    const first = this.spares.entries().next();
    if (first.done) return undefined;
    const [id, lease] = first.value;
    this.spares.delete(id);
    return this.adopt(uid, id, lease);
  }

  /**
   * A spare still being made becomes the pod's, and the pod waits for it: an engine's first pods
   * find the spares warm() began, and a setup of their own would wait behind them in the runner.
   * A spare that fails goes back to being one, and is removed; the pod's next sync makes its own.
   */
  private claimPendingSpare(uid: string, onDone: () => void): string | undefined {
    for (const [id, making] of this.sparesMaking) {
      if (making.claimed) continue;
      moveHolder(path.join(this.spareDir, id), path.join(this.leaseDir, uid));
      this.spareHeld().delete(id);
      this.leaseMap().set(uid, making.lease);
      this.settingUp.add(uid);
      making.claimed = (err) => {
        if (err !== undefined && this.leaseMap().get(uid) === making.lease) {
          moveHolder(path.join(this.leaseDir, uid), path.join(this.spareDir, id));
          this.spareHeld().set(id, making.lease);
          this.leaseMap().delete(uid);
          this.removeHeld(id, making.lease.ns!);
        }
        this.setUpEnded(uid, err, onDone);
      };
      return making.lease.ip;
    }
    return undefined;
  }

  /** A pod's namespace setup (its own, or a spare it claimed) has ended. */
  private setUpEnded(uid: string, err: string | undefined, onDone: () => void): void {
    this.settingUp.delete(uid);
    // Removed while it was being made: now that it exists, it goes (the remover runs apart).
    if (this.removeAfterSetUp.delete(uid)) this.tearDown(uid);
    else if (err !== undefined) this.failed.set(uid, err);
    else if (this.leaseMap().has(uid)) this.ready.add(uid);
    onDone();
  }

  /** A namespace kept for owner (keepForReuse) becomes the pod's, as a spare does. */
  private takeKept(uid: string, owner: string): string | undefined {
    for (const [id, kept] of this.reusable) {
      if (kept.owner !== owner) continue;
      this.reusable.delete(id);
      return this.adopt(uid, id, kept.lease);
    }
    return undefined;
  }

  /** The held namespace id (a spare's or a kept one's file) is the pod's from now on. */
  private adopt(uid: string, id: string, lease: Lease): string {
    moveHolder(path.join(this.spareDir, id), path.join(this.leaseDir, uid));
    this.spareHeld().delete(id);
    this.leaseMap().set(uid, lease);
    this.ready.add(uid);
    return lease.ip;
  }

  /**
   * Keeps a finished pod's namespace, address and veth for the next pod of its controller, instead
   * of removing it: a Job's next completion takes it as it would take a spare. Making and removing
   * a namespace (the kernel's work and four ip runs) was about 40% of a Job's CPU per pod.
   * Only a namespace no process of the pod is left in, and only for the same controller: the
   * kernel keeps traces of a namespace's last connections (TIME_WAIT sockets, neighbour entries and
   * counters in /proc/net) that a pod of another workload must not see. The caller passes an owner
   * only for a sandboxed pod whose containers have all ended by themselves (Kubelet.releaseNetwork:
   * their PID namespaces took every process of theirs with them), so no walk of every process's
   * /proc/<pid>/ns/net is needed (2.3 ms with 600 processes). What can still be in it is kjob's
   * own, ending as the pod's processes have (a probe or a port-forward whose peer is gone), or a
   * root user's `ip netns exec`.
   */
  private keepForReuse(uid: string, owner: string): boolean {
    const lease = this.leaseMap().get(uid);
    if (!lease || (this.reusable.size >= this.reuseMax && !this.makeRoomFor(owner))) return false;
    const id = randomHex(4);
    const kept: Lease = { ip: lease.ip, ns: this.podNsName(uid) };
    // The address is held by the kept namespace's file before the pod's lease lets go of it.
    moveHolder(path.join(this.leaseDir, uid), path.join(this.spareDir, id), lease.ns === undefined ? `${kept.ip} ${kept.ns}\n` : undefined);
    this.spareHeld().set(id, kept);
    this.leaseMap().delete(uid);
    this.reusable.set(id, { lease: kept, owner, at: Date.now() });
    if (!this.reuseTimer) this.expireKeptAt(this.keepMs);
    return true;
  }

  /**
   * Room in a full pool for a namespace of owner's: the oldest kept for another controller goes.
   * A Job that has ended leaves its last pods' namespaces kept for keepMs; a Job applied right
   * after it found the pool full, and each of its pods made a namespace and removed it (three
   * runs of ip and a namespace's deletion a pod, a seventh of the machine's CPU). None when all
   * are owner's own: its next pods take those.
   */
  private makeRoomFor(owner: string): boolean {
    for (const [id, kept] of this.reusable) {
      if (kept.owner === owner) continue;
      this.reusable.delete(id);
      this.removeHeld(id, kept.lease.ns!);
      return true;
    }
    return false;
  }

  /** Kept namespaces no pod took within keepMs are removed (the Job has ended, or has no more pods to start). */
  private expireKept(): void {
    this.reuseTimer = undefined;
    const now = Date.now();
    for (const [id, kept] of this.reusable) {
      if (now - kept.at < this.keepMs) continue;
      this.reusable.delete(id);
      this.removeHeld(id, kept.lease.ns!);
    }
    // The next is the oldest left (the map keeps them in the order they were kept).
    const next = this.reusable.values().next();
    if (!next.done) this.expireKeptAt(next.value.at + this.keepMs - now);
  }

  private expireKeptAt(delayMs: number): void {
    this.reuseTimer = setTimeout(() => this.expireKept(), delayMs);
    this.reuseTimer.unref(); // the engine's life is its own
  }

  /** Removes a namespace held by a file of spareDir (a spare's, a kept one's); the file, and so the address, goes once it has. */
  private removeHeld(id: string, ns: string): void {
    const done = () => {
      fs.rmSync(path.join(this.spareDir, id), { force: true });
      this.spareHeld().delete(id);
    };
    const remover = this.ipRemover();
    if (remover) return remover.run([this.netnsDelStep(ns)], done);
    if (fs.existsSync(path.join(NETNS_DIR, ns))) run(['netns', 'del', ns]); // no runner: at once, as tearDown does
    done();
  }

  /**
   * Keeps SPARES namespaces ready for the next pods, made in the background. Spares an earlier
   * engine left are removed first (whether it finished making them is not known).
   */
  private makeSpares(runner: IpRunner, want = SPARES): void {
    if (!this.sparesCleared) {
      this.sparesCleared = true;
      for (const [id, lease] of [...this.spareHeld()]) if (!this.reusable.has(id)) this.removeHeld(id, lease.ns!);
    }
    while (this.spares.size + this.sparesMaking.size < want) {
      const id = randomHex(4);
      const ns = `${this.nodeNs}-s${id}`;
      // The spare's address is held by its file from now on, as a lease is.
      const ip = this.freeAddress();
      writeHolder(path.join(this.spareDir, id), `${ip} ${ns}\n`);
      this.spareHeld().set(id, { ip, ns });
      const making: MakingSpare = { lease: { ip, ns } };
      this.sparesMaking.set(id, making);
      this.setUpFresh(runner, {
        pns: ns,
        host: hostVeth(id),
        ip,
        spare: true,
        done: (err) => {
          this.sparesMaking.delete(id);
          if (making.claimed) return making.claimed(err);
          if (err === undefined && this.spareHeld().has(id)) {
            this.spares.set(id, { ip, ns });
            return;
          }
          this.removeHeld(id, ns);
        },
      });
    }
  }

  /** A spare (or a kept namespace) was taken: SPARES again once the pod that took it has started (SPARE_REFILL_MS says why). */
  private refillSpares(runner: IpRunner): void {
    if (this.cancelRefill) return;
    let ran = false;
    const cancel = this.later(() => {
      ran = true;
      this.cancelRefill = undefined;
      if (this.runner === runner && runner.alive) this.makeSpares(runner);
    });
    // A later that ran it already (at once) leaves nothing to cancel.
    if (!ran) this.cancelRefill = cancel;
  }

  /** The ip runs of a pod's setup: its namespace, the veth from the bridge to its eth0, the address and route. */
  private setUpSteps(pns: string, host: string, ip: string, exists: boolean): IpStep[] {
    const steps: IpStep[] = [];
    // Already set up (an engine restarted, and found it)? Its route to Services, the pod's side's
    // last step, is there only when all of it is (`addr show dev eth0` passed an eth0 without its
    // address, as a failed set-up leaves it); otherwise the veth is made again and the rest after it.
    if (exists) {
      steps.push({ args: ['-n', pns, 'route', 'get', DNS_IP], mayFail: true, doneIfOk: true });
      // The half-made veth goes from the pod's end: the node's end may be named after the spare
      // whose namespace the pod took, not after the pod (hostVeth).
      steps.push({ args: ['-n', pns, 'link', 'del', 'eth0'], mayFail: true });
    } else steps.push({ args: ['netns', 'add', pns] });
    steps.push({ args: ['-n', this.nodeNs, 'link', 'del', host], mayFail: true }); // a half-done earlier attempt
    // Two ip runs: the node's side, then the pod's.
    steps.push({ args: ['-n', this.nodeNs, '-batch', '-'], input: nodeSide(host, pns, ip) });
    steps.push({ args: ['-n', pns, '-batch', '-'], input: podSide(ip) });
    return steps;
  }

  /**
   * A new namespace (a spare's, a new lease's) is made with the others asked for in the same turn
   * of the engine: one run of ip adds them all, one makes all their veths on the node's side, and
   * then one per namespace sets up its side. A run of ip costs about 6 ms before it does anything
   * (its libraries), and a Job's first pods took three runs each, one namespace after the other
   * (a Job of 16 started its last pod about half a second after its first).
   */
  private setUpFresh(runner: IpRunner, s: FreshSetUp): void {
    this.freshSetUps.push(s);
    if (this.freshSetUps.length === 1) setImmediate(() => this.flushFresh(runner));
  }

  private flushFresh(runner: IpRunner): void {
    const all = this.freshSetUps.splice(0);
    // The pods' first: the runner answers requests in order, and a pod's waits for its whole group.
    const groups: FreshSetUp[][] = [];
    for (const part of [all.filter((g) => !g.spare), all.filter((g) => g.spare)]) {
      for (let i = 0; i < part.length; i += FRESH_BATCH_MAX) groups.push(part.slice(i, i + FRESH_BATCH_MAX));
    }
    const native = this.nativeNetwork();
    for (const group of groups) {
      // One answer for the group: a failure fails each of them, and each pod's next sync sets its
      // namespace up alone (its lease is known by then); a spare is removed.
      runner.run(native ? [{ exe: native, args: podNetArgs(this.nodeNs, group) }] : freshSteps(this.nodeNs, group), (err) => {
        for (const g of group) g.done(err);
      });
    }
  }

  /** `ip netns del ns` in the background, if it is there; by the native program where it was built (a run of ip is mostly its start). */
  private netnsDelStep(ns: string): IpStep {
    const native = this.nativeNetwork();
    return { ...(native ? { exe: native, args: ['--netns-del', ns] } : { args: ['netns', 'del', ns] }), ifExists: path.join(NETNS_DIR, ns), mayFail: true };
  }

  /**
   * The native program, where it was built (null: runs of ip and the perl runner): it makes new
   * namespaces as runs of ip would (`--pod-net` for freshSteps', `--node-net` for ensureNode's;
   * pod_net.c), removes them (`--netns-del`) and is the runner (`--ip-runner`), by netlink from one
   * small process, where each run of ip is mostly its own start (ten pods' namespaces: 25 against
   * 170-180 ms here).
   */
  private nativeNetwork(): string | null {
    return this.env.KJOB_NATIVE_SHIM === '0' ? null : this.native;
  }

  /**
   * The engine starts: the runner of pods' set-ups starts now (a perl), not with the first pod's,
   * and makes a spare: a cold start's first pod (the one whose `kjob apply` started the engine)
   * claims it while it is being made (claimPendingSpare), rather than queueing a setup behind it.
   * One, not SPARES: made together (setUpFresh), that pod would wait for both.
   */
  warm(): void {
    const runner = this.ipRunner();
    if (runner) this.makeSpares(runner, 1);
  }

  private ipRunner(): IpRunner | undefined {
    if (this.runner === undefined) this.runner = IpRunner.start(this.nativeNetwork()) ?? null;
    if (this.runner && !this.runner.alive) this.runner = null; // it died: synchronously from now on
    return this.runner ?? undefined;
  }

  private ipRemover(): IpRunner | undefined {
    if (this.remover === undefined) this.remover = IpRunner.start(this.nativeNetwork()) ?? null;
    if (this.remover && !this.remover.alive) this.remover = null;
    return this.remover ?? undefined;
  }

  private lease(uid: string): string {
    const ip = this.freeAddress();
    writeHolder(path.join(this.leaseDir, uid), ip + '\n');
    this.leaseMap().set(uid, { ip });
    return ip;
  }

  /** An address no pod and no spare holds. */
  private freeAddress(): string {
    const used = new Set([...this.leaseMap().values(), ...this.spareHeld().values()].map((l) => l.ip));
    for (let n = 2; n < 255; n++) if (!used.has(addr(n))) return addr(n);
    throw new Error(`no address left in ${POD_CIDR}`);
  }

  /** The uids with a lease (read from their files: another process may look). */
  uids(): string[] {
    try {
      return fs.readdirSync(this.leaseDir).filter((f) => !f.includes('.'));
    } catch {
      return [];
    }
  }

  /** Whether anything of this pod's network is left: its lease, or a setup or teardown under way. */
  holds(uid: string): boolean {
    return this.leaseMap().has(uid) || this.settingUp.has(uid) || this.tearingDown.has(uid);
  }

  /**
   * CNI DEL: the pod's namespace (its eth0 and the veth's peer go with it) and its lease. In the
   * background when a namespace is there (or being made): the lease, and so the address, is
   * released once it is gone.
   */
  tearDown(uid: string, reuseFor?: string): void {
    if (this.tearingDown.has(uid)) return;
    this.ready.delete(uid);
    this.failed.delete(uid);
    if (this.settingUp.has(uid)) {
      // Its setup runs in the other runner: removed once that has ended, not before it.
      this.removeAfterSetUp.add(uid);
      return;
    }
    // No lease, nothing of this pod's to remove: a lease is written before its namespace is made
    // and goes only once the namespace has gone, or has gone to its controller's next pod
    // (keepForReuse), which a later sync of this one must not take from it.
    if (!this.leaseMap().has(uid)) return;
    const runner = this.ipRemover();
    if (runner && fs.existsSync(this.podNsPath(uid))) {
      if (reuseFor !== undefined && this.keepForReuse(uid, reuseFor)) return;
      this.tearingDown.add(uid);
      runner.run([this.netnsDelStep(this.podNsName(uid))], () => {
        this.tearingDown.delete(uid);
        this.release(uid);
      });
      return;
    }
    if (fs.existsSync(this.podNsPath(uid))) run(['netns', 'del', this.podNsName(uid)]);
    this.release(uid);
  }

  private release(uid: string): void {
    this.leaseMap().delete(uid);
    fs.rmSync(path.join(this.leaseDir, uid), { force: true });
  }

  /** Waits (up to timeoutMs) for the setups and removals under way: the engine stops. */
  async drain(timeoutMs = 10_000): Promise<void> {
    // The engine stops: a spare asked for later would be made for no pod (removeSpares follows).
    this.cancelRefill?.();
    this.cancelRefill = undefined;
    // Namespaces asked for in this turn are sent now: their flush would come after the runner closed.
    if (this.freshSetUps.length > 0 && this.runner) this.flushFresh(this.runner);
    await Promise.all([this.runner?.idle(timeoutMs), this.remover?.idle(timeoutMs)]);
  }

  /** The background runner ends (after drain). */
  close(): void {
    if (this.reuseTimer) clearTimeout(this.reuseTimer);
    this.reuseTimer = undefined;
    this.cancelRefill?.();
    this.cancelRefill = undefined;
    this.runner?.close();
    this.remover?.close();
    this.runner = this.remover = undefined;
  }

  /**
   * The spares and the namespaces kept for a controller's next pod, which no pod holds: the engine
   * stops while pods still hold theirs (and the node's namespace stays with them). Left, they stayed
   * in /run/netns until the state directory's next engine, or, with the directory removed, until
   * another state directory's engine started (collectAbandoned): 19 after a profiled Job of 1,000.
   * One run of ip; a file, and so its address, goes only with its namespace. After drain.
   */
  removeSpares(): void {
    const held = new Map(this.spareHeld());
    this.spares.clear();
    this.reusable.clear();
    // One still being made (a drain that timed out) is left to the next engine's start
    // (makeSpares): gone from /run/netns now, it would be made after its address was freed.
    for (const id of this.sparesMaking.keys()) held.delete(id);
    if (held.size === 0) return;
    const gone = (ns: string | undefined) => ns === undefined || !fs.existsSync(path.join(NETNS_DIR, ns));
    deleteNamespaces([...held.values()].filter((l) => !gone(l.ns)).map((l) => l.ns!), this.nativeNetwork());
    for (const [id, lease] of held) {
      if (!gone(lease.ns)) continue;
      fs.rmSync(path.join(this.spareDir, id), { force: true });
      this.spareHeld().delete(id);
    }
  }

  /** Everything of this state directory: every pod's namespace and the node's. */
  tearDownAll(): void {
    removeNamespaces(this.nodeNs, this.nativeNetwork());
    for (const uid of this.uids()) {
      this.ready.delete(uid);
      this.release(uid);
    }
    fs.rmSync(path.join(OWNERS_DIR, this.nodeNs), { force: true });
    // The spares and kept namespaces went with the namespaces above.
    this.spares.clear();
    this.reusable.clear();
    fs.rmSync(this.spareDir, { recursive: true, force: true });
    this.spareFiles = new Map();
    this.nodeReady = false;
  }
}

/**
 * The file that holds an address moves from one holder to the next (a spare's or kept namespace's
 * to a pod's lease, and back) by rename: the address is held all along, and no file is made or
 * removed. On ext4 without a journal each removed inode makes the next 30 s of
 * file creations scan past it (docs/performance.md), and a Job's pods hand namespaces on at tens a second.
 */
function moveHolder(from: string, to: string, text?: string): void {
  // A spare's or a kept namespace's file and a lease of a namespace made ahead say the same ("<ip>
  // <ns>"): the name alone moves. Rewriting the file as well made ext4 truncate and allocate its
  // block again, twice per pod of a Job (5% of the engine's time per pod).
  // A lease that names no namespace (its pod's own, made for it) gets the name first, then moves:
  // a file is never under its new name with its old text (a kept one's must name its namespace).
  // An engine killed in between leaves the old name with the new text, which holds the same
  // address and namespace; killed between the truncation and the write, an empty file, which
  // holds none: the namespace then lives on, unheld, until the state directory's namespaces go
  // with its engine's idle exit. One that is gone is made anew.
  if (text !== undefined) fs.writeFileSync(from, text, { mode: 0o600 });
  inItsDirectory(to, () => fs.renameSync(from, to));
}

/** A new holder's file (a lease, a spare's). */
function writeHolder(file: string, text: string): void {
  inItsDirectory(file, () => fs.writeFileSync(file, text, { mode: 0o600 }));
}

/**
 * op, which makes or moves file, again once file's directory was made, when op found it missing
 * (ENOENT): a holder's directory is made when first needed, where a recursive mkdir before every
 * write or move was two syscalls. A source that is missing (a move's) fails op again, as before.
 */
function inItsDirectory(file: string, op: () => void): void {
  try {
    op();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    op();
  }
}

/**
 * Removes the namespace ns and the pods' namespaces named after it, by one run (-force goes on
 * past one that fails): an engine's stop removed its node's, its spares' and its kept namespaces
 * one run of ip after the other, about 9 ms each.
 */
function removeNamespaces(ns: string, native: string | null): void {
  let names: string[] = [];
  try { names = fs.readdirSync(NETNS_DIR); } catch { return; }
  deleteNamespaces(names.filter((n) => n === ns || n.startsWith(`${ns}-`)), native);
}

/** `ip netns del` of each, at once: by the native program (`--netns-del`, on past a failure too), else one run of ip. */
function deleteNamespaces(names: string[], native: string | null): void {
  if (names.length === 0) return;
  if (native) spawnSync(native, ['--netns-del', ...names], { timeout: 10_000, stdio: 'ignore' });
  else batchRun(['-force', '-batch', '-'], names.map((n) => `netns del ${n}\n`).join(''));
}

/** The pod's /etc/resolv.conf, as the kubelet writes it for dnsPolicy ClusterFirst. */
export function resolvConf(namespace: string): string {
  return `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver ${DNS_IP}\noptions ndots:5\n`;
}
