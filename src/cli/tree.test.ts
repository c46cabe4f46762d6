import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printPrefix, kstatus } from './tree.js';
import type { KObject } from '../api/types.js';

test("kubectl-tree's printPrefix", () => {
  assert.equal(printPrefix(''), '');
  assert.equal(printPrefix('├─'), '├─');
  assert.equal(printPrefix('└─'), '└─');
  assert.equal(printPrefix('├─└─'), '│ └─');
  assert.equal(printPrefix('└─├─'), '  ├─');
  assert.equal(printPrefix('├─├─├─'), '│ │ ├─');
});

test('kstatus of pods and jobs', () => {
  const pod = (status: object, meta: object = {}) => ({ kind: 'Pod', metadata: { name: 'p', ...meta }, status }) as unknown as KObject;
  assert.equal(kstatus(pod({ phase: 'Succeeded' })), 'Current');
  assert.equal(kstatus(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })), 'Current');
  assert.equal(kstatus(pod({ phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] })), 'Failed');
  assert.equal(kstatus(pod({ phase: 'Pending' })), 'InProgress');
  assert.equal(kstatus(pod({ phase: 'Running' }, { deletionTimestamp: '2026-01-01T00:00:00Z' })), 'Terminating');
  const job = (conditions: object[]) => ({ kind: 'Job', metadata: { name: 'j' }, status: { conditions } }) as unknown as KObject;
  assert.equal(kstatus(job([{ type: 'Complete', status: 'True' }])), 'Current');
  assert.equal(kstatus(job([{ type: 'Failed', status: 'True' }])), 'Failed');
  assert.equal(kstatus(job([])), 'InProgress');
});
