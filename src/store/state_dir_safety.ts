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
 * Refuses home (as named), changing nothing, when it is not this user's, or others may write it,
 * or a directory on the way to it is another user's or may be written by others (unless sticky,
 * where an entry of another user's on the way is refused), or a link on the way cannot be
 * followed as the kernel follows it. A home not made yet is checked up to the directory it will be
 * made in. Paths the kernel would refuse anyway (not a directory, unreadable) are left to the
 * caller's own error (Store.open's).
 */
export function refuseUnsafeStateDir(home: string): void {
  const euid = process.geteuid?.();
  if (euid === undefined) return;
  const unsafe = unsafeReason(path.resolve(home), euid);
  if (unsafe) {
    const own = 'give it a state directory of your own (--home, $KJOB_HOME)';
    const advice = unsafe.otherUser ? `run kjob as that user, or ${own}` : unsafe.chmod ? `make it writable by its owner only (chmod go-w ${JSON.stringify(unsafe.chmod)}), or ${own}` : own;
    throw new UserError(`error: cannot use state directory "${home}": ${unsafe.why}; ${advice}`);
  }
}

/** Why a path is unsafe: otherUser, another user owns something on the way; chmod, a directory of this user's that others may write. */
export interface Unsafe {
  why: string;
  otherUser?: boolean;
  chmod?: string;
}

/** Why the absolute path p is not this user's to use safely; undefined when it is. */
export function unsafeReason(p: string, euid: number): Unsafe | undefined {
  let links = 0;
  // Write access for others: by the mode's group and other bits (an ACL's entries show in the group
  // bits, as its mask): so a group of this user's own counts too, as sshd's StrictModes counts it.
  const writableByOthers = (st: fs.Stats) => (st.mode & 0o022) !== 0;
  const writable = (dir: string, st: fs.Stats, why: string): Unsafe => ({ why, chmod: st.uid === euid ? dir : undefined });
  // A directory whose entries only this user and root can change: owned by one of them, and
  // writable by nobody else, unless sticky (/tmp: an entry there is its owner's to change).
  const othersMayChange = (dir: string, st: fs.Stats): Unsafe | undefined => {
    if (st.uid !== euid && st.uid !== 0) return { why: `"${dir}" belongs to another user (uid ${st.uid}), who could replace what is in it`, otherUser: true };
    if ((st.mode & 0o1000) === 0 && writableByOthers(st)) return writable(dir, st, `"${dir}" may be written by other users, who could replace what is in it`);
    return undefined;
  };
  // Walks a path from "/" as the kernel resolves it: a link's target from the directory the link
  // is in, and ".." from where the walk has got to (the target of the links before it), never
  // from the text (path.resolve would take /link/.. to /, where the kernel goes to the parent of
  // the link's target). The state directory's stats, when it is there; nothing where the kernel
  // would stop (a component missing, or not a directory).
  const walk = (target: string): { st?: fs.Stats } | Unsafe => {
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
        return {}; // made by kjob, in a directory of ours
      }
      // In a sticky directory (/tmp) an entry is its owner's to remove and make again (the state
      // directory itself: refused below, as another user's).
      const last = i === parts.length - 1 && !st.isSymbolicLink();
      if (!last && (curSt.mode & 0o1000) !== 0 && st.uid !== euid && st.uid !== 0) return { why: `"${next}" belongs to another user (uid ${st.uid}), who could replace it`, otherUser: true };
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) return {}; // ELOOP
        // /proc's links (a process's root, cwd, fds) lead where their text does not say.
        if (next.startsWith('/proc/')) return { why: `"${next}" is a link of /proc's, which leads where its text does not say` };
        // Read as bytes: a name that is not UTF-8 would be looked up as another (U+FFFD).
        const raw = fs.readlinkSync(next, { encoding: 'buffer' });
        const to = raw.toString('utf8');
        if (!Buffer.from(to, 'utf8').equals(raw)) return { why: `"${next}" links to a name that is not UTF-8` };
        return walk([to.startsWith('/') ? to : `${cur}/${to}`, ...parts.slice(i + 1)].join('/'));
      }
      if (i < parts.length - 1 && !st.isDirectory()) return {}; // ENOTDIR
      cur = next;
      curSt = st;
    }
    return { st: curSt };
  };
  let found: ReturnType<typeof walk>;
  try {
    found = walk(p);
  } catch {
    return undefined; // unreadable on the way: the caller's open fails with its own error
  }
  if ('why' in found) return found;
  const { st } = found;
  if (!st?.isDirectory()) return undefined;
  if (st.uid !== euid) return { why: `it belongs to another user (uid ${st.uid})`, otherUser: true };
  // Sticky or not: what others put in it, kjob would follow.
  if (writableByOthers(st)) return writable(p, st, 'it may be written by other users');
  return undefined;
}
