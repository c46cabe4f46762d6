// Probes under a Deployment (issue 14): READY follows the readiness probe (httpGet), a failing
// liveness probe (exec) restarts the container, with the kubelet's events. A file of its own, so
// that it runs beside deployments.test.ts rather than after it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from './helpers.js';
import { readJSON, pods } from './jobs-helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const ok = (args: string[], input?: string) => sb.ok(args, input);
const ready = (p: any) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

test('probes: READY follows the readiness probe, a failing liveness probe restarts the container', async () => {
  const srv = (await import('node:net')).createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: python:3
        command: ["sh", "-c", "touch /tmp/healthy; sleep 2; python3 -m http.server ${port} & sleep 20; rm /tmp/healthy; wait"]
        readinessProbe:
          httpGet: {path: /, port: ${port}}
          periodSeconds: 1
        livenessProbe:
          exec:
            command: ["cat", "/tmp/healthy"]
          periodSeconds: 1
          failureThreshold: 2
`;
  assert.equal(ok(['apply', '-f', '-'], manifest), 'deployment.apps/web created\n');
  const web = () => pods(sb).find((p) => p.metadata.labels?.app === 'web' && !p.metadata.deletionTimestamp);
  // Not ready while nothing answers (the Readiness events below), ready once the server does.
  await sb.until('ready once the server answers', () => !!web() && ready(web()), 60_000);
  await sb.until('restarted by the liveness probe', () => web()?.status?.containerStatuses?.[0]?.restartCount >= 1, 90_000);
  const events = readJSON(sb, ['get', 'events']).items.filter((e: any) => e.involvedObject.name === web().metadata.name).map((e: any) => `${e.type} ${e.reason} ${e.message}`);
  assert.ok(events.includes('Warning Unhealthy Liveness probe failed: cat: /tmp/healthy: No such file or directory\n'), events.join('\n'));
  assert.ok(events.includes('Normal Killing Container web failed liveness probe, will be restarted'), events.join('\n'));
  assert.ok(events.some((e: string) => e.startsWith(`Warning Unhealthy Readiness probe failed: Get "http://`)), events.join('\n'));
  ok(['delete', 'deploy', 'web']);
});
