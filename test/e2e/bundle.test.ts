// What bin/kjob runs (scripts/bundle.mjs): the CLI's bundle and the engine's, each with a V8 code
// cache that V8 accepts under the node flags it runs with. V8 refuses a cache made under other
// flags without a word, and everything still works, only slower and bigger: so it is checked here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, Sandbox } from './helpers.js';
import { engineNodeFlags, engineProcess } from '../../src/engine/daemon.js';
import { subcommandOf } from '../../src/cli/main.js';
import { GLOBAL_FLAGS_WITH_VALUE } from '../../src/cli/global_flags.js';

const launcher = path.join(ROOT, 'bin', 'kjob');

/** Loads a bundle in a fresh node with flags: whether V8 took its cache, and whether it has a main. */
function load(flags: string[], part: string | undefined): { rejected: boolean; main: string } {
  const code = `const r = require(${JSON.stringify(launcher)}).loadBundle({ part: ${JSON.stringify(part)} }); console.log(JSON.stringify({ rejected: r.script.cachedDataRejected, main: typeof r.main }))`;
  const r = spawnSync(process.execPath, [...flags, '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("the CLI's bundle: its code cache is accepted by a plain node", () => {
  assert.deepEqual(load([], undefined), { rejected: false, main: 'function' });
});

test("a state directory's own cache that cannot be read (a directory in its place) leaves the bundle's cache to be taken, and named", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-cache-'));
  try {
    const code = `const r = require(${JSON.stringify(launcher)}).loadBundle({ ownCache: () => ${JSON.stringify(dir)} }); console.log(JSON.stringify({ rejected: r.script.cachedDataRejected, cacheFile: r.cacheFile }))`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const sha = fs.readFileSync(path.join(ROOT, 'dist', 'bundle', 'current'), 'utf8').trim();
    assert.deepEqual(JSON.parse(r.stdout), { rejected: false, cacheFile: path.join(ROOT, 'dist', 'bundle', `${sha}.v8cache`) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a state directory's own cache of another user's is not read (V8 would run what they compiled): the bundle's is", { skip: process.getuid?.() !== 0 && 'needs root (to give the file away)' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-cache-'));
  try {
    const sha = fs.readFileSync(path.join(ROOT, 'dist', 'bundle', 'current'), 'utf8').trim();
    const bundles = path.join(ROOT, 'dist', 'bundle', `${sha}.v8cache`);
    const own = path.join(dir, 'own.v8cache');
    fs.copyFileSync(bundles, own);
    const cacheFile = () => {
      const code = `const r = require(${JSON.stringify(launcher)}).loadBundle({ ownCache: () => ${JSON.stringify(own)} }); console.log(r.cacheFile)`;
      const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(cacheFile(), own);
    fs.chmodSync(own, 0o666);
    assert.equal(cacheFile(), bundles);
    fs.chmodSync(own, 0o600);
    fs.chownSync(own, 4321, 4321);
    assert.equal(cacheFile(), bundles);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the verbs' own scripts are there, smaller than the CLI's, and their caches accepted; the launcher finds a command line's verb past the global flags", () => {
  const { VERB_PARTS, verbOf, GLOBAL_FLAGS_WITH_VALUE: launcherFlags } = createRequire(import.meta.url)(launcher);
  assert.deepEqual(launcherFlags, GLOBAL_FLAGS_WITH_VALUE, "the launcher's copy of the global flags that take a value");
  const native = /GLOBAL_FLAGS_WITH_VALUE\[\] = \{([^}]*)\}/.exec(fs.readFileSync(path.join(ROOT, 'src', 'cli', 'command_client.c'), 'utf8'))![1];
  assert.deepEqual([...native.matchAll(/"([^"]+)"/g)].map((m) => m[1]), GLOBAL_FLAGS_WITH_VALUE, "the native client's copy");
  const bundle = path.join(ROOT, 'dist', 'bundle');
  const sha = fs.readFileSync(path.join(bundle, 'current'), 'utf8').trim();
  assert.deepEqual(VERB_PARTS, ['get', 'describe', 'apply', 'logs', 'delete', 'create', 'events']);
  const whole = fs.statSync(path.join(bundle, `${sha}.cjs`)).size;
  for (const verb of VERB_PARTS) {
    assert.ok(fs.existsSync(path.join(bundle, `${sha}.${verb}.v8cache`)), verb);
    assert.ok(fs.statSync(path.join(bundle, `${sha}.${verb}.cjs`)).size < 0.7 * whole, `${verb}'s script is not much smaller than the CLI's`);
    assert.deepEqual(load([], verb), { rejected: false, main: 'function' }, verb);
  }
  const cases: [string[], string][] = [
    [['get', 'pods'], 'get'],
    [['--home', '/tmp/h', '-n', 'x', '--kubeconfig', 'k', '--context', 'c', 'describe', 'pod', 'p'], 'describe'],
    [['--no-color', '--home=/tmp/h', 'apply', '-f', 'x.yaml'], 'apply'],
    [['--namespace', 'get', 'describe'], 'describe'],
    [['-v', '6', '--request-timeout', '5s', '-s', 'https://x', '--token', 't', '--as-group', 'g', '--warnings-as-errors', 'logs', 'p'], 'logs'],
    [['--', 'get'], ''],
    [['-n'], ''],
    [[], ''],
  ];
  for (const [argv, verb] of cases) {
    assert.equal(verbOf(argv), verb, argv.join(' '));
    // The CLI finds the same verb once it has loaded (the one it builds, the one its errors name).
    assert.equal(subcommandOf(argv), verb, argv.join(' '));
  }
});

test("a verb's own script runs that verb's commands, its help and its errors as the CLI's does, and says so should another verb's action run", async () => {
  const bundle = path.join(ROOT, 'dist', 'bundle');
  const sha = fs.readFileSync(path.join(bundle, 'current'), 'utf8').trim();
  const sb = new Sandbox();
  try {
    // The same output and exit code from the verb's script as from the whole CLI's, each in a fresh node.
    const viaPart = (argv: string[], part: string | undefined, input?: string) => {
      const code = `require(${JSON.stringify(launcher)}).loadBundle({ part: ${JSON.stringify(part)} }).main(${JSON.stringify(argv)}).then((c) => { process.exitCode = c; })`;
      const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', input, env: { ...process.env, KJOB_ENGINE: 'off' } });
      // Ages masked: the two runs may fall in different seconds.
      return { out: r.stdout.replace(/\b\d+s\n/g, 'AGE\n'), err: r.stderr, code: r.status };
    };
    const home = ['--home', sb.home];
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: "1"\n';
    assert.deepEqual(viaPart([...home, 'apply', '-f', '-'], 'apply', cm), { out: 'configmap/c1 created\n', err: '', code: 0 });
    for (const [part, argv] of [
      ['apply', [...home, 'apply', '-f', '-']],
      ['apply', [...home, 'apply', '--help']],
      ['apply', [...home, 'apply', '--nosuchflag']],
      ['get', [...home, 'get', 'configmaps']],
      ['get', [...home, 'get', 'configmap', 'c1', '-o', 'yaml']],
      ['get', [...home, 'get', 'configmap', 'nosuch']],
      ['get', [...home, 'get', '--help']],
      ['describe', [...home, 'describe', 'configmap', 'c1']],
      ['describe', [...home, 'describe', 'nosuchkind']],
      ['logs', [...home, 'logs', 'nosuchpod']],
      ['logs', [...home, 'logs', 'configmap/c1']],
      ['delete', [...home, 'delete', 'configmap', 'nosuch']],
      ['delete', [...home, 'delete', 'configmap', 'c1', '--dry-run=client']],
      ['create', [...home, 'create', 'configmap', 'c2', '--from-literal=a=1', '--dry-run=client', '-o', 'yaml']],
      ['create', [...home, 'create', 'job', 'j1', '--image=busybox', '--dry-run=client', '-o', 'json', '--', 'true']],
      ['create', [...home, 'create', '-f', '-']],
      ['events', [...home, 'events']],
      ['events', [...home, 'events', '--for', 'configmap/c1', '-o', 'json']],
    ] as [string, string[]][]) {
      const input = argv.includes('-') ? cm : undefined;
      assert.deepEqual(viaPart(argv, part, input), viaPart(argv, undefined, input), argv.join(' '));
    }
    // Another verb's module is not in the script: its action fails saying so, rather than running something else.
    const other = viaPart([...home, 'logs', 'x'], 'get');
    assert.match(other.err, /cli\/logs\.js is not in the script of `kjob get`/);
    assert.notEqual(other.code, 0);
    const logsOnly = 'kjob reads logs of pods and of jobs'; // a message of cli/logs.ts
    assert.ok(fs.readFileSync(path.join(bundle, `${sha}.cjs`), 'latin1').includes(logsOnly));
    assert.ok(!fs.readFileSync(path.join(bundle, `${sha}.get.cjs`), 'latin1').includes(logsOnly));
  } finally {
    sb.cleanup();
  }
});

test("the launcher runs a verb's own script for that verb's command line, the whole CLI's for another verb", () => {
  const bundle = path.join(ROOT, 'dist', 'bundle');
  const sha = fs.readFileSync(path.join(bundle, 'current'), 'utf8').trim();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-bundle-'));
  // A preload (a node option, not a V8 flag: the caches are still taken) that records which of
  // the bundle's files the launcher opens.
  const preload = path.join(home, 'record-reads.cjs');
  fs.writeFileSync(preload, `const fs = require('node:fs'); const open = fs.openSync; const seen = [];
fs.openSync = function (p, ...rest) { if (typeof p === 'string' && p.startsWith(${JSON.stringify(bundle + '/')})) seen.push(p.slice(${bundle.length + 1})); return open.call(this, p, ...rest); };
process.on('exit', () => fs.writeFileSync(${JSON.stringify(path.join(home, 'seen'))}, seen.join('\\n')));`);
  const filesRead = (args: string[]) => {
    // Run here, not sent to a command server (which reads no script at all).
    spawnSync(process.execPath, ['--require', preload, launcher, '--home', home, ...args], { env: { ...process.env, KJOB_ENGINE: 'off', KJOB_COMMAND_SERVER: '0' } });
    return fs.readFileSync(path.join(home, 'seen'), 'utf8').split('\n').filter((f) => f !== 'current');
  };
  try {
    for (const [args, part] of [
      [['get', 'pods'], 'get'],
      [['-n', 'default', 'describe', 'pods'], 'describe'],
      [['logs', 'nosuch'], 'logs'],
      [['wait', '--for=condition=complete', 'job/nosuch', '--timeout=1s'], ''],
      [['version', '--client'], ''],
    ] as [string[], string][]) {
      const base = part ? `${sha}.${part}` : sha;
      assert.deepEqual(filesRead(args), [`${base}.cjs`, `${base}.v8cache`], args.join(' '));
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("the engine's bundle: its code cache is accepted under the engine's node flags, and only under them", () => {
  assert.deepEqual(load(engineNodeFlags(), 'engine'), { rejected: false, main: 'function' });
  assert.deepEqual(load([], 'engine'), { rejected: true, main: 'function' });
});

test('the launcher runs the engine bundle for exactly the command line an engine is started with', () => {
  const { isEngineArgv } = createRequire(import.meta.url)(launcher);
  assert.equal(isEngineArgv(['--home', '/tmp/h', 'controller', 'run']), true);
  for (const argv of [['controller', 'run'], ['--home', '/tmp/h', 'controller', 'status'], ['--home', '/tmp/h', 'controller', 'run', '-v'], ['-n', 'x', 'controller', 'run']]) {
    assert.equal(isEngineArgv(argv), false, argv.join(' '));
  }
});

test("the engine's bundle reports a user's error as the CLI does: its message, exit 1, no stack", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-bundle-'));
  try {
    fs.writeFileSync(path.join(home, 'state.db'), 'not a database\n');
    const r = spawnSync(process.execPath, [...engineNodeFlags(), launcher, '--home', home, 'controller', 'run'], { encoding: 'utf8' });
    assert.equal(r.stderr, `error: state file "${home}/state.db" is unreadable or corrupt: file is not a database\n`);
    assert.equal(r.status, 1);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("an engine leaves the code cache of what it compiled in its state directory, and the next engine there starts from it", async () => {
  const bundle = path.join(ROOT, 'dist', 'bundle');
  const sha = fs.readFileSync(path.join(bundle, 'current'), 'utf8').trim();
  const { engineCacheFile } = createRequire(import.meta.url)(launcher);
  const sb = new Sandbox();
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-bundle-'));
  // A preload (a node option, not a V8 flag: the engine's caches are still taken) recording the
  // size of the cache each engine compiles its script with, and whether V8 took it.
  const record = path.join(tools, 'caches');
  const preload = path.join(tools, 'record-cache.cjs');
  fs.writeFileSync(preload, `const vm = require('node:vm'); const fs = require('node:fs'); const S = vm.Script;
vm.Script = class extends S { constructor(code, o) { super(code, o); if (o && o.cachedData && o.filename.endsWith('.engine.cjs')) fs.appendFileSync(${JSON.stringify(record)}, o.cachedData.length + ' ' + this.cachedDataRejected + '\\n'); } };`);
  const own = engineCacheFile(sb.home, sha);
  const engineRun = async (what: string) => {
    const started = sb.kjob(['controller', 'start'], { env: { NODE_OPTIONS: `--require ${preload}` } });
    assert.match(started.stdout, /^engine: running/, `${what}: ${started.stderr}`);
    sb.ok(['controller', 'stop']);
    await sb.until(`${what}: the engine gone`, () => engineProcess(sb.home) === undefined, 20_000, 20);
  };
  const records = () => fs.readFileSync(record, 'utf8').trim().split('\n');
  try {
    const given = fs.statSync(path.join(bundle, `${sha}.engine.v8cache`)).size;
    await engineRun('the first engine');
    // It started from the bundle's cache (its modules' top levels) and left a larger one of its own.
    assert.deepEqual(records(), [`${given} false`]);
    assert.ok(fs.statSync(own).size > given, `${fs.statSync(own).size} > ${given}`);
    assert.equal(fs.statSync(own).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(own)).mode & 0o777, 0o700);
    // The next one starts from it (made under the engine's flags, so V8 takes it), and leaves it.
    const left = fs.readFileSync(own);
    await engineRun('the second engine');
    assert.deepEqual(records().slice(1), [`${left.length} false`]);
    assert.deepEqual(fs.readFileSync(own), left);
    // Another bundle's cache is never taken, and goes once an engine writes its own.
    fs.rmSync(own);
    const stale = path.join(path.dirname(own), 'engine-0000000000000000.v8cache');
    fs.writeFileSync(stale, left);
    await engineRun('an engine after an upgrade');
    assert.deepEqual(records().slice(2), [`${given} false`]);
    assert.deepEqual(fs.readdirSync(path.dirname(own)), [path.basename(own)]);
  } finally {
    sb.cleanup();
    fs.rmSync(tools, { recursive: true, force: true });
  }
});

test("`kjob controller run` as a user types it runs the engine from the engine's bundle, which the CLI's does not hold", async () => {
  const bundle = path.join(ROOT, 'dist', 'bundle');
  const sha = fs.readFileSync(path.join(bundle, 'current'), 'utf8').trim();
  // The engine's log lines are in the engine's bundle only (src/engine/engine.ts).
  assert.ok(fs.readFileSync(path.join(bundle, `${sha}.engine.cjs`), 'latin1').includes('engine started (pid'));
  assert.ok(!fs.readFileSync(path.join(bundle, `${sha}.cjs`), 'latin1').includes('engine started (pid'));
  const sb = new Sandbox();
  try {
    // Not the engine's own command line (isEngineArgv): the CLI parses it, then loads the engine.
    const engine = sb.spawn(['controller', 'run']);
    await sb.until('the engine to start', () => /engine started \(pid \d+/.test(engine.output()), 60_000, 50);
    assert.equal(sb.ok(['create', 'configmap', 'by-hand']), 'configmap/by-hand created\n');
    assert.match(sb.ok(['controller', 'status']), /^engine: running \(pid \d+\)/m);
    const exited = new Promise<number | null>((resolve) => engine.child.once('exit', (code) => resolve(code)));
    sb.ok(['controller', 'stop']);
    assert.equal(await exited, 0);
    // It keeps its code cache as an engine a command starts does (bin/kjob loadEngine).
    const { engineCacheFile } = createRequire(import.meta.url)(launcher);
    assert.ok(fs.existsSync(engineCacheFile(sb.home, sha)), 'the engine left its code cache');
    // A user's error from the engine's bundle is its message and exit 1, as the CLI reports one.
    fs.rmSync(path.join(sb.home, 'state.db'));
    fs.writeFileSync(path.join(sb.home, 'state.db'), 'not a database\n');
    const r = sb.kjob(['controller', 'run']);
    assert.equal(r.stderr, `error: state file "${sb.home}/state.db" is unreadable or corrupt: file is not a database\n`);
    assert.equal(r.code, 1);
  } finally {
    sb.cleanup();
  }
});
