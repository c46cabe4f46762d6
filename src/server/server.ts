// `kjob serve`: the Kubernetes REST API over kjob's apiserver, for kubectl, k9s, client-go and
// @kubernetes/client-node. Routing follows the apiserver's URL layout
// (/api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]], /apis/GROUP/VERSION/...); errors are
// metav1.Status bodies with the apiserver's codes and messages, so clients print what they print
// against a cluster. Every request needs the bearer token the kubeconfig carries (401 otherwise).
import { serveScale } from './scale.js';
import type { DeleteOptions as WireDeleteOptions } from 'kubernetes-types/meta/v1.js';
import http from 'node:http';
import https from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import { asKind, type KObject } from '../api/types.js';
import { RESOURCES, type ResourceInfo } from '../api/resources.js';
import { StatusError } from '../errors.js';
import type { APIServer, PatchType, WatchEvent } from '../apiserver/interface.js';
import { AGGREGATED_V2, aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions, SUBRESOURCES, versionInfo } from './discovery.js';
import { openAPIDocument, openAPIIndex } from './openapi.js';
import { toServerTable, wantsTable, type IncludeObject } from './table.js';
import { checkContainerStarted, streamContainerLog } from '../kubelet/log_server.js';
import type { LogOptions } from '../kubelet/logs.js';
import { parseGoRFC3339 } from '../util/go.js';
import { deleteOptionsFromRequest } from './delete_options.js';
import { decodeProtobufBody } from './protobuf.js';

export interface ServerOptions {
  api: APIServer;
  /** The state directory (container log files). */
  home: string;
  token: string;
  /** The server's certificate and key (PEM); without them, plain HTTP (tests only: kubectl sends no token over HTTP). */
  tls?: { cert: string; key: string };
  /** "Now" for table ages: the state directory's clock. */
  now: () => Date;
  /** How often a watch looks for new changes. */
  watchPollMs?: number;
  /** How often a watch that asked for them gets a BOOKMARK. */
  bookmarkMs?: number;
  log?: (line: string) => void;
}

const STATUS_CODES: Record<string, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Expired: 410,
  UnsupportedMediaType: 415,
  Invalid: 422,
  InternalError: 500,
};

function statusBody(reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code: STATUS_CODES[reason] ?? 500 };
  if (details && Object.keys(details).length) body.details = details;
  return body;
}

function statusFromError(e: unknown, r?: ResourceInfo): Record<string, unknown> {
  if (e instanceof StatusError) {
    const d = e.details;
    const details: Record<string, unknown> = {};
    if (d.name !== undefined) details.name = d.name;
    if (d.unqualified) {
      // no resource named: no group or kind
    } else if (e.reason === 'Invalid' && d.kind) {
      // the object found invalid: the request's DeleteOptions rather than the resource
      if (d.group) details.group = d.group;
      details.kind = d.kind;
    } else if (r) {
      if (r.group) details.group = r.group;
      details.kind = e.reason === 'Invalid' ? r.kind : r.resource;
    }
    if (d.causes?.length) details.causes = d.causes.map((c) => ({ reason: c.type ?? 'FieldValueInvalid', message: c.message, field: c.field }));
    return statusBody(e.reason, e.message, details);
  }
  return statusBody('InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
}

interface Route {
  resource: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const resourceIn = (group: string, version: string, resource: string) => RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);

/** The apiserver's URL layout for resources; undefined when the path names no resource kjob serves. */
export function parseResourcePath(pathname: string): Route | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.*)$/.exec(pathname);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3];
  const parts = m[4].split('/').filter(Boolean).map(decodeURIComponent);
  // /namespaces/NS/RESOURCE[/NAME[/SUB]]
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    const r = resourceIn(group, version, parts[2]);
    if (r?.namespaced && parts.length <= 5) return { resource: r, namespace: parts[1], name: parts[3], subresource: parts[4] };
  }
  const r = resourceIn(group, version, parts[0]);
  if (r && parts.length <= 3) return { resource: r, name: parts[1], subresource: parts[2] };
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return readBodyBuffer(req).then((b) => b.toString('utf8'));
}

function readBodyBuffer(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // The apiserver's request body limit (3 MiB for most requests).
      if (size > 3 * 1024 * 1024) {
        reject(new StatusError('BadRequest', 'the request body is too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A create or update body: JSON, or Kubernetes protobuf, which kubectl's typed clients send
 * (`kubectl create job --from`, `create configmap`, ...). CBOR is not read.
 */
async function readObjectBody(req: http.IncomingMessage, what: string): Promise<unknown> {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (ct === 'application/vnd.kubernetes.protobuf') {
    const buf = await readBodyBuffer(req);
    try {
      return decodeProtobufBody(buf);
    } catch (e) {
      throw new StatusError('BadRequest', `the body of the request could not be decoded as protobuf: ${(e as Error).message}`);
    }
  }
  if (ct.includes('cbor')) {
    throw new StatusError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
  return parseJSONBody((await readBodyBuffer(req)).toString('utf8'), what);
}

function parseJSONBody(text: string, what: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StatusError('BadRequest', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${what}: ${(e as Error).message})`);
  }
}

function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0].trim();
  if (ct === 'application/json-patch+json') return 'json';
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  return undefined;
}

function tokenOK(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createServer(opts: ServerOptions): http.Server | https.Server {
  const api = opts.api;
  const pollMs = opts.watchPollMs ?? 50;
  const bookmarkMs = opts.bookmarkMs ?? 60_000;
  const log = opts.log ?? (() => undefined);

  const sendJSON = (res: http.ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' };
    // The apiserver's warning headers: `299 - "message"`; kubectl prints `Warning: message`.
    if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(code, headers);
    res.end(text);
  };
  const sendError = (res: http.ServerResponse, e: unknown, r?: ResourceInfo) => {
    const body = statusFromError(e, r);
    if (body.reason === 'InternalError') log(`internal error: ${(e as Error)?.stack ?? e}`);
    sendJSON(res, body.code as number, body);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kjob');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const accept = req.headers.accept;
    if (!tokenOK(req.headers.authorization, opts.token)) {
      return sendJSON(res, 401, statusBody('Unauthorized', 'Unauthorized'));
    }
    if (req.method === 'GET') {
      if (p === '/version') return sendJSON(res, 200, versionInfo());
      if (p === '/healthz' || p === '/livez' || p === '/readyz') return sendJSON(res, 200, 'ok', 'text/plain; charset=utf-8');
      if (p === '/api' || p === '/apis') {
        if (accept && accept.includes('as=APIGroupDiscoveryList') && accept.includes('v=v2;') ) {
          return sendJSON(res, 200, aggregatedDiscovery(p === '/api'), AGGREGATED_V2);
        }
        return sendJSON(res, 200, p === '/api' ? apiVersions() : apiGroupList());
      }
      const gv = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p);
      if (gv) {
        const list = apiResourceList(gv[2] ?? '', gv[1] ?? gv[3]);
        if (list) return sendJSON(res, 200, list);
      }
      if (p === '/openapi/v3') return sendJSON(res, 200, openAPIIndex());
      if (p.startsWith('/openapi/v3/')) {
        const doc = openAPIDocument(p.slice('/openapi/v3/'.length));
        if (doc) return sendJSON(res, 200, doc);
      }
    }
    // The kubelet's node lease (kube-node-lease/<node>), which kubectl describe node reads: derived
    // from the Node as kjob's describe derives it (held by the node, renewed at its heartbeat).
    const lease = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/kube-node-lease\/leases\/([^/]+)$/.exec(p);
    if (lease && req.method === 'GET') {
      const nodes = RESOURCES.find((x) => x.kind === 'Node')!;
      try {
        return sendJSON(res, 200, nodeLease(api.get(nodes, undefined, decodeURIComponent(lease[1]))));
      } catch (e) {
        return sendError(res, e instanceof StatusError && e.reason === 'NotFound' ? new StatusError('NotFound', `leases.coordination.k8s.io "${lease[1]}" not found`, { name: lease[1] }) : e);
      }
    }
    const route = parseResourcePath(p);
    if (!route) return sendJSON(res, 404, statusBody('NotFound', 'the server could not find the requested resource'));
    const r = route.resource;
    if (route.subresource && !SUBRESOURCES[r.resource]?.[route.subresource]) {
      return sendJSON(res, 404, statusBody('NotFound', 'the server could not find the requested resource'));
    }
    try {
      await handleResource(req, res, route, q, accept);
    } catch (e) {
      if (res.headersSent) {
        res.end();
        return;
      }
      sendError(res, e, r);
    }
  }

  async function handleResource(req: http.IncomingMessage, res: http.ServerResponse, route: Route, q: URLSearchParams, accept: string | undefined): Promise<void> {
    const r = route.resource;
    const ns = r.namespaced ? route.namespace : undefined;
    const dryRun = q.getAll('dryRun').includes('All');
    const fieldValidation = (q.get('fieldValidation') ?? 'Strict') as 'Strict' | 'Warn' | 'Ignore';
    const write = { dryRun, fieldValidation, fieldManager: q.get('fieldManager') ?? undefined };
    const include = (q.get('includeObject') ?? 'Metadata') as IncludeObject;
    const table = wantsTable(accept);
    const one = (o: KObject, code = 200, warnings: string[] = []) =>
      table ? sendJSON(res, code, toServerTable(r.kind, [o], opts.now(), o.metadata.resourceVersion ?? '', include), 'application/json;as=Table;v=v1;g=meta.k8s.io') : sendJSON(res, code, o, 'application/json', warnings);

    if (route.name && route.subresource === 'scale') {
      const body = req.method === 'GET' ? undefined : parseJSONBody(await readBody(req), req.method ?? '');
      return sendJSON(res, 200, serveScale(api, r, ns, route.name, req.method ?? 'GET', body, dryRun));
    }
    switch (req.method) {
      case 'GET': {
        if (route.name && route.subresource === 'log') return servePodLog(res, ns, route.name, q);
        if (route.name) return one(api.get(r, ns, route.name));
        const listOpts = { namespace: ns, labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined };
        if (q.get('watch') === 'true' || q.get('watch') === '1') return serveWatch(req, res, r, { ...listOpts, resourceVersion: q.get('resourceVersion') ?? undefined }, q, table, include);
        const list = api.list(r, listOpts);
        if (table) return sendJSON(res, 200, toServerTable(r.kind, list.items, opts.now(), list.resourceVersion, include), 'application/json;as=Table;v=v1;g=meta.k8s.io');
        return sendJSON(res, 200, {
          kind: `${r.kind}List`,
          apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
          metadata: { resourceVersion: list.resourceVersion },
          items: list.items.map((o) => withoutTypeMeta(o)),
        });
      }
      case 'POST': {
        if (route.name) throw new StatusError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
        const body = await readObjectBody(req, 'POST');
        const out = api.create(r, ns, body, write);
        return one(out.object, 201, out.warnings);
      }
      case 'PUT': {
        if (!route.name) throw new StatusError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
        const body = await readObjectBody(req, 'PUT');
        const out = route.subresource === 'status' ? api.updateStatus(r, ns, route.name, body, write) : route.subresource === 'ephemeralcontainers' ? api.updateEphemeralContainers(r, ns, route.name, body, write) : api.update(r, ns, route.name, body, write);
        return one(out.object, 200, out.warnings);
      }
      case 'PATCH': {
        if (!route.name) throw new StatusError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
        const ct = req.headers['content-type'];
        const type = patchTypeOf(ct);
        if (!type) {
          const what = (ct ?? '').split(';')[0];
          const body = statusBody('UnsupportedMediaType', what === 'application/apply-patch+yaml' ? 'kjob serve does not implement server-side apply: use client-side apply (kubectl apply without --server-side)' : `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
          return sendJSON(res, 415, body);
        }
        const patch = parseJSONBody(await readBody(req), 'PATCH');
        const out = api.patch(r, ns, route.name, type, patch, { ...write, subresource: route.subresource === 'status' || route.subresource === 'ephemeralcontainers' ? route.subresource : undefined });
        return one(out.object, 200, out.warnings);
      }
      case 'DELETE': {
        if (!route.name) throw new StatusError('MethodNotAllowed', `kjob serve does not implement deletecollection: delete the objects one by one`);
        const text = await readBody(req);
        const body = (text.trim() ? parseJSONBody(text, 'DELETE') : {}) as WireDeleteOptions;
        const out = api.delete(r, ns, route.name, deleteOptionsFromRequest(q, body, dryRun));
        return sendJSON(res, out.removed ? 200 : 202, out.object, 'application/json', out.warnings);
      }
      default:
        throw new StatusError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
  }

  function serveWatch(req: http.IncomingMessage, res: http.ServerResponse, r: ResourceInfo, listOpts: { namespace?: string; labelSelector?: string; fieldSelector?: string; resourceVersion?: string }, q: URLSearchParams, table: boolean, include: IncludeObject): void {
    const rv = listOpts.resourceVersion;
    // No resourceVersion, or "0": the current state first, as synthetic ADDED events.
    const initial = !rv || rv === '0' ? api.list(r, listOpts) : undefined;
    const watch = api.watch(r, { ...listOpts, resourceVersion: initial ? initial.resourceVersion : rv });
    res.writeHead(200, { 'Content-Type': table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // A watch client waits for the response headers before it reads events: send them now.
    res.flushHeaders();
    const emit = (type: string, object: unknown) => res.write(JSON.stringify({ type, object }) + '\n');
    const render = (e: WatchEvent) => (table ? toServerTable(r.kind, [e.object], opts.now(), e.object.metadata.resourceVersion ?? '', include) : e.object);
    for (const o of initial?.items ?? []) emit('ADDED', render({ type: 'ADDED', object: o }));
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const timeoutS = Number(q.get('timeoutSeconds') ?? 0);
    let lastBookmark = Date.now();
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      watch.close();
      if (!res.writableEnded) res.end();
    };
    const end = timeoutS > 0 ? Date.now() + timeoutS * 1000 : Infinity;
    const tick = () => {
      if (stopped) return;
      try {
        for (const e of watch.next()) emit(e.type, render(e));
        if (bookmarks && Date.now() - lastBookmark >= bookmarkMs) {
          lastBookmark = Date.now();
          emit('BOOKMARK', { kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: { resourceVersion: watch.resourceVersion() } });
        }
      } catch (e) {
        // A watch from a version the change log no longer holds ends with an ERROR event (410).
        emit('ERROR', statusFromError(e, r));
        return stop();
      }
      if (Date.now() >= end) return stop();
      watch.wait(pollMs, tick);
    };
    req.on('close', stop);
    res.on('close', stop);
    tick();
  }

  async function servePodLog(res: http.ServerResponse, ns: string | undefined, name: string, q: URLSearchParams): Promise<void> {
    const pods = RESOURCES.find((x) => x.kind === 'Pod')!;
    const pod = asKind('Pod', api.get(pods, ns, name));
    const containers = [...(pod.spec?.containers ?? [])].map((c) => c.name);
    let container = q.get('container') ?? undefined;
    if (!container) {
      if (containers.length !== 1) {
        throw new StatusError('BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
      }
      container = containers[0];
    }
    const num = (k: string) => (q.get(k) === null ? undefined : Number(q.get(k)));
    const sinceSeconds = num('sinceSeconds');
    const sinceTime = q.get('sinceTime');
    if (sinceSeconds !== undefined && sinceTime) throw new StatusError('BadRequest', 'at most one of `sinceTime` or `sinceSeconds` may be specified');
    let sinceMs: number | undefined;
    if (sinceSeconds !== undefined) sinceMs = Date.now() - sinceSeconds * 1000;
    if (sinceTime) sinceMs = parseGoRFC3339(sinceTime);
    const logOpts: LogOptions & { follow?: boolean; previous?: boolean } = {
      tail: num('tailLines') ?? -1,
      limitBytes: num('limitBytes') ?? -1,
      sinceMs,
      timestamps: q.get('timestamps') === 'true',
      follow: q.get('follow') === 'true',
      previous: q.get('previous') === 'true',
    };
    let started = false;
    const start = () => {
      if (!started) {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
      }
      started = true;
    };
    let closed = false;
    res.on('close', () => (closed = true));
    // A follower sees the stream open at once (its checks first: a container that has not started
    // is a 400, not an empty stream).
    if (logOpts.follow) {
      const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
      if (!all.includes(container)) throw new StatusError('BadRequest', `container ${container} is not valid for pod ${name}`);
      checkContainerStarted(pod, container, false);
      start();
    }
    const drain = () => new Promise<void>((resolve) => (res.writableNeedDrain && !closed ? res.once('drain', resolve) : resolve()));
    await streamContainerLog(
      opts.home,
      pod,
      container,
      logOpts,
      (chunk) => {
        start();
        if (!closed) res.write(chunk);
      },
      () => {
        if (closed) return undefined; // the client went away: stop following
        try {
          return api.get(pods, ns, name);
        } catch {
          return undefined;
        }
      },
      drain,
    );
    start();
    res.end();
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) sendError(res, e);
      else res.end();
    });
  };
  return opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : http.createServer(listener);
}

function nodeLease(stored: KObject): unknown {
  const node = asKind('Node', stored);
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const renew = ready?.lastHeartbeatTime ? ready.lastHeartbeatTime.replace(/Z$/, '.000000Z') : null;
  return {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: { name: node.metadata.name, namespace: 'kube-node-lease', creationTimestamp: node.metadata.creationTimestamp, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }] },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime: renew },
  };
}

/** List items carry no apiVersion/kind, as the apiserver serves them. */
function withoutTypeMeta(o: KObject): KObject {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest as KObject;
}
