// Bad input gets kubectl's error on stderr, exit code 1, and changes nothing.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Sandbox, KJOB } from './helpers.js';
import { processesOf } from '../../src/util/process.js';

const sb = new Sandbox();
let dir: string;
after(() => sb.cleanup());

const JOB = (name: string, extra = '') => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:${extra}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["true"]
`;

before(() => {
  dir = path.join(sb.home, 'manifests');
  fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
  const w = (f: string, s: string) => fs.writeFileSync(path.join(dir, f), s);
  w('norestart.yaml', JOB('bad').replace('      restartPolicy: Never\n', ''));
  w('neg.yaml', JOB('neg', '\n  parallelism: -1').replace('      restartPolicy: Never\n', ''));
  w('broken.yaml', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  labels: a: b\n');
  w('badkind.yaml', 'apiVersion: batch/v1\nkind: Jobb\nmetadata:\n  name: x\n');
  w('badname.yaml', JOB('Bad_Name'));
  w('multi.yaml', `${JOB('good')}---\n${JOB('bad2').replace('      restartPolicy: Never\n', '      restartPolicy: Always\n')}`);
});

/** Nothing stored changed: the same objects with the same resourceVersions. */
function snapshot(): string {
  return sb.kjob(['get', 'jobs,pods', '-A', '-o', 'json']).stdout;
}

function expectError(args: string[], stderr: string | RegExp, opts: { input?: string } = {}): void {
  const before = snapshot();
  const r = sb.kjob(args, opts);
  assert.equal(r.code, 1, `exit code of kjob ${args.join(' ')}`);
  assert.equal(r.stdout, '');
  if (typeof stderr === 'string') assert.equal(r.stderr, stderr);
  else assert.match(r.stderr, stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(snapshot(), before, 'nothing changed');
}

test('a missing file', () => expectError(['apply', '-f', 'missing.yaml'], 'error: the path "missing.yaml" does not exist\n'));

// kubectl v1.32 (resource.Builder's Path), against no server at all
test('a directory with no manifests', () => expectError(['apply', '-f', path.join(dir, 'empty')], `error: error reading [${path.join(dir, 'empty')}]: recognized file extensions are [.json .yaml .yml]\n`));

test('restartPolicy missing (defaulted to Always) is refused with the apiserver message', () =>
  expectError(
    ['apply', '-f', path.join(dir, 'norestart.yaml')],
    'The Job "bad" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n',
  ));

test('several causes are listed one per line after a trailing space', () =>
  expectError(
    ['create', '-f', path.join(dir, 'neg.yaml')],
    'The Job "neg" is invalid: \n* spec.parallelism: Invalid value: -1: must be greater than or equal to 0\n* spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n',
  ));

test('YAML that does not parse names the file', () =>
  expectError(
    ['apply', '-f', path.join(dir, 'broken.yaml')],
    `error: error parsing ${path.join(dir, 'broken.yaml')}: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context\n`,
  ));

test('an unknown kind', () =>
  expectError(
    ['apply', '-f', path.join(dir, 'badkind.yaml')],
    `error: resource mapping not found for name: "x" namespace: "" from "${path.join(dir, 'badkind.yaml')}": no matches for kind "Jobb" in version "batch/v1"\nensure CRDs are installed first\n`,
  ));

test('batch/v1beta1 is refused as by v1.32, with a hint', () =>
  expectError(['apply', '-f', 'fixtures/cronjob-hello-v1beta1.yaml'], /no matches for kind "CronJob" in version "batch\/v1beta1"\nensure CRDs are installed first\n.*batch\/v1/));

test('an invalid name', () => expectError(['apply', '-f', path.join(dir, 'badname.yaml')], /^The Job "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/));

test('command-line mistakes', () => {
  expectError(['get', 'foo'], 'error: the server doesn\'t have a resource type "foo"\n');
  expectError(['get', 'pods', '--foo'], "Error: unknown flag: --foo\nSee 'kjob get --help' for usage.\n");
  // Before any verb, cobra's command path is the program's alone.
  expectError(['--version'], "Error: unknown flag: --version\nSee 'kjob --help' for usage.\n");
  expectError(['get', 'pods', '-o', 'foo'], /^error: unable to match a printer suitable for the output format "foo", allowed formats are: /);
  expectError(['get', 'job', 'nope'], 'Error from server (NotFound): jobs.batch "nope" not found\n');
  expectError(['delete', 'job', 'nope'], 'Error from server (NotFound): jobs.batch "nope" not found\n');
  expectError(['logs', 'nope'], 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n');
  expectError(['get', 'job', 'pi', 'pod/web-0'], /^error: there is no need to specify a resource type as a separate argument/);
  // pflag's words, not "this is a bug" (it was read as the status began).
  expectError(['rollout', 'status', 'deployment/nope', '--timeout=bogus'], 'Error: invalid argument "bogus" for "--timeout" flag: time: invalid duration "bogus"\nSee \'kjob rollout status --help\' for usage.\n');
});

test('in a multi-document file the valid documents are applied and each invalid one reported', () => {
  const r = sb.kjob(['apply', '-f', path.join(dir, 'multi.yaml')]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'job.batch/good created\n');
  assert.equal(r.stderr, 'The Job "bad2" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n');
  assert.match(sb.kjob(['get', 'jobs']).stdout, /\ngood /);
  const again = sb.kjob(['create', '-f', path.join(dir, 'multi.yaml')]);
  assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating ".*multi\.yaml": jobs\.batch "good" already exists/);
});

test('apply of an unchanged manifest says unchanged and writes nothing', async () => {
  await sb.until('the good Job finished', () => /good +Complete/.test(sb.kjob(['get', 'jobs']).stdout), 30_000);
  await sb.until('the engine is idle', () => sb.enginePid() === undefined, 30_000);
  const before = snapshot();
  const r = sb.kjob(['apply', '-f', '-'], { input: JOB('good') });
  assert.equal(r.stdout, 'job.batch/good unchanged\n');
  assert.equal(snapshot(), before);
});

test('two applies at the same moment are serialised: both Jobs are stored', async () => {
  const run = (name: string) =>
    new Promise<number>((resolve) => {
      const c = spawn(process.execPath, [KJOB, 'apply', '-f', '-'], { env: sb.env, stdio: ['pipe', 'ignore', 'ignore'] });
      c.stdin.end(JOB(name));
      c.on('exit', (code) => resolve(code ?? -1));
    });
  const codes = await Promise.all([run('race-a'), run('race-b'), run('race-c')]);
  assert.deepEqual(codes, [0, 0, 0]);
  const names = JSON.parse(sb.kjob(['get', 'jobs', '-o', 'json']).stdout).items.map((j: { metadata: { name: string } }) => j.metadata.name);
  for (const n of ['race-a', 'race-b', 'race-c']) assert.ok(names.includes(n), n);
  // Done and idle before the next tests, which compare the store before and after a refused write.
  await sb.until('the race Jobs finished', () => (sb.kjob(['get', 'jobs']).stdout.match(/race-. +Complete/g) ?? []).length === 3, 60_000);
  await sb.until('the engine is idle', () => sb.enginePid() === undefined, 30_000);
});

test('a corrupt state file gets a clear error and is left as it was', () => {
  const home = path.join(sb.home, 'corrupt');
  fs.mkdirSync(home);
  const file = path.join(home, 'state.db');
  fs.writeFileSync(file, 'this is not a database, but it is somebody\'s data\n'.repeat(200));
  const bytes = fs.readFileSync(file);
  const r = sb.kjob(['--home', home, 'get', 'jobs']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: state file ".*state\.db" is/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.deepEqual(fs.readFileSync(file), bytes);
});

test('a state directory that cannot be created gets a clear error', () => {
  const notADir = path.join(sb.home, 'plain-file');
  fs.writeFileSync(notADir, '');
  const r = sb.kjob(['--home', path.join(notADir, 'home'), 'get', 'jobs']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: cannot use state directory ".*plain-file\/home": /);
});

// As git refuses a repository of another user's (src/store/state_dir_safety.ts): root's engine
// appended its log through a link that user had planted, and made that file root's 0600; the
// engine's own form (`--home DIR controller run`) wrote its lock through such a link.
test("another user's state directory is refused by every way in, and nothing is made there or started", { skip: process.getuid?.() !== 0 && 'needs root (to give the directory away)' }, async () => {
  const foreign = path.join(sb.home, 'foreign');
  fs.mkdirSync(foreign, { mode: 0o700 });
  const roots = path.join(sb.home, 'roots-file');
  fs.writeFileSync(roots, 'root only\n', { mode: 0o644 });
  // The engine's log, and its lock's temporary name (engine.pid.<pid>) for the pids coming next.
  const planted = ['engine.log'];
  const lastPid = Number(fs.readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));
  for (let pid = lastPid + 1; pid <= lastPid + 600; pid++) planted.push(`engine.pid.${pid}`);
  for (const f of planted) fs.symlinkSync(roots, path.join(foreign, f));
  fs.chownSync(foreign, 4321, 4321);
  // Root's own directory inside it: that user could swap it for one of theirs at any time.
  const inside = path.join(foreign, 'roots-home');
  const outcome = (home: string, why: string) => [1, '', `error: cannot use state directory "${home}": ${why}; run kjob as that user, or give it a state directory of your own (--home, $KJOB_HOME)\n`];
  const cases: [string, string][] = [
    [foreign, 'it belongs to another user (uid 4321)'],
    [inside, `"${foreign}" belongs to another user (uid 4321), who could replace what is in it`],
  ];
  for (const [home, why] of cases) {
    for (const args of [
      ['create', 'job', 'x', '--image=busybox', '--', 'true'],
      ['apply', '-f', path.join(dir, 'badname.yaml')],
      ['get', 'pods'],
      ['controller', 'start'],
      ['controller', 'run'],
      ['controller', 'stop'],
    ]) {
      for (const r of [sb.kjob(['--home', home, ...args]), sb.kjob(args, { env: { KJOB_HOME: home } })]) {
        assert.deepEqual([r.code, r.stdout, r.stderr], outcome(home, why), `${home}: ${args.join(' ')}`);
      }
    }
  }
  // What does not use the state directory is not refused.
  assert.match(sb.ok(['--home', foreign, 'version', '--client']), /^Client Version: /);
  // A command server a refused command would start comes after its exit, in the background.
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual([processesOf(foreign), processesOf(inside)], [[], []]);
  assert.deepEqual(fs.readdirSync(foreign).sort(), planted.sort());
  assert.deepEqual([fs.statSync(roots).uid, fs.statSync(roots).mode & 0o777, fs.readFileSync(roots, 'utf8')], [0, 0o644, 'root only\n']);
});

// Under umask 002 (Debian's for users with a group of their own) the engine's own form made its
// new state directory 0775, and then refused it as writable by others.
test('a state directory kjob makes is 0700 and its own to use, whatever the umask', async () => {
  const home = path.join(sb.home, 'umask-002', 'state');
  const engine = spawn('/bin/sh', ['-c', `umask 002; exec "${KJOB}" --home "${home}" controller run`], { stdio: 'ignore' });
  try {
    await sb.until('the engine to hold its lock', () => fs.existsSync(path.join(home, 'engine.pid')) || engine.exitCode !== null, 30_000);
    assert.equal(engine.exitCode, null, 'the engine refused its own state directory');
    assert.deepEqual([fs.statSync(path.dirname(home)).mode & 0o777, fs.statSync(home).mode & 0o777], [0o700, 0o700]);
  } finally {
    sb.kjob(['--home', home, 'controller', 'stop']);
    engine.kill('SIGKILL');
  }
});

// kubectl apply learns that it cannot print only after applying (printObjects); kjob refuses
// first, as kubectl create does, so that nothing changes.
test('apply with an -o that has no printer changes nothing', () =>
  expectError(['apply', '-f', '-', '-o', 'wide'], 'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n', { input: JOB('printme') }));

// cli-runtime's metadataValidatingDecoder, before anything is sent
test('metadata that does not decode as ObjectMeta', () =>
  expectError(['apply', '-f', '-'], 'error: unable to decode "STDIN": json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string\n', { input: JOB('on') }));

// kubectl label and patch build their printer only once they have written, so a bad -o or
// template fails after the change; kjob refuses first, as annotate, replace, run and create do.
test('label, patch, replace and run with an -o or a template that has no printer change nothing', () => {
  assert.equal(sb.kjob(['create', 'configmap', 'printcm', '--from-literal=a=1']).code, 0);
  const stored = () => sb.kjob(['get', 'configmap', 'printcm', '-o', 'json']).stdout;
  const before = stored();
  const formats = 'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';
  for (const [args, stderr] of [
    [['label', 'configmap', 'printcm', 'x=1', '-o', 'jsonpath={.bad'], 'error: error parsing jsonpath {.bad, unclosed action\n'],
    [['label', 'configmap', 'printcm', 'x=1', '-o', 'wide'], `error: unable to match a printer suitable for the output format "wide", allowed formats are: ${formats}\n`],
    [['patch', 'configmap', 'printcm', '-p', '{"data":{"a":"2"}}', '-o', 'go-template={{.bad'], 'error: error parsing template {{.bad, template: output:1: unclosed action\n'],
    [['patch', 'configmap', 'printcm', '-p', '{"data":{"a":"2"}}', '-o', 'foo'], `error: unable to match a printer suitable for the output format "foo", allowed formats are: ${formats}\n`],
    [['replace', '-f', '-', '-o', 'jsonpath={.bad'], 'error: error parsing jsonpath {.bad, unclosed action\n'],
    // pflag reads --timeout before anything runs: --force deleted the object first, then refused the flag.
    [['replace', '--force', '-f', '-', '--timeout=bogus'], 'Error: invalid argument "bogus" for "--timeout" flag: time: invalid duration "bogus"\nSee \'kjob replace --help\' for usage.\n'],
    [['run', 'printpod', '--image=busybox', '-o', 'go-template={{.bad'], 'error: error parsing template {{.bad, template: output:1: unclosed action\n'],
  ] as [string[], string][]) {
    const r = sb.kjob(args, { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: printcm\ndata:\n  a: "3"\n' });
    assert.equal(r.code, 1, `exit code of kjob ${args.join(' ')}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, stderr);
  }
  assert.equal(stored(), before, 'nothing changed');
  assert.equal(sb.kjob(['get', 'pod', 'printpod']).code, 1, 'no pod was created');
});
