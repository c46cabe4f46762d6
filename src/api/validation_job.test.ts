// Job field validation beyond the basics: podFailurePolicy, successPolicy, podReplacementPolicy,
// backoffLimitPerIndex/maxFailedIndexes, with kube-apiserver's field paths and messages (§10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultObject } from '../apiserver/testing.js';
import { validateCreate } from './validation.js';
import { resourceForKind } from './resources.js';
import type { KObject } from './types.js';

const JOB = resourceForKind('Job')!;
const UID = '0b6e0a7c-1111-2222-3333-444455556666';

function job(mut: (spec: any) => void): KObject {
  const o: KObject = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } },
  };
  mut(o.spec);
  return defaultObject(JOB, o, { uid: UID });
}
const msgs = (mut: (spec: any) => void) => validateCreate(JOB, job(mut)).map((c) => `${c.field}: ${c.message}`);
const rules = (...r: any[]) => (s: any) => (s.podFailurePolicy = { rules: r });

test('podFailurePolicy: actions', () => {
  assert.deepEqual(msgs(rules({ onExitCodes: { operator: 'In', values: [1] } })), [
    'spec.podFailurePolicy.rules[0].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]',
  ]);
  assert.deepEqual(msgs(rules({ action: 'Retry', onExitCodes: { operator: 'In', values: [1] } })), [
    'spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
  ]);
  assert.deepEqual(msgs(rules({ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } })), [
    'spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
  ]);
});

test('podFailurePolicy: requirements', () => {
  assert.deepEqual(msgs(rules({ action: 'Ignore' })), ['spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required']);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget' }] })), [
    'spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported',
  ]);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onExitCodes: { values: [1] } })), ['spec.podFailurePolicy.rules[0].onExitCodes.operator: Required value: valid values: ["In" "NotIn"]']);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onExitCodes: { operator: 'Is', values: [1] } })), [
    'spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "Is": supported values: "In", "NotIn"',
  ]);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onExitCodes: { operator: 'In' } })), [
    'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32(nil): at least one value is required',
  ]);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onExitCodes: { operator: 'In', values: [0, 2, 2] } })), [
    'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 2',
  ]);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onExitCodes: { operator: 'NotIn', values: [3, 1] } })), [
    'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 1}: must be ordered',
  ]);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onExitCodes: { containerName: 'nope', operator: 'In', values: [1] } })), [
    'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template',
  ]);
  assert.deepEqual(msgs(rules({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'Maybe' }] })), [
    'spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
  ]);
  const many = Array.from({ length: 21 }, () => ({ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }));
  assert.deepEqual(msgs(rules(...many)), ['spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items']);
});

test('podFailurePolicy: only with restartPolicy Never; onPodConditions status defaults to True', () => {
  assert.deepEqual(
    msgs((s) => {
      s.template.spec.restartPolicy = 'OnFailure';
      s.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] };
    }),
    ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'],
  );
  const j = job(rules({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }));
  assert.equal(j.spec.podFailurePolicy.rules[0].onPodConditions[0].status, 'True');
  assert.equal(j.spec.podReplacementPolicy, 'Failed');
});

test('podReplacementPolicy', () => {
  assert.deepEqual(msgs((s) => (s.podReplacementPolicy = 'Sometimes')), [
    'spec.podReplacementPolicy: Unsupported value: "Sometimes": supported values: "Failed", "TerminatingOrFailed"',
  ]);
  assert.deepEqual(
    msgs((s) => {
      s.podReplacementPolicy = 'TerminatingOrFailed';
      s.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] };
    }),
    ['spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"'],
  );
});

test('backoffLimitPerIndex and maxFailedIndexes', () => {
  assert.deepEqual(msgs((s) => (s.backoffLimitPerIndex = 1)), ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode']);
  assert.deepEqual(
    msgs((s) => {
      s.completionMode = 'Indexed';
      s.completions = 3;
      s.maxFailedIndexes = 1;
    }),
    ['spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified'],
  );
  assert.deepEqual(
    msgs((s) => {
      s.completionMode = 'Indexed';
      s.completions = 3;
      s.backoffLimitPerIndex = -1;
      s.maxFailedIndexes = 4;
    }),
    ['spec.backoffLimitPerIndex: Invalid value: -1: must be greater than or equal to 0', 'spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions'],
  );
});

test('successPolicy', () => {
  const idx = (sp: any) => (s: any) => {
    s.completionMode = 'Indexed';
    s.completions = 5;
    s.successPolicy = sp;
  };
  assert.deepEqual(msgs(idx({ rules: [] })), ['spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified']);
  assert.deepEqual(msgs(idx({ rules: [{}] })), ['spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified']);
  assert.deepEqual(msgs(idx({ rules: [{ succeededIndexes: '1-2-3' }] })), [
    `spec.successPolicy.rules[0].succeededIndexes: Invalid value: "1-2-3": error parsing succeededIndexes: the fragment "1-2-3" violates the requirement that an index interval can have at most two parts separated by '-'`,
  ]);
  assert.deepEqual(msgs(idx({ rules: [{ succeededIndexes: '3,1' }] })), [
    'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "3,1": error parsing succeededIndexes: non-increasing order, previous: 3, current: 1',
  ]);
  assert.deepEqual(msgs(idx({ rules: [{ succeededIndexes: 'x' }] })), [
    'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "x": error parsing succeededIndexes: cannot convert string to integer for index: "x"',
  ]);
  assert.deepEqual(msgs(idx({ rules: [{ succeededIndexes: '7' }] })), [
    'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "7": error parsing succeededIndexes: too large index: "7"',
  ]);
  assert.deepEqual(msgs(idx({ rules: [{ succeededCount: 6 }] })), [
    'spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)',
  ]);
  assert.deepEqual(msgs(idx({ rules: [{ succeededIndexes: '0,1', succeededCount: 3 }] })), [
    'spec.successPolicy.rules[0].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)',
  ]);
  assert.equal(msgs((s) => (s.successPolicy = { rules: [{ succeededCount: 1 }] }))[0].split(': ').slice(0, 1)[0], 'spec.successPolicy');
});
