// Captures <section>.txt for the sections of test/e2e/kubectl-write-helpers.ts: the real kubectl
// v1.32 against `kjob serve` (this checkout's, built) of a fresh state directory, step by step;
// the set-up steps run with kjob.
//   node --import tsx test/golden/issue12-writes/capture.ts [SECTION...|help-flags]   (needs kubectl)
// help-flags: help-flags.json, the flags of kubectl's --help of each of HELP_VERBS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Sandbox, ROOT, KJOB } from '../../e2e/helpers.js';
import { SECTIONS, stepEnv, startFileServer, WRITES, renderStep, HELP_VERBS, HELP_FLAGS_GOLDEN, helpFlags } from '../../e2e/kubectl-write-helpers.js';

const names = process.argv.slice(2).length ? process.argv.slice(2) : [...Object.keys(SECTIONS), 'help-flags'];
if (names.includes('help-flags')) {
  // The flags of kubectl's --help for the verbs kubectl-write.test.ts compares.
  const flags = Object.fromEntries(HELP_VERBS.map((verb) => [verb, helpFlags(spawnSync('kubectl', [...verb.split(' '), '--help'], { encoding: 'utf8' }).stdout)]));
  fs.writeFileSync(HELP_FLAGS_GOLDEN, JSON.stringify(flags, null, 2) + '\n');
  console.log('captured help-flags');
}
for (const section of names.filter((n) => n !== 'help-flags')) {
  const sb = new Sandbox();
  let serve: ReturnType<typeof spawn> | undefined;
  const stops: (() => void)[] = [];
  try {
    const kubeconfig = path.join(sb.home, 'kubeconfig');
    serve = spawn(process.execPath, [KJOB, 'serve', '--port', '0', '--kubeconfig', kubeconfig], { env: sb.env, stdio: 'ignore' });
    for (let i = 0; i < 100 && !fs.existsSync(kubeconfig); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-cache-'));
    let text = '';
    const files = startFileServer(sb.home);
    stops.push(files.stop);
    for (const [i, step] of SECTIONS[section].entries()) {
      if (step.setup) {
        const r = sb.kjob(files.args(step.args), { input: step.input, env: stepEnv(step, sb.home, i) });
        if (r.code !== 0) throw new Error(`kjob ${step.args.join(' ')}: ${r.stderr}`);
        continue;
      }
      const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...files.args(step.args)], {
        cwd: ROOT,
        encoding: 'utf8',
        input: step.input ?? '',
        env: { ...process.env, TZ: 'UTC', ...stepEnv(step, sb.home, i) },
      });
      const kjobWords = (s: string) => s.replace(/'kubectl /g, "'kjob ").replace(/"kubectl /g, '"kjob ');
      text += renderStep(step, { stdout: r.stdout, stderr: kjobWords(r.stderr), code: r.status ?? -1 });
    }
    fs.writeFileSync(path.join(WRITES, `${section}.txt`), text);
    console.log('captured', section);
  } finally {
    serve?.kill('SIGKILL');
    stops.forEach((s) => s());
    sb.cleanup();
  }
}
