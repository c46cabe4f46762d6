// Issue 12, the verbs that change objects: each section of kubectl-write-helpers.ts run with kjob
// prints what the real kubectl v1.32 printed for the same steps against `kjob serve`
// (test/golden/issue12-writes/<section>.txt, captured by capture.ts there).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from './helpers.js';
import { SECTIONS, stepEnv, startFileServer, renderStep, goldenOf } from './kubectl-write-helpers.js';

const sandboxes: Sandbox[] = [];
after(() => sandboxes.forEach((s) => s.cleanup()));

for (const section of Object.keys(SECTIONS)) {
  test(`${section}: as kubectl v1.32 against the same objects`, () => {
    const sb = new Sandbox();
    sandboxes.push(sb);
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
