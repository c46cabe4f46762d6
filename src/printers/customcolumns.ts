// kubectl get -o custom-columns=HEADER:PATH,... and -o custom-columns-file=FILE
// (pkg/cmd/get/customcolumn.go): one column per JSONPath, every result of a path joined with
// commas, `<none>` when a path finds nothing, through get's tabwriter.
import fs from 'node:fs';
import { JSONPath, JSONPathParseError, JSONPathExecError, relaxedJSONPathExpression, goV } from './jsonpath.js';
import { getTabWriter, escapeTerminal } from './tabwriter.js';
import { UserError } from '../errors.js';

export interface CustomColumn {
  header: string;
  fieldSpec: string;
}

function relaxed(expr: string): string {
  try {
    return relaxedJSONPathExpression(expr);
  } catch (e) {
    if (e instanceof JSONPathParseError) throw new UserError(`error: ${e.message}`);
    throw e;
  }
}

/** NewCustomColumnsPrinterFromSpec */
export function columnsFromSpec(spec: string): CustomColumn[] {
  if (spec === '') throw new UserError('error: custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i < 0) throw new UserError(`error: unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), fieldSpec: relaxed(part.slice(i + 1)) };
  });
}

/** NewCustomColumnsPrinterFromTemplate: a line of headers, a line of paths, split at white space. */
export function columnsFromTemplate(text: string): CustomColumn[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const missing = (what: string) =>
    new UserError(`error: invalid template, missing ${what} line. Expected format is one line of space separated headers, one line of space separated column specs.`);
  if (text === '') throw missing('header');
  const words = (l: string) => l.split(/[ \t\n\v\f\r\u0085\u00a0]+/).filter(Boolean);
  const headers = words(lines[0]);
  if (lines.length < 2 || (lines.length === 2 && lines[1] === '' && text.endsWith('\n') && false)) throw missing('spec');
  if (lines.length < 2) throw missing('spec');
  const specs = words(lines[1]);
  if (headers.length !== specs.length) throw new UserError(`error: number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  return headers.map((h, i) => ({ header: h, fieldSpec: relaxed(specs[i]) }));
}

export function columnsFromFile(file: string): CustomColumn[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new UserError(`error: error reading template ${file}, open ${file}: ${why}`);
  }
  // bufio.Scanner: a file with a header line but no second line
  const lines = text.split('\n');
  if (text === '' ) throw new UserError('error: invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.');
  if (lines.length < 2 || (lines.length === 2 && lines[1] === '')) {
    throw new UserError('error: invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.');
  }
  return columnsFromTemplate(text);
}

/** A printer over a stream of objects: headers once, rows aligned together per print() call. */
export class CustomColumnsPrinter {
  private readonly parsers: JSONPath[];
  private printedHeaders = false;

  constructor(private readonly columns: CustomColumn[], private readonly noHeaders = false) {
    this.parsers = columns.map((c) => {
      try {
        const p = new JSONPath(c.fieldSpec);
        p.allowMissingKeys = true;
        return p;
      } catch (e) {
        if (e instanceof JSONPathParseError) throw new UserError(`error: ${e.message}`);
        throw e;
      }
    });
  }

  /** The text for these objects (one PrintObj call: one tabwriter). */
  print(objects: unknown[]): string {
    let out = '';
    const w = getTabWriter((s) => (out += s));
    if (!this.noHeaders && !this.printedHeaders) {
      w.write(this.columns.map((c) => c.header).join('\t') + '\n');
      this.printedHeaders = true;
    }
    for (const o of objects) {
      const cells = this.parsers.map((p) => {
        let values: unknown[][];
        try {
          values = p.findResults(o);
        } catch (e) {
          if (e instanceof JSONPathExecError) throw new UserError(`error: ${e.message}`);
          throw e;
        }
        const strs: string[] = [];
        if (values.length === 0 || values[0].length === 0) strs.push('<none>');
        for (const vs of values) for (const v of vs) strs.push(escapeTerminal(goV(v)));
        return strs.join(',');
      });
      w.write(cells.join('\t') + '\n');
    }
    w.flush();
    return out;
  }
}
