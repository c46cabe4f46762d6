// Captures kubectl-<name>.txt for every command of commands.json: the real kubectl v1.32.4 against
// `kjob serve` (the apiserver over HTTP, from a checkout that has it: KJOB_SERVE_DIR, default
// /work/wt-serve) serving the state directory of the scenario (test/e2e/kubectl-read-helpers.ts),
// and describe-*.txt: kubectl describe against tools/kube-mirror's objects, extended here with the
// lists a cluster has and kjob does not keep (EndpointSlices as the endpointslice controller
// would write them, empty ResourceQuota and LimitRange lists): mirror.mjs.
//   node --import tsx test/golden/issue12/capture.ts   (needs kubectl, and the shared tools)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Sandbox, ROOT } from '../../e2e/helpers.js';
import { ISSUE12, commands, setUpScenario, render } from '../../e2e/kubectl-read-helpers.js';

const serveDir = process.env.KJOB_SERVE_DIR ?? '/work/wt-serve';
const sb = new Sandbox();
const children: ReturnType<typeof spawn>[] = [];
try {
  await setUpScenario(sb);
  const kubeconfig = path.join(sb.home, 'kubeconfig');
  const serve = spawn(process.execPath, [path.join(serveDir, 'bin/kjob'), 'serve', '--port', '0', '--kubeconfig', kubeconfig], { env: sb.env, stdio: 'ignore' });
  children.push(serve);
  for (let i = 0; i < 100 && !fs.existsSync(kubeconfig); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-cache-'));
  for (const c of commands()) {
    const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...c.args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const text = render({ stdout: r.stdout, stderr: r.stderr.replace(/'kubectl /g, "'kjob ").replace(/"kubectl /g, '"kjob '), code: r.status ?? -1 });
    fs.writeFileSync(path.join(ISSUE12, `kubectl-${c.name}.txt`), text);
  }

  // describe, against the mirror
  const world = JSON.parse(sb.kjob(['get', 'jobs,cronjobs,pods,services,events,namespaces', '-A', '-o', 'json']).stdout);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const worldFile = path.join(sb.home, 'world.json');
  fs.writeFileSync(worldFile, JSON.stringify(world));
  const mirror = spawn(process.execPath, [path.join(ISSUE12, 'mirror.mjs'), worldFile, String(port)], { stdio: 'ignore' });
  children.push(mirror);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  const completed = world.items.find((o: { kind: string; reason?: string; involvedObject?: { name?: string } }) => o.kind === 'Event' && o.reason === 'Completed' && o.involvedObject?.name === 'echo');
  const describes: [string, string[]][] = [
    ['describe-service', ['describe', 'service', 'web']],
    ['describe-namespace', ['describe', 'ns', 'default']],
    ['describe-event', ['describe', 'event', completed.metadata.name]],
  ];
  for (const [name, args] of describes) {
    const r = spawnSync('kubectl', ['--server', `http://127.0.0.1:${port}`, '--cache-dir', cache, '-n', 'default', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    fs.writeFileSync(path.join(ISSUE12, `kubectl-${name}.txt`), render({ stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 }));
  }
  console.log('captured in', ISSUE12);
} finally {
  for (const c of children) c.kill('SIGKILL');
  sb.cleanup();
}
