// The CLI as one script with a V8 code cache, which is what bin/kjob runs: a command's fixed cost
// was node's ES module loader resolving, reading and compiling ~190 modules (about half of a
// `kjob get`'s 330 ms, by --cpu-prof); one CommonJS script whose compiled code comes from the
// cache skips all of that.
//
//   dist/bundle/<sha>.cjs      dist/cli/main.js and everything it imports, dependencies included
//                              (better-sqlite3's JavaScript too; its addon is loaded from
//                              node_modules, src/store/sqlite_addon.ts), but for the engine, which
//                              `kjob controller run` loads from the engine's bundle (engineAsPart);
//                              as a function expression of the launcher's arguments (WRAPPER)
//   dist/bundle/<sha>.v8cache  V8's code cache of that script, made after running what every
//                              command runs (help, version, an error): the verbs without a script
//                              of their own use it
//   dist/bundle/<sha>.<verb>.cjs, .<verb>.v8cache
//                              for each verb of bin/kjob's VERB_PARTS (get, describe, apply, logs,
//                              delete, create, events): the CLI without the other verbs' modules
//                              (verbOnly), and its cache made by running only that verb's
//                              commands (scripts/bundle-warm.cjs)
//   dist/bundle/<sha>.engine.cjs, .engine.v8cache
//                              the same for dist/engine/main.js, which an engine started by a
//                              command runs: its cache is made under the engine's node flags
//                              (engineNodeFlags), as V8 refuses a cache made under others
//   dist/bundle/current        "<sha>" (of both scripts): written last, so a launcher never pairs a script with
//                              another script's cache (V8 checks only the source's length)
//
// A module that finds files beside itself (the API schema, netd.js, package.json) keeps doing so:
// each import.meta.url becomes that module's own URL under dist/ (fileURLToPath(import.meta.url) its path).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A bundle file holds its script inside the function bin/kjob's loadBundle calls with a module's
 * arguments: the launcher compiles the file's text as it was read. Wrapped there, the script was a
 * second string of the file's size, made by V8 as it compiled: about 260 more page faults and 4-5
 * ms of every command on the development machine (a fault costs it about 16 us).
 */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname, __kjobDist) {', '\n})'];
const dist = join(root, 'dist');
const out = join(dist, 'bundle');

export async function bundle() {
  // The engine's node flags, from the compiled daemon (the build compiles before it bundles).
  const { engineNodeFlags } = await import(join(dist, 'engine/daemon.js'));
  const esbuild = await import(createRequire(join(root, 'package.json')).resolve('esbuild'));
  const moduleUrl = {
    name: 'module-url',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist + '/')) return undefined;
        const rel = relative(dist, args.path);
        if (!/^[A-Za-z0-9._/-]+$/.test(rel)) throw new Error(`${rel}: a module path __kjobModuleURL would have to escape`);
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        // A module's own path is the dist directory's and its path, without a URL made and parsed back.
        const contents = text.replaceAll('fileURLToPath(import.meta.url)', `__kjobModulePath(${JSON.stringify(rel)})`).replaceAll('import.meta.url', `__kjobModuleURL(${JSON.stringify(rel)})`);
        return { contents, loader: 'js' };
      });
    },
  };
  // Modules that cost milliseconds to load, which most commands never call, are loaded on first
  // call instead: the bundle imports a module of the same functions, each of which loads the real
  // one. Builtins: node:child_process (commander requires it as it loads, for executable
  // subcommands kjob has none of) and node:crypto (streams and ciphers, for a uid, a hash, a random
  // name), about 8 ms of a `kjob get`; node:net and its streams, which every module importing it
  // loaded, 2-3 ms (a command's output does not need them: cli/io.ts). Packages, still bundled
  // (and in the code cache) but initialised on first call: yaml (its schemas and tags, built as it
  // loads; `get` reads no YAML) and chalk (its support check loads node:tty, and with it node:net).
  // An ES module, so that esbuild binds the names directly (an interop wrapper would read every
  // property at once); a default import, or one of a property that is not a function, is not
  // offered: the build fails, rather than a command later.
  const requireHere = createRequire(import.meta.url);
  /** A module's exports that an ES module can name (not its default). */
  const exportedNames = (real) => Object.keys(real).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
  // Lazy for every importer (commander's too).
  const lazyForAll = new Set(['node:child_process', 'node:crypto', 'node:net', 'node:timers/promises']);
  // Lazy for kjob's own imports only: another package's import (ora's of chalk, chalk's support
  // check of node:os's default) is bundled as it is, initialised with its importer. node:os was
  // compiled at a command's start for a homedir() most commands never call.
  const lazyForOwn = new Set(['node:os', 'yaml', 'chalk', 'ora']);
  const lazyDefaults = new Set(['ora']);
  const isBuiltin = (id) => id.startsWith('node:');
  const lazyFilter = new RegExp(`^(${[...lazyForAll, ...lazyForOwn].join('|')})$`);
  const realExports = async (id) => (isBuiltin(id) ? requireHere(id) : await import(createRequire(join(root, 'package.json')).resolve(id)));
  const lazyModules = {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter: lazyFilter }, (args) => {
        if (args.namespace !== 'kjob-lazy' && (lazyForAll.has(args.path) || args.importer.startsWith(dist + '/'))) return { path: args.path, namespace: 'kjob-lazy' };
        if (args.namespace !== 'kjob-lazy') return undefined;
        // The real module, required from the lazy one: a builtin stays external, a package is bundled.
        return isBuiltin(args.path) ? { path: args.path, external: true } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'kjob-lazy' }, async (args) => {
        const real = await realExports(args.path);
        const names = exportedNames(real).filter((k) => typeof real[k] === 'function');
        // A package whose default export is its one function (ora): offered as the default too.
        const defaultFn = lazyDefaults.has(args.path);
        return {
          contents: [
            // The real module, required from here: resolved again by this plugin, as external or bundled.
            `let m; const load = () => (m ??= require(${JSON.stringify(args.path)}));`,
            // A function called with new gets what the real constructor makes.
            ...names.map((k) => `export function ${k}(...a) { return new.target ? new (load().${k})(...a) : load().${k}(...a); }`),
            ...(defaultFn ? ['export default function (...a) { return new.target ? new (load().default)(...a) : load().default(...a); }'] : []),
          ].join('\n'),
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
  // Every other builtin an ES module imports: one module of the bundle that requires it once and
  // exports its properties, which every importer shares. esbuild gives each importer of a
  // namespace or default import its own copy of the builtin's properties (__toESM: a getter per
  // property; node:fs has about a hundred, and forty modules import it), 1-2 ms of every command.
  // A property that is a getter (fs.promises) is not exported, so as not to run it as the bundle
  // loads: an import of one fails the build (esbuild's undefined-import warning, made fatal below).
  const sharedBuiltins = {
    name: 'shared-builtins',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => {
        if (args.namespace === 'kjob-builtin' || args.kind !== 'import-statement') return { path: args.path, external: true };
        return { path: args.path, namespace: 'kjob-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'kjob-builtin' }, (args) => {
        const real = requireHere(args.path);
        const names = exportedNames(real).filter((k) => !Object.getOwnPropertyDescriptor(real, k).get);
        return {
          contents: [`const m = require(${JSON.stringify(args.path)});`, 'export default m;', ...names.map((k) => `export const ${k} = m.${k};`)].join('\n'),
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
  // The engine is a sixth of the CLI's code, which no command but `kjob controller run` calls:
  // cli/controller.js's import of it is a module whose runEngine loads the engine's own bundle (of
  // this build: the same sha) and runs it as an engine started by a command runs (its messages go to
  // stderr, as that engine's do). The CLI's bundle is about 150 kB smaller to read and to take from
  // the cache for every other command.
  const engineAsPart = {
    name: 'engine-as-part',
    setup(build) {
      build.onResolve({ filter: /\/engine\/main\.js$/ }, (args) => (args.importer === join(dist, 'cli', 'controller.js') ? { path: 'engine', namespace: 'kjob-part' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'kjob-part' }, () => ({
        contents: [
          "const path = require('node:path');",
          'export async function runEngine(home) {',
          "  const { loadEngine } = require(path.join(__kjobDist, '..', 'bin', 'kjob'));",
          "  const engine = loadEngine(home, path.basename(__filename).split('.')[0]);",
          "  if (!engine) throw new Error(`the engine's bundle beside ${__filename} is missing: npm run build`);",
          "  return engine.run(['--home', home, 'controller', 'run']);",
          '}',
        ].join('\n'),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
  // A verb's own script (bin/kjob's VERB_PARTS): the CLI with the modules only other verbs run
  // left out, as the launcher runs it only for a command line of that verb, which builds that verb
  // alone (src/cli/main.ts's buildProgram). A command pays for every byte of its script twice,
  // read and then copied into V8's heap as a string: the whole CLI is 825 kB, about 7 ms of that
  // on the development machine; `describe`'s own script is 340 kB, `get`'s 493 kB. What is left out is a module that
  // a verb's registration loads on its first call (cli/main.js, write_verbs.js, apps_commands.js);
  // in its place a module that says it is missing, should another verb's action ever run.
  const VERB_MODULES = { get: ['get.js', 'get_files.js'], describe: ['describe.js'], apply: ['apply.js', 'apply_wait.js'], logs: ['logs.js'], delete: ['delete.js'], create: ['create.js', 'create_generators.js', 'apply.js'], events: ['events.js'] };
  const { VERB_PARTS } = createRequire(import.meta.url)(join(root, 'bin', 'kjob'));
  for (const verb of VERB_PARTS) if (!VERB_MODULES[verb]) throw new Error(`scripts/bundle.mjs: no modules named for bin/kjob's verb part ${verb}`);
  const registrars = new Set(['main.js', 'write_verbs.js', 'apps_commands.js'].map((f) => join(dist, 'cli', f)));
  const verbOnly = (verb) => ({
    name: 'verb-only',
    setup(build) {
      build.onResolve({ filter: /^\.\/[\w.]+\.js$/ }, (args) => {
        if (args.kind !== 'dynamic-import' || !registrars.has(args.importer) || VERB_MODULES[verb].includes(args.path.slice(2))) return undefined;
        return { path: args.path, namespace: 'kjob-other-verb' };
      });
      build.onLoad({ filter: /.*/, namespace: 'kjob-other-verb' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`kjob: cli/${args.path.slice(2)} is not in the script of \`kjob ${verb}\` (bin/kjob chose it by the command line's verb)`)});`,
        loader: 'js',
      }));
    },
  });
  // ora's spinners: kjob names none, so ora takes `dots` (`line` where the terminal shows no
  // Unicode). The other eighty-odd were 32 kB of every script that can show progress, which a
  // command reads and holds as a young string (docs/performance.md, the thirty-ninth session).
  const spinnersUsed = {
    name: 'spinners-used',
    setup(build) {
      build.onLoad({ filter: /cli-spinners[\\/]spinners\.json$/ }, (args) => {
        const all = JSON.parse(readFileSync(args.path, 'utf8'));
        if (!all.dots || !all.line) throw new Error(`${args.path}: no dots or line spinner (ora's defaults)`);
        return { contents: JSON.stringify({ dots: all.dots, line: all.line }), loader: 'json' };
      });
    },
  };
  const build = async (entry, { minifyIdentifiers, plugins = [] }) => {
    const result = await esbuild.build({
      entryPoints: [join(dist, entry)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      plugins: [...plugins, moduleUrl, lazyModules, sharedBuiltins, spinnersUsed],
      logLevel: 'warning',
      // Smaller to read and to check against the cache.
      minifyWhitespace: true,
      minifySyntax: true,
      // The CLI's names too: a quarter less to read and a smaller cache to take (1.28 -> 0.97 MB,
      // the cache of get 587 -> 528 kB), about 2 ms of every command (CPU time, 31 runs of a one-
      // ConfigMap get each way). Its stack traces name short identifiers (a bug report says how
      // to see the modules' own: KJOB_NO_BUNDLE=1). The engine's keep their names: its log
      // records the stack of a failed sync, and it starts once.
      minifyIdentifiers,
      // One-byte source: a single non-ASCII character makes V8 hold (and decode) it as UTF-16.
      charset: 'ascii',
      // The launcher gives the script the dist directory it belongs to.
      // A module's URL is the dist directory's (made once) and its path: module paths are plain
      // (moduleUrl checks), so they need no escaping.
      banner: { js: 'let __kjobDistURL; const __kjobModuleURL = (rel) => (__kjobDistURL ??= require("node:url").pathToFileURL(__kjobDist).href) + "/" + rel; const __kjobModulePath = (rel) => require("node:path").join(__kjobDist, rel);' },
    });
    // An import of something a module does not export (sharedBuiltins' getters) is a warning to esbuild.
    if (result.warnings.length > 0) throw new Error(`the bundle of ${entry} has warnings (above)`);
    const code = result.outputFiles[0].text;
    if (/[^\x00-\x7f]/.test(code)) throw new Error(`the bundle of ${entry} has a non-ASCII character (a regular expression literal?): write it as \\u escape in the source`);
    return WRAPPER[0] + code + WRAPPER[1];
  };
  const parts = [
    { name: '', code: await build('cli/main.js', { minifyIdentifiers: true, plugins: [engineAsPart] }), flags: [] },
    { name: '.engine', code: await build('engine/main.js', { minifyIdentifiers: false }), flags: engineNodeFlags() },
    // Their caches are made by the CLI's warm-up, which leaves the state their commands read.
    ...(await Promise.all(VERB_PARTS.map(async (verb) => ({ name: `.${verb}`, code: await build('cli/main.js', { minifyIdentifiers: true, plugins: [engineAsPart, verbOnly(verb)] }), warmedByCli: true })))),
  ];
  const sha = createHash('sha256').update(parts.map((p) => p.code).join('\0')).digest('hex').slice(0, 16);
  mkdirSync(out, { recursive: true });
  for (const p of parts) {
    const script = join(out, `${sha}${p.name}.cjs`);
    writeFileSync(`${script}.tmp`, p.code);
    renameSync(`${script}.tmp`, script);
  }
  for (const p of parts) {
    if (p.warmedByCli) continue;
    const script = join(out, `${sha}${p.name}.cjs`);
    // The cache is made by running the script in a child (a fresh V8, as a user's command has),
    // under the node flags the script runs with: V8 refuses a cache made under other flags.
    const warm = spawnSync(process.execPath, [...p.flags, join(root, 'scripts/bundle-warm.cjs'), sha, p.name.slice(1)], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, KJOB_ENGINE: 'off', NO_COLOR: '1' } });
    if (warm.status !== 0) throw new Error(`making the code cache of ${basename(script)} failed (exit ${warm.status}): ${warm.stderr}`);
  }
  writeFileSync(join(out, 'current.tmp'), sha);
  renameSync(join(out, 'current.tmp'), join(out, 'current'));
  // Older builds' files: a launcher that already read them holds them in memory.
  for (const f of readdirSync(out)) if (!f.startsWith(sha) && f !== 'current') rmSync(join(out, f), { force: true });
}
