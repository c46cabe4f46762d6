// A faithful port of Go's text/tabwriter (and the liggitt/tabwriter fork's RememberWidths flag),
// the way kubectl uses it: left-aligned cells, padding with padChar, widths in Unicode code
// points, a line with a single cell (no tab) flushes, '\f' forces a flush.

export interface TabWriterOptions {
  minWidth: number;
  tabWidth: number;
  padding: number;
  padChar?: string;
  rememberWidths?: boolean;
}

const SURROGATE = /[\uD800-\uDFFF]/;
const CELL_END = /[\t\v\n\f]/;

function runeCount(s: string): number {
  // Without surrogate pairs every UTF-16 unit is a code point.
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export class TabWriter {
  private readonly out: (s: string) => void;
  private readonly minWidth: number;
  private readonly padding: number;
  private readonly padChar: string;
  private readonly remember: boolean;
  private cell = '';
  // The buffered lines, flat (a table of many rows is a few arrays, not an object per cell): the
  // cells' texts and widths in code points, and where each line starts; the last line is open.
  private texts: string[] = [];
  private cellWidths: number[] = [];
  private lineStarts: number[] = [0];
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
        const ncells = this.terminateCell();
        if (ch === '\n' || ch === '\f') {
          this.lineStarts.push(this.texts.length);
          if (ch === '\f' || ncells === 1) this.flushInternal();
        }
      }
    }
    this.cell += s.slice(start);
  }

  /** write(cells.join('\t') + '\n'), without scanning the text again when no cell holds a tab, newline or form feed. */
  writeRow(cells: string[]): void {
    if (cells.length === 0 || cells.some((c) => CELL_END.test(c))) {
      this.write(cells.join('\t') + '\n');
      return;
    }
    this.cell += cells[0];
    for (let i = 1; i < cells.length; i++) {
      this.terminateCell();
      this.cell = cells[i];
    }
    const ncells = this.terminateCell();
    this.lineStarts.push(this.texts.length);
    if (ncells === 1) this.flushInternal();
  }

  flush(): void {
    this.flushInternal();
  }

  /** liggitt/tabwriter SetRememberedWidths(nil). */
  resetRememberedWidths(): void {
    this.maxWidths = [];
  }

  /** Ends the current cell; the number of cells of the current line. */
  private terminateCell(): number {
    this.texts.push(this.cell);
    this.cellWidths.push(runeCount(this.cell));
    this.cell = '';
    return this.texts.length - this.lineStarts[this.lineStarts.length - 1];
  }

  /** The number of cells of line i. */
  private lineLength(i: number): number {
    return (i + 1 < this.lineStarts.length ? this.lineStarts[i + 1] : this.texts.length) - this.lineStarts[i];
  }

  private flushInternal(): void {
    if (this.cell.length > 0) this.terminateCell();
    this.format(0, this.lineStarts.length);
    this.texts = [];
    this.cellWidths = [];
    this.lineStarts = [0];
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
      if (column >= this.lineLength(th) - 1) continue;
      this.writeLines(line0, th);
      line0 = th;
      let width = this.minWidth;
      for (; th < line1; th++) {
        if (column >= this.lineLength(th) - 1) break;
        const w = this.cellWidths[this.lineStarts[th] + column] + this.padding;
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

  private readonly pads: string[] = [];

  /** n pad characters (none for n <= 0), remembered. */
  private pad(n: number): string {
    if (n <= 0) return '';
    return (this.pads[n] ??= this.padChar.repeat(n));
  }

  private writeLines(line0: number, line1: number): void {
    let s = '';
    for (let i = line0; i < line1; i++) {
      const start = this.lineStarts[i];
      const n = this.lineLength(i);
      for (let j = 0; j < n; j++) {
        s += this.texts[start + j];
        if (j < this.widths.length) s += this.pad(this.widths[j] - this.cellWidths[start + j]);
      }
      if (i + 1 === this.lineStarts.length) {
        s += this.cell;
        this.cell = '';
      } else {
        s += '\n';
      }
    }
    this.pending += s;
  }
}

/** cli-runtime printers.GetNewTabWriter: liggitt/tabwriter(minwidth 6, tabwidth 4, padding 3, ' ', RememberWidths). */
export function getTabWriter(out: (s: string) => void): TabWriter {
  return new TabWriter(out, { minWidth: 6, tabWidth: 4, padding: 3, padChar: ' ', rememberWidths: true });
}

/** describe's tabbedString: text/tabwriter(minwidth 0, tabwidth 8, padding 2, ' ', 0). */
export function describeTabWriter(out: (s: string) => void): TabWriter {
  return new TabWriter(out, { minWidth: 0, tabWidth: 8, padding: 2, padChar: ' ' });
}

const ESCAPED = /[\x1b\r]/;

/** cli-runtime printers.EscapeTerminal / WriteEscaped: ESC -> "^[", CR -> "\\r". */
export function escapeTerminal(s: string): string {
  if (!ESCAPED.test(s)) return s;
  return s.replace(/\x1b/g, '^[').replace(/\r/g, '\\r');
}
