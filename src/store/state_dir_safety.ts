// Whether a state directory is safe for this user to use: its own, reached only through
// directories nobody else can change. As git refuses a repository of another user's, and sshd
// (StrictModes) a key file on a path another user could change.
//
// Whatever kjob does in its state directory follows the links found there: the engine's log and
// lock, the state file's journal, the pods' files and logs, the command servers' sockets, the
// engine's code cache (which V8 runs). A user who can put a link there, or swap the directory (or
// a directory above it) for one of theirs, between kjob's looks, makes root's kjob write root's
// files or run their code: root's engine on a user's directory appended its log to a file that
// user linked, and ran a code cache that user wrote. So a state directory must be this user's,
// and each directory on the way to it, and each link followed, must be in a directory that only
// this user or root can change.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/** How many links a path may go through (the kernel's limit, MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * Refuses home (as named) when another user owns it, or owns or may write a directory on the
 * way to it; nothing is changed. A home not made yet is checked up to the directory it will be
 * made in. Paths the kernel would refuse anyway (not a directory, unreadable) are left to the
 * caller's own error (Store.open's).
 */
export function refuseUnsafeStateDir(home: string): void {
  const euid = process.geteuid?.();
  if (euid === undefined) return;
  const unsafe = unsafeReason(path.resolve(home), euid);
  if (unsafe) {
    const advice = `${unsafe.otherUser ? 'run kjob as that user, or ' : ''}give it a state directory of your own (--home, $KJOB_HOME)`;
    throw new UserError(`error: cannot use state directory "${home}": ${unsafe.why}; ${advice}`);
  }
}

/**
 * Why the absolute path p is not this user's to use safely (otherUser: because another user owns
 * something on the way, who could use it); undefined when it is.
 */
export function unsafeReason(p: string, euid: number): { why: string; otherUser: boolean } | undefined {
  let links = 0;
  const otherUser = (why: string) => ({ why, otherUser: true });
  const anyUser = (why: string) => ({ why, otherUser: false });
  // Write access for others: by the mode's group and other bits (an ACL's entries show in the group
  // bits, as its mask): so a group of this user's own counts too, as sshd's StrictModes counts it.
  const writableByOthers = (st: fs.Stats) => (st.mode & 0o022) !== 0;
  // A directory whose entries only this user and root can change: owned by one of them, and
  // writable by nobody else, unless sticky (/tmp: an entry there is its owner's to change).
  const othersMayChange = (dir: string, st: fs.Stats) => {
    if (st.uid !== euid && st.uid !== 0) return otherUser(`"${dir}" belongs to another user (uid ${st.uid}), who could replace what is in it`);
    if ((st.mode & 0o1000) === 0 && writableByOthers(st)) return anyUser(`"${dir}" may be written by other users, who could replace what is in it`);
    return undefined;
  };
  type Walked = { real: string; st?: fs.Stats } | { why: string; otherUser: boolean };
  // Walks a path from "/" as the kernel resolves it: a link's target from the directory the link
  // is in, and ".." from where the walk has got to (the target of the links before it), never
  // from the text (path.resolve would take /link/.. to /, where the kernel goes to the parent of
  // the link's target).
  const walk = (target: string): Walked => {
    let cur = '/';
    let curSt = fs.statSync('/');
    const parts = target.split('/').filter((s) => s !== '' && s !== '.');
    for (let i = 0; i < parts.length; i++) {
      const unsafe = othersMayChange(cur, curSt);
      if (unsafe) return unsafe;
      if (parts[i] === '..') {
        cur = path.dirname(cur);
        curSt = fs.statSync(cur);
        continue;
      }
      const next = path.join(cur, parts[i]);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(next);
      } catch {
        return { real: path.join(next, ...parts.slice(i + 1)) }; // made by kjob, in a directory of ours
      }
      // In a sticky directory (/tmp) an entry is its owner's to remove and make again (the state
      // directory itself: refused below, as another user's).
      const last = i === parts.length - 1 && !st.isSymbolicLink();
      if (!last && (curSt.mode & 0o1000) !== 0 && st.uid !== euid && st.uid !== 0) return otherUser(`"${next}" belongs to another user (uid ${st.uid}), who could replace it`);
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) return { real: next };
        const to = fs.readlinkSync(next);
        return walk([to.startsWith('/') ? to : `${cur}/${to}`, ...parts.slice(i + 1)].join('/'));
      }
      if (i < parts.length - 1 && !st.isDirectory()) return { real: next }; // ENOTDIR: the caller's error
      cur = next;
      curSt = st;
    }
    return { real: cur, st: curSt };
  };
  let found: Walked;
  try {
    found = walk(p);
  } catch {
    return undefined; // unreadable on the way: the caller's open fails with its own error
  }
  if ('why' in found) return found;
  const { st } = found;
  if (!st?.isDirectory()) return undefined;
  if (st.uid !== euid) return otherUser(`it belongs to another user (uid ${st.uid})`);
  // Sticky or not: what others put in it, kjob would follow.
  if (writableByOthers(st)) return anyUser('it may be written by other users');
  return undefined;
}
