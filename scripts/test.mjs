#!/usr/bin/env node
// npm test's runner: node's built-in test runner over every *.test.ts (node 20 does not expand
// globs itself). Unit tests sit beside the code in src/; end-to-end tests are in test/e2e.
//   node scripts/test.mjs [unit|e2e]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'node_modules' ? [] : find(join(dir, e.name))) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}
const which = process.argv[2];
const files = [...(which === 'e2e' ? [] : find('src')), ...(which === 'unit' ? [] : find('test'))].sort();
// Three files at a time: most end-to-end tests wait on pods and timers rather than compute, and
// the suite must stay well inside CI's 15 minutes on two cores.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=3', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
