// apps/v1 Deployment and ReplicaSet through the apiserver's write path: SetDefaults_Deployment,
// validation with kube-apiserver's messages, the immutable selector, generation on update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, statusErrorOf as failure } from '../apiserver/testing.js';
import { resolveResource } from './resources.js';

const DEPLOY = resolveResource('deploy')!;
const RS = resolveResource('rs')!;

const deployment = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx' },
  spec: {
    selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    ...spec,
  },
});

test('resources: rs and deploy short names, apps group', () => {
  assert.equal(DEPLOY.kind, 'Deployment');
  assert.equal(RS.kind, 'ReplicaSet');
  assert.equal(resolveResource('deployments.apps')?.kind, 'Deployment');
  assert.equal(resolveResource('replicaset.v1.apps')?.kind, 'ReplicaSet');
});

test('Deployment defaults as SetDefaults_Deployment', () => {
  const t = openTestAPI('apps');
  try {
    const d = t.api.create(DEPLOY, 'default', deployment()).object;
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    assert.equal(d.spec.template.spec.restartPolicy, 'Always');
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(d.status, {});
    const rs = t.api.create(RS, 'default', { ...deployment(), kind: 'ReplicaSet' }).object;
    assert.equal(rs.spec.replicas, 1);
    assert.equal(rs.spec.strategy, undefined);
  } finally {
    t.dispose();
  }
});

test('Deployment validation: selector required, matching labels, strategy, restartPolicy', () => {
  const t = openTestAPI('apps');
  try {
    let e = failure(() => t.api.create(DEPLOY, 'default', deployment({ selector: undefined })));
    assert.equal(
      e.message,
      'Deployment.apps "nginx" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`]',
    );
    e = failure(() => t.api.create(DEPLOY, 'default', deployment({ selector: { matchLabels: { app: 'other' } } })));
    assert.equal(
      e.message,
      'Deployment.apps "nginx" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    );
    e = failure(() => t.api.create(DEPLOY, 'default', deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } })));
    assert.match(e.message, /spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString\{Type:0, IntVal:0, StrVal:""\}: may not be 0 when `maxSurge` is 0/);
    e = failure(() => t.api.create(DEPLOY, 'default', deployment({ strategy: { type: 'Recreate', rollingUpdate: {} } })));
    assert.match(e.message, /spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'/);
    e = failure(() =>
      t.api.create(DEPLOY, 'default', deployment({ template: { metadata: { labels: { app: 'nginx' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'n', image: 'n' }] } } })),
    );
    assert.match(e.message, /spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"/);
    e = failure(() => t.api.create(DEPLOY, 'default', deployment({ replicas: -1 })));
    assert.match(e.message, /spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
  } finally {
    t.dispose();
  }
});

test('Deployment update: selector immutable; spec or annotation change bumps the generation', () => {
  const t = openTestAPI('apps');
  try {
    const d = t.api.create(DEPLOY, 'default', deployment()).object;
    const e = failure(() =>
      t.api.update(DEPLOY, 'default', 'nginx', { ...d, spec: { ...d.spec, selector: { matchLabels: { app: 'nginx', x: 'y' } }, template: { ...d.spec.template, metadata: { labels: { app: 'nginx', x: 'y' } } } } }),
    );
    assert.match(e.message, /spec.selector: Invalid value: v1.LabelSelector\{MatchLabels:map\[string\]string\{"app":"nginx", "x":"y"\}, MatchExpressions:\[\]v1.LabelSelectorRequirement\(nil\)\}: field is immutable/);
    const u = t.api.update(DEPLOY, 'default', 'nginx', { ...d, spec: { ...d.spec, replicas: 3 } }).object;
    assert.equal(u.metadata.generation, 2);
    const a = t.api.update(DEPLOY, 'default', 'nginx', { ...u, metadata: { ...u.metadata, annotations: { x: 'y' } } }).object;
    assert.equal(a.metadata.generation, 3);
  } finally {
    t.dispose();
  }
});
