// Records the goldens of test/e2e/cronjob-*.test.ts from the REAL kubectl v1.32: runs the
// cronjob-demo story with kjob, serves kjob's objects to kubectl with kube-mirror, and stores what
// kubectl prints (normalised). Also records `kubectl create ... --dry-run=client` outputs.
// Run by hand (needs kubectl and ../shared/tools):  node --import tsx test/golden/cronjob/capture.ts
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Sandbox, ROOT } from '../../e2e/helpers.js';
import { runDemo, DEMO_VIEWS, mask } from '../../e2e/cronjob-helpers.js';
import { CREATE_CASES } from '../../e2e/cronjob-create-cases.js';

const OUT = path.join(ROOT, 'test/golden/cronjob');
const MIRROR = process.env.KUBE_MIRROR ?? path.resolve(ROOT, '../shared/tools/kube-mirror.mjs');

function kubectl(args: string[], server?: string): string {
  const r = spawnSync('kubectl', [...(server ? ['--server', server] : []), ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return r.stdout + r.stderr;
}

async function main(): Promise<void> {
  for (const c of CREATE_CASES) {
    fs.writeFileSync(path.join(OUT, c.golden), kubectl(c.args));
  }
  const sb = new Sandbox();
  try {
    await runDemo(sb);
    const world = path.join(sb.home, 'world.json');
    const dump = sb.kjob(['get', 'jobs,cronjobs,pods,events', '-A', '-o', 'json']);
    fs.writeFileSync(world, dump.stdout);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const mirror = spawn(process.execPath, [MIRROR, world, String(port)], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    try {
      for (const { file, args, by } of DEMO_VIEWS) {
        const j = mask(sb.kjob(args).stdout);
        if (by === 'kjob') {
          fs.writeFileSync(path.join(OUT, file), j);
          process.stdout.write(`${file}: recorded from kjob\n`);
          continue;
        }
        const k = mask(kubectl(['--cache-dir', path.join(sb.home, 'kcache'), ...args], `http://127.0.0.1:${port}`));
        fs.writeFileSync(path.join(OUT, file), k);
        process.stdout.write(`${file}: ${k === j ? 'kjob identical to kubectl' : 'DIFFERENT from kubectl'}\n`);
        if (k !== j) process.stdout.write(`--- kubectl\n${k}--- kjob\n${j}`);
      }
    } finally {
      mirror.kill();
    }
  } finally {
    sb.cleanup();
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exitCode = 1;
});
