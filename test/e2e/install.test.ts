// kjob as a user gets it (issue 7): the scripts a new user runs end either way, `npm pack` makes a
// package that `npm install -g` turns into a working `kjob`, `kjob version` and the completion
// scripts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox, ROOT } from './helpers.js';
import { killProcessesOf, processesOf } from '../../src/util/process.js';

const sb = new Sandbox();
after(() => sb.cleanup());

/** The processes of this state directory (the engine, shims, containers, watches). */
const leftovers = processesOf;

function walkthrough(fixture: string, home: string) {
  const started = Date.now();
  const r = spawnSync('bash', ['scripts/walkthrough.sh'], {
    cwd: ROOT,
    env: { ...process.env, KJOB_HOME: home, KJOB_WALKTHROUGH_FIXTURE: fixture, TZ: 'UTC' },
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

test('the walkthrough script ends with the Job: exit 0 when it completes, its watch stopped', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-wt-'));
  try {
    const r = walkthrough('fixtures/job-echo.yaml', home);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\n\$ kjob logs echo-[a-z0-9]{5}\nHello, Job\n/);
    assert.match(r.stdout, /\n\$ kjob delete job echo --cascade=foreground\njob\.batch "echo" deleted\n/);
    // Its pods are gone with it: the last listing is the same every run.
    assert.match(r.stdout + r.stderr, /\n\$ kjob get pods\n(.|\n)*No resources found in default namespace\.\n/);
    assert.doesNotMatch(r.stdout.slice(r.stdout.lastIndexOf('$ kjob get pods')), /echo-[a-z0-9]{5}/);
    spawnSync(process.execPath, [path.join(ROOT, 'bin/kjob'), '--home', home, 'controller', 'stop']);
    assert.deepEqual(leftovers(home), []);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a failing Job ends the walkthrough at once with the reason and exit 1, not a wait for the back-off', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-wt-'));
  try {
    const r = walkthrough('fixtures/job-failed-demo.yaml', home);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.seconds < 60, `took ${r.seconds}s`);
    assert.match(r.stderr, /walkthrough: a container of pod job-failed-demo-[a-z0-9]{5} failed/);
    assert.match(r.stderr, /container test-job: StartError, restarts 0; ended StartError with exit code 128: .*exec: "echo123": executable file not found in \$PATH: unknown/);
    assert.match(r.stderr, /up to backoffLimit=6 failures/);
    assert.match(r.stderr, /Warning +Failed .*kubelet +Error: failed to create containerd task/);
    assert.match(r.stderr, /The last lines of its log:\n {2}\(the container wrote nothing\)/);
    // The watch the script started is gone with it.
    assert.ok(!leftovers(home).some((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-w')));
  } finally {
    spawnSync(process.execPath, [path.join(ROOT, 'bin/kjob'), '--home', home, 'controller', 'stop']);
    killProcessesOf(home);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('kjob version: kjob and the Kubernetes version it follows, as kubectl version --client prints them', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(sb.kjob(['version']).stdout, `Client Version: v${pkg.version}\nKubernetes Version: v1.32.4\n`);
  assert.equal(sb.kjob(['version', '--client']).stdout, `Client Version: v${pkg.version}\nKubernetes Version: v1.32.4\n`);
  const j = JSON.parse(sb.kjob(['version', '-o', 'json']).stdout);
  assert.equal(j.clientVersion.gitVersion, `v${pkg.version}`);
  assert.deepEqual(j.kubernetesVersion, { major: '1', minor: '32', gitVersion: 'v1.32.4' });
  assert.match(sb.kjob(['version', '-o', 'yaml']).stdout, /^clientVersion:\n {2}gitVersion: v\d+\.\d+\.\d+\n {2}major: "\d+"\n/);
  assert.deepEqual(sb.kjob(['version', '-o', 'wide']), { stdout: '', stderr: "error: --output must be 'yaml' or 'json'\n", code: 1 });
});

test('completion: bash and zsh scripts complete verbs, types and names from the state file', async (t) => {
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-echo.yaml']).code, 0);
  assert.deepEqual(sb.kjob(['completion']), { stdout: '', stderr: "error: Shell not specified.\nSee 'kjob completion -h' for help and examples\n", code: 1 });
  assert.equal(sb.kjob(['completion', 'fish']).stderr, `error: Unsupported shell type "fish".\nSee 'kjob completion -h' for help and examples\n`);
  const env = { ...sb.env, PATH: `${path.join(ROOT, 'bin')}:${process.env.PATH}` };
  const bash = (words: string[]) =>
    execFileSync('bash', ['-c', `source <(kjob completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _kjob_complete; (IFS=,; echo "\${COMPREPLY[*]}")`], { env, encoding: 'utf8' });
  assert.equal(bash(['kjob', 'ge']), 'get\n');
  assert.equal(bash(['kjob', 'get', 'cj', '']), '\n');
  assert.equal(bash(['kjob', 'get', 'jo']), 'jobs\n');
  assert.equal(bash(['kjob', 'describe', 'jobs', '']), 'echo\n');
  assert.equal(bash(['kjob', 'get', 'job/']), 'job/echo\n');
  // A pod's name once the Job controller has made the pod (the engine started cold with the apply).
  await sb.until("echo's pod", () => sb.kjob(['get', 'pods', '-l', 'job-name=echo', '-o', 'name']).stdout !== '', 30_000, 50);
  assert.match(bash(['kjob', 'logs', '']), /^echo-[a-z0-9]{5}\n$/);
  assert.equal(bash(['kjob', '-n', '']), 'default\n');
  assert.equal(bash(['kjob', 'controller', 'st']), 'status,start,stop\n');
  await t.test('zsh', { skip: spawnSync('zsh', ['--version']).error ? 'zsh is not installed' : false }, () => {
    const zsh = execFileSync('zsh', ['-c', `compdef() { :; }; source <(kjob completion zsh); compadd() { shift; print -l -- "$@"; }; words=(kjob get jobs ''); CURRENT=4; _kjob`], { env, encoding: 'utf8' });
    assert.equal(zsh, 'echo\n');
  });
});

test('npm pack makes a package that npm install -g turns into a working kjob', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-pack-'));
  try {
    // --ignore-scripts: npm test has just built dist/, and rebuilding it here (npm's prepack) would
    // swap files under the other e2e tests that are running bin/kjob at the same time.
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
    assert.ok(files.includes('bin/kjob') && files.includes('dist/cli/main.js') && files.includes('fixtures/job-pi.yaml'));
    assert.deepEqual(files.filter((f) => /(^src\/|^test\/|\.test\.js$|testing\.js$|^scripts\/|^bench\/)/.test(f)), []);
    const prefix = path.join(work, 'prefix');
    // Without install scripts: better-sqlite3's would compile its native addon again (minutes on a
    // loaded machine, when no prebuilt binary can be fetched); the one this checkout built is the
    // same Node's, and is copied in. What is checked is kjob's package: its files, bin and deps.
    // --prefer-offline: the dependencies `npm ci` has just fetched are in npm's cache; without it
    // npm asks the registry about each one again, and a slow registry once held this test to its
    // 300 s timeout.
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', path.join(work, packed[0].filename)], { encoding: 'utf8', stdio: 'ignore', timeout: 300_000 });
    fs.cpSync(path.join(ROOT, 'node_modules/better-sqlite3/build'), path.join(prefix, 'lib/node_modules/kjob/node_modules/better-sqlite3/build'), { recursive: true });
    const env = { ...process.env, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}`, KJOB_HOME: path.join(work, 'home') };
    const run = (args: string[]) => execFileSync('kjob', args, { env, encoding: 'utf8', cwd: work });
    assert.match(run(['version']), /^Client Version: v\d/);
    const fixture = path.join(prefix, 'lib/node_modules/kjob/fixtures/job-echo.yaml');
    assert.equal(run(['apply', '-f', fixture]), 'job.batch/echo created\n');
    assert.equal(run(['wait', '--for=condition=complete', 'job/echo', '--timeout=60s']), 'job.batch/echo condition met\n');
    assert.equal(run(['logs', 'job/echo']), 'Hello, Job\n');
    run(['controller', 'stop']);
  } finally {
    killProcessesOf(work);
    fs.rmSync(work, { recursive: true, force: true });
  }
});
