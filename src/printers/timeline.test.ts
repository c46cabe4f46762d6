// The timeline from stored objects (no clock, no I/O): rows per index or pod, attempts from state
// and lastState, back-offs, markers, deleted pods; the text and SVG renderings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import type { KObject } from '../api/types.js';
import { jobTimeline, timeline } from './timeline.js';
import { renderTimelineText, shortDuration, tickStep } from './timeline_text.js';
import { renderTimelineHtml, renderTimelineSvg, xmlEscape } from './timeline_svg.js';
import { checkXml } from '../../test/e2e/xml.js';

const T0 = Date.parse('2026-11-23T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('.000Z', 'Z');
const UID = 'job-uid-1';

function job(spec: Record<string, unknown>, status: Record<string, unknown>): KObject {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default', uid: UID, creationTimestamp: at(0) }, spec, status } as KObject;
}

function pod(name: string, created: number, cs: Record<string, unknown>, extra: { index?: string; phase?: string } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: at(created),
      labels: { 'batch.kubernetes.io/controller-uid': UID },
      ...(extra.index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': extra.index } } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: extra.phase ?? 'Running', containerStatuses: [{ name: 'c', ...cs }] },
  } as KObject;
}

const terminated = (start: number, end: number, exitCode: number) => ({ terminated: { startedAt: at(start), finishedAt: at(end), exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } });

const event = (reason: string, message: string, s: number, type = 'Normal', uid = UID, kind = 'Job', name = 'pi'): KObject =>
  ({ kind: 'Event', apiVersion: 'v1', metadata: { name: `e-${reason}-${s}`, namespace: 'default' }, involvedObject: { kind, name, namespace: 'default', uid }, reason, message, type, firstTimestamp: at(s), lastTimestamp: at(s), count: 1 }) as unknown as KObject;

test('an Indexed Job: one row per index, a failed pod and its replacement on one row with the back-off between', () => {
  const j = job(
    { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimit: 3, activeDeadlineSeconds: 60 },
    { startTime: at(1), completionTime: at(30), succeeded: 2, failed: 1, conditions: [{ type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastTransitionTime: at(30) }] },
  );
  const pods = [
    pod('pi-0-aaaaa', 1, { state: terminated(3, 10, 0), restartCount: 0 }, { index: '0', phase: 'Succeeded' }),
    pod('pi-1-bbbbb', 1, { state: terminated(2, 5, 1), restartCount: 0 }, { index: '1', phase: 'Failed' }),
    pod('pi-1-ccccc', 15, { state: terminated(16, 29, 0), restartCount: 0 }, { index: '1', phase: 'Succeeded' }),
  ];
  const jt = jobTimeline(j, pods, [event('Completed', 'Job completed', 30)], T0 + 100_000);
  assert.deepEqual(jt.rows.map((r) => r.label), ['index 0', 'index 1']);
  assert.deepEqual(jt.rows[1].segments.map((s) => `${s.kind} ${(s.start - T0) / 1000}-${(s.end - T0) / 1000}`), ['pending 1-2', 'failed 2-5', 'backoff 5-15', 'pending 15-16', 'succeeded 16-29']);
  assert.equal(jt.attempts, 3);
  assert.deepEqual(jt.markers.map((m) => m.kind), ['created', 'started', 'complete', 'deadline']);
  assert.equal(jt.state, 'Complete');
  const tl = timeline('job.batch/pi', [jt], T0 + 100_000);
  // a finished Job is drawn to its end; the deadline after it is not stretched in
  assert.equal(tl.end, T0 + 30_000);
  const text = renderTimelineText(tl, { width: 80, chalk: new Chalk({ level: 0 }), formatTime: (t) => new Date(t).toISOString() });
  assert.doesNotMatch(text, /\x1b/);
  const rows = text.split('\n').filter((l) => l.startsWith('index '));
  assert.equal(rows.length, 2);
  assert.equal((rows[1].match(/✗/g) ?? []).length, 1);
  assert.equal((rows[1].match(/✓/g) ?? []).length, 1);
  assert.match(rows[1], /✗·+░*█*✓/);
  assert.match(text, /job\.batch\/pi  Complete: CompletionsReached: Reached expected number of succeeded pods/);
  assert.match(text, /Indexed, parallelism 2, completions 2, backoffLimit 3, activeDeadlineSeconds 60 · 2 succeeded, 1 failed · 3 attempts drawn/);
  const coloured = renderTimelineText(tl, { width: 80, chalk: new Chalk({ level: 1 }), formatTime: (t) => new Date(t).toISOString() });
  assert.match(coloured, /\x1b\[31m✗/); // failed red
  assert.match(coloured, /\x1b\[32m█/); // succeeded green
});

test('restarts in place (OnFailure): the attempts its status keeps, the back-off between, and a note for the rest', () => {
  const j = job({ completions: 1, parallelism: 1 }, { startTime: at(0), active: 1, failed: 0 });
  const p = pod('pi-xxxxx', 0, { restartCount: 3, lastState: terminated(20, 21, 1), state: { running: { startedAt: at(41) } } });
  const jt = jobTimeline(j, [p], [], T0 + 50_000);
  assert.deepEqual(jt.rows[0].segments.map((s) => `${s.kind} ${(s.start - T0) / 1000}-${(s.end - T0) / 1000}${s.open ? ' open' : ''}`), ['pending 0-20', 'failed 20-21', 'backoff 21-41', 'running 41-50 open']);
  assert.match(jt.notes.join(), /restarted 3 times: its status keeps only the last 2 attempt\(s\), the first 2 are not drawn/);
  const tl = timeline('job.batch/pi', [jt], T0 + 50_000);
  assert.equal(tl.end, T0 + 50_000); // a live Job is drawn until now
  const text = renderTimelineText(tl, { width: 70, chalk: new Chalk({ level: 0 }), formatTime: String });
  assert.match(text, /▶/);
});

test('deleted pods: the events name them, the timeline says they are not drawn; a suspended Job', () => {
  const j = job({ suspend: true }, { conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastTransitionTime: at(5) }], failed: 0 });
  const evs = [event('SuccessfulCreate', 'Created pod: pi-gone1', 1), event('SuccessfulDelete', 'Deleted pod: pi-gone1', 5), event('Suspended', 'Job suspended', 5)];
  const jt = jobTimeline(j, [], evs, T0 + 10_000);
  assert.equal(jt.state, 'Suspended');
  assert.deepEqual(jt.notes, ['1 pod(s) are gone from the store (pi-gone1): not drawn']);
  assert.deepEqual(jt.markers.map((m) => m.kind), ['created', 'suspended']);
  // A big Job's pods gone: its events name a few (nine, then a combined one naming the last), its counters all.
  const big = job({}, { succeeded: 40 });
  const bigEvents = [event('SuccessfulCreate', 'Created pod: pi-a', 1), event('SuccessfulCreate', '(combined from similar events): Created pod: pi-b', 2)];
  assert.deepEqual(jobTimeline(big, [], bigEvents, T0 + 10_000).notes, ['the Job counts 40 pods, the store keeps 0: the others were deleted and are not drawn']);
  assert.deepEqual(jobTimeline(job({}, { succeeded: 2 }), [], bigEvents, T0 + 10_000).notes, ['2 pod(s) are gone from the store (pi-a, pi-b): not drawn']);
  // pods' routine events are left out, their warnings kept
  const p = pod('pi-zzzzz', 1, { state: terminated(2, 3, 1) }, { phase: 'Failed' });
  const jt2 = jobTimeline(job({}, {}), [p], [event('Started', 'Started container c', 2, 'Normal', 'uid-pi-zzzzz', 'Pod', 'pi-zzzzz'), event('BackOff', 'Back-off', 3, 'Warning', 'uid-pi-zzzzz', 'Pod', 'pi-zzzzz')], T0 + 5000);
  assert.deepEqual(jt2.events.map((e) => e.reason), ['BackOff']);
});

test('SVG: well-formed XML, one bar per pod attempt, text escaped; HTML around it', () => {
  const j = job({ backoffLimit: 1, activeDeadlineSeconds: 10 }, { startTime: at(0), failed: 2, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified <backoff> limit & more', lastTransitionTime: at(15) }] });
  const pods = [pod('pi-aaaaa', 0, { state: terminated(1, 2, 1) }, { phase: 'Failed' }), pod('pi-bbbbb', 12, { state: terminated(13, 14, 1) }, { phase: 'Failed' })];
  const tl = timeline('job.batch/pi', [jobTimeline(j, pods, [], T0 + 60_000)], T0 + 60_000);
  const svg = renderTimelineSvg(tl, { formatTime: (t) => new Date(t).toISOString() });
  const { problems, elements } = checkXml(svg);
  assert.deepEqual(problems, []);
  assert.equal(elements[0].name, 'svg');
  assert.equal(elements.filter((e) => e.name === 'rect' && /\battempt\b/.test(e.attrs.class ?? '')).length, 2);
  assert.equal(elements.filter((e) => e.name === 'line' && e.attrs.class === 'backoff').length, 1);
  assert.ok(elements.some((e) => e.name === 'line' && e.attrs.class === 'marker deadline'));
  assert.match(svg, /specified &lt;backoff&gt; limit &amp; more/);
  const html = renderTimelineHtml(tl, { formatTime: String });
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
  assert.equal(checkXml(html.replace('<!DOCTYPE html>\n', '')).problems.length, 0);
});

test('the XML check finds what is not well formed', () => {
  assert.deepEqual(checkXml('<a><b x="1"/></a>').problems, []);
  assert.notDeepEqual(checkXml('<a><b></a></b>').problems, []);
  assert.notDeepEqual(checkXml('<a x="1" x="2"/>').problems, []);
  assert.notDeepEqual(checkXml('<a>&nbsp;</a>').problems, []);
  assert.notDeepEqual(checkXml('<a>x & y</a>').problems, []);
  assert.notDeepEqual(checkXml('<a x=1/>').problems, []);
  assert.notDeepEqual(checkXml('<a/><b/>').problems, []);
  assert.notDeepEqual(checkXml('<a>').problems, []);
  assert.equal(xmlEscape('a<b>&"\'\u0001'), 'a&lt;b&gt;&amp;&quot;&apos;');
});

test('durations and ticks', () => {
  assert.equal(shortDuration(0), '0s');
  assert.equal(shortDuration(90_000), '1m30s');
  assert.equal(shortDuration(3_600_000 * 26), '1d2h');
  assert.equal(tickStep(24_000, 8), 5000);
  assert.equal(tickStep(3_600_000, 6), 600_000);
});

test('a deadline after the end is named, not drawn', () => {
  const j = job({ activeDeadlineSeconds: 600 }, { startTime: at(0), completionTime: at(5), succeeded: 1, conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: at(5) }] });
  const tl = timeline('job.batch/pi', [jobTimeline(j, [pod('pi-aaaaa', 0, { state: terminated(1, 4, 0) }, { phase: 'Succeeded' })], [], T0 + 60_000)], T0 + 60_000);
  assert.equal(tl.end, T0 + 5000);
  const text = renderTimelineText(tl, { width: 80, chalk: new Chalk({ level: 0 }), formatTime: String });
  assert.match(text, /deadline \(activeDeadlineSeconds 600\) \+10m, after the end →\n/);
  assert.doesNotMatch(text.split('\n').find((l) => l.startsWith('pi-aaaaa'))!, /┆/);
  const { elements } = checkXml(renderTimelineSvg(tl, { formatTime: String }));
  assert.ok(!elements.some((e) => e.name === 'line' && e.attrs.class === 'marker deadline'));
});

test('a Job that completes in the instant its last pod ends: the completion │ is drawn right of that ✓, in every row', () => {
  const j = job(
    { completionMode: 'Indexed', completions: 2, parallelism: 2 },
    { startTime: at(0), completionTime: at(4), succeeded: 2, conditions: [{ type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastTransitionTime: at(4) }] },
  );
  const pods = [
    pod('pi-0-aaaaa', 0, { state: terminated(1, 3, 0), restartCount: 0 }, { index: '0', phase: 'Succeeded' }),
    pod('pi-1-bbbbb', 0, { state: terminated(1, 4, 0), restartCount: 0 }, { index: '1', phase: 'Succeeded' }),
  ];
  const tl = timeline('job.batch/pi', [jobTimeline(j, pods, [], T0 + 100_000)], T0 + 100_000);
  assert.equal(tl.end, T0 + 4_000);
  const text = renderTimelineText(tl, { width: 60, chalk: new Chalk({ level: 0 }), formatTime: (t) => new Date(t).toISOString() });
  const rows = text.split('\n').filter((l) => l.startsWith('index '));
  assert.equal(rows.length, 2);
  assert.match(rows[1], /█✓│$/);
  assert.match(rows[0], /✓ +│$/);
  assert.equal(rows[0].indexOf('│'), rows[1].indexOf('│'));
  // the marker's line points at the same column
  const marker = text.split('\n').find((l) => /complete.*\+4s/.test(l))!;
  assert.equal(marker.indexOf('▲'), rows[1].indexOf('│'), text);
});
