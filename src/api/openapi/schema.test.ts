// The indexed schema the build writes (each definition as its JSON text, parsed when asked for)
// gives every definition and kind as the schema does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiSchema, indexedDefinition, indexedSchemaJSON, type DefinitionSchema, type IndexedSchema } from './schema.js';

test('every definition of the indexed schema is the schema\'s own, parsed once; a name it lacks is none', () => {
  const full = apiSchema();
  const ix = JSON.parse(indexedSchemaJSON(full)) as IndexedSchema;
  assert.deepEqual(ix.kinds, full.kinds);
  const parsed = new Map<string, DefinitionSchema>();
  const names = Object.keys(full.definitions);
  assert.ok(names.length > 100);
  for (const name of names) assert.deepEqual(indexedDefinition(ix, parsed, name), full.definitions[name], name);
  const job = 'io.k8s.api.batch.v1.Job';
  assert.equal(indexedDefinition(ix, parsed, job), indexedDefinition(ix, parsed, job), 'parsed once, then the same object');
  assert.equal(indexedDefinition(ix, parsed, 'io.k8s.api.batch.v1.NoSuch'), undefined);
  assert.equal(indexedDefinition(ix, parsed, 'constructor'), undefined);
});
