import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAME_SUFFIX_ALPHABET, generateName, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, randomSuffix } from './names.js';

test('randomSuffix uses the apimachinery alphabet', () => {
  const s = randomSuffix();
  assert.equal(s.length, 5);
  for (const c of s) assert.ok(NAME_SUFFIX_ALPHABET.includes(c));
  assert.equal(randomSuffix(8).length, 8);
});

test('generateName truncates the base to 58 chars', () => {
  assert.equal(generateName('pi-', 'abcde'), 'pi-abcde');
  assert.equal(generateName('x'.repeat(70), 'bcdfg').length, 63);
});

test('DNS-1123 label messages', () => {
  assert.deepEqual(isDNS1123Label('ok-name'), []);
  assert.deepEqual(isDNS1123Label('Bad_Name'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
});

test('DNS-1123 subdomain messages', () => {
  assert.deepEqual(isDNS1123Subdomain('a.b-c'), []);
  assert.deepEqual(isDNS1123Subdomain('Pi'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
});

test('DNS-1035, label values, qualified names', () => {
  assert.deepEqual(isDNS1035Label('1abc').length, 1);
  assert.match(isDNS1035Label('1abc')[0], /^a DNS-1035 label must consist/);
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('x'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isQualifiedName('batch.kubernetes.io/job-name'), []);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.match(isQualifiedName('a b')[0], /^name part must consist of alphanumeric characters/);
});
