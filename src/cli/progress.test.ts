// Progress and colour decisions, with injected streams and times (no sleeps): when a spinner
// runs, what its line says, and the fail-fast rule of `kjob wait`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Chalk } from 'chalk';
import type { KObject } from '../api/types.js';
import { createProgress, jobProgressText, progressMode } from './progress.js';
import { colorLevel, colorWarnings, setNoColor } from './color.js';
import { jobWillNotComplete, willNotCompleteMessage } from './wait.js';
import { waitingFor } from './logs_wait.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean } {
  let out = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  }) as any;
  w.isTTY = isTTY;
  w.columns = 100;
  w.text = () => out;
  w.cursorTo = () => true;
  w.clearLine = () => true;
  w.moveCursor = () => true;
  return w;
}

test('progress: a spinner only when stdout and stderr are terminals; plain with NO_COLOR or --no-color', () => {
  assert.equal(progressMode({ stdout: tty, stderr: sink(true), env: {} }), 'spinner');
  assert.equal(progressMode({ stdout: pipe, stderr: sink(true), env: {} }), 'off');
  assert.equal(progressMode({ stdout: tty, stderr: sink(false), env: {} }), 'off');
  assert.equal(progressMode({ stdout: tty, stderr: sink(true), env: { NO_COLOR: '1' } }), 'plain');
  assert.equal(progressMode({ stdout: tty, stderr: sink(true), env: { TERM: 'dumb' } }), 'plain');
  setNoColor(true);
  try {
    assert.equal(progressMode({ stdout: tty, stderr: sink(true), env: {} }), 'plain');
  } finally {
    setNoColor(false);
  }
});

test('progress: off writes nothing, plain writes one line without escapes, the spinner ends in one line', () => {
  const off = sink(false);
  const p0 = createProgress({ stdout: pipe, stderr: off, env: {} });
  p0.update('x');
  p0.done('ok', 'done');
  assert.equal(off.text(), '');
  const plain = sink(true);
  const p1 = createProgress({ stdout: tty, stderr: plain, env: { NO_COLOR: '1' } });
  p1.update('waiting');
  p1.done('failed', 'job.batch/pi Failed');
  assert.equal(plain.text(), '✖ job.batch/pi Failed\n');
  const term = sink(true);
  const p2 = createProgress({ stdout: tty, stderr: term, env: {} });
  p2.update('job.batch/pi  Running');
  p2.update('job.batch/pi  Running 2');
  p2.done('ok', 'job.batch/pi  Complete');
  assert.match(term.text(), /job\.batch\/pi  Running/);
  assert.match(term.text(), /\x1b\[32m✔\x1b\[39m job\.batch\/pi  Complete\n$/);
});

const job = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): KObject =>
  ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default', creationTimestamp: '2026-11-23T12:00:00Z' }, spec: { completions: 3, ...spec }, status }) as KObject;

test("a Job's progress line: counts and elapsed time at an injected now", () => {
  const j = job({ startTime: '2026-11-23T12:00:01Z', active: 2, succeeded: 1, failed: 1 });
  const now = Date.parse('2026-11-23T12:01:31Z');
  assert.equal(jobProgressText('job.batch/pi', j, now, new Chalk({ level: 0 })), 'job.batch/pi  Running  2 active, 1/3 succeeded, 1 failed  90s');
  const done = job({ startTime: '2026-11-23T12:00:01Z', completionTime: '2026-11-23T12:00:41Z', succeeded: 3, conditions: [{ type: 'Complete', status: 'True' }] });
  assert.equal(jobProgressText('job.batch/pi', done, now, new Chalk({ level: 0 })), 'job.batch/pi  Complete  0 active, 3/3 succeeded, 0 failed  40s');
  assert.match(jobProgressText('job.batch/pi', done, now, new Chalk({ level: 1 })), /\x1b\[32mComplete\x1b\[39m/);
});

test('wait fails fast: Failed or FailureTarget, Suspended while spec.suspend is true; not once complete', () => {
  const failed = job({ conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] });
  const why = jobWillNotComplete(failed)!;
  assert.equal(willNotCompleteMessage('job.batch/pi', why), 'job.batch/pi failed: BackoffLimitExceeded: Job has reached the specified backoff limit');
  const deadline = job({ conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }] });
  assert.equal(willNotCompleteMessage('job.batch/pi', jobWillNotComplete(deadline)!), 'job.batch/pi failed: DeadlineExceeded: Job was active longer than specified deadline');
  const suspended = job({ conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }] }, { suspend: true });
  assert.equal(willNotCompleteMessage('job.batch/pi', jobWillNotComplete(suspended)!), 'job.batch/pi suspended: JobSuspended: Job suspended');
  // being resumed: spec.suspend false, the condition not yet updated
  assert.equal(jobWillNotComplete(job({ conditions: [{ type: 'Suspended', status: 'True' }] }, { suspend: false })), undefined);
  assert.equal(jobWillNotComplete(job({ conditions: [{ type: 'Suspended', status: 'False' }] })), undefined);
  assert.equal(jobWillNotComplete(job({ conditions: [{ type: 'Complete', status: 'True' }] })), undefined);
  assert.equal(jobWillNotComplete(job({})), undefined);
});

test('colour: NO_COLOR, FORCE_COLOR, --no-color, TERM=dumb; kubectl\'s Warning: prefix', () => {
  assert.equal(colorLevel(tty, { env: {} }), 1);
  assert.equal(colorLevel(pipe, { env: {} }), 0);
  assert.equal(colorLevel(tty, { env: { NO_COLOR: '1' } }), 0);
  assert.equal(colorLevel(tty, { env: { NO_COLOR: '' } }), 1);
  assert.equal(colorLevel(pipe, { env: { FORCE_COLOR: '1' } }), 1);
  assert.equal(colorLevel(tty, { env: { FORCE_COLOR: '0' } }), 0);
  assert.equal(colorLevel(tty, { env: { FORCE_COLOR: '3' } }), 3);
  assert.equal(colorLevel(tty, { env: { TERM: 'dumb' } }), 0);
  assert.equal(colorLevel(tty, { env: { TERM: 'xterm-256color' } }), 2);
  assert.equal(colorLevel(tty, { env: {}, noColorFlag: true }), 0);
  assert.equal(colorWarnings('Warning: a\nWarning: b\nno Warning: c\n'), '\x1b[33;1mWarning:\x1b[0m a\n\x1b[33;1mWarning:\x1b[0m b\nno Warning: c\n');
});

test('logs -f: what a container waits for', () => {
  const pod = (status: Record<string, unknown>) => ({ metadata: { name: 'p' }, spec: {}, status }) as unknown as KObject;
  assert.equal(waitingFor(pod({ containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ContainerCreating' } } }] }), 'c'), 'ContainerCreating');
  assert.equal(waitingFor(pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }] }), 'c'), 'Unschedulable: 0/1 nodes are available');
  assert.equal(waitingFor(pod({ containerStatuses: [{ name: 'c', state: { running: {} } }] }), 'c'), undefined);
  assert.equal(waitingFor(pod({}), 'c'), 'ContainerCreating');
});
