// client-go's event recorder (tools/record) with its EventCorrelator's aggregation: a repeat of
// the same (involved object, type, reason, message, source component, fieldPath) bumps count and
// lastTimestamp of the Event already written, instead of writing a new one. A client-side helper:
// it reads and writes Events through the apiserver like any other client.
import type { KObject } from '../api/types.js';
import { rfc3339 } from '../api/types.js';
import { resourceForKind } from '../api/resources.js';
import type { Clock } from '../util/clock.js';
import { StatusError } from '../errors.js';
import { tryGet } from './client.js';
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

/** The correlation key of an Event of this recorder's source (type, reason, message, fieldPath). */
const aggKey = (type: string, reason: string, message: string, fieldPath: string | undefined) => `${type}\0${reason}\0${message}\0${fieldPath ?? ''}`;

export class APIEventRecorder implements EventRecorder {
  /**
   * involvedObject.uid -> the Events of this source about it (correlation key -> namespace and
   * name), read from the apiserver once, then kept up to date with this recorder's own writes, as
   * client-go's correlator keeps its cache in memory: a pod's Scheduled, Pulling, Pulled, Created
   * and Started cost one list, not five. Only with an apiserver that tells its resourceVersion
   * without a list (Event names take it); an Event deleted meanwhile (expired) is written anew.
   */
  private readonly cache = new Map<string, Map<string, string>>();

  constructor(
    private readonly api: APIServer | LocalAPIServer,
    private readonly source: EventSource,
    private readonly clock: Clock,
  ) {}

  event(involved: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    const api = this.api as Partial<LocalAPIServer>;
    try {
      // In one transaction when the apiserver offers it: the name's sub-millisecond digits come
      // from the resourceVersion the lookup saw.
      if (typeof api.atomic === 'function') api.atomic(() => this.record(involved, type, reason, message, fieldPath));
      else this.record(involved, type, reason, message, fieldPath);
    } catch (e) {
      // Recording is best effort, as client-go's broadcaster drops an Event the apiserver refuses
      // (its namespace is gone or terminating): the controller's work does not fail with it.
      if (!(e instanceof StatusError)) throw e;
    }
  }

  private record(involved: KObject, type: EventType, reason: string, message: string, fieldPath?: string): void {
    const now = this.clock.now();
    const ts = rfc3339(now);
    const im = involved.metadata ?? {};
    const ns = im.namespace || 'default';
    const { component, host } = this.source;
    const uid = String(im.uid ?? '');
    const key = aggKey(type, reason, message, fieldPath);
    const api = this.api as Partial<LocalAPIServer>;
    // Cached by involved object only where the apiserver tells its resourceVersion without a list.
    const cacheKey = uid !== '' && api.currentResourceVersion ? `${ns}/${uid}` : undefined;
    let known = cacheKey === undefined ? undefined : this.cache.get(cacheKey);
    let resourceVersion: string;
    let same: KObject | undefined;
    if (known) {
      this.cache.delete(cacheKey!); // most recently used last
      this.cache.set(cacheKey!, known);
      const name = known.get(key);
      if (name !== undefined && !(same = tryGet(this.api, 'Event', ns, name))) known.delete(key);
      resourceVersion = api.currentResourceVersion!();
    } else {
      // The correlator's aggregation: the Event of the same object, type, reason, message, source and fieldPath.
      const listed = this.api.list(EVENTS, {
        namespace: ns,
        fieldSelector: cacheKey ? `involvedObject.uid=${escapeField(uid)}` : `involvedObject.uid=${escapeField(uid)},reason=${escapeField(reason)}`,
      });
      resourceVersion = listed.resourceVersion;
      const mine = new Map<string, KObject>();
      for (const e of listed.items) {
        const io = (e.involvedObject ?? {}) as Record<string, unknown>;
        const src = (e.source ?? {}) as Record<string, unknown>;
        if ((src.component ?? '') !== component) continue;
        const k = aggKey(String(e.type ?? ''), String(e.reason ?? ''), String(e.message ?? ''), (io.fieldPath as string | undefined) ?? '');
        if (!mine.has(k)) mine.set(k, e);
      }
      same = mine.get(key);
      if (cacheKey) {
        if (this.cache.size >= CACHED_OBJECTS) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(cacheKey, (known = new Map([...mine].map(([k, e]) => [k, e.metadata.name!]))));
      }
    }
    if (same) {
      const count = ((same.count as number | undefined) ?? 1) + 1;
      this.api.patch(EVENTS, ns, same.metadata.name!, 'strategic', { count, lastTimestamp: ts });
      return;
    }
    const involvedObject: Record<string, unknown> = {
      kind: involved.kind,
      ...(im.namespace ? { namespace: im.namespace } : {}),
      name: im.name,
      uid: im.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: im.resourceVersion,
      ...(fieldPath ? { fieldPath } : {}),
    };
    const src: Record<string, string> = { component };
    if (host) src.host = host;
    const base = `${im.name ?? ''}.`;
    const rv = Number(resourceVersion) || 0;
    for (let attempt = 0; ; attempt++) {
      // client-go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()). The clock has milliseconds, so the
      // sub-millisecond digits come from the resourceVersion: Events recorded in the same
      // millisecond still get distinct names in the order they were recorded, and listing (by
      // name) gives kubectl's describers the recording order for equal timestamps.
      const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt((rv + 1 + attempt) % 1_000_000);
      const name = base + nanos.toString(16).padStart(16, '0').slice(-16);
      const ev = {
        kind: 'Event',
        apiVersion: 'v1',
        metadata: { name, namespace: ns },
        involvedObject,
        reason,
        message,
        source: src,
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: host ?? '',
      };
      try {
        this.api.create(EVENTS, ns, ev);
        known?.set(key, name);
        return;
      } catch (e) {
        if (!(e instanceof StatusError && e.reason === 'AlreadyExists') || attempt > 1000) throw e;
      }
    }
  }
}
