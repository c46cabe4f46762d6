import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, selectableFields } from './fieldselector.js';
import { enhanceListError } from '../cli/list.js';
import { resolveResource } from '../api/resources.js';
import { StatusError } from '../errors.js';
import type { KObject } from '../api/types.js';

const pod = (name: string, phase: string, extra: Record<string, unknown> = {}): KObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'kjob-node', restartPolicy: 'Never', ...extra }, status: { phase, podIPs: [{ ip: '10.0.0.1' }] } }) as KObject;
const matches = (kind: string, sel: string, o: KObject) => parseFieldSelector(kind, sel).matches(selectableFields(o));
const refused = (kind: string, sel: string, message: string) =>
  assert.throws(() => parseFieldSelector(kind, sel), (e: unknown) => e instanceof StatusError && e.reason === 'BadRequest' && e.message === message);

test('parse: =, ==, != and commas; terms sorted; escapes', () => {
  assert.deepEqual(parseFieldSelector('Pod', 'status.phase!=Running,metadata.name==a').requirements, [
    { field: 'metadata.name', op: '=', value: 'a' },
    { field: 'status.phase', op: '!=', value: 'Running' },
  ]);
  assert.deepEqual(parseFieldSelector('Pod', 'metadata.name=x\\,y').requirements, [{ field: 'metadata.name', op: '=', value: 'x,y' }]);
  assert.ok(parseFieldSelector('Pod', '').empty());
  refused('Pod', 'foo', "invalid selector: 'foo'; can't understand 'foo'");
  refused('Pod', 'metadata.name=b=c', 'invalid field selector: unescaped character in value: 61');
  refused('Pod', 'metadata.name=b\\x', 'invalid field selector: invalid escape sequence: \\x');
});

test('pods: phase, node, restart policy, podIP; spec.host is spec.nodeName', () => {
  const running = pod('a', 'Running');
  const done = pod('b', 'Succeeded');
  assert.ok(matches('Pod', 'status.phase=Running', running));
  assert.ok(!matches('Pod', 'status.phase=Running', done));
  assert.ok(matches('Pod', 'status.phase!=Running,metadata.name=b', done));
  assert.ok(matches('Pod', 'spec.host=kjob-node', done));
  assert.ok(matches('Pod', 'status.podIP=10.0.0.1,spec.restartPolicy=Never,spec.hostNetwork=false', done));
  refused('Pod', 'foo=bar', 'field label not supported: foo');
});

test('jobs, events, secrets, cronjobs: each kind its own fields and error', () => {
  const job = { kind: 'Job', metadata: { name: 'pi', namespace: 'default' }, status: { succeeded: 1 } } as unknown as KObject;
  assert.ok(matches('Job', 'status.successful=1', job));
  assert.ok(matches('Job', 'status.successful=0', { ...job, status: {} } as KObject));
  refused('Job', 'foo=bar', 'field label "foo" not supported for Job');
  const ev = { kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started', type: 'Normal', source: { component: 'kubelet' } } as unknown as KObject;
  assert.ok(matches('Event', 'involvedObject.kind=Pod,reason=Started,type=Normal,source=kubelet', ev));
  assert.ok(!matches('Event', 'type=Warning', ev));
  assert.ok(matches('Secret', 'type=Opaque', { kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' } as unknown as KObject));
  refused('CronJob', 'spec.suspend=true', '"spec.suspend" is not a known field selector: only "metadata.name", "metadata.namespace"');
  refused('Namespace', 'metadata.namespace=x', 'field label not supported: metadata.namespace');
});

test('a refused list is worded as kubectl prints it (EnhanceListError)', () => {
  const wrap = (type: string, labels: string, fields: string) => {
    try {
      parseFieldSelector(resolveResource(type)!.kind, fields);
    } catch (e) {
      return enhanceListError(e as StatusError, resolveResource(type)!, labels, fields).kubectlMessage();
    }
    return '';
  };
  assert.equal(wrap('jobs', '', 'foo=bar'), 'Error from server (BadRequest): Unable to find "batch/v1, Resource=jobs" that match label selector "", field selector "foo=bar": field label "foo" not supported for Job');
  assert.equal(wrap('pods', 'app=web', 'foo=bar'), 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "app=web", field selector "foo=bar": field label not supported: foo');
});
