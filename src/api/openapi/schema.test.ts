// The indexed schema the build writes (a header line, then each definition's JSON text, parsed
// when asked for) gives every definition and kind as the schema does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiSchema, indexedDefinition, indexedSchemaFile, readIndexedSchema, type DefinitionSchema } from './schema.js';

test('every definition of the indexed schema is the schema\'s own, parsed once; a name it lacks is none', () => {
  const full = apiSchema();
  const ix = readIndexedSchema(indexedSchemaFile(full));
  assert.deepEqual(ix.kinds, full.kinds);
  assert.equal(ix.kubernetes, full.kubernetes);
  const parsed = new Map<string, DefinitionSchema>();
  const names = Object.keys(full.definitions);
  assert.ok(names.length > 100);
  for (const name of names) assert.deepEqual(indexedDefinition(ix, parsed, name), full.definitions[name], name);
  const job = 'io.k8s.api.batch.v1.Job';
  assert.equal(indexedDefinition(ix, parsed, job), indexedDefinition(ix, parsed, job), 'parsed once, then the same object');
  assert.equal(indexedDefinition(ix, parsed, 'io.k8s.api.batch.v1.NoSuch'), undefined);
  assert.equal(indexedDefinition(ix, parsed, 'constructor'), undefined);
});

test('a definition whose text is not ASCII is found by its bytes', () => {
  const full = apiSchema();
  const odd = { kubernetes: full.kubernetes, sources: {}, kinds: { Odd: 'x.Odd' }, definitions: { 'x.First': { go: 'v1.Fïrst€' }, 'x.Ä': { go: 'v1.A' }, 'x.Odd': { go: 'v1.Odd', required: ['ä\nb'] } } };
  const ix = readIndexedSchema(indexedSchemaFile(odd));
  const parsed = new Map<string, DefinitionSchema>();
  assert.deepEqual(indexedDefinition(ix, parsed, 'x.First'), odd.definitions['x.First']);
  assert.deepEqual(indexedDefinition(ix, parsed, 'x.Ä'), odd.definitions['x.Ä'], 'a name is measured in bytes');
  assert.deepEqual(indexedDefinition(ix, parsed, 'x.Odd'), odd.definitions['x.Odd']);
  assert.equal(indexedDefinition(ix, parsed, 'x.First\t0'), undefined, 'a tab in a name asked for');
  assert.deepEqual(ix.kinds, odd.kinds);
  assert.equal(indexedDefinition(ix, parsed, 'x.Od'), undefined, 'a name is found whole, not by its start');
  assert.equal(indexedDefinition(ix, parsed, 'First'), undefined, 'nor by its end');
});

test('a definition name the index could not find again is refused when the index is made', () => {
  const full = apiSchema();
  assert.throws(() => indexedSchemaFile({ kubernetes: full.kubernetes, sources: {}, kinds: {}, definitions: { 'x.A\tB': { go: 'v1.A' } } }), /cannot be indexed/);
  assert.throws(() => indexedSchemaFile({ kubernetes: full.kubernetes, sources: {}, kinds: {}, definitions: { 'x.A\nB': { go: 'v1.A' } } }), /cannot be indexed/);
});
