import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodNetwork, homeHash, networkStatusLine, resolvConf } from './network.js';

test("a pod's resolv.conf: the cluster DNS and the kubelet's search path for its namespace, ndots:5", () => {
  assert.equal(resolvConf('team-a'), 'search team-a.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
});

test('namespace names: one per state directory, and one per pod named after it', () => {
  const net = new PodNetwork('/tmp/x/../some-home', {});
  assert.equal(net.nodeNs, `kjob-${homeHash('/tmp/some-home')}`);
  assert.match(net.nodeNs, /^kjob-[0-9a-f]{8}$/);
  assert.equal(net.podNsName('82da975c-259f-45d8-a930-664cbad1530c'), `${net.nodeNs}-82da975c259f`);
  assert.deepEqual(net.wrap('82da975c-259f', ['/usr/bin/bwrap', 'x']), ['/usr/bin/nsenter', `--net=/run/netns/${net.nodeNs}-82da975c259f`, '--', '/usr/bin/bwrap', 'x']);
});

test('KJOB_NETWORK=host keeps the shared network, and controller status says what that means', () => {
  const s = new PodNetwork('/tmp/h', { KJOB_NETWORK: 'host' }).expected();
  assert.deepEqual(s, { enabled: false, chosen: true, reason: 'KJOB_NETWORK=host' });
  assert.match(networkStatusLine(s), /^network: the host's \(KJOB_NETWORK=host\): every pod has the address 127\.0\.0\.1, two pods cannot listen on the same port/);
});
