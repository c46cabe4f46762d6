import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store/store.js';
import { openTestStore } from '../store/testing.js';
import { SyncRounds, type RoundDeps } from './rounds.js';
import { DelayingQueue } from './queue.js';

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}` } });

function deps(over: Partial<RoundDeps>): RoundDeps & { requeued: [string, number][]; queue: DelayingQueue; logs: string[] } {
  const requeued: [string, number][] = [];
  const queue = new DelayingQueue();
  const logs: string[] = [];
  return {
    transaction: (fn) => fn(),
    sync: () => {},
    commandWaits: () => false,
    requeue: (key, atMs) => {
      requeued.push([key, atMs]);
      queue.add(key, atMs);
    },
    postpone: (key, atMs) => {
      requeued.push([key, atMs]);
      queue.postpone(key, atMs);
    },
    now: () => 1000,
    log: (m) => logs.push(m),
    ...over,
    requeued,
    queue,
    logs,
  };
}

test("a round's syncs are stored by one commit, at the round's end", () => {
  const t = openTestStore('kjob-rounds-');
  // Another process's view of the state file (a command's).
  const reader = Store.open(t.home);
  try {
    const seenByReader: (string | undefined)[] = [];
    const d = deps({
      transaction: (fn) => t.store.transaction(fn),
      sync: (key) => {
        // What the reader sees of the syncs before this one, then this one's write.
        seenByReader.push(['a', 'b', 'c'].filter((k) => reader.get('ConfigMap', 'default', k)).join(',') || undefined);
        t.store.create(configMap(key));
      },
    });
    assert.equal(new SyncRounds(d).run(['a', 'b', 'c']), false);
    assert.deepEqual(seenByReader, [undefined, undefined, undefined]);
    assert.deepEqual(['a', 'b', 'c'].map((k) => reader.get('ConfigMap', 'default', k)?.metadata.name), ['a', 'b', 'c']);
    assert.deepEqual(d.requeued, []);
  } finally {
    reader.close();
    t.dispose();
  }
});

test('a round makes way for a waiting command: what it synced is stored, the rest is due again now', () => {
  const t = openTestStore('kjob-rounds-');
  try {
    let looks = 0;
    const d = deps({
      transaction: (fn) => t.store.transaction(fn),
      sync: (key) => void t.store.create(configMap(key)),
      commandWaits: () => ++looks === 3,
    });
    assert.equal(new SyncRounds(d).run(['a', 'b', 'c', 'd']), true);
    assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => !!t.store.get('ConfigMap', 'default', k)), [true, true, false, false]);
    assert.deepEqual(d.requeued, [['c', 1000], ['d', 1000]]);
  } finally {
    t.dispose();
  }
});

test("a round whose transaction does not commit syncs all its keys again, later each time, whatever its syncs asked for", () => {
  let commits = 0;
  const d: ReturnType<typeof deps> = deps({
    // A commit that fails (SQLite rolled the transaction back: a full disk), twice, then works.
    transaction: (fn) => {
      const out = fn();
      if (++commits <= 2) throw new Error('cannot write state file "state.db": database or disk is full');
      return out;
    },
    // The pod's sync asks to be synced again at once (as a Conflict does), the Job's in a second.
    sync: (key) => d.requeue(key, key.startsWith('pod:') ? 1000 : 2000),
  });
  const rounds = new SyncRounds(d);
  const keys = ['job:default/pi', 'pod:default/pi-x'];
  assert.equal(rounds.run(keys), false);
  assert.deepEqual(d.queue.popDue(1999), [], 'nothing due before the round is retried');
  assert.deepEqual(d.queue.popDue(2000), keys);
  assert.equal(rounds.run(keys), false);
  assert.deepEqual(d.queue.popDue(2999), []);
  assert.deepEqual(d.queue.popDue(3000), keys);
  assert.match(d.logs[1], /^the syncs of 2 keys were not stored \(cannot write state file "state.db": database or disk is full\): again in 2s$/);
  // Committed: what the syncs asked for stands, and the back-off starts over.
  assert.equal(rounds.run(keys), false);
  assert.deepEqual(d.queue.popDue(1000), ['pod:default/pi-x']);
  commits = 0;
  rounds.run(['job:default/pi']);
  assert.deepEqual(d.queue.popDue(2000), ['job:default/pi']);
  assert.deepEqual(d.requeued.at(-1), ['job:default/pi', 2000]);
});
