// A Client over the Kubernetes REST API (client-go's REST client, the parts kjob's verbs use):
// JSON bodies, Status errors turned back into StatusError so kjob prints them as kubectl does,
// watches as newline-delimited JSON streams, pod logs as a byte stream.
import type https from 'node:https';
import type http from 'node:http';
import { httpLibs } from '../util/http_libs.js';
import type { KObject } from '../api/types.js';
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { ResourceInfo } from '../api/resources.js';
import { StatusError, UserError, type StatusReason } from '../errors.js';
import { PATCH_CONTENT_TYPES, type DeleteOptions, type DeleteResult, type ListOptions, type PatchType, type WatchEvent, type WriteOptions, type WriteResult } from '../apiserver/interface.js';
import { TIMEOUT_READING_BODY, type Client, type PodLogOptions, type WatchStream } from './interface.js';
import type { ClusterConnection } from './kubeconfig.js';
import { goDuration, goQuote } from '../util/go.js';

/** kubectl's global flags that shape each request (cli/global_flags.ts). */
export interface HTTPClientOptions {
  /** --request-timeout, in ns (0 or less: none): sent as `timeout`, and the request given up after it. */
  timeoutNs?: bigint;
  /** klog at -v 6 and up: a line for each request (what follows `round_trippers.go:560] `). */
  logRequest?: (line: string) => void;
  /** --match-server-version: the client's version.Info, which the server's must match before the first request. */
  matchVersion?: Record<string, string>;
}

/** client-go's errors for a request that --request-timeout cut: before the response's headers, and while its body was read. */
const TIMEOUT_AWAITING_HEADERS = 'Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)';

/** node's words for a server certificate no trusted authority signed: Go's x509.UnknownAuthorityError. */
const UNKNOWN_AUTHORITY = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);

/** The longest delay setTimeout takes (a signed 32-bit count of ms). */
const MAX_TIMER_MS = 2_147_483_647n;

/** The discovery client's own timeout when --request-timeout gives none (client-go's defaultTimeout). */
const DISCOVERY_TIMEOUT_NS = 32_000_000_000n;

const KNOWN_REASONS = new Set(['NotFound', 'AlreadyExists', 'Conflict', 'Invalid', 'BadRequest', 'Forbidden', 'MethodNotAllowed', 'Expired', 'UnsupportedMediaType']);

function collectionPath(r: ResourceInfo, namespace: string | undefined): string {
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.resource}` : `${prefix}/${r.resource}`;
}

function writeQuery(opts: WriteOptions | undefined, q = new URLSearchParams()): URLSearchParams {
  if (opts?.dryRun) q.set('dryRun', 'All');
  q.set('fieldManager', opts?.fieldManager ?? 'kjob');
  if (opts?.fieldValidation) q.set('fieldValidation', opts.fieldValidation);
  return q;
}

interface Response {
  code: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

export class HTTPClient implements Client {
  readonly remote = true;
  readonly location: string;
  private readonly agent: https.Agent | http.Agent;
  private versionMatched?: Promise<void>;

  constructor(
    private readonly conn: ClusterConnection,
    private readonly opts: HTTPClientOptions = {},
  ) {
    this.location = conn.server;
    const { http, https } = httpLibs();
    this.agent = conn.server.startsWith('https:')
      ? new https.Agent({ keepAlive: true, ca: conn.ca, cert: conn.cert, key: conn.key, rejectUnauthorized: !conn.insecureSkipTLSVerify, servername: conn.tlsServerName })
      : new http.Agent({ keepAlive: true });
  }

  /**
   * Its keep-alive connections closed: a command server (src/cli/command_server.ts) runs many
   * commands in one process, and each command's client would otherwise leave its sockets open.
   */
  close(): void {
    this.agent.destroy();
  }

  /** The headers of every request: the credentials, and the identity to act as. */
  private headers(): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = { Accept: 'application/json', 'User-Agent': 'kjob' };
    if (this.conn.token) headers.Authorization = `Bearer ${this.conn.token}`;
    else if (this.conn.username || this.conn.password) headers.Authorization = `Basic ${Buffer.from(`${this.conn.username ?? ''}:${this.conn.password ?? ''}`).toString('base64')}`;
    const as = this.conn.impersonate;
    if (as?.user) headers['Impersonate-User'] = as.user;
    if (as?.groups.length) headers['Impersonate-Group'] = as.groups;
    if (as?.uid) headers['Impersonate-Uid'] = as.uid;
    return headers;
  }

  /**
   * One request; the response body in full, or, with onData, streamed (resolves when it ends).
   * With a --request-timeout, the request is given up once it has run that long (Go's
   * http.Client.Timeout): a stream then ends as the server had ended it (watch), or fails (the rest).
   */
  private async request(method: string, pathname: string, body?: unknown, contentType = 'application/json', onData?: (chunk: Buffer) => void, onRequest?: (req: http.ClientRequest) => void, opts: { endStreamOnTimeout?: boolean; discovery?: boolean } = {}): Promise<Response> {
    // The discovery client's requests come before the check (it is one), with their own default timeout.
    if (this.opts.matchVersion && !opts.discovery) await (this.versionMatched ??= this.matchServerVersion(this.opts.matchVersion));
    const url = new URL(pathname, this.conn.server);
    if (url.search === '?') url.search = '';
    const timeoutNs = this.opts.timeoutNs !== undefined && this.opts.timeoutNs > 0n ? this.opts.timeoutNs : opts.discovery ? DISCOVERY_TIMEOUT_NS : 0n;
    if (timeoutNs > 0n) url.searchParams.set('timeout', goDuration(timeoutNs));
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = this.headers();
    if (payload) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(payload.length);
    }
    const lib = url.protocol === 'https:' ? httpLibs().https : httpLibs().http;
    const started = Date.now();
    let logged = false;
    const log = (status: string) => {
      if (logged) return;
      logged = true;
      this.opts.logRequest?.(`${method} ${url.href} ${status} in ${Date.now() - started} milliseconds`);
    };
    return new Promise((resolve, reject) => {
      let answered = false;
      let timer: NodeJS.Timeout | undefined;
      const req = lib.request(url, { method, headers, agent: this.agent as https.Agent }, (res) => {
        answered = true;
        log(`${res.statusCode} ${res.statusMessage ?? ''}`);
        const chunks: Buffer[] = [];
        const streaming = onData && res.statusCode! < 300;
        res.on('data', (c: Buffer) => (streaming ? onData!(c) : chunks.push(c)));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ code: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      // A timeout beyond what a timer can hold (about 24.8 days) is as good as none.
      if (timeoutNs > 0n && timeoutNs / 1_000_000n <= MAX_TIMER_MS) {
        timer = setTimeout(() => {
          if (!answered) {
            log('');
            reject(new UserError(TIMEOUT_AWAITING_HEADERS));
          } else if (opts.endStreamOnTimeout) resolve({ code: 200, body: Buffer.alloc(0), headers: {} });
          else reject(new UserError(TIMEOUT_READING_BODY));
          req.destroy();
        }, Number(timeoutNs / 1_000_000n));
      }
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (!answered) log('');
        if (UNKNOWN_AUTHORITY.has(e.code ?? '')) reject(new UserError('Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority'));
        else reject(new UserError(`The connection to the server ${url.host} was refused - did you specify the right host or port?${e.code && e.code !== 'ECONNREFUSED' ? ` (${e.message})` : ''}`));
      });
      onRequest?.(req);
      req.end(payload);
    });
  }

  /** discovery.MatchesServerVersion: the same gitVersion, gitCommit and gitTreeState, or kubectl's error naming both. */
  private async matchServerVersion(client: Record<string, string>): Promise<void> {
    const server = await this.versionOnce();
    if (['gitVersion', 'gitCommit', 'gitTreeState'].every((k) => (server[k] ?? '') === (client[k] ?? ''))) return;
    throw new UserError(`error: server version (&${goVersionInfo(server)}) differs from client version (${goVersionInfo(client)})`);
  }

  /** A non-2xx response as the StatusError it carries (kubectl prints those as `Error from server (...)`). */
  private check(res: Response): Response {
    if (res.code >= 200 && res.code < 300) return res;
    let status: Status | undefined;
    try {
      status = JSON.parse(res.body.toString('utf8')) as Status;
    } catch {
      /* not a Status */
    }
    if (res.code === 401) throw new UserError('error: You must be logged in to the server (Unauthorized)');
    if (status?.kind === 'Status') {
      const reason = KNOWN_REASONS.has(status.reason ?? '') ? (status.reason as StatusReason) : 'BadRequest';
      const d = status.details ?? {};
      throw new StatusError(reason, status.message ?? '', {
        name: d.name,
        kind: reason === 'Invalid' ? d.kind : undefined,
        group: d.group,
        causes: (d.causes ?? []).map((c) => ({ field: c.field ?? '', message: c.message ?? '', type: c.reason })),
      });
    }
    throw new UserError(`error: the server responded ${res.code}: ${res.body.toString('utf8').slice(0, 500)}`);
  }

  /** A 2xx response's body, which the server wrote as T (its JSON is taken as that type, unchecked). */
  private json<T>(res: Response): T {
    return JSON.parse(this.check(res).body.toString('utf8')) as T;
  }

  private warnings(res: Response): string[] {
    const h = res.headers.warning;
    const all = Array.isArray(h) ? h : h ? [h] : [];
    return all.map((w) => {
      const m = /^\d{3} \S+ "(.*)"/.exec(w);
      return m ? JSON.parse(`"${m[1]}"`) : w;
    });
  }

  async version(): Promise<Record<string, string>> {
    if (this.opts.matchVersion) await (this.versionMatched ??= this.matchServerVersion(this.opts.matchVersion));
    return this.versionOnce();
  }

  /** GET /version, as the discovery client asks it (its own 32 s timeout when no --request-timeout). */
  private async versionOnce(): Promise<Record<string, string>> {
    return this.json<Record<string, string>>(await this.request('GET', '/version', undefined, undefined, undefined, undefined, { discovery: true }));
  }

  async get(r: ResourceInfo, namespace: string | undefined, name: string): Promise<KObject> {
    return this.json<KObject>(await this.request('GET', `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`));
  }

  async list(r: ResourceInfo, opts: ListOptions = {}): Promise<{ items: KObject[]; resourceVersion: string }> {
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const doc = this.json<{ items?: Record<string, unknown>[]; metadata?: { resourceVersion?: string } }>(await this.request('GET', `${collectionPath(r, opts.namespace)}?${q}`));
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    // List items come without apiVersion/kind; kjob's printers want them, as kubectl's decoder adds them.
    const items = (doc.items ?? []).map((o) => ({ ...o, apiVersion: o.apiVersion ?? apiVersion, kind: o.kind ?? r.kind }) as KObject);
    return { items, resourceVersion: doc.metadata?.resourceVersion ?? '' };
  }

  async create(r: ResourceInfo, namespace: string | undefined, body: unknown, opts?: WriteOptions): Promise<WriteResult> {
    const res = this.check(await this.request('POST', `${collectionPath(r, namespace)}?${writeQuery(opts)}`, body));
    return { object: JSON.parse(res.body.toString('utf8')), warnings: this.warnings(res) };
  }

  async update(r: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts?: WriteOptions): Promise<WriteResult> {
    const res = this.check(await this.request('PUT', `${collectionPath(r, namespace)}/${encodeURIComponent(name)}?${writeQuery(opts)}`, body));
    return { object: JSON.parse(res.body.toString('utf8')), warnings: this.warnings(res) };
  }

  async patch(r: ResourceInfo, namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: 'status' | 'ephemeralcontainers' }): Promise<WriteResult> {
    const sub = opts?.subresource ? `/${opts.subresource}` : '';
    const res = this.check(await this.request('PATCH', `${collectionPath(r, namespace)}/${encodeURIComponent(name)}${sub}?${writeQuery(opts)}`, patch, PATCH_CONTENT_TYPES[type]));
    return { object: JSON.parse(res.body.toString('utf8')), warnings: this.warnings(res) };
  }

  async delete(r: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts.preconditions) body.preconditions = opts.preconditions;
    if (opts.dryRun) body.dryRun = ['All'];
    const res = this.check(await this.request('DELETE', `${collectionPath(r, namespace)}/${encodeURIComponent(name)}`, body));
    const object = JSON.parse(res.body.toString('utf8'));
    // 200 with the object: gone (or a Status of success); 202: marked for deletion.
    return { object, removed: res.code === 200, warnings: this.warnings(res) };
  }

  watch(r: ResourceInfo, opts: ListOptions & { resourceVersion?: string } = {}): WatchStream {
    const q = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true' });
    if (opts.resourceVersion) q.set('resourceVersion', opts.resourceVersion);
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: unknown;
    let request: http.ClientRequest | undefined;
    let partial = '';
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    this.request('GET', `${collectionPath(r, opts.namespace)}?${q}`, undefined, undefined, (chunk) => {
      partial += chunk.toString('utf8');
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).trim();
        partial = partial.slice(nl + 1);
        if (!line) continue;
        const ev = JSON.parse(line) as { type: string; object: Record<string, unknown> & Status };
        if (ev.type === 'ERROR') {
          const s = ev.object;
          failure = new StatusError(s.reason === 'Expired' || s.code === 410 ? 'Expired' : 'BadRequest', s.message ?? 'watch error');
          done = true;
        } else if (ev.type !== 'BOOKMARK') {
          queue.push({ type: ev.type as WatchEvent['type'], object: { apiVersion, kind: r.kind, ...ev.object } as KObject });
        }
        wake?.();
      }
    }, (req) => (request = req), { endStreamOnTimeout: true })
      .then((res) => {
        if (res.code >= 300) this.check(res);
      })
      .catch((e) => (failure = e))
      .finally(() => {
        done = true;
        wake?.();
      });
    return {
      close: () => {
        done = true;
        request?.destroy();
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queue.length) yield queue.shift()!;
          if (failure) throw failure;
          if (done) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    };
  }

  async podLogs(namespace: string, name: string, opts: PodLogOptions, write: (chunk: Buffer) => void): Promise<void> {
    const q = new URLSearchParams({ container: opts.container });
    if (opts.follow) q.set('follow', 'true');
    if (opts.previous) q.set('previous', 'true');
    if (opts.sinceSeconds !== undefined) q.set('sinceSeconds', String(opts.sinceSeconds));
    if (opts.sinceTime) q.set('sinceTime', opts.sinceTime);
    if (opts.timestamps) q.set('timestamps', 'true');
    if (opts.tailLines !== undefined && opts.tailLines >= 0) q.set('tailLines', String(opts.tailLines));
    if (opts.limitBytes) q.set('limitBytes', String(opts.limitBytes));
    const res = await this.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log?${q}`, undefined, undefined, write);
    this.check(res);
  }
}

/** Go's %#v of a version.Info (k8s.io/apimachinery/pkg/version), as kubectl's version mismatch prints it. */
function goVersionInfo(v: Record<string, string>): string {
  const fields = ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform'];
  return `version.Info{${fields.map((f) => `${f[0].toUpperCase()}${f.slice(1)}:${goQuote(v[f] ?? '')}`).join(', ')}}`;
}
