// client-go's event recorder (tools/record) with its EventCorrelator (events_cache.ts): a repeat
// of the same (involved object, type, reason, message, source, fieldPath) bumps count and
// lastTimestamp of the Event already written instead of writing a new one, similar Events are
// combined, and a source's Events about an object are rate-limited. A client-side helper: it
// reads and writes Events through the apiserver like any other client.
import type { KObject } from '../api/types.js';
import { rfc3339 } from '../api/types.js';
import { resourceForKind } from '../api/resources.js';
import type { Clock } from '../util/clock.js';
import { StatusError } from '../errors.js';
import { EventCorrelator, eventKey, type CorrelatedEvent } from './events_cache.js';
import { LRU } from '../util/lru.js';
import type { APIServer, LocalAPIServer } from '../apiserver/interface.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  host?: string;
}

/** record.EventRecorder */
export interface EventRecorder {
  event(involved: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

const EVENTS = resourceForKind('Event')!;

/** fields.EscapeValue */
const escapeField = (s: string) => s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');

/** How many involved objects' Events a recorder remembers (client-go's correlator keeps 4096 keys). */
const CACHED_OBJECTS = 1024;

/** An involved object's reference, taken when its Event is recorded. */
interface Reference {
  ns: string;
  name: string;
  uid: string;
  involvedObject: Record<string, unknown>;
}

/** What the recorder remembers of an Event it wrote (client-go's eventLog). */
interface Observed {
  name: string;
  count: number;
  firstTimestamp: string;
}

/**
 * The broadcaster's queue: client-go's recorders hand an Event to a goroutine that writes it once
 * the controller has moved on. While a queue holds (hold), the recorders sharing it keep the
 * Events recorded, each with the time it was recorded at, and write them once the work has
 * returned, in the order recorded. A write that fails otherwise than the apiserver refusing it
 * (dropped, as before) throws from hold after the work, and the Events after it are not written:
 * the caller's sync then fails as its work would have. Work that throws has its Events written
 * too, as the broadcaster sends them whatever the controller does next: what the work wrote before
 * it failed stays (the engine's syncs have no savepoint, as a controller's writes to an apiserver
 * each stand alone), and a pod bound without its Scheduled Event would never get one.
 */
export class EventQueue {
  private held?: (() => void)[];

  hold<T>(work: () => T): T {
    if (this.held) return work();
    const held: (() => void)[] = (this.held = []);
    let out: T;
    try {
      out = work();
    } catch (e) {
      this.held = undefined;
      for (const write of held) {
        try {
          write();
        } catch {
          // The work's failure is the one to report (a store that failed it fails these as well).
        }
      }
      throw e;
    } finally {
      this.held = undefined;
    }
    for (const write of held) write();
    return out;
  }

  /** Keeps write for the end of the work held; false when nothing holds (the caller writes now). */
  add(write: () => void): boolean {
    if (!this.held) return false;
    this.held.push(write);
    return true;
  }
}

export interface RecorderOptions {
  /** Events written at the end of the work this queue holds, not as they are recorded. */
  queue?: EventQueue;
  /**
   * client-go's EventCorrelator (events_cache.ts): similar Events combined, a source's Events
   * about one object rate-limited. On by default, as for every legacy recorder; off for the
   * scheduler, whose upstream recorder (events.k8s.io) has neither.
   */
  correlate?: boolean;
}

export class APIEventRecorder implements EventRecorder {
  /**
   * involvedObject.uid -> the Events of this source about it (event key -> what was written),
   * read from the apiserver once, then kept up to date with this recorder's own writes, as
   * client-go's correlator keeps its cache in memory: a pod's Scheduled, Pulling, Pulled, Created
   * and Started cost one list, not five. Only with an apiserver that tells its resourceVersion
   * without a list (Event names take it).
   */
  private readonly cache = new LRU<Map<string, Observed>>(CACHED_OBJECTS);
  private readonly correlator?: EventCorrelator;
  private readonly queue?: EventQueue;

  constructor(
    private readonly api: APIServer | LocalAPIServer,
    private readonly source: EventSource,
    private readonly clock: Clock,
    opts: RecorderOptions = {},
  ) {
    if (opts.correlate ?? true) this.correlator = new EventCorrelator();
    this.queue = opts.queue;
  }

  event(involved: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    const now = this.clock.now();
    const ref = this.reference(involved, fieldPath);
    if (!this.queue?.add(() => this.write(ref, type, reason, message, now))) this.write(ref, type, reason, message, now);
  }

  private write(ref: Reference, type: EventType, reason: string, message: string, now: Date): void {
    const api = this.api as Partial<LocalAPIServer>;
    try {
      // With nothing written between the lookup and the write when the apiserver offers it: the
      // name's sub-millisecond digits come from the resourceVersion the lookup saw. Inside the
      // engine's round, without a savepoint of its own: the five Events of each pod each copied the
      // pages they wrote into a statement journal.
      if (typeof api.readThenWrite === 'function') api.readThenWrite(() => this.record(ref, type, reason, message, now));
      else this.record(ref, type, reason, message, now);
    } catch (e) {
      // Recording is best effort, as client-go's broadcaster drops an Event the apiserver refuses
      // (its namespace is gone or terminating): the controller's work does not fail with it.
      if (!(e instanceof StatusError)) throw e;
    }
  }

  /** The involved object's reference (ref.GetReference), as it is when the Event is recorded. */
  private reference(involved: KObject, fieldPath?: string): Reference {
    const im = involved.metadata ?? {};
    return {
      ns: im.namespace || 'default',
      name: im.name ?? '',
      uid: String(im.uid ?? ''),
      involvedObject: {
        kind: involved.kind,
        ...(im.namespace ? { namespace: im.namespace } : {}),
        name: im.name,
        uid: im.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: im.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
    };
  }

  private record(ref: Reference, type: EventType, reason: string, message: string, now: Date): void {
    const ts = rfc3339(now);
    const { ns, uid, involvedObject } = ref;
    const { component, host } = this.source;
    const event = this.correlated(involvedObject, type, reason, message);
    // EventCorrelate: aggregate, observe (the count goes up even for an Event then dropped), filter.
    const aggregated = this.correlator?.aggregate(event, now.getTime()) ?? { message, key: eventKey(event), combined: false };
    const { observed, resourceVersion } = this.observedEvents(ns, uid, reason);
    let seen = observed.get(aggregated.key);
    if (seen) seen.count += 1;
    else observed.set(aggregated.key, (seen = { name: '', count: 1, firstTimestamp: ts }));
    if (this.correlator?.spam(event, now.getTime())) return;
    if (seen.count > 1 && seen.name) {
      try {
        this.api.patch(EVENTS, ns, seen.name, 'strategic', { count: seen.count, lastTimestamp: ts, message: aggregated.message });
        return;
      } catch (e) {
        // recordEvent: an Event deleted meanwhile (expired) is created again, with its count.
        if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
      }
    }
    const src: Record<string, string> = { component };
    if (host) src.host = host;
    const base = `${ref.name}.`;
    const rv = Number(resourceVersion) || 0;
    for (let attempt = 0; ; attempt++) {
      // client-go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()). The clock has milliseconds, so the
      // sub-millisecond digits come from the resourceVersion: Events recorded in the same
      // millisecond still get distinct names in the order they were recorded, and listing (by
      // name) gives kubectl's describers the recording order for equal timestamps.
      const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt((rv + 1 + attempt) % 1_000_000);
      // An Event written before and deleted since is written again under its name, as client-go's observation keeps it.
      const name = attempt === 0 && seen.name ? seen.name : base + nanos.toString(16).padStart(16, '0').slice(-16);
      const ev = {
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { name, namespace: ns },
        involvedObject,
        reason,
        message: aggregated.message,
        source: src,
        firstTimestamp: seen.firstTimestamp,
        lastTimestamp: ts,
        count: seen.count,
        type,
        eventTime: null,
        // The combined Event is a new one of the aggregator's, without the reporting fields.
        reportingComponent: aggregated.combined ? '' : component,
        reportingInstance: aggregated.combined ? '' : host ?? '',
      };
      try {
        this.api.create(EVENTS, ns, ev);
        seen.name = name;
        return;
      } catch (e) {
        if (!(e instanceof StatusError && e.reason === 'AlreadyExists') || attempt > 1000) throw e;
      }
    }
  }

  /** An Event of this recorder's source, as the correlator keys it: one about involvedObject (an Event's field of that name). */
  private correlated(involvedObject: Record<string, unknown>, type: string, reason: string, message: string): CorrelatedEvent {
    const io = involvedObject;
    const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
    return {
      component: this.source.component,
      host: this.source.host ?? '',
      involved: { kind: str(io.kind), namespace: str(io.namespace), name: str(io.name), uid: str(io.uid), apiVersion: str(io.apiVersion), fieldPath: str(io.fieldPath) },
      type,
      reason,
      message,
    };
  }

  /**
   * This source's Events about an object, by event key, and the resourceVersion they were read
   * at: from memory once listed (where the apiserver tells its resourceVersion without a list),
   * else listed. Combined Events are not found again by a list: like a restarted client-go
   * correlator, a new recorder combines afresh.
   */
  private observedEvents(ns: string, uid: string, reason: string): { observed: Map<string, Observed>; resourceVersion: string } {
    const api = this.api as Partial<LocalAPIServer>;
    const cacheKey = uid !== '' && api.currentResourceVersion ? `${ns}/${uid}` : undefined;
    const cached = cacheKey === undefined ? undefined : this.cache.get(cacheKey);
    if (cached) return { observed: cached, resourceVersion: api.currentResourceVersion!() };
    // In this process's apiserver, by the store's index of Events by the uid they are about,
    // without a list request's selector parsing, decoding and copies: a pod's first Event of each
    // recorder (the scheduler's, the kubelet's) about 15 µs sooner.
    const listed =
      cacheKey && api.listEventsAbout
        ? { items: api.listEventsAbout(ns, uid), resourceVersion: api.currentResourceVersion!() }
        : this.api.list(EVENTS, {
            namespace: ns,
            fieldSelector: cacheKey ? `involvedObject.uid=${escapeField(uid)}` : `involvedObject.uid=${escapeField(uid)},reason=${escapeField(reason)}`,
          });
    const observed = new Map<string, Observed>();
    const { component, host } = this.source;
    for (const e of listed.items) {
      const src = (e.source ?? {}) as Record<string, unknown>;
      if ((src.component ?? '') !== component || (src.host ?? '') !== (host ?? '')) continue;
      const k = eventKey(this.correlated((e.involvedObject ?? {}) as Record<string, unknown>, String(e.type ?? ''), String(e.reason ?? ''), String(e.message ?? '')));
      if (!observed.has(k)) observed.set(k, { name: e.metadata.name!, count: Number(e.count ?? 1) || 1, firstTimestamp: String(e.firstTimestamp ?? '') });
    }
    if (cacheKey) this.cache.set(cacheKey, observed);
    return { observed, resourceVersion: listed.resourceVersion };
  }
}
