// The Client of this state directory: the apiserver in-process, the kubelet's log files read
// directly, and the engine woken after every write (as the apiserver's watchers would be).
import { asKind, type KObject } from '../api/types.js';
import type { TableViewRow } from '../api/table_view.js';
import type { ResourceInfo } from '../api/resources.js';
import type { APIServer, DeleteOptions, DeleteResult, ListOptions, PatchType, WatchEvent, WriteOptions, WriteResult } from '../apiserver/interface.js';
import { parseGoRFC3339 } from '../util/go.js';
import { streamContainerLog } from '../kubelet/log_server.js';
import { PODS, tryGet } from '../client/client.js';
import { UserError } from '../errors.js';
import { versionInfo } from '../util/version.js';
import { TIMEOUT_READING_BODY, type Client, type PodLogOptions, type WatchStream } from '../client/interface.js';

export interface LocalClientOptions {
  api: APIServer;
  home: string;
  /** Called after a write (not a dry run): wake the engine. A verb that writes through the client
   * need not wake it again (a second wake would look for the engine and its work again). */
  afterWrite?: () => Promise<void>;
  /**
   * --request-timeout in ms (0: none): a watch ends after it, as a cluster's does, and a followed
   * log fails after it, as client-go's body read does.
   */
  requestTimeoutMs?: number;
  /** How often a watch looks at the change log. */
  watchPollMs?: number;
}

export class LocalClient implements Client {
  readonly remote = false;
  readonly location: string;

  constructor(private readonly o: LocalClientOptions) {
    this.location = o.home;
  }

  private async wrote<T>(fn: () => T, opts?: WriteOptions): Promise<T> {
    const out = fn();
    if (!opts?.dryRun) await this.o.afterWrite?.();
    return out;
  }

  async version(): Promise<Record<string, string>> {
    return versionInfo();
  }

  async get(r: ResourceInfo, namespace: string | undefined, name: string): Promise<KObject> {
    return this.o.api.get(r, namespace, name);
  }

  async list(r: ResourceInfo, opts?: ListOptions): Promise<{ items: KObject[]; resourceVersion: string }> {
    return this.o.api.list(r, opts);
  }

  async listViews(r: ResourceInfo, opts: ListOptions & { withLabels?: boolean }, each: (row: TableViewRow) => void): Promise<{ resourceVersion: string } | undefined> {
    return this.o.api.listViews?.(r, opts, each);
  }

  create(r: ResourceInfo, namespace: string | undefined, body: unknown, opts?: WriteOptions): Promise<WriteResult> {
    return this.wrote(() => this.o.api.create(r, namespace, body, opts), opts);
  }

  update(r: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts?: WriteOptions): Promise<WriteResult> {
    return this.wrote(() => this.o.api.update(r, namespace, name, body, opts), opts);
  }

  patch(r: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' }): Promise<WriteResult> {
    return this.wrote(() => this.o.api.patch(r, namespace, name, type, patch, opts), opts);
  }

  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<DeleteResult> {
    return this.wrote(() => this.o.api.delete(r, namespace, name, opts), opts);
  }

  watch(r: ResourceInfo, opts?: ListOptions & { resourceVersion?: string }): WatchStream {
    const w = this.o.api.watch(r, opts);
    const pollMs = this.o.watchPollMs ?? 50;
    const deadline = this.o.requestTimeoutMs ? Date.now() + this.o.requestTimeoutMs : Infinity;
    let closed = false;
    return {
      close: () => {
        closed = true;
        w.close();
      },
      async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
        try {
          while (!closed && Date.now() < deadline) {
            yield* w.next();
            if (!closed) await new Promise<void>((resolve) => w.wait(Math.max(0, Math.min(pollMs, deadline - Date.now())), resolve));
          }
        } finally {
          if (!closed) w.close();
        }
      },
    };
  }

  async podLogs(namespace: string, name: string, opts: PodLogOptions, write: (chunk: Buffer) => void): Promise<void> {
    const pod = asKind('Pod', this.o.api.get(PODS, namespace, name));
    let sinceMs: number | undefined;
    if (opts.sinceSeconds !== undefined) sinceMs = Date.now() - opts.sinceSeconds * 1000;
    if (opts.sinceTime) sinceMs = Math.floor(parseGoRFC3339(opts.sinceTime) / 1000) * 1000;
    await streamContainerLog(
      this.o.home,
      pod,
      opts.container,
      { tail: opts.tailLines ?? -1, limitBytes: opts.limitBytes ?? -1, sinceMs, timestamps: !!opts.timestamps, follow: opts.follow, previous: opts.previous },
      write,
      () => tryGet(this.o.api, 'Pod', namespace, name),
      undefined,
      followWaitFor(this.o.requestTimeoutMs),
    );
  }
}

/**
 * A followed log's pause between reads (kubelet/logs.ts followLog's wait) for a request with
 * --request-timeout ms (0: none, the default pause): the stream fails with client-go's error once
 * that much time has passed since it began.
 */
export function followWaitFor(ms: number | undefined): (() => Promise<void>) | undefined {
  if (!ms) return undefined;
  const deadline = Date.now() + ms;
  return async () => {
    const left = deadline - Date.now();
    if (left <= 0) throw new UserError(TIMEOUT_READING_BODY);
    await new Promise((r) => setTimeout(r, Math.min(100, left)));
  };
}
