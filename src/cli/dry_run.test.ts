// kubectl's --dry-run (cmdutil.GetDryRunStrategy): none, client, server; the flag alone and what
// strconv.ParseBool reads are its older forms, taken with a klog warning; anything else refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dryRunStrategy, dryRunSuffix } from './dry_run.js';

const strategy = (flag: unknown) => {
  const warnings: string[] = [];
  return { value: dryRunStrategy(flag, (l) => warnings.push(l)), warnings: warnings.map((w) => w.replace(/^W\d{4} [\d:.]+ +\d+ /, 'W ')) };
};

test('the three strategies as written; none when the flag is not given', () => {
  for (const v of ['none', 'client', 'server', '=server']) assert.deepEqual(strategy(v), { value: v.replace('=', ''), warnings: [] });
  assert.deepEqual(strategy(undefined), { value: undefined, warnings: [] });
});

test("the older forms: the flag alone is client, a boolean as strconv.ParseBool reads it, each with kubectl's warning", () => {
  assert.deepEqual(strategy(true), { value: 'client', warnings: ['W helpers.go:702] --dry-run is deprecated and can be replaced with --dry-run=client.\n'] });
  for (const t of ['true', '1', 'T', 'True', 'TRUE', 't']) {
    assert.deepEqual(strategy(t), { value: 'client', warnings: [`W helpers.go:716] --dry-run=${t} is deprecated (boolean value) and can be replaced with --dry-run=client.\n`] }, t);
  }
  for (const f of ['false', '0', 'F', 'False']) {
    assert.deepEqual(strategy(f), { value: 'none', warnings: [`W helpers.go:719] --dry-run=${f} is deprecated (boolean value) and can be replaced with --dry-run=none.\n`] }, f);
  }
});

test('anything else is refused in kubectl\'s words', () => {
  assert.throws(() => strategy('bogus'), { message: 'error: Invalid dry-run value (bogus). Must be "none", "server", or "client".' });
  assert.throws(() => strategy('yes'), /Invalid dry-run value \(yes\)/);
});

test('the success line\'s suffix', () => {
  assert.deepEqual(['none', 'client', 'server', undefined].map((d) => dryRunSuffix(d as never)), ['', ' (dry run)', ' (server dry run)', '']);
});
