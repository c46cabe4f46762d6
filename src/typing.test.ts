// Typed models (issue 9): the API layer, the controllers, the kubelet, the printers and the CLI
// read objects through kubernetes-types (asKind, ObjectOf, TypedObject), so the compiler checks
// field names. An explicit `any` is allowed only at a decoding boundary, where the code reads
// input of any shape, and there each one carries a comment saying why; `as unknown as` (a cast
// around the types) only where a type cannot say what the wire holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** The boundary files and how many explicit `any` each may hold. */
const ANY_ALLOWED: Record<string, number> = {
  // A parsed manifest of any shape, before the apiserver's decoding types it.
  'api/manifests.ts': 2,
};

/** Where `as unknown as` may stay: the one cast for Go's null time. */
const UNKNOWN_CAST_ALLOWED: Record<string, number> = {
  'api/types.ts': 1,
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) return [];
    return [p];
  });
}

/** The code of a line with its comments and string literals blanked (a block comment may span lines). */
function codeLines(text: string): string[] {
  const blanked = text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/.*$/gm, '');
  return blanked.split('\n');
}

const EXPLICIT_ANY = /:\s*any\b|\bas\s+any\b|\bany\s*\[\]|<\s*any\b|,\s*any\s*>|\|\s*any\b|\bany\s*\|/;
const UNKNOWN_CAST = /\bas\s+unknown\s+as\b/;

/** Explicit `any` in one file's text: the line numbers (1-based). */
export function anyLines(text: string): number[] {
  return codeLines(text).flatMap((l, i) => (EXPLICIT_ANY.test(l) ? [i + 1] : []));
}

function unknownCastLines(text: string): number[] {
  return codeLines(text).flatMap((l, i) => (UNKNOWN_CAST.test(l) ? [i + 1] : []));
}

test('no explicit any outside the decoding boundary, and each one there says why', () => {
  const problems: string[] = [];
  for (const file of sources(SRC)) {
    const rel = path.relative(SRC, file);
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const found = anyLines(text);
    const allowed = ANY_ALLOWED[rel] ?? 0;
    if (found.length > allowed) problems.push(`${rel}: ${found.length} explicit any (allowed ${allowed}) at lines ${found.join(', ')}: use the kubernetes-types type (asKind, ObjectOf) or unknown and narrow`);
    for (const n of found) {
      // The comment saying why: on the line, or in the comment lines just above it.
      let said = /\/\/.*\bany\b/.test(lines[n - 1]);
      for (let i = n - 2; !said && i >= 0 && /^\s*(\/\/|\*|\/\*\*)/.test(lines[i]); i--) said = /\bany\b/.test(lines[i]);
      if (allowed > 0 && !said) problems.push(`${rel}:${n}: an any at the boundary without a comment saying why`);
    }
  }
  assert.deepEqual(problems, []);
});

test('no cast through unknown to dodge the types', () => {
  const problems: string[] = [];
  for (const file of sources(SRC)) {
    const rel = path.relative(SRC, file);
    const found = unknownCastLines(fs.readFileSync(file, 'utf8'));
    const allowed = UNKNOWN_CAST_ALLOWED[rel] ?? 0;
    if (found.length > allowed) problems.push(`${rel}: ${found.length} "as unknown as" (allowed ${allowed}) at lines ${found.join(', ')}`);
  }
  assert.deepEqual(problems, []);
});

test('the any check sees the forms it is meant to catch, and not words in comments or strings', () => {
  for (const code of ['let x: any;', 'f(x as any)', 'const xs: any[] = []', 'new Map<string, any>()', 'g<any>()', 'type T = string | any;', 'function f(a: any) {}', 'Record<string, any>']) {
    assert.deepEqual(anyLines(code), [1], code);
  }
  for (const code of ['// anything: any kjob command', "io.out('any kjob command starts it')", '/* any */ const y = 1;', 'const anyRunning = true;', 'const many: string[] = [];', '`any ${x}`']) {
    assert.deepEqual(anyLines(code), [], code);
  }
});
