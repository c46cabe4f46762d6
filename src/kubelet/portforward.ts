// The kubelet's side of port-forward (the CRI streaming server's PortForward): a connection to
// localhost:port inside the pod's network namespace, as containerd does with `nsenter -t <pid>
// -n socat - TCP4:localhost:<port>`; here the relay is a small perl program. On the shared host
// network (no namespace of its own) it is a plain connection to 127.0.0.1.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { PodNetwork } from './network.js';
import { NSENTER } from './exec.js';

/**
 * Relays stdin and stdout to localhost:port, IPv4 first, then IPv6 (as the CRI does). Perl, as
 * the shim: it starts in milliseconds where node takes a tenth of a second or more, per connection.
 */
const RELAY = `use strict; use IO::Socket::INET; use IO::Select;
my $port = shift; my $err = '';
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp');
$err = "IPv4: dial tcp4 127.0.0.1:$port: connect: " . lc("$!") unless $s;
if (!$s && eval { require IO::Socket::IP; 1 }) {
  $s = IO::Socket::IP->new(PeerHost => '::1', PeerPort => $port, Proto => 'tcp');
  $err .= " IPv6 dial tcp6 [::1]:$port: connect: " . lc("$!") unless $s;
}
if (!$s) { print STDERR $err; exit 1 }
my $sel = IO::Select->new(\\*STDIN, $s);
while (my @r = $sel->can_read) {
  for my $h (@r) {
    my $n = sysread($h, my $buf, 65536);
    if (fileno($h) == fileno($s)) { exit 0 unless $n; my $o = 0; while ($o < $n) { my $w = syswrite(STDOUT, $buf, $n - $o, $o); exit 0 unless defined $w; $o += $w } }
    elsif (!$n) { $sel->remove(\\*STDIN); shutdown($s, 1) }
    else { my $o = 0; while ($o < $n) { my $w = syswrite($s, $buf, $n - $o, $o); exit 0 unless defined $w; $o += $w } }
  }
}`;

/** A stream to localhost:port in the pod; errors ('error' events) say why it could not connect. */
export function dialPod(home: string, uid: string, port: number): Duplex {
  const network = new PodNetwork(home);
  const ns = network.podNsPath(uid);
  if (!network.podIP(uid) || !fs.existsSync(ns)) return net.connect(port, '127.0.0.1'); // the host network
  const child = spawn(NSENTER, [`--net=${ns}`, '--', 'perl', '-e', RELAY, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const d = Duplex.from({ writable: child.stdin!, readable: child.stdout! });
  child.on('exit', (code) => {
    if (code) d.destroy(new Error(`failed to connect to localhost:${port} inside namespace of pod ${uid}, ${stderr.trim()}`));
  });
  d.on('close', () => child.kill());
  return d;
}
