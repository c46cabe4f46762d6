// The timeline as a picture to open and share: a standalone SVG (or an HTML page holding it and
// the events). One bar per pod attempt (class "attempt"), the pending time and back-offs beside
// them, the deadline and the end drawn across the Job's rows; each bar has a tooltip (<title>).
import { jobSummary } from './timeline.js';
import type { JobTimeline, Segment, Timeline } from './timeline.js';
import { shortDuration, tickStep } from './timeline_text.js';

const COLORS: Record<Segment['kind'], string> = {
  pending: '#c8ccd2',
  backoff: '#9aa0a6',
  running: '#1f6feb',
  succeeded: '#2da44e',
  failed: '#cf222e',
};
const MARKER_COLORS: Record<string, string> = { complete: '#2da44e', failed: '#cf222e', deadline: '#bf8700', suspended: '#bf8700', resumed: '#bf8700', created: '#6e7781', started: '#6e7781' };

/** Text for XML: &, <, >, quotes escaped; characters XML 1.0 does not allow dropped. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface SvgOptions {
  formatTime: (t: number) => string;
  width?: number;
}

const ROW = 22;
const BAR = 14;

export function renderTimelineSvg(tl: Timeline, o: SvgOptions): string {
  const width = o.width ?? 1000;
  const labels = tl.jobs.flatMap((j) => j.rows.map((r) => r.label));
  const L = Math.min(300, Math.max(120, ...labels.map((l) => l.length * 7 + 24)));
  const R = 24;
  const PW = width - L - R;
  const span = tl.end - tl.start;
  const x = (t: number) => L + ((t - tl.start) / span) * PW;
  const body: string[] = [];
  let y = 28;
  body.push(`<text x="16" y="${y}" class="title">${xmlEscape(tl.subject)}</text>`);
  y += 20;
  body.push(`<text x="16" y="${y}" class="sub">${xmlEscape(`from ${o.formatTime(tl.start)}, ${shortDuration(span)} shown`)}</text>`);
  for (const n of tl.notes) {
    y += 16;
    body.push(`<text x="16" y="${y}" class="note">${xmlEscape(`note: ${n}`)}</text>`);
  }
  y += 28;
  const axisY = y;
  const step = tickStep(span, Math.max(1, Math.floor(PW / 80)));
  const ticks: number[] = [];
  for (let t = 0; t <= span; t += step) ticks.push(t);
  y += 10;
  const gridTop = y;
  const content: string[] = [];
  for (const j of tl.jobs) y = jobSvg(j, content, { x, y, L, PW, tl });
  const gridBottom = y;
  body.push(`<g class="axis">`);
  body.push(`<line x1="${L}" y1="${axisY}" x2="${L + PW}" y2="${axisY}" />`);
  for (const t of ticks) {
    const px = x(tl.start + t).toFixed(1);
    body.push(`<line x1="${px}" y1="${axisY - 4}" x2="${px}" y2="${axisY + 4}" />`);
    body.push(`<line class="grid" x1="${px}" y1="${gridTop}" x2="${px}" y2="${gridBottom}" />`);
    body.push(`<text x="${px}" y="${axisY - 8}" text-anchor="middle">${xmlEscape(shortDuration(t))}</text>`);
  }
  body.push(`</g>`);
  body.push(...content);
  y += 24;
  // legend
  const legend: [string, string, string][] = [
    ['pending', COLORS.pending, 'rect'],
    ['back-off', COLORS.backoff, 'dash'],
    ['running', COLORS.running, 'rect'],
    ['succeeded', COLORS.succeeded, 'rect'],
    ['failed', COLORS.failed, 'rect'],
    ['deadline', MARKER_COLORS.deadline, 'line'],
    ['complete / failed', MARKER_COLORS.complete, 'line'],
  ];
  let lx = 16;
  body.push(`<g class="legend">`);
  for (const [name, color, shape] of legend) {
    if (shape === 'rect') body.push(`<rect x="${lx}" y="${y - 10}" width="14" height="10" fill="${color}" />`);
    else if (shape === 'dash') body.push(`<line x1="${lx}" y1="${y - 5}" x2="${lx + 14}" y2="${y - 5}" stroke="${color}" stroke-width="2" stroke-dasharray="2 2" />`);
    else body.push(`<line x1="${lx + 7}" y1="${y - 12}" x2="${lx + 7}" y2="${y + 2}" stroke="${color}" stroke-width="2" stroke-dasharray="${name === 'deadline' ? '4 2' : '0'}" />`);
    body.push(`<text x="${lx + 20}" y="${y}">${xmlEscape(name)}</text>`);
    lx += 28 + name.length * 7;
  }
  body.push(`</g>`);
  const height = y + 16;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    `<style>.title{font-size:16px;font-weight:600}.sub{fill:#57606a}.note{fill:#9a6700}.job{font-weight:600}.facts{fill:#57606a}.label{fill:#24292f}.axis line{stroke:#8c959f}.axis text{fill:#57606a}.grid{stroke:#eaeef2}.marker-label{font-size:11px}.event{fill:#57606a;font-size:11px}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff" />`,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}

function jobSvg(j: JobTimeline, out: string[], g: { x: (t: number) => number; y: number; L: number; PW: number; tl: Timeline }): number {
  let y = g.y + 18;
  const stateColor = j.state === 'Complete' ? COLORS.succeeded : j.state === 'Failed' ? COLORS.failed : j.state === 'Running' ? COLORS.running : '#6e7781';
  const why = j.reason ? `: ${j.reason}${j.message ? ` (${j.message})` : ''}` : '';
  out.push(`<g class="job-timeline" data-job="${xmlEscape(j.name)}">`);
  out.push(`<text x="16" y="${y}" class="job">${xmlEscape(`job.batch/${j.name}`)}<tspan dx="10" fill="${stateColor}">${xmlEscape(j.state + why)}</tspan></text>`);
  y += 16;
  out.push(`<text x="16" y="${y}" class="facts">${xmlEscape(jobSummary(j))}</text>`);
  for (const n of j.notes) {
    y += 15;
    out.push(`<text x="16" y="${y}" class="note">${xmlEscape(`note: ${n}`)}</text>`);
  }
  y += 10;
  const rowsTop = y;
  for (const r of j.rows) {
    const cy = y + ROW / 2;
    out.push(`<text x="16" y="${cy + 4}" class="label">${xmlEscape(r.label)}</text>`);
    for (const s of r.segments) {
      const x1 = g.x(s.start);
      const w = Math.max(3, g.x(s.end) - x1);
      const what =
        s.kind === 'pending'
          ? `pending${s.reason ? ` (${s.reason})` : ''}`
          : s.kind === 'backoff'
            ? `back-off${s.reason ? ` (${s.reason})` : ''}`
            : `attempt ${(s.attempt ?? 0) + 1}: ${s.kind}${s.exitCode !== undefined ? `, exit code ${s.exitCode}` : ''}${s.reason ? ` (${s.reason})` : ''}`;
      const tip = `pod ${s.pod} ${what}, +${shortDuration(s.start - g.tl.start)} to +${shortDuration(s.end - g.tl.start)} (${shortDuration(s.end - s.start)})${s.open ? ', still going' : ''}`;
      if (s.kind === 'backoff') {
        out.push(`<line class="backoff" x1="${x1.toFixed(1)}" y1="${cy}" x2="${(x1 + w).toFixed(1)}" y2="${cy}" stroke="${COLORS.backoff}" stroke-width="2" stroke-dasharray="3 3"><title>${xmlEscape(tip)}</title></line>`);
        continue;
      }
      const cls = s.kind === 'pending' ? 'pending' : `attempt ${s.kind}`;
      const h = s.kind === 'pending' ? BAR - 6 : BAR;
      out.push(
        `<rect class="${cls}" data-pod="${xmlEscape(s.pod)}" x="${x1.toFixed(1)}" y="${(cy - h / 2).toFixed(1)}" width="${w.toFixed(1)}" height="${h}" rx="2" fill="${COLORS[s.kind]}"${s.open ? ' fill-opacity="0.75"' : ''}><title>${xmlEscape(tip)}</title></rect>`,
      );
    }
    y += ROW;
  }
  if (j.rows.length === 0) {
    out.push(`<text x="${g.L}" y="${y + 14}" class="facts">(no pods)</text>`);
    y += ROW;
  }
  const rowsBottom = y;
  for (const m of j.markers) {
    if ((m.kind !== 'deadline' && m.kind !== 'complete' && m.kind !== 'failed') || m.at > g.tl.end) continue;
    const px = g.x(m.at).toFixed(1);
    out.push(
      `<line class="marker ${m.kind}" x1="${px}" y1="${rowsTop}" x2="${px}" y2="${rowsBottom}" stroke="${MARKER_COLORS[m.kind]}" stroke-width="2"${m.kind === 'deadline' ? ' stroke-dasharray="4 2"' : ''}><title>${xmlEscape(`${m.text} at +${shortDuration(m.at - g.tl.start)}`)}</title></line>`,
    );
  }
  for (const m of j.markers) {
    y += 14;
    const beyond = m.at > g.tl.end;
    const px = Math.min(g.x(m.at), g.L + g.PW);
    const right = px > g.L + g.PW * 0.6;
    out.push(
      `<text x="${(right ? px - 4 : px + 4).toFixed(1)}" y="${y}" class="marker-label" fill="${MARKER_COLORS[m.kind] ?? '#57606a'}" text-anchor="${right ? 'end' : 'start'}">${xmlEscape(`${right ? '' : '▲ '}${m.text} +${shortDuration(m.at - g.tl.start)}${beyond ? ', after the end →' : right ? ' ▲' : ''}`)}</text>`,
    );
  }
  out.push(`</g>`);
  return y + 8;
}

/** An HTML page: the SVG, then each Job's events as a table. */
export function renderTimelineHtml(tl: Timeline, o: SvgOptions): string {
  const svg = renderTimelineSvg(tl, o).replace(/^<\?xml[^>]*>\n/, '');
  const sections = tl.jobs
    .map((j) => {
      const rows = j.events
        .map((e) => `<tr><td>+${xmlEscape(shortDuration(e.at - tl.start))}</td><td class="${e.type === 'Warning' ? 'warn' : ''}">${xmlEscape(e.type)}</td><td>${xmlEscape(e.reason)}</td><td>${xmlEscape(e.object)}</td><td>${xmlEscape(e.message)}${e.count > 1 ? ` (x${e.count})` : ''}</td></tr>`)
        .join('\n');
      return `<h2>job.batch/${xmlEscape(j.name)} events</h2>\n${rows ? `<table><thead><tr><th>when</th><th>type</th><th>reason</th><th>object</th><th>message</th></tr></thead><tbody>\n${rows}\n</tbody></table>` : '<p>none kept</p>'}`;
    })
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    `<title>${xmlEscape(`kjob timeline: ${tl.subject}`)}</title>`,
    '<style>body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px;color:#24292f}table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left}.warn{color:#9a6700}h2{font-size:15px;margin-top:28px}</style>',
    '</head>',
    '<body>',
    svg,
    sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
