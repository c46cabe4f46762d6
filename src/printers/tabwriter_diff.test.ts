// The flat-buffer TabWriter against the cell-object one it replaced (kept below as the reference,
// itself a port of Go's text/tabwriter): the same output for random text written in random pieces,
// by write and writeRow, with flushes, remembered widths and resets between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabWriter } from './tabwriter.js';
import { rng } from '../util/prng.js';

interface Cell {
  text: string;
  width: number; // code points
  htab: boolean;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

class RefTabWriter {
  private readonly out: (s: string) => void;
  private readonly minWidth: number;
  private readonly padding: number;
  private readonly padChar: string;
  private readonly remember: boolean;
  private cell = '';
  private lines: Cell[][] = [[]];
  private widths: number[] = [];
  private maxWidths: number[] = [];
  private pending = '';

  constructor(out: (s: string) => void, opts: TabWriterOptions) {
    this.out = out;
    this.minWidth = opts.minWidth;
    this.padding = opts.padding;
    this.padChar = opts.padChar ?? ' ';
    this.remember = opts.rememberWidths ?? false;
  }

  write(s: string): void {
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === '\t' || ch === '\v' || ch === '\n' || ch === '\f') {
        this.cell += s.slice(start, i);
        start = i + 1;
        const ncells = this.terminateCell(ch === '\t');
        if (ch === '\n' || ch === '\f') {
          this.lines.push([]);
          if (ch === '\f' || ncells === 1) this.flushInternal();
        }
      }
    }
    this.cell += s.slice(start);
  }

  flush(): void {
    this.flushInternal();
  }

  /** liggitt/tabwriter SetRememberedWidths(nil). */
  resetRememberedWidths(): void {
    this.maxWidths = [];
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1];
    line.push({ text: this.cell, width: runeCount(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  private flushInternal(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.widths = [];
    this.cell = '';
    this.emit();
  }

  private emit(): void {
    if (this.pending) {
      const p = this.pending;
      this.pending = '';
      this.out(p);
    }
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let th = line0; th < line1; th++) {
      let line = this.lines[th];
      if (column >= line.length - 1) continue;
      this.writeLines(line0, th);
      line0 = th;
      let width = this.minWidth;
      for (; th < line1; th++) {
        line = this.lines[th];
        if (column >= line.length - 1) break;
        const w = line[column].width + this.padding;
        if (w > width) width = w;
      }
      if (this.remember) {
        if (this.maxWidths.length < this.widths.length) {
          this.maxWidths.push(...this.widths.slice(this.maxWidths.length));
        }
        const c = this.widths.length;
        if (this.maxWidths.length === c) this.maxWidths.push(width);
        else if (this.maxWidths[c] > width) width = this.maxWidths[c];
        else if (this.maxWidths[c] < width) this.maxWidths[c] = width;
      }
      this.widths.push(width);
      this.format(line0, th);
      this.widths.pop();
      line0 = th;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    let s = '';
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i];
      for (let j = 0; j < line.length; j++) {
        const c = line[j];
        s += c.text;
        if (j < this.widths.length) s += this.padChar.repeat(Math.max(0, this.widths[j] - c.width));
      }
      if (i + 1 === this.lines.length) {
        s += this.cell;
        this.cell = '';
      } else {
        s += '\n';
      }
    }
    this.pending += s;
  }
}

test('TabWriter writes what the reference writes (1,000 random sessions)', () => {
  const r = rng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const word = () => pick(['', 'a', 'bb', 'seed-0-000001', '0/1', 'Completed', 'héllo', '日本', '😀x', 'a b', '<none>', '12m']);
  for (let session = 0; session < 1000; session++) {
    const opts = pick([
      { minWidth: 6, tabWidth: 4, padding: 3, padChar: ' ', rememberWidths: true },
      { minWidth: 0, tabWidth: 8, padding: 2, padChar: ' ' },
      { minWidth: 1, tabWidth: 1, padding: 0, padChar: '.', rememberWidths: true },
    ]);
    let a = '';
    let b = '';
    const mine = new TabWriter((s) => (a += s), opts);
    const ref = new RefTabWriter((s) => (b += s), opts);
    const steps = 1 + Math.floor(r() * 30);
    for (let i = 0; i < steps; i++) {
      const op = r();
      if (op < 0.45) {
        const cells = Array.from({ length: Math.floor(r() * 6) }, () => (r() < 0.05 ? pick(['x\ty', 'p\vq', 'l\nm', 'f\fg']) : word()));
        mine.writeRow(cells);
        ref.write(cells.join('\t') + '\n');
      } else if (op < 0.85) {
        let s = '';
        const n = Math.floor(r() * 8);
        for (let k = 0; k < n; k++) s += r() < 0.5 ? word() : pick(['\t', '\n', '\t', '\v', '\f', '\t\t']);
        mine.write(s);
        ref.write(s);
      } else if (op < 0.95) {
        mine.flush();
        ref.flush();
      } else {
        mine.resetRememberedWidths();
        ref.resetRememberedWidths();
      }
      assert.equal(a, b, `session ${session}, step ${i}`);
    }
    mine.flush();
    ref.flush();
    assert.equal(a, b, `session ${session} at the end`);
  }
});

test('TabWriter writes what the reference writes for tables: rows of one length, by writeRow, plain and not, as get writes them (1,000 random sessions)', () => {
  const r = rng(12);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const word = () => pick(['', 'a', 'bb', 'seed-0-000001', '0/1', 'Completed', 'héllo', '日本', '😀x', 'a b', '<none>', '12m', 'a-very-long-name-of-an-object-0001']);
  let tables = 0;
  let plain = 0;
  for (let session = 0; session < 1000; session++) {
    const opts = pick([
      { minWidth: 6, tabWidth: 4, padding: 3, padChar: ' ', rememberWidths: true },
      { minWidth: 0, tabWidth: 8, padding: 2, padChar: ' ' },
    ]);
    let a = '';
    let b = '';
    const mine = new TabWriter((s) => (a += s), opts);
    const ref = new RefTabWriter((s) => (b += s), opts);
    const n = 2 + Math.floor(r() * 7);
    for (let t = 0; t < 1 + Math.floor(r() * 4); t++) {
      // A table (at times with a row of another length: then not a table), flushed as get flushes.
      const rows = 1 + Math.floor(r() * 40);
      for (let i = 0; i < rows; i++) {
        const len = r() < 0.02 ? Math.floor(r() * 9) : n;
        // A row of more cells than are written, at times (as printTable leaves wide columns out).
        const cells = Array.from({ length: len + (r() < 0.2 ? 2 : 0) }, word);
        mine.writeRow(cells, len);
        // A row writeRow takes as it is (no tab, newline, form feed or surrogate): the generator makes many.
        if (len >= 2 && cells.slice(0, len).every((c) => !/[\t\v\n\f\uD800-\uDFFF]/.test(c))) plain++;
        ref.write(cells.slice(0, len).join('\t') + '\n');
      }
      mine.flush();
      ref.flush();
      tables++;
      assert.equal(a, b, `session ${session}, table ${t}`);
      if (r() < 0.2) {
        mine.resetRememberedWidths();
        ref.resetRememberedWidths();
      }
    }
  }
  assert.ok(tables > 1000);
  assert.ok(plain > 1000, `${plain} rows written plain`);
});
