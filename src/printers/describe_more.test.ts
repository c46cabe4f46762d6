import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smartLabelFor, camelcaseSplit, slicesOf, formatEndpointSlices, describeNamespace } from './describe_more.js';
import { desiredSlice } from '../controllers/endpointslice/endpointslice_controller.js';
import type { KObject } from '../api/types.js';

test("smartLabelFor and fatih/camelcase's Split", () => {
  assert.deepEqual(camelcaseSplit('involvedObject'), ['involved', 'Object']);
  assert.deepEqual(camelcaseSplit('PDFLoader'), ['PDF', 'Loader']);
  assert.equal(smartLabelFor('apiVersion'), 'API Version');
  assert.equal(smartLabelFor('uid'), 'UID');
  assert.equal(smartLabelFor('reportingComponent'), 'Reporting Component');
  assert.equal(smartLabelFor('a.b'), 'a.b');
});

const pod = (name: string, ready: boolean, phase = 'Running'): KObject =>
  ({ kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [{ ports: [{ name: 'http', containerPort: 8080 }] }] }, status: { phase, podIPs: [{ ip: `10.0.0.${name.length}` }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }) as unknown as KObject;
const svc = (selector?: Record<string, string>): KObject => ({ kind: 'Service', metadata: { name: 'web' }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } }) as unknown as KObject;

/** The slices the endpointslice controller keeps: none for a Service without a selector. */
const endpointSlicesFor = (s: KObject, pods: KObject[]) => (s.spec?.selector ? slicesOf([desiredSlice(s, pods) as unknown as KObject]) : []);

test('Endpoints: <none> without a selector, "" with no ready pod, host:port of ready pods, "+ N more..."', () => {
  assert.equal(formatEndpointSlices(endpointSlicesFor(svc(), [pod('a', true)]), 'http'), '<none>');
  assert.equal(formatEndpointSlices(endpointSlicesFor(svc({ app: 'web' }), []), 'http'), '');
  assert.equal(formatEndpointSlices(endpointSlicesFor(svc({ app: 'web' }), [pod('a', false), pod('done', true, 'Succeeded')]), 'http'), '');
  assert.equal(formatEndpointSlices(endpointSlicesFor(svc({ app: 'web' }), [pod('a', true)]), 'http'), '10.0.0.1:8080');
  const many = ['a', 'bb', 'ccc', 'dddd', 'eeeee'].map((n) => pod(n, true));
  assert.equal(formatEndpointSlices(endpointSlicesFor(svc({ app: 'web' }), many), 'http'), '10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...');
});

test('describe namespace: the empty quota and limit range sections', () => {
  const out = describeNamespace({ kind: 'Namespace', metadata: { name: 'default' }, status: { phase: 'Active' } } as unknown as KObject);
  assert.equal(out, 'Name:         default\nLabels:       <none>\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n');
});
