// Go's wordings and encodings kjob prints: an errno as a Go program prints it, a Go string's bytes as encoding/json writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goBytesAsJSON, goErrnoText } from './go.js';
import { tempDir } from './testing.js';

const failure = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('no failure');
};

test("goErrnoText: a failed call's errno as Go's syscall.Errno prints it; an error without a code, its message", () => {
  const dir = tempDir('goerrno');
  assert.equal(goErrnoText(failure(() => fs.readFileSync(path.join(dir, 'missing')))), 'no such file or directory');
  // libuv says "illegal operation on a directory"; Go says this.
  assert.equal(goErrnoText(failure(() => fs.readFileSync(dir))), 'is a directory');
  fs.writeFileSync(path.join(dir, 'f'), '');
  assert.equal(goErrnoText(failure(() => fs.mkdirSync(path.join(dir, 'f')))), 'file exists');
  assert.equal(goErrnoText(failure(() => fs.readdirSync(path.join(dir, 'f')))), 'not a directory');
  assert.equal(goErrnoText(new Error('plain')), 'plain');
});

test('goBytesAsJSON: valid UTF-8 as it is; each byte that begins no valid sequence one U+FFFD, as encoding/json writes a Go string', () => {
  const s = (...b: number[]) => goBytesAsJSON(Uint8Array.from(b));
  assert.equal(goBytesAsJSON(Buffer.from('a€😀z')), 'a€😀z');
  // A cut four-byte character: three replacements (a TextDecoder writes one).
  assert.equal(s(0x61, 0xf0, 0x9f, 0x98), 'a\ufffd\ufffd\ufffd');
  assert.equal(Buffer.from([0x61, 0xf0, 0x9f, 0x98]).toString('utf8'), 'a\ufffd');
  // A lone continuation byte, an overlong encoding, a surrogate, past U+10FFFF.
  assert.equal(s(0x80, 0x62), '\ufffdb');
  assert.equal(s(0xc0, 0x80), '\ufffd\ufffd');
  assert.equal(s(0xed, 0xa0, 0x80), '\ufffd\ufffd\ufffd');
  assert.equal(s(0xf4, 0x90, 0x80, 0x80), '\ufffd\ufffd\ufffd\ufffd');
  assert.equal(s(0xe2, 0x82), '\ufffd\ufffd');
});
