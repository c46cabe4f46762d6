import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PodNetwork } from '../network.js';
import { tempDir, within } from '../../util/testing.js';
import { ServiceProxy } from './manager.js';

/** The PodNetwork calls ServiceProxy makes, recorded; its node namespace is a path that does not exist. */
function fakeNetwork(home: string, opts: { ensureNodeFails?: boolean } = {}) {
  const calls: string[] = [];
  let served!: () => void;
  /** Resolved at the first dnsServing: what lets the pods waiting for netd go. */
  const serving = new Promise<void>((resolve) => (served = resolve));
  const network = {
    home,
    probe: () => ({ enabled: true }),
    ensureNode: () => {
      calls.push('ensureNode');
      if (opts.ensureNodeFails) throw new Error('Cannot create namespace file "/run/netns/kjob-x": No space left on device');
    },
    nodeNsPath: () => path.join(home, 'no-such-netns'),
    dnsStarting: () => calls.push('dnsStarting'),
    dnsServing: () => {
      calls.push('dnsServing');
      served();
    },
  };
  return { network: network as unknown as PodNetwork, calls, serving };
}

test('a table that cannot be written still starts netd; what holds pods back for it lets go when it answers or ends', async () => {
  const home = tempDir('proxy');
  fs.mkdirSync(path.join(home, 'run'));
  fs.writeFileSync(path.join(home, 'run', 'net'), ''); // where the table's directory would be
  const { network, calls, serving } = fakeNetwork(home);
  const proxy = new ServiceProxy(network, () => {});
  try {
    assert.throws(() => proxy.sync(() => ({ services: [], pods: [] })), /ENOTDIR|EEXIST/);
    assert.deepEqual(calls, ['ensureNode', 'dnsStarting']);
    // This netd cannot enter its namespace: it ends, and the pods waiting for it go on.
    await within('the pods waiting for netd to go on', serving);
    assert.deepEqual(calls, ['ensureNode', 'dnsStarting', 'dnsServing']);
  } finally {
    proxy.stop();
  }
});

test('Services that cannot be read for the table still start netd', () => {
  const home = tempDir('proxy');
  const { network, calls } = fakeNetwork(home, { ensureNodeFails: true });
  const proxy = new ServiceProxy(network, () => {});
  try {
    assert.throws(
      () =>
        proxy.sync(() => {
          throw new Error('a stored Service that does not decode');
        }),
      /does not decode/,
    );
    assert.deepEqual(calls, ['ensureNode'], 'netd started (here: tried, and failed to make its namespace)');
  } finally {
    proxy.stop();
  }
});

test('a netd that cannot be started is logged, holds no pod back, and is tried again at the next sync', () => {
  const home = tempDir('proxy');
  const { network, calls } = fakeNetwork(home, { ensureNodeFails: true });
  const logged: string[] = [];
  const proxy = new ServiceProxy(network, (m) => logged.push(m));
  try {
    proxy.sync(() => ({ services: [], pods: [] }));
    assert.deepEqual(calls, ['ensureNode'], 'pods wait only for a netd that is starting');
    assert.deepEqual(logged, ['netd: cannot start: Cannot create namespace file "/run/netns/kjob-x": No space left on device']);
    proxy.sync(() => ({ services: [], pods: [] }));
    assert.deepEqual(calls, ['ensureNode', 'ensureNode'], 'tried again');
    assert.ok(fs.existsSync(path.join(home, 'run', 'net', 'table.json')), 'the table is written first');
  } finally {
    proxy.stop();
  }
});
