// The command server: one long-lived node process per state directory that runs the commands
// bin/kjob forwards to it (bin/command-client.js), one at a time, in the same process, so that a
// command pays neither node's start nor loading kjob's code, and runs code V8 has already
// compiled (measured: `apply` of a ConfigMap, the whole command, ran 20 ms cold in a fresh
// process against about 3 warm). main() is the same function a fresh process runs; the tests run
// it many times in one process, which is what keeps a second command from seeing a first one's
// state. Which command lines are forwarded (a verb that ends by itself; no terminal, but for the
// native client's) is bin/kjob's forwardable(); the clients are bin/command-client.js and, where
// the build made it, the native src/cli/command_client.c, which bin/kjob's shell part runs first.
//
// A command is refused when the server is busy with another, was built from another bundle, or was
// started with another environment (the server runs every command with the client's environment,
// but the modules read some of it as they load). A state directory has a small pool of servers,
// each on a socket of its own (slots 0 to bin/command-client.js's COMMAND_SERVERS - 1): the client
// tries them in turn, starts the first one missing, and runs the command itself when every one is
// busy or refused it. So commands run in parallel (`xargs -P`) are each served, and two shells with
// different environments each have one.
import fs from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { FrameReader, frame, type FrameType } from './command_frames.js';
import type { IO } from './io.js';
import { clearStdinSource, setStdinSource } from './io.js';
import { forStderr } from './color.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { processesOf, processStartTicks } from '../util/process.js';

/** The socket of home's command server in slot (0: the one sequential commands use). */
export function commandSocketPath(home: string, slot = 0): string {
  return path.join(home, slot === 0 ? 'command.sock' : `command-${slot}.sock`);
}

/** The slots of home's command sockets there now (any server's, live or left by a killed one). */
function commandSlots(home: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(home);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const m = /^command(?:-([1-9]\d*))?\.sock$/.exec(n);
    return m ? [m[1] === undefined ? 0 : Number(m[1])] : [];
  });
}

/**
 * Now, in the clock of a process's start time in /proc/<pid>/stat (clock ticks, USER_HZ, since
 * boot): this process's own start time and how long it has run, read from the same place as
 * every other process's, so that no other clock (/proc/uptime, which some containers rewrite) is
 * compared with it. Rounded up and a few ticks late (node starts some ms after its fork): a
 * server started just after the stop is taken for one started before it, and waited for too.
 */
function startTicksNow(): number | undefined {
  const own = Number(processStartTicks(process.pid));
  return own > 0 ? own + Math.ceil(process.uptime() * 100) + 5 : undefined;
}

/** home's command servers (by their command line, bin/command-client.js's), each with its slot. */
export function commandServerProcesses(home: string): { pid: number; slot: number }[] {
  const out: { pid: number; slot: number }[] = [];
  processesOf(home, (argv, pid) => {
    const at = argv.indexOf('__command-server');
    const ours = at >= 2 && argv[at - 2] === '--home' && argv[at - 1] === home;
    if (ours) out.push({ pid, slot: Number(argv[at + 1] || 0) });
    return ours;
  });
  return out;
}

/** What a forwarded command carries. */
export interface CommandRequest {
  /** the bundle the client would have run (dist/bundle/current) */
  sha: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** the client's umask: what a command makes (an engine it starts, and so its pods) has it too */
  umask: number;
  /**
   * What else the client's process would pass on to an engine and pods a command starts (its
   * priority, groups, limits, cgroup, namespaces, CPUs: bin/command-client.js processTraits)
   */
  traits: string;
  /**
   * Which of the client's stdin, stdout and stderr are terminals: the native client forwards a
   * terminal's command too (src/cli/command_client.c); node's forwards none, and sends none.
   */
  tty?: [boolean, boolean, boolean];
}

const MAX_RSS_BYTES = 1 << 30;

type Send = (type: FrameType, payload?: Buffer | string) => void;

/**
 * Variables a shell sets per prompt or per process, which no command of kjob reads and which would
 * otherwise refuse every command from another shell.
 */
const VOLATILE_ENV = new Set(['_', 'PWD', 'OLDPWD', 'SHLVL']);

export function sameEnvironment(a: Record<string, string | undefined>, b: Record<string, string | undefined>): boolean {
  const keys = (e: Record<string, string | undefined>) => Object.keys(e).filter((k) => !VOLATILE_ENV.has(k) && e[k] !== undefined).sort();
  const ka = keys(a);
  const kb = keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export interface CommandServerOptions {
  sha: string;
  /** this process's traits (CommandRequest.traits), read as the client reads its own */
  traits: string;
  /** main(): runs one command line, resolves with its exit code */
  run: (argv: string[], io: IO) => Promise<number>;
  /** the launcher's path, as a fresh process's process.argv[1] */
  launcher: string;
  /** which of home's command sockets it listens on (commandSocketPath); 0 unless given */
  slot?: number;
  /** how long without a command before the server leaves */
  idleMs: number;
  /** how often it checks that its socket is still its own (a state directory removed, another server) */
  checkMs?: number;
  /** leaves (process.exit in the real server); tests observe it */
  exit?: (why: string) => void;
  /**
   * Whether the server owns its process (the real server: true): what a command writes to
   * process.stdout and process.stderr itself goes to its client, and an error thrown outside a
   * command's promise is that command's. The unit tests' own process keeps both.
   */
  ownsProcess?: boolean;
}

/**
 * Listen on home's command socket and serve until idle. Resolves with the server once it listens;
 * undefined when another server answers there already.
 */
export async function serveCommands(home: string, opts: CommandServerOptions): Promise<net.Server | undefined> {
  const sockPath = commandSocketPath(home, opts.slot);
  const exitProcess = opts.exit ?? (() => process.exit(0));
  let exited = false;
  // Once: the idle timer, the socket's check and a command's end may each decide it in one turn.
  const exit = (why: string) => {
    if (exited) return;
    exited = true;
    clearInterval(check);
    if (idle) clearTimeout(idle);
    exitProcess(why);
  };
  const baseEnv = { ...process.env } as Record<string, string>;
  const baseCwd = process.cwd();
  let busy = false;
  let stopping = false;
  /** the command that runs: its client's connection, and how its frames go there */
  let running: { sock: net.Socket; send: Send } | undefined;
  let idle: NodeJS.Timeout | undefined;
  let ownIno: number | undefined;
  let check: NodeJS.Timeout | undefined;

  // What the command writes to process.stdout or process.stderr itself goes to the client too;
  // between commands, nowhere. Each a stable object: io.ts wraps the streams' getters once.
  // isTTY: whether the client's own stream is a terminal (CommandRequest.tty), for each command.
  const relay = (type: 'O' | 'E') =>
    Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          running?.send(type, chunk);
          cb();
        },
      }),
      { isTTY: false },
    );
  const streams = { stdout: relay('O'), stderr: relay('E') };
  if (opts.ownsProcess !== false) {
    for (const name of ['stdout', 'stderr'] as const) Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => streams[name] });
  }

  let stdinWanted: ((s: string) => void) | undefined;
  let stdinChunks: Buffer[] = [];
  const stdinSource = () =>
    new Promise<string>((resolve) => {
      stdinWanted = resolve;
      stdinChunks = [];
      running?.send('I');
    });
  setStdinSource(stdinSource);

  const armIdle = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      if (!busy) leave('idle');
    }, opts.idleMs);
    // The listening socket keeps the process; the timer only ends it.
    idle.unref();
  };

  const removeOwnSocket = () => {
    try {
      if (fs.statSync(sockPath).ino === ownIno) fs.rmSync(sockPath);
    } catch {
      /* gone already */
    }
  };

  const handle = (sock: net.Socket) => {
    const reader = new FrameReader();
    let req: CommandRequest | undefined;
    let gone = false;
    const send: Send = (t, p) => {
      if (!gone) sock.write(frame(t, p));
    };
    const refuse = (why: string) => {
      sock.end(frame('R', why));
    };
    const closed = () => {
      gone = true;
      // A client gone during its command was killed (Ctrl-C, a timeout) or its reader was (`| head
      // -1`): the command ends with it, as it would have in the client's own process, and the
      // server with the command (the next command starts a new one).
      if (running?.sock === sock) leave('its client left during the command');
    };
    sock.on('error', closed);
    sock.on('close', closed);
    sock.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch {
        sock.destroy();
        return;
      }
      for (const f of frames) {
        if (f.type === 'I' && stdinWanted && running?.sock === sock) {
          if (f.payload.length > 0) stdinChunks.push(Buffer.from(f.payload));
          else {
            const done = stdinWanted;
            stdinWanted = undefined;
            done(Buffer.concat(stdinChunks).toString('utf8'));
          }
        } else if (f.type === 'S' && !req) {
          stopping = true;
          // Idle, it leaves now: the asker's connection closes as this process exits, after its
          // 'exit' handlers (the kept state file's close: the last connection's WAL checkpoint,
          // with its fsyncs), not before them, or the stop would return with this process still
          // there. (An injected exit, the unit tests', returns: the asker is let go then.) Busy, it
          // leaves once its command has answered, and tells the asker so: a stop does not wait
          // for a command that may run for minutes.
          if (!busy) {
            leave('asked to stop');
            sock.end();
          } else sock.end(frame('L'));
          return;
        } else if (f.type === 'Q' && !req) {
          try {
            req = JSON.parse(f.payload.toString('utf8')) as CommandRequest;
          } catch {
            sock.destroy();
            return;
          }
          const why = refusal(req);
          if (why) {
            req = undefined;
            refuse(why);
            // This server's code is out of date: the next command starts a new one.
            if (why === 'another build') leave('another build asked');
            return;
          }
          send('A');
          void runOne(req, sock, send);
        } else {
          sock.destroy();
          return;
        }
      }
    });
  };

  const refusal = (req: CommandRequest): string | undefined => {
    // Stopping: a command sent on to another server of the pool could start one the stop misses.
    if (stopping) return 'stopping';
    if (busy) return 'busy';
    if (req.sha !== opts.sha) return 'another build';
    if (!sameEnvironment(req.env, baseEnv) || req.traits !== opts.traits) return 'another environment';
    try {
      if (!fs.statSync(req.cwd).isDirectory()) return 'its working directory';
    } catch {
      return 'its working directory';
    }
    return undefined;
  };

  const runOne = async (req: CommandRequest, sock: net.Socket, send: Send) => {
    busy = true;
    running = { sock, send };
    if (idle) clearTimeout(idle);
    try {
      process.chdir(req.cwd);
    } catch {
      process.chdir('/'); // removed since the request: as a command started in it would run
    }
    setEnvironment(req.env);
    const baseUmask = process.umask(req.umask);
    process.argv = [process.execPath, opts.launcher, ...req.argv];
    process.exitCode = undefined;
    // The command's process.stdout and process.stderr are terminals where the client's are.
    streams.stdout.isTTY = req.tty?.[1] === true;
    streams.stderr.isTTY = req.tty?.[2] === true;
    const io: IO = {
      out: (s) => send('O', s),
      // kubectl's one colour, as processIO (io.ts) gives it: "Warning:" on a terminal's stderr.
      err: (s) => send('E', forStderr(s, streams.stderr)),
      drain: () => (sock.writableNeedDrain ? drained(sock) : Promise.resolve()),
    };
    const before = resourcesOfCommands();
    let code: number;
    try {
      code = await opts.run(req.argv, io);
    } catch (e) {
      send('E', `kjob: this is a bug, please report it: ${(e as Error)?.stack ?? String(e)}\n`);
      code = 2;
    }
    if (process.exitCode !== undefined && code === 0) code = Number(process.exitCode);
    // What the command left behind (a timer, a child it waits on) is not a finished command's:
    // the server leaves once it has answered, and the next command starts a new one.
    const leftBehind = resourcesOfCommands() > before;
    stdinWanted = undefined;
    running = undefined;
    setEnvironment(baseEnv);
    process.umask(baseUmask);
    process.exitCode = undefined;
    try {
      process.chdir(baseCwd);
    } catch {
      process.chdir('/');
    }
    // Busy until the client has read all of it and gone: nothing (the idle timer, a stop, a
    // server of another build) ends this process while its output is still on its way.
    sock.once('close', () => {
      busy = false;
      // A process that runs commands for hours must not grow without end (a `get pods` of
      // 100,000 pods holds them all at once): past this, the next command starts a new one.
      const grown = process.memoryUsage.rss() > MAX_RSS_BYTES;
      if (leftBehind || stopping || grown) leave(stopping ? 'asked to stop' : leftBehind ? 'a command left work behind' : 'its memory grew', sock);
      else armIdle();
    });
    sock.end(frame('X', String(code)));
  };

  /**
   * Stops listening and removes its socket (not another server's in its place), then exits: at
   * once, or once sock (the last command's, whose answer must reach its client whole) has closed.
   */
  const leave = (why: string, sock?: net.Socket) => {
    server.close();
    removeOwnSocket();
    if (!sock || sock.closed) exit(why);
    else {
      sock.once('close', () => exit(why));
      sock.end();
    }
  };

  // A command's error thrown outside main()'s promise (a callback's) would end the server as it
  // ends a command's own process: the command's client gets what that process would have printed,
  // the stack and exit 1, and the server leaves.
  const uncaught = (e: unknown) => {
    const r = running;
    running = undefined;
    if (!r) return leave('an error outside any command');
    r.send('E', `${(e as Error)?.stack ?? String(e)}\n`);
    r.send('X', '1');
    leave('a command threw', r.sock);
  };
  if (opts.ownsProcess !== false) {
    process.on('uncaughtException', uncaught);
    process.on('unhandledRejection', uncaught);
  }

  const server = net.createServer(handle);
  ownIno = await listenOnce(server, sockPath);
  if (ownIno === undefined) return undefined;
  armIdle();
  // A state directory removed (a test's), or this socket replaced by another server's: leave.
  check = setInterval(() => {
    let ino: number | undefined;
    try {
      ino = fs.statSync(sockPath).ino;
    } catch {
      /* removed */
    }
    if (ino !== ownIno && !busy) leave('its socket is gone');
  }, opts.checkMs ?? 2000);
  check.unref();
  server.on('close', () => {
    clearInterval(check);
    if (idle) clearTimeout(idle);
    clearStdinSource(stdinSource);
  });
  return server;
}

/**
 * What keeps node running that a command could have left behind: timers, children, watches,
 * network sockets. Not unix sockets, which are the server's own and its clients' (a command's
 * connection to the engine's socket has a timer while it is open).
 */
function resourcesOfCommands(): number {
  return process.getActiveResourcesInfo().filter((r) => !r.startsWith('Pipe') && !/WriteWrap|ShutdownWrap/.test(r)).length;
}

/** Resolves once sock has taken what it holds, or has closed; leaves no listener behind. */
function drained(sock: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sock.off('drain', done);
      sock.off('close', done);
      resolve();
    };
    sock.on('drain', done);
    sock.on('close', done);
  });
}

/** process.env made exactly env (node's process.env is not replaceable whole). */
function setEnvironment(env: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (process.env[k] !== v) process.env[k] = v;
}

/**
 * Listen on sockPath, only readable and writable by this user: on a name of this process's own,
 * then renamed into place, because a server that closes removes the path it listened on (libuv),
 * which must never be another server's socket. A socket no server answers on (one that was killed)
 * is replaced; one another server answers on is left to it (undefined). Resolves with the inode of
 * its socket. Two servers that start at once both rename: the one replaced sees its socket gone
 * and leaves.
 */
async function listenOnce(server: net.Server, sockPath: string): Promise<number | undefined> {
  const own = `${sockPath}.${process.pid}`;
  // sun_path's 108 bytes with its NUL: a longer path would be cut short, somewhere else (the
  // client, bin/command-client.js, looks for no server there either).
  if (Buffer.byteLength(own) > 107 || (await answers(sockPath))) return undefined;
  fs.rmSync(own, { force: true });
  // A socket is made with 0777 less the umask: 0600.
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(own, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(old);
  }
  try {
    // Its inode before the rename: another server's rename may follow at once.
    const ino = fs.statSync(own).ino;
    fs.renameSync(own, sockPath);
    return ino;
  } catch (e) {
    server.close();
    throw e;
  }
}

function answers(sockPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(sockPath);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Asks home's command servers to leave (`kjob controller stop`), and waits until each has (its
 * connection closes as it exits), or for timeoutMs. Nothing to do without one. A server busy with
 * a command that does not end soon (a `wait`, an `apply --wait`, both served) refuses every command
 * from the ask on and leaves once its command has ended, as that command's own process would still
 * run after the stop: it says so (an L frame), and the stop does not wait for it. A server started
 * before the stop that does not listen yet (a command started it a moment ago) is waited for and
 * asked once it listens.
 */
export async function stopCommandServers(home: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const stoppedAt = startTicksNow();
  /** the sockets asked (by inode and change time: a server's socket may replace a dead one's), and the slots that answered busy */
  const asked = new Set<string>();
  const busy = new Set<number>();
  const askNew = () =>
    Promise.all(
      commandSlots(home).map(async (slot) => {
        const sockPath = commandSocketPath(home, slot);
        const st = fs.statSync(sockPath, { throwIfNoEntry: false, bigint: true });
        const id = st && `${st.ino}@${st.ctimeNs}`;
        if (!id || asked.has(id)) return;
        asked.add(id);
        if ((await stopOne(sockPath, Math.max(0, end - Date.now()))) === 'busy') busy.add(slot);
      }),
    );
  await askNew();
  if (stoppedAt === undefined) return;
  // A server a command started just before the stop may not listen yet: it is asked once it
  // does. (One a command starts after the stop is not waited for; asked meanwhile, it leaves too,
  // and the next command starts another.)
  const starting = () => commandServerProcesses(home).some((p) => !busy.has(p.slot) && Number(processStartTicks(p.pid)) <= stoppedAt);
  while (starting() && Date.now() < end) {
    await sleep(20);
    await askNew();
  }
}

/**
 * Asks the server at sockPath to leave: 'busy' when it says it leaves after the command it runs,
 * 'gone' once its connection closed (as it exited; or no server answered there), or when timeoutMs
 * passed.
 */
function stopOne(sockPath: string, timeoutMs: number): Promise<'busy' | 'gone'> {
  return new Promise((resolve) => {
    let answer: 'busy' | 'gone' = 'gone';
    const c = net.connect(sockPath);
    const timer = setTimeout(() => c.destroy(), timeoutMs);
    const reader = new FrameReader();
    c.once('connect', () => c.write(frame('S')));
    c.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch {
        return void c.destroy(); // not a server of this format: not one to wait for
      }
      if (frames.some((f) => f.type === 'L')) answer = 'busy';
      if (frames.length > 0) c.destroy();
    });
    c.once('error', () => undefined);
    c.once('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}
