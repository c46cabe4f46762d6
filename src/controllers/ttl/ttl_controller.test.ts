// One step of the TTL-after-finished controller on a real Store under a fake clock.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openTestAPI, recordingAPI, type TestAPI } from '../../apiserver/testing.js';
import type { LocalAPIServer } from '../../apiserver/apiserver.js';
import { JOBS, PODS, EVENTS, CRONJOBS, tryGet } from '../../client/client.js';
import type { FakeClock } from '../../util/clock.js';
import type { KObject } from '../../api/types.js';
import { TTLAfterFinishedController } from './ttl_controller.js';

let t: TestAPI;
let api: LocalAPIServer;
let clock: FakeClock;
let ttl: TTLAfterFinishedController;

beforeEach(() => {
  t = openTestAPI('ttl');
  ({ api, clock } = t);
  ttl = new TTLAfterFinishedController({ api, clock });
});

afterEach(() => t.dispose());

function finishedJob(ttlSeconds: number | undefined, finishedAt = '2026-11-23T12:00:00Z', type = 'Complete'): KObject {
  const manifest: KObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default' },
    spec: {
      ...(ttlSeconds === undefined ? {} : { ttlSecondsAfterFinished: ttlSeconds }),
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
  const job = api.create(JOBS, 'default', manifest).object;
  job.status = {
    conditions: [
      { type: type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget', status: 'True', lastTransitionTime: finishedAt },
      { type, status: 'True', lastTransitionTime: finishedAt },
    ],
  };
  return api.updateStatus(JOBS, 'default', 'pi', job).object;
}

test('not yet expired: requeued at finish + TTL, nothing deleted', () => {
  finishedJob(100);
  clock.step(40_000);
  assert.deepEqual(ttl.sync('default/pi'), { requeueAfterMs: 60_000 });
  assert.ok(tryGet(api, 'Job', 'default', 'pi'));
});

test('expired: the Job is deleted in the foreground (foregroundDeletion finalizer), no events', () => {
  finishedJob(100);
  clock.step(100_000);
  const rec = recordingAPI(api);
  assert.deepEqual(new TTLAfterFinishedController({ api: rec, clock }).sync('default/pi'), {});
  assert.deepEqual(rec.writes(), ['delete jobs pi']);
  // A foreground deletion keeps the Job, with the finalizer, until the garbage collector has
  // removed its dependents; a background one would have removed it at once.
  const j = tryGet(api, 'Job', 'default', 'pi');
  assert.ok(j, 'the Job waits for its dependents');
  assert.equal(j.metadata.deletionTimestamp, '2026-11-23T12:01:40Z');
  assert.deepEqual(j.metadata.finalizers, ['foregroundDeletion']);
  assert.equal(api.list(EVENTS, { namespace: 'default' }).items.length, 0);
});

test('TTL 0 deletes at once; a failed Job is cleaned up too', () => {
  finishedJob(0, '2026-11-23T12:00:00Z', 'Failed');
  ttl.sync('default/pi');
  const j = tryGet(api, 'Job', 'default', 'pi');
  assert.ok(j?.metadata.deletionTimestamp);
  assert.deepEqual(j.metadata.finalizers, ['foregroundDeletion']);
});

test('a Job without TTL is left alone', () => {
  finishedJob(undefined);
  clock.step(10_000_000);
  assert.deepEqual(ttl.sync('default/pi'), {});
  assert.equal(api.get(JOBS, 'default', 'pi').metadata.deletionTimestamp, undefined);
});

test('a Job that has not finished is left alone, whatever its TTL', () => {
  const job = finishedJob(0);
  job.status = {};
  api.updateStatus(JOBS, 'default', 'pi', job);
  clock.step(10_000_000);
  assert.deepEqual(ttl.sync('default/pi'), {});
  assert.equal(api.get(JOBS, 'default', 'pi').metadata.deletionTimestamp, undefined);
});

test('a TTL edited after the Job finished is honoured (the fresh object is read)', () => {
  finishedJob(100);
  clock.step(50_000);
  const fresh = api.get(JOBS, 'default', 'pi');
  fresh.spec.ttlSecondsAfterFinished = 30;
  api.update(JOBS, 'default', 'pi', fresh);
  ttl.sync('default/pi');
  assert.ok(api.get(JOBS, 'default', 'pi').metadata.deletionTimestamp, 'expired under the new TTL');
});
