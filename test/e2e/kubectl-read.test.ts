// Issue 12, the read side: every command of test/golden/issue12/commands.json prints what the real
// kubectl v1.32 printed for the same objects (kubectl-*.txt, captured by capture.ts against
// `kjob serve` and an extended kube-mirror); and what no capture can show (the apiserver's field
// selector errors, kubectl-tree's drawing, shell pipelines) is checked against kubectl's source.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Sandbox, KJOB, ROOT } from './helpers.js';
import { ISSUE12, commands, setUpScenario, render, normaliseRead } from './kubectl-read-helpers.js';

const sb = new Sandbox();

describe('kubectl read commands (issue 12)', () => {
  before(() => setUpScenario(sb));
  after(() => sb.cleanup());

  for (const c of commands()) {
    test(`kjob ${c.args.join(' ')}`, () => {
      const want = fs.readFileSync(path.join(ISSUE12, `kubectl-${c.name}.txt`), 'utf8');
      assert.equal(render(sb.kjob(c.args)), want);
    });
  }

  test('describe service, namespace and event print what kubectl describe printed for the same objects', () => {
    const ev = sb.kjob(['get', 'events', '--field-selector', 'involvedObject.name=echo,reason=Completed', '-o', 'jsonpath={.items[0].metadata.name}']).stdout;
    for (const [name, args] of [
      ['describe-service', ['describe', 'service', 'web']],
      ['describe-namespace', ['describe', 'ns', 'default']],
      ['describe-event', ['describe', 'event', ev]],
    ] as const) {
      assert.equal(render(sb.kjob([...args])), fs.readFileSync(path.join(ISSUE12, `kubectl-${name}.txt`), 'utf8'), name);
    }
  });

  test("the apiserver's field selector errors (pkg/apis/*/v1/conversion.go, through cli-runtime's EnhanceListError)", () => {
    const cases: [string[], string][] = [
      [['get', 'jobs', '--field-selector', 'foo=bar'], 'Error from server (BadRequest): Unable to find "batch/v1, Resource=jobs" that match label selector "", field selector "foo=bar": field label "foo" not supported for Job\n'],
      [['get', 'pods', '-l', 'app=web', '--field-selector', 'spec.foo=bar'], 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "app=web", field selector "spec.foo=bar": field label not supported: spec.foo\n'],
      [['get', 'cronjobs', '--field-selector', 'spec.suspend=true'], 'Error from server (BadRequest): Unable to find "batch/v1, Resource=cronjobs" that match label selector "", field selector "spec.suspend=true": "spec.suspend" is not a known field selector: only "metadata.name", "metadata.namespace"\n'],
      [['get', 'events', '--field-selector', 'foo'], `Error from server (BadRequest): Unable to find "/v1, Resource=events" that match label selector "", field selector "foo": invalid selector: 'foo'; can't understand 'foo'\n`],
      [['wait', '--for=condition=complete', 'jobs', '--field-selector', 'bad=1'], 'Error from server (BadRequest): Unable to find "batch/v1, Resource=jobs" that match label selector "", field selector "bad=1": field label "bad" not supported for Job\n'],
    ];
    for (const [args, err] of cases) {
      const r = sb.kjob(args);
      assert.deepEqual({ out: r.stdout, err: r.stderr, code: r.code }, { out: '', err, code: 1 }, args.join(' '));
    }
    const w = sb.kjob(['wait', '--for=condition=complete', 'jobs', '--field-selector', 'metadata.name=echo', '--timeout=10s']);
    assert.deepEqual([w.stdout, w.code], ['job.batch/echo condition met\n', 0]);
  });

  test("kjob tree: kubectl-tree's view of a CronJob, its Job and the Job's pod", () => {
    const r = sb.kjob(['tree', 'cronjob', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    // uitable: every cell padded to its column, two spaces between; no colour off a terminal
    // (the AGE column's padding depends on how old the objects are)
    assert.equal(
      normaliseRead(r.stdout).replace(/ +$/gm, ''),
      [
        'NAMESPACE  NAME                        READY  REASON        STATUS   AGE',
        'default    CronJob/hello               -                    -        <age>',
        'default    └─Job/hello-manual          -                    -        <age>',
        'default      └─Pod/hello-manual-<rand>  False  PodCompleted  Current  <age>',
        '',
      ].join('\n'),
    );
    const ready = sb.kjob(['tree', 'pod/web-1']);
    assert.equal(ready.stdout, 'No resources are owned by this object through ownerReferences.\n');
    const missing = sb.kjob(['tree', 'job', 'nope']);
    assert.deepEqual([missing.stderr, missing.code], ['Error: failed to resolve resource: jobs.batch "nope" not found\n', 1]);
    const coloured = sb.kjob(['tree', 'job', 'echo', '--color=always']);
    assert.match(coloured.stdout, /\x1b\[90m└─\x1b\[0mPod\/\x1b\[1mecho-\w{5}\x1b\[0m  \x1b\[31mFalse\x1b\[0m  \x1b\[31mPodCompleted\x1b\[0m  \x1b\[32mCurrent\x1b\[0m/);
  });

  test('shell pipelines: get -o name | xargs -n1 kjob logs, logs pod/NAME, get -o json parses', () => {
    const names = sb.kjob(['get', 'pods', '-l', 'job-name=echo', '-o', 'name']);
    assert.match(names.stdout, /^pod\/echo-\w{5}\n$/);
    const x = spawnSync('sh', ['-c', `"${process.execPath}" "${KJOB}" get pods -l job-name=echo -o name | xargs -n1 "${process.execPath}" "${KJOB}" logs`], { env: sb.env, cwd: ROOT, encoding: 'utf8' });
    assert.deepEqual([x.stdout, x.stderr, x.status], ['Hello, Job\n', '', 0]);
    const json = sb.kjob(['get', 'jobs', '-o', 'json']);
    const list = JSON.parse(json.stdout);
    assert.deepEqual(list.items.map((j: { metadata: { name: string } }) => j.metadata.name), ['echo', 'hello-manual']);
    assert.equal(json.stderr, '');
  });

  test('events -w lists what there is, then what comes', async () => {
    const w = sb.spawn(['events', '-w', '--for', 'job/echo']);
    await sb.until('the listed events', () => /Job completed/.test(w.output()), 30_000);
    assert.match(normaliseRead(w.output()), /^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n<age> Normal +SuccessfulCreate +Job\/echo/);
    w.child.kill('SIGINT');
  });

  test('--help lists every flag of the verbs issue 12 added to', () => {
    const flags: Record<string, string[]> = {
      get: ['--field-selector', '--sort-by', '--template', '--output', '--selector', '--watch', '--allow-missing-template-keys'],
      logs: ['--selector', '--all-pods', '--max-log-requests', '--prefix'],
      events: ['--for', '--types', '--watch', '--all-namespaces', '--output', '--no-headers'],
      tree: ['--color', '--condition-types', '--all-namespaces', '--selector'],
      explain: ['--recursive', '--api-version'],
      'api-resources': ['--output', '--namespaced', '--api-group', '--no-headers', '--sort-by', '--verbs', '--categories'],
      wait: ['--field-selector', '--for', '--timeout'],
    };
    for (const [verb, fs_] of Object.entries(flags)) {
      const h = sb.kjob([verb, '--help']);
      assert.equal(h.code, 0);
      for (const f of fs_) assert.ok(h.stdout.includes(f), `kjob ${verb} --help lists ${f}`);
    }
  });
});
