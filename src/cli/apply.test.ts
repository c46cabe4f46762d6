// kubectl apply's three-way strategic merge patch: what kjob computes is what kubectl v1.32 sends
// for the same manifest and live object (test/golden/apply, captured from the real kubectl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { applyPatchFor } from './apply.js';
import { resourceForKind } from '../api/resources.js';
import { sortKeys } from '../util/canonical.js';
import type { KObject } from '../api/types.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../test/golden/apply');
const read = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
const live = JSON.parse(read('live.json')) as KObject;

for (const v of ['v1', 'v2', 'v3']) {
  test(`apply of manifest-${v}.yaml over a patched Job: kubectl's patch`, () => {
    const manifest = YAML.parse(read(`manifest-${v}.yaml`)) as KObject;
    manifest.metadata.namespace = 'default';
    const patch = applyPatchFor(resourceForKind('Job')!, manifest, live);
    assert.deepEqual(sortKeys(patch), JSON.parse(read(`patch-${v}.json`)));
  });
}

test('the manifest that was applied last, unchanged: nothing to send', () => {
  const manifest = YAML.parse(read('manifest-v1.yaml')) as KObject;
  manifest.metadata.namespace = 'default';
  const last = structuredClone(live);
  // as if parallelism had not been patched: the live object agrees with the manifest
  last.spec.parallelism = 2;
  assert.deepEqual(applyPatchFor(resourceForKind('Job')!, manifest, last), {});
});
