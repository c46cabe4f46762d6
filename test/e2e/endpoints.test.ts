// A Service's Endpoints and EndpointSlice follow its pod's readiness: a readinessProbe that starts
// failing (exec `test -f /tmp/ready`, the file removed with kjob exec) moves the pod's address to
// notReadyAddresses and its endpoint's conditions to not ready; describe svc's Endpoints line
// empties; deleting the Service deletes both (the controller, and GC through ownerReferences).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, ROOT } from './helpers.js';

/** As test/golden/endpoints/capture.sh normalises kubectl's output (captured against kjob serve). */
const norm = (s: string) => s.replace(/10\.244\.0\.\d+/g, '<pod-ip>').replace(/10\.96\.\d+\.\d+/g, '<cluster-ip>').replace(/web-[a-z0-9]{5}/g, 'web-<suffix>').replace(/ \d+s$/gm, ' <age>');
const golden = (name: string) => fs.readFileSync(path.join(ROOT, 'test/golden/endpoints', name), 'utf8');
function sameAsKubectl(sb: Sandbox, suffix: string): void {
  assert.equal(norm(sb.kjob(['get', 'ep']).stdout), golden(`get-ep${suffix}.txt`));
  assert.equal(norm(sb.kjob(['get', 'endpointslices']).stdout), golden(`get-endpointslices${suffix}.txt`));
  assert.equal(norm(sb.kjob(['describe', 'svc', 'web']).stdout), golden(`describe-svc${suffix}.txt`));
}

const sandboxes: Sandbox[] = [];
after(() => {
  for (const sb of sandboxes) sb.cleanup();
});

const objects = [
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      containers: [{
        name: 'web', image: 'busybox', command: ['sh', '-c', 'touch /tmp/ready; exec sleep 600'], ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
      }],
    },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
];

test('Endpoints and EndpointSlice follow the pod readiness; they go with the Service', async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const r = sb.kjob(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  assert.equal(r.code, 0, r.stderr);
  const json = (args: string[]) => {
    const out = sb.kjob([...args, '-o', 'json']);
    return out.code === 0 ? JSON.parse(out.stdout) : {};
  };
  const ep = () => json(['get', 'ep', 'web']);
  const slice = () => json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']).items[0];
  await sb.until('the pod ready in the Endpoints', () => (ep().subsets?.[0]?.addresses ?? []).length === 1);
  const ip = json(['get', 'pod', 'web']).status.podIP;
  const e = ep();
  assert.deepEqual(e.subsets[0].addresses.map((a: any) => [a.ip, a.targetRef.name, a.nodeName]), [[ip, 'web', 'kjob-node']]);
  assert.deepEqual(e.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  // The trigger time is the pod's Ready condition's transition, when the controller saw it change
  // since its last sync (upstream's TriggerTimeTracker, at the condition's second precision): a
  // pod ready within the second its status said not ready changes no time, and the Endpoints
  // written then carry none (on a cluster too).
  const conds = json(['get', 'pod', 'web']).status.conditions as { type: string; lastTransitionTime: string }[];
  const at = (type: string) => conds.find((c) => c.type === type)!.lastTransitionTime;
  const trigger = e.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'];
  if (at('Ready') !== at('Initialized')) assert.equal(trigger, at('Ready'));
  else assert.ok(trigger === undefined || trigger === at('Ready'), `trigger time ${trigger}, ready at ${at('Ready')}`);
  await sb.until('the slice ready', () => slice()?.endpoints?.[0]?.conditions?.ready === true);
  const s = slice();
  assert.match(s.metadata.name, /^web-[a-z0-9]{5}$/);
  assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(s.metadata.ownerReferences[0].kind, 'Service');
  assert.deepEqual(s.endpoints[0].addresses, [ip]);
  assert.match(sb.kjob(['get', 'ep']).stdout, new RegExp(`^NAME\\s+ENDPOINTS\\s+AGE\\nweb\\s+${ip.replace(/\./g, '\\.')}:8080\\s+\\S+\\n$`));
  assert.match(sb.kjob(['describe', 'svc', 'web']).stdout, new RegExp(`\\nEndpoints: +${ip.replace(/\./g, '\\.')}:8080\\n`));
  sameAsKubectl(sb, '');

  // The probe starts failing.
  assert.equal(sb.kjob(['exec', 'web', '--', 'rm', '/tmp/ready']).code, 0);
  await sb.until('the address not ready', () => (ep().subsets?.[0]?.notReadyAddresses ?? []).length === 1);
  assert.equal(ep().subsets[0].addresses, undefined);
  await sb.until('the slice not ready', () => slice()?.endpoints?.[0]?.conditions?.ready === false);
  assert.deepEqual(slice().endpoints[0].conditions, { ready: false, serving: false, terminating: false });
  assert.equal(slice().metadata.name, s.metadata.name);
  assert.match(sb.kjob(['describe', 'svc', 'web']).stdout, /\nEndpoints: +\n/);
  sameAsKubectl(sb, '-notready');

  // Ready again.
  assert.equal(sb.kjob(['exec', 'web', '--', 'touch', '/tmp/ready']).code, 0);
  await sb.until('ready again', () => (ep().subsets?.[0]?.addresses ?? []).length === 1 && slice()?.endpoints?.[0]?.conditions?.ready === true);

  assert.equal(sb.kjob(['delete', 'svc', 'web']).code, 0);
  await sb.until('Endpoints and EndpointSlice gone', () => sb.kjob(['get', 'ep,endpointslices', '-o', 'name']).stdout === '');
  sb.kjob(['delete', 'pod', 'web', '--grace-period=0', '--force']);
});

test('a Service made while the engine runs follows its pod: a readiness change moves the address', async () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const [pod, svc] = objects;
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: JSON.stringify(pod) }).code, 0);
  const json = (args: string[]) => {
    const out = sb.kjob([...args, '-o', 'json']);
    return out.code === 0 ? JSON.parse(out.stdout) : {};
  };
  const ready = () => (json(['get', 'pod', 'web']).status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
  await sb.until('the pod ready', ready);
  // The engine has been running since the pod: the Service reaches it through its change, not a relist.
  assert.equal(sb.kjob(['apply', '-f', '-'], { input: JSON.stringify(svc) }).code, 0);
  const ep = () => json(['get', 'ep', 'web']);
  await sb.until('the pod ready in the Endpoints', () => (ep().subsets?.[0]?.addresses ?? []).length === 1);
  assert.equal(sb.kjob(['exec', 'web', '--', 'rm', '/tmp/ready']).code, 0);
  await sb.until('the address not ready', () => (ep().subsets?.[0]?.notReadyAddresses ?? []).length === 1, 20_000);
  sb.kjob(['delete', 'pod', 'web', '--grace-period=0', '--force']);
});
