// kubectl's -o jsonpath: a port of k8s.io/client-go/util/jsonpath (parser.go, jsonpath.go) as
// kubectl's JSONPathPrinter drives it, with the Go formatting it relies on (fmt %v, %#v,
// encoding/json). Values are plain JSON values: integers are Go int64, other numbers float64.
import { goJSONEscapes, goQuote } from '../util/go.js';
import { goCompare } from './labels.js';

/** A parse error: kubectl prints `error parsing jsonpath TEMPLATE, MESSAGE`. */
export class JSONPathParseError extends Error {}
/** An execution error: kubectl prints `error executing jsonpath "TEMPLATE": ...`. */
export class JSONPathExecError extends Error {}

type Node =
  | { t: 'list'; nodes: Node[] }
  | { t: 'text'; text: string }
  | { t: 'field'; name: string }
  | { t: 'array'; params: Param[] }
  | { t: 'filter'; left: Node; right: Node; op: string }
  | { t: 'int'; value: number }
  | { t: 'float'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'wildcard' }
  | { t: 'recursive' }
  | { t: 'union'; lists: Node[] }
  | { t: 'identifier'; name: string };

interface Param {
  value: number;
  known: boolean;
  derived: boolean;
}

/** A float literal from the template (an int64 and a float64 are different kinds in Go). */
class GoFloat {
  constructor(readonly value: number) {}
}

const EOF = '';
const isSpace = (r: string) => r === ' ' || r === '\t';
const isEndOfLine = (r: string) => r === '\r' || r === '\n';
const isTerminator = (r: string) => isSpace(r) || isEndOfLine(r) || r === EOF || '.,[]$@{}'.includes(r);
const isDigit = (r: string) => r !== EOF && /^\p{Nd}$/u.test(r);
const isAlphaNumeric = (r: string) => r === '_' || (r !== EOF && /^[\p{L}\p{Nd}]$/u.test(r));

class Parser {
  input = '';
  pos = 0;
  start = 0;
  root: Node & { t: 'list' } = { t: 'list', nodes: [] };

  parse(text: string): void {
    this.input = text;
    this.pos = 0;
    this.start = 0;
    this.root = { t: 'list', nodes: [] };
    this.parseText(this.root);
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.pos++; // as Go's width accounting: backup() undoes it
      return EOF;
    }
    const cp = this.input.codePointAt(this.pos)!;
    const r = String.fromCodePoint(cp);
    this.pos += r.length;
    this.lastWidth = r.length;
    return r;
  }
  private lastWidth = 1;
  private backup(): void {
    if (this.pos > this.input.length) this.pos = this.input.length;
    else this.pos -= this.lastWidth;
  }
  private peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }
  private consumeText(): string {
    if (this.pos > this.input.length) this.pos = this.input.length;
    const s = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return s;
  }

  private parseText(cur: Node & { t: 'list' }): void {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ t: 'text', text: this.consumeText() });
        return this.parseLeftDelim(cur);
      }
      if (this.next() === EOF) break;
    }
    if (this.pos > this.input.length) this.pos = this.input.length;
    if (this.pos > this.start) cur.nodes.push({ t: 'text', text: this.consumeText() });
  }

  private parseLeftDelim(cur: Node & { t: 'list' }): void {
    this.pos += 1;
    this.consumeText();
    const n: Node & { t: 'list' } = { t: 'list', nodes: [] };
    cur.nodes.push(n);
    this.parseInsideAction(n);
  }

  private parseInsideAction(cur: Node & { t: 'list' }): void {
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith('}')) {
        this.pos += 1;
        this.consumeText();
        return this.parseText(this.root);
      }
      if (rest.startsWith('[?(')) return this.parseFilter(cur);
      if (rest.startsWith('..')) {
        this.pos += 2;
        this.consumeText();
        cur.nodes.push({ t: 'recursive' });
        if (isAlphaNumeric(this.peek())) return this.parseField(cur);
        continue;
      }
      const r = this.next();
      if (r === EOF || isEndOfLine(r)) throw new JSONPathParseError('unclosed action');
      if (r === ' ' || r === '@' || r === '$') {
        this.consumeText();
        continue;
      }
      if (r === '[') return this.parseArray(cur);
      if (r === '"' || r === "'") return this.parseQuote(cur, r);
      if (r === '.') return this.parseField(cur);
      if (r === '+' || r === '-' || isDigit(r)) {
        this.backup();
        return this.parseNumber(cur);
      }
      if (isAlphaNumeric(r)) {
        this.backup();
        return this.parseIdentifier(cur);
      }
      throw new JSONPathParseError(`unrecognized character in action: ${goSharpU(r)}`);
    }
  }

  private parseIdentifier(cur: Node & { t: 'list' }): void {
    for (;;) {
      const r = this.next();
      if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === 'true' || value === 'false') cur.nodes.push({ t: 'bool', value: value === 'true' });
    else cur.nodes.push({ t: 'identifier', name: value });
    this.parseInsideAction(cur);
  }

  private parseField(cur: Node & { t: 'list' }): void {
    this.consumeText();
    for (;;) {
      const r = this.next();
      if (r === '\\') this.next();
      else if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === '*') cur.nodes.push({ t: 'wildcard' });
    else cur.nodes.push({ t: 'field', name: value.replace(/\\/g, '') });
    this.parseInsideAction(cur);
  }

  private parseNumber(cur: Node & { t: 'list' }): void {
    const r0 = this.peek();
    if (r0 === '+' || r0 === '-') this.next();
    for (;;) {
      const r = this.next();
      if (r !== '.' && !isDigit(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (/^[+-]?\d+$/.test(value)) cur.nodes.push({ t: 'int', value: Number(value) });
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.nodes.push({ t: 'float', value: Number(value) });
    else throw new JSONPathParseError(`cannot parse number ${value}`);
    this.parseInsideAction(cur);
  }

  private parseArray(cur: Node & { t: 'list' }): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JSONPathParseError('unterminated array');
      if (r === ']') break;
    }
    let text = this.consumeText();
    text = text.slice(1, -1);
    if (text === '*') text = ':';
    const strs = text.split(',');
    if (strs.length > 1) {
      const lists = strs.map((s) => parseAction(`[${s.trim()}]`));
      cur.nodes.push({ t: 'union', lists });
      return this.parseInsideAction(cur);
    }
    const dict = /^'([^']*)'$/.exec(text);
    if (dict) {
      const sub = parseAction(`.${dict[1]}`) as Node & { t: 'list' };
      cur.nodes.push(...sub.nodes);
      return this.parseInsideAction(cur);
    }
    const m = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!m) throw new JSONPathParseError(`invalid array index ${text}`);
    const value = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      const p: Param = { value: 0, known: false, derived: false };
      if (value[i] !== '') {
        if (i > 0) value[i] = value[i].slice(1);
        if (i > 0 && value[i] === '') p.known = false;
        else {
          if (!/^[+-]?\d+$/.test(value[i])) throw new JSONPathParseError(`array index ${value[i]} is not a number`);
          p.known = true;
          p.value = Number(value[i]);
        }
      } else if (i === 1) {
        p.known = true;
        p.value = params[0].value + 1;
        p.derived = true;
      }
      params.push(p);
    }
    cur.nodes.push({ t: 'array', params });
    this.parseInsideAction(cur);
  }

  private parseFilter(cur: Node & { t: 'list' }): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JSONPathParseError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')') {
        if (begin === end) break;
      }
    }
    if (this.next() !== ']') throw new JSONPathParseError('unclosed array expect ]');
    let text = this.consumeText();
    text = text.slice(0, -2);
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/s.exec(text);
    if (!m) {
      cur.nodes.push({ t: 'filter', left: parseAction(text), right: { t: 'list', nodes: [] }, op: 'exists' });
    } else {
      cur.nodes.push({ t: 'filter', left: parseAction(m[1]), right: parseAction(m[3]), op: m[2] });
    }
    this.parseInsideAction(cur);
  }

  private parseQuote(cur: Node & { t: 'list' }, end: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JSONPathParseError('unterminated quoted string');
      if (r === end && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    let s: string;
    try {
      s = unquoteExtend(value);
    } catch {
      throw new JSONPathParseError(`unquote string ${value} error invalid syntax`);
    }
    cur.nodes.push({ t: 'text', text: s });
    this.parseInsideAction(cur);
  }
}

function parseAction(text: string): Node {
  const p = new Parser();
  p.parse(`{${text}}`);
  return p.root.nodes[0];
}

/** Go's strconv.Unquote, extended to single-quoted strings of any length. */
function unquoteExtend(s: string): string {
  if (s.length < 2) throw new Error('syntax');
  const q = s[0];
  if (q !== s[s.length - 1] || (q !== '"' && q !== "'")) throw new Error('syntax');
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === q) throw new Error('syntax');
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (e in simple) out += simple[e];
    else if (e === "'" || e === '"') {
      if (e !== q) throw new Error('syntax');
      out += e;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i, i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new Error('syntax');
      out += String.fromCodePoint(parseInt(hex, 16));
      i += n;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new Error('syntax');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new Error('syntax');
  }
  return out;
}

/** A parsed template. */
export class JSONPath {
  private readonly root: Node & { t: 'list' };
  allowMissingKeys = false;
  outputJSON = false;
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode: Node | undefined;

  constructor(readonly template: string) {
    const p = new Parser();
    p.parse(template);
    this.root = p.root;
  }

  /** The values each top-level node yields (range bodies repeated per element). */
  findResults(data: unknown): unknown[][] {
    this.beginRange = this.inRange = this.endRange = 0;
    this.lastEndNode = undefined;
    return this.find(data, this.root.nodes);
  }

  private find(data: unknown, nodes: Node[]): unknown[][] {
    const full: unknown[][] = [];
    const cur = [data];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const results = this.walk(cur, node);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = node;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        if (results.length > 0) {
          for (const v of results) full.push(...this.find(v, nodes.slice(i + 1)));
        } else {
          this.find(null, nodes.slice(i + 1));
        }
        this.inRange--;
        for (let k = i + 1; k < nodes.length; k++) {
          if (nodes[k] === this.lastEndNode) {
            i = k;
            break;
          }
        }
        continue;
      }
      full.push(results);
    }
    return full;
  }

  /** JSONPath.Execute: the printed text. */
  execute(data: unknown): string {
    return this.findResults(data)
      .map((r) => this.printResults(r))
      .join('');
  }

  private printResults(results: unknown[]): string {
    if (this.outputJSON) return goJSON(results.map(unwrap), true) + '\n';
    return results
      .map((r, i) => {
        const text = r !== null && typeof r === 'object' && !(r instanceof GoFloat) ? goJSON(r, false) : goText(r);
        return i !== results.length - 1 ? text + ' ' : text;
      })
      .join('');
  }

  private walk(input: unknown[], node: Node): unknown[] {
    switch (node.t) {
      case 'list': {
        let cur = input;
        for (const n of node.nodes) cur = this.walk(cur, n);
        return cur;
      }
      case 'text':
        return [node.text];
      case 'field':
        return this.evalField(input, node.name);
      case 'array':
        return this.evalArray(input, node.params);
      case 'filter':
        return this.evalFilter(input, node);
      case 'int':
        return [node.value];
      case 'float':
        return [new GoFloat(node.value)];
      case 'bool':
        return [node.value];
      case 'wildcard':
        return input.flatMap((v) => children(v));
      case 'recursive':
        return this.evalRecursive(input);
      case 'union':
        return node.lists.flatMap((l) => this.walk(input, l));
      case 'identifier':
        if (node.name === 'range') {
          this.beginRange++;
          return input;
        }
        if (node.name === 'end') {
          if (this.inRange > 0) {
            this.endRange++;
            return [];
          }
          throw new JSONPathExecError('not in range, nothing to end');
        }
        throw new JSONPathExecError(`unrecognized identifier ${node.name}`);
    }
  }

  private evalField(input: unknown[], name: string): unknown[] {
    const results: unknown[] = [];
    if (input.length === 0) return results;
    for (const v of input) {
      if (v === null || v === undefined) continue;
      if (isMap(v) && Object.prototype.hasOwnProperty.call(v, name)) results.push(v[name]);
    }
    if (results.length === 0 && !this.allowMissingKeys) throw new JSONPathExecError(`${name} is not found`);
    return results;
  }

  private evalArray(input: unknown[], params: Param[]): unknown[] {
    const result: unknown[] = [];
    for (const v of input) {
      if (v === null || v === undefined) continue;
      if (!Array.isArray(v)) throw new JSONPathExecError(`${goType(v)} is not array or slice`);
      const len = v.length;
      const p = params.map((x) => ({ ...x }));
      if (!p[0].known) p[0].value = 0;
      if (p[0].value < 0) p[0].value += len;
      if (!p[1].known) p[1].value = len;
      if (p[1].value < 0 || (p[1].value === 0 && p[1].derived)) p[1].value += len;
      if (p[1].value === p[0].value) return result;
      if (p[0].value >= len || p[0].value < 0) throw new JSONPathExecError(`array index out of bounds: index ${p[0].value}, length ${len}`);
      if (p[1].value > len || p[1].value < 0) throw new JSONPathExecError(`array index out of bounds: index ${p[1].value - 1}, length ${len}`);
      if (p[0].value > p[1].value) throw new JSONPathExecError(`starting index ${p[0].value} is greater than ending index ${p[1].value}`);
      const slice = v.slice(p[0].value, p[1].value);
      let step = 1;
      if (p[2].known) {
        if (p[2].value <= 0) throw new JSONPathExecError('step must be > 0');
        step = p[2].value;
      }
      for (let i = 0; i < slice.length; i += step) result.push(slice[i]);
    }
    return result;
  }

  private evalFilter(input: unknown[], node: Node & { t: 'filter' }): unknown[] {
    const results: unknown[] = [];
    for (const v of input) {
      if (!Array.isArray(v)) throw new JSONPathExecError(`${goV(v)} is not array or slice and cannot be filtered`);
      for (const el of v) {
        const temp = [el];
        let lefts: unknown[];
        let leftErr: unknown;
        try {
          lefts = this.walk(temp, node.left);
        } catch (e) {
          leftErr = e;
          lefts = [];
        }
        if (node.op === 'exists') {
          if (lefts.length > 0) results.push(el);
          continue;
        }
        if (leftErr) throw leftErr;
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JSONPathExecError('can only compare one element at a time');
        const rights = this.walk(temp, node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JSONPathExecError('can only compare one element at a time');
        if (compare(lefts[0], rights[0], node.op)) results.push(el);
      }
    }
    return results;
  }

  private evalRecursive(input: unknown[]): unknown[] {
    const result: unknown[] = [];
    for (const v of input) {
      if (v === null || v === undefined) continue;
      const kids = children(v);
      if (kids.length !== 0) {
        result.push(v);
        result.push(...this.evalRecursive(kids));
      }
    }
    return result;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof GoFloat);
}

/** Map values (in sorted key order; Go's is random), slice elements, or a string's bytes. */
function children(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (isMap(v)) return Object.keys(v).sort(goCompare).map((k) => v[k]);
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')];
  return [];
}

const unwrap = (v: unknown) => (v instanceof GoFloat ? v.value : v);

type BasicKind = 'bool' | 'int' | 'float' | 'string';
function basicKind(v: unknown): BasicKind {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  throw new JSONPathExecError('invalid type for comparison');
}

/** text/template's eq, ne, lt, le, gt, ge (the fork in client-go). */
function compare(a: unknown, b: unknown, op: string): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  const x = unwrap(a) as number | string | boolean;
  const y = unwrap(b) as number | string | boolean;
  if (op !== '==' && op !== '!=' && op !== '<' && op !== '>' && op !== '<=' && op !== '>=') throw new JSONPathExecError(`unrecognized filter operator ${op}`);
  if (ka !== kb) throw new JSONPathExecError('incompatible types for comparison');
  if (op === '==') return x === y;
  if (op === '!=') return x !== y;
  if (ka === 'bool') throw new JSONPathExecError('invalid type for comparison');
  const less = ka === 'string' ? goCompare(x as string, y as string) < 0 : (x as number) < (y as number);
  const eq = x === y;
  if (op === '<') return less;
  if (op === '<=') return less || eq;
  if (op === '>') return !less && !eq;
  return !less;
}

// ---------------------------------------------------------------------------------------------
// Go formatting

/** fmt.Fprint of a scalar (evalToText): strings raw, int64, float64 %v, bool, nil as "null". */
function goText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof GoFloat) return goFloatV(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloatV(v);
  return String(v);
}

/** strconv.FormatFloat(f, 'g', -1, 64), as fmt's %v prints a float64. */
export function goFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expS] = f.toExponential().split('e');
  const exp = Number(expS);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  // shortest digits; Go switches to an exponent at 1e6 where JavaScript waits until 1e21
  return String(f);
}

/** encoding/json Marshal (compact) or MarshalIndent("", "    "): keys sorted, HTML escaped. */
function goJSON(v: unknown, indent: boolean): string {
  const sort = (x: unknown): unknown => {
    if (x instanceof GoFloat) return x.value;
    if (Array.isArray(x)) return x.map(sort);
    if (isMap(x)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort(goCompare)) out[k] = sort(x[k]);
      return out;
    }
    return x;
  };
  return goJSONEscapes(JSON.stringify(sort(v), null, indent ? 4 : undefined));
}

/** reflect.Type.String() of a JSON value. */
function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (v instanceof GoFloat) return 'float64';
  return 'interface {}';
}

/** fmt %v of a JSON value. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isMap(v)) return `map[${Object.keys(v).sort(goCompare).map((k) => `${k}:${goV(v[k])}`).join(' ')}]`;
  return goText(v);
}

/** fmt %#v of a JSON value, as the debugging dump of kubectl's JSONPathPrinter shows it. */
export function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (isMap(v)) return `map[string]interface {}{${Object.keys(v).sort(goCompare).map((k) => `${goQuote(k)}:${goSharpV(v[k])}`).join(', ')}}`;
  if (typeof v === 'string') return goQuote(v);
  return goText(v);
}

export { goQuote };

/** fmt %#U: U+0025 '%'. */
function goSharpU(ch: string): string {
  const r = ch.codePointAt(0)!;
  const hex = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `${hex} '${ch}'` : hex;
}

// ---------------------------------------------------------------------------------------------
// kubectl's JSONPathPrinter

export interface JSONPathPrinterOptions {
  allowMissingKeys?: boolean;
  asJSON?: boolean;
}

/**
 * Build kubectl's printer for `-o jsonpath=TEMPLATE`. Throws the message kubectl prints (without
 * the `error: ` prefix) on an empty or unparsable template.
 */
export function jsonPathPrinter(template: string, opts: JSONPathPrinterOptions = {}): (obj: unknown) => string {
  if (template === '') throw new JSONPathParseError('template format specified but no template given');
  let j: JSONPath;
  try {
    j = new JSONPath(template);
  } catch (e) {
    if (e instanceof JSONPathParseError) throw new JSONPathParseError(`error parsing jsonpath ${template}, ${e.message}\n`);
    throw e;
  }
  j.allowMissingKeys = opts.allowMissingKeys ?? true;
  j.outputJSON = !!opts.asJSON;
  return (obj: unknown) => {
    try {
      return j.execute(obj);
    } catch (e) {
      if (!(e instanceof JSONPathExecError)) throw e;
      const buf =
        `Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
        `\ttemplate was:\n\t\t${template}\n` +
        `\tobject given to jsonpath engine was:\n\t\t${goSharpV(obj)}\n\n`;
      throw new JSONPathExecError(`error executing jsonpath ${goQuote(template)}: ${buf}\n`);
    }
  };
}

/** kubectl get's RelaxedJSONPathExpression (used by wait --for=jsonpath). */
export function relaxedJSONPathExpression(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr);
  if (!m) throw new JSONPathParseError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] || m[2]}}`;
}
