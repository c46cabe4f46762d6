// The engine's rounds of syncs: every key due at once, synced in one store transaction.
import { exponentialBackoffMs } from '../util/timing.js';

export interface RoundDeps {
  /** The store's write transaction (Store.transaction). */
  transaction<T>(fn: () => T): T;
  /** One key's sync; its own failures are its own (the engine logs and requeues them). */
  sync(key: string): void;
  /** Whether a command waits for the write lock (or for an answer): the round makes way. */
  commandWaits(): boolean;
  /** Puts a key back in the work queue, due at atMs (on now()'s clock) or sooner if it was asked for sooner. */
  requeue(key: string, atMs: number): void;
  /** Puts a key back in the work queue, due at atMs whatever time it was asked for. */
  postpone(key: string, atMs: number): void;
  now(): number;
  log(message: string): void;
}

/**
 * Syncs a round's keys in one store transaction: one commit for the round rather than one for
 * each Job's or pod's sync. A Job of 300 committed about three times a pod, and each commit
 * wrote the pages of the change log, of the objects and of their indexes anew. A command that
 * reads the state file sees the round's writes together, at its end, as a watch of an apiserver
 * sees a burst of a controller's writes.
 */
export class SyncRounds {
  /** Rounds in a row whose transaction did not commit. */
  private failures = 0;

  constructor(private readonly d: RoundDeps) {}

  /** Whether the round made way for a waiting command: the keys not synced yet are due again now. */
  run(keys: string[]): boolean {
    try {
      const madeWay = this.d.transaction(() => {
        for (let k = 0; k < keys.length; k++) {
          if (this.d.commandWaits()) {
            const now = this.d.now();
            for (const rest of keys.slice(k)) this.d.requeue(rest, now);
            return true;
          }
          this.d.sync(keys[k]);
        }
        return false;
      });
      this.failures = 0;
      return madeWay;
    } catch (e) {
      // Not committed: the write lock was not had in time, or SQLite rolled the transaction back
      // (an I/O error, a full disk). Nothing the round's syncs wrote is stored, nor the times they
      // asked to be synced again (a pod just bound asks for at most a second, and each failed round
      // undoes its binding: its containers would be started and killed every second). Each key is
      // synced again, later each time the round fails, as a rate-limited work queue retries.
      this.failures++;
      const retryMs = exponentialBackoffMs(this.failures, 1000, 300_000);
      this.d.log(`the syncs of ${keys.length} keys were not stored (${(e as Error).message ?? e}): again in ${retryMs / 1000}s`);
      const at = this.d.now() + retryMs;
      for (const k of keys) this.d.postpone(k, at);
      return false;
    }
  }
}
