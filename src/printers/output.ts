// -o json, -o yaml and -o name, as kubectl prints unstructured objects:
//   json: encoding/json MarshalIndent("", "    ") of maps (keys sorted, HTML-escaped) + "\n"
//   yaml: sigs.k8s.io/yaml (go-yaml v2 emitter): keys sorted, 2-space indent, sequences not
//         indented under their key, go-yaml's quoting and 80-column folding.
import type { KObject } from '../api/types.js';
import { resourceForKind, kindGroup } from '../api/resources.js';
import { resolveGoYamlNumber } from '../api/goyaml_number.js';
import { goCompare } from './labels.js';
import { goJSONEscapes } from '../util/go.js';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort(goCompare)) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) continue;
      out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function toJSON(objOrList: unknown): string {
  return toJSONAsGiven(sortKeys(objOrList));
}

/** The formats of a command that prints the objects it wrote (apply, create): no tables. */
export const OBJECT_FORMATS = 'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';

/**
 * encoding/json MarshalIndent of a typed object: its fields in the order given (the struct's
 * order), with Go's HTML-safe escapes and U+2028/U+2029 escaped as Go escapes them.
 */
export function toJSONAsGiven(obj: unknown): string {
  return goJSONEscapes(JSON.stringify(obj, null, 4)) + '\n';
}

export function asList(items: KObject[]): object {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** The NamePrinter form: "job.batch/pi", "pod/pi-x7k2p". */
export function nameOf(obj: { kind?: string; apiVersion?: string; metadata?: { name?: string } }): string {
  const r = resourceForKind(String(obj.kind ?? ''));
  let kg: string;
  if (r) kg = kindGroup(r);
  else {
    const av = String(obj.apiVersion ?? '');
    const group = av.includes('/') ? av.split('/')[0] : '';
    kg = String(obj.kind ?? '').toLowerCase() + (group ? `.${group}` : '');
  }
  return `${kg}/${obj.metadata?.name ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// YAML (go-yaml v2 emitter, block style only)

const BEST_WIDTH = 80;

/** go-yaml v2 keyList.Less: a "natural" order where digit runs compare numerically. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + (ar[ai].charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + (br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '~',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);

/** Whether go-yaml v2's resolve("", s) would give anything but !!str (or it is a base-60 float). */
function resolvesToNonString(s: string): boolean {
  if (s === '') return true;
  if (RESOLVE_MAP.has(s)) return true;
  const c = s[0];
  if ('+-.0123456789'.includes(c)) {
    if (typeof resolveGoYamlNumber(s) === 'number') return true;
    if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true; // base 60
    if (isDigit0(c) && isTimestamp(s)) return true;
  }
  return false;
}
function isDigit0(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isTimestamp(s: string): boolean {
  return (
    /^\d{4}-\d{1,2}-\d{1,2}$/.test(s) ||
    /^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(s) ||
    /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d{1,9})?$/.test(s)
  );
}

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}
const isBreakCh = (c: string | undefined) => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isSpaceCh = (c: string | undefined) => c === ' ';
const isBlankZ = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || isBreakCh(c);

interface ScalarAnalysis {
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function analyzeScalar(value: string): ScalarAnalysis {
  const ch = [...value];
  let blockIndicators = false;
  let specialCharacters = false;
  let lineBreaks = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i];
    const followedByWhitespace = i + 1 >= ch.length || isBlankZ(ch[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':') && followedByWhitespace) blockIndicators = true;
      else if (c === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (c === ':' && followedByWhitespace) blockIndicators = true;
      else if (c === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(c.codePointAt(0)!)) specialCharacters = true;
    if (isSpaceCh(c)) {
      if (i === 0) leadingSpace = true;
      if (i === ch.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakCh(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === ch.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankZ(c);
  }
  let blockPlain = true, singleQuoted = true, block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    blockPlain = false;
    singleQuoted = false;
  }
  if (spaceBreak || specialCharacters) {
    blockPlain = false;
    singleQuoted = false;
    block = false;
  }
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { blockPlain, singleQuoted, block };
}

class YamlEmitter {
  out = '';
  column = 0;
  /** Set by key(): the first character scalar() writes (its leading space) is left out. */
  private dropFirst = false;

  put(text: string): void {
    let s = text;
    if (this.dropFirst && s.length > 0) {
      this.dropFirst = false;
      s = s.slice(1);
    }
    this.out += s;
    const nl = s.lastIndexOf('\n');
    if (nl >= 0) this.column = [...s.slice(nl + 1)].length;
    else this.column += [...s].length;
  }
  indent(n: number): void {
    this.put('\n' + ' '.repeat(n));
  }

  /** A string scalar after "key:" or "- " (a space is written first), continuation at `ind`. */
  scalar(s: string, ind: number, simpleKey: boolean): void {
    let style: 'plain' | 'single' | 'double' | 'literal';
    const canUsePlain = !resolvesToNonString(s);
    if (s.includes('\n')) style = 'literal';
    else if (canUsePlain) style = 'plain';
    else style = 'double';
    const a = analyzeScalar(s);
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (s.length === 0 && simpleKey) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain': return this.writePlain(s, ind, allowBreaks);
      case 'single': return this.writeSingle(s, ind, allowBreaks);
      case 'double': return this.writeDouble(s, ind, allowBreaks);
      case 'literal': return this.writeLiteral(s, ind);
    }
  }

  private writePlain(s: string, ind: number, allowBreaks: boolean): void {
    if (s.length > 0) this.put(' ');
    const ch = [...s];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      if (isSpaceCh(ch[i])) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpaceCh(ch[i + 1])) this.indent(ind);
        else this.put(ch[i]);
        spaces = true;
      } else {
        this.put(ch[i]);
        spaces = false;
      }
    }
  }

  private writeSingle(s: string, ind: number, allowBreaks: boolean): void {
    this.put(" '");
    const ch = [...s];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i];
      if (isSpaceCh(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < ch.length - 1 && !isSpaceCh(ch[i + 1])) {
          this.indent(ind);
        } else this.put(c);
        spaces = true;
      } else {
        if (c === "'") this.put("'");
        this.put(c);
        spaces = false;
      }
    }
    this.put("'");
  }

  private writeDouble(s: string, ind: number, allowBreaks: boolean): void {
    this.put(' "');
    const ch = [...s];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i];
      const cp = c.codePointAt(0)!;
      if (!isPrintable(cp) || cp === 0xfeff || isBreakCh(c) || c === '"' || c === '\\') {
        const esc: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
          0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        if (esc[cp] !== undefined) this.put('\\' + esc[cp]);
        else if (cp <= 0xff) this.put('\\x' + cp.toString(16).toUpperCase().padStart(2, '0'));
        else if (cp <= 0xffff) this.put('\\u' + cp.toString(16).toUpperCase().padStart(4, '0'));
        else this.put('\\U' + cp.toString(16).toUpperCase().padStart(8, '0'));
        spaces = false;
      } else if (isSpaceCh(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < ch.length - 1) {
          this.indent(ind);
          if (isSpaceCh(ch[i + 1])) this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.put('"');
  }

  private writeLiteral(s: string, ind: number): void {
    let header = ' |';
    if (s[0] === ' ' || isBreakCh(s[0])) header += '2';
    const last = s[s.length - 1];
    if (!isBreakCh(last)) header += '-';
    else if (s.length === 1 || isBreakCh(s[s.length - 2])) header += '+';
    this.put(header);
    // Each line at the indent; empty lines are bare newlines.
    const body = isBreakCh(last) ? s.slice(0, -1) : s;
    for (const line of body.split('\n')) {
      if (line === '') this.put('\n');
      else this.put('\n' + ' '.repeat(ind) + line);
    }
  }

  /** A node written after "key:" (or "- "), the mapping/sequence at `ind`. */
  value(v: unknown, ind: number, inSeq: boolean): void {
    if (v === null || v === undefined) return this.put(' null');
    if (typeof v === 'boolean') return this.put(v ? ' true' : ' false');
    if (typeof v === 'number') return this.put(' ' + formatNumber(v));
    if (typeof v === 'string') return this.scalar(v, ind + 2, false);
    if (Array.isArray(v)) {
      if (v.length === 0) return this.put(' []');
      // Sequences under a mapping key are not indented (go-yaml v2); nested sequences are.
      const seqInd = inSeq ? ind + 2 : ind;
      if (inSeq) {
        this.put(' ');
        this.seqItems(v, seqInd, true);
      } else {
        this.seqItems(v, seqInd, false);
      }
      return;
    }
    if (typeof v === 'object') {
      const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      if (keys.length === 0) return this.put(' {}');
      if (inSeq) {
        this.put(' ');
        this.mapItems(v as Record<string, unknown>, ind + 2, true);
      } else {
        this.mapItems(v as Record<string, unknown>, ind + 2, false);
      }
      return;
    }
    this.put(' ' + String(v));
  }

  mapItems(m: Record<string, unknown>, ind: number, firstInline: boolean): void {
    const keys = Object.keys(m).filter((k) => m[k] !== undefined);
    keys.sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
    keys.forEach((k, i) => {
      if (!(i === 0 && firstInline)) {
        if (this.out.length > 0) this.put('\n');
        this.put(' '.repeat(ind));
      }
      this.key(k, ind);
      this.put(':');
      this.value(m[k], ind, false);
    });
  }

  seqItems(a: unknown[], ind: number, firstInline: boolean): void {
    a.forEach((item, i) => {
      if (!(i === 0 && firstInline)) {
        if (this.out.length > 0) this.put('\n');
        this.put(' '.repeat(ind));
      }
      this.put('-');
      this.value(item, ind, true);
    });
  }

  key(k: string, ind: number): void {
    // scalar() writes a leading space; keys have none. (Left out as it is written: cutting it
    // from the output afterwards copied the whole document once per key, which made
    // `get jobs -o yaml` of a few hundred kB take seconds.)
    this.dropFirst = true;
    this.scalar(k, ind + 2, true);
    this.dropFirst = false;
  }
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  // go-yaml: strconv.FormatFloat(f, 'g', -1, 64)
  const s = String(n);
  if (/e/.test(s)) return s.replace(/e([+-])(\d)$/, 'e$10$2');
  return s;
}

export function toYAML(objOrList: unknown): string {
  const e = new YamlEmitter();
  const v = objOrList;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if (Object.keys(v).length === 0) return '{}\n';
    e.mapItems(v as Record<string, unknown>, 0, false);
  } else if (Array.isArray(v)) {
    if (v.length === 0) return '[]\n';
    e.seqItems(v, 0, false);
  } else {
    e.value(v, -2, false);
    return e.out.trimStart() + '\n';
  }
  return e.out + '\n';
}
