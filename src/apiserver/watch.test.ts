import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceForKind } from '../api/resources.js';
import { Store } from '../store/store.js';
import type { Watch } from './interface.js';
import { StoreWatch } from './watch.js';
import { openTestAPI } from './testing.js';

const CONFIGMAPS = resourceForKind('ConfigMap')!;
// An hour's poll: within the test, only a notice of the state file (or a quick look after one) wakes the watch.
const HOUR = 3_600_000;

/** watch.wait, then 'woke'; 'bound' after 10 s, which only limits how long a failure takes. */
function waited(watch: Watch): Promise<'woke' | 'bound'> {
  return new Promise((resolve) => {
    const bound = setTimeout(() => resolve('bound'), 10_000);
    watch.wait(HOUR, () => {
      clearTimeout(bound);
      resolve('woke');
    });
  });
}

test("a watch waits for another process's write to the state file, not for its poll", async () => {
  const t = openTestAPI('watch-wait');
  const other = Store.open(t.home); // another command's connection
  const watch = t.api.watch(CONFIGMAPS, { namespace: 'default', resourceVersion: t.api.currentResourceVersion() });
  try {
    assert.deepEqual(watch.next(), []);
    // The first wait counts as a notice (the watch began listening only then): past it, only the
    // notice of another process's commit wakes it, once the commit is visible.
    assert.equal(await waited(watch), 'woke', 'the first wait');
    assert.deepEqual(watch.next(), []);
    const woke = waited(watch);
    other.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', uid: 'u1', creationTimestamp: '2026-11-23T12:00:00Z' } });
    assert.equal(await woke, 'woke');
    assert.deepEqual(watch.next().map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'c']]);
  } finally {
    watch.close();
    other.close();
    t.dispose();
  }
});

test('while a watch waits, its store reads without the memory map; once it is closed, with it again', () => {
  const t = openTestAPI('watch-map');
  const mapped = Store.open(t.home, { mmapBytes: 1 << 20 });
  const mmapSize = () => (mapped as unknown as { db: { pragma(s: string, o: { simple: true }): unknown } }).db.pragma('mmap_size', { simple: true });
  const watch = new StoreWatch(mapped, { kind: 'ConfigMap' }, mapped.currentRV());
  try {
    assert.deepEqual(watch.next(), []);
    assert.equal(mmapSize(), 1 << 20, 'a look that does not wait');
    watch.wait(HOUR, () => undefined);
    assert.equal(mmapSize(), 0);
  } finally {
    watch.close();
  }
  try {
    assert.equal(mmapSize(), 1 << 20);
  } finally {
    mapped.close();
    t.dispose();
  }
});
