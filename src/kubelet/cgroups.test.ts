// Where kjob's cgroups go, from /proc/self/mountinfo and /proc/self/cgroup as v1, hybrid and v2
// machines write them; nothing here touches a cgroup filesystem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKjobCgroupDir, planCgroups, podPidsLimitFromEnv, DEFAULT_POD_PIDS_LIMIT } from './cgroups.js';

const V1_MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const V1_SELF = `8:pids:/
4:memory:/process_api/b560
0::/`;

test('v1 (with an empty v2 mount beside it): one hierarchy per controller, under the cgroup kjob runs in', () => {
  const plan = planCgroups(V1_MOUNTINFO, V1_SELF, (p) => (p === '/sys/fs/cgroup/unified/cgroup.controllers' ? '\n' : undefined));
  assert.equal(plan.version, 'v1');
  assert.deepEqual(plan.hierarchies, [
    { version: 1, controllers: ['memory'], dir: '/sys/fs/cgroup/memory/process_api/b560/kjob' },
    { version: 1, controllers: ['pids'], dir: '/sys/fs/cgroup/pids/kjob' },
  ]);
});

test('v2: the nearest ancestor that delegates memory and pids (a process may not sit in a cgroup that delegates)', () => {
  const mountinfo = '30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate';
  const self = '0::/user.slice/user-1000.slice/session-3.scope';
  const files: Record<string, string> = {
    '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc',
    '/sys/fs/cgroup/cgroup.subtree_control': 'cpu io memory pids',
    '/sys/fs/cgroup/user.slice/cgroup.subtree_control': 'memory pids',
    '/sys/fs/cgroup/user.slice/user-1000.slice/cgroup.subtree_control': 'memory pids',
    '/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope/cgroup.subtree_control': '',
  };
  const plan = planCgroups(mountinfo, self, (p) => files[p]);
  assert.equal(plan.version, 'v2');
  assert.deepEqual(plan.hierarchies, [{ version: 2, controllers: ['memory', 'pids'], dir: '/sys/fs/cgroup/user.slice/user-1000.slice/kjob' }]);
  // Nobody delegates: the root, which always may.
  const bare = planCgroups(mountinfo, '0::/init.scope', (p) => (p.endsWith('cgroup.controllers') ? 'memory pids' : ''));
  assert.deepEqual(bare.hierarchies, [{ version: 2, controllers: ['memory', 'pids'], dir: '/sys/fs/cgroup/kjob' }]);
});

test('a missing controller: no limits, and why', () => {
  const plan = planCgroups('35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory', '4:memory:/', () => undefined);
  assert.deepEqual(plan.hierarchies, []);
  assert.equal(plan.reason, 'the pids cgroup controller is not available on this machine');
  assert.equal(planCgroups('', '', () => undefined).reason, 'the memory and pids cgroup controllers are not available on this machine');
});

test('KJOB_POD_PIDS_LIMIT: a positive number, or -1 for none; anything else keeps the default', () => {
  assert.equal(podPidsLimitFromEnv({}), DEFAULT_POD_PIDS_LIMIT);
  assert.equal(podPidsLimitFromEnv({ KJOB_POD_PIDS_LIMIT: '64' }), 64);
  assert.equal(podPidsLimitFromEnv({ KJOB_POD_PIDS_LIMIT: '-1' }), -1);
  assert.equal(podPidsLimitFromEnv({ KJOB_POD_PIDS_LIMIT: 'lots' }), DEFAULT_POD_PIDS_LIMIT);
  assert.equal(podPidsLimitFromEnv({ KJOB_POD_PIDS_LIMIT: '0' }), DEFAULT_POD_PIDS_LIMIT);
});

test('only kjob cgroup directories are ever emptied or removed', () => {
  assert.ok(isKjobCgroupDir('/sys/fs/cgroup/memory/a/kjob/0b6e0a7c-1111/c_0'));
  assert.ok(isKjobCgroupDir('/sys/fs/cgroup/kjob/0b6e0a7c-1111'));
  assert.ok(!isKjobCgroupDir('/sys/fs/cgroup/memory'));
  assert.ok(!isKjobCgroupDir('/sys/fs/cgroup/kjob/../system.slice/x'));
  assert.ok(!isKjobCgroupDir('/home/u/kjob/x'));
});
