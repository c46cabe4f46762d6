import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ChangeNotices } from './change_notices.js';
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

test("the log's notice calls the waiting watch; a notice whose write was not visible yet is looked at again soon", async () => {
  const home = tempDir('notices');
  const wal = path.join(home, 'state.db-wal');
  fs.writeFileSync(wal, '');
  const notices = new ChangeNotices(home);
  try {
    notices.looking();
    assert.equal(await firstOf((then) => {
      notices.after(false, HOUR, then);
      fs.appendFileSync(wal, 'frame');
    }), 'then', 'a write to the log woke the watch');
    // The look that notice woke found nothing (SQLite had not made the commit visible yet).
    notices.looking();
    assert.equal(await firstOf((then) => notices.after(false, HOUR, then)), 'then', 'looked again without another notice');
  } finally {
    notices.close();
    fs.rmSync(home, { recursive: true });
  }
});

test('a notice during a look is not lost: the next look is due at once', async () => {
  const home = tempDir('notices');
  const notices = new ChangeNotices(home); // no log file: no notices from the file system
  try {
    notices.looking();
    notices.notice(); // came while the changes were read
    assert.equal(await firstOf((then) => notices.after(true, HOUR, then)), 'then');
  } finally {
    notices.close();
    fs.rmSync(home, { recursive: true });
  }
});
