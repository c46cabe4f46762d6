#!/usr/bin/env node
// npm test's runner: node's built-in test runner over every *.test.ts, one process per file, a few
// files at a time. Unit tests sit beside the code in src/; end-to-end tests are in test/e2e.
//   node scripts/test.mjs [unit|e2e] [PART-OF-PATH...]
// Each file's output is kept until it ends: a passing file prints one line with its duration, a
// failing one prints all it wrote. The slowest files are named at the end, so that the suite's time
// (CI allows 15 minutes on two cores) is seen where it goes.
//   KJOB_TEST_JOBS          files at a time (default 4: most end-to-end tests wait on pods and timers,
//                           and the files' times add up to about 40 minutes)
//   KJOB_TEST_FILE_TIMEOUT  seconds one file may take before it is stopped and failed (default 900):
//                           a file that hangs must fail with its output, not hold CI until it is killed
//   KJOB_TEST_TIMEOUT_SCALE  stretches the e2e tests' waits for pods and timers (Sandbox.until); 3 when
//                           CI is set, where the same suite has run three times slower than on an idle
//                           machine. A wait's timeout only bounds how long a failure takes to show.
// No file is run twice: a failure is a failure. (Failures that came and went while other files ran
// were other files' clean-up killing this file's pods, not load: see src/util/process.ts processesOf.)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'node_modules' ? [] : find(join(dir, e.name))) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

const args = process.argv.slice(2);
const which = ['unit', 'e2e'].includes(args[0]) ? args.shift() : 'all';
const all = [...(which === 'e2e' ? [] : find('src')), ...(which === 'unit' ? [] : find('test'))].filter((f) => args.length === 0 || args.some((x) => f.includes(x))).sort();
// The long files start first, so that the last minutes are not one long file running alone.
// Which ones are long is known from their size (waiting tests are long files) and a short list.
const LONG = ['fuzz.test.ts', 'network.test.ts', 'deployments.test.ts', 'deployments-probes.test.ts', 'cronjob-demo.test.ts', 'engine-crash.test.ts', 'jobs-deadline-ttl.test.ts', 'kubelet-node.test.ts', 'apiserver.test.ts', 'kubectl-read.test.ts', 'kubectl-write.test.ts'];
const weight = (f) => (LONG.some((l) => f.endsWith(l)) ? 1e9 : 0) + (f.startsWith('test') ? 1e6 : 0) + statSync(f).size;
const queue = [...all].sort((a, b) => weight(b) - weight(a));
const jobs = Math.max(1, Number(process.env.KJOB_TEST_JOBS ?? 4));
if (process.env.CI && !process.env.KJOB_TEST_TIMEOUT_SCALE) process.env.KJOB_TEST_TIMEOUT_SCALE = '3';
// The engine's writes are decoded and checked to decode to themselves (src/apiserver/apiserver.ts
// asStored): a write that decoding would change fails the test that made it, as a bug.
process.env.KJOB_CHECK_TYPED_WRITES ??= '1';
const fileTimeoutMs = Math.max(1, Number(process.env.KJOB_TEST_FILE_TIMEOUT ?? 900)) * 1000;
if (all.length === 0) {
  process.stderr.write(`no test file matches ${args.join(' ')}\n`);
  process.exit(1);
}

const t0 = Date.now();
const results = [];
const children = new Set();
let stopping = false;

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, fileTimeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (timedOut) out += `\n(stopped after ${fileTimeoutMs / 1000}s: KJOB_TEST_FILE_TIMEOUT)\n`;
      const seconds = (Date.now() - started) / 1000;
      const count = (re) => Number(out.match(re)?.[1] ?? 0);
      const r = { file, code: code ?? 1, signal, seconds, pass: count(/^ℹ pass (\d+)/m), fail: count(/^ℹ fail (\d+)/m), skipped: count(/^ℹ skipped (\d+)/m), out };
      results.push(r);
      const ok = r.code === 0 && !timedOut;
      if (timedOut) r.code = 1;
      const skips = r.skipped ? `, ${r.skipped} skipped` : '';
      process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${file}  ${r.pass} passed${r.fail ? `, ${r.fail} failed` : ''}${skips}  ${seconds.toFixed(1)}s\n`);
      if (!ok) process.stdout.write(out.replace(/^/gm, '    ') + '\n');
      resolve();
    });
  });
}

async function worker() {
  while (queue.length && !stopping) await runFile(queue.shift());
}

/** SIGTERM, then SIGKILL after a grace period (a test file's after() hooks clean up on SIGTERM). */
function stop(child) {
  child.kill('SIGTERM');
  setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), 10_000).unref();
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    // a second signal does not wait for the grace period
    if (stopping) for (const c of children) c.kill('SIGKILL');
    else for (const c of children) stop(c);
    stopping = true;
  });
}

await Promise.all(Array.from({ length: Math.min(jobs, all.length) }, worker));
const failed = results.filter((r) => r.code !== 0);
const total = (Date.now() - t0) / 1000;
const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 8);
process.stdout.write(`\nslowest: ${slowest.map((r) => `${r.file.replace(/^.*\//, '')} ${r.seconds.toFixed(0)}s`).join(', ')}\n`);
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
process.stdout.write(`${results.length} files, ${sum('pass')} tests passed, ${sum('fail')} failed, ${sum('skipped')} skipped, in ${total.toFixed(0)}s (${jobs} files at a time)\n`);
if (failed.length) process.stdout.write(`failed: ${failed.map((r) => r.file).join(' ')}\n`);
process.exit(failed.length || stopping || results.length !== all.length ? 1 : 0);
