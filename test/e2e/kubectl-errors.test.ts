// Issue 12's audit: the mistakes users make most, answered in kubectl v1.32's words. Each expected
// text was printed by kubectl v1.32 against `kjob serve` for the same files and state (with
// kubectl for kjob); where kubectl answers before it reaches a server, against no server at all.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from './helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());
const file = (name: string, text: string) => {
  const p = path.join(sb.home, name);
  fs.writeFileSync(p, text);
  return p;
};
const TURN_OFF = '; if you choose to ignore these errors, turn validation off with --validate=false\n';
const KLOG = /^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ run\.go:72\] "command failed" err="(.*)"\n$/;

test('a manifest without apiVersion or kind: client-side validation, unless --validate=false', () => {
  const both = file('nokind.yaml', 'metadata:\n  name: x\nspec: {}\n');
  const noApi = file('noapi.yaml', 'kind: Job\nmetadata:\n  name: x\n');
  const noKind = file('nok.yaml', 'apiVersion: batch/v1\nmetadata:\n  name: x\n');
  for (const verb of ['apply', 'create', 'replace']) {
    assert.deepEqual(sb.kjob([verb, '-f', both]), { stdout: '', stderr: `error: error validating "${both}": error validating data: [apiVersion not set, kind not set]${TURN_OFF}`, code: 1 });
  }
  assert.deepEqual(sb.kjob(['apply', '-f', noApi]), { stdout: '', stderr: `error: error validating "${noApi}": error validating data: apiVersion not set${TURN_OFF}`, code: 1 });
  assert.deepEqual(sb.kjob(['create', '-f', noKind]), { stdout: '', stderr: `error: error validating "${noKind}": error validating data: kind not set${TURN_OFF}`, code: 1 });
  // --validate=false: the decoder's error
  assert.equal(sb.kjob(['apply', '-f', both, '--validate=false']).stderr, `error: unable to decode "${both}": Object 'Kind' is missing in '{"metadata":{"name":"x"},"spec":{}}'\n`);
  assert.equal(sb.kjob(['get', 'jobs', '-o', 'name']).stdout, '');
});

test('apply -f of a directory without manifests', () => {
  fs.mkdirSync(path.join(sb.home, 'nomanifests'));
  fs.writeFileSync(path.join(sb.home, 'nomanifests', 'notes.txt'), 'x\n');
  const r = sb.kjob(['apply', '-f', 'nomanifests'], { cwd: sb.home });
  assert.deepEqual(r, { stdout: '', stderr: 'error: error reading [nomanifests]: recognized file extensions are [.json .yaml .yml]\n', code: 1 });
});

test("cobra's required flags, all that are missing, through kubectl's klog line; before the arguments are looked at", () => {
  assert.equal(KLOG.exec(sb.kjob(['create', 'cronjob']).stderr)?.[1], 'required flag(s) \\"image\\", \\"schedule\\" not set');
  assert.equal(KLOG.exec(sb.kjob(['create', 'cronjob', 'c', '--schedule=x']).stderr)?.[1], 'required flag(s) \\"image\\" not set');
  assert.equal(KLOG.exec(sb.kjob(['run']).stderr)?.[1], 'required flag(s) \\"image\\" not set');
  assert.equal(KLOG.exec(sb.kjob(['scale', 'job', 'x']).stderr)?.[1], 'required flag(s) \\"replicas\\" not set');
});

test('describe without a type; get -a (removed); one missing object as json prints nothing on stdout', () => {
  assert.deepEqual(sb.kjob(['describe']), { stdout: '', stderr: 'error: You must specify the type of resource to describe. Use "kjob api-resources" for a complete list of supported resources.\n', code: 1 });
  assert.deepEqual(sb.kjob(['get', 'pod', '-l', 'job-name=oneshot', '-a']), { stdout: '', stderr: "Error: unknown shorthand flag: 'a' in -a\nSee 'kjob get --help' for usage.\n", code: 1 });
  assert.deepEqual(sb.kjob(['get', 'job', 'nope', '-o', 'json']), { stdout: '', stderr: 'Error from server (NotFound): jobs.batch "nope" not found\n', code: 1 });
});

test('a flag before a line that names no command once the flag took a value: kubectl refuses it as before a plugin name', () => {
  // kubectl v1.32 (KUBECONFIG=/dev/null): -A is unknown before the verb, so it takes "get" as its value.
  assert.deepEqual(sb.kjob(['-A', 'get', 'pods']), { stdout: '', stderr: 'Error: flags cannot be placed before plugin name: -A\n', code: 1 });
  assert.deepEqual(sb.kjob(['-n', 'default', 'bogus']), { stdout: '', stderr: 'Error: flags cannot be placed before plugin name: -n\n', code: 1 });
  // -A takes no value when it is the last but one: cobra finds no command, and the usage is the root's.
  assert.deepEqual(sb.kjob(['-A', 'get']), { stdout: '', stderr: "Error: unknown shorthand flag: 'A' in -A\nSee 'kjob --help' for usage.\n", code: 1 });
  // A completion request's command is added by cobra after kubectl's check: it names no command there.
  assert.deepEqual(sb.kjob(['-n', 'default', '__complete', 'get']), { stdout: '', stderr: 'Error: flags cannot be placed before plugin name: -n\n', code: 1 });
  assert.equal(sb.kjob(['-n', 'default', 'get', 'jobs', 'nope']).stderr, 'Error from server (NotFound): jobs.batch "nope" not found\n');
});

test("a subcommand's flag error points to the subcommand's help, by its name, as cobra's Find goes down", () => {
  // kubectl v1.32 (KUBECONFIG=/dev/null), "kubectl" read as "kjob".
  const usage = (path: string, flag: string) => ({ stdout: '', stderr: `Error: unknown flag: ${flag}\nSee '${path} --help' for usage.\n`, code: 1 });
  assert.deepEqual(sb.kjob(['create', 'job', '--foo']), usage('kjob create job', '--foo'));
  assert.deepEqual(sb.kjob(['create', 'cm', 'x', '--foo']), usage('kjob create configmap', '--foo'));
  assert.deepEqual(sb.kjob(['create', 'secret', 'generic', 'x', '--foo']), usage('kjob create secret generic', '--foo'));
  assert.deepEqual(sb.kjob(['rollout', 'history', '--foo']), usage('kjob rollout history', '--foo'));
  assert.deepEqual(sb.kjob(['create', '--foo']), usage('kjob create', '--foo'));
  assert.deepEqual(sb.kjob(['create', 'cj', 'x', '--wait=maybe']), usage('kjob create cronjob', '--wait'));
});

test("label and annotate of several objects that each refuse: an aggregate, each message without its 'error: '", () => {
  const cm = (n: string) => file(`${n}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  labels:\n    z1: a\n  annotations:\n    z1: a\n`);
  for (const n of ['agg1', 'agg2']) assert.equal(sb.kjob(['apply', '-f', cm(n)]).code, 0);
  assert.deepEqual(sb.kjob(['label', 'cm', 'agg1', 'z1=c']), { stdout: '', stderr: "error: 'z1' already has a value (a), and --overwrite is false\n", code: 1 });
  assert.deepEqual(sb.kjob(['label', 'cm', 'agg1', 'agg2', 'z1=c']), { stdout: '', stderr: "'z1' already has a value (a), and --overwrite is false\n".repeat(2), code: 1 });
  assert.deepEqual(sb.kjob(['annotate', 'cm', 'agg1', 'agg2', 'z1=c']), { stdout: '', stderr: "--overwrite is false but found the following declared annotation(s): 'z1' already has a value (a)\n".repeat(2), code: 1 });
});

test('--record: deprecated, accepted where kubectl v1.32 still has it, unknown elsewhere', () => {
  const job = file('job.yaml', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: rec\nspec:\n  suspend: true\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n        command: ["true"]\n');
  assert.deepEqual(sb.kjob(['apply', '-f', job, '--record']), { stdout: 'job.batch/rec created\n', stderr: 'Flag --record has been deprecated, --record will be removed in the future\n', code: 0 });
  assert.deepEqual(sb.kjob(['label', 'job', 'rec', 'a=b', '--record']), { stdout: 'job.batch/rec labeled\n', stderr: 'Flag --record has been deprecated, --record will be removed in the future\n', code: 0 });
  assert.deepEqual(sb.kjob(['delete', 'job', 'rec', '--record']), { stdout: '', stderr: "Error: unknown flag: --record\nSee 'kjob delete --help' for usage.\n", code: 1 });
});

test('get -f FILE|DIR: the objects the manifests name, as get TYPE/NAME prints them; errors as kubectl words them', async () => {
  const d = path.join(sb.home, 'objs');
  fs.mkdirSync(d);
  const job = (name: string) => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\nspec:\n  suspend: true\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n        command: ["true"]\n`;
  fs.writeFileSync(path.join(d, 'a.yaml'), job('ga'));
  fs.writeFileSync(path.join(d, 'b.yaml'), job('gb'));
  assert.equal(sb.kjob(['apply', '-f', d]).code, 0);
  fs.writeFileSync(path.join(d, 'c.yaml'), job('gc')); // not applied
  assert.deepEqual(sb.kjob(['get', '-f', path.join(d, 'a.yaml'), '-o', 'name']), { stdout: 'job.batch/ga\n', stderr: '', code: 0 });
  assert.deepEqual(sb.kjob(['get', '-f', d, '-o', 'name']), { stdout: 'job.batch/ga\njob.batch/gb\n', stderr: 'Error from server (NotFound): jobs.batch "gc" not found\n', code: 1 });
  // Suspended once the Job controller has synced it (until then, as on a cluster, Running).
  await sb.until('ga to be Suspended', () => sb.ok(['get', 'job', 'ga', '-o', 'jsonpath={.status.conditions[0].type}']) === 'Suspended', 30_000, 50);
  const t = sb.kjob(['get', '-f', path.join(d, 'a.yaml')]);
  assert.match(t.stdout, /^NAME   STATUS      COMPLETIONS   DURATION   AGE\nga     Suspended   0\/1                      \d+s\n$/);
  assert.deepEqual(sb.kjob(['get', 'jobs', '-f', d]), { stdout: '', stderr: 'error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n', code: 1 });
  // Each object in its own namespace (the manifest's, else the command's); -A leaves one the file
  // does not place without any (kubectl v1.32 against kjob serve of the same objects).
  assert.equal(sb.kjob(['create', 'ns', 'other']).code, 0);
  const spread = file('spread.yaml', ['m1', 'm2', 'm3'].map((n, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n${['  namespace: default\n', '  namespace: other\n', ''][i]}`).join('---\n'));
  assert.equal(sb.kjob(['apply', '-f', spread]).code, 0);
  assert.deepEqual(sb.kjob(['get', '-f', spread, '-o', 'name']), { stdout: 'configmap/m1\nconfigmap/m2\nconfigmap/m3\n', stderr: '', code: 0 });
  const all = sb.kjob(['get', '-f', spread, '-A']);
  assert.match(all.stdout, /^NAMESPACE   NAME   DATA   AGE\ndefault     m1     0      \S+\s*\nother       m2     0      \S+\s*\n$/);
  assert.deepEqual({ stderr: all.stderr, code: all.code }, { stderr: 'no namespace set on resource /v1, Resource=configmaps "m3"\n', code: 1 });
  // In the files' order, a table for each run of one kind (kubectl v1.32 against kjob serve).
  const mix = file('mix.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x1}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: x2}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x3, namespace: other}\n');
  assert.equal(sb.kjob(['apply', '-f', mix]).code, 0);
  assert.deepEqual(sb.kjob(['get', '-f', mix, '-o', 'name']), { stdout: 'configmap/x1\nsecret/x2\nconfigmap/x3\n', stderr: '', code: 0 });
  assert.match(sb.kjob(['get', '-f', mix]).stdout, /^NAME +DATA +AGE\nconfigmap\/x1 .*\n\nNAME +TYPE +DATA +AGE\nsecret\/x2 .*\n\nNAME +DATA +AGE\nconfigmap\/x3 .*\n$/);
  // A watch is of one object: several of a kind are printed, then refused; several kinds at once.
  const w = sb.kjob(['get', '-f', spread, '-w']);
  assert.match(w.stdout, /^NAME +DATA +AGE\nm1 .*\nm2 .*\nm3 .*\n$/);
  assert.deepEqual([w.stderr, w.code], ['error: watch is only supported on individual resources and resource collections - 3 resources were found\n', 1]);
  // The same for objects named by arguments, in kubectl's words for them; a missing one ends it at once.
  const named = sb.kjob(['get', 'cm', 'm1', 'x1', '-w']);
  assert.match(named.stdout, /^NAME +DATA +AGE\nm1 .*\nx1 .*\n$/);
  assert.deepEqual([named.stderr, named.code], ['error: you may only watch a single resource or type of resource at a time\n', 1]);
  assert.deepEqual(sb.kjob(['get', 'cm', 'm1', 'nope', '-w']), { stdout: '', stderr: 'Error from server (NotFound): configmaps "nope" not found\n', code: 1 });
  assert.deepEqual(sb.kjob(['get', '-f', mix, '-w']), { stdout: '', stderr: 'error: watch is only supported on individual resources and resource collections - more than 1 resource was found\n', code: 1 });
  // describe -f goes on past a kind it cannot describe, and says so with the other errors.
  const someUndescribable = file('undescribable.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x1}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: e1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: nope8}\n');
  const u = sb.kjob(['describe', '-f', someUndescribable]);
  assert.deepEqual([u.stdout.match(/^Name: .*$/gm), u.stderr, u.code], [
    ['Name:         x1'],
    'kjob cannot describe endpoints yet; it describes jobs, cronjobs, deployments, replicasets, pods, nodes, configmaps, secrets, serviceaccounts, services, namespaces and events\nError from server (NotFound): configmaps "nope8" not found\n',
    1,
  ]);
  // describe -f: each in its own namespace, in the files' order; the builder's refusals and the
  // describers' NotFound in one aggregate after what it described.
  assert.deepEqual(sb.kjob(['describe', '-f', spread]).stdout.match(/^(Name|Namespace): .*$/gm), ['Name:         m1', 'Namespace:    default', 'Name:         m2', 'Namespace:    other', 'Name:         m3', 'Namespace:    default']);
  const other = sb.kjob(['describe', '-f', spread, '-n', 'other']);
  assert.deepEqual(other.stdout.match(/^Name: .*$/gm), ['Name:         m2']);
  assert.deepEqual({ stderr: other.stderr, code: other.code }, {
    stderr: 'the namespace from the provided object "default" does not match the namespace "other". You must pass \'--namespace=default\' to perform this operation.\nError from server (NotFound): configmaps "m3" not found\n',
    code: 1,
  });
  const broken = file('broken.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n');
  assert.deepEqual(sb.kjob(['get', '-f', broken]), { stdout: '', stderr: `Error parsing ${broken}: error converting YAML to JSON: yaml: line 5: mapping values are not allowed in this context\n`, code: 1 });
});

test("names with a selector or --all: refused before anything is deleted or listed, as resource.Builder refuses them", () => {
  assert.equal(sb.kjob(['create', 'configmap', 'keep', '--from-literal=x=y']).code, 0);
  assert.equal(sb.kjob(['label', 'configmap', 'keep', 'app=keep']).code, 0);
  const refused = (args: string[], stderr: string) => assert.deepEqual(sb.kjob(args), { stdout: '', stderr, code: 1 }, args.join(' '));
  // Printed by kubectl v1.32 (against the mirror of a state holding the ConfigMap).
  refused(['delete', 'cm', 'keep', '--all'], 'error: name cannot be provided when a selector is specified\n');
  refused(['delete', 'cm/keep', '--all'], 'error: selectors and the all flag cannot be used when passing resource/name arguments\n');
  refused(['delete', 'cm', 'keep', '-l', 'app=keep'], 'error: name cannot be provided when a selector is specified\n');
  refused(['delete', 'cm', '--all', '-l', 'app=keep'], "error: setting 'all' parameter but found a non empty selector. \n");
  refused(['get', 'cm', 'keep', '-l', 'app=keep'], 'error: name cannot be provided when a selector is specified\n');
  refused(['get', 'cm/keep', '-l', 'app=keep'], 'error: selectors and the all flag cannot be used when passing resource/name arguments\n');
  refused(['get', 'cm', 'keep', '--field-selector=metadata.name=keep'], 'error: name cannot be provided when a selector is specified\n');
  refused(['wait', 'cm', 'keep', '-l', 'app=keep', '--for=delete', '--timeout=1s'], 'error: name cannot be provided when a selector is specified\n');
  refused(['wait', 'cm/keep', '-l', 'app=keep', '--for=delete', '--timeout=1s'], 'error: selectors and the all flag cannot be used when passing resource/name arguments\n');
  assert.equal(sb.kjob(['get', 'cm', 'keep', '-o', 'name']).stdout, 'configmap/keep\n', 'nothing was deleted');
  // label and annotate apply --all to a lone type only (kubectl v1.32 against `kjob serve`: "configmap/keep labeled").
  assert.deepEqual(sb.kjob(['label', 'cm', 'keep', '--all', 'k=v']), { stdout: 'configmap/keep labeled\n', stderr: '', code: 0 });
  assert.deepEqual(sb.kjob(['annotate', 'cm/keep', '--all', 'k=v']), { stdout: 'configmap/keep annotated\n', stderr: '', code: 0 });
  assert.equal(sb.kjob(['delete', 'cm', 'keep']).code, 0);
});

test("a boolean flag's value, as pflag reads it: --flag=false is the flag given false, and a value that is not a boolean is refused", () => {
  // delete's --ignore-not-found given false keeps NotFound an error, even with --all's default.
  assert.deepEqual(sb.kjob(['delete', 'cm', 'nosuch', '--ignore-not-found=false']), { stdout: '', stderr: 'Error from server (NotFound): configmaps "nosuch" not found\n', code: 1 });
  assert.deepEqual(sb.kjob(['delete', 'cm', 'nosuch', '--ignore-not-found=true']), { stdout: '', stderr: '', code: 0 });
  assert.deepEqual(sb.kjob(['delete', 'cm', 'nosuch', '--ignore-not-found=yes']), {
    stdout: '',
    stderr: 'Error: invalid argument "yes" for "--ignore-not-found" flag: strconv.ParseBool: parsing "yes": invalid syntax\nSee \'kjob delete --help\' for usage.\n',
    code: 1,
  });
  assert.equal(sb.kjob(['create', 'configmap', 'flags', '--from-literal=x=y']).code, 0);
  // A negated flag: --no-headers=false leaves the headers on, =T (Go's ParseBool) takes them off.
  assert.match(sb.kjob(['get', 'cm', 'flags', '--no-headers=false']).stdout, /^NAME +DATA +AGE\nflags +1 +/);
  assert.match(sb.kjob(['get', 'cm', 'flags', '--no-headers=T']).stdout, /^flags +1 +\S+\n$/);
  assert.match(sb.kjob(['get', 'cm', 'flags', '--show-labels=1']).stdout, /^NAME +DATA +AGE +LABELS\n/);
  // The last value stands: headers back on.
  assert.match(sb.kjob(['get', 'cm', 'flags', '--no-headers', '--no-headers=false']).stdout, /^NAME +DATA +AGE\n/);
  assert.equal(sb.kjob(['get', 'cm', '--no-headers=yes']).stderr, 'Error: invalid argument "yes" for "--no-headers" flag: strconv.ParseBool: parsing "yes": invalid syntax\nSee \'kjob get --help\' for usage.\n');
  // A shorthand takes its value after `=`; pflag's error names a flag with one by both names.
  assert.match(sb.kjob(['get', 'cm', 'flags', '-A=false']).stdout, /^NAME +DATA +AGE\nflags +1 +/);
  assert.match(sb.kjob(['get', 'cm', '-A=true']).stdout, /^NAMESPACE +NAME +DATA +AGE\n/);
  for (const flag of ['-A=yes', '--all-namespaces=yes']) {
    assert.deepEqual(sb.kjob(['get', 'cm', flag]), {
      stdout: '',
      stderr: 'Error: invalid argument "yes" for "-A, --all-namespaces" flag: strconv.ParseBool: parsing "yes": invalid syntax\nSee \'kjob get --help\' for usage.\n',
      code: 1,
    });
  }
  // A boolean flag takes no value from the next argument: `--wait cm flags` deletes configmap flags (it read cm as --wait's).
  assert.equal(sb.kjob(['create', 'configmap', 'waited', '--from-literal=x=y']).code, 0);
  assert.deepEqual(sb.kjob(['delete', '--wait', 'cm', 'waited']), { stdout: 'configmap "waited" deleted\n', stderr: '', code: 0 });
  // After `--`, a container's own arguments are not kjob's flags.
  const job = JSON.parse(sb.kjob(['create', 'job', 'j', '--image=busybox', '--dry-run=client', '-o', 'json', '--', 'echo', '--show-labels=yes', '--no-headers=false']).stdout);
  assert.deepEqual(job.spec.template.spec.containers[0].command, ['echo', '--show-labels=yes', '--no-headers=false']);
  assert.equal(sb.kjob(['delete', 'cm', 'flags']).code, 0);
});
