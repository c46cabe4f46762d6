// A delaying work queue of keys (client-go workqueue.AddAfter semantics): a key waiting in the
// queue is held once, at the earliest time anyone asked for it.
export class DelayingQueue {
  private readonly due = new Map<string, number>();

  add(key: string, atMs: number): void {
    const cur = this.due.get(key);
    if (cur === undefined || atMs < cur) this.due.set(key, atMs);
  }

  /** Holds key for atMs, later or sooner than it was (what asked for the earlier time did not happen). */
  postpone(key: string, atMs: number): void {
    this.due.set(key, atMs);
  }

  /** Remove and return every key due at or before nowMs, earliest first. */
  popDue(nowMs: number): string[] {
    const ready = [...this.due.entries()].filter(([, t]) => t <= nowMs).sort((a, b) => a[1] - b[1]);
    for (const [k] of ready) this.due.delete(k);
    return ready.map(([k]) => k);
  }

  /** When the next key is due, or undefined when the queue is empty. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const t of this.due.values()) if (min === undefined || t < min) min = t;
    return min;
  }

  get size(): number {
    return this.due.size;
  }
}
