import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ChangeNotices, commitNoticesPath, openCommitNotices } from './change_notices.js';
import { tempDir } from '../util/testing.js';

/** Resolves with what fired first: then, or a bound that only limits how long a failure takes. */
function firstOf(arm: (then: () => void) => void): Promise<'then' | 'bound'> {
  return new Promise((resolve) => {
    const bound = setTimeout(() => resolve('bound'), 10_000);
    arm(() => {
      clearTimeout(bound);
      resolve('then');
    });
  });
}

// An hour's poll: within the test, only a notice or a quick look can call then.
const HOUR = 3_600_000;

/** What a writer does once its transaction committed (Store.noticeCommit): a touch of the notice file. */
function commit(home: string): void {
  const now = Date.now() / 1000;
  fs.utimesSync(commitNoticesPath(home), now, now);
}

test("a commit's notice calls the waiting watch; a write to the log alone does not, while every writer sends commit notices", async () => {
  const home = tempDir('notices');
  const wal = path.join(home, 'state.db-wal');
  fs.writeFileSync(wal, '');
  const notices = new ChangeNotices(home);
  try {
    assert.ok(fs.existsSync(commitNoticesPath(home)), 'the watch made the notice file');
    notices.looking();
    assert.equal(await firstOf((then) => {
      notices.after(false, HOUR, then);
      commit(home);
    }), 'then', 'a commit woke the watch');
    // A write to the log alone: the test's own watch of the log sees it, the watch is not woken
    // (the commit is visible when its notice comes: nothing to look for before it).
    notices.looking();
    let woke = false;
    notices.after(false, HOUR, () => (woke = true));
    const logWatch = fs.watch(wal);
    try {
      const logWritten = new Promise((resolve) => logWatch.once('change', resolve));
      fs.appendFileSync(wal, 'frame');
      await logWritten;
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      logWatch.close();
    }
    assert.equal(woke, false, "the log's write woke the watch");
    assert.equal(notices.listensToLog(), false);
    assert.equal(await firstOf((then) => {
      notices.after(false, HOUR, then);
      commit(home);
    }), 'then', 'the next commit woke it');
  } finally {
    notices.close();
    fs.rmSync(home, { recursive: true });
  }
});

/** The watch's timers, fired by the test: the one now due (the last one asked for, not cancelled). */
function manualTimers() {
  let due: { fn: () => void; ms: number } | undefined;
  return {
    later(fn: () => void, ms: number): () => void {
      const t = { fn, ms };
      due = t;
      return () => {
        if (due === t) due = undefined;
      };
    },
    /** Fires the timer now due; its delay. */
    fire(): number {
      const t = due;
      assert.ok(t, 'a timer is due');
      due = undefined;
      t.fn();
      return t.ms;
    },
  };
}

/** The next look, woken by the poll (after the look before reported seen). */
function nextPoll(notices: ChangeNotices, timers: ReturnType<typeof manualTimers>, seen: boolean): void {
  let woke = false;
  notices.after(seen, POLL_MS, () => (woke = true));
  assert.equal(timers.fire(), POLL_MS, 'the poll was due');
  assert.ok(woke);
  notices.looking();
}
const POLL_MS = 50;

test('a writer that sends no commit notices (an older kjob): once two polls in a row find its writes, the writes to the log wake the watch, and a notice that found nothing is looked at again soon', async () => {
  const home = tempDir('notices');
  const wal = path.join(home, 'state.db-wal');
  fs.writeFileSync(wal, '');
  const timers = manualTimers();
  // The looks' clock a minute ahead of the file's: no commit touched the notice file since any look began.
  const notices = new ChangeNotices(home, () => Date.now() + 60_000, timers.later);
  try {
    notices.looking();
    nextPoll(notices, timers, false);
    // A poll's look that found a write with no notice since the look before: a writer between its
    // commit and its notice, or one that sends none. A look between two such starts the count again.
    for (const seen of [true, false, true]) nextPoll(notices, timers, seen);
    assert.equal(notices.listensToLog(), false, 'not two in a row');
    nextPoll(notices, timers, true);
    assert.equal(await firstOf((then) => {
      notices.after(true, HOUR, then);
      assert.equal(notices.listensToLog(), true, 'the second in a row');
      fs.appendFileSync(wal, 'frame');
    }), 'then', 'a write to the log woke the watch');
    notices.looking();
    let woke = false;
    notices.after(false, HOUR, () => (woke = true));
    assert.equal(timers.fire(), 1, 'the first quick look, 1 ms after a notice that found nothing');
    assert.ok(woke);
  } finally {
    notices.close();
    fs.rmSync(home, { recursive: true });
  }
});

test('polls in a row that find writes whose commits touched the notice file since the look before (their notices not read yet): the log is not listened to', () => {
  const home = tempDir('notices');
  fs.writeFileSync(path.join(home, 'state.db-wal'), '');
  const timers = manualTimers();
  // The looks' clock a minute behind the file's: the notice file was touched after every look began.
  const notices = new ChangeNotices(home, () => Date.now() - 60_000, timers.later);
  try {
    notices.looking();
    nextPoll(notices, timers, false);
    for (let i = 0; i < 3; i++) nextPoll(notices, timers, true);
    notices.after(true, HOUR, () => undefined);
    assert.equal(notices.listensToLog(), false);
  } finally {
    notices.close();
    fs.rmSync(home, { recursive: true });
  }
});

test('a notice during a look is not lost: the next look is due at once', async () => {
  const home = tempDir('notices');
  const notices = new ChangeNotices(home); // nothing writes: no notices from the file system
  try {
    notices.looking();
    notices.notice(); // came while the changes were read
    assert.equal(await firstOf((then) => notices.after(true, HOUR, then)), 'then');
  } finally {
    notices.close();
    fs.rmSync(home, { recursive: true });
  }
});

/** The inotify watches this process holds (node's one inotify descriptor lists them in its fdinfo). */
function inotifyWatches(): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let link = '';
    try {
      link = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the directory's own descriptor, closed by now
    }
    if (link === 'anon_inode:inotify') n += fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
  }
  return n;
}

test("close leaves no watch of the state directory's files behind", () => {
  const home = tempDir('notices');
  fs.writeFileSync(path.join(home, 'state.db-wal'), '');
  const before = inotifyWatches();
  const notices = new ChangeNotices(home);
  try {
    assert.equal(inotifyWatches(), before + 1, 'the notice file watched');
    notices.close();
    // Counted before the files go: the kernel drops a removed file's watches by itself.
    assert.equal(inotifyWatches(), before);
  } finally {
    notices.close();
    fs.rmSync(home, { recursive: true });
  }
});

test('the notice file is never opened through a link planted in its place', () => {
  const home = tempDir('notices-link');
  const other = path.join(tempDir('notices-other'), 'file');
  fs.writeFileSync(other, 'untouched\n', { mode: 0o600 });
  fs.utimesSync(other, 0, 0);
  fs.symlinkSync(other, commitNoticesPath(home));
  assert.throws(() => openCommitNotices(home), /ELOOP/);
  assert.deepEqual([fs.statSync(other).mtimeMs, fs.readFileSync(other, 'utf8')], [0, 'untouched\n']);
});
