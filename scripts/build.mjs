#!/usr/bin/env node
// The build: tsc, then the data files the compiled code reads beside itself (the API schema in
// src/api/openapi/*.json) copied into dist/, then the bundle bin/kjob runs (scripts/bundle.mjs). package.json's build, prepare, prepack, test and
// bench scripts run this.
//
// tsc writes into a scratch directory, and only the files that changed are moved into dist/, each
// by a rename: `npm pack` (prepack) rebuilds while other kjob processes run from dist/ (the e2e
// suite packs the package while other tests run), and tsc truncating and rewriting a module under
// a process that is importing it makes that import fail ("does not provide an export named …").
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundle } from './bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const scratch = mkdtempSync(join(tmpdir(), 'kjob-build-'));
let failure;
try {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', scratch], { stdio: 'inherit' });
  } catch (e) {
    failure = e; // tsc still emits on type errors, and dist/ gets what it emitted, as before
  }
  for (const dir of ['src/api/openapi']) {
    const out = join(scratch, dir.replace(/^src\//, ''));
    mkdirSync(out, { recursive: true });
    for (const f of readdirSync(join(root, dir))) if (f.endsWith('.json')) copyFileSync(join(root, dir, f), join(out, f));
  }
  // The API schema for lookups, each definition parsed when first asked for (src/api/openapi/schema.ts).
  const { indexedSchemaFile } = await import(pathToFileURL(join(scratch, 'api/openapi/schema.js')).href);
  const schema = JSON.parse(readFileSync(join(root, 'src/api/openapi/v1.32.schema.json'), 'utf8'));
  writeFileSync(join(scratch, 'api/openapi/v1.32.schema.index'), indexedSchemaFile(schema));
  sync(scratch, join(root, 'dist'));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
// What bin/kjob runs: the CLI in one script with its code cache.
await bundle();
buildNativePrograms();
if (failure) process.exit(failure.status ?? 1);

/**
 * The native programs, where a C compiler is found ($CC, else cc): static where the C library
 * allows it (no dynamic loader at each start), else dynamic. Without a compiler, or if it fails,
 * there is no binary and what stands in for it runs; that is said, not an error.
 * - The container shim (src/kubelet/shim.c, with pod_net.c and ip_runner.c) into
 *   dist/kubelet/kjob-shim; else the perl shim runs (src/kubelet/shim.ts nativeShim).
 * - The command client (src/cli/command_client.c) into dist/kjob-client; else bin/kjob's shell
 *   part runs node, whose client (bin/command-client.js) forwards instead.
 */
function buildNativePrograms() {
  buildNative(['kubelet/shim.c', 'kubelet/pod_net.c', 'kubelet/ip_runner.c'], 'dist/kubelet/kjob-shim', "containers' shims will run on perl (slower: see README)");
  buildNative(['cli/command_client.c'], 'dist/kjob-client', 'commands will start node to reach the command server (slower: see README)');
}

function buildNative(files, target, without) {
  const sources = files.map((f) => join(root, 'src', f));
  const out = join(root, target);
  try {
    if (sources.every((source) => statSync(out).mtimeMs >= statSync(source).mtimeMs)) return; // built from these sources
  } catch {
    /* not built yet */
  }
  const tmp = `${out}.${process.pid}.tmp`;
  const cc = process.env.CC || 'cc';
  const flags = ['-O2', '-s', '-Wall', '-pthread', '-o', tmp, ...sources];
  let error;
  for (const extra of [['-static'], []]) {
    try {
      execFileSync(cc, [...extra, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
      renameSync(tmp, out); // a running program keeps its old file
      return;
    } catch (e) {
      error = e;
    }
  }
  rmSync(tmp, { force: true });
  rmSync(out, { force: true }); // never one built from another source
  const why = error.code === 'ENOENT' ? `no C compiler (${cc})` : `${cc} failed: ${String(error.stderr ?? error.message).trim().split('\n')[0]}`;
  console.error(`kjob build: ${why}; ${without}`);
}

/** Put every file of `from` into `to`: unchanged files are left alone, changed ones replaced atomically. */
function sync(from, to) {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) {
      sync(src, dst);
      continue;
    }
    const data = readFileSync(src);
    let old;
    try {
      old = readFileSync(dst);
    } catch {
      /* new file */
    }
    if (old && old.equals(data)) continue;
    const tmp = `${dst}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, dst);
  }
}
