// The sandbox's view of the host through the pod's volumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bindsHostPath, type Mount } from './sandbox.js';
import { tempDir } from '../util/testing.js';

const bind = (source: string): Mount => ({ source, target: '/mnt', readOnly: true });

test('a volume shows a host path when its source is that path or a directory above it', () => {
  assert.equal(bindsHostPath([], '/run/netns'), false);
  for (const source of ['/', '/run', '/run/', '/run/netns', '/run/../run/netns']) assert.equal(bindsHostPath([bind(source)], '/run/netns'), true, source);
  const link = path.join(tempDir('sandbox'), 'var-run');
  fs.symlinkSync('/run', link);
  assert.equal(bindsHostPath([bind(link)], '/run/netns'), true, 'a symlink to /run, as /var/run is');
  for (const source of ['/run/netns/x', '/run/net', '/runx', '/home/kjob/pods/1/volumes/data']) assert.equal(bindsHostPath([bind(source)], '/run/netns'), false, source);
  assert.equal(bindsHostPath([bind('/tmp'), bind('/run')], '/run/netns'), true, 'any of them');
});
