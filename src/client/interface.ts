// What kjob's verbs talk to: the apiserver of this state directory, in-process (LocalClient), or
// any Kubernetes API server through a kubeconfig (HTTPClient: a real cluster, or `kjob serve`).
// The shape is the REST API's, as in src/apiserver/interface.ts, but asynchronous, with the two
// streams the verbs need: watches and pod logs.
import type { KObject } from '../api/types.js';
import type { TableViewRow } from '../api/table_view.js';
import type { ResourceInfo } from '../api/resources.js';
import type { DeleteOptions, DeleteResult, ListOptions, PatchType, WatchEvent, WriteOptions, WriteResult } from '../apiserver/interface.js';

/**
 * What a stream cut by --request-timeout while its body is read ends with, from either client (a
 * followed log): client-go's words.
 */
export const TIMEOUT_READING_BODY = 'error: context deadline exceeded (Client.Timeout or context cancellation while reading body)';

export interface PodLogOptions {
  container: string;
  follow?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  tailLines?: number;
  limitBytes?: number;
}

export interface WatchStream extends AsyncIterable<WatchEvent> {
  close(): void;
}

export interface Client {
  /** true when the objects live elsewhere (a kubeconfig's cluster): verbs about the local engine refuse. */
  readonly remote: boolean;
  /** Where the objects are, for messages: the state directory or the server URL. */
  readonly location: string;
  get(r: ResourceInfo, namespace: string | undefined, name: string): Promise<KObject>;
  list(r: ResourceInfo, opts?: ListOptions): Promise<{ items: KObject[]; resourceVersion: string }>;
  /** The objects' table views, one at a time, when the server keeps them (APIServer.listViews); undefined: use list. */
  listViews?(r: ResourceInfo, opts: ListOptions & { withLabels?: boolean }, each: (row: TableViewRow) => void): Promise<{ resourceVersion: string } | undefined>;
  create(r: ResourceInfo, namespace: string | undefined, body: unknown, opts?: WriteOptions): Promise<WriteResult>;
  update(r: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts?: WriteOptions): Promise<WriteResult>;
  patch(r: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' }): Promise<WriteResult>;
  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<DeleteResult>;
  watch(r: ResourceInfo, opts?: ListOptions & { resourceVersion?: string }): WatchStream;
  podLogs(namespace: string, name: string, opts: PodLogOptions, write: (chunk: Buffer) => void): Promise<void>;
  /** The server's /version. */
  version(): Promise<Record<string, string>>;
}
