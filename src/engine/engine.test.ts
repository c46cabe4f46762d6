import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from './engine.js';
import { KUBERNETES_TIMING } from '../util/timing.js';

test('an engine stopped while it starts (a SIGTERM, `controller stop`) still ends', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-engine-'));
  const logs: string[] = [];
  // Stays up until stopped, as one started by `kjob controller start` does.
  const engine = new Engine({ home, timing: KUBERNETES_TIMING, exitWhenIdle: false, log: (m) => logs.push(m) });
  const running = engine.run();
  // run() is past its synchronous part (the lock, the store) and waits for its socket.
  engine.stop('stopped while starting');
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([running.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000)))]);
  clearTimeout(timer);
  try {
    assert.equal(ended, true, `the engine did not end:\n${logs.join('\n')}`);
    assert.ok(logs.includes('engine stopping: stopped while starting'), logs.join('\n'));
  } finally {
    if (!ended) {
      // Without the fix nothing else would end it: its stop() was taken already.
      (engine as unknown as { resolveDone?: () => void }).resolveDone?.();
      await running;
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
});
