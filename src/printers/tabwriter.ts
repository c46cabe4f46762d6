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
/** What keeps writeRow from taking a row's cells as they are: a cell's end, or a width other than the length. */
const NOT_PLAIN = /[\t\v\n\f\uD800-\uDFFF]/;

/** No cell of the first n matches re. */
function noneMatch(re: RegExp, cells: readonly string[], n: number): boolean {
  for (let i = 0; i < n; i++) if (re.test(cells[i])) return false;
  return true;
}

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

  /**
   * write(cells.slice(0, n).join('\t') + '\n'), without scanning the text again when no cell
   * holds a tab, newline or form feed. A row of two cells or more with no surrogate either (a
   * table's row, as get writes them), and no cell left open by a write, goes into the buffer as
   * it is, each cell's width its length.
   */
  writeRow(cells: readonly string[], n = cells.length): void {
    if (n >= 2 && this.cell === '' && noneMatch(NOT_PLAIN, cells, n)) {
      for (let i = 0; i < n; i++) {
        this.texts.push(cells[i]);
        this.cellWidths.push(cells[i].length);
      }
      this.lineStarts.push(this.texts.length);
      return;
    }
    if (n === 0 || !noneMatch(CELL_END, cells, n)) {
      this.write(cells.slice(0, n).join('\t') + '\n');
      return;
    }
    this.cell += cells[0];
    for (let i = 1; i < n; i++) {
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
    const n = this.uniformCells();
    if (n > 1) this.formatTable(n);
    else this.format(0, this.lineStarts.length);
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
      this.widths.push(this.remembered(width));
      this.format(line0, th);
      this.widths.pop();
      line0 = th;
    }
    this.writeLines(line0, line1);
  }

  /**
   * n when every complete line of the buffer has n cells and the open line none (a table, as
   * `get` writes it), else 0.
   */
  private uniformCells(): number {
    const lines = this.lineStarts.length - 1;
    if (lines === 0 || this.lineLength(lines) !== 0) return 0;
    const n = this.lineStarts[1];
    if (this.texts.length !== n * lines) return 0;
    for (let i = 2; i <= lines; i++) if (this.lineStarts[i] !== n * i) return 0;
    return n;
  }

  /**
   * format() of a table of n cells a line (uniformCells): every column is one block of all the
   * lines, so it has one width, found in one pass, and each line is written in one piece (the
   * recursion and the writing a piece at a time were a fifth of a `get` of 10,000 pods).
   * tabwriter_diff.test.ts checks that it writes what format() writes.
   */
  private formatTable(n: number): void {
    const lines = this.lineStarts.length - 1;
    const cw = this.cellWidths;
    const texts = this.texts;
    for (let c = 0; c < n - 1; c++) {
      let width = this.minWidth;
      for (let k = c; k < cw.length; k += n) {
        const w = cw[k] + this.padding;
        if (w > width) width = w;
      }
      this.widths.push(this.remembered(width));
    }
    const widths = this.widths;
    const out = new Array<string>(lines + 1);
    for (let i = 0, k = 0; i < lines; i++) {
      let line = '';
      for (let c = 0; c < n - 1; c++, k++) line += texts[k] + this.pad(widths[c] - cw[k]);
      out[i] = line + texts[k++];
    }
    out[lines] = this.cell;
    this.cell = '';
    this.pending += out.join('\n');
  }

  /** The width of the next column (this.widths.length), with RememberWidths: the widest it has been. */
  private remembered(width: number): number {
    if (!this.remember) return width;
    if (this.maxWidths.length < this.widths.length) {
      this.maxWidths.push(...this.widths.slice(this.maxWidths.length));
    }
    const c = this.widths.length;
    if (this.maxWidths.length === c) this.maxWidths.push(width);
    else if (this.maxWidths[c] > width) return this.maxWidths[c];
    else if (this.maxWidths[c] < width) this.maxWidths[c] = width;
    return width;
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
