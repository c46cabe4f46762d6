import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPodSpec, podQOSClass } from './defaults.js';
import { admitPod, defaultObject } from '../apiserver/testing.js';
import { resourceForKind } from './resources.js';
import type { KObject } from './types.js';

const info = (k: string) => resourceForKind(k)!;
const job = (): KObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi' },
  spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34.0' }], restartPolicy: 'Never' } } },
  status: { succeeded: 3 },
});

test('Job defaults, generated selector and labels', () => {
  const j = defaultObject(info('Job'), job(), { uid: 'u-1' });
  assert.equal(j.metadata.namespace, 'default');
  assert.equal(j.metadata.uid, 'u-1');
  assert.equal(j.metadata.generation, 1);
  assert.deepEqual(j.status, {});
  const s = j.spec;
  assert.equal(s.completions, 1);
  assert.equal(s.parallelism, 1);
  assert.equal(s.backoffLimit, 6);
  assert.equal(s.completionMode, 'NonIndexed');
  assert.equal(s.suspend, false);
  assert.equal(s.manualSelector, false);
  assert.equal(s.podReplacementPolicy, 'TerminatingOrFailed');
  assert.deepEqual(s.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  const labels = { 'batch.kubernetes.io/controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u-1', 'job-name': 'pi' };
  assert.deepEqual(s.template.metadata, { creationTimestamp: null, labels });
  assert.deepEqual(j.metadata.labels, labels);
  const ps = s.template.spec;
  assert.equal(ps.dnsPolicy, 'ClusterFirst');
  assert.equal(ps.terminationGracePeriodSeconds, 30);
  assert.equal(ps.schedulerName, 'default-scheduler');
  assert.deepEqual(ps.securityContext, {});
  assert.equal(ps.enableServiceLinks, undefined);
  assert.deepEqual(ps.containers[0], {
    name: 'pi', image: 'perl:5.34.0', imagePullPolicy: 'IfNotPresent', resources: {},
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
  });
});

test('Job defaults: work queue, per-index backoff, own labels kept, manual selector', () => {
  const wq = job();
  wq.spec.parallelism = 3;
  assert.equal(defaultObject(info('Job'), wq, { uid: 'u' }).spec.completions, undefined);
  const pi = job();
  pi.spec.backoffLimitPerIndex = 1;
  pi.spec.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] };
  const d = defaultObject(info('Job'), pi, { uid: 'u' });
  assert.equal(d.spec.backoffLimit, 2147483647);
  assert.equal(d.spec.podReplacementPolicy, 'Failed');
  assert.equal(d.spec.podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
  const own = job();
  own.metadata.labels = { app: 'x' };
  own.spec.template.metadata = { labels: { 'job-name': 'custom' } };
  const o = defaultObject(info('Job'), own, { uid: 'u' });
  assert.deepEqual(o.metadata.labels, { app: 'x' });
  assert.equal(o.spec.template.metadata.labels['job-name'], 'custom');
  const man = job();
  man.spec.manualSelector = true;
  man.spec.selector = { matchLabels: { a: 'b' } };
  man.spec.template.metadata = { labels: { a: 'b' } };
  const m = defaultObject(info('Job'), man, { uid: 'u' });
  assert.deepEqual(m.spec.selector, { matchLabels: { a: 'b' } });
  assert.deepEqual(m.spec.template.metadata.labels, { a: 'b' });
});

test('imagePullPolicy from the tag', () => {
  const s = defaultPodSpec({ containers: [{ image: 'busybox' }, { image: 'busybox:latest' }, { image: 'localhost:5000/x' }, { image: 'x@sha256:ab' }, { image: 'busybox:1.36' }] }, true);
  assert.deepEqual(s.containers.map((c: any) => c.imagePullPolicy), ['Always', 'Always', 'Always', 'IfNotPresent', 'IfNotPresent']);
});

test('CronJob defaults leave Job-level fields alone', () => {
  const cj = defaultObject(info('CronJob'), {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'h', image: 'busybox:1.28' }], restartPolicy: 'OnFailure' } } } } },
  }, { uid: 'u' });
  assert.equal(cj.spec.concurrencyPolicy, 'Allow');
  assert.equal(cj.spec.suspend, false);
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  assert.equal(cj.spec.failedJobsHistoryLimit, 1);
  assert.deepEqual(cj.spec.jobTemplate.metadata, { creationTimestamp: null });
  assert.equal(cj.spec.jobTemplate.spec.backoffLimit, undefined);
  assert.equal(cj.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
  assert.deepEqual(cj.status, {});
});

test('Pod defaults and admission', () => {
  const pod = defaultObject(info('Pod'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], initContainers: [{ name: 'i', image: 'busybox' }] } }, { uid: 'u' });
  assert.equal(pod.spec.enableServiceLinks, true);
  assert.equal(pod.spec.restartPolicy, 'Always');
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  const a = admitPod(pod, { randomSuffix: () => 'x2b4z' });
  assert.equal(a.spec.serviceAccountName, 'default');
  assert.equal(a.spec.serviceAccount, 'default');
  assert.equal(a.spec.priority, 0);
  assert.equal(a.spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(a.spec.tolerations, [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ]);
  assert.equal(a.spec.volumes[0].name, 'kube-api-access-x2b4z');
  assert.equal(a.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds, 3607);
  for (const c of [...a.spec.containers, ...a.spec.initContainers]) {
    assert.deepEqual(c.volumeMounts, [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-x2b4z', readOnly: true }]);
  }
  assert.equal(pod.spec.volumes, undefined, 'admitPod does not mutate its input');
  assert.throws(() => admitPod({ ...pod, spec: { ...pod.spec, priorityClassName: 'nope' } }, { randomSuffix: () => 'bbbbb' }), /no PriorityClass with name nope was found/);
});

test('QoS classes', () => {
  assert.equal(podQOSClass({ containers: [{}] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [{ resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } } }] }), 'Guaranteed');
  const p = defaultPodSpec({ containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }, false);
  assert.equal(podQOSClass(p), 'Guaranteed');
});

test('Service and Namespace defaults', () => {
  const s = defaultObject(info('Service'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } }, { uid: 'u1' });
  assert.equal(s.spec.type, 'ClusterIP');
  assert.equal(s.spec.sessionAffinity, 'None');
  assert.deepEqual(s.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.match(s.spec.clusterIP, /^10\.96\.\d+\.\d+$/);
  assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
  assert.equal(defaultObject(info('Service'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, { uid: 'u1' }).spec.clusterIP, s.spec.clusterIP);
  const h = defaultObject(info('Service'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None' } }, { uid: 'u2' });
  assert.deepEqual(h.spec.clusterIPs, ['None']);
  const ns = defaultObject(info('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, { uid: 'u3' });
  assert.equal(ns.metadata.namespace, undefined);
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
});

test("defaulting sets nothing a status update keeps from its request (its status, a Deployment's annotations): the apiserver does not default a status update", async () => {
  const { setDefaults } = await import('./defaults.js');
  const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }] } };
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], replicas: 1, active: 1, loadBalancer: {}, observedGeneration: 2 };
  const annotations = { 'deployment.kubernetes.io/revision': '3', note: 'x' };
  const objects: KObject[] = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec: template.spec, status },
    { ...job(), metadata: { name: 'pi', annotations }, status },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', annotations }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: template.spec } } } }, status },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', annotations }, spec: { selector: { matchLabels: { app: 'a' } }, template }, status },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', annotations }, spec: { selector: { matchLabels: { app: 'a' } }, template }, status },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', annotations }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] }, status },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', annotations }, status: { phase: '' } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node', annotations }, status },
  ];
  for (const o of objects) {
    const before = structuredClone(o);
    const d = setDefaults(info(o.kind), o);
    if (o.kind !== 'Node') assert.notDeepEqual(d.spec ?? d.metadata, before.spec ?? before.metadata, `${o.kind}: defaulted at all (what the test relies on)`);
    assert.deepEqual(d.status, before.status, `${o.kind}: status`);
    assert.deepEqual(d.metadata.annotations, before.metadata.annotations, `${o.kind}: annotations`);
  }
});
