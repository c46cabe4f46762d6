// The timeline on a terminal: one line per row, time left to right on a shared axis. Glyphs carry
// the meaning without colour (pending ░, back-off ·, an attempt █ ending in ✓ succeeded, ✗ failed
// or ▶ still running; the deadline and the end drawn down the rows), and colour adds to it when
// the chalk has a level (Complete/succeeded green, Failed red, Running blue, Pending grey).
import type { ChalkInstance } from 'chalk';
import { jobSummary } from './timeline.js';
import type { JobTimeline, Marker, Segment, Timeline } from './timeline.js';

const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** "0s", "45s", "2m", "1m30s", "2h", "1d" */
export function shortDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}

/** A tick step (ms) giving at most `max` ticks over the span. */
export function tickStep(spanMs: number, max: number): number {
  for (const s of STEPS_S) if (spanMs / (s * 1000) <= max) return s * 1000;
  return Math.ceil(spanMs / max / 86_400_000) * 86_400_000;
}

interface Cell {
  ch: string;
  paint?: (s: string) => string;
}

function paintOf(c: ChalkInstance, kind: Segment['kind']): (s: string) => string {
  switch (kind) {
    case 'pending':
      return c.gray;
    case 'backoff':
      return c.gray;
    case 'running':
      return c.blue;
    case 'succeeded':
      return c.green;
    case 'failed':
      return c.red;
  }
}

function markerPaint(c: ChalkInstance, m: Marker): (s: string) => string {
  switch (m.kind) {
    case 'complete':
      return c.green;
    case 'failed':
      return c.red;
    case 'deadline':
      return c.yellow;
    case 'suspended':
    case 'resumed':
      return c.yellow;
    default:
      return c.gray;
  }
}

export interface TextOptions {
  width: number;
  chalk: ChalkInstance;
  /** RFC3339 of an instant, for the header (the caller's zone) */
  formatTime: (t: number) => string;
  /** how many events per Job (default 15) */
  maxEvents?: number;
}

export function renderTimelineText(tl: Timeline, o: TextOptions): string {
  const c = o.chalk;
  const labels = tl.jobs.flatMap((j) => j.rows.map((r) => r.label));
  const labelW = Math.min(40, Math.max(8, ...labels.map((l) => l.length)) + 2);
  const W = Math.max(20, o.width - labelW - 1);
  const span = tl.end - tl.start;
  // Times map onto all cells but the last: a Job completes in the instant its last pod ends, in the
  // same cell as that pod's ✓, and its completion marker then goes one cell to the right.
  const x = (t: number) => Math.max(0, Math.min(W - 2, Math.floor(((t - tl.start) / span) * (W - 2) + 1e-9)));
  const out: string[] = [];
  out.push(`${c.bold(tl.subject)}  from ${o.formatTime(tl.start)}, ${shortDuration(span)} shown${tl.jobs.some((j) => !['Complete', 'Failed'].includes(j.state)) ? ' (until now)' : ''}`);
  for (const n of tl.notes) out.push(c.yellow(`note: ${n}`));

  // the axis
  const step = tickStep(span, Math.max(1, Math.floor(W / 10)));
  const axisLabels = Array<string>(W).fill(' ');
  const axisLine = Array<string>(W).fill('─');
  for (let t = 0; t <= span; t += step) {
    const p = x(tl.start + t);
    axisLine[p] = '┼';
    const text = shortDuration(t);
    if (p + text.length <= W && axisLabels.slice(Math.max(0, p - 1), p + text.length + 1).every((ch) => ch === ' ')) {
      for (let i = 0; i < text.length; i++) axisLabels[p + i] = text[i];
    }
  }
  axisLine[0] = '├';
  const pad = ' '.repeat(labelW);
  out.push('');
  out.push(pad + c.gray(axisLabels.join('').trimEnd()));
  out.push(pad + c.gray(axisLine.join('')));

  for (const j of tl.jobs) {
    out.push(...jobLines(j, { c, W, labelW, x, pad, maxEvents: o.maxEvents ?? 15, start: tl.start, end: tl.end }));
  }
  out.push('');
  out.push(
    c.gray('legend: ') +
      [c.gray('░ pending'), c.gray('· back-off'), c.blue('█▶ running'), c.green('█✓ succeeded'), c.red('█✗ failed'), c.yellow('┆ deadline'), c.green('│ complete') + '/' + c.red('failed')].join('  '),
  );
  return out.join('\n') + '\n';
}

function jobLines(
  j: JobTimeline,
  g: { c: ChalkInstance; W: number; labelW: number; x: (t: number) => number; pad: string; maxEvents: number; start: number; end: number },
): string[] {
  const { c, W, labelW, x, pad } = g;
  const out: string[] = [''];
  const stateColour = j.state === 'Complete' ? c.green : j.state === 'Failed' ? c.red : j.state === 'Running' ? c.blue : j.state === 'Suspended' ? c.yellow : c.gray;
  const why = j.reason ? `: ${j.reason}${j.message ? `: ${j.message}` : ''}` : '';
  out.push(`${c.bold(`job.batch/${j.name}`)}  ${stateColour(j.state + why)}`);
  out.push(c.gray(jobSummary(j)));
  for (const n of j.notes) out.push(c.yellow(`note: ${n}`));
  // drawn down the rows when within the time shown (a deadline after a Job's end is only named)
  const drawn = j.markers.filter((m) => (m.kind === 'deadline' || m.kind === 'complete' || m.kind === 'failed') && m.at <= g.end);
  // A Job's end is drawn in one column down every row: right of any pod bar that ends in its cell.
  const segmentEnds = new Set(j.rows.flatMap((r) => r.segments.map((s) => Math.max(x(s.start), x(s.end)))));
  const column = (m: Marker) => ((m.kind === 'complete' || m.kind === 'failed') && segmentEnds.has(x(m.at)) ? x(m.at) + 1 : x(m.at));
  for (const r of j.rows) {
    const cells: Cell[] = Array.from({ length: W }, () => ({ ch: ' ' }));
    // markers lie under the bars
    for (const m of drawn) if (m.at >= g.start) cells[column(m)] = { ch: m.kind === 'deadline' ? '┆' : '│', paint: markerPaint(c, m) };
    for (const s of r.segments) {
      const a = x(s.start);
      const b = Math.max(a, x(s.end));
      const paint = paintOf(c, s.kind);
      const fill = s.kind === 'pending' ? '░' : s.kind === 'backoff' ? '·' : '█';
      // a back-off or pending stretch does not cover the cell where an attempt starts or ends
      const from = s.kind === 'backoff' ? a + 1 : a;
      for (let i = from; i <= b; i++) {
        if ((s.kind === 'backoff' || s.kind === 'pending') && i === b && b > a) break;
        cells[i] = { ch: fill, paint };
      }
      if (s.kind === 'succeeded') cells[b] = { ch: '✓', paint };
      if (s.kind === 'failed') cells[b] = { ch: '✗', paint };
      if (s.kind === 'running' && s.open) cells[b] = { ch: '▶', paint };
    }
    const label = r.label.length > labelW - 2 ? r.label.slice(0, labelW - 3) + '…' : r.label;
    out.push(label.padEnd(labelW) + cells.map((cell) => (cell.paint ? cell.paint(cell.ch) : cell.ch)).join('').trimEnd());
  }
  if (j.rows.length === 0) out.push(pad + c.gray('(no pods)'));
  // the markers, one per line, under the rows
  for (const m of j.markers) {
    const p = column(m);
    const beyond = m.at > g.end ? ', after the end →' : '';
    const text = `${m.text} ${c.gray(`+${shortDuration(m.at - g.start)}${beyond}`)}`;
    const plainLen = `${m.text} +${shortDuration(m.at - g.start)}${beyond}`.length;
    if (beyond) {
      out.push(pad + ' '.repeat(Math.max(0, W - plainLen)) + markerPaint(c, m)(m.text) + ' ' + c.gray(`+${shortDuration(m.at - g.start)}${beyond}`));
      continue;
    }
    const line = p + 2 + plainLen <= W ? ' '.repeat(p) + markerPaint(c, m)('▲') + ' ' + text : ' '.repeat(Math.max(0, p - plainLen - 1)) + text + ' ' + markerPaint(c, m)('▲');
    out.push(pad + line);
  }
  if (j.events.length) {
    out.push(c.gray('events:'));
    const shown = j.events.slice(-g.maxEvents);
    if (shown.length < j.events.length) out.push(c.gray(`  … ${j.events.length - shown.length} earlier`));
    for (const e of shown) {
      const t = `+${shortDuration(e.at - g.start)}`.padStart(7);
      const type = e.type === 'Warning' ? c.yellow(e.type.padEnd(7)) : e.type.padEnd(7);
      out.push(`  ${c.gray(t)}  ${type}  ${e.reason.padEnd(22)}  ${e.object}: ${e.message}${e.count > 1 ? c.gray(` (x${e.count})`) : ''}`);
    }
  }
  return out;
}
