// node scripts/bundle-warm.cjs SHA: run the bundled CLI through what every command runs, in a
// throwaway state directory with no engine, then write V8's code cache of the bundle (functions
// compiled on the way included) beside it. Called by scripts/bundle.mjs. Then, in that
// state directory, the cache of each verb's own script (bin/kjob's VERB_PARTS: SHA.VERB.cjs,
// SHA.VERB.v8cache), each made by a fresh node running only that verb's commands (node
// scripts/bundle-warm.cjs SHA verb:VERB HOME): V8 takes every function a cache holds, and the
// whole CLI's are about 5 ms to take.
// node $(engineNodeFlags) scripts/bundle-warm.cjs SHA engine: the engine bundle's cache, of its
// modules' top levels only (a build runs no containers). An engine leaving then writes the cache
// of what it compiled into its state directory, which the next engine there starts from (bin/kjob
// keepEngineCache: 12-20 ms less from a cold start's apply to its container).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadBundle, VERB_PARTS } = require('../bin/kjob');

// Output goes nowhere (bundle.mjs discards it): only the code paths matter.
const sha = process.argv[2];
const root = path.join(__dirname, '..');
const fixture = path.join(root, 'fixtures', 'job-pi.yaml');
const cronFixture = path.join(root, 'fixtures', 'cronjob-demo.yaml');

/** Each verb part's commands, run in the state the whole CLI's warm-up leaves (Jobs, a CronJob, a pod, ConfigMaps). */
const verbCommands = (home) => ({
  get: [['get', 'pods'], ['get', 'jobs'], ['get', 'cronjobs'], ['get', 'pod', 'warm-pod'], ['get', 'configmap', 'warm-cm'], ['get', 'job', 'warm', '-o', 'yaml'], ['get', 'job', 'warm', '-o', 'json'], ['get', 'events'], ['get', 'pod', 'nosuchpod']],
  describe: [['describe', 'pod', 'warm-pod'], ['describe', 'job', 'warm'], ['describe', 'cronjob', 'cronjob-demo'], ['describe', 'configmap', 'warm-cm']],
  apply: [['apply', '-f', fixture], ['apply', '-f', fixture], ['apply', '-f', path.join(home, 'cm.yaml')], ['apply', '-f', path.join(home, 'cm2.yaml')]],
  logs: [['logs', 'warm-pod'], ['logs', 'job/warm'], ['logs', 'nosuchpod']],
  delete: [['delete', 'configmap', 'warm-del'], ['delete', 'configmap', 'nosuch']],
  events: [['events'], ['events', '--for', 'job/warm'], ['events', '-A', '--types', 'Warning'], ['events', '--for', 'pod/nosuch']],
  create: [['create', 'job', 'warm-c', '--image=busybox', '--', 'true'], ['create', 'cronjob', 'warm-cc', '--image=busybox', '--schedule=*/5 * * * *', '--', 'true'], ['create', 'configmap', 'warm-c2', '--from-literal=a=1'], ['create', '-f', path.join(home, 'cm.yaml')]],
});

if (process.argv[3] === 'engine') {
  const { script } = loadBundle({ sha, noCache: true, part: 'engine' });
  fs.writeFileSync(path.join(root, 'dist', 'bundle', `${sha}.engine.v8cache`), script.createCachedData());
} else if (process.argv[3]?.startsWith('verb:')) {
  warmVerb(process.argv[3].slice(5), process.argv[4]);
} else {
  warmCli();
}

async function runAll(main, home, commands) {
  for (const c of commands) {
    try {
      await main(['--home', home, ...c]);
    } catch {
      /* a command's failure is a path too */
    }
  }
}

function warmVerb(verb, home) {
  (async () => {
    const { main, script } = loadBundle({ sha, noCache: true, part: verb });
    await runAll(main, home, verbCommands(home)[verb]);
    fs.writeFileSync(path.join(root, 'dist', 'bundle', `${sha}.${verb}.v8cache`), script.createCachedData());
  })().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
}

function warmCli() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-warm-'));
  return (async () => {
    const { main, script } = loadBundle({ sha, noCache: true });
    const manifest = (name, data) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "${data}"\n`;
    fs.writeFileSync(path.join(home, 'cm.yaml'), manifest('warm-cm', '1'));
    fs.writeFileSync(path.join(home, 'cm2.yaml'), manifest('warm-cm', '2'));
    fs.writeFileSync(path.join(home, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: warm-pod\nspec:\n  containers:\n  - name: c\n    image: busybox\n');
    // The CLI's own cache serves the verbs without a script of their own (wait, run, label,
    // exec, ...): made from what every command runs (commander, the context, the store, an
    // error's report) rather than from the verbs' work, all of which V8 would deserialise for
    // each of them (a cache made by running apply, get, describe, create and delete was 860 kB;
    // `kjob wait` and `kjob events` took about 8 ms longer with it).
    await runAll(main, home, [['--help'], ['version', '--client'], ['get', 'nosuchkind']]);
    fs.writeFileSync(path.join(root, 'dist', 'bundle', `${sha}.v8cache`), script.createCachedData());
    // The state the verbs' commands read (a Job with its pod's events gone, a Job, a CronJob, a
    // pod, a ConfigMap, and a ConfigMap for delete), then a fresh node for each verb's cache,
    // which runs only its commands.
    await runAll(main, home, [
      ['apply', '-f', fixture],
      ['apply', '-f', cronFixture],
      ['create', 'job', 'warm', '--image=busybox', '--', 'true'],
      ['delete', 'job', 'pi'],
      ['apply', '-f', path.join(home, 'pod.yaml')],
      ['apply', '-f', path.join(home, 'cm.yaml')],
      ['create', 'configmap', 'warm-del'],
    ]);
    for (const verb of VERB_PARTS) {
      const r = spawnSync(process.execPath, [__filename, sha, `verb:${verb}`, home], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: process.env });
      if (r.status !== 0) throw new Error(`the code cache of ${verb} (exit ${r.status}): ${r.stderr}`);
    }
    fs.rmSync(home, { recursive: true, force: true });
  })().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    fs.rmSync(home, { recursive: true, force: true });
    process.exit(1);
  });
}
