// goUnmarshalMapError against the messages of Go's encoding/json scanner (scanner.go) and Unmarshal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goUnmarshalMapError } from './go_unmarshal.js';

const err = (s: string | Uint8Array) => goUnmarshalMapError(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

test('an object, or null (which leaves the map nil), unmarshals; other values are type errors', () => {
  assert.equal(err('{"auths":{"r":{"auth":"dTpw"}}}'), undefined);
  assert.equal(err(' {} \n'), undefined);
  assert.equal(err('null'), undefined);
  assert.equal(err('{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\n"]}'), undefined);
  assert.equal(err('[1]'), 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  assert.equal(err('"x"'), 'json: cannot unmarshal string into Go value of type map[string]interface {}');
  assert.equal(err('12'), 'json: cannot unmarshal number into Go value of type map[string]interface {}');
  assert.equal(err('true'), 'json: cannot unmarshal bool into Go value of type map[string]interface {}');
});

test("a syntax error names the byte the scanner stopped at and what it looked for, and wins over the value's type", () => {
  const cases: [string, string][] = [
    ['{not json', "invalid character 'n' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[,]', "invalid character ',' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['[01]', "invalid character '1' after array element"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['tRue', "invalid character 'R' in literal true (expecting 'r')"],
    ['nul!', "invalid character '!' in literal null (expecting 'l')"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['\x00', "invalid character '\\x00' looking for beginning of value"],
    ['\x7f', "invalid character '\\x7f' looking for beginning of value"],
    ['\xe9', "invalid character 'é' looking for beginning of value"],
    ['\xa0', "invalid character '\\u00a0' looking for beginning of value"],
    ['\x85', "invalid character '\\u0085' looking for beginning of value"],
    ['\\', "invalid character '\\\\' looking for beginning of value"],
  ];
  for (const [input, message] of cases) assert.equal(err(input), message, JSON.stringify(input));
});

test('at the end of the input the scanner is fed a space: inside a token that is the error, elsewhere the end is', () => {
  const cases: [string, string][] = [
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['{"a"', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['[1,', 'unexpected end of JSON input'],
    ['"abc', 'unexpected end of JSON input'],
    ['tr', "invalid character ' ' in literal true (expecting 'u')"],
    ['-', "invalid character ' ' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1e+', "invalid character ' ' in exponent of numeric literal"],
    ['"\\', "invalid character ' ' in string escape code"],
    ['"\\u1', "invalid character ' ' in \\u hexadecimal character escape"],
  ];
  for (const [input, message] of cases) assert.equal(err(input), message, JSON.stringify(input));
});
