// A DELETE's options: the query over the body, and ValidateDeleteOptions' refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteOptionsFromRequest } from './delete_options.js';
import { statusErrorOf } from '../apiserver/testing.js';

test('query parameters over the body; orphanDependents=true means Orphan; dryRun All', () => {
  assert.deepEqual(deleteOptionsFromRequest(new URLSearchParams('propagationPolicy=Foreground&gracePeriodSeconds=0'), { gracePeriodSeconds: 30, propagationPolicy: 'Background' }, false), {
    dryRun: false,
    gracePeriodSeconds: 0,
    propagationPolicy: 'Foreground',
    preconditions: undefined,
  });
  assert.equal(deleteOptionsFromRequest(new URLSearchParams(), { orphanDependents: true }, false).propagationPolicy, 'Orphan');
  assert.equal(deleteOptionsFromRequest(new URLSearchParams(), { dryRun: ['All'] }, false).dryRun, true);
  assert.deepEqual(deleteOptionsFromRequest(new URLSearchParams(), { preconditions: { uid: 'u' } }, false).preconditions, { uid: 'u' });
});

test("a policy that is none, or one beside orphanDependents: 422 as the apiserver's ValidateDeleteOptions words it", () => {
  const e = statusErrorOf(() => deleteOptionsFromRequest(new URLSearchParams('propagationPolicy=bogus'), {}, false));
  assert.equal(e.reason, 'Invalid');
  assert.equal(e.message, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "bogus": supported values: "Foreground", "Background", "Orphan", "nil"');
  assert.deepEqual([e.details.kind, e.details.group], ['DeleteOptions', 'meta.k8s.io']);
  const both = statusErrorOf(() => deleteOptionsFromRequest(new URLSearchParams(), { orphanDependents: false, propagationPolicy: 'Background' }, false));
  assert.equal(both.message, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Background": orphanDependents and deletionPropagation cannot be both set');
});
