// apimachinery pkg/labels: the -l selector grammar (labels.Parse), Selector.Matches/String, and
// metav1.LabelSelectorAsSelector for the selectors stored on Jobs.
import { UserError } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export interface Selector {
  matches(labels: Record<string, string> | undefined): boolean;
  empty(): boolean;
  string(): string;
}

type Op = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

interface Requirement {
  key: string;
  op: Op;
  values: string[]; // sorted, unique
}

function reqString(r: Requirement): string {
  if (r.op === '!') return '!' + r.key;
  let s = r.key;
  switch (r.op) {
    case '=': s += '='; break;
    case '==': s += '=='; break;
    case '!=': s += '!='; break;
    case 'in': s += ' in '; break;
    case 'notin': s += ' notin '; break;
    case 'gt': s += '>'; break;
    case 'lt': s += '<'; break;
    case 'exists': return s;
  }
  if (r.op === 'in' || r.op === 'notin') return `${s}(${r.values.join(',')})`;
  return s + r.values.join(',');
}

function reqMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case '=': case '==': case 'in':
      return has && r.values.includes(v);
    case '!=': case 'notin':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt': {
      if (!has || !/^-?\d+$/.test(v)) return false;
      const lv = Number(v);
      const rv = Number(r.values[0]);
      return r.op === 'gt' ? lv > rv : lv < rv;
    }
  }
}

class InternalSelector implements Selector {
  constructor(private readonly reqs: Requirement[]) {}
  matches(labels: Record<string, string> | undefined): boolean {
    const l = labels ?? {};
    return this.reqs.every((r) => reqMatches(r, l));
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  string(): string {
    return this.reqs.map(reqString).join(',');
  }
}

class NothingSelector implements Selector {
  matches(): boolean {
    return false;
  }
  empty(): boolean {
    return false;
  }
  string(): string {
    return '';
  }
}

export function everything(): Selector {
  return new InternalSelector([]);
}

export function nothing(): Selector {
  return new NothingSelector();
}

function sortReqs(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** labels.NewRequirement's checks; returns an error string (apimachinery wording) or undefined. */
function newRequirement(key: string, op: Op, vals: string[]): Requirement | string {
  const kerrs = isQualifiedName(key);
  if (kerrs.length) return `key: Invalid value: "${key}": ${kerrs.join('; ')}`;
  switch (op) {
    case 'in': case 'notin':
      if (vals.length === 0) return "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty";
      break;
    case '=': case '==': case '!=':
      if (vals.length !== 1) return 'values: Invalid value: []string{}: exact-match compatibility requires one single value';
      break;
    case 'exists': case '!':
      if (vals.length !== 0) return "values: Invalid value: []string{}: values set must be empty for exists and does not exist";
      break;
    case 'gt': case 'lt':
      if (vals.length !== 1) return "values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required";
      if (!/^-?\d+$/.test(vals[0])) return `values[0]: Invalid value: "${vals[0]}": for 'Gt', 'Lt' operators, the value must be an integer`;
      break;
  }
  const uniq = [...new Set(vals)].sort();
  if (op !== 'gt' && op !== 'lt') {
    for (let i = 0; i < uniq.length; i++) {
      const verrs = isValidLabelValue(uniq[i]);
      if (verrs.length) return `values[${i}]: Invalid value: "${uniq[i]}": ${verrs.join('; ')}`;
    }
  }
  return { key, op, values: uniq };
}

// ---- the -l parser (labels.Parse), a port of the apimachinery lexer/parser ----

type Tok =
  | 'ident' | 'eos' | 'comma' | 'open' | 'close' | 'eq' | 'deq' | 'neq' | 'not' | 'gt' | 'lt' | 'in' | 'notin' | 'error';

const SPECIAL: Record<string, Tok> = {
  '!': 'not', '!=': 'neq', '=': 'eq', '==': 'deq', '(': 'open', ')': 'close', ',': 'comma', '>': 'gt', '<': 'lt',
};

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}
function isSpecial(c: string): boolean {
  return '!=(),<>'.includes(c);
}

function lex(s: string): { tok: Tok; lit: string }[] {
  const out: { tok: Tok; lit: string }[] = [];
  let i = 0;
  while (true) {
    while (i < s.length && isWhitespace(s[i])) i++;
    if (i >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    const c = s[i];
    if (isSpecial(c)) {
      let lit = c;
      i++;
      while (i < s.length && SPECIAL[lit + s[i]] !== undefined) lit += s[i++];
      out.push({ tok: SPECIAL[lit] ?? 'error', lit });
    } else {
      let lit = '';
      while (i < s.length && !isWhitespace(s[i]) && !isSpecial(s[i])) lit += s[i++];
      out.push({ tok: 'ident', lit });
    }
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: { tok: Tok; lit: string }[]) {}
  // mode 'values': in/notin are plain identifiers; mode 'op': they are operators
  private get(mode: 'values' | 'op', advance: boolean): { tok: Tok; lit: string } {
    const t = this.toks[Math.min(this.pos, this.toks.length - 1)];
    if (advance) this.pos++;
    if (mode === 'op' && t.tok === 'ident') {
      if (t.lit === 'in') return { tok: 'in', lit: t.lit };
      if (t.lit === 'notin') return { tok: 'notin', lit: t.lit };
    }
    return t;
  }
  private lookahead(mode: 'values' | 'op' = 'values') {
    return this.get(mode, false);
  }
  private consume(mode: 'values' | 'op' = 'values') {
    return this.get(mode, true);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    while (true) {
      const { tok, lit } = this.lookahead();
      if (tok === 'ident' || tok === 'not') {
        let r: Requirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          throw new Error(`unable to parse requirement: ${(e as Error).message}`);
        }
        reqs.push(r);
        const t = this.consume();
        if (t.tok === 'eos') return reqs;
        if (t.tok === 'comma') {
          const t2 = this.lookahead();
          if (t2.tok !== 'ident' && t2.tok !== 'not') throw new Error(`found '${t2.lit}', expected: identifier after ','`);
        } else {
          throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === 'eos') {
        return reqs;
      } else {
        throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    let op: Op | undefined;
    let t = this.consume();
    if (t.tok === 'not') {
      op = '!';
      t = this.consume();
    }
    if (t.tok !== 'ident') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const kerrs = isQualifiedName(key);
    if (kerrs.length) throw new Error(`key: Invalid value: "${key}": ${kerrs.join('; ')}`);
    const la = this.lookahead();
    if (la.tok === 'eos' || la.tok === 'comma') {
      if (op !== '!') op = 'exists';
    }
    if (op === 'exists' || op === '!') return this.req(key, op, []);
    const o = this.consume('op');
    let oper: Op;
    switch (o.tok) {
      case 'in': oper = 'in'; break;
      case 'notin': oper = 'notin'; break;
      case 'eq': oper = '='; break;
      case 'deq': oper = '=='; break;
      case 'neq': oper = '!='; break;
      case 'gt': oper = 'gt'; break;
      case 'lt': oper = 'lt'; break;
      default:
        throw new Error(`found '${o.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    let values: string[];
    if (oper === 'in' || oper === 'notin') values = this.parseValues();
    else values = this.parseExactValue();
    return this.req(key, oper, values);
  }

  private req(key: string, op: Op, vals: string[]): Requirement {
    const r = newRequirement(key, op, vals);
    if (typeof r === 'string') throw new Error(r);
    return r;
  }

  private parseValues(): string[] {
    const t = this.consume();
    if (t.tok !== 'open') throw new Error(`found '${t.lit}' expected: '('`);
    const la = this.lookahead();
    if (la.tok === 'ident' || la.tok === 'comma') {
      const s = this.parseIdentifiersList();
      const c = this.consume();
      if (c.tok !== 'close') throw new Error(`found '${c.lit}', expected: ')'`);
      return s;
    }
    if (la.tok === 'close') {
      this.consume();
      return [''];
    }
    throw new Error(`found '${la.lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>();
    while (true) {
      const t = this.consume();
      if (t.tok === 'ident') {
        s.add(t.lit);
        const t2 = this.lookahead();
        if (t2.tok === 'close') return [...s];
        if (t2.tok === 'comma') continue;
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (t.tok === 'comma') {
        // handles ",a" and "a,,b": an empty value
        if (s.size === 0) s.add('');
        const t2 = this.lookahead();
        if (t2.tok === 'close') {
          s.add('');
          return [...s];
        }
        if (t2.tok === 'comma') {
          this.consume();
          s.add('');
        }
      } else {
        throw new Error(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const la = this.lookahead();
    if (la.tok === 'eos' || la.tok === 'comma') return [''];
    const t = this.consume();
    if (t.tok === 'ident') return [t.lit];
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

/** labels.Parse. Throws UserError with apimachinery's parse-error text (UNCONFIRMED how the
 * apiserver wraps it for kubectl; the CLI may add its own prefix). */
export function parseSelector(s: string): Selector {
  try {
    const reqs = new Parser(lex(s)).parse();
    return new InternalSelector(sortReqs(reqs));
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

export interface LabelSelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

/** metav1.LabelSelectorAsSelector: nil → Nothing, {} → Everything. Throws UserError on a bad operator. */
export function selectorFromLabelSelector(ls: LabelSelectorLike | undefined | null): Selector {
  if (ls === undefined || ls === null) return nothing();
  const ml = ls.matchLabels ?? {};
  const me = ls.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && me.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const k of Object.keys(ml)) {
    const r = newRequirement(k, '=', [ml[k]]);
    if (typeof r === 'string') throw new UserError(r);
    reqs.push(r);
  }
  for (const e of me) {
    let op: Op;
    switch (e.operator) {
      case 'In': op = 'in'; break;
      case 'NotIn': op = 'notin'; break;
      case 'Exists': op = 'exists'; break;
      case 'DoesNotExist': op = '!'; break;
      default:
        throw new UserError(`"${e.operator}" is not a valid label selector operator`);
    }
    const r = newRequirement(e.key, op, [...(e.values ?? [])]);
    if (typeof r === 'string') throw new UserError(r);
    reqs.push(r);
  }
  return new InternalSelector(sortReqs(reqs));
}
