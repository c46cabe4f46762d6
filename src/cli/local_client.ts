// The Client of this state directory: the apiserver in-process, the kubelet's log files read
// directly, and the engine woken after every write (as the apiserver's watchers would be).
import fs from 'node:fs';
import path from 'node:path';
import { asKind, type KObject } from '../api/types.js';
import type { TableViewRow } from '../api/table_view.js';
import type { ResourceInfo } from '../api/resources.js';
import type { APIServer, DeleteOptions, DeleteResult, ListOptions, PatchType, WatchEvent, WriteOptions, WriteResult } from '../apiserver/interface.js';
import { parseGoRFC3339 } from '../util/go.js';
import { streamContainerLog } from '../kubelet/log_server.js';
import { PODS, tryGet } from '../client/client.js';
import { versionInfo } from '../util/version.js';
import type { Client, PodLogOptions, WatchStream } from '../client/interface.js';

export interface LocalClientOptions {
  api: APIServer;
  home: string;
  /** Called after a write (not a dry run): wake the engine. */
  afterWrite?: () => Promise<void>;
  /** How often a watch looks at the change log. */
  watchPollMs?: number;
}

/** How many times a watch looks again, soon, after a notice of a write that it did not see yet. */
const QUICK_LOOKS = 5;

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
    const poll = this.o.watchPollMs ?? 50;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    // Every write is a commit to the state file's write-ahead log: watching that file wakes the
    // watch at once (the poll remains, for file systems without notifications).
    let noticed = false;
    let notify: fs.FSWatcher | undefined;
    try {
      notify = fs.watch(path.join(this.o.home, 'state.db-wal'), { persistent: false }, () => {
        noticed = true;
        wake?.();
      });
      notify.on('error', () => undefined);
    } catch {
      /* no WAL yet, or no inotify: polling only */
    }
    return {
      close: () => {
        closed = true;
        if (timer) clearTimeout(timer);
        notify?.close();
        w.close();
        wake?.();
      },
      async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
        let quick = 0;
        while (!closed) {
          const afterNotice = noticed;
          noticed = false;
          let seen = false;
          for (const e of w.next()) {
            seen = true;
            yield e;
          }
          // The notice comes with the commit's first write to the log; SQLite makes the commit
          // visible a moment later (in the log's index, which sends none). A notice that found
          // nothing is looked at again after 1, 2, 4, 8 and 16 ms: waiting for the poll instead
          // was one change in a hundred shown 50 ms late.
          quick = afterNotice && !seen ? quick + 1 : 0;
          if (closed || noticed) continue; // noticed while the changes were read: read again
          const delay = quick > 0 && quick <= QUICK_LOOKS ? 2 ** (quick - 1) : poll;
          await new Promise<void>((resolve) => {
            wake = () => {
              if (timer) clearTimeout(timer);
              wake = undefined;
              resolve();
            };
            timer = setTimeout(wake, delay);
          });
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
    );
  }
}
