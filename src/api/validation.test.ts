import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultObject } from '../apiserver/testing.js';
import { validateCreate, validateCronJobUpdate, validateJobUpdate } from './validation.js';
import { resourceForKind } from './resources.js';
import { invalid } from '../errors.js';
import type { KObject } from './types.js';

const JOB = resourceForKind('Job')!;
const CJ = resourceForKind('CronJob')!;
const UID = '0b6e0a7c-1111-2222-3333-444455556666';

function job(mut: (spec: any, meta: any) => void = () => {}): KObject {
  const o: KObject = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } },
  };
  mut(o.spec, o.metadata);
  return defaultObject(JOB, o, { uid: UID });
}
const msgs = (o: KObject, info = JOB) => validateCreate(info, o).map((c) => `${c.field}: ${c.message}`);

test('a valid Job has no causes', () => {
  assert.deepEqual(msgs(job()), []);
});

test('restartPolicy rules', () => {
  assert.deepEqual(msgs(job((s) => delete s.template.spec.restartPolicy)), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  assert.deepEqual(msgs(job((s) => (s.template.spec.restartPolicy = 'Always'))), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  assert.deepEqual(msgs(job((s) => (s.template.spec.restartPolicy = 'Sometimes'))), [
    'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
  ]);
});

test("a container's restartPolicy: Always on an init container (a sidecar), nothing else, nowhere else; a plain init container has no probes or lifecycle", () => {
  const sidecar = { name: 'side', image: 'busybox', restartPolicy: 'Always', readinessProbe: { exec: { command: ['true'] } }, lifecycle: { preStop: { exec: { command: ['true'] } } } };
  assert.deepEqual(msgs(job((s) => (s.template.spec.initContainers = [sidecar]))), []);
  assert.deepEqual(msgs(job((s) => (s.template.spec.initContainers = [{ name: 'i', image: 'busybox', restartPolicy: 'Never' }]))), [
    'spec.template.spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
  assert.deepEqual(msgs(job((s) => (s.template.spec.containers[0].restartPolicy = 'Always'))), ['spec.template.spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']);
  // A plain init container's probes are refused, not looked into (no "must specify a handler type").
  assert.deepEqual(msgs(job((s) => (s.template.spec.initContainers = [{ name: 'i', image: 'busybox', livenessProbe: {}, startupProbe: { exec: { command: ['true'] } }, lifecycle: {} }]))), [
    'spec.template.spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always',
    'spec.template.spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    'spec.template.spec.initContainers[0].startupProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
  ]);
  // A sidecar's probe is a probe like any other.
  assert.deepEqual(msgs(job((s) => (s.template.spec.initContainers = [{ name: 'side', image: 'busybox', restartPolicy: 'Always', livenessProbe: {} }]))), [
    'spec.template.spec.initContainers[0].livenessProbe: Required value: must specify a handler type',
  ]);
});

test('a probe or lifecycle hook has exactly one handler, and an exec handler a command', () => {
  const c = (extra: object) => job((s) => Object.assign(s.template.spec.containers[0], extra));
  assert.deepEqual(msgs(c({ livenessProbe: { periodSeconds: 5 } })), ['spec.template.spec.containers[0].livenessProbe: Required value: must specify a handler type']);
  assert.deepEqual(msgs(c({ readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 }, grpc: { port: 9 } } })), [
    'spec.template.spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    'spec.template.spec.containers[0].readinessProbe.grpc: Forbidden: may not specify more than 1 handler type',
  ]);
  assert.deepEqual(msgs(c({ startupProbe: { exec: {} } })), ['spec.template.spec.containers[0].startupProbe.exec.command: Required value']);
  assert.deepEqual(msgs(c({ livenessProbe: { tcpSocket: {} } })), ['spec.template.spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive']);
  assert.deepEqual(msgs(c({ livenessProbe: { httpGet: { port: '' } } })), [
    'spec.template.spec.containers[0].livenessProbe.httpGet.port: Invalid value: "": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.template.spec.containers[0].livenessProbe.httpGet.port: Invalid value: "": must contain at least one letter (a-z)',
  ]);
  assert.deepEqual(msgs(c({ lifecycle: { preStop: {}, postStart: { sleep: { seconds: 1 } } } })), ['spec.template.spec.containers[0].lifecycle.preStop: Required value: must specify a handler type']);
});

test('kubectl rendering of several causes', () => {
  const causes = validateCreate(JOB, job((s) => { s.parallelism = -1; delete s.template.spec.restartPolicy; }));
  assert.equal(
    invalid('Job', 'batch', 'pi', causes).kubectlMessage(),
    'The Job "pi" is invalid: \n* spec.parallelism: Invalid value: -1: must be greater than or equal to 0\n* spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  );
});

test('metadata.name rules', () => {
  assert.deepEqual(msgs(job((_s, m) => delete m.name)).slice(0, 1), ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(msgs(job((_s, m) => (m.name = 'Pi'))).slice(0, 1), [
    "metadata.name: Invalid value: \"Pi\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  const long = 'a'.repeat(64);
  assert.deepEqual(msgs(job((_s, m) => (m.name = long))), [`spec.template.labels: Invalid value: "${long}": must be no more than 63 characters`]);
});

test('non-negative fields', () => {
  const o = job((s) => {
    s.completions = -1; s.activeDeadlineSeconds = -1; s.backoffLimit = -1; s.ttlSecondsAfterFinished = -5;
  });
  assert.deepEqual(msgs(o), [
    'spec.completions: Invalid value: -1: must be greater than or equal to 0',
    'spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    'spec.ttlSecondsAfterFinished: Invalid value: -5: must be greater than or equal to 0',
  ]);
});

test('completion mode and Indexed rules', () => {
  assert.deepEqual(msgs(job((s) => (s.completionMode = 'Weird'))), ['spec.completionMode: Unsupported value: "Weird": supported values: "NonIndexed", "Indexed"']);
  const noCompl = job((s) => { s.completionMode = 'Indexed'; s.parallelism = 2; });
  delete noCompl.spec.completions;
  assert.deepEqual(msgs(noCompl), ['spec.completions: Required value: when completion mode is Indexed']);
  const name = 'a'.repeat(62);
  assert.deepEqual(msgs(job((s, m) => { m.name = name; s.completionMode = 'Indexed'; s.completions = 10; })), [
    `metadata.name: Invalid value: "${name}": will not able to create pod with invalid DNS label: ${name}-9`,
  ]);
  assert.deepEqual(msgs(job((s) => (s.backoffLimitPerIndex = 1))), ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode']);
  assert.deepEqual(msgs(job((s) => { s.completionMode = 'Indexed'; s.completions = 3; s.maxFailedIndexes = 1; })), [
    'spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified',
  ]);
  assert.deepEqual(msgs(job((s) => { s.completionMode = 'Indexed'; s.completions = 3; s.backoffLimitPerIndex = 1; s.maxFailedIndexes = 5; })), [
    'spec.maxFailedIndexes: Invalid value: 5: must be less than or equal to completions',
  ]);
});

test('containers and images', () => {
  assert.deepEqual(msgs(job((s) => (s.template.spec.containers = []))), ['spec.template.spec.containers: Required value']);
  assert.deepEqual(msgs(job((s) => delete s.template.spec.containers[0].image)), ['spec.template.spec.containers[0].image: Required value']);
  assert.deepEqual(msgs(job((s) => delete s.template.spec.containers[0].name)), ['spec.template.spec.containers[0].name: Required value']);
  assert.deepEqual(msgs(job((s) => s.template.spec.containers.push({ name: 'pi', image: 'x' }))), ['spec.template.spec.containers[1].name: Duplicate value: "pi"']);
  assert.match(msgs(job((s) => (s.template.spec.containers[0].name = 'Pi')))[0], /^spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Pi": a lowercase RFC 1123 label/);
});

test('volumeMounts: subPath and subPathExpr are relative paths without ".." (the apiserver names the list, not the item); mountPaths unique', () => {
  const withMounts = (mounts: any[]) => job((s) => {
    s.template.spec.volumes = [{ name: 'v', emptyDir: {} }];
    s.template.spec.containers[0].volumeMounts = mounts;
  });
  assert.deepEqual(msgs(withMounts([{ name: 'v', mountPath: '/v', subPath: 'a/b' }])), []);
  assert.deepEqual(msgs(withMounts([{ name: 'v', mountPath: '/v', subPath: '../../../../../victim' }])), [
    `spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: "../../../../../victim": must not contain '..'`,
  ]);
  assert.deepEqual(msgs(withMounts([{ name: 'v', mountPath: '/v', subPath: 'a/../../x' }])), [
    `spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: "a/../../x": must not contain '..'`,
  ]);
  assert.deepEqual(msgs(withMounts([{ name: 'v', mountPath: '/v', subPath: '/etc/..' }])), [
    'spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: "/etc/..": must be a relative path',
    `spec.template.spec.containers[0].volumeMounts.subPath: Invalid value: "/etc/..": must not contain '..'`,
  ]);
  assert.deepEqual(msgs(withMounts([{ name: 'v', mountPath: '/v', subPath: '..x/y..' }])), [], 'only a whole ".." element is a step up');
  assert.deepEqual(msgs(withMounts([{ name: 'v', mountPath: '/v', subPath: 'a', subPathExpr: '$(P)/..' }])), [
    'spec.template.spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: "$(P)/..": subPathExpr and subPath are mutually exclusive',
    `spec.template.spec.containers[0].volumeMounts.subPathExpr: Invalid value: "$(P)/..": must not contain '..'`,
  ]);
  assert.deepEqual(msgs(withMounts([{ name: 'v', mountPath: '/v' }, { name: 'v', mountPath: '/v' }])), [
    'spec.template.spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/v": must be unique',
  ]);
});

test('manual selector must match the template labels', () => {
  const o = job((s) => { s.manualSelector = true; s.selector = { matchLabels: { app: 'x' } }; s.template.metadata = { labels: { app: 'y' } }; });
  assert.deepEqual(msgs(o), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`']);
  const ok = job((s) => { s.manualSelector = true; s.selector = { matchLabels: { app: 'x' } }; s.template.metadata = { labels: { app: 'x' } }; });
  assert.deepEqual(msgs(ok), []);
});

test('generated labels that conflict are reported', () => {
  const o = job((s) => { s.template.metadata = { labels: { 'job-name': 'other' } }; });
  assert.deepEqual(msgs(o), [
    `spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"${UID}", "batch.kubernetes.io/job-name":"pi", "controller-uid":"${UID}", "job-name":"other"}: must be 'pi'`,
  ]);
  const sel = job((s) => { s.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'wrong' } }; });
  const m = msgs(sel);
  assert.equal(m[0], 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"wrong"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated');
});

test('podFailurePolicy with OnFailure', () => {
  const o = job((s) => {
    s.template.spec.restartPolicy = 'OnFailure';
    s.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] };
  });
  assert.deepEqual(msgs(o), ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']);
});

function cronjob(mut: (spec: any, meta: any) => void = () => {}): KObject {
  const o: KObject = {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello' },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'h', image: 'busybox' }], restartPolicy: 'OnFailure' } } } } },
  };
  mut(o.spec, o.metadata);
  return defaultObject(CJ, o, { uid: UID });
}

test('CronJob rules', () => {
  assert.deepEqual(msgs(cronjob(), CJ), []);
  const long = 'c'.repeat(53);
  assert.deepEqual(msgs(cronjob((_s, m) => (m.name = long)), CJ), [`metadata.name: Invalid value: "${long}": must be no more than 52 characters`]);
  assert.deepEqual(msgs(cronjob((s) => (s.schedule = '')), CJ), ['spec.schedule: Required value']);
  assert.deepEqual(msgs(cronjob((s) => (s.schedule = 'TZ=UTC * * * * *')), CJ), [
    'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  const withParser = validateCreate(CJ, cronjob((s) => (s.schedule = '* * * *')), { validateSchedule: () => 'expected exactly 5 fields, found 4: [* * * *]' });
  assert.deepEqual(withParser.map((c) => c.message), ['Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']);
  assert.deepEqual(msgs(cronjob((s) => (s.concurrencyPolicy = 'Sometimes')), CJ), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']);
  assert.deepEqual(msgs(cronjob((s) => (s.jobTemplate.spec.template.spec.restartPolicy = 'Always')), CJ), [
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ]);
  assert.deepEqual(msgs(cronjob((s) => (s.jobTemplate.spec.manualSelector = true)), CJ), ['spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"']);
  assert.deepEqual(msgs(cronjob((s) => (s.jobTemplate.spec.selector = { matchLabels: { a: 'b' } })), CJ), [
    'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
  ]);
  assert.deepEqual(msgs(cronjob((s) => (s.timeZone = '')), CJ), ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']);
  assert.deepEqual(msgs(cronjob((s) => (s.timeZone = 'Foo/Bar')), CJ), ['spec.timeZone: Invalid value: "Foo/Bar": unknown time zone Foo/Bar']);
  assert.deepEqual(msgs(cronjob((s) => (s.timeZone = 'Europe/Berlin')), CJ), []);
  assert.deepEqual(msgs(cronjob((s) => (s.successfulJobsHistoryLimit = -1)), CJ), ['spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0']);
  // update: no 52-char rule, TZ tolerated when already there
  const old = cronjob((s, m) => { m.name = long; s.schedule = 'CRON_TZ=UTC * * * * *'; });
  assert.deepEqual(validateCronJobUpdate(old, old), []);
});

test('other kinds: Pod, Service, Namespace names', () => {
  const pod = defaultObject(resourceForKind('Pod')!, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }, { uid: 'u' });
  assert.deepEqual(msgs(pod, resourceForKind('Pod')!), ['spec.containers[0].image: Required value']);
  const svc = defaultObject(resourceForKind('Service')!, { apiVersion: 'v1', kind: 'Service', metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } }, { uid: 'u' });
  assert.match(msgs(svc, resourceForKind('Service')!)[0], /^metadata\.name: Invalid value: "1svc": a DNS-1035 label must consist/);
  const ns = defaultObject(resourceForKind('Namespace')!, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }, { uid: 'u' });
  assert.deepEqual(msgs(ns, resourceForKind('Namespace')!), ['metadata.name: Invalid value: "a.b": must not contain dots']);
});

test('Job update: immutable fields', () => {
  const old = job();
  const m = (mut: (j: KObject) => void) => {
    const n = structuredClone(old);
    mut(n);
    return validateJobUpdate(old, n).map((c) => `${c.field}: ${c.message}`);
  };
  assert.deepEqual(m((n) => (n.spec.parallelism = 5)), []);
  assert.deepEqual(m((n) => (n.spec.completions = 5)), ['spec.completions: Invalid value: 5: field is immutable']);
  assert.deepEqual(m((n) => (n.spec.template.spec.containers[0].image = 'perl:2')), ['spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable']);
  assert.deepEqual(m((n) => (n.spec.completionMode = 'Indexed')), ['spec.completionMode: Invalid value: "Indexed": field is immutable']);
  const sel = m((n) => (n.spec.selector = { matchLabels: { ...n.spec.selector.matchLabels, 'controller-uid': UID } }));
  assert.equal(sel[0], `spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"${UID}", "controller-uid":"${UID}"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`);
  const idx = job((s) => { s.completionMode = 'Indexed'; s.completions = 4; s.parallelism = 2; });
  const n1 = structuredClone(idx);
  n1.spec.completions = 6;
  assert.deepEqual(validateJobUpdate(idx, n1).map((c) => `${c.field}: ${c.message}`), ['spec.completions: Invalid value: 6: can only be modified in tandem with spec.parallelism']);
  n1.spec.parallelism = 6;
  assert.deepEqual(validateJobUpdate(idx, n1), []);
  // suspended, never started: scheduling directives may change
  const susp = job((s) => (s.suspend = true));
  const n2 = structuredClone(susp);
  n2.spec.template.spec.nodeSelector = { disk: 'ssd' };
  assert.deepEqual(validateJobUpdate(susp, n2), []);
});
