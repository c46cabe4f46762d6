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
