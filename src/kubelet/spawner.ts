// The kubelet's spawner: one small perl process, started with the engine, that forks the
// containers' shims. node's spawn() forks the whole engine and waits for the exec, tens of
// milliseconds on a busy machine, with the engine blocked; a fork of a small perl process
// returns at once. The engine writes requests on the spawner's stdin and reads the shims' pids
// from its stdout without waiting for them (by --cpu-prof, waiting for each reply was a tenth of
// the engine's time per pod): done(pid) is called once the shim has exec'd. The shims it forks
// are detached (own session, /dev/null for stdio), as spawn(..., { detached: true }) made them;
// it exits when the engine closes its end, and the shims live on, as before; a request left in
// the pipe by an engine that was killed is not carried out. Without perl, or if it fails, the
// runtime falls back to node's spawn.
//
// A container's shim (shim.ts) is not exec'd as a new perl: the spawner compiles the shim's
// program once and each fork runs it (spawnShim). A new perl per container was most of perl's
// share of a Job's CPU (about 3.4 ms a shim: the exec, perl's start and the parse, against
// 0.13 ms for the fork). The fork names itself "kjob-shim <attempt dir>" ($0), the command line
// by which the runtime knows a shim in /proc (runtime.ts isShimOf).
//
// Where kjob's native shim was built (shim.c, `kjob-shim`), it is the spawner instead
// (`kjob-shim --spawner`, the same requests and replies), and each shim is a thread of it: no
// perl on a pod's way at all, and no process per shim (shim.c's spawner_main says what that
// saved). Its reply for a shim is then "PID:TID:FD" (runtime.ts liveShim), and the spawner, the
// monitor of its containers' shims, lives on past its engine until its last shim ends.
import { spawn } from 'node:child_process';
import { HelperProcess } from './helper_process.js';
import { SHIM, perlShimArgs, spawnerSyscalls } from './shim.js';
import { SHIM_TITLE } from '../util/process.js';

const SPAWNER = String.raw`use strict;
my ($in, $out) = (\*STDIN, \*STDOUT);
$| = 1;
$SIG{PIPE} = 'IGNORE';
$SIG{CHLD} = 'IGNORE';
my $engine = getppid();
my ($title, $shim_code, $sys_setsid, $sys_exit) = @ARGV;
$_ += 0 for $sys_setsid, $sys_exit;
# Raw syscalls rather than POSIX, whose thousands of names would be heap that every fork shares
# and then copies a page at a time as either side writes; POSIX only where the numbers are not
# known, loaded once here rather than in each fork.
require POSIX if !$sys_setsid || !$sys_exit;
sub new_session { $sys_setsid ? syscall($sys_setsid) : POSIX::setsid() }
# A fork leaves by _exit(2): perl's own exit would first visit every object of the heap it shares
# with the spawner, writing to (and so copying) each of its pages.
sub hard_exit { syscall($sys_exit, $_[0]) if $sys_exit; POSIX::_exit($_[0]) }
# A named sub, called once per fork: the shim's own named subs then share the variables of that
# first call (nested in an anonymous sub they would see others, never set).
my $shim = defined $shim_code && eval("sub kjob_shim_main {\n$shim_code\n}\n1") ? \&kjob_shim_main : undef;
while (defined(my $len = <$in>)) {
  # A request still in the pipe when its engine was killed is dropped: the next engine, finding
  # no shim for the attempt, starts it itself, and two shims must never run one attempt.
  exit 0 if getppid() != $engine;
  chomp $len;
  my $buf = '';
  while (length($buf) < $len) { my $n = read($in, $buf, $len - length($buf), length($buf)); exit 0 unless $n; }
  # Replied once the child has exec'd (the pipe closes on exec), as node's spawn does: until then
  # its command line is the spawner's, and the kubelet would not recognise the shim in /proc.
  pipe(my $er, my $ew) or do { print $out "E$!\n"; next; };
  my $pid = fork();
  if (!defined $pid) { print $out "E$!\n"; close $er; close $ew; next; }
  if ($pid == 0) {
    close $er;
    # The request is read here, not in the spawner: after each fork, every page the spawner
    # writes is copied for it (copy-on-write), and the fields of a request (the pod's whole
    # environment) were most of what it wrote between two forks.
    my ($cwd, $nenv, @rest) = split /\0/, $buf, -1;
    my @env = splice(@rest, 0, $nenv);
    my ($exe, @args) = @rest;
    $SIG{CHLD} = 'DEFAULT';
    $SIG{PIPE} = 'DEFAULT'; # an ignored signal stays ignored across exec: the shim gets the defaults
    new_session();
    chdir($cwd) or hard_exit(127);
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null'); open(STDERR, '>', '/dev/null');
    %ENV = map { my $i = index($_, '='); (substr($_, 0, $i), substr($_, $i + 1)) } @env;
    if ($exe eq '') {
      # A shim (spawnShim): run here once /proc shows its name, else as a new perl.
      $0 = "$title $args[0]";
      my $cmd = '';
      if (open(my $c, '<', '/proc/self/cmdline')) { sysread($c, $cmd, 65536); close $c }
      if ($shim && $cmd =~ /^\Q$0\E\0*$/) {
        close $ew;
        @ARGV = @args;
        eval { $shim->() };
        hard_exit($@ ? 255 : 0);
      }
      ($exe, @args) = ($^X, '-e', $shim_code, '--', @args);
    }
    exec { $exe } $exe, @args;
    syswrite($ew, "$!");
    hard_exit(127);
  }
  close $ew;
  my $err = '';
  sysread($er, $err, 512);
  close $er;
  print $out ($err eq '' ? "$pid\n" : "E$err\n");
}
`;

/**
 * The spawner's own environment (the native one adds the engine's TZ and the state directory):
 * the programs and shims it starts give theirs their request's environment. Not the engine's (a
 * user's shell: tens of variables): a fork freeing them wrote to as many pages
 * of the heap it shares with the spawner, each then copied (a Job of 100 with this machine's 39
 * variables: 17 page faults a pod fewer). Not empty either: perl pads a changed $0 with spaces
 * when no environment follows argv in memory, and /proc/PID/cmdline would then not read as the
 * shim's name.
 */
const SPAWNER_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

export type SpawnDone = (pid: number | undefined) => void;
/** A shim started: its pid, or the native spawner's "PID:TID:FD" for a shim thread (which has recorded that itself). */
export type ShimDone = (shim: number | string | undefined) => void;

/** A shim thread's "PID:TID:FD" (shim.c shim_thread, in its reply and its attempt's `shimpid`), as numbers. */
export function shimThreadRef(text: string): { pid: number; tid: number; fd: number } | undefined {
  const m = /^(\d+):(\d+):(\d+)\n?$/.exec(text);
  return m ? { pid: Number(m[1]), tid: Number(m[2]), fd: Number(m[3]) } : undefined;
}

export class Spawner {
  private worker?: HelperProcess;

  /**
   * native: the native shim (shim.ts nativeShim()), which then spawns and runs the shims; else
   * perl's spawner and shim. shim: the program a perl shim's fork runs (shim.ts's SHIM; another
   * only in tests).
   */
  constructor(
    private readonly perl: string | null,
    private readonly shim: string = SHIM,
    private readonly native: string | null = null,
    /** The state directory, in the native spawner's environment: its shims' processes are the home's (util/process.ts processesOf). */
    private readonly home?: string,
  ) {}

  /**
   * Starts exe detached (own session, stdio /dev/null); done(pid) once it runs its program, or
   * done(undefined) when it could not. done may be called before this returns (node's spawn).
   */
  spawnDetached(exe: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }, done: SpawnDone): void {
    if (!this.request(exe, args, opts, (pid) => done(typeof pid === 'number' ? pid : undefined))) done(nodeSpawn(exe, args, opts));
  }

  /** Whether there is a shim program here (the native one or perl's) for spawnShim. */
  get runsShims(): boolean {
    return this.native !== null || this.perl !== null;
  }

  /**
   * Starts a container's shim (shim.ts; args: shimOperands()) detached, as spawnDetached would
   * start `kjob-shim args` or `perl -e SHIM -- args`: a thread of the native spawner, or a fork of
   * perl's that runs the shim's code (compiled once), named "kjob-shim <attempt dir>".
   */
  spawnShim(args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }, done: ShimDone): void {
    if (this.request('', args, opts, done)) return;
    // The native shim's argv[0] is its name, as when its spawner execs one (runtime.ts isShimOf).
    done(this.native ? nodeSpawn(this.native, args, opts, SHIM_TITLE) : nodeSpawn(this.perl ?? 'perl', perlShimArgs(args, this.shim), opts));
  }

  /** Asks the spawner to start exe ('': the shim itself); false when it cannot be asked. */
  private request(exe: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }, done: ShimDone): boolean {
    const worker = this.channel();
    if (!worker) return false;
    const env = Object.entries(opts.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
    const fields = [opts.cwd ?? process.cwd(), String(env.length), ...env, exe, ...args];
    if (fields.some((f) => f.includes('\0'))) return false;
    const payload = Buffer.from(fields.join('\0'));
    // A spawner gone before it answered is as a failed spawn: the kubelet finds no shim for
    // the attempt and starts it again (with node's spawn from then on).
    worker.request(Buffer.concat([Buffer.from(`${payload.length}\n`), payload]), (line) => done(line !== undefined && shimThreadRef(line) ? line : Number(line) > 0 ? Number(line) : undefined));
    return true;
  }

  /** The spawner's process, once started. */
  get pid(): number | undefined {
    return this.worker?.pid;
  }

  /** Starts the spawner now rather than at the first request. */
  warm(): void {
    this.channel();
  }

  close(): void {
    this.worker?.close();
  }

  private channel(): HelperProcess | undefined {
    if (!this.worker && this.native) {
      // Its threads' log names are in the engine's zone (shim.c rotate).
      const env: NodeJS.ProcessEnv = { ...SPAWNER_ENV, ...(process.env.TZ ? { TZ: process.env.TZ } : {}), ...(this.home ? { KJOB_HOME: this.home } : {}) };
      this.worker = new HelperProcess(this.native, ['--spawner'], env);
    }
    if (!this.worker && this.perl) {
      const sys = spawnerSyscalls();
      this.worker = new HelperProcess(this.perl, ['-e', SPAWNER, SHIM_TITLE, this.shim, String(sys.setsid), String(sys.exitGroup)], SPAWNER_ENV);
    }
    if (!this.worker) return undefined;
    return this.worker.alive ? this.worker : undefined;
  }
}

function nodeSpawn(exe: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }, argv0?: string): number | undefined {
  const child = spawn(exe, args, { cwd: opts.cwd, detached: true, stdio: 'ignore', env: opts.env, ...(argv0 ? { argv0 } : {}) });
  child.on('error', () => undefined);
  child.unref();
  return child.pid;
}
