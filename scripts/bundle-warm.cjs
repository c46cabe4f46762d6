// node scripts/bundle-warm.cjs SHA: run the bundled CLI through the commands users run
// most, in a throwaway state directory with no engine, then write V8's code cache of the bundle
// (functions compiled on the way included) beside it. Called by scripts/bundle.mjs.
// node ENGINE_NODE_FLAGS scripts/bundle-warm.cjs SHA engine: the engine bundle's cache, of its
// modules' top levels only: a cache holds every function it was made with for the life of the
// process, and an engine's functions compile once each anyway (engine start: npm run bench).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { loadBundle } = require('../bin/kjob');

// Output goes nowhere (bundle.mjs discards it): only the code paths matter.
const sha = process.argv[2];
const root = path.join(__dirname, '..');
const fixture = path.join(root, 'fixtures', 'job-pi.yaml');
const cronFixture = path.join(root, 'fixtures', 'cronjob-demo.yaml');

if (process.argv[3] === 'engine') {
  const { script } = loadBundle({ sha, noCache: true, part: 'engine' });
  fs.writeFileSync(path.join(root, 'dist', 'bundle', `${sha}.engine.v8cache`), script.createCachedData());
} else {
  warmCli();
}

function warmCli() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-warm-'));
  return (async () => {
    const { main, script } = loadBundle({ sha, noCache: true });
    const run = (...args) => main(['--home', home, ...args]);
    const commands = [
      ['apply', '-f', fixture],
      ['apply', '-f', cronFixture],
      ['get', 'jobs'],
      ['get', 'pods'],
      ['get', 'cronjobs'],
      ['get', 'job', 'pi', '-o', 'yaml'],
      ['get', 'job', 'pi', '-o', 'json'],
      ['get', 'all'],
      ['describe', 'job', 'pi'],
      ['describe', 'cronjob', 'cronjob-demo'],
      ['create', 'job', 'warm', '--image=busybox', '--', 'true'],
      ['get', 'events'],
      ['delete', 'job', 'pi'],
      ['--help'],
      ['get', 'nosuchkind'],
    ];
    for (const c of commands) {
      try {
        await run(...c);
      } catch {
        /* a command's failure is a path too */
      }
    }
    fs.writeFileSync(path.join(root, 'dist', 'bundle', `${sha}.v8cache`), script.createCachedData());
    fs.rmSync(home, { recursive: true, force: true });
  })().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    fs.rmSync(home, { recursive: true, force: true });
    process.exit(1);
  });
}
