// handleChange returns early for a kind outside INFORMED_KINDS (its object is not even parsed): a
// case added to its switch without the set would never run. The set is checked against the switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INFORMED_KINDS } from './engine.js';

test("INFORMED_KINDS are exactly the kinds handleChange's switch has cases for", () => {
  const src = fs.readFileSync(fileURLToPath(new URL('./engine.ts', import.meta.url)), 'utf8');
  const start = src.indexOf('  private handleChange(');
  const end = src.indexOf('\n  }\n', src.indexOf('switch (c.kind)', start));
  assert.ok(start > 0 && end > start);
  const cases = [...src.slice(start, end).matchAll(/^ {6}case '([A-Za-z]+)':/gm)].map((m) => m[1]).sort();
  assert.deepEqual(cases, [...INFORMED_KINDS].sort());
});
