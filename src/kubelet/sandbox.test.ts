// The sandbox's view of the host through the pod's volumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bwrapArgv, terminationLogBindable, exposesHostDir, openSubPath, prepareSubPath, translatePath, type Mount } from './sandbox.js';
import { tempDir } from '../util/testing.js';

const bind = (source: string): Mount => ({ source, target: '/mnt', readOnly: true });

test('a volume exposes a host directory when its source is that directory, one above it or anything inside it', () => {
  assert.equal(exposesHostDir([], '/run/netns'), false);
  for (const source of ['/', '/run', '/run/', '/run/netns', '/run/../run/netns', '/run/netns/x', 'run/netns', 'run']) assert.equal(exposesHostDir([bind(source)], '/run/netns'), true, source);
  const link = path.join(tempDir('sandbox'), 'var-run');
  fs.symlinkSync('/run', link);
  assert.equal(exposesHostDir([bind(link)], '/run/netns'), true, 'a symlink to /run, as /var/run is');
  for (const source of ['/run/net', '/run/netnsx', '/runx', '/home/kjob/pods/1/volumes/data', 'tmp']) assert.equal(exposesHostDir([bind(source)], '/run/netns'), false, source);
  assert.equal(exposesHostDir([bind('/tmp'), bind('/run')], '/run/netns'), true, 'any of them');
});

test('the directory is compared as resolved, as the sources are', () => {
  const d = tempDir('sandbox');
  fs.mkdirSync(path.join(d, 'real', 'netns'), { recursive: true });
  fs.symlinkSync(path.join(d, 'real'), path.join(d, 'link'));
  assert.equal(exposesHostDir([bind(path.join(d, 'real'))], path.join(d, 'link', 'netns')), true, 'the directory reached through a symlink');
  assert.equal(exposesHostDir([bind(path.join(d, 'link'))], path.join(d, 'real', 'netns')), true, 'the source through one');
});

test("a path inside the sandbox is found under the deepest mount that holds it, the root's as well", () => {
  const mounts: Mount[] = [{ source: '/h/root', target: '/', readOnly: false }, { source: '/h/data', target: '/data/', readOnly: false }];
  assert.equal(translatePath('/etc/x', mounts, true), '/h/root/etc/x');
  assert.equal(translatePath('/data', mounts, true), '/h/data');
  assert.equal(translatePath('/data/a/b', mounts, true), '/h/data/a/b');
  assert.equal(translatePath('/datax', mounts, true), '/h/root/datax');
  assert.equal(translatePath('/tmp/x', [], true), undefined, 'the private /tmp');
  assert.equal(translatePath('/etc/x', [], true), '/etc/x');
});

test('a subPath is held by what its walk found: a part swapped for a symlink afterwards does not move it', () => {
  const root = tempDir('subpath');
  fs.mkdirSync(path.join(root, 'x'));
  const held = openSubPath(root, path.join(root, 'x'));
  assert.ok(held !== undefined);
  try {
    assert.equal(held.real, path.join(fs.realpathSync(root), 'x'));
    // What a running container of the pod can do between the walk and bwrap's bind.
    fs.renameSync(path.join(root, 'x'), path.join(root, 'moved'));
    fs.symlinkSync('/etc', path.join(root, 'x'));
    assert.equal(fs.realpathSync(`/proc/self/fd/${held.fd}`), path.join(fs.realpathSync(root), 'moved'));
  } finally {
    fs.closeSync(held.fd);
  }
  // Walked now, the symlink out of the volume is refused; one inside it (a configMap's key) is followed.
  assert.equal(openSubPath(root, path.join(root, 'x')), undefined);
  fs.mkdirSync(path.join(root, '..data'));
  fs.writeFileSync(path.join(root, '..data', 'key'), 'v');
  fs.symlinkSync('..data/key', path.join(root, 'key'));
  assert.equal(prepareSubPath({ source: path.join(root, 'key'), target: '/k', readOnly: true, volumeRoot: root }), path.join(fs.realpathSync(root), '..data', 'key'));
  // Missing parts are made, with the volume's permissions; a file in the middle is refused.
  assert.equal(prepareSubPath({ source: path.join(root, 'a/b'), target: '/ab', readOnly: false, volumeRoot: root }), path.join(fs.realpathSync(root), 'a/b'));
  assert.ok(fs.statSync(path.join(root, 'a/b')).isDirectory());
  assert.equal(prepareSubPath({ source: path.join(root, '..data/key/c'), target: '/c', readOnly: false, volumeRoot: root }), undefined);
});

test("a held subPath is bound by its descriptor (bwrap's --bind-fd), never by its path, which bwrap would resolve again", () => {
  const a = bwrapArgv({
    hostname: 'p', hostsFile: '/dev/null', hostnameFile: '/dev/null', workingDir: '/', env: new Map(), argv: ['true'],
    mounts: [
      { source: '/state/pods/u/volumes/e/x', target: '/sub', readOnly: false, volumeRoot: '/state/pods/u/volumes/e', held: { fd: 41, bindFd: 3 } },
      { source: '/state/pods/u/volumes/c/..data/k', target: '/k', readOnly: true, volumeRoot: '/state/pods/u/volumes/c', held: { fd: 42, bindFd: 4 } },
      { source: '/state/pods/u/volumes/e', target: '/e', readOnly: false },
    ],
  });
  const at = (flag: string, target: string) => a.findIndex((x, i) => x === flag && a[i + 2] === target);
  assert.equal(a[at('--bind-fd', '/sub') + 1], '3');
  assert.equal(a[at('--ro-bind-fd', '/k') + 1], '4');
  assert.equal(a[at('--bind', '/e') + 1], '/state/pods/u/volumes/e');
  assert.ok(!a.includes('/state/pods/u/volumes/e/x') && !a.includes('/state/pods/u/volumes/c/..data/k'));
});

test("the termination message file is bound read-write at its path, after the volumes (on top of one at /dev or /tmp); only in the sandbox's /dev or /tmp", () => {
  const a = bwrapArgv({
    hostname: 'p', hostsFile: '/dev/null', hostnameFile: '/dev/null', workingDir: '/', env: new Map(), argv: ['true'],
    mounts: [{ source: '/state/pods/u/volumes/t', target: '/tmp', readOnly: false }],
    terminationLog: { source: '/state/pods/u/containers/c/0/termination-log', target: '/dev/termination-log' },
  });
  const i = a.findIndex((x, j) => x === '--bind' && a[j + 2] === '/dev/termination-log');
  assert.equal(a[i + 1], '/state/pods/u/containers/c/0/termination-log');
  assert.ok(i > a.indexOf('/state/pods/u/volumes/t'));
  assert.ok(i < a.indexOf('--'));
  for (const p of ['/dev/termination-log', '/tmp/msg']) assert.equal(terminationLogBindable(p), true, p);
  for (const p of ['/var/log/msg', '/dev/x/y', '/dev/..', '/tmp/.', 'dev/termination-log', '/etc/passwd']) assert.equal(terminationLogBindable(p), false, p);
});
