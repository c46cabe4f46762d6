// hasPendingWork: what starts the engine and keeps it up.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../store/store.js';
import { openTestStore, type TestStore } from '../store/testing.js';
import { KUBERNETES_TIMING } from './timing.js';
import { JobController } from '../controllers/job/job_controller.js';
import { createTestJob } from '../controllers/job/testing.js';
import { hasPendingWork } from './work.js';

let t: TestStore;
let store: Store;

beforeEach(() => {
  t = openTestStore('work');
  store = t.store;
});
afterEach(() => t.dispose());

test('a Job created suspended is work until the Job controller has recorded it as suspended', () => {
  createTestJob(store, { suspend: true }, 'later');
  assert.equal(hasPendingWork(store), true, 'its Suspended condition and event are still to be written');
  new JobController({ store, clock: t.clock, timing: KUBERNETES_TIMING }).syncJob('default/later');
  assert.equal(hasPendingWork(store), false, 'nothing to wait for while it stays suspended');
  const j = store.get('Job', 'default', 'later')!;
  j.spec.suspend = false;
  store.update(j);
  assert.equal(hasPendingWork(store), true, 'resumed');
});
