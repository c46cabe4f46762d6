import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { commandSocketPath, sameEnvironment, serveCommands, stopCommandServers, type CommandServerOptions } from './command_server.js';
import { FrameReader, frame, type FrameType } from './command_frames.js';
import { readStdin, type IO } from './io.js';

interface Answer {
  frames: { type: FrameType; text: string }[];
  /** stdout and stderr as the client would print them, in order */
  printed: string;
  code?: number;
}

/** One command through the socket, as bin/command-client.js sends it; stdin answers an I frame. */
function request(home: string, req: object, stdin?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(commandSocketPath(home));
    const reader = new FrameReader();
    const answer: Answer = { frames: [], printed: '' };
    sock.on('connect', () => sock.write(frame('Q', JSON.stringify(req))));
    sock.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        const text = f.payload.toString('utf8');
        answer.frames.push({ type: f.type, text });
        if (f.type === 'O' || f.type === 'E') answer.printed += `${f.type}:${text}`;
        if (f.type === 'X') answer.code = Number(text);
        if (f.type === 'I') sock.write(Buffer.concat([frame('I', stdin ?? ''), frame('I')]));
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(answer));
  });
}

const SHA = 'bundle-1';
const TRAITS = 'nice 0\nlimits ...';

/** A command held until released: began() when it runs, started resolves then. */
function gate() {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let began!: () => void;
  const started = new Promise<void>((r) => (began = r));
  return { began: () => began(), held, started, release: () => release() };
}

describe('command server', () => {
  let home: string;
  let servers: net.Server[];
  let exits: string[];
  let connections: net.Socket[];
  const baseEnv = () => ({ ...process.env }) as Record<string, string>;
  const req = (argv: string[], extra: object = {}) => ({ sha: SHA, argv, env: baseEnv(), cwd: home, umask: 0o022, traits: TRAITS, ...extra });
  const start = async (run: CommandServerOptions['run'], more: Partial<CommandServerOptions> = {}) => {
    const s = await serveCommands(home, { sha: SHA, traits: TRAITS, run, launcher: '/kjob', idleMs: 60_000, exit: (why) => exits.push(why), ownsProcess: false, ...more });
    assert.ok(s);
    servers.push(s);
    s.on('connection', (c) => connections.push(c));
    return s;
  };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-cmdserver-'));
    servers = [];
    exits = [];
    connections = [];
  });
  afterEach(async () => {
    mock.timers.reset();
    // A server closes once its connections have: those a test left open (a stop's asker) go first.
    for (const c of connections) c.destroy();
    for (const s of servers) await new Promise((r) => s.close(r));
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("runs main with the client's argv, environment and directory, and relays its output in order with its exit code", async () => {
    const seen: unknown[] = [];
    await start(async (argv, io) => {
      seen.push(argv, process.env.PWD, process.cwd(), process.argv.slice(1));
      io.out('one\n');
      io.err('two\n');
      io.out('three\n');
      return 3;
    });
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-cmdserver-cwd-'));
    const pwd = process.env.PWD;
    try {
      // The same environment but for what a shell sets per prompt (sameEnvironment), which the command sees as the client's.
      const a = await request(home, req(['get', 'pods'], { env: { ...baseEnv(), PWD: cwd }, cwd }));
      assert.deepEqual(a.frames[0], { type: 'A', text: '' });
      assert.equal(a.printed, 'O:one\nE:two\nO:three\n');
      assert.equal(a.code, 3);
      assert.deepEqual(seen, [['get', 'pods'], cwd, fs.realpathSync(cwd), ['/kjob', 'get', 'pods']]);
      // The server's own environment and directory again once the command is done.
      assert.equal(process.env.PWD, pwd);
      assert.notEqual(process.cwd(), fs.realpathSync(cwd));
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("colours Warning: as on a terminal where the client's stderr is one (the native client's tty), and only there", async () => {
    const saved = { TERM: process.env.TERM, NO_COLOR: process.env.NO_COLOR };
    process.env.TERM = 'xterm';
    delete process.env.NO_COLOR;
    try {
      await start(async (_argv, io) => {
        io.err('Warning: unknown field "x"\n');
        return 0;
      });
      const onTerminal = await request(home, req(['apply', '-f', 'x.yaml'], { tty: [true, true, true] }));
      assert.equal(onTerminal.printed, 'E:\x1b[33;1mWarning:\x1b[0m unknown field "x"\n');
      // stdout a terminal, stderr a pipe (2>&1 | cat, 2>file): as kubectl, no colour.
      for (const tty of [[true, true, false], undefined]) {
        const piped = await request(home, req(['apply', '-f', 'x.yaml'], { tty }));
        assert.equal(piped.printed, 'E:Warning: unknown field "x"\n', JSON.stringify(tty));
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('refuses a command while another runs (the client runs it itself)', async () => {
    const { began, held, started, release } = gate();
    await start(async (argv, io) => {
      if (argv[0] === 'slow') {
        began();
        await held;
      }
      io.out(`${argv[0]}\n`);
      return 0;
    });
    const slow = request(home, req(['slow']));
    await started;
    const refused = await request(home, req(['fast']));
    assert.deepEqual(refused.frames, [{ type: 'R', text: 'busy' }]);
    release();
    assert.equal((await slow).printed, 'O:slow\n');
    assert.equal((await request(home, req(['after']))).printed, 'O:after\n');
  });

  it('refuses another environment, another build (and then leaves), and a directory that is not there', async () => {
    let runs = 0;
    await start(async () => {
      runs++;
      return 0;
    });
    assert.deepEqual((await request(home, req(['get'], { env: { ...baseEnv(), KUBECONFIG: '/elsewhere' } }))).frames, [{ type: 'R', text: 'another environment' }]);
    assert.deepEqual((await request(home, req(['get'], { traits: 'nice 10\nlimits ...' }))).frames, [{ type: 'R', text: 'another environment' }]);
    assert.deepEqual((await request(home, req(['get'], { cwd: path.join(home, 'gone') }))).frames, [{ type: 'R', text: 'its working directory' }]);
    assert.deepEqual(exits, []);
    assert.deepEqual((await request(home, req(['get'], { sha: 'bundle-2' }))).frames, [{ type: 'R', text: 'another build' }]);
    assert.deepEqual(exits, ['another build asked']);
    assert.equal(fs.existsSync(commandSocketPath(home)), false);
    assert.equal(runs, 0);
  });

  it("gives a command that reads stdin the client's", async () => {
    await start(async (_argv, io) => {
      io.out(`read ${JSON.stringify(await readStdin())}\n`);
      return 0;
    });
    const a = await request(home, req(['apply', '-f', '-']), 'kind: ConfigMap\n');
    assert.deepEqual(
      a.frames.map((f) => f.type),
      ['A', 'I', 'O', 'X'],
    );
    assert.equal(a.printed, 'O:read "kind: ConfigMap\\n"\n');
  });

  it('leaves after answering a command that left something running behind', async () => {
    let timer: NodeJS.Timeout | undefined;
    await start(async () => {
      timer = setTimeout(() => undefined, 60_000);
      return 0;
    });
    const a = await request(home, req(['get']));
    clearTimeout(timer);
    assert.equal(a.code, 0);
    // The server's side of the connection closes after the client's: turns of the event loop, no sleep.
    for (let i = 0; i < 1000 && exits.length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(exits, ['a command left work behind']);
  });

  it('leaves once idle, and not while a command runs', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    const { began, held, started, release } = gate();
    await start(async () => {
      began();
      await held;
      return 0;
    }, { idleMs: 1000 });
    const running = request(home, req(['delete', 'job', 'x', '--wait']));
    await started;
    mock.timers.tick(5000);
    assert.deepEqual(exits, []);
    release();
    await running;
    // The server's side of the connection closes after the client's (turns of the event loop).
    const server = servers[0];
    const open = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    // Its count drops as the socket is destroyed, its 'close' (which arms the idle timer) a turn later.
    for (let i = 0; i < 1000 && (await open()) > 0; i++) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    mock.timers.tick(999);
    assert.deepEqual(exits, []);
    mock.timers.tick(1);
    assert.deepEqual(exits, ['idle']);
    assert.equal(fs.existsSync(commandSocketPath(home)), false);
  });

  it('leaves when its socket is removed (its state directory was)', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
    await start(async () => 0, { checkMs: 100 });
    mock.timers.tick(100);
    assert.deepEqual(exits, []);
    fs.rmSync(commandSocketPath(home));
    mock.timers.tick(100);
    assert.deepEqual(exits, ['its socket is gone']);
  });

  it('stops when asked (controller stop): at once when idle, else once its command has answered; a stop does not wait for that command (the server says so: L)', { timeout: 30_000 }, async () => {
    const { began, held, started, release } = gate();
    await start(async (_argv, io) => {
      began();
      await held;
      io.out('done\n');
      return 0;
    });
    const running = request(home, req(['delete', 'job', 'x']));
    await started;
    // Without the server's word that it leaves after its command, the stop would wait for its
    // connection to close: an hour here.
    await stopCommandServers(home, 3_600_000);
    assert.deepEqual(exits, []);
    // Not `busy`: a client takes that to the next server of the pool, and may start it.
    assert.deepEqual((await request(home, req(['get']))).frames, [{ type: 'R', text: 'stopping' }]);
    release();
    assert.equal((await running).printed, 'O:done\n');
    for (let i = 0; i < 1000 && exits.length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(exits, ['asked to stop']);
    assert.equal(fs.existsSync(commandSocketPath(home)), false);
  });

  it('stops at once when asked while idle, and its asker sees the connection close only as it exits', async () => {
    await start(async () => 0);
    // The asker is let go after the exit (here injected, and returning), not before it: a real
    // server's exit closes its state file, a WAL checkpoint that may take a while.
    await stopCommandServers(home);
    assert.deepEqual(exits, ['asked to stop']);
    assert.equal(fs.existsSync(commandSocketPath(home)), false);
  });

  it('a pool: each server listens on its own slot\'s socket, and a stop stops every one there', async () => {
    await start(async () => 0);
    await start(async () => 0, { slot: 2, exit: (why) => exits.push(`slot 2: ${why}`) });
    assert.deepEqual(fs.readdirSync(home).sort(), ['command-2.sock', 'command.sock']);
    const stopped = stopCommandServers(home);
    for (let i = 0; i < 1000 && exits.length < 2; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(exits.sort(), ['asked to stop', 'slot 2: asked to stop']);
    assert.deepEqual(fs.readdirSync(home), []);
    await stopped;
  });

  it('ends with a command whose client left (killed, or its reader gone), as its own process would', async () => {
    let began!: () => void;
    const started = new Promise<void>((r) => (began = r));
    await start(async () => {
      began();
      await new Promise(() => undefined); // `apply --wait` of a Job that never ends
      return 0;
    });
    const sock = net.connect(commandSocketPath(home));
    sock.on('connect', () => sock.write(frame('Q', JSON.stringify(req(['apply', '-f', 'job.yaml', '--wait'])))));
    sock.on('error', () => undefined);
    await started;
    sock.destroy();
    for (let i = 0; i < 1000 && exits.length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(exits, ['its client left during the command']);
    assert.equal(fs.existsSync(commandSocketPath(home)), false);
  });

  it("takes stdin only from its command's client", async () => {
    await start(async (_argv, io) => {
      io.out(`read ${JSON.stringify(await readStdin())}\n`);
      return 0;
    });
    const sock = net.connect(commandSocketPath(home));
    const reader = new FrameReader();
    let printed = '';
    const done = new Promise<void>((resolve) => sock.on('close', () => resolve()));
    sock.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        if (f.type === 'O') printed += f.payload.toString();
        if (f.type === 'I') {
          // Another connection of the same user sends stdin first: not the command's.
          const other = net.connect(commandSocketPath(home));
          other.on('error', () => undefined);
          // The server drops a connection that sends stdin unasked: then the client answers.
          other.on('close', () => sock.write(Buffer.concat([frame('I', 'kind: ConfigMap\n'), frame('I')])));
          other.write(Buffer.concat([frame('I', 'kind: Secret\n'), frame('I')]));
        }
      }
    });
    sock.write(frame('Q', JSON.stringify(req(['apply', '-f', '-']))));
    await done;
    assert.equal(printed, 'read "kind: ConfigMap\\n"\n');
  });

  it('is busy until its client has read the answer and gone', async () => {
    await start(async (_argv, io) => {
      io.out('x\n');
      return 0;
    });
    // A client that keeps its side open after the exit code.
    const sock = net.connect({ path: commandSocketPath(home), allowHalfOpen: true });
    const reader = new FrameReader();
    const answered = new Promise<void>((resolve) => sock.on('data', (c: Buffer) => reader.push(c).some((f) => f.type === 'X') && resolve()));
    sock.write(frame('Q', JSON.stringify(req(['get']))));
    await answered;
    assert.deepEqual((await request(home, req(['get']))).frames, [{ type: 'R', text: 'busy' }]);
    const closed = new Promise((r) => sock.on('close', r));
    sock.end();
    await closed;
    const open = () => new Promise<number>((r) => servers[0].getConnections((_e, n) => r(n)));
    for (let i = 0; i < 1000 && (await open()) > 0; i++) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    assert.equal((await request(home, req(['get']))).printed, 'O:x\n');
  });

  it("closing never removes another server's socket (one that replaced it)", async () => {
    const first = await start(async () => 0);
    // Its socket replaced, as by a second server that found it gone (a removed state directory, made again).
    fs.rmSync(commandSocketPath(home));
    await start(async (_a, io) => {
      io.out('second\n');
      return 0;
    });
    await new Promise((r) => first.close(r));
    assert.ok(fs.existsSync(commandSocketPath(home)));
    assert.equal((await request(home, req(['get']))).printed, 'O:second\n');
  });

  it('answers a second server of the same directory by staying the only one', async () => {
    await start(async () => 0);
    assert.equal(await serveCommands(home, { sha: SHA, traits: TRAITS, run: async () => 0, launcher: '/kjob', idleMs: 60_000, exit: () => undefined, ownsProcess: false }), undefined);
  });

  it('takes over the socket of a server that was killed', async () => {
    // A socket file nobody listens on, as a killed server leaves it (a server that closes removes it).
    spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(commandSocketPath(home))}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.ok(fs.existsSync(commandSocketPath(home)));
    await start(async (_a, io: IO) => {
      io.out('here\n');
      return 0;
    });
    assert.equal((await request(home, req(['get']))).printed, 'O:here\n');
  });
});

describe('sameEnvironment', () => {
  it("ignores what a shell sets per prompt, and nothing else", () => {
    assert.equal(sameEnvironment({ A: '1', PWD: '/a', _: '/bin/x', SHLVL: '2', OLDPWD: '/' }, { A: '1', PWD: '/b' }), true);
    assert.equal(sameEnvironment({ A: '1' }, { A: '2' }), false);
    assert.equal(sameEnvironment({ A: '1' }, { A: '1', B: '' }), false);
    assert.equal(sameEnvironment({ A: '1', B: undefined }, { A: '1' }), true);
  });
});
