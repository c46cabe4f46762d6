import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI } from '../testing.js';
import { resolveType } from '../../cli/args.js';
import { StatusError } from '../../errors.js';

const PODS = resolveType('pods');
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '300'] }] } };

function setup() {
  const t = openTestAPI('eph');
  t.api.create(PODS, 'default', pod);
  return t;
}
const patch = (t: ReturnType<typeof setup>, list: unknown[]) => t.api.patch(PODS, 'default', 'web', 'strategic', { spec: { ephemeralContainers: list } }, { subresource: 'ephemeralcontainers' });
function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e.message;
  }
  return 'no error';
}

test('pods/ephemeralcontainers adds an ephemeral container and changes nothing else', () => {
  const t = setup();
  const out = t.api.patch(PODS, 'default', 'web', 'strategic', { metadata: { labels: { a: 'b' } }, spec: { ephemeralContainers: [{ name: 'debugger-abcde', image: 'busybox', targetContainerName: 'c' }] } }, { subresource: 'ephemeralcontainers' }).object;
  assert.equal(out.spec.ephemeralContainers[0].name, 'debugger-abcde');
  assert.equal(out.metadata.labels?.a, undefined);
  assert.equal(out.spec.containers.length, 1);
});

test('pods/ephemeralcontainers validation: names, forbidden fields, target, no change or removal', () => {
  const t = setup();
  assert.equal(message(() => patch(t, [{ name: 'c', image: 'busybox' }])), 'Pod "web" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "c"');
  // A name names the container's directories, log and cgroup on the host: a DNS label, as every container's.
  assert.match(message(() => patch(t, [{ name: '../../pods/x/volumes/data', image: 'busybox' }])), /^Pod "web" is invalid: spec\.ephemeralContainers\[0\]\.name: Invalid value: "\.\.\/\.\.\/pods\/x\/volumes\/data": a lowercase RFC 1123 label must consist of/);
  assert.equal(message(() => patch(t, [{ name: 'd', image: 'busybox', ports: [{ containerPort: 80 }] }])), 'Pod "web" is invalid: spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container');
  assert.equal(message(() => patch(t, [{ name: 'd', image: 'busybox', targetContainerName: 'x' }])), 'Pod "web" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: "x"');
  // What every container is held to (validateContainerCommon), and no subPath.
  assert.equal(message(() => patch(t, [{ name: 'd', image: 'busybox', volumeMounts: [{ name: 'nope', mountPath: '/n' }] }])), 'Pod "web" is invalid: spec.ephemeralContainers[0].volumeMounts[0].name: Not found: "nope"');
  assert.equal(message(() => patch(t, [{ name: 'd', image: 'busybox', volumeMounts: [{ name: 'nope', mountPath: '/n', subPath: 'x' }] }])), 'Pod "web" is invalid: [spec.ephemeralContainers[0].volumeMounts[0].name: Not found: "nope", spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container]');
  patch(t, [{ name: 'd', image: 'busybox' }]);
  assert.equal(message(() => t.api.patch(PODS, 'default', 'web', 'json', [{ op: 'remove', path: '/spec/ephemeralContainers/0' }], { subresource: 'ephemeralcontainers' })), 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "d" may not be removed');
  assert.equal(message(() => patch(t, [{ name: 'd', image: 'alpine' }])), 'Pod "web" is invalid: spec.ephemeralContainers[0]: Forbidden: existing ephemeral containers "d" may not be changed');
});

test('a status update keeps ephemeralContainerStatuses', () => {
  const t = setup();
  const cur = t.api.get(PODS, 'default', 'web');
  const st = { name: 'd', state: { running: { startedAt: '2026-11-23T12:00:00Z' } }, lastState: {}, ready: false, restartCount: 0, image: 'busybox', imageID: '' };
  const out = t.api.updateStatus(PODS, 'default', 'web', { ...cur, status: { ...cur.status, ephemeralContainerStatuses: [st] } }).object;
  assert.equal(out.status?.ephemeralContainerStatuses?.[0]?.name, 'd');
});

test('ephemeral containers come only through the subresource: not on create, nor in a pod template', () => {
  const t = openTestAPI('eph-create');
  const eph = [{ name: 'debugger', image: 'busybox' }];
  assert.equal(message(() => t.api.create(PODS, 'default', { ...pod, spec: { ...pod.spec, ephemeralContainers: eph } })), 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create');
  assert.equal(t.api.list(PODS, { namespace: 'default' }).items.length, 0, 'nothing stored');
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: pod.spec.containers, ephemeralContainers: eph } } } };
  assert.equal(message(() => t.api.create(resolveType('jobs'), 'default', job)), 'Job.batch "j" is invalid: spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template');
});
