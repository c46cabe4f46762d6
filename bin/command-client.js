// bin/kjob's side of the command server (src/cli/command_server.ts says what it is and why): the
// forwarding, and starting a server. Loaded only for a command line bin/kjob's forwardable()
// accepts. Its frames are src/cli/command_frames.ts's, written again here because
// the launcher must not load the bundle to speak them (test/e2e/command-server.test.ts runs both).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

/**
 * How long a server has to accept or refuse a command. One that does neither (stopped, or hung)
 * may still run it later, so the client does not run it too: it says so and fails, as kubectl
 * does when an apiserver does not answer.
 */
const ANSWER_TIMEOUT_MS = 10_000;

/** The state directory argv names (--home), else $KJOB_HOME, else ~/.kjob: src/cli/context.ts's. */
function homeOf(argv, env) {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] === '--home' && i + 1 < argv.length) return path.resolve(argv[i + 1]);
    if (argv[i].startsWith('--home=')) return path.resolve(argv[i].slice('--home='.length));
  }
  return path.resolve(env.KJOB_HOME || path.join(os.homedir(), '.kjob'));
}

const socketOf = (home) => path.join(home, 'command.sock');

function frame(type, payload) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload ?? '', 'utf8');
  const head = Buffer.allocUnsafe(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/**
 * Writes buf to fd whole, as bin/kjob's command would (src/cli/io.ts's FdWriter): a reader gone
 * ends the client quietly, a descriptor that would block hands the rest to node's stream, and
 * `resume` runs once that stream has taken it.
 */
let streamed = false;
function writeOut(fd, buf, pause, resume) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      if (e.code === 'EPIPE') process.exit(0);
      const stream = fd === 1 ? process.stdout : process.stderr;
      streamed = true;
      if (!stream.write(buf.subarray(off))) {
        pause();
        stream.once('drain', resume);
      }
      return;
    }
  }
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

/**
 * Runs argv in home's server: resolves with { code }, its exit code, or when no server took it
 * (none there, busy, another build or environment) with { startOne }:
 * whether no server is there to take the next (none, a dead one's socket, one of another build).
 */
function forward(home, request) {
  const sockPath = socketOf(home);
  // No socket, no server: not even node:net loaded (2-3 ms).
  if (!fs.existsSync(sockPath)) return Promise.resolve({ startOne: true });
  const net = require('node:net');
  return new Promise((resolve) => {
    let accepted = false;
    let settled = false;
    let startOne = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const sock = net.connect(sockPath);
    const timer = setTimeout(() => {
      sock.destroy();
      writeOut(2, Buffer.from(`kjob: the command server of ${home} did not answer in ${ANSWER_TIMEOUT_MS / 1000}s, and may still run the command; stop it (its socket: ${sockPath}), or run kjob with KJOB_COMMAND_SERVER=0\n`), pause, resume);
      settle({ code: 1 });
    }, ANSWER_TIMEOUT_MS);
    const pause = () => sock.pause();
    const resume = () => sock.resume();
    let pending = Buffer.alloc(0);
    sock.on('connect', () => sock.write(frame('Q', JSON.stringify(request))));
    sock.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const type = String.fromCharCode(pending[0]);
        const payload = pending.subarray(5, 5 + pending.readUInt32BE(1));
        pending = pending.subarray(5 + payload.length);
        if (type === 'A') {
          accepted = true;
          clearTimeout(timer);
        } else if (type === 'R') {
          sock.destroy();
          settle({ startOne: payload.toString() === 'another build' });
        } else if (type === 'O') writeOut(1, payload, pause, resume);
        else if (type === 'E') writeOut(2, payload, pause, resume);
        else if (type === 'I') sendStdin(sock).catch(() => sock.write(frame('I')));
        else if (type === 'X') {
          const code = Number(payload.toString());
          // Every byte written (not handed to a stream that waits for its reader): done.
          if (!streamed) process.exit(code);
          sock.destroy();
          settle({ code });
        }
      }
    });
    // Nobody listening (a server killed, its socket left): the next command's server starts.
    sock.on('error', (e) => (startOne = e.code === 'ECONNREFUSED' || e.code === 'ENOENT'));
    sock.on('close', () => {
      if (settled) return;
      if (!accepted) return settle({ startOne });
      // Accepted and gone without an exit code: the command may have run, in part.
      writeOut(2, Buffer.from('kjob: this is a bug, please report it: the command server ended before the command did\n'), pause, resume);
      settle({ code: 2 });
    });
  });
}

/**
 * Starts home's server in the background (it leaves when idle; one that finds another answering
 * leaves at once): `node bin/kjob --home HOME __command-server`, with this command's environment,
 * which every command it runs must then have too.
 */
function startServer(home, launcher) {
  if (!fs.existsSync(home)) return;
  const { spawn } = require('node:child_process');
  try {
    spawn(process.execPath, [launcher, '--home', home, '__command-server'], { detached: true, stdio: 'ignore', cwd: '/', env: process.env }).unref();
  } catch {
    /* no server: every command runs as without one */
  }
}

module.exports = { homeOf, socketOf, forward, startServer };
