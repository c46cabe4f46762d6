// The layers import downward only (DESIGN.md): a lower layer never imports a higher one, so the
// apiserver stays the one door and what the controllers, the kubelet and the CLI share lives below
// them. Test files and testing.ts helpers may reach anywhere; the sources may not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** What each top-level folder (or file) of src/ may import from src/, besides itself. */
const ALLOWED: Record<string, string[]> = {
  'errors.ts': [],
  util: ['errors.ts'],
  api: ['util', 'errors.ts'],
  // The views table keeps each object's row as the printers make it (printers/table_view.ts).
  store: ['printers/table_view', 'api', 'util', 'errors.ts'],
  apiserver: ['store', 'api', 'util', 'errors.ts'],
  // Clients of the apiserver see its contract (interface.ts), never its implementation.
  client: ['apiserver/interface', 'api', 'util', 'errors.ts'],
  controllers: ['client', 'apiserver/interface', 'api', 'util', 'errors.ts'],
  scheduler: ['client', 'apiserver/interface', 'api', 'util', 'errors.ts'],
  kubelet: ['scheduler', 'client', 'apiserver/interface', 'api', 'util', 'errors.ts'],
  printers: ['api', 'util', 'errors.ts'],
  // kjob serve: the REST translation of the apiserver, with the printers' Tables and the kubelet's logs.
  server: ['kubelet', 'printers', 'apiserver/interface', 'api', 'util', 'errors.ts'],
  engine: ['controllers', 'kubelet', 'scheduler', 'client', 'apiserver', 'store', 'api', 'util', 'errors.ts'],
  cli: ['server', 'engine', 'printers', 'controllers', 'kubelet', 'scheduler', 'client', 'apiserver', 'store', 'api', 'util', 'errors.ts'],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    if (!e.name.endsWith('.ts') || e.name.endsWith('.test.ts') || e.name === 'testing.ts') return [];
    return [p];
  });
}

/** The module specifiers a file imports (static imports, re-exports and dynamic imports). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

/** src-relative path of an import, without extension ("apiserver/interface"), or undefined for packages. */
function target(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return path.relative(SRC, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '');
}

const layerOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : rel.endsWith('.ts') ? rel : `${rel}.ts`);

test('every import runs down the layers: api imports nothing above it, the store nothing but api, controllers and the kubelet nothing from the engine or the CLI', () => {
  const violations: string[] = [];
  for (const file of sources(SRC)) {
    const rel = path.relative(SRC, file);
    const layer = layerOf(rel);
    const allowed = ALLOWED[layer];
    assert.ok(allowed, `a layer nobody placed: ${layer} (add it to ALLOWED)`);
    for (const spec of imports(file)) {
      const t = target(file, spec);
      if (t === undefined) continue;
      const tl = layerOf(t);
      if (tl === layer) continue;
      const ok = allowed.some((a) => (a.includes('/') ? t === a : tl === a || tl === `${a}.ts`));
      if (!ok) violations.push(`${rel} imports ${t}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the layer check sees the imports it is meant to catch', () => {
  const fake = path.join(SRC, 'api', 'x.ts');
  assert.equal(target(fake, '../controllers/cronjob/cronjob_controller.js'), 'controllers/cronjob/cronjob_controller');
  assert.equal(layerOf('controllers/cronjob/cronjob_controller'), 'controllers');
  assert.equal(layerOf('errors.ts'), 'errors.ts');
  assert.deepEqual(imports(__filenameOf()), imports(__filenameOf()).filter((s) => s.startsWith('node:')));
});

function __filenameOf(): string {
  return fileURLToPath(import.meta.url);
}
