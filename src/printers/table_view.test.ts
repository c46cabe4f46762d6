// A table view (api/table_view.ts) prints as its object prints: the same cells, default and wide,
// at any time, the same namespace and labels, on many generated objects (valid ones and odd shapes alike).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellsFor } from './tables.js';
import { printStoredCells, tableView } from './table_view.js';
import { tableViewLabels, viewRow, TABLE_VIEW_KINDS, type TableViewRow } from '../api/table_view.js';
import type { Kind, KObject } from '../api/types.js';
import { rng } from '../util/prng.js';

const now = new Date('2026-11-23T12:00:00Z');

function gen(r: () => number) {
  const chance = (p: number) => r() < p;
  const pickOne = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (n: number) => Math.floor(r() * n);
  const maybe = <T>(f: () => T, p = 0.5): T | undefined => (chance(p) ? f() : undefined);
  const ts = () => pickOne([new Date(now.getTime() - int(10_000_000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), '0001-01-01T00:00:00Z', '', 'garbage', null]);
  const some = <T>(f: () => T, max = 3): T[] => Array.from({ length: int(max + 1) }, f);
  const odd = () => pickOne<unknown>([null, 'x', 3, true, {}, [], { length: 2 }]);
  const labels = () => Object.fromEntries(some(() => [pickOne(['app', 'job-name', 'a.b/c', 'controller-uid']), pickOne(['x', 'y', ''])], 4));
  const metadata = () => ({
    name: pickOne(['p', 'pi-abcde', 'a-very-long-name-of-an-object-0001']),
    namespace: pickOne(['default', 'kube-system', 'other']),
    uid: 'u-1',
    resourceVersion: '12',
    creationTimestamp: ts(),
    deletionTimestamp: maybe(ts, 0.2),
    labels: maybe(labels, 0.8),
    annotations: maybe(() => ({ note: 'x' }), 0.3),
    ownerReferences: maybe(() => [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j-1', controller: true }], 0.5),
  });
  const state = () =>
    pickOne<unknown>([
      {},
      { running: { startedAt: ts() } },
      { waiting: { reason: pickOne(['', 'PodInitializing', 'CrashLoopBackOff', 'ContainerCreating']) } },
      { terminated: { exitCode: pickOne([0, 1, 137]), reason: pickOne([undefined, '', 'Completed', 'Error', 'OOMKilled']), signal: maybe(() => pickOne([0, 9]), 0.3), finishedAt: ts(), startedAt: ts() } },
      odd(),
    ]);
  const containerStatus = (name: string) => ({
    name,
    image: 'busybox',
    imageID: '',
    restartCount: maybe(() => int(5), 0.8),
    ready: maybe(() => chance(0.5), 0.9),
    started: maybe(() => chance(0.5), 0.7),
    state: maybe(state, 0.9),
    lastState: maybe(() => pickOne<unknown>([{}, { terminated: { exitCode: 1, finishedAt: ts(), reason: 'Error' } }, { terminated: odd() }, odd()]), 0.5),
  });
  const container = (name: string) => ({ name, image: pickOne(['busybox', 'perl:5.34', '']), command: ['true'], restartPolicy: maybe(() => pickOne(['Always', 'Never']), 0.3) });
  const conditions = (types: string[]) =>
    some(() => ({ type: pickOne(types), status: pickOne(['True', 'False', 'Unknown']), reason: maybe(() => pickOne(['SchedulingGated', 'PodCompleted', 'x'])), lastTransitionTime: ts() }), 4);

  const pod = (): KObject => {
    const containers = some(() => container(pickOne(['a', 'b', 'main'])), 3);
    const inits = maybe(() => some(() => container(pickOne(['i', 'sidecar'])), 3), 0.4);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: metadata(),
      spec: chance(0.05)
        ? (odd() as never)
        : {
            containers: chance(0.05) ? (odd() as never) : containers,
            initContainers: inits,
            nodeName: maybe(() => pickOne(['kjob-node', ''])),
            readinessGates: maybe(() => some(() => ({ conditionType: pickOne(['Ready', 'example.com/gate']) }), 2), 0.3),
            restartPolicy: 'Never',
          },
      status: chance(0.05)
        ? (odd() as never)
        : {
            phase: maybe(() => pickOne(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']), 0.9),
            reason: maybe(() => pickOne(['', 'NodeLost', 'Evicted']), 0.2),
            conditions: maybe(() => conditions(['Ready', 'Initialized', 'PodScheduled', 'example.com/gate']), 0.8),
            initContainerStatuses: inits && maybe(() => inits.map((c) => containerStatus(c.name)), 0.8),
            containerStatuses: maybe(() => (chance(0.05) ? odd() : containers.map((c) => containerStatus(c.name))), 0.8),
            podIPs: maybe(() => pickOne<unknown>([[], [{ ip: '10.0.0.3' }], [{ ip: '' }]]), 0.6),
            nominatedNodeName: maybe(() => 'n', 0.1),
            startTime: ts(),
          },
    } as KObject;
  };

  const template = () => ({ metadata: { labels: maybe(labels) }, spec: { restartPolicy: 'Never', containers: chance(0.05) ? odd() : some(() => container(pickOne(['a', 'pi'])), 3) } });
  const selector = () => pickOne<unknown>([{ matchLabels: labels() }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }] }, {}, undefined]);

  const job = (): KObject =>
    ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata(),
      spec: chance(0.05)
        ? odd()
        : { completions: maybe(() => pickOne([null, 1, 5]), 0.8), parallelism: maybe(() => pickOne([0, 1, 3]), 0.8), backoffLimit: 6, selector: selector(), template: template() },
      status: chance(0.05)
        ? odd()
        : {
            succeeded: maybe(() => int(6)),
            failed: maybe(() => int(3)),
            startTime: maybe(ts),
            completionTime: maybe(ts),
            conditions: maybe(() => conditions(['Complete', 'Failed', 'Suspended', 'FailureTarget', 'SuccessCriteriaMet'])),
          },
    }) as KObject;

  const cronJob = (): KObject =>
    ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: metadata(),
      spec: chance(0.05)
        ? odd()
        : {
            schedule: maybe(() => pickOne(['*/1 * * * *', '@hourly']), 0.95),
            timeZone: maybe(() => pickOne(['Etc/UTC', ''])),
            suspend: maybe(() => chance(0.5)),
            concurrencyPolicy: 'Allow',
            jobTemplate: chance(0.05) ? odd() : { spec: { selector: selector(), template: template() } },
          },
      status: chance(0.05) ? odd() : { lastScheduleTime: maybe(ts), active: maybe(() => some(() => ({ kind: 'Job', name: 'j', uid: 'u' }), 3)) },
    }) as KObject;

  return { Pod: pod, Job: job, CronJob: cronJob } as Record<string, () => KObject>;
}

/** What the printer shows of an object at a time: its cells (or the error printing it), namespace and (with labels) labels. */
function printed(kind: Kind, o: KObject, at: Date, labels: boolean): unknown {
  let cells: unknown;
  try {
    cells = cellsFor(kind, o, at);
  } catch (e) {
    cells = `throws ${(e as Error).constructor.name}`;
  }
  return { cells, namespace: o.metadata?.namespace, ...(labels ? { labels: o.metadata?.labels } : {}) };
}

/** The view as the store keeps it and gives it back (store.eachView): its text, the labels apart and put back when asked for. */
function stored(obj: KObject, labels: boolean): TableViewRow {
  const row = viewRow(tableView(obj)!);
  const l = tableViewLabels(obj);
  if (labels && l !== undefined) row.labels = JSON.parse(l);
  return row;
}

/** What `get` prints of a stored row at a time (get.ts tableOfViews), as printed() tells it. */
function printedRow(row: TableViewRow, at: Date, labels: boolean): unknown {
  // A copy: printStoredCells prints in place, and a row is printed at two times here.
  const cells = printStoredCells([...row.cells!], at);
  return { cells, namespace: row.namespace, ...(labels ? { labels: row.labels } : {}) };
}

test('every kind with a table view has a generator here', () => {
  assert.deepEqual([...TABLE_VIEW_KINDS].sort(), ['CronJob', 'Job', 'Pod']);
  assert.equal(tableView({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } as KObject), undefined);
});

// Printed when stored, and three days and a minute later: the clock's cells are printed when the row is.
const later = new Date(now.getTime() + 3 * 86400_000 + 61_000);

for (const kind of ['Pod', 'Job', 'CronJob'] as Kind[]) {
  test(`a ${kind}'s table view prints as the ${kind} prints, at any time (2,000 generated objects)`, () => {
    const r = rng(0x5eed + kind.length);
    const make = gen(r)[kind];
    let unprintable = 0;
    for (let i = 0; i < 2000; i++) {
      // Stored objects are JSON: both sides go through it, as the store's rows do.
      const obj = JSON.parse(JSON.stringify(make())) as KObject;
      for (const labels of [false, true]) {
        const row = stored(obj, labels);
        for (const at of [now, later]) {
          const want = printed(kind, obj, at, labels) as { cells: unknown };
          const what = `object #${i}${labels ? ' with labels' : ''} at ${at.toISOString()}: ${JSON.stringify(obj)}`;
          if (row.cells === undefined) {
            // Only an object the printers cannot print has no row: get lists the objects then.
            assert.ok(typeof want.cells === 'string' || (want.cells as unknown[]).some((c) => typeof c !== 'string'), what);
            unprintable++;
          } else {
            assert.deepEqual(printedRow(row, at, labels), want, what);
          }
        }
      }
    }
    // The generator makes odd shapes too: both branches ran.
    assert.ok(unprintable > 0 && unprintable < 2000 * 4, `${unprintable} unprintable`);
  });
}

test("a Pod view is its printed row, the clock's cells kept as the time they count from", () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u', creationTimestamp: '2026-11-23T11:00:00Z', annotations: { a: 'b' }, managedFields: [{}] },
    spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'long script'], env: [{ name: 'A', value: 'B' }] }], volumes: [{ name: 'v' }], nodeName: 'kjob-node' },
    status: {
      phase: 'Running',
      hostIP: '10.0.0.1',
      podIPs: [{ ip: '10.88.0.5' }],
      containerStatuses: [{ name: 'c', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: '2026-11-23T11:55:00Z' } } }],
    },
  } as unknown as KObject;
  const since = (ts: string) => Date.parse(ts);
  assert.equal(
    tableView(pod),
    JSON.stringify(['p', '1/1', 'Running', { since: since('2026-11-23T11:55:00Z'), prefix: '2 (', suffix: ' ago)' }, { since: since('2026-11-23T11:00:00Z') }, '10.88.0.5', 'kjob-node', '<none>', '<none>', 'default']),
  );
  assert.deepEqual(printedRow(stored(pod, false), now, false), { cells: ['p', '1/1', 'Running', '2 (5m ago)', '60m', '10.88.0.5', 'kjob-node', '<none>', '<none>'], namespace: 'default' });
});
