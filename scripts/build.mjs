#!/usr/bin/env node
// The build: tsc, then the data files the compiled code reads beside itself (the API schema in
// src/api/openapi/*.json) copied into dist/. package.json's build, prepare, prepack, test and
// bench scripts run this.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
for (const dir of ['src/api/openapi']) {
  const out = join(root, dir.replace(/^src/, 'dist'));
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(join(root, dir))) if (f.endsWith('.json')) copyFileSync(join(root, dir, f), join(out, f));
}
