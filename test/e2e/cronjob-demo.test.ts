// cronjob-demo (seed 000) on a simulated clock: five scheduled runs in about 25 real seconds,
// history pruning, the tables and describe as kubectl prints them, and the cascading delete.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox, golden } from './helpers.js';
import { runDemo, DEMO_VIEWS, mask, demoJob } from './cronjob-helpers.js';

const sb = new Sandbox();
after(() => sb.cleanup());

/** Events recorded within the same simulated millisecond may be listed either way round (the
 * store's event names carry random sub-millisecond digits), so rows of an Events table are
 * compared as a set; their order against kubectl is checked when the goldens are captured. */
function canonical(s: string): string {
  const i = s.indexOf('\nEvents:\n');
  if (i < 0) return s;
  const lines = s.slice(i + 1).split('\n');
  const head = lines.slice(0, 4);
  const rows = lines.slice(4).filter(Boolean).sort();
  return `${s.slice(0, i + 1)}${[...head, ...rows].join('\n')}\n`;
}

test('cronjob-demo: five runs on a simulated clock, history limit 3, output as kubectl prints it', async () => {
  await runDemo(sb);
  for (const { file, args } of DEMO_VIEWS) {
    const r = sb.kjob(args);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(canonical(mask(r.stdout)), canonical(golden(`cronjob/${file}`)), `kjob ${args.join(' ')}`);
  }
  const jobs = sb.kjob(['get', 'jobs', '-o', 'name']).stdout.trim().split('\n');
  assert.deepEqual(jobs, [3, 4, 5].map((n) => `job.batch/${demoJob(n)}`));
  const logs = sb.kjob(['logs', `job/${demoJob(5)}`]);
  assert.equal(logs.stdout, '9\n8\n7\n6\n5\n4\n3\n2\n1\n');
});

test('deleting the CronJob deletes its Jobs and their pods (background cascade)', async () => {
  const r = sb.kjob(['delete', 'cronjob', 'cronjob-demo']);
  assert.equal(r.stdout, 'cronjob.batch "cronjob-demo" deleted\n', r.stderr);
  await sb.until('jobs and pods to be gone', () => sb.kjob(['get', 'jobs,pods']).stderr === 'No resources found in default namespace.\n', 30_000, 200);
});
