// npm run bench: wall times of kjob against a baseline measured in the same run, as ratios of
// medians. No thresholds: these numbers are what later work is measured against.
//   1. `kjob get pods` with 1,000 pods stored, against `node -e 0` started the same way.
//   2. a Job of 200 completions, parallelism 8, running `true`, from `kjob apply` to Complete,
//      against `seq 200 | xargs -P8 -n1 true`; with Kubernetes' delays (KJOB_TIME_SCALE=1, which
//      includes the Job controller's 1s batching of pod events) and with KJOB_TIME_SCALE=0.01.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kjob = path.join(root, 'bin/kjob');
const { Store } = await import(path.join(root, 'dist/store/store.js'));

const RUNS_GET = Number(process.env.BENCH_RUNS_GET ?? 7);
const RUNS_JOB = Number(process.env.BENCH_RUNS_JOB ?? 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (n) => `${n.toFixed(0)} ms`;
function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
function killAll(home) {
  try {
    const pids = execFileSync('pgrep', ['-f', home], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    for (const p of pids) for (const t of [-p, p]) try { process.kill(t, 'SIGKILL'); } catch {}
  } catch {}
}

// 1. get pods with 1,000 pods stored
{
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-bench-get-'));
  const store = Store.open(home);
  const t = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  store.transaction(() => {
    for (let i = 0; i < 1000; i++) {
      store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `bench-${String(i).padStart(4, '0')}`, namespace: 'default', uid: randomUUID(), labels: { app: 'bench' } },
        spec: { nodeName: 'kjob-node', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] },
        status: {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t } } }],
        },
      });
    }
  });
  store.close();
  const env = { ...process.env, KJOB_HOME: home };
  const check = spawnSync(process.execPath, [kjob, 'get', 'pods'], { env, encoding: 'utf8' });
  const rows = check.stdout.trim().split('\n').length - 1;
  const kj = [], base = [];
  for (let i = 0; i < RUNS_GET; i++) {
    kj.push(time(() => spawnSync(process.execPath, [kjob, 'get', 'pods'], { env, stdio: 'ignore' })));
    base.push(time(() => spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' })));
  }
  const a = median(kj), b = median(base);
  console.log(`get pods, ${rows} pods stored: kjob ${ms(a)}, node -e 0 ${ms(b)}, ratio ${(a / b).toFixed(2)} (median of ${RUNS_GET})`);
  killAll(home);
  fs.rmSync(home, { recursive: true, force: true });
}

// 2. 200 completions, parallelism 8, `true`
const manifest = `apiVersion: batch/v1
kind: Job
metadata:
  name: bench
spec:
  completions: 200
  parallelism: 8
  backoffLimit: 6
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["true"]
`;
function runJob(scale) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-bench-job-'));
  const env = { ...process.env, KJOB_HOME: home, KJOB_TIME_SCALE: String(scale) };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [kjob, 'apply', '-f', '-'], { env, input: manifest, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`apply failed: ${r.stderr}`);
  const store = Store.open(home);
  let done = false;
  const deadline = Date.now() + 600_000;
  while (!done && Date.now() < deadline) {
    const job = store.get('Job', 'default', 'bench');
    const conds = job?.status?.conditions ?? [];
    done = conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (!done) spawnSync('sleep', ['0.02']);
  }
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  const job = store.get('Job', 'default', 'bench');
  store.close();
  spawnSync(process.execPath, [kjob, 'controller', 'stop'], { env, stdio: 'ignore' });
  killAll(home);
  fs.rmSync(home, { recursive: true, force: true });
  if (!done) throw new Error('the bench Job did not finish in 10 minutes');
  return { elapsed, succeeded: job?.status?.succeeded };
}
const baseline = [];
for (let i = 0; i < RUNS_JOB; i++) baseline.push(time(() => execFileSync('sh', ['-c', 'seq 200 | xargs -P8 -n1 true'])));
const b = median(baseline);
for (const scale of [1, 0.01]) {
  const runs = [];
  let succeeded;
  for (let i = 0; i < RUNS_JOB; i++) {
    const r = runJob(scale);
    runs.push(r.elapsed);
    succeeded = r.succeeded;
  }
  const a = median(runs);
  console.log(
    `Job 200 completions x parallelism 8 of \`true\`, KJOB_TIME_SCALE=${scale}: kjob ${ms(a)} (succeeded ${succeeded}), seq|xargs -P8 ${ms(b)}, ratio ${(a / b).toFixed(1)} (median of ${RUNS_JOB})`,
  );
}
