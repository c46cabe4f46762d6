import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resourceForKind } from '../api/resources.js';
import { Store } from '../store/store.js';
import { QUICK_LOOKS } from '../store/change_notices.js';
import type { Watch } from './interface.js';
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
    // The first wait counts as a notice (the watch began listening only then), and a notice that
    // found nothing is looked at again a few times: past those, only a notice wakes it.
    for (let i = 0; i <= QUICK_LOOKS; i++) {
      assert.equal(await waited(watch), 'woke', `quick look ${i}`);
      assert.deepEqual(watch.next(), []);
    }
    const woke = waited(watch);
    other.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', uid: 'u1', creationTimestamp: '2026-11-23T12:00:00Z' } });
    assert.equal(await woke, 'woke');
    // Woken by the notice, or a quick look soon after it: the change is seen.
    let events = watch.next();
    for (let i = 0; i < QUICK_LOOKS && events.length === 0; i++) {
      assert.equal(await waited(watch), 'woke');
      events = watch.next();
    }
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'c']]);
  } finally {
    watch.close();
    other.close();
    t.dispose();
  }
});
