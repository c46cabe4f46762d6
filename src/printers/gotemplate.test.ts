import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goTemplatePrinter, GoTemplateParseError, GoTemplateExecError, goSprintf } from './gotemplate.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/golden/gotemplate');
const cases: { object: string; template: string; stdout: string; stderr: string; code: number }[] = JSON.parse(fs.readFileSync(path.join(dir, 'kubectl.json'), 'utf8'));
const objects: Record<string, unknown> = {
  'echo.json': JSON.parse(fs.readFileSync(path.join(dir, 'echo.json'), 'utf8')),
  'jobs.json': JSON.parse(fs.readFileSync(path.join(dir, 'jobs.json'), 'utf8')),
};

/** What kjob get prints for the template: stdout, stderr (with `error: `), exit code. */
function run(template: string, obj: unknown): { stdout: string; stderr: string; code: number } {
  let print: (o: unknown) => string;
  try {
    print = goTemplatePrinter(template);
  } catch (e) {
    if (e instanceof GoTemplateParseError) return { stdout: '', stderr: `error: ${e.message}\n`, code: 1 };
    throw e;
  }
  try {
    return { stdout: print(obj), stderr: '', code: 0 };
  } catch (e) {
    if (e instanceof GoTemplateExecError) return { stdout: (e as GoTemplateExecError & { output: string }).output, stderr: `error: ${e.message}\n`, code: 1 };
    throw e;
  }
}

for (const c of cases) {
  test(`kubectl v1.32's output for ${c.template} on ${c.object}`, () => {
    assert.deepEqual(run(c.template, objects[c.object]), { stdout: c.stdout, stderr: c.stderr, code: c.code });
  });
}

test('printf verbs', () => {
  assert.equal(goTemplatePrinter('{{printf "%s|%3d|%-4s|%%|%v|%q|%s" .a .n .b .f .a .n}}')({ a: 'x', n: 7, b: 'y', f: 1.5 }), 'x|  7|y   |%|1.5|"x"|%!s(int64=7)');
  assert.equal(goSprintf('%d %d', []), '%!d(MISSING) %!d(MISSING)');
});

test('missing keys with --allow-missing-template-keys=false', () => {
  const p = goTemplatePrinter('{{.metadata.nope}}', { allowMissingKeys: false });
  assert.throws(() => p({ metadata: {} }), /map has no entry for key "nope"/);
});

test('variables, else if, with/else, break and continue', () => {
  const p = goTemplatePrinter('{{$n := 0}}{{range .a}}{{if eq . 2}}{{continue}}{{else if eq . 4}}{{break}}{{end}}{{$n = .}}{{.}}{{end}}/{{$n}}{{with .b}}b{{else}}nob{{end}}');
  assert.equal(p({ a: [1, 2, 3, 4, 5] }), '13/3nob');
  assert.throws(() => goTemplatePrinter('{{break}}'), /{{break}} outside {{range}}/);
  assert.throws(() => goTemplatePrinter('{{$x}}'), /undefined variable "\$x"/);
});
