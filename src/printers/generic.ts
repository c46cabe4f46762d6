// The printers behind `-o` other than the tables (cli-runtime PrintFlags.ToPrinter): json, yaml,
// name, jsonpath[-as-json|-file], go-template[-file] (and their old names template[file]),
// custom-columns[-file]. Each takes what get prints (one object, or a List) and writes it.
import fs from 'node:fs';
import { UserError } from '../errors.js';
import { toJSON, toYAML, nameOf, OBJECT_FORMATS } from './output.js';
import { jsonPathPrinter, JSONPathParseError, JSONPathExecError } from './jsonpath.js';
import { goTemplatePrinter, GoTemplateParseError, GoTemplateExecError } from './gotemplate.js';
import { CustomColumnsPrinter, columnsFromSpec, columnsFromFile } from './customcolumns.js';

export const ALLOWED_FORMATS =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

const TEMPLATE_FORMATS = ['go-template', 'go-template-file', 'template', 'templatefile'];
const JSONPATH_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file'];
const COLUMNS_FORMATS = ['custom-columns', 'custom-columns-file'];

export interface GenericOptions {
  allowMissingTemplateKeys?: boolean;
  noHeaders?: boolean;
  /** --template: the template when -o names a template format without one */
  template?: string;
}

/** Writes `doc` (an object, or a List of them); may write part of its output, then throw. */
export type GenericPrinter = (doc: unknown, out: (s: string) => void) => void;

/** The format's name and its argument: `jsonpath={.a}` -> ['jsonpath', '{.a}']. */
export function splitFormat(output: string | undefined): [string, string | undefined] {
  const fmt = (output ?? '').replace(/^=/, '');
  const eq = fmt.indexOf('=');
  return eq < 0 ? [fmt, undefined] : [fmt.slice(0, eq), fmt.slice(eq + 1)];
}

/**
 * The format -o names: one of simple as written, or one of the printers withArg (with its argument
 * or without), else kubectl's error, which lists the allowed formats.
 */
function matchFormat(output: string | undefined, simple: string[], withArg: string[], allowed: string): string {
  const fmt = (output ?? '').replace(/^=/, '');
  if (simple.includes(fmt) || withArg.includes(splitFormat(fmt)[0])) return fmt;
  throw new UserError(`error: unable to match a printer suitable for the output format "${fmt}", allowed formats are: ${allowed}`);
}

/** Whether -o asks for a table (none, wide) or a generic printer; kubectl's error for unknown formats. */
export const checkOutputFormat = (output: string | undefined): string =>
  matchFormat(output, ['', 'wide', 'json', 'yaml', 'name'], [...TEMPLATE_FORMATS, ...JSONPATH_FORMATS, ...COLUMNS_FORMATS], ALLOWED_FORMATS);

/** -o of apply or create -f: '' (the "created" lines) or a format genericPrinter takes (no tables). */
export const checkObjectOutputFormat = (output: string | undefined): string =>
  matchFormat(output, ['', 'json', 'yaml', 'name'], [...TEMPLATE_FORMATS, ...JSONPATH_FORMATS], OBJECT_FORMATS);

export function isGenericFormat(fmt: string): boolean {
  return fmt !== '' && fmt !== 'wide';
}

function readTemplateFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EISDIR' ? 'read ' + file + ': is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new UserError(`error: error reading --template ${file}, ${err.code === 'EISDIR' ? why : `open ${file}: ${why}`}`);
  }
}

/** The printer for a generic format (see checkOutputFormat), or kubectl's error for its flags. */
export function genericPrinter(fmt: string, opts: GenericOptions = {}): GenericPrinter {
  let [base, arg] = splitFormat(fmt);
  if (arg === undefined && opts.template) arg = opts.template;
  const allowMissing = opts.allowMissingTemplateKeys !== false;
  if (base === 'json') return (doc, out) => out(toJSON(doc));
  if (base === 'yaml') return (doc, out) => out(toYAML(doc));
  if (base === 'name') return (doc, out) => forEachItem(doc, (o) => out(`${nameOf(o as never)}\n`));
  if (JSONPATH_FORMATS.includes(base)) {
    let template = arg ?? '';
    if (template === '') throw new UserError('error: template format specified but no template given');
    if (base === 'jsonpath-file') template = readTemplateFile(template);
    let print: (o: unknown) => string;
    try {
      print = jsonPathPrinter(template, { allowMissingKeys: allowMissing, asJSON: base === 'jsonpath-as-json' });
    } catch (e) {
      if (e instanceof JSONPathParseError) throw new UserError(`error: ${e.message.replace(/\n$/, '')}`);
      throw e;
    }
    return (doc, out) => {
      try {
        out(print(doc));
      } catch (e) {
        // Its own last newline kept: several objects' errors are each followed by one more (aggregateMessage).
        if (e instanceof JSONPathExecError) throw new UserError(`error: ${e.message}`);
        throw e;
      }
    };
  }
  if (TEMPLATE_FORMATS.includes(base)) {
    let template = arg ?? '';
    if (template === '') throw new UserError('error: template format specified but no template given');
    if (base === 'go-template-file' || base === 'templatefile') template = readTemplateFile(template);
    let print: (o: unknown) => string;
    try {
      print = goTemplatePrinter(template, { allowMissingKeys: allowMissing });
    } catch (e) {
      if (e instanceof GoTemplateParseError) throw new UserError(`error: ${e.message}`);
      throw e;
    }
    return (doc, out) => {
      try {
        out(print(doc));
      } catch (e) {
        if (e instanceof GoTemplateExecError) {
          out((e as GoTemplateExecError & { output?: string }).output ?? '');
          throw new UserError(`error: ${e.message}`);
        }
        throw e;
      }
    };
  }
  if (COLUMNS_FORMATS.includes(base)) {
    const spec = arg ?? '';
    if (spec === '') throw new UserError('error: custom-columns format specified but no custom columns given');
    const printer = new CustomColumnsPrinter(base === 'custom-columns-file' ? columnsFromFile(spec) : columnsFromSpec(spec), base === 'custom-columns' && !!opts.noHeaders);
    return (doc, out) => {
      const items: unknown[] = [];
      forEachItem(doc, (o) => items.push(o));
      out(printer.print(items));
    };
  }
  throw new UserError(`error: unable to match a printer suitable for the output format "${fmt}", allowed formats are: ${ALLOWED_FORMATS}`);
}

/** meta.IsListType: the items of a List, or the object itself. */
function forEachItem(doc: unknown, fn: (o: unknown) => void): void {
  const d = doc as { kind?: string; items?: unknown[] };
  if (d && Array.isArray(d.items) && typeof d.kind === 'string' && d.kind.endsWith('List')) d.items.forEach(fn);
  else fn(doc);
}
