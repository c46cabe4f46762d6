// kubectl's `-o go-template=...` (cli-runtime GoTemplatePrinter): Go's text/template over the
// object as JSON decoded into map[string]interface{} (whole numbers int64, others float64), with
// kubectl's extra functions `exists` and `base64decode`. A subset of text/template, with Go's
// messages where it fails: text and actions, `{{- -}}` trimming, comments, pipelines `|`,
// parenthesised pipelines, fields `.a.b`, variables (`$`, `$x := ...`, `$x = ...`, `range $i, $e
// := ...`), `if`/`else if`/`else`, `with`/`else`, `range`/`else` (slices, maps in key order,
// integers), `break`, `continue`, and the functions and, or, not, len, index, slice, print,
// printf, println, eq, ne, lt, le, gt, ge, html, js, urlquery. Not supported: define, template,
// block, call, methods (JSON data has none).
import { goFloatV, goV } from './jsonpath.js';
import { goQuote } from '../util/go.js';

export class GoTemplateParseError extends Error {}
export class GoTemplateExecError extends Error {}

/** An int64 in the data (JSON whole numbers decode to int64; literals like 1 are int). */
class GoInt {
  constructor(readonly value: number, readonly type: 'int' | 'int64' = 'int64') {}
}
/** A float64. */
class GoFloat {
  constructor(readonly value: number) {}
}
/** reflect's invalid Value: a missing key, nil data. Printed as "<no value>". */
const NOVALUE = Symbol('no value');

type Val = unknown;

// ---------------------------------------------------------------------------------------------
// Lexer

type TokType =
  | 'text' | 'left' | 'right' | 'space' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma'
  | 'field' | 'variable' | 'identifier' | 'string' | 'rawstring' | 'char' | 'number' | 'bool' | 'nil' | 'dot'
  | 'keyword' | 'eof' | 'error';

interface Tok {
  t: TokType;
  v: string;
  pos: number;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let pos = 0;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  while (pos < src.length) {
    const next = src.indexOf('{{', pos);
    if (next < 0) {
      toks.push({ t: 'text', v: src.slice(pos), pos });
      pos = src.length;
      break;
    }
    let text = src.slice(pos, next);
    let leftEnd = next + 2;
    // "{{- " trims the text before
    if (src[leftEnd] === '-' && isSpace(src[leftEnd + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      leftEnd += 2;
    }
    if (text) toks.push({ t: 'text', v: text, pos });
    // comment
    let p = leftEnd;
    while (p < src.length && isSpace(src[p]) && src.startsWith('/*', p + 1) === false && false) p++;
    if (src.startsWith('/*', leftEnd)) {
      const end = src.indexOf('*/', leftEnd + 2);
      if (end < 0) throw parseErr(src, next, 'unclosed comment');
      let q = end + 2;
      let trimAfter = false;
      if (src.startsWith(' -}}', q) || src.startsWith('\t-}}', q) || src.startsWith('\n-}}', q)) {
        trimAfter = true;
        q += 4;
      } else if (src.startsWith('}}', q)) q += 2;
      else throw parseErr(src, next, 'comment ends before closing delimiter');
      pos = q;
      if (trimAfter) while (pos < src.length && isSpace(src[pos])) pos++;
      continue;
    }
    toks.push({ t: 'left', v: '{{', pos: next });
    p = leftEnd;
    let closed = false;
    let parenDepth = 0;
    while (p < src.length) {
      const c = src[p];
      // right delimiter, maybe with trim marker
      if (isSpace(c) && src[p + 1] === '-' && src.startsWith('}}', p + 2)) {
        toks.push({ t: 'right', v: '}}', pos: p + 2 });
        p += 4;
        while (p < src.length && isSpace(src[p])) p++;
        closed = true;
        break;
      }
      if (src.startsWith('}}', p)) {
        toks.push({ t: 'right', v: '}}', pos: p });
        p += 2;
        closed = true;
        break;
      }
      if (c === '\n' || c === '\r') {
        // newlines are allowed inside actions since Go 1.16 (as spaces)
      }
      if (isSpace(c)) {
        let q = p;
        while (q < src.length && isSpace(src[q]) && !(src[q + 1] === '-' && src.startsWith('}}', q + 2) && isSpace(src[q]))) q++;
        if (q === p) q++;
        toks.push({ t: 'space', v: ' ', pos: p });
        p = q;
        continue;
      }
      if (c === '|') { toks.push({ t: 'pipe', v: c, pos: p }); p++; continue; }
      if (c === '(') { parenDepth++; toks.push({ t: 'lparen', v: c, pos: p }); p++; continue; }
      if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) throw parseErr(src, p, `unexpected right paren ${goQuoteRune(')')}`);
        toks.push({ t: 'rparen', v: c, pos: p }); p++; continue;
      }
      if (c === ',') { toks.push({ t: 'comma', v: c, pos: p }); p++; continue; }
      if (src.startsWith(':=', p)) { toks.push({ t: 'declare', v: ':=', pos: p }); p += 2; continue; }
      if (c === '=') { toks.push({ t: 'assign', v: '=', pos: p }); p++; continue; }
      if (c === '"') {
        let q = p + 1;
        while (q < src.length && src[q] !== '"') {
          if (src[q] === '\\') q++;
          if (src[q] === '\n') throw parseErr(src, p, 'unterminated quoted string');
          q++;
        }
        if (q >= src.length) throw parseErr(src, p, 'unterminated quoted string');
        toks.push({ t: 'string', v: src.slice(p, q + 1), pos: p });
        p = q + 1;
        continue;
      }
      if (c === '`') {
        const q = src.indexOf('`', p + 1);
        if (q < 0) throw parseErr(src, p, 'unterminated raw quoted string');
        toks.push({ t: 'rawstring', v: src.slice(p, q + 1), pos: p });
        p = q + 1;
        continue;
      }
      if (c === "'") {
        const m = /^'(\\.|[^\\'])'/.exec(src.slice(p));
        if (!m) throw parseErr(src, p, 'unterminated character constant');
        toks.push({ t: 'char', v: m[0], pos: p });
        p += m[0].length;
        continue;
      }
      if (c === '$') {
        const m = /^\$[\p{L}_\p{N}]*/u.exec(src.slice(p))!;
        toks.push({ t: 'variable', v: m[0], pos: p });
        p += m[0].length;
        continue;
      }
      if (c === '.') {
        const m = /^\.[\p{L}_][\p{L}_\p{N}]*/u.exec(src.slice(p));
        if (m) {
          toks.push({ t: 'field', v: m[0], pos: p });
          p += m[0].length;
          continue;
        }
        if (/[0-9]/.test(src[p + 1] ?? '')) {
          // a number like .5
        } else {
          toks.push({ t: 'dot', v: '.', pos: p });
          p++;
          continue;
        }
      }
      if (/[0-9+\-.]/.test(c)) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+|[0-9_]*\.?[0-9_]+([eE][+-]?[0-9_]+)?|[0-9_]+\.)/.exec(src.slice(p));
        if (!m) throw parseErr(src, p, `bad number syntax: ${goQuote(src.slice(p, p + 1))}`);
        const after = src[p + m[0].length];
        if (after && /[\p{L}_\p{N}.]/u.test(after)) {
          const bad = /^[^\s|(){}]*/.exec(src.slice(p))![0];
          throw parseErr(src, p, `bad number syntax: ${goQuote(bad)}`);
        }
        toks.push({ t: 'number', v: m[0], pos: p });
        p += m[0].length;
        continue;
      }
      const m = /^[\p{L}_][\p{L}_\p{N}]*/u.exec(src.slice(p));
      if (m) {
        const w = m[0];
        const t: TokType = KEYWORDS.has(w) ? 'keyword' : w === 'true' || w === 'false' ? 'bool' : w === 'nil' ? 'nil' : 'identifier';
        toks.push({ t, v: w, pos: p });
        p += w.length;
        continue;
      }
      throw parseErr(src, p, `bad character ${goSharpU(String.fromCodePoint(src.codePointAt(p)!))}`);
    }
    if (!closed) throw parseErr(src, next, 'unclosed action');
    if (parenDepth > 0) throw parseErr(src, p, 'unclosed left paren');
    pos = p;
  }
  toks.push({ t: 'eof', v: '', pos: src.length });
  return toks;
}

/** fmt %#U: U+007D '}'. */
function goSharpU(ch: string): string {
  const r = ch.codePointAt(0)!;
  const hex = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `${hex} '${ch}'` : hex;
}

function goQuoteRune(c: string): string {
  return `'${c === "'" ? "\\'" : c}'`;
}

function lineOf(src: string, pos: number): number {
  return 1 + (src.slice(0, pos).match(/\n/g)?.length ?? 0);
}

function parseErr(src: string, pos: number, msg: string): GoTemplateParseError {
  return new GoTemplateParseError(`template: output:${lineOf(src, pos)}: ${msg}`);
}

// ---------------------------------------------------------------------------------------------
// Parse tree

type Arg =
  | { k: 'field'; pos: number; idents: string[] }
  | { k: 'chain'; pos: number; node: Arg; idents: string[] }
  | { k: 'variable'; pos: number; name: string; idents: string[] }
  | { k: 'dot'; pos: number }
  | { k: 'nil'; pos: number }
  | { k: 'ident'; pos: number; name: string }
  | { k: 'literal'; pos: number; value: Val; text: string }
  | { k: 'pipe'; pos: number; pipe: Pipe };

interface Cmd {
  pos: number;
  args: Arg[];
}

interface Pipe {
  pos: number;
  decl: string[];
  isAssign: boolean;
  cmds: Cmd[];
}

type Node =
  | { k: 'text'; text: string }
  | { k: 'action'; pos: number; pipe: Pipe }
  | { k: 'if' | 'with' | 'range'; pos: number; pipe: Pipe; list: Node[]; elseList?: Node[] }
  | { k: 'break' | 'continue'; pos: number };

const FUNCS = new Set(['and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'html', 'js', 'urlquery', 'exists', 'base64decode', 'call']);

class Parser {
  private i = 0;
  private rangeDepth = 0;
  private vars: string[][] = [['$']];
  constructor(private readonly src: string, private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private peekNonSpace(): Tok {
    let j = this.i;
    while (this.toks[j].t === 'space') j++;
    return this.toks[j];
  }
  private nextNonSpace(): Tok {
    let t = this.next();
    while (t.t === 'space') t = this.next();
    return t;
  }
  private err(pos: number, msg: string): GoTemplateParseError {
    return parseErr(this.src, pos, msg);
  }
  private unexpected(t: Tok, context: string): GoTemplateParseError {
    if (t.t === 'eof') return this.err(t.pos, `unexpected EOF`);
    const desc = t.t === 'right' ? '"}}"' : t.t === 'space' ? 'space' : goQuote(t.v);
    return this.err(t.pos, `unexpected ${desc} in ${context}`);
  }

  parse(): Node[] {
    const { list, end } = this.itemList(false);
    if (end) throw this.err(end.pos, `unexpected ${end.word === 'end' ? '{{end}}' : '{{else}}'}`);
    return list;
  }

  /** Nodes up to {{end}} / {{else}} (returned as `end`) or EOF. */
  private itemList(inside: boolean): { list: Node[]; end?: { word: 'end' | 'else'; pos: number } } {
    const list: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'eof') {
        if (inside) throw this.err(t.pos, 'unexpected EOF');
        return { list };
      }
      if (t.t === 'text') {
        this.next();
        list.push({ k: 'text', text: t.v });
        continue;
      }
      // t is 'left'
      this.next();
      const w = this.peekNonSpace();
      if (w.t === 'keyword') {
        this.nextNonSpace();
        switch (w.v) {
          case 'end':
            this.expectRight('end');
            return { list, end: { word: 'end', pos: w.pos } };
          case 'else':
            return { list, end: { word: 'else', pos: w.pos } };
          case 'if':
          case 'with':
          case 'range':
            list.push(this.control(w.v, w.pos));
            continue;
          case 'break':
          case 'continue':
            if (this.rangeDepth === 0) throw this.err(w.pos, `{{${w.v}}} outside {{range}}`);
            this.expectRight(w.v);
            list.push({ k: w.v, pos: w.pos });
            continue;
          default:
            throw this.err(w.pos, `kjob does not support {{${w.v}}} in templates`);
        }
      }
      list.push({ k: 'action', pos: w.pos, pipe: this.pipeline('command', 'right') });
    }
  }

  private expectRight(context: string): void {
    const t = this.nextNonSpace();
    if (t.t !== 'right') throw this.unexpected(t, context);
  }

  private control(kind: 'if' | 'with' | 'range', pos: number): Node {
    this.vars.push([...this.vars[this.vars.length - 1]]);
    const pipe = this.pipeline(kind, 'right');
    if (kind === 'range') this.rangeDepth++;
    const body = this.itemList(true);
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (body.end!.word === 'else') {
      const after = this.peekNonSpace();
      if ((kind === 'if' && after.t === 'keyword' && after.v === 'if') || (kind === 'with' && after.t === 'keyword' && after.v === 'with')) {
        // {{else if ...}}: an if inside the else, sharing our {{end}}
        this.nextNonSpace();
        elseList = [this.control(kind, after.pos)];
      } else {
        this.expectRight('else');
        const e = this.itemList(true);
        if (e.end!.word === 'else') throw this.err(e.end!.pos, `expected end; found {{else}}`);
        elseList = e.list;
      }
    }
    this.vars.pop();
    return { k: kind, pos, pipe, list: body.list, elseList };
  }

  private pipeline(context: string, end: 'right' | 'rparen'): Pipe {
    const start = this.peekNonSpace();
    const pipe: Pipe = { pos: start.pos, decl: [], isAssign: false, cmds: [] };
    // declarations: $x := / $x = / $i, $e :=
    const save = this.i;
    const v1 = this.nextNonSpace();
    if (v1.t === 'variable') {
      const n = this.nextNonSpace();
      if (n.t === 'declare' || n.t === 'assign') {
        pipe.decl.push(v1.v);
        pipe.isAssign = n.t === 'assign';
      } else if (n.t === 'comma' && context === 'range') {
        const v2 = this.nextNonSpace();
        const d = this.nextNonSpace();
        if (v2.t !== 'variable' || (d.t !== 'declare' && d.t !== 'assign')) throw this.err(v2.pos, `range can only initialize variables`);
        pipe.decl.push(v1.v, v2.v);
        pipe.isAssign = d.t === 'assign';
      } else this.i = save;
    } else this.i = save;
    for (const d of pipe.decl) {
      if (pipe.isAssign) {
        if (!this.vars[this.vars.length - 1].includes(d)) throw this.err(v1.pos, `undefined variable "${d}"`);
      } else this.vars[this.vars.length - 1].push(d);
    }
    for (;;) {
      const t = this.peekNonSpace();
      if (t.t === end) {
        this.nextNonSpace();
        if (pipe.cmds.length === 0) throw this.err(t.pos, `missing value for ${context}`);
        return pipe;
      }
      if (t.t === 'eof' || (t.t === 'right' && end === 'rparen')) throw this.err(t.pos, end === 'rparen' ? 'unclosed left paren' : 'unclosed action');
      pipe.cmds.push(this.command(context));
      const sep = this.peekNonSpace();
      if (sep.t === 'pipe') {
        this.nextNonSpace();
        const after = this.peekNonSpace();
        if (after.t === end) throw this.err(after.pos, 'missing command');
      }
    }
  }

  private command(context: string): Cmd {
    const cmd: Cmd = { pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      const t = this.peekNonSpace();
      if (t.t === 'pipe' || t.t === 'right' || t.t === 'rparen' || t.t === 'eof') break;
      const op = this.operand(context);
      if (!op) throw this.unexpected(this.peekNonSpace(), 'operand');
      cmd.args.push(op);
      const after = this.peek();
      if (after.t !== 'space' && after.t !== 'pipe' && after.t !== 'right' && after.t !== 'rparen') throw this.unexpected(after, 'operand');
    }
    if (cmd.args.length === 0) throw this.err(this.peekNonSpace().pos, 'empty command');
    return cmd;
  }

  private operand(context: string): Arg | undefined {
    const term = this.term(context);
    if (!term) return undefined;
    if (this.peek().t === 'field') {
      // parse.Tree.operand: the chain (and the field or variable made of it) is at its second token
      const chainPos = this.peek().pos;
      const idents: string[] = [];
      while (this.peek().t === 'field') idents.push(this.next().v.slice(1));
      switch (term.k) {
        case 'field':
          return { ...term, pos: chainPos, idents: [...term.idents, ...idents] };
        case 'variable':
          return { ...term, pos: chainPos, idents: [...term.idents, ...idents] };
        case 'literal':
        case 'nil':
        case 'dot':
          throw this.err(term.pos, `unexpected . after term ${goQuote(term.k === 'literal' ? term.text : term.k === 'nil' ? 'nil' : '.')}`);
        default:
          return { k: 'chain', pos: chainPos, node: term, idents };
      }
    }
    return term;
  }

  private term(context: string): Arg | undefined {
    const t = this.nextNonSpace();
    switch (t.t) {
      case 'identifier':
        if (!FUNCS.has(t.v)) throw this.err(t.pos, `function ${goQuote(t.v)} not defined`);
        if (t.v === 'call') throw this.err(t.pos, `kjob does not support the function "call" in templates`);
        return { k: 'ident', pos: t.pos, name: t.v };
      case 'dot':
        return { k: 'dot', pos: t.pos };
      case 'nil':
        return { k: 'nil', pos: t.pos };
      case 'variable': {
        const parts = t.v.split('.');
        if (!this.vars[this.vars.length - 1].includes(parts[0])) throw this.err(t.pos, `undefined variable ${goQuote(parts[0])}`);
        return { k: 'variable', pos: t.pos, name: parts[0], idents: [] };
      }
      case 'field':
        return { k: 'field', pos: t.pos, idents: [t.v.slice(1)] };
      case 'bool':
        return { k: 'literal', pos: t.pos, value: t.v === 'true', text: t.v };
      case 'string':
        return { k: 'literal', pos: t.pos, value: unquoteGo(t.v), text: t.v };
      case 'rawstring':
        return { k: 'literal', pos: t.pos, value: t.v.slice(1, -1), text: t.v };
      case 'char': {
        const s = unquoteGo('"' + t.v.slice(1, -1).replace(/"/g, '\\"') + '"');
        return { k: 'literal', pos: t.pos, value: new GoInt(s.codePointAt(0)!, 'int'), text: t.v };
      }
      case 'number': {
        const clean = t.v.replace(/_/g, '');
        if (/^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.test(clean)) {
          const neg = clean.startsWith('-');
          let body = clean.replace(/^[+-]/, '');
          if (/^0[oO]/.test(body)) body = '0o' + body.slice(2);
          else if (/^0[0-7]+$/.test(body)) body = '0o' + body.slice(1);
          const n = Number(body);
          return { k: 'literal', pos: t.pos, value: new GoInt(neg ? -n : n, 'int'), text: t.v };
        }
        return { k: 'literal', pos: t.pos, value: new GoFloat(Number(clean)), text: t.v };
      }
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen');
        return { k: 'pipe', pos: t.pos, pipe };
      }
      default:
        this.i--;
        void context;
        return undefined;
    }
  }
}

function unquoteGo(q: string): string {
  const body = q.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'x': return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'u':
      case 'U': return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
        return e;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Values

const isMap = (v: Val): v is Record<string, Val> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoFloat);

/** JSON as apimachinery's json.Unmarshal gives it: whole numbers int64, the rest float64. */
function fromJSON(v: unknown): Val {
  if (typeof v === 'number') return Number.isInteger(v) ? new GoInt(v) : new GoFloat(v);
  if (Array.isArray(v)) return v.map(fromJSON);
  if (v && typeof v === 'object') {
    const out: Record<string, Val> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = fromJSON(x);
    return out;
  }
  return v;
}

function toPlain(v: Val): unknown {
  if (v instanceof GoInt || v instanceof GoFloat) return v.value;
  if (Array.isArray(v)) return v.map(toPlain);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

/** reflect type names, for Go's messages. `inIface`: the static type is interface{} (a map element). */
function typeName(v: Val): string {
  if (v === NOVALUE) return '<nil>';
  if (v === null) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoFloat) return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** fmt.Sprint of one value (text/template's printValue). */
function printValue(v: Val): string {
  if (v === NOVALUE || v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  return fmtV(v);
}

function fmtV(v: Val): string {
  if (v === NOVALUE || v === undefined || v === null) return '<nil>';
  if (v instanceof GoInt) return String(v.value);
  if (v instanceof GoFloat) return goFloatV(v.value);
  if (Array.isArray(v) || isMap(v)) return goV(toPlain(v));
  return String(v);
}

function truth(v: Val): boolean {
  if (v === NOVALUE || v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v !== '';
  if (v instanceof GoInt || v instanceof GoFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v as object).length > 0;
}

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';
function basicKind(v: Val): BasicKind {
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'string') return 'string';
  if (v === NOVALUE || v === null) return 'invalid';
  return 'other';
}

function scalar(v: Val): string | number | boolean {
  if (v instanceof GoInt || v instanceof GoFloat) return v.value;
  return v as string | boolean;
}

// ---------------------------------------------------------------------------------------------
// Execution

class ExecState {
  out = '';
  node: { pos: number; text: string } | undefined;
  vars: { name: string; value: Val }[] = [];

  constructor(private readonly src: string, private readonly missingKeyError: boolean) {}

  at(pos: number, text: string): void {
    this.node = { pos, text };
  }

  errorf(msg: string): never {
    if (!this.node) throw new GoTemplateExecError(`template: output: ${msg}`);
    const { pos, text } = this.node;
    const before = this.src.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? pos : pos - (nl + 1);
    const ctx = text;
    throw new GoTemplateExecError(`template: output:${lineOf(this.src, pos)}:${col}: executing "output" at <${ctx}>: ${msg}`);
  }

  varValue(name: string): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.errorf(`undefined variable: ${name}`);
  }
  setVar(name: string, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
  }

  walk(dot: Val, nodes: Node[]): void {
    for (const n of nodes) this.walkNode(dot, n);
  }

  walkNode(dot: Val, n: Node): void {
    switch (n.k) {
      case 'text':
        this.out += n.text;
        return;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.out += printValue(v);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        if (truth(v)) this.walk(n.k === 'with' ? v : dot, n.list);
        else if (n.elseList) this.walk(dot, n.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        return this.walkRange(dot, n);
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  walkRange(dot: Val, n: Node & { k: "if" | "with" | "range" }): void {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, { ...n.pipe, decl: [] });
    const one = (key: Val, elem: Val): boolean => {
      const m = this.vars.length;
      if (n.pipe.decl.length === 1) this.vars.push({ name: n.pipe.decl[0], value: elem });
      if (n.pipe.decl.length === 2) {
        this.vars.push({ name: n.pipe.decl[0], value: key });
        this.vars.push({ name: n.pipe.decl[1], value: elem });
      }
      try {
        this.walk(elem, n.list);
      } catch (e) {
        if (e === BREAK) return false;
        if (e !== CONTINUE) throw e;
      } finally {
        this.vars.length = m;
      }
      return true;
    };
    let any = false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        any = true;
        if (!one(new GoInt(i, 'int'), v[i])) break;
      }
    } else if (isMap(v)) {
      for (const k of Object.keys(v).sort()) {
        any = true;
        if (!one(k, v[k])) break;
      }
    } else if (v === NOVALUE || v === null) {
      // nothing to range over
    } else {
      // kubectl 1.32's text/template does not range over integers
      const last = n.pipe.cmds[n.pipe.cmds.length - 1];
      const arg = last.args[last.args.length - 1];
      this.at(arg.pos, nodeText(arg));
      this.errorf(`range can't iterate over ${fmtV(v)}`);
    }
    if (!any && n.elseList) this.walk(dot, n.elseList);
    this.vars.length = mark;
  }

  evalPipeline(dot: Val, pipe: Pipe): Val {
    let value: Val = undefined;
    for (const c of pipe.cmds) value = this.evalCommand(dot, c, value);
    if (value === undefined) value = NOVALUE;
    if (value === null) value = NOVALUE; // a nil interface{} digs down to an invalid value
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d, value);
      else this.vars.push({ name: d, value });
    }
    return value;
  }

  evalCommand(dot: Val, cmd: Cmd, final: Val): Val {
    const first = cmd.args[0];
    switch (first.k) {
      case 'field':
        return this.evalFieldChain(dot, dot, first.pos, nodeText(first), first.idents, cmd.args, final);
      case 'chain': {
        this.notAFunction(cmd.args, final);
        const v = this.evalArg(dot, first.node);
        return this.evalFieldChain(dot, v, first.pos, nodeText(first), first.idents, cmd.args, final);
      }
      case 'variable': {
        const v = this.varValue(first.name);
        if (first.idents.length === 0) {
          this.notAFunction(cmd.args, final);
          return v;
        }
        return this.evalFieldChain(dot, v, first.pos, nodeText(first), first.idents, cmd.args, final);
      }
      case 'ident':
        return this.evalFunction(dot, first, cmd, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first.pipe);
      case 'dot':
        this.notAFunction(cmd.args, final);
        return dot;
      case 'nil':
        this.at(first.pos, 'nil');
        this.errorf('nil is not a command');
        break;
      case 'literal':
        this.notAFunction(cmd.args, final);
        return first.value;
    }
    return NOVALUE;
  }

  notAFunction(args: Arg[], final: Val): void {
    if (args.length > 1 || final !== undefined) {
      this.at(args[0].pos, nodeText(args[0]));
      this.errorf(`can't give argument to non-function ${nodeText(args[0])}`);
    }
  }

  evalFieldChain(dot: Val, receiver: Val, pos: number, text: string, idents: string[], args: Arg[], final: Val): Val {
    this.at(pos, text);
    let r = receiver;
    for (let i = 0; i < idents.length; i++) {
      const last = i === idents.length - 1;
      r = this.evalField(r, idents[i], last && (args.length > 1 || final !== undefined));
    }
    void dot;
    return r;
  }

  evalField(receiver: Val, name: string, hasArgs: boolean): Val {
    if (receiver === NOVALUE || receiver === undefined) {
      if (this.missingKeyError) this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return NOVALUE;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    if (isMap(receiver)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (Object.prototype.hasOwnProperty.call(receiver, name)) return receiver[name];
      if (this.missingKeyError) this.errorf(`map has no entry for key ${goQuote(name)}`);
      return NOVALUE;
    }
    this.errorf(`can't evaluate field ${name} in type ${typeName(receiver) === 'map[string]interface {}' ? 'map[string]interface {}' : 'interface {}'}`);
  }

  evalArg(dot: Val, a: Arg): Val {
    this.at(a.pos, nodeText(a));
    switch (a.k) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.evalFieldChain(dot, dot, a.pos, nodeText(a), a.idents, [a], undefined);
      case 'variable': {
        const v = this.varValue(a.name);
        return a.idents.length ? this.evalFieldChain(dot, v, a.pos, nodeText(a), a.idents, [a], undefined) : v;
      }
      case 'chain':
        return this.evalFieldChain(dot, this.evalArg(dot, a.node), a.pos, nodeText(a), a.idents, [a], undefined);
      case 'pipe':
        return this.evalPipeline(dot, a.pipe);
      case 'ident':
        return this.evalFunction(dot, a, { pos: a.pos, args: [a] }, undefined);
      case 'literal':
        return a.value;
    }
  }

  evalFunction(dot: Val, f: Arg & { k: 'ident' }, cmd: Cmd, final: Val): Val {
    const name = f.name;
    const argNodes = cmd.args.slice(1);
    const nargs = argNodes.length + (final !== undefined ? 1 : 0);
    const here = () => this.at(f.pos, cmd.args.map(nodeText).join(' '));
    // and/or evaluate lazily
    if (name === 'and' || name === 'or') {
      if (nargs < 1) {
        here();
        this.errorf(`wrong number of args for ${name}: want at least 1 got 0`);
      }
      let v: Val = NOVALUE;
      for (let i = 0; i < nargs; i++) {
        v = i < argNodes.length ? this.evalArg(dot, argNodes[i]) : final;
        if (v === null) v = NOVALUE;
        if (name === 'and' ? !truth(v) : truth(v)) return v;
      }
      return v;
    }
    const args = argNodes.map((a) => this.evalArg(dot, a));
    if (final !== undefined) args.push(final);
    here();
    const want = (n: number) => {
      if (args.length !== n) this.errorf(`wrong number of args for ${name}: want ${n} got ${args.length}`);
    };
    const callErr = (msg: string): never => this.errorf(`error calling ${name}: ${msg}`);
    switch (name) {
      case 'not':
        want(1);
        return !truth(args[0]);
      case 'len': {
        want(1);
        const v = args[0];
        if (typeof v === 'string') return new GoInt(Buffer.byteLength(v), 'int');
        if (Array.isArray(v)) return new GoInt(v.length, 'int');
        if (isMap(v)) return new GoInt(Object.keys(v).length, 'int');
        if (v === NOVALUE || v === null) return callErr('reflect: call of reflect.Value.Type on zero Value');
        return callErr(`len of type ${typeName(v)}`);
      }
      case 'index': {
        if (args.length < 1) this.errorf(`wrong number of args for index: want at least 1 got 0`);
        let item = args[0];
        if (item === NOVALUE || item === null) return callErr('index of untyped nil');
        for (const idx of args.slice(1)) {
          if (item === null || item === NOVALUE) return callErr('index of nil pointer');
          if (Array.isArray(item) || typeof item === 'string') {
            if (!(idx instanceof GoInt)) return callErr(`cannot index slice/array with type ${typeName(idx)}`);
            const len = Array.isArray(item) ? item.length : Buffer.byteLength(item);
            if (idx.value < 0 || idx.value >= len) return callErr(`index out of range: ${idx.value}`);
            item = Array.isArray(item) ? item[idx.value] : new GoInt(Buffer.from(item)[idx.value], 'int');
          } else if (isMap(item)) {
            if (typeof idx !== 'string') return callErr(`value has type ${typeName(idx)}; should be string`);
            item = Object.prototype.hasOwnProperty.call(item, idx) ? item[idx] : null;
          } else {
            return callErr(`can't index item of type ${typeName(item)}`);
          }
        }
        return item;
      }
      case 'slice': {
        if (args.length < 1) this.errorf(`wrong number of args for slice: want at least 1 got 0`);
        const item = args[0];
        const idx = args.slice(1).map((a) => (a instanceof GoInt ? a.value : callErr(`cannot index slice/array with type ${typeName(a)}`)));
        if (typeof item === 'string') {
          if (idx.length > 2) return callErr('cannot 3-index slice a string');
          const b = Buffer.from(item);
          const [i = 0, j = b.length] = idx;
          if (i < 0 || j < i || j > b.length) return callErr(`index out of range: ${j > b.length ? j : i}`);
          return b.subarray(i, j).toString();
        }
        if (Array.isArray(item)) {
          const [i = 0, j = item.length] = idx;
          if (i < 0 || j < i || j > item.length) return callErr(`index out of range: ${j > item.length ? j : i}`);
          return item.slice(i, j);
        }
        return callErr(`can't slice item of type ${typeName(item)}`);
      }
      case 'print':
        return goSprint(args);
      case 'println':
        return args.map(fmtV).join(' ') + '\n';
      case 'printf': {
        if (args.length < 1) this.errorf(`wrong number of args for printf: want at least 1 got 0`);
        if (typeof args[0] !== 'string') this.errorf(`wrong type for value; expected string; got ${typeName(args[0])}`);
        return goSprintf(args[0], args.slice(1));
      }
      case 'eq': {
        if (args.length < 2) return callErr('missing argument for comparison');
        const a = args[0];
        for (const b of args.slice(1)) if (this.eq(a, b, callErr)) return true;
        return false;
      }
      case 'ne':
        want(2);
        return !this.eq(args[0], args[1], callErr);
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        want(2);
        const lt = this.lt(args[0], args[1], callErr);
        if (name === 'lt') return lt;
        const eq = this.eq(args[0], args[1], callErr);
        if (name === 'le') return lt || eq;
        if (name === 'gt') return !lt && !eq;
        return !lt;
      }
      case 'html':
        return goSprint(args).replace(/[<>&'"\0]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
      case 'js':
        return goSprint(args).replace(/[\\'"<>&=\n\r\t]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
      case 'urlquery':
        return encodeURIComponent(goSprint(args)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
      case 'exists': {
        // kubectl's exists(item, indices...): whether item[i0][i1]... is there
        let item = args[0];
        for (const idx of args.slice(1)) {
          if (isMap(item) && typeof idx === 'string' && Object.prototype.hasOwnProperty.call(item, idx)) item = item[idx];
          else if (Array.isArray(item) && idx instanceof GoInt && idx.value >= 0 && idx.value < item.length) item = item[idx.value];
          else return false;
        }
        return true;
      }
      case 'base64decode': {
        want(1);
        if (typeof args[0] !== 'string') this.errorf(`wrong type for value; expected string; got ${typeName(args[0])}`);
        const s = args[0] as string;
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return callErr(`base64 decode failed: illegal base64 data at input byte ${firstBadBase64(s)}`);
        return Buffer.from(s, 'base64').toString('latin1') === '' ? '' : Buffer.from(s, 'base64').toString();
      }
    }
    return this.errorf(`function ${goQuote(name)} not defined`);
  }

  eq(a: Val, b: Val, callErr: (m: string) => never): boolean {
    const ka = basicKind(a);
    const kb = basicKind(b);
    // a missing value equals nothing (and is no error)
    if (ka === 'invalid' || kb === 'invalid') return ka === kb;
    if (ka === 'other' || kb === 'other') return callErr(ka === 'other' ? `non-comparable type ${fmtV(a)}: ${typeName(a)}` : `non-comparable type ${fmtV(b)}: ${typeName(b)}`);
    if (ka !== kb) {
      // int and uint compare; int and float do not
      return callErr('incompatible types for comparison');
    }
    return scalar(a) === scalar(b);
  }

  lt(a: Val, b: Val, callErr: (m: string) => never): boolean {
    const ka = basicKind(a);
    const kb = basicKind(b);
    if (ka === 'bool' || ka === 'other' || ka === 'invalid' || kb === 'bool' || kb === 'other' || kb === 'invalid') return callErr('invalid type for comparison');
    if (ka !== kb) return callErr('incompatible types for comparison');
    if (ka === 'string') return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
    return (scalar(a) as number) < (scalar(b) as number);
  }
}

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

function firstBadBase64(s: string): number {
  for (let i = 0; i < s.length; i++) if (!/[A-Za-z0-9+/=]/.test(s[i])) return i;
  return Math.floor(s.length / 4) * 4;
}

function nodeText(a: Arg): string {
  switch (a.k) {
    case 'field':
      return '.' + a.idents.join('.');
    case 'variable':
      return a.name + a.idents.map((i) => '.' + i).join('');
    case 'chain':
      return nodeText(a.node) + a.idents.map((i) => '.' + i).join('');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'ident':
      return a.name;
    case 'literal':
      return a.text;
    case 'pipe':
      return '(' + a.pipe.cmds.map((c) => c.args.map(nodeText).join(' ')).join(' | ') + ')';
  }
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
function goSprint(args: Val[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += fmtV(args[i]);
  }
  return out;
}

/** fmt.Sprintf for the verbs scripts use: %v %s %d %q %f %e %g %x %X %t %c %%, flags, width, precision. */
export function goSprintf(format: string, args: Val[]): string {
  let out = '';
  let argi = 0;
  const re = /%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(format))) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags, widthS, precS, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    let width = widthS === '*' ? Number(scalar(args[argi++])) : widthS ? Number(widthS) : undefined;
    const prec = precS === '*' ? Number(scalar(args[argi++])) : precS !== undefined ? Number(precS || 0) : undefined;
    let minus = flags.includes('-');
    if (width !== undefined && width < 0) {
      minus = true;
      width = -width;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[argi++];
    let s = formatVerb(verb, flags, prec, a);
    const zero = flags.includes('0') && !minus && 'dfeEgGxXob'.includes(verb) && (a instanceof GoInt || a instanceof GoFloat);
    if (width !== undefined && [...s].length < width) {
      const pad = width - [...s].length;
      if (minus) s = s + ' '.repeat(pad);
      else if (zero) s = /^[-+]/.test(s) ? s[0] + '0'.repeat(pad) + s.slice(1) : '0'.repeat(pad) + s;
      else s = ' '.repeat(pad) + s;
    }
    out += s;
  }
  out += format.slice(last);
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map((a) => `${typeName(a) === '<nil>' ? '<nil>' : typeName(a)}=${fmtV(a)}`).join(', ')})`;
  return out;
}

function formatVerb(verb: string, flags: string, prec: number | undefined, a: Val): string {
  const plus = flags.includes('+');
  const bad = () => `%!${verb}(${typeName(a) === '<nil>' ? '<nil>' : `${typeName(a)}=${fmtV(a)}`})`;
  switch (verb) {
    case 'v':
      return a === NOVALUE ? '<nil>' : fmtV(a);
    case 's':
      if (typeof a === 'string') return prec !== undefined ? [...a].slice(0, prec).join('') : a;
      if (a === NOVALUE || a === null) return '%!s(<nil>)';
      if (Array.isArray(a) || isMap(a)) return fmtV(a);
      return `%!s(${typeName(a)}=${fmtV(a)})`;
    case 'q':
      if (typeof a === 'string') return goQuote(a);
      if (a instanceof GoInt) return `'${String.fromCodePoint(a.value)}'`;
      return bad();
    case 'd':
      if (a instanceof GoInt) return (plus && a.value >= 0 ? '+' : '') + String(a.value);
      return bad();
    case 'x':
    case 'X': {
      let s: string;
      if (a instanceof GoInt) s = (a.value < 0 ? '-' : '') + Math.abs(a.value).toString(16);
      else if (typeof a === 'string') s = Buffer.from(a).toString('hex');
      else return bad();
      if (flags.includes('#')) s = '0x' + s;
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'o':
      if (a instanceof GoInt) return a.value.toString(8);
      return bad();
    case 'b':
      if (a instanceof GoInt) return a.value.toString(2);
      return bad();
    case 'c':
      if (a instanceof GoInt) return String.fromCodePoint(a.value);
      return bad();
    case 't':
      if (typeof a === 'boolean') return String(a);
      return bad();
    case 'f':
    case 'F':
      if (a instanceof GoFloat || a instanceof GoInt) {
        if (a instanceof GoInt) return bad();
        return (plus && a.value >= 0 ? '+' : '') + a.value.toFixed(prec ?? 6);
      }
      return bad();
    case 'e':
    case 'E': {
      if (!(a instanceof GoFloat)) return bad();
      const s = a.value.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return verb === 'E' ? s.toUpperCase() : s;
    }
    case 'g':
    case 'G':
      if (!(a instanceof GoFloat)) return bad();
      return prec !== undefined ? String(Number(a.value.toPrecision(prec))) : goFloatV(a.value);
    default:
      return bad();
  }
}

// ---------------------------------------------------------------------------------------------
// kubectl's printer

export interface GoTemplate {
  execute(data: unknown): string;
}

/** text/template's Parse of `src` (named "output", as kubectl names it); GoTemplateParseError with Go's message. */
export function parseGoTemplate(src: string, opts: { missingKeyError?: boolean } = {}): GoTemplate {
  const nodes = new Parser(src, lex(src)).parse();
  return {
    execute(data: unknown): string {
      const st = new ExecState(src, !!opts.missingKeyError);
      const root = fromJSON(data);
      st.vars.push({ name: '$', value: root });
      try {
        st.walk(root, nodes);
      } catch (e) {
        if (e instanceof GoTemplateExecError) {
          (e as GoTemplateExecError & { partial?: string }).partial = st.out;
        }
        throw e;
      }
      return st.out;
    },
  };
}

/**
 * kubectl's GoTemplatePrinter for `-o go-template=TEMPLATE`: a function of the object giving the
 * text to print; on an execution error it throws GoTemplateExecError whose `output` is what
 * kubectl writes to stdout before failing (what was printed, then its debugging block) and whose
 * message is what it prints as the error (without `error: `).
 */
export function goTemplatePrinter(template: string, opts: { allowMissingKeys?: boolean } = {}): (obj: unknown) => string {
  if (template === '') throw new GoTemplateParseError('template format specified but no template given');
  let t: GoTemplate;
  try {
    t = parseGoTemplate(template, { missingKeyError: opts.allowMissingKeys === false });
  } catch (e) {
    if (e instanceof GoTemplateParseError) throw new GoTemplateParseError(`error parsing template ${template}, ${e.message}`);
    throw e;
  }
  return (obj: unknown) => {
    try {
      return t.execute(obj);
    } catch (e) {
      if (!(e instanceof GoTemplateExecError)) throw e;
      const partial = (e as GoTemplateExecError & { partial?: string }).partial ?? '';
      const raw = compactJSON(obj);
      const output =
        partial +
        `Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
        `\ttemplate was:\n\t\t${template}\n` +
        `\traw data was:\n\t\t${raw}\n` +
        `\tobject given to template engine was:\n\t\t${fmtV(fromJSON(obj))}\n\n`;
      const err = new GoTemplateExecError(`error executing template ${goQuote(template)}: ${e.message}`);
      (err as GoTemplateExecError & { output?: string }).output = output;
      throw err;
    }
  };
}

/** encoding/json Marshal: compact, keys sorted, HTML escaped. */
function compactJSON(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().filter((k) => (x as Record<string, unknown>)[k] !== undefined).map((k) => [k, sort((x as Record<string, unknown>)[k])]));
    return x;
  };
  return JSON.stringify(sort(v)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
