// Issue 12, the verbs that change objects: each section of kubectl-write-helpers.ts run with kjob
// prints what the real kubectl v1.32 printed for the same steps against `kjob serve`
// (test/golden/issue12-writes/<section>.txt, captured by capture.ts there).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { SECTIONS, stepEnv, startFileServer, renderStep, goldenOf, HELP_VERBS, HELP_FLAGS_GOLDEN } from './kubectl-write-helpers.js';

const sandboxes: Sandbox[] = [];
after(() => sandboxes.forEach((s) => s.cleanup()));

/** The files `kjob edit` keeps in the temp directory (src/cli/edit.ts names them). */
const editCopies = () => fs.readdirSync(os.tmpdir()).filter((f) => /^kjob-edit-\d+\.(yaml|json)$/.test(f)).map((f) => path.join(os.tmpdir(), f));

for (const section of Object.keys(SECTIONS)) {
  test(`${section}: as kubectl v1.32 against the same objects`, (t) => {
    const sb = new Sandbox();
    sandboxes.push(sb);
    // A failed edit keeps the user's changes in the temp directory, as kubectl does: this test's go afterwards.
    const editCopiesBefore = new Set(editCopies());
    t.after(() => editCopies().filter((f) => !editCopiesBefore.has(f)).forEach((f) => fs.rmSync(f, { force: true })));
    let text = '';
    const files = startFileServer(sb.home);
    for (const [i, step] of SECTIONS[section].entries()) {
      const r = sb.kjob(files.args(step.args), { input: step.input, env: stepEnv(step, sb.home, i) });
      if (step.setup) {
        assert.equal(r.code, 0, `${step.args.join(' ')}: ${r.stderr}`);
        continue;
      }
      text += renderStep(step, r);
    }
    // KJOB_ACTUAL_DIR=DIR keeps what kjob printed, to diff against the golden
    if (process.env.KJOB_ACTUAL_DIR) fs.writeFileSync(path.join(process.env.KJOB_ACTUAL_DIR, `${section}.txt`), text);
    files.stop();
    assert.equal(text, goldenOf(section));
  });
}

// Every flag of kubectl v1.32's --help for these verbs is in kjob's, but those kjob does not have
// (kustomize, raw requests, subresources, edit's template output, Windows line endings, run --expose and
// --overrides, run's deletion flags for --rm, exec -f, patch --subresource).
test("each verb's --help lists kubectl's flags, but the ones kjob does not have", () => {
  const sb = new Sandbox();
  sandboxes.push(sb);
  const template = ['--allow-missing-template-keys', '--template'];
  const missing: Record<string, string[]> = {
    label: ['--kustomize', '--local'],
    annotate: ['--kustomize', '--local'],
    replace: ['--kustomize', '--raw', '--subresource'],
    edit: [...template, '--kustomize', '--subresource', '--windows-line-endings'],
    run: ['--cascade', '--expose', '--filename', '--force', '--grace-period', '--kustomize', '--override-type', '--overrides', '--recursive', '--save-config', '--timeout', '--wait'],
    exec: ['--filename'],
    patch: ['--kustomize', '--subresource'],
    scale: ['--kustomize'],
    ...Object.fromEntries(HELP_VERBS.filter((v) => v.startsWith('create ')).map((v) => [v, []])),
  };
  const kubectlFlags = JSON.parse(fs.readFileSync(HELP_FLAGS_GOLDEN, 'utf8')) as Record<string, string[]>;
  assert.deepEqual(Object.keys(missing).sort(), [...HELP_VERBS].sort());
  for (const [verb, expected] of Object.entries(missing)) {
    const flags = kubectlFlags[verb];
    assert.ok(flags.length > 3, `kubectl ${verb} --help`);
    const help = sb.kjob([...verb.split(' '), '--help']).stdout;
    const absent = flags.filter((f) => !new RegExp(`${f}(?![a-z-])`).test(help)).sort();
    assert.deepEqual(absent, [...expected].sort(), verb);
  }
});
