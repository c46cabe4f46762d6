// hasPendingWork: what starts the engine and keeps it up.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, type TestAPI } from '../apiserver/testing.js';
import { JOBS } from '../client/client.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import { JobController } from '../controllers/job/job_controller.js';
import { createTestJob } from '../controllers/job/testing.js';
import { hasPendingWork } from './work.js';

let t: TestAPI;

beforeEach(() => {
  t = openTestAPI('work');
});
afterEach(() => t.dispose());

test('a Job created suspended is work until the Job controller has recorded it as suspended', () => {
  const { api, store } = t;
  createTestJob(api, { suspend: true }, 'later');
  assert.equal(hasPendingWork(store), true, 'its Suspended condition and event are still to be written');
  new JobController({ api, clock: t.clock, timing: KUBERNETES_TIMING }).syncJob('default/later');
  assert.equal(hasPendingWork(store), false, 'nothing to wait for while it stays suspended');
  const j = api.get(JOBS, 'default', 'later');
  j.spec.suspend = false;
  api.update(JOBS, 'default', 'later', j);
  assert.equal(hasPendingWork(store), true, 'resumed');
});
