import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectChanges } from './wait.js';
import type { WatchEvent } from '../apiserver/interface.js';
import type { WatchStream } from '../client/interface.js';

/** A watch whose events the test sends; what the wait took of it. */
function fakeWatch(): { watch: WatchStream; send: (e: WatchEvent) => void; fail: (e: Error) => void; end: () => void; closed: () => boolean } {
  const queue: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  let error: Error | undefined;
  let ended = false;
  let closed = false;
  const watch: WatchStream = {
    close: () => {
      closed = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      while (!closed && !ended) {
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
    end: () => {
      ended = true;
      wake?.();
    },
    closed: () => closed,
  };
}

const HOUR = 3_600_000;
const change = (rv: string, type: WatchEvent['type'] = 'MODIFIED'): WatchEvent => ({ type, object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', resourceVersion: rv } } });
const rvOf = (o: { metadata: { resourceVersion?: string } } | undefined) => o?.metadata.resourceVersion;

test("a wait takes the object's change at once, not at its next poll; a change while it looked is not lost", { timeout: 20_000 }, async () => {
  const w = fakeWatch();
  const changes = new ObjectChanges(w.watch);
  // An hour's poll: only a change can end these (a test that hangs here is one that waits for polls).
  const first = changes.next(HOUR);
  w.send(change('2'));
  assert.equal(rvOf(await first), '2');
  w.send(change('3')); // while the wait looked at the object: the next wait ends at once
  assert.equal(rvOf(await changes.next(HOUR)), '3');
  changes.close();
  assert.equal(w.closed(), true);
});

test('changes that came together are taken together, the last of them; a deletion leaves the wait to read the object', { timeout: 20_000 }, async () => {
  const w = fakeWatch();
  const changes = new ObjectChanges(w.watch);
  for (const rv of ['2', '3', '4']) w.send(change(rv));
  assert.equal(rvOf(await changes.next(HOUR)), '4');
  w.send(change('5'));
  w.send(change('6', 'DELETED'));
  assert.equal(await changes.next(HOUR), undefined);
  changes.close();
});

for (const [how, end] of [
  ['fails (Expired)', (w: ReturnType<typeof fakeWatch>) => w.fail(new Error('Expired'))],
  ['ends', (w: ReturnType<typeof fakeWatch>) => w.end()],
] as const) {
  test(`a wait whose watch ${how} goes on with its polls, nothing thrown`, { timeout: 20_000 }, async () => {
    const w = fakeWatch();
    const pauses: number[] = [];
    const changes = new ObjectChanges(w.watch, async (ms) => void pauses.push(ms));
    end(w);
    assert.equal(await changes.next(HOUR), undefined); // the end ends this wait
    assert.deepEqual(pauses, []);
    assert.equal(await changes.next(50), undefined); // then each is a poll's pause, not the watch's again
    assert.equal(await changes.next(50), undefined);
    assert.deepEqual(pauses, [50, 50]);
    changes.close();
  });
}
