// Issue 12, the verbs that change objects: each section is a sequence of commands run in order on
// one state directory. capture.ts (test/golden/issue12-writes) runs a section with the real
// kubectl v1.32 against `kjob serve` of a fresh state directory and writes what it printed to
// <section>.txt; kubectl-write.test.ts runs the same sequence with kjob and compares.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { GOLDEN } from './helpers.js';
import { normaliseRead } from './kubectl-read-helpers.js';

export const WRITES = path.join(GOLDEN, 'issue12-writes');

export interface Step {
  args: string[];
  /** a set-up step run with kjob in both runs; its output is not compared */
  setup?: boolean;
  /** Go map order: kubectl's --list prints a map, so compare its lines sorted */
  sorted?: boolean;
  input?: string;
  env?: Record<string, string>;
}

/** The environment of step i of a run in sb's state directory (the scripted editor's counter). */
export function stepEnv(step: Step, home: string, i: number): Record<string, string> {
  return { ...step.env, EDIT_COUNT: path.join(home, `edit-count-${i}`) };
}

/** The scripted editor (files/editor.sh), with the sed script of each time it is opened. */
function editor(...scripts: string[]): Record<string, string> {
  const env: Record<string, string> = { KUBE_EDITOR: 'sh test/golden/issue12-writes/files/editor.sh' };
  scripts.forEach((s, i) => (env[`EDIT_${i + 1}`] = s));
  return env;
}

const JOB = ['apply', '-f', 'fixtures/job-echo.yaml'];

const F = 'test/golden/issue12-writes/files/';

/** Where files/http-server.mjs serves files/ (URL, replaced in args when the section runs). */
const U = 'URL/';

export const SECTIONS: Record<string, Step[]> = {
  run: [
    { args: ['run', 'a1', '--image=busybox', '-i', '-t', '--attach=false', '--dry-run=client', '-o', 'yaml', '--port=8080', '--image-pull-policy=Never', '--annotations=x=y', '--privileged', '--', 'sh'] },
    { args: ['run', 'a1', '--image=busybox', '-i', '--leave-stdin-open', '--attach=false', '--dry-run=client', '-o', 'json'] },
    { args: ['run', 'oneshot', '--image=busybox', '--restart=OnFailure', '--command', '--env=A=1', '--env=B=x y', '--labels=a=b,c=d', '--dry-run=client', '-o', 'yaml', '--', 'sh', '-c', 'echo hi'] },
    { args: ['run', 'a1', '--image=busybox', '--dry-run=client', '-o', 'name'] },
    { args: ['run', 'a1', '--image=busybox', '--dry-run=client'] },
    { args: ['run', 'a1', '--image=busybox', '--dry-run=server'] },
    { args: ['run', 'web2', '--image=busybox', '--', 'sleep', '3600'] },
    { args: ['get', 'pod', 'web2', '-o', 'jsonpath={.spec.containers[0].args} {.spec.restartPolicy} {.metadata.labels}'] },
    { args: ['run', 'web2', '--image=busybox'] },
    { args: ['run', 'a1', '--image=busybox', '--restart=Foo'] },
    { args: ['run', 'a1', '--image=busybox', '-t'] },
    { args: ['run', 'a1', '--image=busybox', '--rm'] },
    { args: ['run', 'a1', '--image=BAD:IMG:x'] },
    { args: ['run', 'a1', '--image=busybox', '--env=NOEQ'] },
    { args: ['run', 'a1', '--image=busybox', '-i', '--dry-run=client'] },
    { args: ['run', 'a1', '--image=busybox', '--labels=a', '--dry-run=client'] },
    { args: ['run', 'a1', '--image=busybox', '--image-pull-policy=Sometimes'] },
    { args: ['run', '--image=busybox'] },
  ],
  url: [
    { args: ['apply', '-f', U + 'cm.yaml'] },
    { args: ['apply', '-f', U + 'cm-v2.yaml'] },
    { args: ['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'] },
    { args: ['apply', '-f', U + 'missing.yaml'] },
    { args: ['apply', '-f', U + 'status/500'] },
    { args: ['apply', '-f', 'http://127.0.0.1:1/job.yaml'] },
    { args: ['create', '-f', U + 'nope.yaml'] },
    { args: ['replace', '-f', U + 'cm.yaml'] },
    { args: ['delete', '-f', U + 'nope.yaml'] },
    { args: ['apply', '-f', U + 'nope.yaml', '-f', U + 'missing.yaml'] },
  ],
  edit: [
    { args: JOB, setup: true },
    { args: ['wait', '--for=condition=complete', 'job/echo', '--timeout=120s'], setup: true },
    { args: ['create', '-f', F + 'cm.yaml'], setup: true },
    { args: ['create', 'configmap', 'other', '--from-literal=a=b'], setup: true },
    { args: ['edit', 'job', 'echo'], env: editor() },
    { args: ['edit', 'job', 'echo'], env: editor('s/backoffLimit: 4/backoffLimit: 5/') },
    { args: ['edit', 'job/echo', '--output-patch'], env: editor('s/backoffLimit: 5/backoffLimit: 6/') },
    { args: ['edit', 'job', 'echo'], env: editor('s/backoffLimit: 6/backoffLimit: -1/', 's/backoffLimit: -1/backoffLimit: 3/') },
    { args: ['edit', 'job', 'echo'], env: editor('s/backoffLimit: 3/backoffLimit: -1/', '') },
    { args: ['edit', 'job', 'echo'], env: editor('s/^kind: Job$/kind: Job: x/', 's/^kind: Job: x$/kind: Job/') },
    { args: ['edit', 'job', 'echo'], env: editor('s/^  name: echo$/  name: other/') },
    { args: ['edit', 'job', 'echo'], env: editor('empty') },
    { args: ['edit', 'job', 'echo'], env: editor('s/^apiVersion: batch\\/v1$//') },
    { args: ['edit', 'job', 'echo'], env: editor('fail') },
    { args: ['edit', 'job', 'nope'], env: editor() },
    { args: ['edit'], env: editor() },
    { args: ['edit', 'cm', 'settings', '-o', 'json'], env: editor('s/"mode": "fast"/"mode": "slow"/') },
    { args: ['get', 'cm', '-o', 'custom-columns=NAME:.metadata.name,DATA:.data'] },
  ],
  replace: [
    { args: JOB, setup: true },
    { args: ['wait', '--for=condition=complete', 'job/echo', '--timeout=120s'], setup: true },
    { args: ['create', '-f', F + 'cm.yaml'], setup: true },
    { args: ['replace', '-f', F + 'cm-v2.yaml'] },
    { args: ['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode} {.metadata.labels}'] },
    { args: ['replace', '-f', F + 'cm.yaml', '--dry-run=client'] },
    { args: ['replace', '-f', F + 'cm.yaml', '--dry-run=server', '-o', 'name'] },
    { args: ['replace', '-f', '-'], input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: stdin\n' },
    { args: ['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'] },
    { args: ['replace', '-f', F + 'nope.yaml'] },
    { args: ['replace', '-f', F + 'missing.yaml'] },
    { args: ['replace'] },
    { args: ['replace', '-f', F + 'cm.yaml', '--grace-period=1'] },
    { args: ['replace', '-f', F + 'cm.yaml', '--force', '--dry-run=client'] },
    { args: ['replace', '-f', F + 'echo-v2.yaml'] },
    { args: ['replace', '--force', '-f', F + 'echo-v2.yaml'] },
    { args: ['wait', '--for=condition=complete', 'job/echo', '--timeout=120s'], setup: true },
    { args: ['get', 'job', 'echo', '-o', 'jsonpath={.spec.template.spec.containers[0].command}'] },
    { args: ['replace', '--force', '-f', F + 'nope.yaml'] },
    { args: ['replace', '--force', '-f', F + 'nope.yaml', '-f', F + 'cm.yaml'] },
  ],
  label: [
    { args: JOB, setup: true },
    { args: ['wait', '--for=condition=complete', 'job/echo', '--timeout=120s'], setup: true },
    { args: ['label', 'job', 'echo', 'team=a'] },
    { args: ['label', 'job', 'echo', 'team=b'] },
    { args: ['label', 'job', 'echo', 'team=b', '--overwrite'] },
    { args: ['label', 'job', 'echo', 'team=b', '--overwrite'] },
    { args: ['label', 'job', 'echo', 'team-'] },
    { args: ['label', 'job', 'echo', 'team-'] },
    { args: ['label', 'job', 'echo', 'a=1'] },
    { args: ['label', 'job', 'echo', 'b=2', 'a-'] },
    { args: ['label', 'jobs', '--all', 'x=1'] },
    { args: ['label', 'jobs', '-l', 'x=1', 'y=1'] },
    { args: ['label', 'jobs', '--field-selector', 'metadata.name=echo', 'y=2', '--overwrite'] },
    { args: ['label', 'pods', '-l', 'job-name=echo', 'checked=yes'] },
    { args: ['label', 'job', 'echo', '--list'], sorted: true },
    { args: ['label', 'jobs,pods', '-l', 'job-name=echo', '--list'], sorted: true },
    { args: ['label', 'job', 'echo', 'b-', '--overwrite'] },
    { args: ['label', 'job', 'echo', 'z=1', '--dry-run=client'] },
    { args: ['label', 'job', 'echo', 'z=1', '--dry-run=server'] },
    { args: ['label', 'job', 'echo', 'z-', '--dry-run=server'] },
    { args: ['label', 'job', 'echo', 'w=1', '-o', 'name'] },
    { args: ['get', 'job', 'echo', '--no-headers', '-o', 'custom-columns=L:.metadata.labels'] },
    { args: ['label', 'job', 'nope', 'a=b'] },
    { args: ['label', 'job/echo', 'job/nope', 'c=1'] },
    { args: ['label', 'job', 'echo'] },
    { args: ['label', 'job', 'echo', 'a=b', 'a-'] },
    { args: ['label', 'job', 'echo', 'a=b=c'] },
    { args: ['label', 'job', 'echo', 'a=b c'] },
    { args: ['label', 'job', 'echo', 'a'] },
    { args: ['label', 'job', 'echo', 'a=1', 'pod'] },
    { args: ['label', 'jobs', 'k=1'] },
    { args: ['label', 'k=1'] },
    { args: ['label', 'jobs', '--all', '-l', 'x=1', 'k=1'] },
    { args: ['label', 'job', 'echo', '--list', '-o', 'yaml'] },
    { args: ['label', 'job', 'echo', 'bad key=1'] },
    // The labels to remove that are not there are said before the overwrite is refused.
    { args: ['label', 'job', 'echo', 'w=2', 'nolabel-'] },
    { args: ['annotate', 'job', 'echo', 'note=hi'] },
    { args: ['annotate', 'job', 'echo', 'note=ho'] },
    { args: ['annotate', 'job', 'echo', 'note=ho', '--overwrite'] },
    { args: ['annotate', 'job', 'echo', 'note=ho'] },
    { args: ['annotate', 'job', 'echo', 'other=x=y'] },
    { args: ['annotate', 'job', 'echo', '--list'], sorted: true },
    { args: ['annotate', 'job', 'echo', 'note-', 'other-'] },
    { args: ['annotate', 'job', 'echo', 'note-'] },
    { args: ['annotate', 'jobs', '--all', 'team=a', '--dry-run=client'] },
    { args: ['annotate', 'job', 'echo', '=x'] },
    { args: ['annotate', 'job', 'echo', 'a=1', 'a-'] },
    { args: ['annotate', 'job', 'echo'] },
    { args: ['annotate', 'job', 'nope', 'a=1'] },
    { args: ['annotate', 'job', 'echo', 'n=1', '-o', 'name'] },
  ],
  // apply and create -f with -o: one line a name, the objects the server returned (apply: once all
  // are applied, several as a List; create: each as it is created), kubectl's errors for a bad -o.
  output: [
    { args: ['apply', '-f', '-', '-o', 'name'], input: cms('oa', 'ob') },
    { args: ['apply', '-f', '-', '-o', 'yaml'], input: cms('oa', 'ob') },
    { args: ['apply', '-f', '-', '-o', 'json'], input: cms('oa', 'ob') },
    { args: ['apply', '-f', '-', '-o', 'yaml'], input: cms('oa').replace('a: "1"', 'a: "2"') },
    { args: ['apply', '-f', '-', '-o', 'json'], input: cms('oc') },
    { args: ['apply', '-f', '-', '-o', 'yaml', '--dry-run=client'], input: cms('od') },
    { args: ['apply', '-f', '-', '-o', 'yaml', '--dry-run=client'], input: cms('oa') },
    { args: ['apply', '-f', '-', '-o', 'yaml', '--dry-run=server'], input: cms('oe') },
    { args: ['apply', '-f', '-', '-o', 'name', '--dry-run=client'], input: cms('oe') },
    { args: ['apply', '-f', '-', '-o', 'jsonpath={.items[*].metadata.name}'], input: cms('oa', 'ob') },
    { args: ['apply', '-f', '-', '-o', 'go-template', '--template={{.kind}} {{.metadata.name}}'], input: cms('oa') },
    { args: ['apply', '-f', '-', '-o', 'yaml'], input: cms('og', 'Bad_Name') },
    { args: ['apply', '-f', '-', '-o', 'name'], input: cms('oh', 'Bad_Name') },
    { args: ['apply', '-f', '-', '-o', 'jsonpath'], input: cms('oa') },
    { args: ['apply', '-f', '-', '-o', 'wide'], input: cms('oa') },
    { args: ['create', '-f', '-', '-o', 'yaml'], input: cms('oi', 'oj') },
    { args: ['create', '-f', '-', '-o', 'json'], input: cms('ok', 'ol') },
    { args: ['create', '-f', '-', '-o', 'jsonpath={.metadata.name},'], input: cms('om', 'on') },
    { args: ['create', '-f', '-', '-o', 'yaml', '--dry-run=client'], input: cms('oo') },
    { args: ['create', '-f', '-', '-o', 'foo'], input: cms('oo') },
    { args: ['get', 'configmaps', '-o', 'name'] },
    { args: ['create', 'configmap', 'op', '--from-literal=a=1', '-o', 'name'] },
    { args: ['create', 'job', 'oq', '--image=busybox', '-o', 'name', '--dry-run=client'] },
    { args: ['create', 'job', 'oq', '--image=busybox', '-o', 'jsonpath={.spec.template.spec.containers[0].image}', '--dry-run=client'] },
    { args: ['create', 'cronjob', 'or', '--image=busybox', '--schedule=*/5 * * * *', '-o', 'go-template={{.spec.schedule}}', '--dry-run=client'] },
    { args: ['create', 'job', 'oq', '--image=busybox', '-o', 'wide', '--dry-run=client'] },
    // The template flags are the parent create's: a subcommand takes them too.
    { args: ['create', 'job', 'oq', '--image=busybox', '-o', 'jsonpath', '--template={.metadata.name}', '--dry-run=client'] },
    { args: ['create', 'job', 'oq', '--image=busybox', '--template={{.metadata.name}}', '--dry-run=client'] },
    { args: ['create', 'configmap', 'os', '--from-literal=a=1', '-o', 'jsonpath={.metadata.nope}', '--allow-missing-template-keys=false', '--dry-run=client'] },
    // A bad template is refused before anything is created (kubectl builds the printer first).
    { args: ['create', 'configmap', 'ot', '--from-literal=a=1', '-o', 'jsonpath={.bad'] },
    { args: ['get', 'configmap', 'ot'] },
    // The verbs that print the object they changed take every format PrintFlags knows.
    { args: ['label', 'configmap', 'op', 'x=1', '-o', 'jsonpath={.metadata.labels}'] },
    { args: ['label', 'configmap', 'op', 'y=1', '--template={{.metadata.name}}'] },
    { args: ['annotate', 'configmap', 'op', 'n=1', '-o', 'go-template={{index .metadata.annotations "n"}}'] },
    { args: ['annotate', 'configmap', 'op', 'n=2', '--overwrite', '-o', 'jsonpath={.bad'] },
    { args: ['get', 'configmap', 'op', '-o', 'jsonpath={.metadata.annotations.n}'] },
    { args: ['annotate', 'configmap', 'op', 'n=3', '--overwrite', '-o', 'foo'] },
    { args: ['patch', 'configmap', 'op', '-p', '{"data":{"b":"2"}}', '-o', 'jsonpath={.data}'] },
    { args: ['patch', 'configmap', 'op', '-p', '{"data":{"b":"2"}}', '-o', 'name'] },
    { args: ['patch', 'configmap', 'op', '-p', '{"data":{"b":"2"}}', '-o', 'go-template={{.data.b}}'] },
    { args: ['replace', '-f', '-', '-o', 'jsonpath={.metadata.name} {.data}'], input: cms('op') },
    { args: ['replace', '-f', '-', '-o', 'jsonpath={.bad'], input: cms('op') },
    { args: ['run', 'ou', '--image=busybox', '--dry-run=client', '-o', 'jsonpath={.spec.containers[0].image}'] },
    { args: ['run', 'ou', '--image=busybox', '-o', 'jsonpath={.bad'] },
    { args: ['get', 'pod', 'ou'] },
    // Which error wins: each verb builds its printer where kubectl's does among its other checks.
    { args: ['label', 'configmap', 'op', '-o', 'foo'] },
    { args: ['label', '-o', 'foo'] },
    { args: ['label', 'configmap', 'op', 'x=2', '--list', '-o', 'jsonpath={.bad'] },
    { args: ['label', 'configmap', 'nosuch', 'x=2', '-o', 'foo'] },
    { args: ['label', 'configmap', 'op', '--list', '--template={{.kind}}'], sorted: true },
    { args: ['patch', 'configmap', '-p', '{}', '-o', 'foo'] },
    { args: ['patch', 'configmap', 'nosuch', '-p', '{}', '-o', 'foo'] },
    { args: ['patch', 'configmap', 'op', 'nosuch', '-p', '{"data":{"b":"4"}}', '-o', 'name'] },
    { args: ['run', '--image=busybox', '-o', 'foo'] },
    { args: ['run', 'ov', '--image=busybox', '--restart=Bogus', '-o', 'foo'] },
    { args: ['run', 'ov', '--image=busybox', '--pod-running-timeout=x'] },
    { args: ['replace', '-f', '-', '--grace-period=x', '-o', 'foo'], input: cms('op') },
    { args: ['replace', '-f', '-', '--validate=bogus', '-o', 'foo'], input: cms('op') },
    // One printer for all of replace's objects: its YAML separates them.
    { args: ['replace', '-f', '-', '-o', 'yaml', '--dry-run=client'], input: cms('op', 'oa') },
    // Last: kubectl label and patch build their printer after the write (kjob refuses first), so
    // no step may read what these leave.
    { args: ['label', 'configmap', 'op', 'z=1', '-o', 'jsonpath={.bad'] },
    { args: ['label', 'configmap', 'op', 'oa', 'zz=2', '-o', 'foo'] },
    { args: ['patch', 'configmap', 'op', '-p', '{"data":{"c":"1"}}', '-o', 'foo'] },
  ],
};

/**
 * What kubectl's builder says when an object is not there: cli-runtime's Info.Get names the
 * namespace when that is what is missing; describe TYPE NAME describes by prefix; a bad selector
 * is the apiserver's BadRequest.
 */
SECTIONS.notfound = [
  { args: JOB, setup: true },
  { args: ['wait', '--for=condition=complete', 'job/echo', '--timeout=120s'], setup: true },
  { args: ['get', 'job', 'nosuch'] },
  { args: ['get', 'job', 'nosuch', '-n', 'other'] },
  { args: ['get', 'job', 'echo', 'nosuch', '-n', 'other'] },
  { args: ['describe', 'job', 'nosuch', '-n', 'other'] },
  { args: ['describe', 'job', 'ech'] },
  { args: ['describe', 'job/ech'] },
  { args: ['describe', 'job', 'ech', 'nosuch'] },
  { args: ['logs', 'job/nosuch'] },
  { args: ['logs', 'job/nosuch', '-n', 'other'] },
  { args: ['logs', 'nosuch', '-n', 'other'] },
  { args: ['label', 'job', 'nosuch', 'a=b', '-n', 'other'] },
  { args: ['annotate', 'job', 'nosuch', 'a=b'] },
  { args: ['wait', '--for=condition=complete', 'job/nosuch', '-n', 'other', '--timeout=1s'] },
  { args: ['wait', '--for=delete', 'job/nosuch', '-n', 'other', '--timeout=1s'] },
  { args: ['delete', 'job', 'nosuch', '-n', 'other'] },
  { args: ['get', 'jobs', '-l', 'bad selector'] },
  { args: ['get', 'pods', '-l', 'a in (b', '-o', 'name'] },
  { args: ['get', 'jobs', '-o', 'name', '--show-managed-fields=false'] },
  { args: ['delete', 'jobs', '-l', 'a in (b'] },
  { args: ['logs', '-l', 'a in (b'] },
  { args: ['scale', 'job', 'echo', '--replicas=2'] },
  { args: ['scale', 'job', 'nosuch', '--replicas=2'] },
  { args: ['scale', 'deployment', 'nosuch', 'other', '--replicas=2'] },
  // delete --dry-run: nothing sent (client) or the apiserver's checks only (server); nothing goes.
  { args: ['delete', 'job', 'echo', '--dry-run=client'] },
  { args: ['delete', 'job', 'nosuch', '--dry-run=client'] },
  { args: ['delete', 'job', 'echo', '--dry-run=server', '-o', 'name'] },
  { args: ['delete', 'job', 'nosuch', '--dry-run=server'] },
  { args: ['delete', 'jobs', '--all', '--dry-run=server'] },
  { args: ['delete', 'job', 'echo', '--force', '--grace-period=0', '--dry-run=client'] },
  { args: ['delete', 'job', 'echo', '--dry-run=maybe'] },
  // --dry-run's older forms: the flag alone and a boolean, with kubectl's warning.
  { args: ['delete', 'job', 'echo', '--dry-run'] },
  { args: ['delete', 'job', 'echo', '--dry-run=true', '-o', 'name'] },
  { args: ['annotate', 'job', 'echo', 'a=b', '--dry-run=false'] },
  { args: ['apply', '-f', 'fixtures/job-echo.yaml', '--dry-run=bogus'] },
  { args: ['create', 'job', 'x', '--image=busybox', '--dry-run=bogus'] },
  { args: ['patch', 'job', 'echo', '-p', 'spec: {x: .inf}'] },
  { args: ['apply', '-f', '-', '-o', 'name', '--template={{.metadata.name}}'], input: cms('ot') },
  { args: ['apply', '-f', '-', '--template={{.metadata.name}}'], input: cms('ot') },
  { args: ['get', 'jobs', '-o', 'name'] },
];

/**
 * create's generators for the core and apps kinds: each object as kubectl builds it (--dry-run=client
 * prints it as built), kubectl's checks in its order, and how each words the apiserver's refusal.
 * Deployments of 0 replicas, so that no pod runs.
 */
SECTIONS.generators = [
  { args: ['create', 'namespace', 'dev'] },
  { args: ['create', 'namespace', 'dev'] },
  { args: ['create', 'ns', 'Bad_Name'] },
  { args: ['create', 'namespace'] },
  { args: ['create', 'namespace', 'a', 'b'] },
  { args: ['create', 'ns', 'x', '-o', 'yaml', '--dry-run=client'] },
  { args: ['create', 'ns', 'x', '-o', 'json', '--dry-run=client', '--save-config'] },
  { args: ['create', 'ns', 'y', '--dry-run=server'] },
  { args: ['create', 'serviceaccount', 'bot', '-n', 'dev'] },
  { args: ['create', 'sa', 'bot', '-n', 'dev'] },
  { args: ['create', 'sa', 'bot2', '-n', 'nosuch'] },
  { args: ['create', 'sa', 'x', '-o', 'json', '--dry-run=client', '-n', 'dev'] },
  { args: ['create', 'sa', 'x', '-o', 'yaml', '--dry-run=client'] },
  { args: ['create', 'deployment', 'web', '--image=busybox', '--replicas=0', '--', 'sleep', '3600'] },
  { args: ['create', 'deploy', 'web2', '--image=busybox:1.36,registry.k8s.io/pause:3.9', '--port=8080', '-r', '0', '-o', 'name'] },
  { args: ['get', 'deploy', 'web', 'web2', '-o', 'jsonpath={range .items[*]}{.spec.template.spec.containers}{"\\n"}{end}'] },
  { args: ['create', 'deploy', 'web3', '--image=a', '--image=b', '--', 'x'] },
  { args: ['create', 'deploy', 'web3'] },
  { args: ['create', 'deploy', 'web3', '--image=a', '--replicas=x'] },
  { args: ['create', 'deploy', 'web3', '--image=a', '-r', '99999999999'] },
  { args: ['create', 'deploy', 'web3', '--image=a', '--port=0x10', '--replicas=-1'] },
  { args: ['create', 'deploy', 'web3', 'extra', '--image=a'] },
  { args: ['create', 'deploy', 'web3', '--image=', '-o', 'yaml', '--dry-run=client'] },
  { args: ['create', 'deploy', 'web3', '--image=nginx', '--port=80', '-o', 'json', '--dry-run=client'] },
  { args: ['create', 'deploy', 'web3', '--image=nginx', '--save-config', '-o', 'yaml', '--dry-run=client', '-n', 'dev'] },
  { args: ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:https', '-o', 'yaml', '--dry-run=client'] },
  { args: ['create', 'service', 'clusterip', 'web', '--tcp=80:8080'] },
  { args: ['get', 'svc', 'web', '-o', 'jsonpath={.spec.ports}'] },
  { args: ['create', 'svc', 'clusterip', 'headless', '--clusterip=None'] },
  { args: ['get', 'svc', 'headless', '-o', 'jsonpath={.spec.clusterIP}'] },
  { args: ['create', 'svc', 'clusterip', 'noport'] },
  { args: ['create', 'svc', 'nodeport', 'np', '--clusterip=None'] },
  { args: ['create', 'svc', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080', '-o', 'json', '--dry-run=client'] },
  { args: ['create', 'svc', 'nodeport', 'np', '--tcp=80', '--node-port=x'] },
  { args: ['create', 'svc', 'loadbalancer', 'lb', '--tcp=x'] },
  { args: ['create', 'svc', 'loadbalancer', 'lb', '--tcp=70000'] },
  { args: ['create', 'svc', 'loadbalancer', 'lb', '--tcp=80:0'] },
  { args: ['create', 'svc', 'loadbalancer', 'lb', '--tcp=80:Bad_Name'] },
  { args: ['create', 'svc', 'loadbalancer', 'lb', '--tcp=0'] },
  { args: ['create', 'svc', 'externalname', 'ext'] },
  { args: ['create', 'svc', 'externalname', 'ext', '--external-name=Bad_Name'] },
  { args: ['create', 'svc', 'externalname', 'ext', '--external-name=example.com', '-o', 'yaml', '--dry-run=client'] },
  { args: ['create', 'svc', 'externalname', 'ext', '--external-name=example.com'] },
  { args: ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p<&', '--docker-email=e@x', '-o', 'yaml', '--dry-run=client'] },
  { args: ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u'] },
  { args: ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p', '--docker-server=r.example.com'] },
  { args: ['create', 'secret', 'docker-registry', 'reg2', '--from-file=' + F + 'docker-config.json', '-o', 'json', '--dry-run=client'] },
  { args: ['create', 'secret', 'docker-registry', 'reg2', '--from-file=' + F + 'docker-bad.json'] },
  { args: ['create', 'secret', 'generic', 'reg', '--from-literal=a=b'] },
  // The flags every create subcommand has.
  { args: ['create', 'ns', 'v', '--validate=bogus'] },
  { args: ['create', 'ns', 'v', '--validate=bogus', '-o', 'foo'] },
  { args: ['create', 'deploy', 'v', '--image=a', '--validate=false', '--field-manager=me', '-o', 'name'] },
  { args: ['create', 'ns', 'v', '-o', 'jsonpath', '--template={.metadata.name}', '--dry-run=client'] },
  { args: ['create', 'ns', 'v', '-o', 'jsonpath={.nope}', '--allow-missing-template-keys=false', '--dry-run=client'] },
  { args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=0 0 1 1 *', '--save-config', '-o', 'name'] },
  { args: ['create', 'job', 'from-cj', '--from=cronjob/cj', '--save-config', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'job', 'j', '--image=busybox', '--save-config', '--dry-run=client', '-o', 'json'] },
  { args: ['create', 'cm', 'c', '--from-literal=a=1', '--validate=warn', '--field-manager=x', '-o', 'yaml'] },
  { args: ['create', '-f', F + 'cm.yaml', '--field-manager=me', '-o', 'name'] },
  { args: ['create', '--save-config', 'ns', 'sc', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', '-f', F + 'cm.yaml', '--save-config', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'svc', 'clusterip', 'sc', '--tcp=80', '--save-config', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'secret', 'foo', 'bar'] },
  // --append-hash: the name gets kubectl's hash of the object's kind, name, data (and type).
  { args: ['create', 'cm', 'h', '--from-literal=a=1', '--from-literal=b=<&>', '--append-hash', '-o', 'name'] },
  { args: ['create', 'cm', 'h', '--append-hash', '--save-config', '--dry-run=client', '-o', 'yaml'] },
  { args: ['create', 'secret', 'generic', 'h', '--from-literal=a=1', '--type=foo', '--append-hash', '-o', 'name'] },
  { args: ['create', 'secret', 'generic', 'h', '--append-hash', '--dry-run=client', '-o', 'name'] },
  { args: ['create', 'secret', 'docker-registry', 'h', '--docker-username=u', '--docker-password=p', '--append-hash', '--dry-run=client', '-o', 'name'] },
  { args: ['get', 'ns,sa,deploy,svc,secrets', '-o', 'name', '-A'] },
];

/**
 * patch's other ways in: --patch-file, -f (the file names the object), --local (the file's object
 * patched and printed, no server), --dry-run (client: patched here; server: the apiserver's checks,
 * nothing stored), --field-manager; kubectl's checks in its order.
 */
SECTIONS.patch = [
  { args: ['create', '-f', F + 'cm.yaml'], setup: true },
  { args: ['patch', 'cm', 'settings', '-p', '{}', '--patch-file', F + 'patch.yaml'] },
  { args: ['patch', 'cm', 'settings'] },
  { args: ['patch', 'cm', 'settings', '--local', '-p', '{}'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--dry-run=server', '-p', '{}'] },
  { args: ['patch', 'cm', 'settings', '--type=foo', '-p', '{}'] },
  { args: ['patch', 'cm', 'settings', '--type=MERGE', '-p', '{"data":{"m":"1"}}'] },
  { args: ['patch', 'cm', 'settings', '--patch-file', F + 'nope.json'] },
  { args: ['patch', 'cm', 'settings', '--patch-file', F + 'patch.yaml'] },
  { args: ['patch', 'cm', 'settings', '--patch-file=' + F + 'patch.yaml', '--field-manager=me'] },
  { args: ['patch', 'cm', 'settings', '-p', '{"data":{"z":"1"}}', '--dry-run=client'] },
  { args: ['patch', 'cm', 'settings', '-p', '{"data":{"mode":"slow"}}', '--dry-run=client'] },
  { args: ['patch', 'cm', 'settings', '-p', '{"data":{"z":"2"}}', '--dry-run=server', '-o', 'jsonpath={.data.z}'] },
  { args: ['get', 'cm', 'settings', '-o', 'jsonpath={.data}'] },
  { args: ['patch', '-f', F + 'cm.yaml', '-p', '{"data":{"w":"2"}}'] },
  { args: ['patch', '-f', F + 'cm.yaml', '-p', '{"data":{"w":"2"}}', '--dry-run=client', '-o', 'yaml'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '-p', '{"data":{"w":"3"}}', '-o', 'yaml'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=merge', '-p', '{"metadata":{"labels":{"a":"b"}}}', '-o', 'name'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"add","path":"/data/n","value":"x"}]', '-o', 'json'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '-p', '{"data":{"mode":"fast"}}'] },
  // JSON patches as json-patch v4 applies them, with its words.
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"replace","path":"/data/nope","value":"x"},{"op":"add","path":"/l","value":[1,2]},{"op":"add","path":"/l/-1","value":3},{"op":"test","path":"/gone","value":null}]', '-o', 'json'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"remove","path":"/spec/x"}]'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"move","from":"/data/zz","path":"/data/y"}]'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"test","path":"/data","value":{"mode":"fast","more":1}}]'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"add","path":"/l","value":[1]},{"op":"replace","path":"/l/1","value":1}]'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"add","path":"/l","value":[1]},{"op":"remove","path":"/l/-5"}]'] },
  { args: ['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"replace","path":"/data/r","value":"1"}]', '-o', 'jsonpath={.data.r}'] },
  { args: ['patch', '-f', F + 'box.yaml', '--local', '-p', '{"spec":{"containers":[{"name":"side","image":"alpine"}]}}', '-o', 'jsonpath={range .spec.containers[*]}{.name}={.image} {end}'] },
  { args: ['patch', '--local', '-p', '{}'] },
  { args: ['patch', '-f', F + 'nope.yaml', '-p', '{}'] },
  { args: ['patch', '-f', F + 'nope.yaml', '-p', '{}', '--dry-run=client'] },
  { args: ['patch', 'cm', 'settings', '--type=json', '-p', '{"a":1}'] },
  { args: ['patch', 'cm', 'settings', '--type=json', '-p', '[1]'] },
  { args: ['patch', 'cm', 'settings', '--type=json', '-p', 'null'] },
  { args: ['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"remove","path":"/nope"}]'] },
  { args: ['patch', '-f', F + 'box.yaml', '--local', '--type=json', '-p', '[{"op":"replace","path":"/spec/containers/-1/image","value":"x"},{"op":"test","path":"/spec/containers/-2/name","value":"main"}]', '-o', 'jsonpath={.spec.containers[*].image}'] },
  { args: ['patch', '-f', F + 'cm.yaml', '--local', '--type=json', '-p', '[{"op":"replace","path":"","value":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"q"}}}]', '-o', 'name'] },
  { args: ['patch', '-f', F + 'box.yaml', '-p', '{}'] },
  { args: ['get', 'cm', 'settings', '-o', 'jsonpath={.data}'] },
];

/** scale's ways in (-f, -l, --all), its checks in kubectl's order, its dry runs and preconditions, and --timeout's wait. */
SECTIONS.scale = [
  { args: ['apply', '-f', F + 'web.yaml'], setup: true },
  { args: ['create', 'deployment', 'other', '--image=busybox', '--replicas=0'], setup: true },
  { args: ['scale', 'deploy', 'web'] },
  { args: ['scale', 'deploy', 'web', '--replicas=x'] },
  { args: ['scale', 'deploy', 'web', '--replicas=1', '--timeout=x'] },
  { args: ['scale', 'deploy', 'web', '--replicas=-1'] },
  { args: ['scale', 'deploy', 'web', '--replicas=1', '--current-replicas=-2'] },
  { args: ['scale', 'deploy', '--replicas=1'] },
  { args: ['scale', '--replicas=1'] },
  { args: ['scale', 'deploy', 'web', '--replicas=3', '--dry-run=client'] },
  { args: ['scale', 'deploy', 'web', '--replicas=3', '--dry-run=server'] },
  { args: ['scale', 'deploy', 'web', '--replicas=3', '--dry-run=server', '-o', 'jsonpath={.spec.replicas}'] },
  { args: ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'] },
  { args: ['scale', 'deploy', 'web', '--replicas=1', '--current-replicas=2'] },
  { args: ['scale', '-f', F + 'web.yaml', '--replicas=0', '-o', 'name'] },
  { args: ['scale', 'deploy', '-l', 'app=web', '--replicas=0'] },
  { args: ['scale', 'deploy', '--all', '--replicas=0'] },
  { args: ['scale', 'deploy', '--all', '--replicas=0', '--resource-version=1'] },
  { args: ['scale', 'deploy', 'web', 'nosuch', '--replicas=0'] },
  { args: ['scale', 'deploy', '-l', 'nope=x', '--replicas=1'] },
  { args: ['scale', 'deploy', 'web', '--replicas=1', '-o', 'foo'] },
  // A file's object is not fetched: a client dry run prints it, a scale meets its NotFound.
  { args: ['scale', '-f', F + 'ghost.yaml', '--replicas=1', '--dry-run=client', '-o', 'jsonpath={.metadata.namespace}/{.metadata.name}'] },
  { args: ['scale', '-f', F + 'ghost.yaml', '--replicas=1'] },
  { args: ['scale', 'deploy', 'web', '--replicas=1', '--timeout=1ms', '--dry-run=none'] },
  { args: ['scale', 'deploy', 'web', '--replicas=1', '--timeout=60s'] },
  { args: ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}/{.status.replicas}'] },
  { args: ['scale', 'deploy', 'web', '--replicas=0', '--timeout=60s'] },
  { args: ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}/{.status.replicas}'] },
];

/** pflag's errors for a flag's value (one flagValue for every verb), before the verb's own checks. */
SECTIONS.flags = [
  { args: ['logs', 'x', '--tail=q'] },
  { args: ['wait', 'job/x', '--timeout=q'] },
  { args: ['run', 'x', '--image=busybox', '--pod-running-timeout=q'] },
  { args: ['replace', '-f', F + 'cm.yaml', '--force', '--grace-period=q'] },
  { args: ['replace', '-f', F + 'cm.yaml', '--force', '--timeout=1h30q'] },
  { args: ['delete', 'job', 'x', '--grace-period=1e3'] },
  { args: ['port-forward', 'pod/x', '80', '--pod-running-timeout=q'] },
  { args: ['scale', 'deploy', 'x', '--replicas=1', '--current-replicas=0x'] },
  { args: ['create', 'deploy', 'x', '--image=a', '--port=99999999999'] },
];

/** Discovery's commands. */
SECTIONS.discovery = [
  { args: ['api-versions'] },
  { args: ['api-versions', 'extra'] },
  { args: ['api-resources', '--api-group=batch', '-o', 'name'] },
];

/** ConfigMaps named names, each with data a: "1", as one stream of YAML documents. */
function cms(...names: string[]): string {
  return names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  a: "1"\n`).join('---\n');
}

/** The verbs (and create's subcommands) whose --help kubectl-write.test.ts compares with kubectl's (help-flags.json, captured by capture.ts). */
export const HELP_VERBS = [
  'label',
  'annotate',
  'replace',
  'edit',
  'run',
  'exec',
  'patch',
  'scale',
  // create's subcommands (a command line of words)
  'create job',
  'create cronjob',
  'create configmap',
  'create secret generic',
  'create secret docker-registry',
  'create namespace',
  'create serviceaccount',
  'create deployment',
  'create service clusterip',
  'create service nodeport',
  'create service loadbalancer',
  'create service externalname',
];

/** The flags a --help lists (kubectl's form: `  -o, --output='':` or `      --all=false:`). */
export const helpFlags = (help: string): string[] => [...help.matchAll(/^\s+(?:-[a-zA-Z], )?(--[a-z-]+)=/gm)].map((m) => m[1]);

export const HELP_FLAGS_GOLDEN = path.join(WRITES, 'help-flags.json');

/** files/http-server.mjs, started for a run; args with URL/ get its address. */
export function startFileServer(home: string): { args: (a: string[]) => string[]; stop: () => void } {
  const portFile = path.join(home, 'http-port');
  const child = spawn(process.execPath, [path.join(WRITES, 'files/http-server.mjs'), portFile], { stdio: ['pipe', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !fs.existsSync(portFile); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  const base = `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8')}/`;
  return { args: (a) => a.map((x) => (x.startsWith('URL/') ? base + x.slice(4) : x)), stop: () => child.kill('SIGKILL') };
}

/** One step's output as the golden keeps it. */
export function renderStep(step: Step, r: { stdout: string; stderr: string; code: number }): string {
  const tmp = (t: string) => t.replace(/<ip>:(?!1\b)\d+/g, '<ip>:<port>').replace(/\/(?:kubectl|kjob)-edit-\d+\.(yaml|json)/g, '/kjob-edit-<n>.$1').replace(/\`kubectl replace/g, '`kjob replace');
  let out = tmp(normaliseRead(r.stdout));
  if (step.sorted) out = out.split('\n').filter(Boolean).sort().map((l) => l + '\n').join('');
  return `$ kjob ${step.args.join(' ')}\n${out}--- stderr\n${tmp(normaliseRead(r.stderr))}--- exit ${r.code}\n\n`;
}

export function goldenOf(section: string): string {
  return fs.readFileSync(path.join(WRITES, `${section}.txt`), 'utf8');
}
