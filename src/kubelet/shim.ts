// The container shim: one small perl process per container attempt that does the work of
// containerd's shim and of its CRI logger (internal/cri/io/logger.go) together.
//
// Why perl: Jobs start hundreds of pods, and a node process per container costs ~20 ms of CPU and
// ~38 MB (bench/shim.mjs); perl is always there on Debian (perl-base is Essential) and starts in
// a few ms. The program loads no module at all (not even POSIX, which alone costs 5 ms to load):
// setsid and clock_gettime are raw syscalls whose numbers the runtime passes in for this machine's
// architecture. Where they are not known (0), the container is started through setsid(1) and
// times come from Time::HiRes (microseconds, padded to nine digits) or, without it, whole seconds.
//
// Its own files (pid, exit, the log, the note) are private (umask 077); the container gets a
// runtime's usual 022 back. Before it execs, the container's process makes its cgroups (the
// runtime's plan: cgroups.ts planAttempt; a step that fails is a `starterror` in runc's words and
// exit 128, the container never runs), moves itself into them (writing 0 to cgroup.procs moves the
// writer) and enters the pod's network namespace (setns(2)), as the runtime, its CONTAINER_INIT
// and nsenter(1) do for the shim without perl: two programs fewer to start per container, and the
// kernel's cgroup lock waited for here rather than on the engine's one thread.
//
// What it does, in order:
//  1. opens the log file (append), makes two pipes, forks the container: own session (so the
//     kubelet signals its process group and this shim survives to record the exit), stdin
//     /dev/null, stdout and stderr to the pipes; writes <attempt>/pid (tmp + rename).
//     A container with `stdin: true` gets a pipe for its stdin instead, which a relay (a fork of
//     the shim, containerd's stdin copier) fills from the attempt's FIFO (stdin_fifo.ts), where an attach
//     (kubectl run -i, attach, debug -i: src/kubelet/attach.ts) writes: the relay opens the FIFO
//     (waiting for a client), copies until the client closes it, and then, with `stdinOnce`,
//     closes the container's stdin (it reads EOF); without, it waits for the next client. The
//     FIFO is in the attempt directory, under kjob's state directory, which no pod can see. The
//     shim ends the relay once the container has ended. For a container with `tty: true` (its
//     command runs under script(1), exec.ts withTerminal), a piece of a line is logged at once as
//     a P record, so that an attached user sees a prompt that has no newline yet.
//  2. copies both pipes into the log in the CRI format, `<RFC3339Nano> <stdout|stderr> <F|P>
//     <content>` per line: F for a whole line (its "\n", or "\r\n" as containerd drops it, not
//     kept), P for a piece of a line longer than maxLine (containerd's max_container_log_line_size,
//     16 KiB) and for a last line that ended without a newline. The timestamp is the UTC time, in
//     nanoseconds, of the read that brought the bytes (containerd stamps each line as it writes
//     it; the difference is within one read). Always nine fraction digits, where containerd's
//     RFC3339Nano drops trailing zeros: the kubelet reads both.
//  3. rotates as the kubelet's container log manager does at its defaults (containerLogMaxSize,
//     containerLogMaxFiles), but here, as the file fills, rather than every 10 s: before a write
//     would take N.log past maxSize it removes the oldest rotated files beyond maxFiles-2,
//     renames N.log to N.log.<YYYYMMDD-hhmmss> (local time, as the kubelet names them) and reopens
//     N.log. So no file passes maxSize and at most maxFiles are kept. A second already used takes
//     the next one, so names stay unique and in order: output faster than maxSize a second runs
//     the names ahead of the clock by a second per extra rotation. (The kubelet also gzips all but
//     the newest rotated file; kjob does not.)
//  4. once the container has ended and what it wrote is read (both pipes at EOF, or, when
//     processes it left behind keep them open, whatever they hold right now), reaps it as the
//     runtime's reapAttempt would: kills what is left of its process group and cgroups, writes
//     <attempt>/reason (OOMKilled when the kernel OOM-killed in them), removes the cgroups (and the
//     pod's, once empty) and writes <attempt>/reaped; cgroups still busy after 0.2 s are left to
//     the runtime, without `reaped`. Then it writes <attempt>/exit
//     "<code> <finishedAt, ms>" (tmp + rename; 128+signal for a signalled container, as sh's wait
//     reports it) and touches the notification file: the protocol at the top of runtime.ts.
//  5. keeps copying what the pipes still hold until they close (what the killed leftovers wrote last).
// As under containerd, a container that writes faster than its log is written waits on a full
// pipe; one that closes its stdout and stderr early is still waited for.
//
// The same program in C (shim.c) is what runs where it was built (nativeShim): same operands,
// same files; this perl program is the shim where there was no C compiler. The native one also,
// when the runtime asks (ShimSpec.detachMounts), starts a sandbox from a mount table without
// the node's network namespace files; this one takes the operand and does not.
import { fileURLToPath } from 'node:url';
import { isExecutableFile } from './lookup.js';
import { syscallsFor } from './linux_abi.js';

/**
 * The native shim (shim.c), built into dist/kubelet/kjob-shim by scripts/build.mjs where a C
 * compiler was found; null where it was not (the perl shim runs), or with KJOB_NATIVE_SHIM=0 (to
 * compare the two). Found from dist/kubelet/ and from src/kubelet/ (the tests) alike.
 */
export function nativeShim(): string | null {
  if (nativeShimPath === undefined) {
    const p = fileURLToPath(new URL('../../dist/kubelet/kjob-shim', import.meta.url));
    nativeShimPath = process.env.KJOB_NATIVE_SHIM !== '0' && isExecutableFile(p) ? p : null;
  }
  return nativeShimPath;
}
let nativeShimPath: string | null | undefined;

/** containerd's default max_container_log_line_size. */
export const MAX_LOG_LINE = 16 * 1024;
/** The kubelet's containerLogMaxSize default (10Mi). */
export const CONTAINER_LOG_MAX_SIZE = 10 * 1024 * 1024;
/** The kubelet's containerLogMaxFiles default. */
export const CONTAINER_LOG_MAX_FILES = 5;

/** Whether the shim can enter a network namespace itself here (setns(2)); if not, nsenter(1) does. */
export function shimEntersNetns(arch: string = process.arch): boolean {
  return (setnsSyscall(arch) ?? 0) > 0;
}

/** setns(2)'s number for perl's syscall() here, if known. */
export function setnsSyscall(arch: string = process.arch): number | undefined {
  return syscallsFor(arch)?.setns;
}

/** setsid(2) and exit_group(2) for perl's syscall() here (the spawner's), 0 where not known. */
export function spawnerSyscalls(arch: string = process.arch): { setsid: number; exitGroup: number } {
  const sys = syscallsFor(arch);
  return { setsid: sys?.setsid ?? 0, exitGroup: sys?.exitGroup ?? 0 };
}

export interface ShimSpec {
  attemptDir: string;
  logPath: string;
  /** touched once the exit is recorded */
  note: string;
  argv: string[];
  maxLine?: number;
  maxSize?: number;
  maxFiles?: number;
  /** the FIFO an attach writes the container's stdin to (spec.stdin); none: /dev/null */
  stdinFifo?: string;
  /** spec.stdinOnce: the container's stdin closes after the first attach ends */
  stdinOnce?: boolean;
  /** spec.tty: a piece of a line is logged (a P record) as soon as it is read, so that a prompt shows */
  tty?: boolean;
  /** the attempt's cgroups (cgroups.ts cgroupsText): made by the container's process, which moves itself into them before it execs, and removed once it ended */
  cgroups?: string;
  /** the network namespace (a /run/netns file) it enters before it execs; only where shimEntersNetns() */
  netns?: string;
  /**
   * A host directory of mounts the command needs none of (the node's namespace files, network.ts
   * NETNS_DIR, for a sandbox no volume of which reaches them: the kubelet asks, and the runtime
   * passes it on only with a netns the shim enters itself, as nsenter opens its file there): the native shim's
   * container process detaches it from the mount table bubblewrap starts from, since bubblewrap's
   * start reads the whole table once for each of its bind mounts (shim.c detach_mounts). The perl
   * shim does not.
   */
  detachMounts?: string;
}

/** perl's arguments for one container attempt. */
export function shimArgs(s: ShimSpec, arch: string = process.arch): string[] {
  return perlShimArgs(shimOperands(s, arch));
}

/** perl's arguments that run the shim as a program of its own, with these operands (shimOperands()). */
export function perlShimArgs(operands: string[], shim: string = SHIM): string[] {
  return ['-e', shim, '--', ...operands];
}

/** The shim program's own arguments (its @ARGV) for one container attempt: the attempt directory first. */
export function shimOperands(s: ShimSpec, arch: string = process.arch): string[] {
  const sys = syscallsFor(arch) ?? { setsid: 0, clockGettime: 0, setns: 0 };
  if (s.netns && !sys.setns) throw new Error(`the shim cannot enter a network namespace on ${arch}: nsenter must (shimEntersNetns)`);
  return [
    s.attemptDir, s.logPath, s.note,
    String(s.maxLine ?? MAX_LOG_LINE), String(s.maxSize ?? CONTAINER_LOG_MAX_SIZE), String(s.maxFiles ?? CONTAINER_LOG_MAX_FILES),
    String(sys.setsid), String(sys.clockGettime),
    s.stdinFifo ?? '', s.stdinOnce ? '1' : '0', s.tty ? '1' : '0',
    s.cgroups ?? '', s.netns ?? '', String(s.netns ? sys.setns : 0), s.detachMounts ?? '',
    ...s.argv,
  ];
}

// Kept free of comments and blank lines: it travels on every shim's command line. The header
// above explains it; the names say the rest.
export const SHIM = String.raw`use strict;
umask 077;
my ($dir, $log, $note, $maxline, $maxsize, $maxfiles, $sys_setsid, $sys_clock, $stdin, $once, $tty, $cg, $netns, $sys_setns, $detach, @cmd) = @ARGV;
$_ += 0 for $maxline, $maxsize, $maxfiles, $sys_setsid, $sys_clock, $sys_setns;
my ($logdir, $logbase) = $log =~ m{^(.*)/([^/]+)$};
my $lf;
open($lf, '>>', $log) or open($lf, '>', '/dev/null') or die;
my $size = -s $lf || 0;
pipe(my $out_r, my $out_w) or die;
pipe(my $err_r, my $err_w) or die;
my ($in_r, $in_w, $relay);
if (length $stdin) { pipe($in_r, $in_w) or die }
my $pid = fork;
die unless defined $pid;
if (!$pid) {
  close $out_r; close $err_r; close $lf;
  close $in_w if $in_w;
  syscall($sys_setsid) if $sys_setsid;
  if ($in_r) { open(STDIN, '<&', $in_r); close $in_r } else { open(STDIN, '<', '/dev/null') }
  open(STDOUT, '>&', $out_w); open(STDERR, '>&', $err_w);
  umask 022;
  for (split /\n/, $cg) {
    my ($op, $p, $v) = split /\t/;
    if ($op eq 'join') { my $c; open($c, '>', $p) && defined(syswrite($c, "0")) or do { syswrite STDERR, "kjob: cannot join the cgroup $p: $!\n"; exit 128 }; close $c; next }
    my $at = $op eq 'enable' ? "$p/cgroup.subtree_control" : $p;
    next if $op eq 'mkdir' ? mkdir($p) || $! == 17 : $op eq 'enable' ? cgenable($at, $v) : cgwrite($p, $v, $op eq 'write?');
    my $m = ($op eq 'mkdir' ? 'mkdir' : 'write') . " $at: " . lcfirst("$!");
    $m =~ s/(["\\])/\\$1/g;
    wfile("$dir/starterror", "{\"cgroup\":\"$m\"}");
    exit 128;
  }
  if (length $netns) {
    my $n;
    open($n, '<', $netns) && syscall($sys_setns, fileno($n), 0x40000000) == 0 or do { syswrite STDERR, "kjob: cannot enter the network namespace $netns: $!\n"; exit 1 };
    close $n;
  }
  my @run = $sys_setsid ? @cmd : ('setsid', @cmd);
  exec { $run[0] } @run;
  my $errno = $! + 0; my $msg = "$!";
  syswrite STDERR, "exec $cmd[0]: $msg\n";
  exit($errno == 2 ? 127 : 126);
}
close $out_w; close $err_w;
if ($in_r) {
  close $in_r;
  $relay = fork;
  if (defined $relay && !$relay) {
    close $out_r; close $err_r; close $lf;
    $SIG{PIPE} = 'DEFAULT';
    while (1) {
      open(my $f, '<', $stdin) or exit 0;
      while (1) {
        my $n = sysread($f, my $buf, 65536);
        next if !defined $n && $! == 4;
        last unless $n;
        my $o = 0;
        while ($o < $n) { my $w = syswrite($in_w, $buf, $n - $o, $o); if (!defined $w) { next if $! == 4; exit 0 } $o += $w }
      }
      close $f;
      exit 0 if $once;
    }
  }
  close $in_w;
}
sub wfile { my ($f, $s) = @_; open(my $h, '>', "$f.tmp") or return; print $h $s; close $h; rename "$f.tmp", $f }
sub cgwrite { my ($f, $v, $optional) = @_; my $h; open($h, '>', $f) or return $optional && $! == 2; defined(syswrite($h, $v)) or return 0; close $h; 1 }
sub cgenable {
  my ($f, $want) = @_;
  open(my $h, '<', $f) or return 0;
  my %have = map { $_ => 1 } split ' ', do { local $/; <$h> };
  close $h;
  my @add = grep { !$have{$_} } split ' ', $want;
  return !@add || cgwrite($f, join(' ', map { "+$_" } @add));
}
sub reap {
  my @leaves = map { m{^join\t(.*)/cgroup\.procs$} ? $1 : () } split /\n/, $cg;
  my @pods = map { m{^(.*)/[^/]+$} } @leaves;
  kill '-KILL', $pid;
  my $oom = 0;
  for my $l (@leaves) {
    for my $f ('memory.events', 'memory.oom_control') { open(my $h, '<', "$l/$f") or next; my $s = do { local $/; <$h> }; $oom = 1 if $s =~ /^oom_kill (\d+)$/m && $1 > 0 }
    my $k;
    next if open($k, '>', "$l/cgroup.kill") && defined syswrite($k, '1');
    for (1 .. 5) { open(my $h, '<', "$l/cgroup.procs") or last; my @p = grep { $_ } split /\n/, do { local $/; <$h> }; last unless @p; kill 'KILL', @p }
  }
  wfile("$dir/reason", $oom ? "OOMKilled\n" : "\n");
  for my $try (1 .. 20) {
    @leaves = grep { !rmdir($_) && $! != 2 } @leaves;
    last unless @leaves;
    select(undef, undef, undef, 0.01);
  }
  return if @leaves;
  rmdir $_ for @pods;
  unlink "$dir/cgroup";
  wfile("$dir/reaped", '');
}
wfile("$dir/pid", "$pid\n");
my $hires = !$sys_clock && eval { require Time::HiRes; 1 };
my $tsbuf = "\0" x 16;
my ($stamp_sec, $stamp_prefix) = (-1, '');
sub stamp {
  my ($s, $ns);
  if ($sys_clock && syscall($sys_clock, 0, $tsbuf) == 0) { ($s, $ns) = unpack('q q', $tsbuf) }
  elsif ($hires) { my $us; ($s, $us) = Time::HiRes::gettimeofday(); $ns = $us * 1000 }
  else { ($s, $ns) = (time, 0) }
  if ($s != $stamp_sec) { my @t = gmtime $s; $stamp_prefix = sprintf('%04d-%02d-%02dT%02d:%02d:%02d', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0]); $stamp_sec = $s }
  return sprintf('%s.%09dZ', $stamp_prefix, $ns);
}
my $too_long = qr/^[^\n]{@{[$maxline + 1]}}/m;
my %carry = (stdout => '', stderr => '');
sub take {
  my ($stream, $data) = @_;
  my $b = $carry{$stream} . $data;
  my $h = stamp() . " $stream ";
  my ($hf, $hp) = ($h . 'F ', $h . 'P ');
  my $end = rindex($b, "\n") + 1;
  my $out = '';
  if ($end) {
    my $lines = substr($b, 0, $end);
    if (index($lines, "\r") < 0 && $lines !~ $too_long) {
      $lines =~ s/^/$hf/mg;
      $out = $lines;
    } else {
      my $p = 0;
      while ($p < $end) {
        my $nl = index($b, "\n", $p);
        my $len = $nl - $p;
        $len-- if $len && substr($b, $nl - 1, 1) eq "\r";
        while ($len > $maxline) { $out .= $hp . substr($b, $p, $maxline) . "\n"; $p += $maxline; $len -= $maxline }
        $out .= $hf . substr($b, $p, $len) . "\n";
        $p = $nl + 1;
      }
    }
  }
  my $rest = substr($b, $end);
  $out .= $hp . substr($rest, 0, $maxline, '') . "\n" while length($rest) > $maxline;
  if ($tty && length $rest) { $out .= $hp . $rest . "\n"; $rest = '' }
  $carry{$stream} = $rest;
  return $out;
}
sub finish {
  my ($stream) = @_;
  my $rest = $carry{$stream};
  $carry{$stream} = '';
  return length($rest) ? stamp() . " $stream P $rest\n" : '';
}
my $last_rotation = 0;
sub rotate {
  if (opendir(my $dh, $logdir)) {
    my @old = sort grep { /^\Q$logbase\E\.\d{8}-\d{6}$/ } readdir $dh;
    closedir $dh;
    unlink "$logdir/" . shift(@old) while @old > $maxfiles - 2;
  }
  my $t = time;
  $t = $last_rotation + 1 if $t <= $last_rotation;
  my $name;
  while (1) {
    my @l = localtime $t;
    $name = sprintf('%s.%04d%02d%02d-%02d%02d%02d', $log, $l[5] + 1900, $l[4] + 1, @l[3, 2, 1, 0]);
    last unless -e $name;
    $t++;
  }
  $last_rotation = $t;
  rename $log, $name;
  close $lf;
  open($lf, '>>', $log) or open($lf, '>', '/dev/null');
  $size = 0;
}
sub wr {
  my ($s) = @_;
  my $off = 0;
  while ($off < length $s) {
    my $n = syswrite($lf, $s, length($s) - $off, $off);
    if (!defined $n) { next if $! == 4; last }
    $off += $n;
  }
  $size += $off;
}
sub put {
  my ($s) = @_;
  return unless length $s;
  if ($size + length($s) <= $maxsize) { wr($s); return }
  for my $r (split /(?<=\n)/, $s) { rotate() if $size && $size + length($r) > $maxsize; wr($r) }
}
my %open = (stdout => $out_r, stderr => $err_r);
sub pump {
  my ($timeout) = @_;
  my $rin = '';
  vec($rin, fileno($open{$_}), 1) = 1 for keys %open;
  my $n = select(my $rout = $rin, undef, undef, $timeout);
  return 0 if $n <= 0;
  my $out = '';
  for my $s ('stdout', 'stderr') {
    my $h = $open{$s} or next;
    next unless vec($rout, fileno($h), 1);
    my $r = sysread($h, my $buf, 65536);
    next if !defined $r && $! == 4;
    if ($r) { $out .= take($s, $buf) } else { $out .= finish($s); close $h; delete $open{$s} }
  }
  put($out);
  return $n;
}
$SIG{CHLD} = sub {};
my ($status, $budget);
while (%open) {
  my $n = pump(defined $status ? 0 : 1);
  if (!defined $status && waitpid($pid, 1) == $pid) { $status = $?; $budget = 16 }
  last if defined $status && ($n == 0 || --$budget <= 0);
}
if (!defined $status) { waitpid($pid, 0); $status = $? }
my $code = $status & 127 ? 128 + ($status & 127) : $status >> 8;
if ($relay) { kill 'KILL', $relay; waitpid($relay, 0) }
reap();
wfile("$dir/exit", "$code " . substr(stamp(), 0, 23) . "Z\n");
if (open(my $t, '>', $note)) { close $t }
pump(undef) while %open;
`;
