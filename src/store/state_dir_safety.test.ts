import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { refuseUnsafeStateDir, unsafeReason } from './state_dir_safety.js';
import { UserError } from '../errors.js';
import { tempDir } from '../util/testing.js';

const root = process.getuid?.() === 0;
const needsRoot = !root && 'needs root (to give files away)';
const OTHER = 4321;
const reason = (p: string) => unsafeReason(p, process.geteuid!())?.why;

test('a state directory of its own, in /tmp or not made yet, is safe', () => {
  const dir = tempDir('safety-own');
  assert.equal(reason(dir), undefined);
  assert.equal(reason(path.join(dir, 'not', 'yet')), undefined);
  // A link of its own to a directory of its own.
  fs.mkdirSync(path.join(dir, 'real'));
  fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
  assert.equal(reason(path.join(dir, 'link')), undefined);
});

test("links the walk cannot follow as the kernel does are refused: a target that is not UTF-8, /proc's", () => {
  const dir = tempDir('safety-links');
  fs.mkdirSync(path.join(dir, 'real'));
  // The kernel follows the bytes; a name read as UTF-8 would be another (U+FFFD), and missing.
  fs.symlinkSync(Buffer.from([...Buffer.from(path.join(dir, 'real')), 0xff]), path.join(dir, 'bytes'));
  assert.equal(reason(path.join(dir, 'bytes')), `"${path.join(dir, 'bytes')}" links to a name that is not UTF-8`);
  // /proc/self/root reads as "/", and is the process's root, which may be another mount namespace's.
  assert.equal(reason(`/proc/self/root${dir}`), `"/proc/self" is a link of /proc's, which leads where its text does not say`);
});

test('what the kernel would refuse is left to the caller', () => {
  const dir = tempDir('safety-kernel');
  fs.writeFileSync(path.join(dir, 'file'), '');
  assert.equal(reason(path.join(dir, 'file')), undefined);
  assert.equal(reason(path.join(dir, 'file', 'home')), undefined);
  fs.symlinkSync('loop', path.join(dir, 'loop'));
  assert.equal(reason(path.join(dir, 'loop')), undefined);
});

/** A directory with open/sub in it, open writable by everyone (not sticky), and what a path through open is refused with. */
function withOpenDir(prefix: string, sub: string): { dir: string; open: string; expected: string } {
  const dir = tempDir(prefix);
  const open = path.join(dir, 'open');
  fs.mkdirSync(path.join(open, sub), { recursive: true });
  fs.chmodSync(open, 0o777);
  return { dir, open, expected: `"${open}" may be written by other users, who could replace what is in it` };
}

test('a directory on the way that others may write (not sticky) is refused', () => {
  const { dir, open, expected } = withOpenDir('safety-open', 'home');
  assert.equal(reason(path.join(open, 'home')), expected);
  assert.equal(reason(path.join(open, 'missing')), expected);
  // Through a link, too: the link's target is walked as the kernel walks it.
  fs.symlinkSync(path.join(open, 'home'), path.join(dir, 'via'));
  assert.equal(reason(path.join(dir, 'via')), expected);
  // Sticky, as /tmp: each entry is its owner's.
  fs.chmodSync(open, 0o1777);
  assert.equal(reason(path.join(open, 'home')), undefined);
  // Writable by its group, whichever (a POSIX ACL's entries show there too).
  fs.chmodSync(open, 0o775);
  assert.equal(reason(path.join(open, 'home')), expected);
  // The state directory itself, sticky or not.
  fs.chmodSync(open, 0o755);
  for (const mode of [0o1777, 0o770]) {
    fs.chmodSync(path.join(open, 'home'), mode);
    assert.equal(reason(path.join(open, 'home')), 'it may be written by other users');
  }
  fs.chmodSync(path.join(open, 'home'), 0o700);
  assert.equal(reason(path.join(open, 'home')), undefined);
});

test('".." in a link\'s target is walked as the kernel walks it: from where the link before it led', () => {
  const { dir, open, expected } = withOpenDir('safety-dotdot', 'sub');
  fs.mkdirSync(path.join(dir, 'safe'));
  fs.symlinkSync(path.join(open, 'sub'), path.join(dir, 'to-sub'));
  // dir/to-sub/../x is open/x to the kernel (dir/x to the text), where others may put anything.
  fs.symlinkSync(`${path.join(dir, 'to-sub')}/../x`, path.join(dir, 'safe', 'home'));
  assert.equal(reason(path.join(dir, 'safe', 'home')), expected);
  // The same, relative to the link's own directory.
  fs.symlinkSync('../to-sub/../x', path.join(dir, 'safe', 'relative'));
  assert.equal(reason(path.join(dir, 'safe', 'relative')), expected);
  fs.symlinkSync('../safe', path.join(dir, 'safe', 'fine'));
  assert.equal(reason(path.join(dir, 'safe', 'fine')), undefined);
});

test("another user's directory, or one on the way, or a link of theirs in /tmp, is refused; nothing is made", { skip: needsRoot }, () => {
  const dir = tempDir('safety-other');
  const theirs = path.join(dir, 'theirs');
  fs.mkdirSync(path.join(theirs, 'home'), { recursive: true });
  fs.chownSync(theirs, OTHER, OTHER);
  assert.equal(reason(theirs), `it belongs to another user (uid ${OTHER})`);
  const above = `"${theirs}" belongs to another user (uid ${OTHER}), who could replace what is in it`;
  assert.equal(reason(path.join(theirs, 'home')), above); // root's own, in theirs: they can swap it
  assert.equal(reason(path.join(theirs, 'new')), above);
  // A link of theirs in a sticky directory: theirs to remove and point elsewhere later.
  const sticky = path.join(dir, 'sticky');
  fs.mkdirSync(path.join(sticky, 'target'), { recursive: true });
  fs.chmodSync(sticky, 0o1777);
  fs.symlinkSync(path.join(sticky, 'target'), path.join(sticky, 'link'));
  fs.lchownSync(path.join(sticky, 'link'), OTHER, OTHER);
  assert.equal(reason(path.join(sticky, 'link')), `"${path.join(sticky, 'link')}" belongs to another user (uid ${OTHER}), who could replace it`);
  // A link of ours to theirs: refused by what it leads to.
  fs.symlinkSync(theirs, path.join(dir, 'to-theirs'));
  assert.equal(reason(path.join(dir, 'to-theirs')), `it belongs to another user (uid ${OTHER})`);
  // The command's error; nothing made.
  assert.throws(
    () => refuseUnsafeStateDir(path.join(theirs, 'new')),
    (e: unknown) => e instanceof UserError && e.message === `error: cannot use state directory "${path.join(theirs, 'new')}": ${above}; run kjob as that user, or give it a state directory of your own (--home, $KJOB_HOME)`,
  );
  // Where no other user is to blame, no other user is named; a directory of its own, it is told how to mend.
  fs.chmodSync(sticky, 0o777);
  assert.throws(
    () => refuseUnsafeStateDir(path.join(sticky, 'target')),
    (e: unknown) => e instanceof UserError && e.message === `error: cannot use state directory "${path.join(sticky, 'target')}": "${sticky}" may be written by other users, who could replace what is in it; make it writable by its owner only (chmod go-w "${sticky}"), or give it a state directory of your own (--home, $KJOB_HOME)`,
  );
  fs.chownSync(sticky, OTHER, OTHER);
  fs.chownSync(path.join(sticky, 'target'), OTHER, OTHER);
  assert.equal(unsafeReason(path.join(sticky, 'target'), OTHER)?.chmod, sticky);
  fs.chownSync(sticky, 0, 0);
  assert.deepEqual(unsafeReason(path.join(sticky, 'target'), OTHER), { why: `"${sticky}" may be written by other users, who could replace what is in it`, chmod: undefined });
  assert.deepEqual(fs.readdirSync(theirs), ['home']);
});
