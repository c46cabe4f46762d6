// YAML values that cannot become JSON: kubectl's YAML-to-JSON conversion refuses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from './manifests.js';

test('.inf and .nan are refused as encoding/json refuses them, the first in Go map order', () => {
  const doc = (extra: string) => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\nspec:\n${extra}`;
  assert.throws(() => parseManifestText(doc('  completions: .inf\n'), 'j.yaml'), { message: 'error: error parsing j.yaml: error converting YAML to JSON: json: unsupported value: +Inf' });
  assert.throws(() => parseManifestText(doc('  completions: -.inf\n  backoffLimit: .nan\n'), 'j.yaml'), { message: 'error: error parsing j.yaml: error converting YAML to JSON: json: unsupported value: NaN' });
  assert.equal(parseManifestText(doc('  completions: 3\n'), 'j.yaml').length, 1);
});

// Plain scalars as kubectl v1.32 reads them (go-yaml v2's resolve), captured from
// `kubectl create --dry-run=client -o json` of a ConfigMap with these values under an extra field.
const KUBECTL_READS: [string, unknown][] = [
  ['e0', 'e0'], ['E5', 'E5'], ['-e3', '-e3'], ['.', '.'], ['+.', '+.'], ['_1', '_1'], ['._5', '._5'], ['.e5', '.e5'],
  ['1e', '1e'], ['.5e', '.5e'], ['0x', '0x'], ['0o8', '0o8'], ['0b2', '0b2'], ['0x1p4', '0x1p4'], ['+', '+'],
  ['1e5', 100000], ['1e_5', 100000], ['1_e5', 100000], ['1.e5', 100000], ['.5', 0.5], ['.5_0', 0.5], ['.5e3', 500],
  ['+.5', 0.5], ['-.5', -0.5], ['1.', 1], ['1_000.5', 1000.5], ['1E-5', 0.00001], ['1e-400', 0], ['1e400', '1e400'],
  ['0o17', 15], ['+0o17', 15], ['0X1F', 31], ['+0x1F', 31], ['0B11', 3], ['-0b101', -5], ['0_x1', 1], ['0777', 511],
  ['-0777', -511], ['08', 8], ['0_7', 7], ['+_1', 1], ['1__', 1], ['-1_', -1],
  ['9223372036854775808', 9223372036854775808], ['18446744073709551616', 18446744073709551616],
  ['0x8000000000000000', 9223372036854775808], ['+0x8000000000000000', '+0x8000000000000000'],
  ['-0x8000000000000001', '-0x8000000000000001'], ['-9223372036854775809', -9223372036854775809],
  ['1'.repeat(400), '1'.repeat(400)], ['yes', true], ['off', false], ['~', null], ['2024-01-01', '2024-01-01'], ['12:30', '12:30'],
];

test('plain scalars are numbers exactly where go-yaml v2 reads numbers', () => {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nums\nx:\n${KUBECTL_READS.map(([v], i) => `  k${i}: ${v}\n`).join('')}`;
  const [doc] = parseManifestText(text, 'nums.yaml');
  for (const [i, [v, want]] of KUBECTL_READS.entries()) assert.deepEqual([v, doc.object.x[`k${i}`]], [v, want]);
});

test('an explicit !!int or !!float tag reads its scalar as go-yaml does, quoted or not', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tags\nx:\n  a: !!int "3"\n  b: !!int 0x1F\n  c: !!int 3\n  d: !!float "1.5"\n  e: "3"\n';
  const [doc] = parseManifestText(text, 'tags.yaml');
  assert.deepEqual(doc.object.x, { a: 3, b: 31, c: 3, d: 1.5, e: '3' });
});
