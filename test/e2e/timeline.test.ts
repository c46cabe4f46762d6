// kjob timeline: a Job's pods on a time axis, as text (glyphs without colour, colour when asked
// for) and as SVG/HTML files (well-formed, one bar per pod attempt); Indexed Jobs by index with
// overlapping bars; deleted pods noted; a CronJob's Jobs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, shJob } from './helpers.js';
import { checkXml } from './xml.js';

const sb = new Sandbox();
after(() => sb.cleanup());

const job = shJob;

const run = (args: string[], env?: NodeJS.ProcessEnv) => {
  const r = sb.kjob(args, { env });
  assert.equal(r.code, 0, `kjob ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const rowsOf = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

test('a Job that retried and failed: one row per pod, the failures, the back-off, the end marked', () => {
  assert.equal(sb.kjob(['apply', '-f', '-', '--wait'], { input: job('retry', '  backoffLimit: 1', 'sleep 1; exit 1') }).code, 1);
  const text = run(['timeline', 'job/retry', '--width', '100']);
  assert.doesNotMatch(text, /\x1b/); // piped: no colour
  assert.match(text, /^job\.batch\/retry  from \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, \d+s shown\n/);
  assert.match(text, /\njob\.batch\/retry  Failed: BackoffLimitExceeded: Job has reached the specified backoff limit\n/);
  assert.match(text, /\nparallelism 1, completions 1, backoffLimit 1 · 0 succeeded, 2 failed · 2 attempts drawn\n/);
  const rows = rowsOf(text, 'retry-');
  assert.equal(rows.length, 2);
  for (const r of rows) assert.equal((r.match(/✗/g) ?? []).length, 1, r);
  assert.match(rows[1], /^retry-\w{5} +·+░*█*✗/); // the second pod: back-off since the first failed
  assert.match(text, /failed: BackoffLimitExceeded \+\d+s/);
  assert.match(text, /events:\n(.*\n)*.*Warning +BackoffLimitExceeded +job\/retry: Job has reached the specified backoff limit/);
  assert.match(text, /\nlegend: ░ pending  · back-off  █▶ running  █✓ succeeded  █✗ failed  ┆ deadline  │ complete\/failed\n$/);
});

test('colour: FORCE_COLOR on a pipe, and --no-color or NO_COLOR refusing it', () => {
  const coloured = run(['timeline', 'job/retry', '--width', '100'], { FORCE_COLOR: '1' });
  assert.match(coloured, /\x1b\[31m✗\x1b\[39m/); // failed attempts red
  assert.match(coloured, /\x1b\[31mFailed: BackoffLimitExceeded/);
  assert.doesNotMatch(run(['--no-color', 'timeline', 'job/retry'], { FORCE_COLOR: '1' }), /\x1b/);
  assert.doesNotMatch(run(['timeline', 'job/retry'], { FORCE_COLOR: '1', NO_COLOR: '1' }), /\x1b/);
  // kubectl's own outputs stay uncoloured whatever is asked
  assert.doesNotMatch(run(['get', 'jobs'], { FORCE_COLOR: '3' }), /\x1b/);
  assert.doesNotMatch(run(['describe', 'job', 'retry'], { FORCE_COLOR: '3' }), /\x1b/);
});

test('-o svg FILE: well-formed XML with one bar per pod attempt; -o html -', () => {
  const file = path.join(sb.home, 'retry.svg');
  const r = sb.kjob(['timeline', 'job/retry', '-o', 'svg', file]);
  assert.deepEqual(r, { stdout: '', stderr: `wrote ${file}: 1 Job, 2 pod attempts\n`, code: 0 });
  const svg = fs.readFileSync(file, 'utf8');
  const { problems, elements } = checkXml(svg);
  assert.deepEqual(problems, []);
  assert.equal(elements[0].name, 'svg');
  assert.equal(elements[0].attrs.xmlns, 'http://www.w3.org/2000/svg');
  const attempts = elements.filter((e) => e.name === 'rect' && /\battempt\b/.test(e.attrs.class ?? ''));
  assert.equal(attempts.length, 2);
  assert.ok(attempts.every((e) => /\bfailed\b/.test(e.attrs.class)));
  assert.equal(new Set(attempts.map((e) => e.attrs['data-pod'])).size, 2);
  assert.ok(elements.some((e) => e.name === 'line' && e.attrs.class === 'marker failed'));
  const html = run(['timeline', 'job/retry', '-o', 'html', '-']);
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" \/>\n<title>kjob timeline: job\.batch\/retry<\/title>/);
  assert.deepEqual(checkXml(html.replace('<!DOCTYPE html>\n', '')).problems, []);
  assert.match(html, /<td>BackoffLimitExceeded<\/td>/);
});

// Without the 1 s batching the Job completes in the instant its last pod ends: its completion
// marker │ must still be drawn, right of the ✓ in that cell.
test('an Indexed Job in parallel: one row per index, bars overlapping in time; a deleted pod noted', async () => {
  assert.equal(sb.kjob(['apply', '-f', '-', '--wait'], { input: job('idx', '  completionMode: Indexed\n  completions: 3\n  parallelism: 3', 'sleep 2') }).code, 0);
  const text = run(['timeline', 'job/idx', '--width', '90']);
  const rows = rowsOf(text, 'index ');
  assert.deepEqual(rows.map((r) => r.slice(0, 8)), ['index 0 ', 'index 1 ', 'index 2 ']);
  for (const r of rows) assert.equal((r.match(/✓/g) ?? []).length, 1, r);
  // parallelism: every row is running (█) in some common column
  const running = rows.map((r) => new Set([...r].flatMap((ch, i) => (ch === '█' || ch === '✓' ? [i] : []))));
  assert.ok([...running[0]].some((i) => running[1].has(i) && running[2].has(i)), text);
  assert.match(text, /│ *\n/); // the completion drawn down the rows
  const pod = sb.kjob(['get', 'pods', '-l', 'batch.kubernetes.io/job-completion-index=1', '-o', 'name']).stdout.trim().replace('pod/', '');
  assert.equal(sb.kjob(['delete', 'pod', pod]).code, 0);
  const after = run(['timeline', 'job/idx', '--width', '90']);
  assert.match(after, new RegExp(`note: 1 pod\\(s\\) are gone from the store \\(${pod}\\): not drawn`));
  assert.equal(rowsOf(after, 'index ').length, 2);
});

test('a deadline: marked, and the Job failing at it', () => {
  assert.equal(sb.kjob(['apply', '-f', '-', '--wait'], { input: job('late', '  activeDeadlineSeconds: 3', 'sleep 60') }).code, 1);
  // the wait fails fast at FailureTarget, while the pod is being stopped
  const failing = run(['timeline', 'job/late', '--width', '100']);
  assert.match(failing, /\njob\.batch\/late  (FailureTarget: DeadlineExceeded: Job was active longer than specified deadline|Failed: DeadlineExceeded)/);
  assert.equal(sb.kjob(['wait', '--for=condition=failed', 'job/late', '--timeout=60s']).code, 0);
  const text = run(['timeline', 'job/late', '--width', '100']);
  assert.match(text, /deadline \(activeDeadlineSeconds 3\) \+\d+s/);
  assert.match(text, /failed: DeadlineExceeded \+\d+s/);
  assert.match(text, /activeDeadlineSeconds 3/);
  const svg = run(['timeline', 'job/late', '-o', 'svg', '-']);
  const { problems, elements } = checkXml(svg);
  assert.deepEqual(problems, []);
  assert.ok(elements.some((e) => e.name === 'line' && e.attrs.class === 'marker deadline'));
});

test("a CronJob: its Jobs on one axis; and the errors", () => {
  assert.equal(sb.kjob(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 0 1 1 *', '--', 'sh', '-c', 'sleep 1']).code, 0);
  assert.equal(sb.kjob(['create', 'job', 'nightly-manual', '--from=cronjob/nightly']).code, 0);
  assert.equal(sb.kjob(['wait', '--for=condition=complete', 'job/nightly-manual', '--timeout=60s']).code, 0);
  const text = run(['timeline', 'cronjob/nightly', '--width', '100']);
  assert.match(text, /^cronjob\.batch\/nightly  from /);
  assert.match(text, /\njob\.batch\/nightly-manual  Complete: CompletionsReached: Reached expected number of succeeded pods\n/);
  assert.equal(rowsOf(text, 'nightly-manual-').length, 1);
  assert.deepEqual(sb.kjob(['timeline', 'job/nope']), { stdout: '', stderr: 'Error from server (NotFound): jobs.batch "nope" not found\n', code: 1 });
  assert.match(sb.kjob(['timeline', 'job/retry', '-o', 'svg']).stderr, /^error: -o svg writes to a file/);
  assert.match(sb.kjob(['timeline', 'pod/x']).stderr, /^error: specify one Job or CronJob/);
  assert.match(sb.kjob(['timeline', 'job/retry', '-o', 'png', 'x']).stderr, /^error: unable to match a printer suitable for the output format "png", allowed formats are: text,svg,html\n/);
});

test("the README's picture (test/golden/timeline/render.svg, from a real run of render.yaml) is well-formed, one bar per attempt", () => {
  const { problems, elements } = checkXml(fs.readFileSync(path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../golden/timeline/render.svg'), 'utf8'));
  assert.deepEqual(problems, []);
  assert.equal(elements.filter((e) => e.name === 'rect' && /\battempt\b/.test(e.attrs.class ?? '')).length, 5);
});
