// kjob wait (condition, jsonpath, create, delete, -f, -o, timeouts, errors), get -o jsonpath, and the
// builder's rules for -f that wait shares with label and delete; end to end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, shJob } from './helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const sleeper = shJob('sleeper', '', 'sleep 300');

test('wait --for=condition=complete prints "condition met" once the Job completes', () => {
  assert.equal(sb.kjob(['apply', '-f', 'fixtures/job-echo.yaml']).stdout, 'job.batch/echo created\n');
  const r = sb.kjob(['wait', '--for=condition=complete', 'job/echo', '--timeout=60s']);
  assert.deepEqual(r, { stdout: 'job.batch/echo condition met\n', stderr: '', code: 0 });
  // case-insensitive, TYPE NAME form, and =value
  assert.equal(sb.kjob(['wait', '--for=condition=Complete=TRUE', 'jobs', 'echo', '--timeout=0']).stdout, 'job.batch/echo condition met\n');
});

test('wait --for=jsonpath and get -o jsonpath', () => {
  assert.equal(sb.kjob(['wait', "--for=jsonpath={.status.succeeded}=1", 'job/echo']).stdout, 'job.batch/echo condition met\n');
  assert.equal(sb.kjob(['wait', '--for=jsonpath=.status.succeeded', 'job/echo']).stdout, 'job.batch/echo condition met\n');
  assert.equal(sb.kjob(['get', 'job', 'echo', '-o', 'jsonpath={.status.succeeded}']).stdout, '1');
  assert.equal(sb.kjob(['get', 'job', 'echo', '-o', 'jsonpath={.status.conditions[?(@.type=="Complete")].status}']).stdout, 'True');
  assert.equal(sb.kjob(['get', 'jobs', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']).stdout, 'echo\n');
  assert.match(sb.kjob(['get', 'pods', '-o', "jsonpath={.items[*].metadata.labels['batch\\.kubernetes\\.io/job-name']}"]).stdout, /^echo$/);
  assert.equal(sb.kjob(['get', 'job', 'echo', '-o', 'jsonpath={.x}']).stdout, '');
  const miss = sb.kjob(['get', 'job', 'echo', '-o', 'jsonpath={.x}', '--allow-missing-template-keys=false']);
  assert.equal(miss.code, 1);
  assert.match(miss.stderr, /^error: error executing jsonpath "\{\.x\}": Error executing template: x is not found\. Printing more information for debugging the template:\n\ttemplate was:\n\t\t\{\.x\}\n\tobject given to jsonpath engine was:\n\t\tmap\[string\]interface \{\}\{"apiVersion":"batch\/v1", .*\n\n\n$/);
  assert.equal(sb.kjob(['get', 'job', 'echo', '-o', 'jsonpath={.x']).stderr, 'error: error parsing jsonpath {.x, unclosed action\n');
  assert.equal(sb.kjob(['wait', '--for=jsonpath={.status.conditions[*].type}=Complete', 'job/echo']).stderr, 'error: given jsonpath expression matches more than one value\n');
});

test('a timeout, several failures, and the errors kubectl prints', () => {
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: sleeper }).stdout, 'job.batch/sleeper created\n');
  const t = sb.kjob(['wait', '--for=condition=complete', 'job/sleeper', '--timeout=1s']);
  assert.deepEqual(t, { stdout: '', stderr: 'error: timed out waiting for the condition on jobs/sleeper\n', code: 1 });
  const all = sb.kjob(['wait', '--for=condition=complete=false', 'jobs', '--all', '--timeout=1s']);
  assert.deepEqual(all, {
    stdout: '',
    stderr: 'timed out waiting for the condition on jobs/echo\ntimed out waiting for the condition on jobs/sleeper\n',
    code: 1,
  });
  assert.equal(sb.kjob(['wait', '--for=condition=complete', 'job/sleeper', '--timeout=0']).stderr, 'error: condition not met for jobs/sleeper\n');
  assert.deepEqual(sb.kjob(['wait', '--for=condition=complete', 'job/nope']), { stdout: '', stderr: 'Error from server (NotFound): jobs.batch "nope" not found\n', code: 1 });
  assert.deepEqual(sb.kjob(['wait', '--for=condition=complete', 'jobs', '-l', 'app=none']), { stdout: '', stderr: 'error: no matching resources found\n', code: 1 });
  assert.equal(sb.kjob(['wait', 'job/echo']).stderr, 'error: unrecognized condition: ""\n');
  assert.equal(sb.kjob(['wait', '--for=condition=complete', 'job/echo', '--timeout=abc']).stderr, `Error: invalid argument "abc" for "--timeout" flag: time: invalid duration "abc"\nSee 'kjob wait --help' for usage.\n`);
});

test('wait --for=delete returns when the Job is gone', async () => {
  const w = sb.spawn(['wait', '--for=delete', 'job/sleeper', '--timeout=30s']);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(w.child.exitCode, null, 'still waiting while the Job exists');
  assert.equal(sb.kjob(['delete', 'job', 'sleeper', '--wait=false']).stdout, 'job.batch "sleeper" deleted\n');
  await sb.until('wait to exit', () => w.child.exitCode !== null, 20_000);
  assert.equal(w.child.exitCode, 0);
  assert.equal(w.output(), 'job.batch/sleeper condition met\n');
  // a Job that is already gone: nothing to wait for, nothing printed
  assert.deepEqual(sb.kjob(['wait', '--for=delete', 'job/sleeper']), { stdout: '', stderr: '', code: 0 });
});

// Each output below as kubectl v1.32 printed it against `kjob serve` of the same objects.
test("wait -f, -o, and --for=create; the builder's -f rules the other verbs share (-l, -A, resource arguments)", async () => {
  const echo = ['-f', 'fixtures/job-echo.yaml'];
  assert.deepEqual(sb.kjob(['wait', '--for=condition=complete', ...echo]), { stdout: 'job.batch/echo condition met\n', stderr: '', code: 0 });
  assert.equal(sb.kjob(['wait', '--for=condition=complete', ...echo, '-o', 'name']).stdout, 'job.batch/echo\n');
  assert.equal(sb.kjob(['wait', '--for=condition=complete', ...echo, '-o', 'jsonpath={.status.succeeded}']).stdout, '1');
  assert.equal(sb.kjob(['wait', '--for=create', ...echo, 'job/echo']).stderr, 'error: resource/name arguments cannot be provided when a path is specified\n');
  // Not there yet: looked for every 500 ms until the timeout (one look with 0).
  assert.deepEqual(sb.kjob(['wait', '--for=create', 'cm/nope', '--timeout=0']), { stdout: '', stderr: 'error: timed out waiting for the condition\n', code: 1 });
  // Two missing end the wait at once, as does a file's (kubectl's aggregate of errors is no NotFound).
  assert.equal(sb.kjob(['wait', '--for=create', 'cm/nope', 'cm/nope2', '--timeout=30s']).stderr, 'Error from server (NotFound): configmaps "nope" not found\nError from server (NotFound): configmaps "nope2" not found\n');
  assert.equal(sb.kjob(['wait', '--for=create', '-f', 'fixtures/job-pi.yaml', '--timeout=30s']).stderr, 'Error from server (NotFound): jobs.batch "pi" not found\n');
  // Files: -l filters by the labels on the server; a manifest without a name is not waited for;
  // -A leaves no namespace for one the file does not place; resource arguments beside -f.
  const files = path.join(sb.home, 'wait-files');
  fs.mkdirSync(files);
  fs.writeFileSync(path.join(files, 'two.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c2\n  labels: {app: x}\n');
  fs.writeFileSync(path.join(files, 'noname.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: g-\n');
  assert.equal(sb.kjob(['apply', '-f', path.join(files, 'two.yaml')]).code, 0);
  assert.equal(sb.kjob(['wait', '--for=create', '-f', path.join(files, 'two.yaml'), '-l', 'app=x']).stdout, 'configmap/c2 condition met\n');
  assert.deepEqual(sb.kjob(['wait', '--for=create', '-f', path.join(files, 'noname.yaml'), '-f', path.join(files, 'two.yaml')]), {
    stdout: 'configmap/c1 condition met\nconfigmap/c2 condition met\n',
    stderr: 'error: resource name must be provided\n',
    code: 1,
  });
  assert.deepEqual(sb.kjob(['wait', '--for=create', '-f', path.join(files, 'two.yaml'), '-A']), {
    stdout: '',
    stderr: 'no namespace set on resource /v1, Resource=configmaps "c1"\nno namespace set on resource /v1, Resource=configmaps "c2"\n',
    code: 1,
  });
  // -l with -f in the other verbs: by the labels fetched (label) or the file's (delete fetches none).
  const two = path.join(files, 'two.yaml');
  assert.equal(sb.kjob(['label', '-f', two, '-l', 'app=x', 'k=v', '--dry-run=client']).stdout, 'configmap/c2 labeled (dry run)\n');
  assert.equal(sb.kjob(['delete', '-f', two, '-l', 'app=x', '--dry-run=client']).stdout, 'configmap "c2" deleted (dry run)\n');
  assert.deepEqual(sb.kjob(['delete', '-f', two, '-l', 'app=y', '--dry-run=client']), { stdout: 'No resources found\n', stderr: '', code: 0 });
  // get: by the labels fetched, printed as itself when one file gives one; a table is the server's
  // Table, whose labels are none, so kubectl v1.32 shows all for `!app` and none for `app=x`.
  assert.deepEqual(sb.kjob(['get', '-f', two, '-l', 'app=x', '-o', 'name']), { stdout: 'configmap/c2\n', stderr: '', code: 0 });
  assert.equal(sb.kjob(['get', '-f', two, '-l', 'app=x', '-o', 'jsonpath={.kind}']).stdout, 'ConfigMap');
  assert.deepEqual(sb.kjob(['get', '-f', two, '-l', 'app=x']), { stdout: '', stderr: 'No resources found in default namespace.\n', code: 0 });
  assert.match(sb.kjob(['get', '-f', two, '-l', '!app']).stdout, /^NAME +DATA +AGE\nc1 +0 +\S+\nc2 +0 +\S+\n$/);
  assert.deepEqual(sb.kjob(['get', '-f', two, '-l', 'app=x', '--sort-by=.metadata.name']), { stdout: '', stderr: 'No resources found in default namespace.\n', code: 0 });
  assert.deepEqual(sb.kjob(['get', '-f', two, '-l', 'a b']), {
    stdout: '',
    stderr: "error: the provided selector \"a b\" is not valid: unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt\n",
    code: 1,
  });
  // The builder's, for every verb that fetches a file's objects (label, here).
  assert.deepEqual(sb.kjob(['label', '-f', path.join(files, 'two.yaml'), '-A', 'k=v', '--dry-run=client']), {
    stdout: '',
    stderr: 'no namespace set on resource /v1, Resource=configmaps "c1"\nno namespace set on resource /v1, Resource=configmaps "c2"\n',
    code: 1,
  });
  assert.equal(sb.kjob(['wait', '--for=create', '-f', path.join(files, 'two.yaml'), 'cm', 'c1']).stderr, 'error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n');
  // -o yaml separates the objects; a template's error fails no wait (RunWait ignores PrintObj's).
  assert.match(sb.kjob(['wait', '--for=create', 'cm', 'c1', 'c2', '-o', 'yaml']).stdout, /^apiVersion: v1\n(?:.*\n)*---\napiVersion: v1\n(?:.*\n)*  name: c2\n/);
  assert.deepEqual(sb.kjob(['wait', '--for=create', 'cm/c1', '-o', 'jsonpath={.x}', '--allow-missing-template-keys=false']), { stdout: '', stderr: '', code: 0 });
  const w = sb.spawn(['wait', '--for=create', 'cm/late', '--timeout=30s']);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(w.child.exitCode, null, 'still waiting while the ConfigMap is missing');
  assert.equal(sb.kjob(['create', 'configmap', 'late']).stdout, 'configmap/late created\n');
  await sb.until('wait to exit', () => w.child.exitCode !== null, 20_000);
  assert.deepEqual([w.child.exitCode, w.output()], [0, 'configmap/late condition met\n']);
});
