// When a watch of a state directory looks at its change log again (the apiserver's StoreWatch.wait):
// as soon as another process commits a write (its notice, inotify on Linux), and at least every
// pollMs (the caller's), for file systems that send none.
//
// A writer's notice is a touch of one file, state.db-commits, once its transaction has committed
// (Store.noticeCommit): one notice a commit, sent when the commit is visible. The watches of an
// older kjob looked at each write to the state file's write-ahead log instead: a commit writes its
// pages one at a time, and each write woke every watch (about four wake-ups and looks a commit of
// the engine's; a `kjob wait` on a Job of 600 spent about 4% of a CPU on them), most of them
// before SQLite made the commit visible. Such a writer (an older kjob's engine or command) sends
// no commit notices: a watch whose polls find writes it had no notice of twice in a row listens
// to the log too (among a newer writer's notices, an older one's writes wait for the polls).
import fs from 'node:fs';
import path from 'node:path';

/** The file whose touch tells a state directory's watches that a write committed. */
export function commitNoticesPath(home: string): string {
  return path.join(home, 'state.db-commits');
}

/**
 * The notice file, opened for its touch (made 0600 when missing), never through a symbolic link.
 * The state directory is this user's (store.ts refuseOthersStateDir), so a link there is a
 * mistake rather than an attack; a touch that followed one would still change another file's times.
 */
export function openCommitNotices(home: string): number {
  return fs.openSync(commitNoticesPath(home), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600);
}

/**
 * How many times a watch that listens to the log looks again, soon, after a notice of a write it
 * did not see: the log's notice comes with a commit's first write, and SQLite makes the commit
 * visible a moment later, in the log's index, which sends none. Waiting for the poll instead
 * showed about one change in a hundred 50 ms late.
 */
const QUICK_LOOKS = 5;

/** Linux keeps a file's times with the kernel's coarse clock: up to a tick (4-10 ms) behind. */
const FILE_TIME_GRANULARITY_MS = 20;

/** fn after ms, on node's timers; the function cancels it. */
function afterMs(fn: () => void, ms: number): () => void {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
}

export class ChangeNotices {
  private sawNotice = false;
  private afterNotice = false;
  private quick = 0;
  /** The look now running was woken by the poll, not by a notice. */
  private byPoll = false;
  /** Writes found by polls in a row without a commit notice since the look before theirs. */
  private unnoticed = 0;
  /** When the last two looks began (Date.now()). */
  private lookAt?: number;
  private previousLookAt?: number;
  /** Cancels the quick look or the poll now due, if any. */
  private cancelTimer?: () => void;
  private pending?: () => void;
  private readonly commits?: fs.FSWatcher;
  /** The log's notices, once a write came without a commit notice. */
  private log?: fs.FSWatcher;

  /** now: Date.now, or a test's clock for when the looks began; later: the timers of the quick looks and the polls (a test's, to fire them). */
  constructor(
    private readonly home: string,
    private readonly now: () => number = Date.now,
    private readonly later: (fn: () => void, ms: number) => () => void = afterMs,
  ) {
    try {
      // Made here if no writer made it yet: a watch may begin before the first write.
      fs.closeSync(openCommitNotices(home));
    } catch {
      /* not writable: the polls (and the log's notices, once a poll finds a write) */
    }
    this.commits = this.listen(commitNoticesPath(home));
  }

  /** Whether a write's notice comes from the log's writes rather than from its commit. */
  listensToLog(): boolean {
    return this.log !== undefined;
  }

  /** As if a notice had come: the next look is due now. */
  notice(): void {
    this.sawNotice = true;
  }

  /** Call right before each look at the change log. */
  looking(): void {
    this.afterNotice = this.sawNotice;
    this.sawNotice = false;
    this.previousLookAt = this.lookAt;
    this.lookAt = this.now();
  }

  /**
   * Call after the look, with whether it found the log moved on: then at the next notice (or one
   * that came during the look), after 1, 2, 4, 8 and 16 ms when a notice of the log found nothing
   * yet, or after pollMs.
   */
  after(seen: boolean, pollMs: number, next: () => void): void {
    if (seen && this.byPoll && !this.log && !this.noticedSince(this.previousLookAt)) {
      // A write seen by a poll, with no commit notice since the look before: its writer sends none,
      // or it was between its commit and its notice (preempted there, it may stay a while). The
      // second such look in a row (no other look between them) is taken for a writer that sends none.
      if (++this.unnoticed >= 2) this.log = this.listen(path.join(this.home, 'state.db-wal'));
    } else this.unnoticed = 0;
    this.byPoll = false;
    if (seen) this.quick = 0;
    else if (this.afterNotice && this.log) this.quick = 1;
    else if (this.quick > 0) this.quick++; // still not visible: the next of the quick looks
    this.cancelTimer?.();
    this.pending = next;
    if (this.sawNotice) return void setImmediate(() => this.fire());
    if (this.quick > 0 && this.quick <= QUICK_LOOKS) this.cancelTimer = this.later(() => this.fire(), 2 ** (this.quick - 1));
    else {
      this.cancelTimer = this.later(() => {
        this.byPoll = true;
        this.fire();
      }, pollMs);
    }
  }

  /** No more looks: a pending one runs now (its caller sees it was closed). */
  close(): void {
    this.commits?.close();
    this.log?.close();
    this.fire();
  }

  /**
   * Whether a writer touched the notice file since ms (less the coarse clock's granularity of file
   * times, a few ms): its notice may not have been read yet when a poll finds its write.
   */
  private noticedSince(ms: number | undefined): boolean {
    if (ms === undefined) return true;
    try {
      return fs.statSync(commitNoticesPath(this.home)).ctimeMs >= ms - FILE_TIME_GRANULARITY_MS;
    } catch {
      return false;
    }
  }

  private listen(file: string): fs.FSWatcher | undefined {
    try {
      const w = fs.watch(file, { persistent: false }, () => {
        this.sawNotice = true;
        this.fire();
      });
      w.on('error', () => undefined);
      return w;
    } catch {
      return undefined; // no such file yet, or no inotify: the polls
    }
  }

  private fire(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const next = this.pending;
    this.pending = undefined;
    next?.();
  }
}
