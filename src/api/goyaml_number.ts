// kubectl reads YAML with go-yaml v2: the manifests' reader takes numbers by these rules
// (manifests.ts), and the YAML writer quotes a string they would read back as a number (output.ts).

/**
 * go-yaml v2's reading of a plain scalar as a number (resolve.go's resolve): one that starts with a
 * digit or a sign is an integer when, its underscores removed, strconv.ParseInt (base 0: 0x, 0o, 0b
 * and a leading 0 for octal, in either case) or ParseUint takes it, else a float when it matches
 * yamlStyleFloat and ParseFloat takes it; one that starts with '.' is a float when ParseFloat takes
 * it as written. Anything else is a string. The yaml package's YAML 1.1 numbers differ at the edges:
 * they read `e0`, `.` and `+.` as NaN (which the JSON conversion then refuses) and `0o17` as a string.
 * The tag's test only sees the first character, as resolve.go's hint table does: a test that
 * recognised the whole number by itself was a regular expression costly enough to V8 that an
 * `apply` then collected its young generation (2-4 ms); the exact rules run in resolve, on the
 * number-like scalars only.
 */
export const GO_YAML_HINT = /^[-+.0-9]/;
/** strconv.ParseInt's syntax with base 0, underscores removed. */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** resolve.go's yamlStyleFloat, underscores removed. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat of a scalar starting with '.': underscores only between digits. */
const GO_DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_END = 2n ** 64n;

export function resolveGoYamlNumber(s: string): number | string {
  if (s[0] === '.') return GO_DOT_FLOAT.test(s) ? finiteOr(parseFloat(s.replace(/_/g, '')), s) : s;
  const plain = s.replace(/_/g, '');
  if (GO_INT.test(plain)) {
    const signed = plain[0] === '-' || plain[0] === '+';
    const body = signed ? plain.slice(1) : plain;
    const n = BigInt(/^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body) * (plain[0] === '-' ? -1n : 1n);
    if (n >= INT64_MIN && n < -INT64_MIN) return Number(n); // ParseInt
    if (!signed && n < UINT64_END) return Number(n); // ParseUint (which takes no sign)
  }
  return YAML_STYLE_FLOAT.test(plain) ? finiteOr(parseFloat(plain), s) : s;
}

/** A float out of float64's range is ParseFloat's error: the scalar stays a string. */
const finiteOr = (f: number, s: string): number | string => (Number.isFinite(f) ? f : s);

