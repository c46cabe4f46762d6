// Generates the printers' golden fixture world relative to a base time (argv[2], RFC3339).
// Usage: node make-world.mjs 2026-11-23T13:00:00Z > world.json
// The goldens (describe-*.txt) were captured from the real kubectl v1.32 with TZ=UTC (and one
// with TZ=America/New_York) right after generating the world with base = the real clock, so
// kubectl's ages equal what kjob prints for now = base (recorded in world.json as "now").
const base = Date.parse(process.argv[2]);
const t = (sec) => new Date(base + sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const jobLabels = (name, uid) => ({
  'batch.kubernetes.io/controller-uid': uid,
  'batch.kubernetes.io/job-name': name,
  'controller-uid': uid,
  'job-name': name,
});
const apiAccess = (suffix) => ({
  name: `kube-api-access-${suffix}`,
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
    ],
  },
});
const tolerations = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
];
const container = (name, image, command, extra = {}) => ({
  command, image, imagePullPolicy: 'IfNotPresent', name, resources: {},
  terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...extra,
});
const podSpecDefaults = { dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 };

const piCommand = ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'];
const jobPi = {
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: {
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"batch/v1","kind":"Job","metadata":{"annotations":{},"name":"pi","namespace":"default"},"spec":{"backoffLimit":4,"template":{"spec":{"containers":[{"command":["perl","-Mbignum=bpi","-wle","print bpi(2000)"],"image":"perl:5.34.0","name":"pi"}],"restartPolicy":"Never"}}}}\n' },
    creationTimestamp: t(-354), generation: 1, labels: jobLabels('pi', 'a3c1e7b2-5d4f-4e8a-9b6c-1f2e3d4c5b6a'),
    name: 'pi', namespace: 'default', resourceVersion: '1042', uid: 'a3c1e7b2-5d4f-4e8a-9b6c-1f2e3d4c5b6a',
  },
  spec: {
    backoffLimit: 4, completionMode: 'NonIndexed', completions: 1, manualSelector: false, parallelism: 1,
    podReplacementPolicy: 'TerminatingOrFailed',
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'a3c1e7b2-5d4f-4e8a-9b6c-1f2e3d4c5b6a' } },
    suspend: false,
    template: {
      metadata: { creationTimestamp: null, labels: jobLabels('pi', 'a3c1e7b2-5d4f-4e8a-9b6c-1f2e3d4c5b6a') },
      spec: { containers: [container('pi', 'perl:5.34.0', piCommand)], restartPolicy: 'Never', ...podSpecDefaults },
    },
  },
  status: {
    completionTime: t(-340),
    conditions: [
      { lastProbeTime: t(-340), lastTransitionTime: t(-340), message: 'Reached expected number of succeeded pods', reason: 'CompletionsReached', status: 'True', type: 'SuccessCriteriaMet' },
      { lastProbeTime: t(-340), lastTransitionTime: t(-340), message: 'Reached expected number of succeeded pods', reason: 'CompletionsReached', status: 'True', type: 'Complete' },
    ],
    ready: 0, startTime: t(-354), succeeded: 1, terminating: 0, uncountedTerminatedPods: {},
  },
};

const podPi = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    creationTimestamp: t(-354), generateName: 'pi-', labels: jobLabels('pi', 'a3c1e7b2-5d4f-4e8a-9b6c-1f2e3d4c5b6a'),
    name: 'pi-x7k2p', namespace: 'default',
    ownerReferences: [{ apiVersion: 'batch/v1', blockOwnerDeletion: true, controller: true, kind: 'Job', name: 'pi', uid: 'a3c1e7b2-5d4f-4e8a-9b6c-1f2e3d4c5b6a' }],
    resourceVersion: '1040', uid: '0b9f6c1e-7a2d-4c3b-8e5f-6a7b8c9d0e1f',
  },
  spec: {
    containers: [container('pi', 'perl:5.34.0', piCommand, { volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-xyz12', readOnly: true }] })],
    enableServiceLinks: true, nodeName: 'node-1', preemptionPolicy: 'PreemptLowerPriority', priority: 0, restartPolicy: 'Never',
    serviceAccount: 'default', serviceAccountName: 'default', tolerations, volumes: [apiAccess('xyz12')], ...podSpecDefaults,
  },
  status: {
    conditions: [
      { lastProbeTime: null, lastTransitionTime: t(-341), status: 'False', type: 'PodReadyToStartContainers' },
      { lastProbeTime: null, lastTransitionTime: t(-354), reason: 'PodCompleted', status: 'True', type: 'Initialized' },
      { lastProbeTime: null, lastTransitionTime: t(-341), reason: 'PodCompleted', status: 'False', type: 'Ready' },
      { lastProbeTime: null, lastTransitionTime: t(-341), reason: 'PodCompleted', status: 'False', type: 'ContainersReady' },
      { lastProbeTime: null, lastTransitionTime: t(-354), status: 'True', type: 'PodScheduled' },
    ],
    containerStatuses: [{
      containerID: 'containerd://4f1c2e3d5b6a', image: 'docker.io/library/perl:5.34.0', imageID: 'docker.io/library/perl@sha256:2584f46a92d1042b25320131219e5832c5b3e75086dfaaff33e4fda7a9f47d99',
      lastState: {}, name: 'pi', ready: false, restartCount: 0, started: false,
      state: { terminated: { containerID: 'containerd://4f1c2e3d5b6a', exitCode: 0, finishedAt: t(-341), reason: 'Completed', startedAt: t(-349) } },
    }],
    hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }], phase: 'Succeeded', podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }],
    qosClass: 'BestEffort', startTime: t(-354),
  },
};

const idxUid = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const jobIndexed = {
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: {
    annotations: { 'example.com/description': 'an indexed job that squares its index', 'example.com/runbook': 'https://example.com/runbooks/indexed-jobs/squares?section=troubleshooting&version=2&audience=operators-on-call' },
    creationTimestamp: t(-3990), generation: 1, labels: { ...jobLabels('indexed', idxUid), app: 'squares' },
    name: 'indexed', namespace: 'default', resourceVersion: '2211', uid: idxUid,
  },
  spec: {
    backoffLimit: 6, completionMode: 'Indexed', completions: 5, manualSelector: false, parallelism: 2,
    podReplacementPolicy: 'TerminatingOrFailed', selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': idxUid } },
    suspend: false, ttlSecondsAfterFinished: 100, activeDeadlineSeconds: 3600,
    template: {
      metadata: { annotations: { 'example.com/owner': 'team-batch' }, creationTimestamp: null, labels: { ...jobLabels('indexed', idxUid), app: 'squares' } },
      spec: {
        initContainers: [container('input', 'busybox:1.36', ['sh', '-c', 'echo $JOB_COMPLETION_INDEX > /input/data.txt'], { volumeMounts: [{ mountPath: '/input', name: 'input' }] })],
        containers: [container('worker', 'busybox:1.36', ['sh', '-c'], {
          args: ['n=$(cat /input/data.txt)\necho $((n*n))'],
          env: [
            { name: 'MODE', value: 'fast' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { key: 'token', name: 'api' } } },
          ],
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
          volumeMounts: [{ mountPath: '/input', name: 'input' }, { mountPath: '/etc/cfg', name: 'cache', readOnly: true, subPath: 'cfg' }],
        })],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }, { operator: 'Exists' }],
        volumes: [{ emptyDir: {}, name: 'input' }, { emptyDir: { medium: 'Memory', sizeLimit: '64Mi' }, name: 'cache' }, { hostPath: { path: '/var/log', type: 'Directory' }, name: 'logs' }],
        restartPolicy: 'Never', ...podSpecDefaults,
      },
    },
  },
  status: { active: 2, completedIndexes: '0-2', ready: 0, startTime: t(-3990), succeeded: 3, terminating: 0, uncountedTerminatedPods: {} },
};

const sparseUid = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const jobSparse = JSON.parse(JSON.stringify(jobIndexed));
jobSparse.metadata = { creationTimestamp: t(-90), labels: jobLabels('sparse', sparseUid), name: 'sparse', namespace: 'default', uid: sparseUid };
jobSparse.spec.completions = 100;
jobSparse.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': sparseUid } };
jobSparse.spec.template = { metadata: { labels: jobLabels('sparse', sparseUid) }, spec: { containers: [container('sparse', 'busybox', ['true'])], restartPolicy: 'Never', ...podSpecDefaults } };
delete jobSparse.spec.ttlSecondsAfterFinished;
delete jobSparse.spec.activeDeadlineSeconds;
jobSparse.status = { active: 0, completedIndexes: Array.from({ length: 40 }, (_, i) => i * 2).join(','), ready: 0, startTime: t(-90), succeeded: 40 };

const failUid = '9c0d1e2f-3a4b-4c5d-9e6f-7a8b9c0d1e2f';
const jobFailing = {
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { annotations: { 'example.com/long': 'x'.repeat(150), 'example.com/multi': 'first line\nsecond line\n', 'example.com/ctl': 'bell\u001b[31mred\r' }, creationTimestamp: t(-9000), labels: jobLabels('failing', failUid), name: 'failing', namespace: 'default', uid: failUid },
  spec: {
    backoffLimit: 0, completionMode: 'NonIndexed', completions: 1, parallelism: 1, suspend: false,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': failUid } },
    template: { metadata: { labels: jobLabels('failing', failUid) }, spec: { containers: [container('failing', 'busybox', ['sh', '-c', 'exit 3'])], restartPolicy: 'Never', ...podSpecDefaults } },
  },
  status: {
    conditions: [
      { lastProbeTime: t(-8000), lastTransitionTime: t(-8000), message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded', status: 'True', type: 'FailureTarget' },
      { lastProbeTime: t(-8000), lastTransitionTime: t(-8000), message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded', status: 'True', type: 'Failed' },
    ],
    failed: 1, startTime: t(-9000),
  },
};

const crash = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { creationTimestamp: t(-7200), labels: { app: 'crash' }, name: 'crash-1', namespace: 'default', uid: 'c1c1c1c1-0000-4000-8000-000000000001' },
  spec: {
    containers: [container('main', 'busybox', ['/no/such/binary'])], nodeName: 'node-1', priority: 0, restartPolicy: 'Always',
    serviceAccountName: 'default', tolerations, ...podSpecDefaults,
  },
  status: {
    conditions: [
      { lastProbeTime: null, lastTransitionTime: t(-7190), status: 'True', type: 'PodReadyToStartContainers' },
      { lastProbeTime: null, lastTransitionTime: t(-7200), status: 'True', type: 'Initialized' },
      { lastProbeTime: null, lastTransitionTime: t(-7200), message: 'containers with unready status: [main]', reason: 'ContainersNotReady', status: 'False', type: 'Ready' },
      { lastProbeTime: null, lastTransitionTime: t(-7200), message: 'containers with unready status: [main]', reason: 'ContainersNotReady', status: 'False', type: 'ContainersReady' },
      { lastProbeTime: null, lastTransitionTime: t(-7200), status: 'True', type: 'PodScheduled' },
    ],
    containerStatuses: [{
      containerID: 'containerd://9a8b7c6d', image: 'docker.io/library/busybox:latest', imageID: 'docker.io/library/busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7',
      lastState: { terminated: { containerID: 'containerd://9a8b7c6d', exitCode: 128, finishedAt: t(-193), message: 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/no/such/binary": stat /no/such/binary: no such file or directory: unknown', reason: 'StartError', startedAt: '1970-01-01T00:00:00Z' } },
      name: 'main', ready: false, restartCount: 12, started: false,
      state: { waiting: { message: 'back-off 5m0s restarting failed container=main pod=crash-1_default(c1c1c1c1-0000-4000-8000-000000000001)', reason: 'CrashLoopBackOff' } },
    }],
    hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }], phase: 'Running', podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }],
    qosClass: 'BestEffort', startTime: t(-7200),
  },
};

const pending = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { creationTimestamp: t(-33), name: 'pending-1', namespace: 'default', uid: 'p1p1p1p1-0000-4000-8000-000000000002', deletionTimestamp: t(27), deletionGracePeriodSeconds: 30 },
  spec: {
    containers: [container('main', 'busybox', ['sleep', '3600'], { resources: { limits: { cpu: '100m', memory: '32Mi' } } })],
    nodeName: 'node-1', restartPolicy: 'Always', ...podSpecDefaults,
  },
  status: {
    conditions: [{ lastProbeTime: null, lastTransitionTime: t(-33), status: 'True', type: 'PodScheduled' }],
    containerStatuses: [{ image: 'busybox', imageID: '', lastState: {}, name: 'main', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }],
    hostIP: '172.18.0.2', phase: 'Pending', qosClass: 'Guaranteed', startTime: t(-33),
  },
};

const cron = {
  apiVersion: 'batch/v1', kind: 'CronJob',
  metadata: { creationTimestamp: t(-277000), name: 'hello', namespace: 'default', uid: 'h1h1h1h1-0000-4000-8000-000000000003' },
  spec: {
    concurrencyPolicy: 'Allow', failedJobsHistoryLimit: 1, schedule: '*/1 * * * *', successfulJobsHistoryLimit: 3, suspend: false,
    jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null }, spec: {
      containers: [container('hello', 'busybox:1.28', ['/bin/sh', '-c', 'date; echo Hello from the Kubernetes cluster'])], restartPolicy: 'OnFailure', ...podSpecDefaults,
    } } } },
  },
  status: { active: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'hello-29000001', namespace: 'default', resourceVersion: '3001', uid: 'j1' }], lastScheduleTime: t(-48), lastSuccessfulTime: t(-100) },
};


const web = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    annotations: { 'kubectl.kubernetes.io/default-container': 'worker' }, creationTimestamp: t(-600), labels: { app: 'web', tier: 'frontend' },
    name: 'web-0', namespace: 'default', uid: 'w0w0w0w0-0000-4000-8000-000000000004',
    ownerReferences: [{ apiVersion: 'batch/v1', controller: true, kind: 'Job', name: 'indexed', uid: idxUid }],
  },
  spec: {
    initContainers: [container('input', 'busybox', ['sh', '-c', 'true'])],
    containers: [
      container('worker', 'busybox:1.36', ['sh', '-c', 'sleep 3600'], {
        env: [
          { name: 'MODE', value: 'fast' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          { name: 'TIER', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['tier']" } } },
          { name: 'LEVEL', valueFrom: { configMapKeyRef: { key: 'level', name: 'cfg', optional: true } } },
          { name: 'SCRIPT', value: 'line one\nline two' },
        ],
        envFrom: [{ configMapRef: { name: 'cfg' } }, { prefix: 'S_', secretRef: { name: 'sec', optional: false } }],
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, failureThreshold: 3, initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
        readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, failureThreshold: 3, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
        volumeMounts: [{ mountPath: '/etc/cfg', name: 'cfg' }, { mountPath: '/etc/sec', name: 'sec', readOnly: true }, { mountPath: '/data', name: 'data' }],
      }),
      container('sidecar', 'nginx:1.27', undefined, {
        args: ['--flag', 'x'],
        ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443, hostPort: 8443, protocol: 'TCP' }],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
        startupProbe: { tcpSocket: { port: 80 }, failureThreshold: 30, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
      }),
    ],
    nodeName: 'node-1', nodeSelector: { disktype: 'ssd', 'kubernetes.io/os': 'linux' }, priority: 1000, priorityClassName: 'high',
    readinessGates: [{ conditionType: 'example.com/feature-1' }, { conditionType: 'example.com/feature-2' }],
    restartPolicy: 'Always', serviceAccountName: 'web', tolerations: [...tolerations, { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
    volumes: [
      { configMap: { defaultMode: 420, name: 'cfg' }, name: 'cfg' },
      { name: 'sec', secret: { defaultMode: 420, secretName: 'sec', optional: true } },
      { hostPath: { path: '/srv/data', type: '' }, name: 'data' },
      { name: 'claim', persistentVolumeClaim: { claimName: 'pvc-1' } },
    ],
    ...podSpecDefaults,
  },
  status: {
    conditions: [
      { lastProbeTime: null, lastTransitionTime: t(-590), status: 'True', type: 'example.com/feature-1' },
      { lastProbeTime: null, lastTransitionTime: t(-590), status: 'True', type: 'PodReadyToStartContainers' },
      { lastProbeTime: null, lastTransitionTime: t(-595), status: 'True', type: 'Initialized' },
      { lastProbeTime: null, lastTransitionTime: t(-150), status: 'True', type: 'Ready' },
      { lastProbeTime: null, lastTransitionTime: t(-150), status: 'True', type: 'ContainersReady' },
      { lastProbeTime: null, lastTransitionTime: t(-600), status: 'True', type: 'PodScheduled' },
    ],
    initContainerStatuses: [{ containerID: 'containerd://init1', image: 'docker.io/library/busybox:latest', imageID: 'docker.io/library/busybox@sha256:abc', lastState: {}, name: 'input', ready: true, restartCount: 0, started: false,
      state: { terminated: { containerID: 'containerd://init1', exitCode: 0, finishedAt: t(-596), reason: 'Completed', startedAt: t(-597) } } }],
    containerStatuses: [
      { containerID: 'containerd://side1', image: 'docker.io/library/nginx:1.27', imageID: 'docker.io/library/nginx@sha256:def', lastState: {}, name: 'sidecar', ready: true, restartCount: 0, started: true, state: { running: { startedAt: t(-590) } } },
      { containerID: 'containerd://work3', image: 'docker.io/library/busybox:1.36', imageID: 'docker.io/library/busybox@sha256:123', name: 'worker', ready: true, restartCount: 2, started: true,
        lastState: { terminated: { containerID: 'containerd://work2', exitCode: 137, signal: 9, finishedAt: t(-155), reason: 'Error', startedAt: t(-300) } },
        state: { running: { startedAt: t(-154) } } },
    ],
    hostIP: '172.18.0.2', phase: 'Running', podIP: '10.244.0.12', podIPs: [{ ip: '10.244.0.12' }, { ip: 'fd00::c' }], qosClass: 'Burstable', startTime: t(-600),
  },
};

const nightly = {
  apiVersion: 'batch/v1', kind: 'CronJob',
  metadata: { annotations: { note: 'runs at night' }, creationTimestamp: t(-40 * 86400), labels: { team: 'ops' }, name: 'nightly', namespace: 'default', uid: 'n1n1n1n1-0000-4000-8000-000000000005' },
  spec: {
    concurrencyPolicy: 'Forbid', schedule: '0 3 * * *', startingDeadlineSeconds: 200, timeZone: 'Europe/Paris',
    jobTemplate: { metadata: { labels: { team: 'ops' } }, spec: {
      activeDeadlineSeconds: 600, completions: 2, parallelism: 2, selector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['ops', 'dev'] }] },
      template: { metadata: { labels: { team: 'ops' } }, spec: { containers: [container('backup', 'alpine', ['sh', '-c', 'echo backup'])], restartPolicy: 'Never', ...podSpecDefaults } },
    } },
  },
  status: { active: [{ name: 'nightly-1' }, { name: 'nightly-2' }] },
};

const fromCron = JSON.parse(JSON.stringify(jobFailing));
fromCron.metadata = { annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' }, creationTimestamp: t(-5), labels: { team: 'ops' }, name: 'manual-1', namespace: 'default', uid: 'm1m1m1m1-0000-4000-8000-000000000006',
  ownerReferences: [{ apiVersion: 'batch/v1', controller: true, kind: 'CronJob', name: 'nightly', uid: 'n1n1n1n1-0000-4000-8000-000000000005' }] };
fromCron.spec.suspend = true;
delete fromCron.spec.completionMode;
fromCron.status = { conditions: [{ lastProbeTime: t(-5), lastTransitionTime: t(-5), message: 'Job suspended', reason: 'JobSuspended', status: 'True', type: 'Suspended' }] };

let evn = 0;
const ev = (obj, type, reason, component, message, first, last, count, extra = {}) => ({
  apiVersion: 'v1', kind: 'Event',
  count, firstTimestamp: t(first), lastTimestamp: t(last),
  involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: 'default', uid: obj.metadata.uid, ...(extra.fieldPath ? { fieldPath: extra.fieldPath } : {}) },
  message, metadata: { creationTimestamp: t(first), name: `${obj.metadata.name}.${(++evn).toString(16).padStart(16, '0')}`, namespace: 'default' },
  reason, reportingComponent: component, reportingInstance: extra.host ?? '', source: { component, ...(extra.host ? { host: extra.host } : {}) }, type,
});

const events = [
  ev(jobPi, 'Normal', 'Completed', 'job-controller', 'Job completed', -340, -340, 1),
  ev(jobPi, 'Normal', 'SuccessfulCreate', 'job-controller', 'Created pod: pi-x7k2p', -354, -354, 1),
  ev(podPi, 'Normal', 'Scheduled', 'default-scheduler', 'Successfully assigned default/pi-x7k2p to node-1', -354, -354, 1),
  ev(podPi, 'Normal', 'Pulled', 'kubelet', 'Container image "perl:5.34.0" already present on machine', -353, -353, 1, { host: 'node-1', fieldPath: 'spec.containers{pi}' }),
  ev(podPi, 'Normal', 'Created', 'kubelet', 'Created container pi', -353, -353, 1, { host: 'node-1', fieldPath: 'spec.containers{pi}' }),
  ev(podPi, 'Normal', 'Started', 'kubelet', 'Started container pi', -349, -349, 1, { host: 'node-1', fieldPath: 'spec.containers{pi}' }),
  ev(crash, 'Warning', 'BackOff', 'kubelet', 'Back-off restarting failed container main in pod crash-1_default(c1c1c1c1-0000-4000-8000-000000000001)', -7020, -46, 31, { host: 'node-1', fieldPath: 'spec.containers{main}' }),
  ev(crash, 'Warning', 'Failed', 'kubelet', 'Error: failed to create containerd task: exec: "/no/such/binary": stat /no/such/binary: no such file or directory  ', -7190, -193, 13, { host: 'node-1', fieldPath: 'spec.containers{main}' }),
  ev(jobFailing, 'Normal', 'SuccessfulCreate', 'job-controller', 'Created pod: failing-abcde', -9000, -9000, 1),
  ev(jobFailing, 'Warning', 'BackoffLimitExceeded', 'job-controller', 'Job has reached the specified backoff limit', -8000, -8000, 1),
  ev(cron, 'Normal', 'SuccessfulCreate', 'cronjob-controller', 'Created job hello-29000001', -48, -48, 1),
  ev(web, 'Warning', 'Unhealthy', 'kubelet', 'Readiness probe failed: HTTP probe failed with statuscode: 503', -300, -160, 4, { host: 'node-1', fieldPath: 'spec.containers{worker}' }),
  ev(cron, 'Normal', 'SawCompletedJob', 'cronjob-controller', 'Saw completed job: hello-29000000, condition: Complete', -100, -100, 1),
];

console.log(JSON.stringify({ now: t(0), items: [jobPi, podPi, jobIndexed, jobSparse, jobFailing, crash, pending, cron, web, nightly, fromCron, ...events] }, null, 2));
