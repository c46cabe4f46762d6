// When a watch of a state directory looks at its change log again (the apiserver's StoreWatch.wait):
// as soon as another process commits a write (the notices of the state file's write-ahead log,
// inotify on Linux), and at least every pollMs (the caller's), for file systems that send none.
import fs from 'node:fs';
import path from 'node:path';

/**
 * How many times a watch looks again, soon, after a notice of a write it did not see: the notice
 * comes with a commit's first write to the log, and SQLite makes the commit visible a moment
 * later, in the log's index, which sends none. Waiting for the poll instead showed about one
 * change in a hundred 50 ms late.
 */
export const QUICK_LOOKS = 5;

export class ChangeNotices {
  private sawNotice = false;
  private afterNotice = false;
  private quick = 0;
  private timer?: NodeJS.Timeout;
  private pending?: () => void;
  private readonly watcher?: fs.FSWatcher;

  constructor(home: string) {
    try {
      this.watcher = fs.watch(path.join(home, 'state.db-wal'), { persistent: false }, () => {
        this.sawNotice = true;
        this.fire();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      /* no log yet, or no inotify: polling only */
    }
  }

  /** As if the log had sent a notice: the next look is due now. */
  notice(): void {
    this.sawNotice = true;
  }

  /** Call right before each look at the change log. */
  looking(): void {
    this.afterNotice = this.sawNotice;
    this.sawNotice = false;
  }

  /**
   * Call after the look, with whether it found the log moved on: then at the next notice (or one that came
   * during the look), after 1, 2, 4, 8 and 16 ms when a notice found nothing yet, or after pollMs.
   */
  after(seen: boolean, pollMs: number, next: () => void): void {
    if (seen) this.quick = 0;
    else if (this.afterNotice) this.quick = 1;
    else if (this.quick > 0) this.quick++; // still not visible: the next of the quick looks
    if (this.timer) clearTimeout(this.timer);
    this.pending = next;
    if (this.sawNotice) return void setImmediate(() => this.fire());
    this.timer = setTimeout(() => this.fire(), this.quick > 0 && this.quick <= QUICK_LOOKS ? 2 ** (this.quick - 1) : pollMs);
  }

  /** No more looks: a pending one runs now (its caller sees it was closed). */
  close(): void {
    this.watcher?.close();
    this.fire();
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.pending;
    this.pending = undefined;
    next?.();
  }
}
