// Where better-sqlite3's compiled addon is. Left to itself, better-sqlite3 finds it with the
// `bindings` package, which probes a dozen candidate paths from the caller's stack on every start
// (about 10 ms of a command); and inside kjob's bundle (scripts/bundle.mjs) that probe starts from
// the bundle, not from better-sqlite3. npm installs the addon at build/Release in the package.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

let addon: string | null | undefined;

/** The addon's path, or undefined to let better-sqlite3 look for it (another build layout). */
export function sqliteAddon(): string | undefined {
  if (addon === undefined) {
    // Where npm puts it for kjob's own install (dist/store/ -> node_modules/), looked at first: a
    // module resolution (createRequire and its walk of node_modules directories) is about 0.5 ms of
    // every command.
    const own = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (fs.existsSync(own)) addon = own;
    else {
      try {
        const p = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
        addon = fs.existsSync(p) ? p : null;
      } catch {
        addon = null;
      }
    }
  }
  return addon ?? undefined;
}

let binding: object | undefined;

/**
 * better-sqlite3's addon, loaded once (process.dlopen): given as an object, better-sqlite3 does not
 * require() it, whose resolution of the path (stat and realpath of each part, the module cache)
 * cost a command more than the dlopen itself (about 0.4 ms of 0.8). Its path, or undefined, when
 * it is not where npm puts it (then better-sqlite3 loads it, and reports what is wrong).
 */
export function sqliteBinding(): object | string | undefined {
  if (binding) return binding;
  const file = sqliteAddon();
  if (file === undefined) return undefined;
  const m = { exports: {} as object };
  process.dlopen(m, file);
  return (binding = m.exports);
}
