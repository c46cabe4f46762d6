#!/usr/bin/env node
// Captures the protobuf request bodies of the real kubectl for src/server/protobuf.test.ts.
// Run it by hand (it needs /usr/bin/kubectl 1.32) and commit what it writes beside itself:
//
//   node src/server/testdata/capture.mjs
//
// For each case it runs kubectl twice against a recorder on 127.0.0.1 (plain HTTP, no auth): first
// with `--dry-run=client -o json`, whose output is the JSON of exactly the object kubectl would
// send (<case>.json, the expected decode), then for real, recording the body of its POST
// (<case>.pb) and the request line and Content-Type (cases.json; kubectl run sends JSON, and its
// case is kept there only to show that). The recorder answers discovery,
// a GET of CronJob z (for create job --from), and each POST with 201 and the expected JSON.
import http from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'kjob-capture-'));
const kubeconfig = join(tmp, 'kubeconfig');
writeFileSync(kubeconfig, '');
// not valid UTF-8, so kubectl puts it in binaryData
writeFileSync(join(tmp, 'blob'), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0a]));

// A pod template with most kinds of value in it: Quantities, an IntOrString that is a name, pointers
// set to zero or false, empty strings, inline volume sources, a Time. kubectl run sends JSON, not
// protobuf, so it reaches the protobuf decoder through create job --from=cronjob/full, which
// copies the CronJob's job template as it is.
const FULL_TEMPLATE = {
  metadata: {
    creationTimestamp: '2026-11-23T14:03:18Z',
    labels: { app: 'full' },
    annotations: { note: '', 'x.example/y': 'z' },
  },
  spec: {
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 0,
    activeDeadlineSeconds: 30,
    enableServiceLinks: false,
    hostNetwork: false,
    containers: [{
      name: 'c', image: 'busybox', command: ['sleep', '1'], args: ['', 'x'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 0 }],
      resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '0.1', 'example.com/dongle': '0' } },
      livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 0, initialDelaySeconds: 5 },
      readinessProbe: { tcpSocket: { port: 8080 } },
      securityContext: { runAsUser: 0, runAsNonRoot: false, privileged: false, capabilities: { add: ['NET_ADMIN'] } },
      env: [{ name: 'EMPTY', value: '' }, { name: 'FROM', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      stdin: false, tty: true,
    }],
    volumes: [
      { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'cfg', configMap: { name: 'c', defaultMode: 420, optional: true, items: [{ key: 'a', path: 'a.txt' }] } },
    ],
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 0 }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
  },
};

const CASES = [
  ['job', ['create', 'job', 'x', '--image=busybox', '--', 'echo', 'hi']],
  ['job-from-cronjob', ['create', 'job', 'y', '--from=cronjob/z']],
  ['configmap', ['create', 'configmap', 'c', '--from-literal=a=b', '--from-literal=empty=', `--from-file=bin=${join(tmp, 'blob')}`]],
  ['secret', ['create', 'secret', 'generic', 's', '--from-literal=a=b', '--from-literal=pw=p@ss w0rd', '--from-literal=empty=']],
  ['job-from-cronjob-full', ['create', 'job', 'f', '--from=cronjob/full']],
  ['pod', ['run', 'p', '--image=busybox', '--restart=Never', '--env=A=B', '--labels=x=y', '--', 'sleep', '1']],
  ['deployment', ['create', 'deployment', 'd', '--image=nginx', '--replicas=2', '--port=80']],
  ['deployment-zero', ['create', 'deployment', 'd0', '--image=nginx', '--replicas=0']],
  ['service', ['create', 'service', 'clusterip', 's', '--tcp=80:8080']],
  ['service-nodeport', ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080']],
  ['cronjob', ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'hi']],
  ['namespace', ['create', 'namespace', 'ns1']],
  ['serviceaccount', ['create', 'serviceaccount', 'sa']],
  ['quota', ['create', 'quota', 'q', '--hard=cpu=1,memory=1Gi,pods=10', '--scopes=BestEffort']],
];

const CRONJOB = {
  apiVersion: 'batch/v1', kind: 'CronJob',
  metadata: { name: 'z', namespace: 'default', uid: '2d5b2a7c-0000-4000-8000-000000000001', resourceVersion: '7', creationTimestamp: '2026-11-23T14:03:18Z', labels: { app: 'z' } },
  spec: {
    schedule: '0 * * * *', concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
    jobTemplate: { metadata: { labels: { app: 'z' } }, spec: { backoffLimit: 0, parallelism: 1, completions: 1, template: {
      metadata: { labels: { app: 'z' } },
      spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', args: ['date'], imagePullPolicy: 'IfNotPresent' }] },
    } } },
  },
  status: {},
};
const FULL_CRONJOB = {
  ...CRONJOB,
  metadata: { ...CRONJOB.metadata, name: 'full', uid: '2d5b2a7c-0000-4000-8000-000000000002', labels: { app: 'full' } },
  spec: { ...CRONJOB.spec, jobTemplate: { metadata: { labels: { app: 'full' } }, spec: {
    parallelism: 0, completions: 2, suspend: false, manualSelector: false, ttlSecondsAfterFinished: 0, completionMode: 'Indexed',
    backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2, 42] } }] },
    template: FULL_TEMPLATE,
  } } },
};

const RESOURCES = {
  v1: [['pods', 'Pod', 'po'], ['services', 'Service', 'svc'], ['configmaps', 'ConfigMap', 'cm'], ['secrets', 'Secret'], ['namespaces', 'Namespace', 'ns', false], ['serviceaccounts', 'ServiceAccount', 'sa'], ['resourcequotas', 'ResourceQuota', 'quota']],
  'batch/v1': [['jobs', 'Job'], ['cronjobs', 'CronJob', 'cj']],
  'apps/v1': [['deployments', 'Deployment', 'deploy']],
};
const resourceList = (gv) => ({
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
  resources: RESOURCES[gv].map(([name, kind, short, ns = true]) => ({
    name, singularName: kind.toLowerCase(), namespaced: ns, kind, verbs: ['create', 'get', 'list'], ...(short ? { shortNames: [short] } : {}),
  })),
});

let respondWith = {};
let captured = null;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const send = (code, body) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'POST' || req.method === 'PUT') {
      captured = { method: req.method, url: req.url, contentType: req.headers['content-type'], body: Buffer.concat(chunks) };
      return send(201, respondWith);
    }
    if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: ['batch', 'apps'].map((g) => ({
      name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
    })) });
    if (path === '/api/v1') return send(200, resourceList('v1'));
    if (path === '/apis/batch/v1') return send(200, resourceList('batch/v1'));
    if (path === '/apis/apps/v1') return send(200, resourceList('apps/v1'));
    if (path === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (path === '/apis/batch/v1/namespaces/default/cronjobs/z') return send(200, CRONJOB);
    if (path === '/apis/batch/v1/namespaces/default/cronjobs/full') return send(200, FULL_CRONJOB);
    return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
  });
});

function kubectl(port, args) {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, '--server', `http://127.0.0.1:${port}`, '-n', 'default', ...args], { env: { ...process.env, KUBECONFIG: kubeconfig } }, (err, stdout, stderr) =>
      err ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout));
  });
}

try {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  const index = {};
  for (const [name, args] of CASES) {
    const expected = JSON.parse(await kubectl(port, ['--dry-run=client', '-o', 'json', ...args]));
    respondWith = expected;
    captured = null;
    await kubectl(port, args);
    if (!captured) throw new Error(`${name}: kubectl sent no body`);
    const protobuf = captured.contentType === 'application/vnd.kubernetes.protobuf';
    // bodies kubectl sends as JSON are only listed in cases.json (the decoder never sees them)
    if (protobuf) {
      writeFileSync(join(here, `${name}.pb`), captured.body);
      writeFileSync(join(here, `${name}.json`), JSON.stringify(expected, null, 2) + '\n');
    }
    index[name] = { args: args.map((a) => a.replace(tmp, '$TMP')), method: captured.method, url: captured.url, contentType: captured.contentType };
    console.log(`${name}: ${captured.method} ${captured.url} ${captured.contentType} ${captured.body.length} bytes`);
  }
  writeFileSync(join(here, 'cases.json'), JSON.stringify(index, null, 2) + '\n');
} finally {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
