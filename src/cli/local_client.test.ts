import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LocalClient } from './local_client.js';
import { PODS } from '../client/client.js';
import type { APIServer, WatchEvent } from '../apiserver/interface.js';
import { tempDir } from '../util/testing.js';

test("a watch woken by a write it cannot see yet looks again soon, not at the next poll", async () => {
  // SQLite writes a commit's frames to the log (the notice) before it makes the commit visible.
  const home = tempDir('local-client');
  const wal = path.join(home, 'state.db-wal');
  fs.writeFileSync(wal, '');
  const event: WatchEvent = { type: 'MODIFIED', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } } };
  let reads = 0;
  let noticeSent = false;
  const api = {
    watch: () => ({
      // Nothing before the notice, nothing at the read it wakes, then the change.
      next: () => (++reads > 2 && noticeSent ? (reads === 3 ? [event] : []) : []),
      close: () => undefined,
      resourceVersion: () => '1',
    }),
  } as unknown as APIServer;
  // An hour's poll: only a look soon after the notice can see the change within the test.
  const stream = new LocalClient({ api, home, watchPollMs: 3_600_000 }).watch(PODS);
  const it = stream[Symbol.asyncIterator]();
  const first = it.next();
  setTimeout(() => {
    noticeSent = true;
    fs.appendFileSync(wal, 'frame');
  }, 20);
  let bound: NodeJS.Timeout | undefined;
  try {
    const got = await Promise.race([first, new Promise<'none'>((r) => (bound = setTimeout(() => r('none'), 10_000)))]);
    assert.notEqual(got, 'none', 'the change was not seen after the notice');
    assert.deepEqual((got as IteratorResult<WatchEvent>).value, event);
  } finally {
    clearTimeout(bound);
    stream.close();
    fs.rmSync(home, { recursive: true });
  }
});
