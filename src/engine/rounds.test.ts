import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store/store.js';
import { openTestStore } from '../store/testing.js';
import { SyncRounds, type RoundDeps } from './rounds.js';

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}` } });

function deps(over: Partial<RoundDeps>): RoundDeps & { requeued: [string, number][]; logs: string[] } {
  const requeued: [string, number][] = [];
  const logs: string[] = [];
  return {
    transaction: (fn) => fn(),
    sync: () => {},
    commandWaits: () => false,
    requeue: (key, atMs) => requeued.push([key, atMs]),
    now: () => 1000,
    log: (m) => logs.push(m),
    ...over,
    requeued,
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

test("a round whose transaction does not commit syncs all its keys again, later each time", () => {
  let commits = 0;
  const d = deps({
    // A commit that fails (SQLite rolled the transaction back: a full disk), twice, then works.
    transaction: (fn) => {
      const out = fn();
      if (++commits <= 2) throw new Error('cannot write state file "state.db": database or disk is full');
      return out;
    },
  });
  const rounds = new SyncRounds(d);
  assert.equal(rounds.run(['job:default/pi', 'pod:default/pi-x']), false);
  assert.deepEqual(d.requeued, [['job:default/pi', 2000], ['pod:default/pi-x', 2000]]);
  assert.equal(rounds.run(['job:default/pi', 'pod:default/pi-x']), false);
  assert.deepEqual(d.requeued.slice(2), [['job:default/pi', 3000], ['pod:default/pi-x', 3000]]);
  assert.match(d.logs[1], /^the syncs of 2 keys were not stored \(cannot write state file "state.db": database or disk is full\): again in 2s$/);
  // Committed: the back-off starts over.
  assert.equal(rounds.run(['job:default/pi']), false);
  assert.equal(d.requeued.length, 4);
  commits = 0;
  rounds.run(['job:default/pi']);
  assert.deepEqual(d.requeued.at(-1), ['job:default/pi', 2000]);
});
