// The kubelet's spawner: one small perl process, started with the engine, that forks the
// containers' shims. node's spawn() forks the whole engine and waits for the exec, tens of
// milliseconds on a busy machine, with the engine blocked; a fork of a small perl process
// returns at once. The engine asks over a pair of FIFOs and reads the shim's pid back
// synchronously, so start() still knows its shim when it returns. The shims it forks are
// detached (own session, /dev/null for stdio), as spawn(..., { detached: true }) made them; it
// exits when the engine closes its end, and the shims live on, as before; a request left in the
// pipe by an engine that was killed is not carried out. Without perl, or if it fails, the runtime
// falls back to node's spawn.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const SPAWNER = String.raw`use strict; use POSIX ();
my ($req, $rep) = @ARGV;
open(my $in, '<', $req) or exit 1;
open(my $out, '>', $rep) or exit 1;
select((select($out), $| = 1)[0]);
$SIG{CHLD} = 'IGNORE';
my $engine = getppid();
while (defined(my $len = <$in>)) {
  # A request still in the pipe when its engine was killed is dropped: the next engine, finding
  # no shim for the attempt, starts it itself, and two shims must never run one attempt.
  exit 0 if getppid() != $engine;
  chomp $len;
  my $buf = '';
  while (length($buf) < $len) { my $n = read($in, $buf, $len - length($buf), length($buf)); exit 0 unless $n; }
  my ($cwd, $nenv, @rest) = split /\0/, $buf, -1;
  my @env = splice(@rest, 0, $nenv);
  my ($exe, @args) = @rest;
  # Replied once the child has exec'd (the pipe closes on exec), as node's spawn does: until then
  # its command line is the spawner's, and the kubelet would not recognise the shim in /proc.
  pipe(my $er, my $ew) or do { print $out "E$!\n"; next; };
  my $pid = fork();
  if (!defined $pid) { print $out "E$!\n"; close $er; close $ew; next; }
  if ($pid == 0) {
    close $er;
    $SIG{CHLD} = 'DEFAULT';
    POSIX::setsid();
    chdir($cwd) or POSIX::_exit(127);
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null'); open(STDERR, '>', '/dev/null');
    %ENV = map { my $i = index($_, '='); (substr($_, 0, $i), substr($_, $i + 1)) } @env;
    exec { $exe } $exe, @args;
    syswrite($ew, "$!");
    POSIX::_exit(127);
  }
  close $ew;
  my $err = '';
  sysread($er, $err, 512);
  close $er;
  print $out ($err eq '' ? "$pid\n" : "E$err\n");
}
`;

interface Channel {
  req: number;
  rep: number;
  child: ReturnType<typeof spawn>;
  dir: string;
}

export class Spawner {
  private ch?: Channel;
  private broken = false;

  constructor(
    private readonly runDir: string,
    private readonly perl: string | null,
  ) {}

  /** Starts exe detached (own session, stdio /dev/null) and returns its pid; undefined when it could not. */
  spawnDetached(exe: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }): number | undefined {
    const ch = this.channel();
    if (ch) {
      const env = Object.entries(opts.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
      const fields = [opts.cwd ?? process.cwd(), String(env.length), ...env, exe, ...args];
      if (!fields.some((f) => f.includes('\0'))) {
        const payload = Buffer.from(fields.join('\0'));
        try {
          writeAll(ch.req, Buffer.concat([Buffer.from(`${payload.length}\n`), payload]));
          const line = readLine(ch.rep);
          const pid = Number(line);
          if (line !== undefined && pid > 0) return pid;
          if (line !== undefined && line.startsWith('E')) return undefined; // fork failed: as a failed spawn
        } catch {
          /* the spawner is gone: node's spawn from now on */
        }
        this.close();
        this.broken = true;
      }
    }
    const child = spawn(exe, args, { cwd: opts.cwd, detached: true, stdio: 'ignore', env: opts.env });
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  }

  close(): void {
    const ch = this.ch;
    this.ch = undefined;
    if (!ch) return;
    for (const fd of [ch.req, ch.rep]) try { fs.closeSync(fd); } catch { /* closed */ }
    fs.rmSync(ch.dir, { recursive: true, force: true });
  }

  private channel(): Channel | undefined {
    if (this.ch || this.broken || !this.perl) return this.ch;
    this.broken = true; // until it works
    let dir: string | undefined;
    let repNB: number | undefined;
    try {
      fs.mkdirSync(this.runDir, { recursive: true, mode: 0o700 });
      // One engine per state directory: FIFOs left by an engine that was killed are stale.
      for (const f of fs.readdirSync(this.runDir)) if (f.startsWith('spawner-')) fs.rmSync(path.join(this.runDir, f), { recursive: true, force: true });
      dir = fs.mkdtempSync(path.join(this.runDir, 'spawner-'));
      const req = path.join(dir, 'req');
      const rep = path.join(dir, 'rep');
      if (spawnSync('mkfifo', ['-m', '600', req, rep]).status !== 0) throw new Error('mkfifo failed');
      // The reply FIFO is opened without blocking first, so that the spawner's open for writing
      // does not wait; the request FIFO opens for writing once the spawner has it open.
      repNB = fs.openSync(rep, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const child = spawn(this.perl, ['-e', SPAWNER, req, rep], { stdio: 'ignore' });
      child.on('error', () => undefined);
      child.unref();
      let reqFd: number | undefined;
      const end = Date.now() + 5000;
      while (reqFd === undefined) {
        try {
          reqFd = fs.openSync(req, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > end || child.exitCode !== null) throw e;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        }
      }
      // Blocking from now on: the spawner holds the write end (or will in a moment).
      const repFd = fs.openSync(rep, fs.constants.O_RDONLY);
      fs.closeSync(repNB);
      this.ch = { req: reqFd, rep: repFd, child, dir };
      this.broken = false;
      return this.ch;
    } catch {
      if (repNB !== undefined) try { fs.closeSync(repNB); } catch { /* closed */ }
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

const one = Buffer.alloc(64);
/** One reply line (short: a pid or an error); undefined at end of file. */
function readLine(fd: number): string | undefined {
  let s = '';
  for (;;) {
    const n = fs.readSync(fd, one, 0, one.length, null);
    if (n === 0) return undefined;
    s += one.toString('utf8', 0, n);
    const i = s.indexOf('\n');
    if (i >= 0) return s.slice(0, i);
  }
}
