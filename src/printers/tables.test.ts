import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toTable, podSummary, jobStatus } from './tables.js';
import type { KObject } from '../api/types.js';

const now = new Date('2026-11-23T12:00:00Z');
const ago = (sec: number) => new Date(now.getTime() - sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function pod(status: any, spec: any = {}, meta: any = {}): KObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(600), ...meta },
    spec: { containers: [{ name: 'main', image: 'busybox' }], ...spec },
    status,
  };
}
const cs = (state: any, extra: any = {}) => ({ name: 'main', ready: false, restartCount: 0, state, ...extra });

test('pod: Completed / Error / StartError / CrashLoopBackOff with restarts ago', () => {
  let s = podSummary(pod({ phase: 'Succeeded', containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }), now);
  assert.deepEqual(s, { ready: '0/1', reason: 'Completed', restarts: '0' });
  s = podSummary(pod({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 1, reason: 'Error' } })] }), now);
  assert.equal(s.reason, 'Error');
  s = podSummary(pod({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 128, reason: 'StartError' } })] }), now);
  assert.equal(s.reason, 'StartError');
  s = podSummary(pod({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 2 } })] }), now);
  assert.equal(s.reason, 'ExitCode:2');
  s = podSummary(pod({ phase: 'Failed', containerStatuses: [cs({ terminated: { exitCode: 137, signal: 9 } })] }), now);
  assert.equal(s.reason, 'Signal:9');
  s = podSummary(pod({
    phase: 'Running',
    containerStatuses: [cs({ waiting: { reason: 'CrashLoopBackOff' } }, {
      restartCount: 12,
      lastState: { terminated: { exitCode: 128, reason: 'StartError', startedAt: '1970-01-01T00:00:00Z', finishedAt: ago(193) } },
    })],
  }), now);
  assert.deepEqual(s, { ready: '0/1', reason: 'CrashLoopBackOff', restarts: '12 (3m13s ago)' });
});

test('pod: Running with restarts, first container wins the reason, NotReady', () => {
  const two = { containers: [{ name: 'a' }, { name: 'b' }] };
  let s = podSummary(pod({
    phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      { name: 'a', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 137, finishedAt: ago(154) } } },
      { name: 'b', ready: true, restartCount: 0, state: { running: {} } },
    ],
  }, two), now);
  assert.deepEqual(s, { ready: '2/2', reason: 'Running', restarts: '2 (2m34s ago)' });
  s = podSummary(pod({
    phase: 'Running',
    containerStatuses: [
      { name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'b', ready: true, restartCount: 0, state: { running: {} } },
    ],
  }, two), now);
  assert.equal(s.reason, 'NotReady');
});

test('pod: ContainerCreating, Pending, Terminating, Unknown, SchedulingGated, Evicted', () => {
  assert.equal(podSummary(pod({ phase: 'Pending', containerStatuses: [cs({ waiting: { reason: 'ContainerCreating' } })] }), now).reason, 'ContainerCreating');
  assert.equal(podSummary(pod({ phase: 'Pending' }), now).reason, 'Pending');
  assert.equal(podSummary(pod({ phase: 'Running', containerStatuses: [cs({ running: {} }, { ready: true })] }, {}, { deletionTimestamp: ago(-30) }), now).reason, 'Terminating');
  assert.equal(podSummary(pod({ phase: 'Succeeded', containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }, {}, { deletionTimestamp: ago(-30) }), now).reason, 'Completed');
  assert.equal(podSummary(pod({ phase: 'Running', reason: 'NodeLost' }, {}, { deletionTimestamp: ago(1) }), now).reason, 'Unknown');
  assert.equal(podSummary(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), now).reason, 'SchedulingGated');
  assert.equal(podSummary(pod({ phase: 'Failed', reason: 'Evicted' }), now).reason, 'Evicted');
});

test('pod: init containers (Init:0/1, Init:Error, Init:CrashLoopBackOff, PodInitializing, sidecar)', () => {
  const spec = { initContainers: [{ name: 'init' }], containers: [{ name: 'main' }] };
  const init = (state: any, extra: any = {}) => ({ name: 'init', ready: false, restartCount: 0, state, ...extra });
  const main = cs({ waiting: { reason: 'PodInitializing' } });
  assert.equal(podSummary(pod({ phase: 'Pending', initContainerStatuses: [init({ running: {} })], containerStatuses: [main] }, spec), now).reason, 'Init:0/1');
  assert.equal(podSummary(pod({ phase: 'Pending', initContainerStatuses: [init({ waiting: { reason: 'PodInitializing' } })], containerStatuses: [main] }, spec), now).reason, 'Init:0/1');
  assert.equal(podSummary(pod({ phase: 'Failed', initContainerStatuses: [init({ terminated: { exitCode: 1, reason: 'Error' } })], containerStatuses: [main] }, spec), now).reason, 'Init:Error');
  assert.equal(podSummary(pod({ phase: 'Failed', initContainerStatuses: [init({ terminated: { exitCode: 3 } })] }, spec), now).reason, 'Init:ExitCode:3');
  const s = podSummary(pod({ phase: 'Pending', initContainerStatuses: [init({ waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(20) } } })], containerStatuses: [main] }, spec), now);
  assert.deepEqual(s, { ready: '0/1', reason: 'Init:CrashLoopBackOff', restarts: '3 (20s ago)' });
  assert.equal(podSummary(pod({
    phase: 'Pending', conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [init({ terminated: { exitCode: 0, reason: 'Completed' } })], containerStatuses: [main],
  }, spec), now).reason, 'PodInitializing');
  const two = { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'main' }] };
  assert.equal(podSummary(pod({ phase: 'Pending', initContainerStatuses: [
    { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'b', state: { running: {} } },
  ], containerStatuses: [main] }, two), now).reason, 'Init:1/2');
  // a sidecar (restartPolicy Always) counts toward READY and total
  const side = { initContainers: [{ name: 'init', restartPolicy: 'Always' }], containers: [{ name: 'main' }] };
  assert.deepEqual(podSummary(pod({
    phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
    initContainerStatuses: [init({ running: {} }, { started: true, ready: true, restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(70) } } })],
    containerStatuses: [cs({ running: {} }, { ready: true })],
  }, side), now), { ready: '2/2', reason: 'Running', restarts: '1 (70s ago)' });
});

test('pod table row incl. wide cells', () => {
  const p = pod({ phase: 'Succeeded', podIPs: [{ ip: '10.244.0.7' }], containerStatuses: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }, { nodeName: 'node-1' }, { name: 'pi-x7k2p', creationTimestamp: ago(304) });
  const t = toTable('Pod', [p], now);
  assert.deepEqual(t.columns.map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.deepEqual(t.rows[0].cells, ['pi-x7k2p', '0/1', 'Completed', '0', '5m4s', '10.244.0.7', 'node-1', '<none>', '<none>']);
  const g = pod({ phase: 'Running', conditions: [{ type: 'x/one', status: 'True' }] }, { readinessGates: [{ conditionType: 'x/one' }, { conditionType: 'x/two' }] });
  assert.deepEqual(toTable('Pod', [g], now).rows[0].cells.slice(5), ['<none>', '<none>', '<none>', '1/2']);
});

function job(spec: any, status: any, meta: any = {}): KObject {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', creationTimestamp: ago(318), ...meta },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34.0' }] } }, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-pi' } }, ...spec },
    status,
  };
}
const cond = (type: string, status = 'True') => ({ type, status });

test('job STATUS', () => {
  assert.equal(jobStatus(job({}, { conditions: [cond('SuccessCriteriaMet'), cond('Complete')] })), 'Complete');
  assert.equal(jobStatus(job({}, { conditions: [cond('SuccessCriteriaMet')] })), 'Running');
  assert.equal(jobStatus(job({}, { conditions: [cond('FailureTarget'), cond('Failed')] })), 'Failed');
  assert.equal(jobStatus(job({}, { conditions: [cond('FailureTarget')] })), 'FailureTarget');
  assert.equal(jobStatus(job({}, { conditions: [cond('Suspended')] })), 'Suspended');
  assert.equal(jobStatus(job({}, { conditions: [cond('Suspended', 'False')] })), 'Running');
  assert.equal(jobStatus(job({}, { conditions: [cond('Suspended')] }, { deletionTimestamp: ago(1) })), 'Terminating');
  assert.equal(jobStatus(job({}, { conditions: [cond('Complete')] }, { deletionTimestamp: ago(1) })), 'Complete');
  assert.equal(jobStatus(job({}, {})), 'Running');
});

test('job row: COMPLETIONS, DURATION, wide cells', () => {
  const row = (spec: any, status: any) => toTable('Job', [job(spec, status)], now).rows[0].cells;
  assert.deepEqual(row({ completions: 1 }, { succeeded: 1, startTime: ago(318), completionTime: ago(304), conditions: [cond('Complete')] }),
    ['pi', 'Complete', '1/1', '14s', '5m18s', 'pi', 'perl:5.34.0', 'batch.kubernetes.io/controller-uid=uid-pi']);
  assert.deepEqual(row({ parallelism: 3 }, { startTime: ago(93) }).slice(1, 5), ['Running', '0/1 of 3', '93s', '5m18s']);
  assert.equal(row({ parallelism: 1 }, {})[2], '0/1');
  assert.equal(row({ completions: 5 }, { succeeded: 3 })[2], '3/5');
  assert.equal(row({ completions: 1 }, {})[3], '');
  const multi = job({ template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } }, selector: { matchExpressions: [{ key: 'k', operator: 'In', values: ['b', 'a'] }, { key: 'e', operator: 'Exists' }], matchLabels: { z: '1' } } }, {});
  assert.deepEqual(toTable('Job', [multi], now).rows[0].cells.slice(5), ['a,b', 'x,y', 'e,k in (a,b),z=1']);
  assert.equal(toTable('Job', [job({ selector: undefined }, {})], now).rows[0].cells[7], '<none>');
});

test('cronjob row', () => {
  const cj: KObject = {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello', creationTimestamp: ago(3 * 86400 + 5 * 3600) },
    spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox:1.28' }] } } } } },
    status: { active: [{ name: 'hello-1' }], lastScheduleTime: ago(53) },
  };
  assert.deepEqual(toTable('CronJob', [cj], now).rows[0].cells, ['hello', '*/1 * * * *', '<none>', 'False', '1', '53s', '3d5h', 'hello', 'busybox:1.28', '<none>']);
  const n: KObject = { ...cj, spec: { ...cj.spec, timeZone: 'Europe/Paris', suspend: true }, status: {} };
  assert.deepEqual(toTable('CronJob', [n], now).rows[0].cells.slice(2, 6), ['Europe/Paris', 'True', '0', '<none>']);
  const u: KObject = { ...cj, spec: { ...cj.spec, suspend: undefined } };
  assert.equal(toTable('CronJob', [u], now).rows[0].cells[3], '<unset>');
});

test('event row', () => {
  const e: KObject = {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'crash-1.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'crash-1', fieldPath: 'spec.containers{main}' }, reason: 'BackOff', type: 'Warning',
    message: ' Back-off restarting failed container \n', count: 31, firstTimestamp: ago(117 * 60), lastTimestamp: ago(46),
    source: { component: 'kubelet', host: 'node-1' },
  };
  const t = toTable('Event', [e], now);
  assert.deepEqual(t.columns.map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
  assert.deepEqual(t.rows[0].cells, ['46s', 'Warning', 'BackOff', 'pod/crash-1', 'spec.containers{main}', 'kubelet, node-1', 'Back-off restarting failed container', '117m', '31', 'crash-1.1']);
  const n: KObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'x' }, involvedObject: { kind: 'Node' }, eventTime: ago(5), reportingComponent: 'ctrl', reportingInstance: 'i-1' };
  assert.deepEqual(toTable('Event', [n], now).rows[0].cells, ['5s', '', '', 'node', '', 'ctrl, i-1', '', '5s', '1', 'x']);
  const s: KObject = { ...n, series: { count: 4, lastObservedTime: ago(2) } };
  assert.deepEqual([toTable('Event', [s], now).rows[0].cells[0], toTable('Event', [s], now).rows[0].cells[8]], ['2s', '4']);
});

test('service and namespace rows', () => {
  const svc: KObject = {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', creationTimestamp: ago(60) },
    spec: { type: 'NodePort', clusterIPs: ['10.96.0.12'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 443, protocol: 'TCP' }], selector: { app: 'web' } },
  };
  assert.deepEqual(toTable('Service', [svc], now).rows[0].cells, ['web', 'NodePort', '10.96.0.12', '<none>', '80:30080/TCP,443/TCP', '60s', 'app=web']);
  const lb: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', clusterIPs: ['10.0.0.1'] } };
  assert.equal(toTable('Service', [lb], now).rows[0].cells[3], '<pending>');
  const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: ago(40 * 86400) }, status: { phase: 'Active' } };
  assert.deepEqual(toTable('Namespace', [ns], now).rows[0].cells, ['default', 'Active', '40d']);
});
