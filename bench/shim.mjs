// node bench/shim.mjs [runs]: what one container attempt costs in its shim, for the perl shim
// that writes CRI logs (src/kubelet/shim.ts) against the shell shim it replaced (raw logs) and a
// node process (what a log writer in node would cost). Each run starts a shim for `true`, as the
// runtime does, and waits for it to end: wall time per run, CPU per run (user+sys of the waited
// children, from /proc/self/stat), and the resident size of a shim whose container sleeps.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { shimArgs } = await import(path.join(root, 'dist/kubelet/shim.js'));
const RUNS = Number(process.argv[2] ?? 200);
const TICK = 100; // USER_HZ

// The shell shim as it was before issue 8 (runtime.ts keeps it as the no-perl fallback).
const SH_SHIM = [
  'd=$1; log=$2; note=$3; shift 3',
  'setsid "$@" >>"$log" 2>&1 </dev/null &',
  'c=$!',
  'echo $c >"$d/pid.tmp" && mv -f "$d/pid.tmp" "$d/pid"',
  'wait $c; code=$?',
  'echo "$code $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >"$d/exit.tmp" && mv -f "$d/exit.tmp" "$d/exit"',
  ': >"$note"',
].join('\n');

const shims = {
  'sh (old, raw log)': (d, argv) => ['/bin/sh', ['-c', SH_SHIM, 'kjob-shim', d, path.join(d, '0.log'), path.join(d, 'note'), ...argv]],
  'perl (CRI log)': (d, argv) => ['perl', shimArgs({ attemptDir: d, logPath: path.join(d, '0.log'), note: path.join(d, 'note'), argv })],
  // A node process that only starts (and, for the RSS, stays a second): what a log writer in node would cost at least.
  'node (for scale)': (d, argv) => [process.execPath, ['-e', argv[0] === '/bin/sleep' ? 'setTimeout(() => {}, 1000)' : '0']],
};

function childCpuTicks() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[13]) + Number(f[14]); // cutime + cstime
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-bench-shim-'));
for (const [name, argsFor] of Object.entries(shims)) {
  const walls = [];
  const cpu0 = childCpuTicks();
  for (let i = 0; i < RUNS; i++) {
    const d = fs.mkdtempSync(path.join(base, 'a-'));
    const [cmd, args] = argsFor(d, ['/bin/true']);
    const t0 = process.hrtime.bigint();
    spawnSync(cmd, args, { stdio: 'ignore', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpuMs = ((childCpuTicks() - cpu0) * 1000) / TICK / RUNS;
  // Resident size of the shim (not its container) while the container runs.
  const d = fs.mkdtempSync(path.join(base, 'rss-'));
  const [cmd, args] = argsFor(d, ['/bin/sleep', '1']);
  const child = spawn(cmd, args, { stdio: 'ignore', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  await new Promise((r) => setTimeout(r, name.startsWith('node') ? 80 : 300));
  const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  await new Promise((r) => child.on('exit', r));
  const mean = walls.reduce((a, b) => a + b, 0) / walls.length;
  console.log(`${name.padEnd(22)} wall median ${median(walls).toFixed(2)} ms, mean ${mean.toFixed(2)} ms; cpu ${cpuMs.toFixed(2)} ms/run; shim RSS ${rss ?? '?'} kB  (${RUNS} runs)`);
}
fs.rmSync(base, { recursive: true, force: true });
