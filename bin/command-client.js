// bin/kjob's side of the command server (src/cli/command_server.ts says what it is and why): the
// forwarding, and starting a server. Loaded only for a command line bin/kjob's forwardable()
// accepts. Its frames are src/cli/command_frames.ts's, read here as they come, because the
// launcher must not load the bundle to speak them (test/e2e/command-server.test.ts runs both).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

/**
 * How long a server has to accept or refuse a command. One that does neither (stopped, or hung)
 * may still run it later, so the client does not run it too: it says so and fails, as kubectl
 * does when an apiserver does not answer. A server answers at once unless a command it runs holds
 * its thread, which none does for long.
 */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * The longest socket path there can be a server on: sun_path's 108 bytes with its NUL, less the
 * ".<pid>" the server listens on first (src/cli/command_server.ts listenOnce). A longer one would
 * be cut short by the kernel's API, somewhere else: such a state directory has no server.
 */
const MAX_SOCKET_PATH = 107 - 8;

/** The state directory argv names (--home), else $KJOB_HOME, else ~/.kjob: src/cli/context.ts's. */
function homeOf(argv, env) {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] === '--home' && i + 1 < argv.length) return path.resolve(argv[i + 1]);
    if (argv[i].startsWith('--home=')) return path.resolve(argv[i].slice('--home='.length));
  }
  return path.resolve(env.KJOB_HOME || path.join(os.homedir(), '.kjob'));
}

/**
 * How many command servers a state directory may have (src/cli/command_server.ts): the first
 * takes commands run one after another; the others, started as commands come while it is busy,
 * take those run in parallel. Each idle one holds about 60 MiB until its idle exit.
 */
const COMMAND_SERVERS = 4;

/**
 * The socket of home's command server in slot (src/cli/command_server.ts commandSocketPath), or
 * undefined where there can be none (too long a path).
 */
function socketOf(home, slot) {
  const p = path.join(home, slot === 0 ? 'command.sock' : `command-${slot}.sock`);
  return Buffer.byteLength(p) <= MAX_SOCKET_PATH ? p : undefined;
}

function frame(type, payload) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload ?? '', 'utf8');
  const head = Buffer.allocUnsafe(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

const pauseOne = new Int32Array(new SharedArrayBuffer(4));
/** Descriptors that failed otherwise than by blocking or a reader gone: they take nothing more. */
const failedFds = new Set();

/**
 * Writes buf to fd whole and in order: a reader gone ends the client quietly, as it ends a
 * command (src/cli/io.ts); a descriptor that would block (a non-blocking pipe whose reader is
 * behind) is waited for here, a millisecond at a time, holding everything after it, and the
 * server, whose socket the client does not read meanwhile, waits in turn; one that cannot take it
 * (a full disk, /dev/full, EIO) loses what the command writes there, as in its own process, and
 * the command goes on.
 */
function writeOut(fd, buf) {
  let off = 0;
  while (off < buf.length && !failedFds.has(fd)) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      if (e.code === 'EPIPE') process.exit(0);
      if (e.code !== 'EAGAIN') failedFds.add(fd);
      else Atomics.wait(pauseOne, 0, 0, 1);
    }
  }
}

/**
 * What a process inherits besides its environment, directory and umask, and passes on to the
 * engine and pods a command starts: its priority, groups, resource limits, cgroup, namespaces and
 * CPUs. A server refuses a command whose client differs (src/cli/command_server.ts, which reads
 * its own the same way).
 */
function processTraits() {
  const read = (f) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  const link = (f) => {
    try {
      return fs.readlinkSync(f);
    } catch {
      return '';
    }
  };
  const status = read('/proc/self/status');
  return [
    os.getPriority(),
    process.getgid(),
    process.getgroups().join(','),
    read('/proc/self/limits'),
    read('/proc/self/cgroup'),
    ['mnt', 'net', 'pid', 'user', 'ipc', 'uts'].map((n) => link(`/proc/self/ns/${n}`)).join(' '),
    (/^Cpus_allowed_list:\s*(.*)$/m.exec(status) || [])[1] || '',
  ].join('\n');
}

/** All of stdin as frames I, then an empty I (src/cli/io.ts's readStdin, over the socket). */
async function sendStdin(sock) {
  const buf = Buffer.allocUnsafe(64 * 1024);
  try {
    for (let n; (n = fs.readSync(0, buf, 0, buf.length, null)) > 0; ) sock.write(frame('I', Buffer.from(buf.subarray(0, n))));
    sock.write(frame('I'));
    return;
  } catch (e) {
    if (e.code !== 'EAGAIN') throw e;
  }
  for await (const c of process.stdin) sock.write(frame('I', c));
  sock.write(frame('I'));
}

const bug = (what) => `kjob: this is a bug, please report it: ${what}\n`;

/**
 * Reads the server's frames as they come: the bytes of an O or E frame are written out as they
 * arrive (a frame can be megabytes), the others kept until whole. onFrame(type, payload) gets
 * each whole A, R, I and X.
 */
function frameParser(onFrame, write = writeOut) {
  let head = Buffer.alloc(0);
  let type;
  let left = 0;
  let body = [];
  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (type === undefined) {
        const need = 5 - head.length;
        head = Buffer.concat([head, chunk.subarray(at, at + need)]);
        at += Math.min(need, chunk.length - at);
        if (head.length < 5) return;
        type = String.fromCharCode(head[0]);
        left = head.readUInt32BE(1);
        head = Buffer.alloc(0);
        body = [];
      }
      const piece = chunk.subarray(at, at + left);
      at += piece.length;
      left -= piece.length;
      if (type === 'O' || type === 'E') {
        if (piece.length > 0) write(type === 'O' ? 1 : 2, piece);
      } else body.push(piece);
      if (left === 0) {
        const t = type;
        type = undefined;
        if (t !== 'O' && t !== 'E') onFrame(t, Buffer.concat(body));
      }
    }
  };
}

/**
 * Runs argv in one of home's servers, trying them in turn: resolves with { code }, its exit code,
 * or when no server took it with { startSlot }: the slot whose server is missing (none there, a
 * dead one's socket, one of another build), for the next command, if any is.
 */
async function forward(home, request) {
  for (let slot = 0; slot < COMMAND_SERVERS; slot++) {
    const answer = await forwardTo(home, slot, request);
    // Busy with another command, or started with another environment: the next one may take it.
    if (answer.refused === 'busy' || answer.refused === 'another environment') continue;
    return answer;
  }
  return {};
}

/** Runs argv in home's server in slot: { code }, { refused: why }, { startSlot } or {} (run it here). */
function forwardTo(home, slot, request) {
  const sockPath = socketOf(home, slot);
  if (sockPath === undefined) return Promise.resolve({});
  // No socket, no server: not even node:net loaded (2-3 ms). One that is not this user's own
  // socket is not a server of this user's: the request carries the whole environment.
  let st;
  try {
    st = fs.lstatSync(sockPath);
  } catch {
    return Promise.resolve({ startSlot: slot });
  }
  if (!st.isSocket() || st.uid !== process.getuid()) return Promise.resolve({});
  const net = require('node:net');
  return new Promise((resolve) => {
    let accepted = false;
    let settled = false;
    let gone = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const sock = net.connect(sockPath);
    const timer = setTimeout(() => {
      sock.destroy();
      writeOut(2, Buffer.from(`kjob: the command server of ${home} did not answer in ${ANSWER_TIMEOUT_MS / 1000}s, and may still run the command; stop it (its socket: ${sockPath}), or run kjob with KJOB_COMMAND_SERVER=0\n`));
      settle({ code: 1 });
    }, ANSWER_TIMEOUT_MS);
    sock.write(frame('Q', JSON.stringify(request)));
    sock.on(
      'data',
      frameParser((type, payload) => {
        if (type === 'A') {
          accepted = true;
          clearTimeout(timer);
        } else if (type === 'R') {
          sock.destroy();
          const why = payload.toString();
          settle(why === 'another build' ? { startSlot: slot } : { refused: why });
        } else if (type === 'I') {
          sendStdin(sock).catch((e) => {
            // As the command would have failed reading it in its own process.
            writeOut(2, Buffer.from(bug(e && e.stack ? e.stack : e)));
            process.exit(2);
          });
        } else if (type === 'X') {
          // Every byte is written: done.
          process.exit(Number(payload.toString()));
        }
      }),
    );
    // Nobody listening (a server killed, its socket left): the next command's server starts.
    sock.on('error', (e) => (gone = e.code === 'ECONNREFUSED' || e.code === 'ENOENT'));
    sock.on('close', () => {
      if (settled) return;
      if (!accepted) return settle(gone ? { startSlot: slot } : {});
      // Accepted and gone without an exit code: the command may have run, in part.
      writeOut(2, Buffer.from(bug('the command server ended before the command did')));
      settle({ code: 2 });
    });
  });
}

/** The uid of path's owner; undefined when it cannot be read. */
function ownerOf(path) {
  try {
    return fs.statSync(path).uid;
  } catch {
    return undefined;
  }
}

/**
 * Starts home's server in slot in the background (it leaves when idle; one that finds another
 * answering there leaves at once): `node bin/kjob --home HOME __command-server [SLOT]`, with this
 * command's environment, which every command it runs must then have too. None for a state
 * directory that is gone or another user's (the command was refused: the server would refuse it
 * too, src/store/state_dir_safety.ts, after a node start).
 */
function startServer(home, launcher, slot) {
  if (!(slot >= 0 && slot < COMMAND_SERVERS) || socketOf(home, slot) === undefined || ownerOf(home) !== process.geteuid()) return;
  const { spawn } = require('node:child_process');
  const argv = [launcher, '--home', home, '__command-server', ...(slot === 0 ? [] : [String(slot)])];
  try {
    spawn(process.execPath, argv, { detached: true, stdio: 'ignore', cwd: '/', env: process.env }).unref();
  } catch {
    /* no server: every command runs as without one */
  }
}

module.exports = { homeOf, forward, startServer, processTraits, frameParser, COMMAND_SERVERS };
