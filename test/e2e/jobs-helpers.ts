// Shared by the jobs-*.test.ts stories: golden comparison of describe output against what the
// real kubectl v1.32 prints for the same objects, and small polling helpers.
//
// Goldens under test/golden/jobs/ hold kubectl's output, normalised. They are (re)captured by
// running a story with KJOB_CAPTURE_GOLDEN=1 on a machine with kubectl and the shared tools: the
// test then serves kjob's objects to kubectl through kube-mirror, writes kubectl's normalised
// output as the golden, and still asserts that kjob prints the same. Without that variable the
// test needs neither kubectl nor /work/shared: it compares kjob's output to the stored golden.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { GOLDEN, normalise, type Sandbox } from './helpers.js';

export const MIRROR = process.env.KJOB_KUBE_MIRROR ?? '/work/shared/tools/kube-mirror.mjs';
const capturing = process.env.KJOB_CAPTURE_GOLDEN === '1';

/** normalise(), plus the Events table's padding, which follows the widest (masked) age. */
export function normaliseDescribe(s: string): string {
  // Pod names followed by "_<namespace>" (kubelet messages), which \b does not delimit.
  // An image pull's durations are real, and its size is that of this machine's executable.
  const pulls = s.replace(
    /Successfully pulled image ("(?:[^"\\]|\\.)*") in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\./g,
    'Successfully pulled image $1 in <duration> (<duration> including waiting). Image size: <size> bytes.',
  );
  const n = normalise(pulls.replace(/-[bcdfghjklmnpqrstvwxz2456789]{5}_/g, '-<rand>_'));
  const i = n.indexOf('\nEvents:');
  if (i < 0) return n;
  // Events in the same second come in any order (kubectl's sort is not stable), so the rows are
  // compared as a sorted list.
  const lines = n.slice(i).replace(/ {2,}/g, '  ').split('\n');
  const head = lines.slice(0, 4);
  const rows = lines.slice(4).filter((l) => l !== '').sort();
  return n.slice(0, i) + [...head, ...rows].join('\n') + '\n';
}

export function readJSON(sb: Sandbox, args: string[]): any {
  const r = sb.kjob([...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

export function pods(sb: Sandbox): any[] {
  return readJSON(sb, ['get', 'pods']).items;
}

export function job(sb: Sandbox, name: string): any {
  return readJSON(sb, ['get', 'job', name]);
}

export function cond(j: any, type: string): any {
  return (j.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
}

/** kubectl's describe output for kjob's current objects (capture mode only). */
async function kubectlDescribe(sb: Sandbox, kind: string, name: string): Promise<string> {
  const world = path.join(sb.home, 'world.json');
  const dump = sb.kjob(['get', 'jobs,cronjobs,pods,services,events', '-A', '-o', 'json']);
  assert.equal(dump.code, 0, dump.stderr);
  fs.writeFileSync(world, dump.stdout);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const mirror = spawn(process.execPath, [MIRROR, world, String(port)], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 400));
    const r = spawnSync('kubectl', ['--server', `http://127.0.0.1:${port}`, '--cache-dir', path.join(sb.home, 'kcache'), '-n', 'default', 'describe', kind, name], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    mirror.kill('SIGKILL');
  }
}

/** `kjob describe KIND NAME` must equal the golden (kubectl's output for the same objects). */
export async function assertDescribeGolden(sb: Sandbox, kind: string, name: string, goldenName: string): Promise<void> {
  const r = sb.kjob(['describe', kind, name]);
  assert.equal(r.code, 0, r.stderr);
  const ours = normaliseDescribe(r.stdout);
  const file = path.join(GOLDEN, 'jobs', goldenName);
  if (capturing) {
    const theirs = normaliseDescribe(await kubectlDescribe(sb, kind, name));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, theirs);
    assert.equal(ours, theirs, `kjob describe ${kind} ${name} differs from kubectl`);
    return;
  }
  assert.equal(ours, fs.readFileSync(file, 'utf8'), `kjob describe ${kind} ${name} differs from test/golden/jobs/${goldenName}`);
}

/** Apply a manifest given inline. */
export function applyText(sb: Sandbox, yaml: string): void {
  const r = sb.kjob(['apply', '-f', '-'], { input: yaml });
  assert.equal(r.code, 0, r.stderr);
}
