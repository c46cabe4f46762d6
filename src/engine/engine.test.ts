import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from './engine.js';
import { KUBERNETES_TIMING } from '../util/timing.js';
import { Store } from '../store/store.js';
import { LocalAPIServer } from '../apiserver/apiserver.js';
import { resourceForKind } from '../api/resources.js';
import { WAKE_SIGNAL, lockPath } from './daemon.js';

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

/** Resolves once cond() holds, looking again at every turn of the event loop (the engine runs in this one), without a timer; false after ms. */
async function eventually(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setImmediate(r));
  }
  return true;
}

test("a wake signal has an idle engine read a command's change at once; a stopping engine is marked until its lock is let go", { timeout: 30_000 }, async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-engine-'));
  const logs: string[] = [];
  const engine = new Engine({ home, timing: KUBERNETES_TIMING, exitWhenIdle: false, log: (m) => logs.push(m) });
  const running = engine.run();
  const store = Store.open(home);
  try {
    assert.ok(await eventually(() => logs.some((l) => l.startsWith('engine started')), 20_000), logs.join('\n'));
    // A command's change: a suspended Job, whose sync records Suspended and starts no pod. Nothing
    // else would have the engine look (it has no timer and no container).
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'woken' }, spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } };
    new LocalAPIServer(store).create(resourceForKind('Job')!, 'default', job);
    process.kill(process.pid, WAKE_SIGNAL);
    const suspended = () => (store.get('Job', 'default', 'woken') as { status?: { conditions?: { type: string }[] } } | undefined)?.status?.conditions?.some((c) => c.type === 'Suspended') === true;
    assert.ok(await eventually(suspended, 10_000), `the woken engine did not sync the Job:\n${logs.join('\n')}`);
    engine.stop('test');
    assert.equal(fs.readFileSync(path.join(home, 'engine.stopping'), 'utf8'), fs.readFileSync(lockPath(home), 'utf8'), 'marked with its lock');
    await running;
    assert.equal(fs.existsSync(lockPath(home)), false);
    assert.equal(fs.existsSync(path.join(home, 'engine.stopping')), false, 'the mark goes with the lock');
  } finally {
    engine.stop('test');
    await running;
    store.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a namespace made while no engine ran (through `kjob serve`) gets its "default" ServiceAccount when an engine starts', { timeout: 30_000 }, async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kjob-engine-'));
  const store = Store.open(home);
  new LocalAPIServer(store).create(resourceForKind('Namespace')!, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
  const logs: string[] = [];
  const engine = new Engine({ home, timing: KUBERNETES_TIMING, exitWhenIdle: false, log: (m) => logs.push(m) });
  const running = engine.run();
  try {
    const made = () => store.get('ServiceAccount', 'dev', 'default') !== undefined;
    assert.ok(await eventually(made, 20_000), `no account made:\n${logs.join('\n')}`);
  } finally {
    engine.stop('test');
    await running;
    store.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
