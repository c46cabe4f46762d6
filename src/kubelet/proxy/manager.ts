// The engine's side of the service proxy and the cluster DNS: writes the table (table.ts) when
// Services or Pods change, and keeps netd running inside the node's network namespace.
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PodObject, ServiceObject } from '../../api/types.js';
import type { PodNetwork } from '../network.js';
import { NSENTER } from '../exec.js';
import { findPerl } from '../helper_process.js';
import { setnsSyscall } from '../shim.js';
import { mkdirPrivate, writeAtomic } from '../runtime.js';
import { DNS_IP } from '../addresses.js';
import { localNodeEnv } from '../../util/process.js';
import { buildTable } from './table.js';

/**
 * netd's launcher where perl is: it enters the node's namespace, binds the cluster DNS's socket,
 * says so on stdout, and execs node with netd, which takes the socket as fd 3
 * (KJOB_NETD_DNS_FD). A pod's lookup sent before netd reads waits in the socket, where none would
 * have found a port before: pods are held until the bind (about 10 ms), not until node has
 * started netd (80-120 ms; a cold engine's first container waited 30-45 ms for it). A bind that
 * fails is left to netd, which reports it. Arguments: setns's number, the namespace, the DNS
 * address, then node's argv.
 */
const NETD_LAUNCHER = String.raw`use strict;
my ($sys_setns, $ns, $addr, @cmd) = @ARGV;
open(my $n, '<', $ns) or die "kjob: cannot open the network namespace $ns: $!\n";
syscall($sys_setns + 0, fileno($n), 0x40000000) == 0 or die "kjob: cannot enter the network namespace $ns: $!\n";
close $n;
# fd 3 stays open across exec: perl marks only descriptors above $^F close-on-exec, and dup2's
# copy (when the socket is not fd 3 already) never is.
$^F = 3;
my $s;
# AF_INET and SOCK_DGRAM are 2 on every architecture setns is used on (linux_abi.ts), and a
# sockaddr_in is the family (host order), the port and the address (network order), then 8 zeros.
if (socket($s, 2, 2, 0) && bind($s, pack('S n C4 x8', 2, 53, split(/\./, $addr)))) {
  if (fileno($s) == 3 || do { require POSIX; POSIX::dup2(fileno($s), 3) == 3 }) { $ENV{KJOB_NETD_DNS_FD} = 3; $| = 1; print "bound\n" }
}
exec { $cmd[0] } @cmd;
die "kjob: cannot run $cmd[0]: $!\n";
`;

export class ServiceProxy {
  private child?: ChildProcess;
  private last = '';
  private readonly file: string;

  constructor(private readonly network: PodNetwork, private readonly log: (m: string) => void) {
    this.file = path.join(network.home, 'run', 'net', 'table.json');
  }

  /**
   * Brings the table up to date and netd up. The engine's first sync is as it starts, before it
   * syncs anything else: netd starts with the table of the Services that exist, and the pods
   * wait for its DNS (PodNetwork.whenDnsServing). A new state directory's first engine once
   * started netd before any table existed, and its first container's lookup of a Service found
   * nothing (getent: not found, once in CI; not reproduced): netd then learnt of the table only
   * from its watch. read gives the Services and the pods the table is made of (the store's).
   */
  sync(read: () => { services: ServiceObject[]; pods: PodObject[] }): void {
    if (!this.network.probe().enabled) return;
    try {
      const { services, pods } = read();
      const data = JSON.stringify(buildTable(services, pods));
      if (data !== this.last) {
        mkdirPrivate(path.dirname(this.file));
        writeAtomic(this.file, data); // netd reads the old table or the new, never a part
        this.last = data;
      }
    } finally {
      // A table that cannot be read or written (a stored Service that does not decode, the disk
      // full) leaves netd serving the last one, or none: netd is up all the same.
      this.ensureNetd();
    }
  }

  /**
   * netd up, whatever the table. One that cannot be started (the node's namespace cannot be made)
   * is logged and tried again at the next sync; no pod waits for it meanwhile (dnsStarting follows
   * the spawn).
   */
  private ensureNetd(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return;
    try {
      this.startNetd();
    } catch (e) {
      this.log(`netd: cannot start: ${(e as Error).message}`);
    }
  }

  private startNetd(): void {
    this.network.ensureNode();
    const script = fileURLToPath(new URL('./netd.js', import.meta.url));
    const node = [process.execPath, script, this.file];
    const perl = findPerl();
    const setns = setnsSyscall();
    const child = perl && setns
      ? spawn(perl, ['-e', NETD_LAUNCHER, String(setns), this.network.nodeNsPath(), DNS_IP, ...node], { stdio: ['ignore', 'pipe', 'pipe'], env: localNodeEnv(process.env) })
      : spawn(NSENTER, [`--net=${this.network.nodeNsPath()}`, '--', ...node], { stdio: ['ignore', 'pipe', 'pipe'], env: localNodeEnv(process.env) });
    child.stderr!.on('data', (d) => this.log(String(d).trimEnd()));
    // Its first line, once its DNS socket is bound (the launcher's) or answers (netd's without
    // it); a netd that failed holds no pod back either.
    child.stdout!.on('data', () => this.network.dnsServing());
    child.on('error', (e) => {
      this.log(`netd: ${e.message}`);
      this.network.dnsServing();
    });
    child.on('exit', () => this.network.dnsServing());
    this.child = child;
    // Pods wait for it from now on, the first time only (a restarted netd holds none back): its
    // output, its error or its exit, each asynchronous, lets them go. Not before ensureNode and the
    // spawn, which can throw (the node's namespace cannot be made) and leave nothing to let them go.
    this.network.dnsStarting();
  }

  stop(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    this.child = undefined;
  }
}
