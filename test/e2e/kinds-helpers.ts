// Goldens of test/e2e/kinds.test.ts (ConfigMap, Secret, ServiceAccount), test/golden/kinds/.
//
// They hold what the real kubectl v1.32 prints. Capture them by running the test with
// KJOB_CAPTURE_GOLDEN=1 on a machine with kubectl and /work/shared/tools (see
// test/golden/kinds/NOTES.md): `kjob create ... --dry-run=client` cases run kubectl itself (it
// needs no server); describe cases serve kjob's objects to kubectl through kube-mirror. The
// shared kube-mirror serves Jobs, CronJobs, Pods, Services and Events only, so a copy with
// configmaps, secrets and serviceaccounts added to its resource table is written next to the
// world file. Without the variable the test needs neither kubectl nor /work/shared.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { GOLDEN, ROOT, type Sandbox } from './helpers.js';
import { normaliseDescribe } from './jobs-helpers.js';

export const capturing = process.env.KJOB_CAPTURE_GOLDEN === '1';
const MIRROR = process.env.KJOB_KUBE_MIRROR ?? '/work/shared/tools/kube-mirror.mjs';
const DIR = path.join(GOLDEN, 'kinds');

/** `kjob create configmap|secret generic ... --dry-run=client` cases (cwd: the repository root). */
export const CREATE_CASES: { golden: string; args: string[] }[] = [
  { golden: 'create-cm-literal-yaml.txt', args: ['create', 'configmap', 'app-config', '--from-literal=greeting=hello', '--from-literal=color=blue', '--dry-run=client', '-o', 'yaml'] },
  {
    golden: 'create-cm-files-yaml.txt',
    args: ['create', 'configmap', 'files', '--from-file=test/golden/kinds/files/greeting.txt', '--from-file=props=test/golden/kinds/files/app.properties', '--from-literal=n=123', '--dry-run=client', '-o', 'yaml'],
  },
  { golden: 'create-cm-dir-json.txt', args: ['create', 'cm', 'dir', '--from-file=test/golden/kinds/files', '--dry-run=client', '-o', 'json'] },
  { golden: 'create-cm-envfile-yaml.txt', args: ['-n', 'team', 'create', 'configmap', 'env', '--from-env-file=test/golden/kinds/files/app.env', '--dry-run=client', '-o', 'yaml'] },
  { golden: 'create-cm-name.txt', args: ['create', 'configmap', 'x', '--from-literal=a=b', '--dry-run=client', '-o', 'name'] },
  { golden: 'create-cm-dry.txt', args: ['create', 'configmap', 'x', '--from-literal=a=b', '--dry-run=client'] },
  { golden: 'create-cm-badkey.txt', args: ['create', 'configmap', 'x', '--from-literal=a b=1', '--dry-run=client'] },
  { golden: 'create-cm-dupkey.txt', args: ['create', 'configmap', 'x', '--from-literal=a=1', '--from-literal=a=2', '--dry-run=client'] },
  { golden: 'create-cm-noname.txt', args: ['create', 'configmap', '--from-literal=a=b'] },
  {
    golden: 'create-secret-yaml.txt',
    args: ['create', 'secret', 'generic', 'app-secret', '--from-literal=username=admin', '--from-literal=password=s3cret', '--from-file=test/golden/kinds/files/greeting.txt', '--dry-run=client', '-o', 'yaml'],
  },
  { golden: 'create-secret-type-json.txt', args: ['create', 'secret', 'generic', 'basic', '--type=kubernetes.io/basic-auth', '--from-literal=username=u', '--from-literal=password=p', '--dry-run=client', '-o', 'json'] },
  { golden: 'create-secret-badkey.txt', args: ['create', 'secret', 'generic', 's', '--from-literal=a/b=1', '--dry-run=client'] },
  { golden: 'create-secret-noname.txt', args: ['create', 'secret', 'generic', '--from-literal=a=b'] },
];

/** kjob's output for a create case must be kubectl's (its help hint names kjob). */
export function assertCreateGolden(sb: Sandbox, c: { golden: string; args: string[] }): void {
  const r = sb.kjob(c.args, { cwd: ROOT });
  const ours = r.stdout + r.stderr;
  const file = path.join(DIR, c.golden);
  if (capturing) {
    const k = spawnSync('kubectl', c.args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    fs.writeFileSync(file, k.stdout + k.stderr);
  }
  assert.equal(ours, fs.readFileSync(file, 'utf8').replace("'kubectl create", "'kjob create"), `kjob ${c.args.join(' ')}`);
}

/** The shared kube-mirror with configmaps, secrets and serviceaccounts in its resource table. */
function mirrorWithDataKinds(dir: string): string {
  const src = fs.readFileSync(MIRROR, 'utf8');
  const anchor = "  cronjobs: { group: 'batch', version: 'v1', kind: 'CronJob', ns: true, short: ['cj'] },\n";
  assert.ok(src.includes(anchor), 'kube-mirror.mjs changed: update mirrorWithDataKinds');
  const extra =
    "  configmaps: { group: '', version: 'v1', kind: 'ConfigMap', ns: true, short: ['cm'] },\n" +
    "  secrets: { group: '', version: 'v1', kind: 'Secret', ns: true, short: [] },\n" +
    "  serviceaccounts: { group: '', version: 'v1', kind: 'ServiceAccount', ns: true, short: ['sa'] },\n";
  const out = path.join(dir, 'kube-mirror-kinds.mjs');
  fs.writeFileSync(out, src.replace(anchor, anchor + extra));
  return out;
}

/**
 * kubectl describe for kjob's current objects. kubectl prints a ConfigMap's or Secret's keys in
 * Go's random map order and kjob sorts them; kubectl is asked again (up to 40 times) until it
 * happens to print kjob's order, so the golden is a real kubectl output.
 */
async function kubectlDescribe(sb: Sandbox, kind: string, name: string, ours: string): Promise<string> {
  const world = path.join(sb.home, 'world.json');
  const dump = sb.kjob(['get', 'jobs,cronjobs,pods,services,events,configmaps,secrets,serviceaccounts', '-A', '-o', 'json']);
  assert.equal(dump.code, 0, dump.stderr);
  fs.writeFileSync(world, dump.stdout);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const mirror = spawn(process.execPath, [mirrorWithDataKinds(sb.home), world, String(port)], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 400));
    let out = '';
    for (let i = 0; i < 40; i++) {
      const r = spawnSync('kubectl', ['--server', `http://127.0.0.1:${port}`, '--cache-dir', path.join(sb.home, 'kcache'), '-n', 'default', 'describe', kind, name], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
      });
      assert.equal(r.status, 0, r.stderr);
      out = r.stdout;
      if (normaliseDescribe(out) === ours) break;
    }
    return out;
  } finally {
    mirror.kill('SIGKILL');
  }
}

/** `kjob describe KIND NAME` must equal the golden (kubectl's output for the same objects). */
export async function assertDescribeGolden(sb: Sandbox, kind: string, name: string, goldenName: string): Promise<void> {
  const r = sb.kjob(['describe', kind, name]);
  assert.equal(r.code, 0, r.stderr);
  const ours = normaliseDescribe(r.stdout);
  const file = path.join(DIR, goldenName);
  if (capturing) {
    const theirs = normaliseDescribe(await kubectlDescribe(sb, kind, name, ours));
    fs.writeFileSync(file, theirs);
    assert.equal(ours, theirs, `kjob describe ${kind} ${name} differs from kubectl`);
    return;
  }
  assert.equal(ours, fs.readFileSync(file, 'utf8'), `kjob describe ${kind} ${name} differs from test/golden/kinds/${goldenName}`);
}
