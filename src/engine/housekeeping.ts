// What the apiserver does in the background to keep its storage bounded, on the engine's clock:
// Events expire an hour after they were last written (kube-apiserver --event-ttl=1h), looked at
// every ten minutes of that clock. A simulated clock (`kjob clock`) that runs a week in minutes
// expires them as that week goes by, not ten real minutes later. (The change log is compacted by
// the store itself: see CHANGE_LOG_KEEP.)
import type { Clock } from '../util/clock.js';

export const EVENT_TTL_SECONDS = 3600;
export const EVENT_PRUNE_EVERY_MS = 600_000;

export class EventExpiry {
  private last?: number;

  constructor(
    private readonly api: { expireEvents(ttlSeconds: number): number },
    private readonly clock: Clock,
  ) {}

  /** Expires old Events when due (at once the first time); returns how many were deleted. */
  tick(): number {
    const now = this.clock.now().getTime();
    if (this.last !== undefined && now - this.last < EVENT_PRUNE_EVERY_MS && now >= this.last) return 0;
    this.last = now;
    return this.api.expireEvents(EVENT_TTL_SECONDS);
  }
}
