// The cronjob-demo story on a simulated clock, shared by the e2e tests and by
// test/golden/cronjob/capture.ts (which records what the real kubectl prints for the same objects).
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.js';
import { normalise, type Sandbox } from './helpers.js';

/** The simulated start: ten seconds before the first slot (12:01). */
export const DEMO_START = '2026-11-23T12:00:50Z';
/** Simulated seconds per real second: one slot every 5 real seconds. */
export const DEMO_RATE = 12;
export const DEMO_RUNS = 5;
/** Where the clock is held once the runs are done: one second before the sixth slot. */
export const DEMO_STOP = '2026-11-23T12:05:59Z';
/** The Jobs of slots 12:01 .. 12:05 (minutes since the epoch). */
export const demoJob = (n: number) => `cronjob-demo-${29923920 + n}`;

/**
 * What the goldens show: file, kjob arguments, and who recorded the golden. kube-mirror cannot
 * serve server-side tables (kubectl falls back to NAME AGE against it), so the `get` tables are
 * kjob's own output, checked by hand against kubectl-formats §2.3; describe and -o yaml are the
 * real kubectl's output for the same objects.
 */
export const DEMO_VIEWS: { file: string; args: string[]; by: 'kubectl' | 'kjob' }[] = [
  { file: 'describe-cronjob.txt', args: ['describe', 'cronjob', 'cronjob-demo'], by: 'kubectl' },
  { file: 'get-cronjob.yaml', args: ['get', 'cronjob', 'cronjob-demo', '-o', 'yaml'], by: 'kubectl' },
  { file: 'get-job.yaml', args: ['get', 'job', demoJob(DEMO_RUNS), '-o', 'yaml'], by: 'kubectl' },
  { file: 'get-cj.txt', args: ['get', 'cj'], by: 'kjob' },
  { file: 'get-cj-wide.txt', args: ['get', 'cj', '-o', 'wide'], by: 'kjob' },
  { file: 'get-jobs.txt', args: ['get', 'jobs'], by: 'kjob' },
  { file: 'get-jobs-wide.txt', args: ['get', 'jobs', '-o', 'wide'], by: 'kjob' },
  { file: 'get-pods.txt', args: ['get', 'pods'], by: 'kjob' },
];

/** normalise(), and resourceVersions (how many writes a run took varies). */
export function mask(s: string): string {
  return normalise(s).replace(/resourceVersion: "\d+"/g, 'resourceVersion: "<rv>"');
}

interface Ev {
  reason: string;
  message: string;
}


function cronJobEvents(home: string): Ev[] {
  const store = Store.open(home);
  try {
    return store
      .list('Event', { namespace: 'default' })
      .filter((e) => (e as { involvedObject?: { kind?: string } }).involvedObject?.kind === 'CronJob')
      .map((e) => e as unknown as Ev);
  } finally {
    store.close();
  }
}

function count(kind: 'Job' | 'Pod', home: string): number {
  const store = Store.open(home);
  try {
    return store.list(kind, { namespace: 'default' }).length;
  } finally {
    store.close();
  }
}

/**
 * Apply cronjob-demo on a clock running DEMO_RATE× real time from DEMO_START, let DEMO_RUNS slots
 * run (history limit 3 prunes the first two Jobs), then stop the clock between the last Job's
 * completion and the next slot, and wait until the garbage collector has removed the pruned pods.
 */
export async function runDemo(sb: Sandbox): Promise<void> {
  // The clock stands still while the CronJob is created, so it exists at DEMO_START however long
  // the apply takes (the first slot is 10 simulated seconds, under a second real, after it).
  const set = sb.kjob(['clock', 'set', `--time=${DEMO_START}`, '--rate=0']);
  assert.equal(set.code, 0, set.stderr);
  const ap = sb.kjob(['apply', '-f', 'fixtures/cronjob-demo.yaml']);
  assert.equal(ap.stdout, 'cronjob.batch/cronjob-demo created\n', ap.stderr);
  const go = sb.kjob(['clock', 'set', `--rate=${DEMO_RATE}`]);
  assert.equal(go.code, 0, go.stderr);
  const last = demoJob(DEMO_RUNS);
  try {
    await sb.until(
      `${DEMO_RUNS} runs of cronjob-demo`,
      () => cronJobEvents(sb.home).some((e) => e.reason === 'SawCompletedJob' && e.message.startsWith(`Saw completed job: ${last},`)),
      60_000,
      50,
    );
  } catch (e) {
    // What the runs were doing when they stopped: the clock, the objects, the events, the engine.
    const show = (args: string[]) => {
      const r = sb.kjob(args);
      return `$ kjob ${args.join(' ')}\n${r.stdout}${r.stderr}`;
    };
    const views = [['clock'], ['get', 'cj,jobs,pods', '-o', 'wide'], ['get', 'events', '--sort-by=.lastTimestamp']].map(show).join('\n');
    throw new Error(`${(e as Error).message}\n${views}\nengine.log:\n${sb.engineLog(40)}`);
  }
  const stop = sb.kjob(['clock', 'set', '--rate=0']);
  assert.equal(stop.code, 0, stop.stderr);
  // Then at a fixed instant just before the next slot, so every age printed (and so every column
  // width) is the same from run to run, whenever in the window the clock was stopped.
  const fix = sb.kjob(['clock', 'set', `--time=${DEMO_STOP}`, '--rate=0']);
  assert.equal(fix.code, 0, `the last run finished after ${DEMO_STOP}: ${fix.stderr}`);
  const created = cronJobEvents(sb.home).filter((e) => e.reason === 'SuccessfulCreate');
  assert.equal(created.length, DEMO_RUNS, `the clock stopped before the next slot: ${created.map((e) => e.message).join(', ')}`);
  await sb.until('the pruned Jobs and their pods to be gone', () => count('Job', sb.home) === 3 && count('Pod', sb.home) === 3, 30_000, 50);
}
