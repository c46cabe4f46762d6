import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectChanges } from './wait.js';
import type { WatchEvent } from '../apiserver/interface.js';
import type { WatchStream } from '../client/interface.js';

/** A watch whose events the test sends; what the wait took of it. */
function fakeWatch(): { watch: WatchStream; send: (e: WatchEvent) => void; fail: (e: Error) => void; closed: () => boolean } {
  const queue: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  let error: Error | undefined;
  let closed = false;
  const watch: WatchStream = {
    close: () => {
      closed = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      while (!closed) {
        if (error) throw error;
        const e = queue.shift();
        if (e) yield e;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
  return {
    watch,
    send: (e) => {
      queue.push(e);
      wake?.();
    },
    fail: (e) => {
      error = e;
      wake?.();
    },
    closed: () => closed,
  };
}

const HOUR = 3_600_000;
const change = (rv: string): WatchEvent => ({ type: 'MODIFIED', object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', resourceVersion: rv } } });

test("a wait looks again at the object's change, not at its next poll; a change while it looked is not lost", { timeout: 20_000 }, async () => {
  const w = fakeWatch();
  const changes = new ObjectChanges(w.watch);
  // An hour's poll: only a change can end these (a test that hangs here is one that waits for polls).
  const first = changes.next(HOUR);
  w.send(change('2'));
  await first;
  w.send(change('3')); // while the wait looked at the object: the next wait ends at once
  await changes.next(HOUR);
  changes.close();
  assert.equal(w.closed(), true);
});

test('a wait whose watch fails (Expired) goes on with its polls, the error not thrown', { timeout: 20_000 }, async () => {
  const w = fakeWatch();
  const changes = new ObjectChanges(w.watch);
  w.fail(new Error('Expired'));
  await changes.next(HOUR); // the failure ends this wait
  await changes.next(1); // then each is a poll's sleep
  changes.close();
  assert.equal(w.closed(), true);
});
