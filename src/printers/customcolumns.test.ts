import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomColumnsPrinter, columnsFromSpec, columnsFromTemplate } from './customcolumns.js';

const pods = [
  { metadata: { name: 'a' }, spec: { containers: [{ name: 'x' }, { name: 'y' }] }, status: { phase: 'Running' } },
  { metadata: { name: 'longer-name' }, spec: { containers: [{ name: 'z' }] } },
];

test('columns from a spec: relaxed paths, every result joined with commas, <none> when nothing', () => {
  const p = new CustomColumnsPrinter(columnsFromSpec('NAME:.metadata.name,C:{.spec.containers[*].name},PHASE:status.phase'));
  assert.equal(p.print(pods), 'NAME          C     PHASE\na             x,y   Running\nlonger-name   z     <none>\n');
  // headers once per printer (watch events print rows only)
  assert.equal(p.print([pods[0]]), 'a     x,y   Running\n');
});

test("kubectl's errors for specs and template files", () => {
  assert.throws(() => columnsFromSpec('NAME'), { message: 'error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>' });
  assert.throws(() => columnsFromSpec(''), { message: 'error: custom-columns format specified but no custom columns given' });
  assert.throws(() => columnsFromTemplate('A B\n.a'), { message: "error: number of headers (2) and field specifications (1) don't match" });
  assert.deepEqual(columnsFromTemplate('NAME  PHASE\n.metadata.name {.status.phase}\n'), [
    { header: 'NAME', fieldSpec: '{.metadata.name}' },
    { header: 'PHASE', fieldSpec: '{.status.phase}' },
  ]);
  assert.equal(new CustomColumnsPrinter(columnsFromSpec('N:.metadata.name'), true).print(pods), 'a\nlonger-name\n');
});
