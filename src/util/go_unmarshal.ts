// The errors of Go's encoding/json Unmarshal, for validation that quotes them (a Secret of type
// kubernetes.io/dockerconfigjson: `json.Unmarshal(data, &map[string]interface{}{})`). Unmarshal
// scans the whole input first (checkValid), so a syntax error wins over a type error; the
// scanner's messages name the byte it stopped at and what it was looking for (scanner.go).

/** scanner.go's quoteChar: the byte as a Go character literal ('\'' and '"' as themselves). */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  return `'${goQuoteRune(c)}'`;
}

/** strconv.Quote(string(rune(c)))'s inside, for a byte read as the rune of the same number. */
function goQuoteRune(c: number): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (named[c]) return named[c];
  if (c < 0x20 || c === 0x7f) return `\\x${c.toString(16).padStart(2, '0')}`;
  // Latin-1's controls, no-break space and soft hyphen are not printable (strconv.IsPrint).
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `\\u${c.toString(16).padStart(4, '0')}`;
  return String.fromCharCode(c);
}

class SyntaxError_ extends Error {}

/** The scanner over the input's bytes: throws SyntaxError_ with Go's message at the first fault. */
class Scanner {
  private i = 0;
  constructor(private readonly b: Uint8Array) {}

  /**
   * The scanner's error at byte c. At the input's end (c undefined) the scanner is fed a space
   * (scanner.eof): a state where a space is wrong (inside a literal, a number or an escape:
   * midToken) says so about ' '; any other is "unexpected end of JSON input".
   */
  private fail(c: number | undefined, context: string, midToken = false): never {
    if (c === undefined && !midToken) throw new SyntaxError_('unexpected end of JSON input');
    throw new SyntaxError_(`invalid character ${quoteChar(c ?? 0x20)} ${context}`);
  }
  private peek(): number | undefined {
    return this.i < this.b.length ? this.b[this.i] : undefined;
  }
  private skipSpace(): number | undefined {
    while (this.i < this.b.length && (this.b[this.i] === 0x20 || this.b[this.i] === 0x09 || this.b[this.i] === 0x0a || this.b[this.i] === 0x0d)) this.i++;
    return this.peek();
  }
  private isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

  /** The whole input: one value, then only space. Its kind, as Unmarshal's type errors name it. */
  document(): string {
    const kind = this.value();
    const c = this.skipSpace();
    if (c !== undefined) this.fail(c, 'after top-level value');
    return kind;
  }

  private value(): string {
    const c = this.skipSpace();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string(), 'string';
    if (c === 0x2d || this.isDigit(c)) return this.number(), 'number';
    if (c === 0x74) return this.literal('true'), 'bool';
    if (c === 0x66) return this.literal('false'), 'bool';
    if (c === 0x6e) return this.literal('null'), 'null';
    return this.fail(c, 'looking for beginning of value');
  }

  private object(): string {
    this.i++;
    if (this.skipSpace() === 0x7d) return this.i++, 'object';
    for (;;) {
      const k = this.skipSpace();
      if (k !== 0x22) this.fail(k, 'looking for beginning of object key string');
      this.string();
      const colon = this.skipSpace();
      if (colon !== 0x3a) this.fail(colon, 'after object key');
      this.i++;
      this.value();
      const next = this.skipSpace();
      this.i++;
      if (next === 0x7d) return 'object';
      if (next !== 0x2c) this.fail(next, 'after object key:value pair');
    }
  }

  private array(): string {
    this.i++;
    if (this.skipSpace() === 0x5d) return this.i++, 'array';
    for (;;) {
      this.value();
      const next = this.skipSpace();
      this.i++;
      if (next === 0x5d) return 'array';
      if (next !== 0x2c) this.fail(next, 'after array element');
    }
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      this.i++;
      if (c === 0x22) return;
      if (c === undefined) this.fail(c, '');
      if (c < 0x20) this.fail(c, 'in string literal');
      if (c !== 0x5c) continue;
      const e = this.peek();
      this.i++;
      if (e === 0x75) {
        for (let n = 0; n < 4; n++) {
          const h = this.peek();
          this.i++;
          if (h === undefined || !/[0-9a-fA-F]/.test(String.fromCharCode(h))) this.fail(h, 'in \\u hexadecimal character escape', true);
        }
      } else if (e === undefined || !'"\\/bfnrt'.includes(String.fromCharCode(e))) this.fail(e, 'in string escape code', true);
    }
  }

  private number(): void {
    if (this.peek() === 0x2d) {
      this.i++;
      if (!this.isDigit(this.peek())) this.fail(this.peek(), 'in numeric literal', true);
    }
    if (this.peek() === 0x30) this.i++;
    else while (this.isDigit(this.peek())) this.i++;
    if (this.peek() === 0x2e) {
      this.i++;
      if (!this.isDigit(this.peek())) this.fail(this.peek(), 'after decimal point in numeric literal', true);
      while (this.isDigit(this.peek())) this.i++;
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      if (!this.isDigit(this.peek())) this.fail(this.peek(), 'in exponent of numeric literal', true);
      while (this.isDigit(this.peek())) this.i++;
    }
  }

  private literal(word: string): void {
    this.i++;
    for (const ch of word.slice(1)) {
      const c = this.peek();
      if (c !== ch.charCodeAt(0)) this.fail(c, `in literal ${word} (expecting '${ch}')`, true);
      this.i++;
    }
  }
}

/**
 * json.Unmarshal(data, &map[string]interface{}{})'s error text, or undefined where it succeeds
 * (an object, or null, which leaves the map nil).
 */
export function goUnmarshalMapError(data: Uint8Array): string | undefined {
  let kind: string;
  try {
    kind = new Scanner(data).document();
  } catch (e) {
    if (e instanceof SyntaxError_) return e.message;
    throw e;
  }
  return kind === 'object' || kind === 'null' ? undefined : `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}
