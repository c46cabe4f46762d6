import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldSelectorMatcher, listFieldMatcher, parseFieldSelector, FieldSelectorError } from './fields.js';
import { resolveResource } from './resources.js';
import { StatusError } from '../errors.js';
import type { KObject } from './types.js';

const r = (t: string) => resolveResource(t)!;
const pod = (name: string, phase: string, extra: Record<string, unknown> = {}): KObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'kjob-node', restartPolicy: 'Never', ...extra }, status: { phase, podIPs: [{ ip: '10.0.0.1' }] } }) as KObject;

test('parse: =, ==, != and commas; terms sorted; escapes', () => {
  assert.deepEqual(parseFieldSelector('status.phase!=Running,metadata.name==a'), [
    { field: 'metadata.name', op: '==', value: 'a' },
    { field: 'status.phase', op: '!=', value: 'Running' },
  ]);
  assert.deepEqual(parseFieldSelector('a=x\\,y'), [{ field: 'a', op: '=', value: 'x,y' }]);
  assert.deepEqual(parseFieldSelector(''), []);
  assert.deepEqual(parseFieldSelector('a=,'), [{ field: 'a', op: '=', value: '' }]);
  assert.throws(() => parseFieldSelector('foo'), { message: "invalid selector: 'foo'; can't understand 'foo'" });
  assert.throws(() => parseFieldSelector('a=b=c'), { message: 'invalid field selector: unescaped character in value: 61' });
  assert.throws(() => parseFieldSelector('a=b\\x'), { message: 'invalid field selector: invalid escape sequence: \\x' });
});

test('pods: phase, node, restart policy, podIP; spec.host is spec.nodeName', () => {
  const running = pod('a', 'Running');
  const done = pod('b', 'Succeeded');
  assert.ok(fieldSelectorMatcher(r('pods'), 'status.phase=Running')(running));
  assert.ok(!fieldSelectorMatcher(r('pods'), 'status.phase=Running')(done));
  assert.ok(fieldSelectorMatcher(r('pods'), 'status.phase!=Running,metadata.name=b')(done));
  assert.ok(fieldSelectorMatcher(r('pods'), 'spec.host=kjob-node')(done));
  assert.ok(fieldSelectorMatcher(r('pods'), 'status.podIP=10.0.0.1,spec.restartPolicy=Never,spec.hostNetwork=false')(done));
  // converted but not a selectable field: compares with ""
  assert.ok(fieldSelectorMatcher(r('pods'), 'status.podIPs=')(done));
  assert.throws(() => fieldSelectorMatcher(r('pods'), 'foo=bar'), { message: 'field label not supported: foo' });
});

test('jobs, events, secrets, cronjobs: each kind its own fields and error', () => {
  const job = { kind: 'Job', metadata: { name: 'pi', namespace: 'default' }, status: { succeeded: 1 } } as unknown as KObject;
  assert.ok(fieldSelectorMatcher(r('jobs'), 'status.successful=1')(job));
  assert.ok(fieldSelectorMatcher(r('jobs'), 'status.successful=0')({ ...job, status: {} } as KObject));
  assert.throws(() => fieldSelectorMatcher(r('jobs'), 'foo=bar'), { message: 'field label "foo" not supported for Job' });
  const ev = { kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started', type: 'Normal', source: { component: 'kubelet' } } as unknown as KObject;
  assert.ok(fieldSelectorMatcher(r('events'), 'involvedObject.kind=Pod,reason=Started,type=Normal,source=kubelet')(ev));
  assert.ok(!fieldSelectorMatcher(r('events'), 'type=Warning')(ev));
  assert.ok(fieldSelectorMatcher(r('secrets'), 'type=Opaque')({ kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' } as unknown as KObject));
  assert.throws(() => fieldSelectorMatcher(r('cronjobs'), 'spec.suspend=true'), {
    message: '"spec.suspend" is not a known field selector: only "metadata.name", "metadata.namespace"',
  });
  assert.throws(() => fieldSelectorMatcher(r('namespaces'), 'metadata.namespace=x'), FieldSelectorError);
});

test('listFieldMatcher words the error as kubectl prints it', () => {
  assert.throws(
    () => listFieldMatcher(r('jobs'), '', 'foo=bar'),
    (e: unknown) =>
      e instanceof StatusError &&
      e.kubectlMessage() === 'Error from server (BadRequest): Unable to find "batch/v1, Resource=jobs" that match label selector "", field selector "foo=bar": field label "foo" not supported for Job',
  );
  assert.throws(
    () => listFieldMatcher(r('pods'), 'app=web', 'foo=bar'),
    (e: unknown) =>
      e instanceof StatusError &&
      e.kubectlMessage() === 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "app=web", field selector "foo=bar": field label not supported: foo',
  );
  assert.ok(listFieldMatcher(r('pods'), undefined, undefined)(pod('a', 'x')));
});
