// Objects of the wrong shape that reached a state file before the apiserver decoded strictly
// (written here straight through the Store): every reader prints what it can, never a stack
// trace, and the engine skips them with a Warning event instead of failing every second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Store } from '../store/store.js';
import { main } from '../cli/main.js';
import { Engine } from '../engine/engine.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import type { KObject } from '../api/types.js';
import { hasPendingWork } from '../engine/work.js';
import { decodeTyped } from './decode.js';
import { tempDir } from '../util/testing.js';

process.env.KJOB_ENGINE = 'off';

const badTemplate = () => ({
  metadata: { labels: 'x', annotations: { a: 1 } },
  spec: { containers: [{ name: 'c', image: 5, env: {}, resources: { limits: { cpu: true } }, ports: 'x' }, 7, null], restartPolicy: 7, volumes: {} },
});

export const MALFORMED: Record<string, any>[] = [
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j1', namespace: 'default', annotations: 5, labels: 7 }, spec: { completions: '3', parallelism: 'x', suspend: 'true', template: badTemplate(), selector: 'x' }, status: { active: 'x', conditions: 'y', startTime: 5 } },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j2', namespace: 'default' }, spec: 5, status: 5 },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j3', namespace: 'default', ownerReferences: 'x' }, spec: { template: 'x', completionMode: 5 }, status: { conditions: [5, null, { type: 5, status: {} }], completionTime: 'never' } },
  { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c1', namespace: 'default', annotations: 5 }, spec: { schedule: 5, suspend: 'true', jobTemplate: { spec: { template: badTemplate() } } }, status: { active: 'x', lastScheduleTime: 5 } },
  { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c2', namespace: 'default' }, spec: { schedule: '* * * * *', jobTemplate: 5, timeZone: 7 }, status: 5 },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default', labels: 5, annotations: [1], ownerReferences: [{ kind: 'Job', name: 5, controller: 'yes' }] }, spec: badTemplate().spec, status: { phase: 5, containerStatuses: 'x', conditions: {}, startTime: 7 } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2', namespace: 'default' }, spec: 5, status: { containerStatuses: [5, { name: 5, state: 'x', restartCount: 'y' }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's1', namespace: 'default' }, spec: { ports: 'x', selector: 5, clusterIP: 7, type: 9 } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's2', namespace: 'default' }, spec: { ports: [5, { port: 'x', targetPort: {} }] } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n1', labels: 5 }, spec: 5, status: { phase: 5 } },
  { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default' }, involvedObject: 5, reason: 5, message: 7, count: 'x', lastTimestamp: 5, type: 5 },
  { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e2', namespace: 'default' }, involvedObject: { kind: 'Job', name: 'j1', namespace: 'default' }, reason: 5, message: {}, firstTimestamp: 'garbage', source: 5 },
];

function homeWithMalformed(): string {
  const home = tempDir('shapes');
  const store = Store.open(home);
  // as a store written before decoding was strict holds them (with the uids the old store gave)
  for (const o of MALFORMED) store.create({ ...structuredClone(o), metadata: { ...o.metadata, uid: randomUUID() } } as KObject);
  store.close();
  return home;
}

export const READ_COMMANDS: string[][] = [
  ['get', 'jobs'], ['get', 'cronjobs'], ['get', 'pods'], ['get', 'services'], ['get', 'events'], ['get', 'namespaces'],
  ['get', 'jobs', '-o', 'wide'], ['get', 'pods', '-o', 'wide'], ['get', 'cronjobs', '-o', 'wide'], ['get', 'events', '-A'],
  ['get', 'jobs,pods,cronjobs,services,events', '-o', 'yaml'], ['get', 'jobs,cronjobs', '-o', 'json'], ['get', 'pods', '-o', 'name'],
  ['get', 'jobs', '--show-labels'], ['get', 'pods', '-l', 'a=b'], ['get', 'all', '-A'], ['get', 'jobs', 'j1', 'j2', 'j3'],
  ['get', 'jobs', '-o', 'jsonpath={.items[*].spec.completions}'], ['get', 'pods', '-L', 'app'],
  ['describe', 'jobs'], ['describe', 'cronjobs'], ['describe', 'pods'], ['describe', 'job', 'j1'], ['describe', 'cj', 'c2'],
];

/** Runs argv in-process; returns the exit code and what was written. */
export async function run(home: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['--home', home, ...argv], { out: (s: string) => void (out += s), err: (s: string) => void (err += s) });
  return { code, out, err };
}

test('get and describe of every kind print objects of the wrong shape without a stack trace', async () => {
  const home = homeWithMalformed();
  try {
    for (const argv of READ_COMMANDS) {
      const r = await run(home, argv);
      assert.ok(r.code === 0 || r.code === 1, `${argv.join(' ')} exited ${r.code}: ${r.err}`);
      assert.doesNotMatch(r.err, /this is a bug|TypeError|RangeError|\n\s+at /, `${argv.join(' ')}: ${r.err}`);
    }
    const jobs = await run(home, ['get', 'jobs']);
    assert.match(jobs.out, /^j1\s+\S+\s+0\/3\s/m, 'completions "3" reads as 3');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('hasPendingWork ignores what does not decode', () => {
  const home = homeWithMalformed();
  const store = Store.open(home);
  try {
    assert.equal(hasPendingWork(store), false);
  } finally {
    store.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('the engine skips objects that do not decode, with one FailedSync event each, and exits idle', async () => {
  const home = homeWithMalformed();
  const logs: string[] = [];
  const engine = new Engine({ home, timing: { ...KUBERNETES_TIMING, engineIdleExitMs: 1000 }, log: (m) => logs.push(m) });
  const running = engine.run();
  // Nothing it can work on: it reports them and exits idle, as with an empty state.
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([running.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 10_000)))]);
  clearTimeout(timer);
  if (timedOut) {
    engine.stop('test over');
    await running;
  }
  assert.equal(timedOut, false, `the engine did not exit idle:\n${logs.join('\n')}`);
  const store = Store.open(home);
  try {
    const events = store.list('Event').filter((e: any) => e.reason === 'FailedSync');
    const about = new Set(events.map((e: any) => `${e.involvedObject.kind}/${e.involvedObject.name}`));
    for (const k of ['Job/j1', 'Job/j2', 'Job/j3', 'CronJob/c1', 'CronJob/c2', 'Pod/p1', 'Pod/p2']) assert.ok(about.has(k), `no FailedSync event for ${k}: ${[...about].join(' ')}`);
    for (const e of events) assert.equal((e as any).count ?? 1, 1, 'one event per object version');
    assert.match((events.find((e: any) => e.involvedObject.name === 'j1') as any).message, /^kjob: the stored Job cannot be decoded and is skipped until it is fixed: quantities must match/);
    // Each through its component's own recorder (one correlator a component): the kubelet's names its node.
    const source = (name: string) => (events.find((e: any) => e.involvedObject.name === name) as any).source;
    assert.deepEqual([source('j1'), source('c1'), source('p1')], [{ component: 'job-controller' }, { component: 'cronjob-controller' }, { component: 'kubelet', host: 'kjob-node' }]);
    // nothing was started for them
    assert.equal(store.list('Pod').filter((p) => p.metadata.name !== 'p1' && p.metadata.name !== 'p2').length, 0);
  } finally {
    store.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
  if (process.env.KJOB_TEST_VERBOSE) console.log(logs.join('\n'));
  const stacks = logs.filter((l) => /\n\s+at /.test(l));
  assert.ok(stacks.length <= 3, `stack traces logged:\n${stacks.join('\n---\n')}`);
  assert.ok(!logs.some((l) => /this is a bug/.test(l)), logs.join('\n'));
});

test('writes that start from an object of the wrong shape store only what decodes', async () => {
  const home = homeWithMalformed();
  const root = new URL('../../', import.meta.url).pathname;
  const cj = path.join(home, 'cj.yaml');
  fs.writeFileSync(cj, 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c1\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: busybox\n          restartPolicy: OnFailure\n');
  try {
    const before = new Map<string, string>();
    {
      const store = Store.open(home);
      for (const k of ['Job', 'CronJob', 'Pod'] as const) for (const o of store.list(k)) before.set(o.metadata.uid!, o.metadata.resourceVersion!);
      store.close();
    }
    const runs = [
      ['apply', '-f', cj],
      ['patch', 'cronjob', 'c2', '-p', '{"spec":{"suspend":true}}'],
      ['patch', 'job', 'j1', '-p', '{"spec":{"suspend":false}}'],
      ['create', 'job', 'from-c2', '--from=cronjob/c2'],
      ['create', 'job', 'from-c1', '--from=cronjob/c1'],
      ['apply', '-f', path.join(root, 'fixtures/job-echo.yaml')],
      ['delete', 'pod', 'p1', '--wait=false'],
    ];
    for (const argv of runs) {
      const r = await run(home, argv);
      assert.ok(r.code === 0 || r.code === 1, `${argv.join(' ')}: ${r.code} ${r.err}`);
      assert.doesNotMatch(r.err, /this is a bug|\n\s+at /, `${argv.join(' ')}: ${r.err}`);
    }
    const store = Store.open(home);
    try {
      for (const k of ['Job', 'CronJob', 'Pod'] as const) {
        for (const o of store.list(k)) {
          if (before.get(o.metadata.uid!) === o.metadata.resourceVersion) continue; // untouched
          assert.equal(decodeTyped(k, o as Record<string, unknown>, 'Strict').error, undefined, `${k}/${o.metadata.name} was written and does not decode`);
        }
      }
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
