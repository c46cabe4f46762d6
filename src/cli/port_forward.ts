// `kjob port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT...`: kubectl's portforward.go. The object
// (a pod, or anything with a label selector: a Service, ReplicaSet, Deployment, Job) is resolved
// to one running pod as kubectl's AttachablePodForObject does; a Service's port is translated to
// the pod's container port; local listeners on --address (localhost: 127.0.0.1 and ::1) relay
// each connection into the pod's network namespace (the kubelet's dialPod) until SIGINT.
import * as net from 'node:net';
import type { KObject, PodObject, ServiceObject } from '../api/types.js';
import { asKind } from '../api/types.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { resolveResource, resourceForKind } from '../api/resources.js';
import { selectorFromLabelSelector } from '../api/labels.js';
import { isPodReady } from '../api/pod_util.js';
import { UserError } from '../errors.js';
import { dialPod } from '../kubelet/portforward.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface PortForwardOptions {
  address?: string[];
  /** ms to wait for a running pod (--pod-running-timeout, 1m) */
  podRunningTimeoutMs?: number;
  /** resolves when forwarding must stop (SIGINT); tests pass their own */
  until?: Promise<void>;
}

const USAGE = "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kjob port-forward -h' for help and examples";

interface PortPair { local: number; remote: number; remoteSpec: string }

function parsePorts(specs: string[]): { local: string; remote: string }[] {
  return specs.map((s) => {
    const parts = s.split(':');
    if (parts.length > 2) throw new UserError(`error: invalid port format '${s}'`);
    return parts.length === 2 ? { local: parts[0], remote: parts[1] } : { local: parts[0], remote: parts[0] };
  });
}

function validPort(s: string, what: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new UserError(`error: ${what} port ${s} must be within 1-65535 range`);
  return n;
}

/** kubectl's ActivePods, reversed: the most active first (ready, running, scheduled, older). */
function rank(p: PodObject): number[] {
  const phase = { Running: 2, Unknown: 1, Pending: 0 }[p.status?.phase as string] ?? -1;
  return [p.spec?.nodeName ? 1 : 0, phase, isPodReady(p) ? 1 : 0, -Date.parse(p.metadata.creationTimestamp ?? '')];
}

function selectorOf(obj: KObject): LabelSelector | undefined {
  // A Service's selector is a map; the workloads' a LabelSelector.
  if (obj.kind === 'Service') {
    const sel = asKind('Service', obj).spec?.selector;
    return sel ? { matchLabels: sel } : undefined;
  }
  return asKind(obj.kind as 'Deployment' | 'ReplicaSet' | 'Job', obj).spec?.selector;
}

async function podFor(ctx: Context, obj: KObject, timeoutMs: number): Promise<PodObject> {
  if (obj.kind === 'Pod') return asKind('Pod', obj);
  const ls = selectorOf(obj);
  if (!ls || (Object.keys(ls.matchLabels ?? {}).length === 0 && !(ls.matchExpressions ?? []).length)) {
    if (obj.kind === 'Service') throw new UserError(`error: cannot attach to *v1.Service: invalid service '${obj.metadata.name}': Service is defined without a selector`);
    throw new UserError(`error: cannot attach to *v1.${obj.kind}: selector for *v1.${obj.kind} not implemented`);
  }
  const selector = selectorFromLabelSelector(ls);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { items } = await ctx.client.list(resourceForKind('Pod')!, { namespace: obj.metadata.namespace });
    const pods = items.map((p) => asKind('Pod', p)).filter((p) => selector.matches(p.metadata.labels));
    if (pods.length) {
      pods.sort((a, b) => {
        const ra = rank(a), rb = rank(b);
        for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i];
        return 0;
      });
      return pods[0];
    }
    if (Date.now() >= end) throw new UserError(`error: timed out waiting for the condition`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A Service port (number or name) as the pod's container port (translateServicePortToTargetPort). */
function servicePortToContainer(svc: ServiceObject, pod: PodObject, remote: string): number {
  const byName = !/^\d+$/.test(remote);
  const sp = (svc.spec?.ports ?? []).find((p) => (byName ? p.name === remote : p.port === Number(remote)));
  if (!sp) throw new UserError(byName ? `error: Service ${svc.metadata.name} does not have a named port '${remote}'` : `error: Service ${svc.metadata.name} does not have a service port ${remote}`);
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(String(t))) return Number(t);
  return containerPort(pod, String(t));
}

function containerPort(pod: PodObject, name: string): number {
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  throw new UserError(`error: Pod '${pod.metadata.name}' does not have a named port '${name}'`);
}

export async function portForward(ctx: Context, args: string[], opts: PortForwardOptions, io: IO): Promise<number> {
  if (args.length < 2) throw new UserError(USAGE);
  ctx.requireLocal('port-forward');
  const [target, ...portSpecs] = args;
  const slash = target.indexOf('/');
  const r = slash < 0 ? resourceForKind('Pod')! : resolveResource(target.slice(0, slash));
  if (!r) throw new UserError(`error: the server doesn't have a resource type "${target.slice(0, slash)}"`);
  const name = slash < 0 ? target : target.slice(slash + 1);
  const obj = await ctx.client.get(r, r.namespaced ? ctx.namespace : undefined, name);
  const specs = parsePorts(portSpecs);
  const pod = await podFor(ctx, obj, opts.podRunningTimeoutMs ?? 60_000);
  const pairs: PortPair[] = specs.map((s) => {
    let remote: number;
    if (obj.kind === 'Service') remote = servicePortToContainer(asKind('Service', obj), pod, s.remote);
    else remote = /^\d+$/.test(s.remote) ? validPort(s.remote, 'Remote') : containerPort(pod, s.remote);
    const local = s.local === '' ? 0 : validPort(s.local, 'Local');
    return { local, remote, remoteSpec: s.remote };
  });
  if (pod.status?.phase !== 'Running') throw new UserError(`error: unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Pending'}`);

  const uid = pod.metadata.uid!;
  const addresses = (opts.address?.length ? opts.address : ['localhost']).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  const hosts = addresses.flatMap((a) => (a === 'localhost' ? ['127.0.0.1', '::1'] : [a]));
  const servers: net.Server[] = [];
  const conns = new Set<net.Socket>();
  for (const p of pairs) {
    let listening = 0;
    const errors: string[] = [];
    let local = p.local;
    for (const host of hosts) {
      const server = net.createServer((conn) => {
        io.out(`Handling connection for ${local}\n`);
        conns.add(conn);
        conn.on('close', () => conns.delete(conn));
        const up = dialPod(ctx.home, uid, p.remote);
        conn.pipe(up).pipe(conn);
        up.on('error', (e) => {
          io.err(`E0000 portforward.go:424] "Unhandled Error" err="an error occurred forwarding ${local} -> ${p.remote}: error forwarding port ${p.remote} to pod ${uid}: ${e.message}"\n`);
          conn.destroy();
        });
        conn.on('error', () => up.destroy());
      });
      const ok = await new Promise<boolean>((resolve) => {
        server.once('error', (e) => {
          errors.push(`unable to create listener: Error listen ${host.includes(':') ? 'tcp6' : 'tcp4'} ${host.includes(':') ? `[${host}]` : host}:${local}: ${(e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'bind: address already in use' : e.message}`);
          resolve(false);
        });
        server.listen(local, host, () => resolve(true));
      });
      if (!ok) continue;
      // ":80" takes a random local port, the same for every address.
      if (local === 0) local = (server.address() as net.AddressInfo).port;
      listening++;
      servers.push(server);
      io.out(`Forwarding from ${host.includes(':') ? `[${host}]` : host}:${local} -> ${p.remote}\n`);
    }
    if (!listening) {
      for (const s of servers) s.close();
      io.err(`Unable to listen on port ${p.local}: Listeners failed to create with the following errors: [${errors.join(' ')}]\n`);
      throw new UserError(`error: unable to listen on any of the requested ports: [${pairs.map((x) => `{${x.local} ${x.remote}}`).join(' ')}]`);
    }
  }
  const until = opts.until ?? new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await until;
  for (const s of servers) s.close();
  for (const c of conns) c.destroy();
  return 0;
}
