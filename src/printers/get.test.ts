// Expected outputs are the [B] samples of reference/kubectl-formats.md §1–4 (real kubectl v1.32).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TablePrinter, formatLabels, formatLabelSelector, type TablePrinterOptions } from './get.js';
import type { Table } from './tables.js';
import type { KObject } from '../api/types.js';

const obj = (name: string, labels: Record<string, string> = {}, namespace = 'default'): KObject =>
  ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, labels } });
const jobCols = [
  { name: 'Name', priority: 0 }, { name: 'Status', priority: 0 }, { name: 'Completions', priority: 0 },
  { name: 'Duration', priority: 0 }, { name: 'Age', priority: 0 },
  { name: 'Containers', priority: 1 }, { name: 'Images', priority: 1 }, { name: 'Selector', priority: 1 },
];
const jrow = (name: string, ...cells: string[]) => ({ cells: [name, ...cells, 'c', 'i', 's'], object: obj(name) });
const jobs: Table = {
  columns: jobCols,
  rows: [
    jrow('pi', 'Complete', '1/1', '14s', '5m18s'),
    jrow('sleeper', 'Running', '0/1 of 3', '93s', '93s'),
    jrow('indexed', 'Running', '3/5', '66m', '66m'),
    jrow('failing', 'Failed', '0/1', '16m', '150m'),
  ],
};
const cjCols = ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age'].map((name) => ({ name, priority: 0 }));
const cronjobs: Table = {
  columns: cjCols,
  rows: [
    { cells: ['hello', '*/1 * * * *', '<none>', 'False', '1', '53s', '3d5h'], object: obj('hello') },
    { cells: ['nightly', '0 3 * * *', 'Europe/Paris', 'True', '0', '<none>', '40d'], object: obj('nightly') },
  ],
};

function printer(opts: TablePrinterOptions = {}): { p: TablePrinter; out: () => string } {
  let s = '';
  const p = new TablePrinter((x) => (s += x), opts);
  return { p, out: () => s };
}

test('get jobs,cronjobs: kind prefix, independent widths, blank line between types', () => {
  const { p, out } = printer({ showKind: true });
  p.startNewType();
  p.printTable(jobs, { kindPrefix: 'job.batch' });
  p.startNewType();
  p.printTable(cronjobs, { kindPrefix: 'cronjob.batch' });
  p.flush();
  assert.equal(out(),
    'NAME                STATUS     COMPLETIONS   DURATION   AGE\n' +
    'job.batch/pi        Complete   1/1           14s        5m18s\n' +
    'job.batch/sleeper   Running    0/1 of 3      93s        93s\n' +
    'job.batch/indexed   Running    3/5           66m        66m\n' +
    'job.batch/failing   Failed     0/1           16m        150m\n' +
    '\n' +
    'NAME                    SCHEDULE      TIMEZONE       SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n' +
    'cronjob.batch/hello     */1 * * * *   <none>         False     1        53s             3d5h\n' +
    'cronjob.batch/nightly   0 3 * * *     Europe/Paris   True      0        <none>          40d\n');
});

test('no blank line after an empty first type, nor with --no-headers', () => {
  let r = printer({ showKind: true });
  r.p.startNewType();
  r.p.printTable({ columns: cjCols, rows: [] });
  r.p.startNewType();
  r.p.printTable({ columns: jobs.columns, rows: jobs.rows.slice(0, 1) }, { kindPrefix: 'job.batch' });
  r.p.flush();
  assert.equal(r.out(), 'NAME           STATUS     COMPLETIONS   DURATION   AGE\njob.batch/pi   Complete   1/1           14s        5m18s\n');
  r = printer({ noHeaders: true, withNamespace: true, showKind: true, kindPrefix: 'job.batch' });
  r.p.startNewType();
  r.p.printTable({ columns: jobs.columns, rows: jobs.rows.slice(0, 2) });
  r.p.startNewType();
  r.p.printTable(cronjobs, { kindPrefix: 'cronjob.batch' });
  r.p.flush();
  assert.equal(r.out(),
    'default   job.batch/pi        Complete   1/1        14s   5m18s\n' +
    'default   job.batch/sleeper   Running    0/1 of 3   93s   93s\n' +
    'default   cronjob.batch/hello     */1 * * * *   <none>         False   1     53s      3d5h\n' +
    'default   cronjob.batch/nightly   0 3 * * *     Europe/Paris   True    0     <none>   40d\n');
});

test('minwidth 6 with --no-headers', () => {
  const { p, out } = printer({ noHeaders: true });
  p.printTable({ columns: jobCols, rows: [jrow('pi', 'Complete', '1/1', '14s', '5m36s')] });
  p.flush();
  assert.equal(out(), 'pi    Complete   1/1   14s   5m36s\n');
});

test('-o wide shows priority-1 columns', () => {
  const { p, out } = printer({ wide: true });
  p.printTable({ columns: jobCols, rows: [{ cells: ['pi', 'Complete', '1/1', '14s', '5m3s', 'pi', 'perl:5.34.0', 'batch.kubernetes.io/controller-uid=uid-pi'], object: obj('pi') }] });
  p.flush();
  assert.equal(out(),
    'NAME   STATUS     COMPLETIONS   DURATION   AGE    CONTAINERS   IMAGES        SELECTOR\n' +
    'pi     Complete   1/1           14s        5m3s   pi           perl:5.34.0   batch.kubernetes.io/controller-uid=uid-pi\n');
});

test('-L and --show-labels; empty last cell leaves trailing spaces', () => {
  const podCols = ['Name', 'Ready', 'Status', 'Restarts', 'Age'].map((name) => ({ name, priority: 0 }));
  const { p, out } = printer({ labelColumns: ['tier'] });
  p.printTable({
    columns: podCols,
    rows: [
      { cells: ['pi-x7k2p', '0/1', 'Completed', '0', '5m24s'], object: obj('pi-x7k2p') },
      { cells: ['web-0', '2/2', 'Running', '2 (2m35s ago)', '10m'], object: obj('web-0', { tier: 'frontend' }) },
    ],
  });
  p.flush();
  assert.equal(out(),
    'NAME       READY   STATUS      RESTARTS        AGE     TIER\n' +
    'pi-x7k2p   0/1     Completed   0               5m24s   \n' +
    'web-0      2/2     Running     2 (2m35s ago)   10m     frontend\n');
  const r = printer({ labelColumns: ['batch.kubernetes.io/job-name'], showLabels: true });
  r.p.printTable({ columns: [{ name: 'Name', priority: 0 }], rows: [{ cells: ['pi'], object: obj('pi', { 'batch.kubernetes.io/job-name': 'pi', 'a=': 'x', a: '1', 'a.b': '2' }) }] });
  r.p.flush();
  assert.equal(r.out(), 'NAME   JOB-NAME   LABELS\npi     pi         a.b=2,a=1,a==x,batch.kubernetes.io/job-name=pi\n');
});

test('cells: cut at the first newline with "...", terminal escapes', () => {
  const { p, out } = printer({ noHeaders: true });
  p.printTable({ columns: [{ name: 'Name', priority: 0 }, { name: 'Message', priority: 0 }], rows: [{ cells: ['a\x1b', 'line1\nline2'], object: obj('a') }] });
  p.flush();
  assert.equal(out(), 'a^[   line1...\n');
});

test('watch: header once, one row per event, widths remembered and only growing', () => {
  const { p, out } = printer();
  p.printTable(jobs);
  p.flush();
  const ev = (...r: [string, ...string[]]) => { p.printTable({ columns: jobCols, rows: [jrow(...r)] }); p.flush(); };
  ev('sleeper', 'Running', '0/1 of 3', '104s', '104s');
  ev('sleeper', 'Complete', '1/1 of 3', '75s', '104s');
  ev('a-much-longer-job-name-here', 'Running', '0/1 of 3', '104s', '104s');
  ev('sleeper', 'Complete', '1/1 of 3', '75s', '104s');
  assert.equal(out(),
    'NAME      STATUS     COMPLETIONS   DURATION   AGE\n' +
    'pi        Complete   1/1           14s        5m18s\n' +
    'sleeper   Running    0/1 of 3      93s        93s\n' +
    'indexed   Running    3/5           66m        66m\n' +
    'failing   Failed     0/1           16m        150m\n' +
    'sleeper   Running    0/1 of 3      104s       104s\n' +
    'sleeper   Complete   1/1 of 3      75s        104s\n' +
    'a-much-longer-job-name-here   Running    0/1 of 3      104s       104s\n' +
    'sleeper                       Complete   1/1 of 3      75s        104s\n');
});

test('watch --output-watch-events and --watch-only', () => {
  let r = printer({ watchEvents: true });
  r.p.printTable({ columns: jobCols, rows: jobs.rows.slice(0, 1) }, { eventType: 'ADDED' });
  r.p.flush();
  r.p.printTable({ columns: jobCols, rows: [jrow('a-much-longer-job-name-here', 'Running', '0/1 of 3', '106s', '106s')] }, { eventType: 'ADDED' });
  r.p.flush();
  r.p.printTable({ columns: jobCols, rows: [jrow('sleeper', 'Complete', '1/1 of 3', '75s', '107s')] }, { eventType: 'DELETED' });
  r.p.flush();
  assert.equal(r.out(),
    'EVENT      NAME   STATUS     COMPLETIONS   DURATION   AGE\n' +
    'ADDED      pi     Complete   1/1           14s        5m18s\n' +
    'ADDED      a-much-longer-job-name-here   Running    0/1 of 3      106s       106s\n' +
    'DELETED    sleeper                       Complete   1/1 of 3      75s        107s\n');
  r = printer();
  r.p.printTable({ columns: jobCols, rows: [] }); // empty initial list: no header yet
  r.p.flush();
  r.p.printTable({ columns: jobCols, rows: [jrow('sleeper', 'Running', '0/1 of 3', '108s', '108s')] });
  r.p.flush();
  r.p.printTable({ columns: jobCols, rows: [jrow('sleeper', 'Complete', '1/1 of 3', '75s', '108s')] });
  r.p.flush();
  assert.equal(r.out(),
    'NAME      STATUS    COMPLETIONS   DURATION   AGE\n' +
    'sleeper   Running   0/1 of 3      108s       108s\n' +
    'sleeper   Complete   1/1 of 3      75s        108s\n');
});

test('formatLabels / formatLabelSelector', () => {
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }), 'batch.kubernetes.io/controller-uid=u');
  assert.equal(formatLabelSelector({ matchExpressions: [
    { key: 'z', operator: 'NotIn', values: ['y', 'x'] }, { key: 'b', operator: 'DoesNotExist' }, { key: 'a', operator: 'In', values: ['2', '1'] },
  ] }), 'a in (1,2),!b,z notin (x,y)');
});

test('startNewType need not be called before the first table', () => {
  const { p, out } = printer();
  p.printTable({ columns: jobCols, rows: [jrow('pi', 'Complete', '1/1', '14s', '5m18s')] });
  p.startNewType();
  p.printTable(cronjobs);
  p.flush();
  assert.match(out(), /5m18s\n\nNAME {6}SCHEDULE/);
});
