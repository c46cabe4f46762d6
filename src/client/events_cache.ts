// client-go's EventCorrelator (tools/record/events_cache.go, v0.32): what a legacy event recorder
// does to an Event before it reaches the apiserver. Similar Events (the same source, object, type
// and reason, another message) are combined once ten of them came within ten minutes, and a
// source may write 25 Events of one type about one object, then one more every 5 minutes: the
// rest are dropped. So a Job of 300 pods shows nine "Created pod" Events, one "(combined from
// similar events)" Event with its count, and, on a real cluster as here, no Completed Event when
// it completes within minutes. The correlator lives in the recorder's memory, as in a
// controller-manager or kubelet process: a restarted engine combines and rate-limits afresh (its
// counts of Events already written are read back from the apiserver: record.ts).
import { LRU } from '../util/lru.js';

/** maxLruCacheEntries */
const LRU_ENTRIES = 4096;
/** defaultAggregateMaxEvents, defaultAggregateIntervalInSeconds */
export const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
/** defaultSpamBurst, defaultSpamQPS (a float32 upstream: a token takes a hair under 300 s), per millisecond here */
export const SPAM_BURST = 25;
const SPAM_TOKENS_PER_MS = Math.fround(1 / 300) / 1000;

/** EventAggregatorByReasonMessageFunc */
export const COMBINED_PREFIX = '(combined from similar events): ';

/** The fields of an Event the correlator's keys are made of. */
export interface CorrelatedEvent {
  component: string;
  host: string;
  involved: { kind: string; namespace: string; name: string; uid: string; apiVersion: string; fieldPath: string };
  type: string;
  reason: string;
  message: string;
}

const join = (parts: string[]) => parts.join('');
const involvedParts = (e: CorrelatedEvent) => [e.component, e.host, e.involved.kind, e.involved.namespace, e.involved.name, e.involved.uid, e.involved.apiVersion];

/** getEventKey: what makes two Events the same one (its count goes up). */
export function eventKey(e: CorrelatedEvent): string {
  const i = e.involved;
  return join([e.component, e.host, i.kind, i.namespace, i.name, i.fieldPath, i.uid, i.apiVersion, e.type, e.reason, e.message]);
}

/** EventAggregatorByReasonFunc's aggregate key (the legacy recorder's reporting controller and instance are the source's). */
function aggregateKey(e: CorrelatedEvent): string {
  return join([...involvedParts(e), e.type, e.reason, e.component, e.host]);
}

/** getSpamKey of v0.32: source, object and type. */
function spamKey(e: CorrelatedEvent): string {
  return join([...involvedParts(e), e.type]);
}

interface AggregateRecord {
  messages: Set<string>;
  lastMs: number;
}

interface TokenBucket {
  tokens: number;
  atMs: number;
}

export class EventCorrelator {
  private readonly aggregates = new LRU<AggregateRecord>(LRU_ENTRIES);
  private readonly buckets = new LRU<TokenBucket>(LRU_ENTRIES);

  /**
   * EventAggregate: the Event to record and the key it is counted under. From the tenth distinct
   * message of a similar kind within the interval, the Event is the combined one, counted under
   * the aggregate key (so each later one adds to its count).
   */
  aggregate(e: CorrelatedEvent, nowMs: number): { message: string; key: string; combined: boolean } {
    const key = aggregateKey(e);
    let record = this.aggregates.get(key);
    if (!record || nowMs - record.lastMs > AGGREGATE_INTERVAL_MS) record = { messages: new Set(), lastMs: 0 };
    record.messages.add(e.message);
    record.lastMs = nowMs;
    this.aggregates.set(key, record);
    if (record.messages.size < AGGREGATE_MAX_EVENTS) return { message: e.message, key: eventKey(e), combined: false };
    // sets.String.PopAny: the set never grows past the threshold.
    record.messages.delete(record.messages.values().next().value!);
    return { message: COMBINED_PREFIX + e.message, key, combined: true };
  }

  /**
   * EventSourceObjectSpamFilter.Filter: true when the Event is dropped. A token bucket per source,
   * object and type (golang.org/x/time/rate behind flowcontrol's TryAccept): full at first,
   * refilled at one token every 5 minutes, changed only by an Event it lets through (its tokens
   * and instant; an instant before the last, a clock set back, refills nothing). A count update
   * spends a token like a new Event.
   */
  spam(e: CorrelatedEvent, nowMs: number): boolean {
    const key = spamKey(e);
    const b = this.buckets.get(key) ?? { tokens: SPAM_BURST, atMs: nowMs };
    const tokens = Math.min(SPAM_BURST, b.tokens + Math.max(0, nowMs - b.atMs) * SPAM_TOKENS_PER_MS);
    const dropped = tokens < 1;
    if (!dropped) {
      b.tokens = tokens - 1;
      b.atMs = nowMs;
    }
    this.buckets.set(key, b);
    return dropped;
  }
}
