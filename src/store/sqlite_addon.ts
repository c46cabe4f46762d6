// Where better-sqlite3's compiled addon is. Left to itself, better-sqlite3 finds it with the
// `bindings` package, which probes a dozen candidate paths from the caller's stack on every start
// (about 10 ms of a command); and inside kjob's bundle (scripts/bundle.mjs) that probe starts from
// the bundle, not from better-sqlite3. npm installs the addon at build/Release in the package.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

let addon: string | null | undefined;

/** The addon's path, or undefined to let better-sqlite3 look for it (another build layout). */
export function sqliteAddon(): string | undefined {
  if (addon === undefined) {
    try {
      const p = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
      addon = fs.existsSync(p) ? p : null;
    } catch {
      addon = null;
    }
  }
  return addon ?? undefined;
}
