// Every state directory of this user is covered in every sandbox, not only the pod's own.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { coverDirOf, knownStateDirs, registerStateDir } from './state_dirs.js';
import { bwrapArgv, hiddenPaths, hiddenPathsFor, HIDDEN_PATHS_KEPT_MS, probeSandbox, type HiddenDir } from './sandbox.js';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../util/testing.js';
import { userRuntimeDir } from './runtime_dir.js';

test("a state directory once used is hidden from another's pods; one under /tmp needs no listing; gone ones drop out", () => {
  // outside /tmp, as a user's state directory may be (the pods' /tmp is their own already)
  const other = fs.mkdtempSync('/var/tmp/kjob-statedir-');
  const mine = fs.mkdtempSync('/var/tmp/kjob-statedir-');
  try {
    registerStateDir(other);
    registerStateDir(other);
    assert.equal(knownStateDirs().filter((d) => d === fs.realpathSync(other)).length, 1, 'listed once');
    const real = fs.realpathSync(other);
    assert.deepEqual(hiddenPaths(mine).find((h) => h.dir === real), { dir: real, cover: coverDirOf(real) }, 'covered in the sandboxes of another state directory');
    assert.deepEqual(fs.readdirSync(coverDirOf(real)), [], 'by its empty directory');
    const tmp = fs.mkdtempSync(path.join('/tmp', 'kjob-statedir-'));
    registerStateDir(tmp);
    assert.ok(!knownStateDirs().includes(fs.realpathSync(tmp)));
    fs.rmSync(tmp, { recursive: true });
    fs.rmSync(other, { recursive: true });
    assert.ok(!knownStateDirs().includes(path.resolve(other)), 'a removed directory is not covered');
    // Lines of directories that are gone cost every container start a check: a command drops them
    // once there are more than a few, and keeps what exists.
    const list = path.join(userRuntimeDir(), 'state-dirs');
    const gone = Array.from({ length: 12 }, (_, i) => `${other}-gone-${i}`);
    fs.appendFileSync(list, gone.map((d) => d + '\n').join(''));
    registerStateDir(mine);
    const lines = fs.readFileSync(list, 'utf8').split('\n');
    assert.deepEqual(gone.filter((d) => lines.includes(d)), []);
    assert.ok(lines.includes(fs.realpathSync(mine)));
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
    fs.rmSync(mine, { recursive: true, force: true });
  }
});

const probe = probeSandbox('auto', { env: {}, runtimeDir: tempDir('statedir-probe') });

test('a state directory removed after the engine listed it does not fail the container', { skip: !probe.sandboxed && `bubblewrap does not sandbox here: ${probe.reason}` }, () => {
  const other = fs.mkdtempSync('/var/tmp/kjob-statedir-');
  const mine = fs.mkdtempSync('/var/tmp/kjob-statedir-');
  try {
    registerStateDir(other);
    const hidden = hiddenPaths(mine);
    const real = fs.realpathSync(other);
    assert.ok(hidden.some((h) => h.dir === real));
    const run = (h: typeof hidden) => {
      const a = bwrapArgv({ hostname: 'h', hostsFile: '/dev/null', hostnameFile: '/dev/null', mounts: [], workingDir: '/', env: new Map(), argv: ['/bin/sh', '-c', `ls -A ${real} | wc -l`], hidden: h });
      return spawnSync(a[0], a.slice(1), { encoding: 'utf8', timeout: 10_000 });
    };
    fs.writeFileSync(path.join(other, 'state.db'), '');
    assert.equal(run(hidden).stdout.trim(), '0', 'the cover hides what the directory holds');
    // Removed between the engine's look (hiddenPaths) and bwrap's mounts, as another state
    // directory's test cleanup or user may do at any moment.
    fs.rmSync(other, { recursive: true });
    const r = run(hidden);
    assert.equal(r.status, 0, r.stderr);
    // A tmpfs over it (a directory without a cover) fails so: bwrap cannot make the mount point.
    const old = run(hidden.map((h) => ({ dir: h.dir })));
    assert.match(old.stderr, /Can't mkdir .*Read-only file system/);
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
    fs.rmSync(mine, { recursive: true, force: true });
  }
});

/** n new state directories outside /tmp (a user's may be anywhere), removed when the test ends. */
function stateDirs(t: TestContext, n: number): string[] {
  const dirs = Array.from({ length: n }, () => fs.mkdtempSync('/var/tmp/kjob-statedir-'));
  t.after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return dirs;
}

test('hiddenPathsFor keeps its answer while the list of state directories stays as it was, for a second at most', (t) => {
  const [mine, other] = stateDirs(t, 2);
  registerStateDir(mine);
  const realMine = fs.realpathSync(mine);
  const entry = (answer: HiddenDir[], dir: string) => answer.find((h) => h.dir === dir);
  const t0 = Date.now();
  assert.deepEqual(entry(hiddenPathsFor(mine, t0), realMine), { dir: realMine, cover: coverDirOf(realMine) });
  // Whether an answer was looked up again shows in a cover removed since: a lookup would find the
  // directory without one. (Not by the answer's identity: the kept answer is filtered again when
  // this user's list has a state directory without a cover, as a machine's list may.)
  fs.rmSync(coverDirOf(realMine), { recursive: true });
  assert.deepEqual(entry(hiddenPathsFor(mine, t0 + 1), realMine), { dir: realMine, cover: coverDirOf(realMine) }, 'the same answer, not looked up again');
  // A state directory used since: the list changed, so the next start covers it.
  registerStateDir(other);
  const real = fs.realpathSync(other);
  const next = hiddenPathsFor(mine, t0 + 2);
  assert.deepEqual(entry(next, real), { dir: real, cover: coverDirOf(real) });
  assert.deepEqual(entry(next, realMine), { dir: realMine }, 'looked up again');
  fs.rmSync(coverDirOf(real), { recursive: true });
  assert.deepEqual(entry(hiddenPathsFor(mine, t0 + 3), real), { dir: real, cover: coverDirOf(real) }, 'kept again');
  assert.deepEqual(entry(hiddenPathsFor(mine, t0 + 2 + HIDDEN_PATHS_KEPT_MS), real), { dir: real }, 'looked up again after HIDDEN_PATHS_KEPT_MS');
});

test('hiddenPathsFor: a listed state directory removed and used again is covered from the next start; one without a cover that is gone is left out', (t) => {
  const [mine, again, old] = stateDirs(t, 3);
  registerStateDir(mine);
  registerStateDir(again);
  const real = fs.realpathSync(again);
  fs.rmSync(again, { recursive: true });
  const t0 = Date.now();
  assert.equal(hiddenPathsFor(mine, t0).find((h) => h.dir === real), undefined, 'gone');
  // Used again: its first command makes its cover and touches the list, already listing it.
  fs.mkdirSync(again);
  registerStateDir(again);
  assert.deepEqual(hiddenPathsFor(mine, t0 + 1).find((h) => h.dir === real), { dir: real, cover: coverDirOf(real) });
  // A directory an older kjob listed, without a cover: covered by a tmpfs while it exists, and
  // left out once it is gone, even by a kept lookup (bwrap cannot put a tmpfs where nothing is).
  const oldReal = fs.realpathSync(old);
  fs.appendFileSync(path.join(userRuntimeDir(), 'state-dirs'), oldReal + '\n');
  const t1 = Date.now();
  assert.deepEqual(hiddenPathsFor(mine, t1).find((h) => h.dir === oldReal), { dir: oldReal });
  fs.rmSync(old, { recursive: true });
  assert.equal(hiddenPathsFor(mine, t1 + 1).find((h) => h.dir === oldReal), undefined);
});

