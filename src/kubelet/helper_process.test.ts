// HelperProcess with real processes: a helper's requests are answered, or told it is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelperProcess } from './helper_process.js';

test('a helper that stops answering but lives on is gone to the requests that wait for it', { timeout: 10_000 }, async () => {
  // As the native spawner does once it stops reading requests while its shims still run.
  const h = new HelperProcess('/bin/sh', ['-c', 'exec 1>&-; exec sleep 30']);
  try {
    const reply = await new Promise<string | undefined>((resolve) => h.request('x\n', resolve));
    assert.equal(reply, undefined);
    assert.equal(h.alive, false);
  } finally {
    h.close();
    if (h.pid) process.kill(h.pid, 'SIGKILL');
  }
});
