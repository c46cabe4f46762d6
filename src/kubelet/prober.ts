// The kubelet's prober (pkg/kubelet/prober): startup, readiness and liveness probes of running
// containers — exec (in the container's namespaces), httpGet and tcpSocket (to the pod's IP) —
// with initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold and failureThreshold.
// A probe runs asynchronously; its result is kept per container attempt (a restarted container
// starts over) and the pod is synced again when a result changes what the kubelet writes.
// Readiness drives the container's ready flag (and so READY and the Ready condition); a liveness
// or startup failure past its threshold asks the kubelet to kill the container, which its restart
// policy then restarts.
import { execFile, spawn } from 'node:child_process';
import * as net from 'node:net';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import { httpLibs } from '../util/http_libs.js';
import { attemptExecTarget, execArgv } from './exec.js';
import { MIN_GRACE_MS } from './status.js';

export type ProbeType = 'Startup' | 'Readiness' | 'Liveness';
type Result = 'success' | 'failure';
/** A probe's result, or undefined when it could not run (thrown away, as the prober's worker throws away a probe error). */
type Outcome = { result: Result; output: string } | undefined;

/** pkg/kubelet/prober: an exec probe's output is read up to 10 KiB. */
const EXEC_PROBE_MAX_OUTPUT = 10 * 1024;

/** A probe that could not run is tried again after this, at the latest (not a whole period later). */
const NOT_RUN_RETRY_MS = 1000;

interface Worker {
  result?: Result;
  successes: number;
  failures: number;
  nextAt: number;
  inflight: boolean;
}

interface ContainerProbes {
  workers: Partial<Record<ProbeType, Worker>>;
  started: boolean;
  kill?: { type: ProbeType; sentAt?: number };
}

export interface ProbeTarget {
  podKey: string;
  podIP: string;
  /** The network namespace the pod's address is reached from (kjob's pod network), or undefined on the host's network. */
  netns?: string;
  /** The container attempt's directory, for exec probes in a sandbox (exec.ts attemptExecTarget). */
  attemptDir?: string;
  sandboxed: boolean;
  env: Record<string, string>;
  /** The pod's termination grace period, for a kill the container ignores. */
  gracePeriodMs: number;
}

export interface ProbeEvents {
  /** An Unhealthy event: `Liveness probe failed: ...`. */
  unhealthy(type: ProbeType, output: string): void;
  /** A probe result the kubelet must look at (the pod is synced again). */
  changed(): void;
}

export interface ProbeStatus {
  ready: boolean;
  started: boolean;
  /** Run the sync again in this many ms (the next probe is due; during a kill, its SIGKILL). */
  nextMs?: number;
  /** A liveness or startup failure: the container must be killed. */
  kill?: ProbeType;
  /** The kill was asked for longer ago than the grace period (the probe's, else the pod's): SIGKILL it. */
  forceKill?: boolean;
}

const PROBE_FIELD: Record<ProbeType, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> = { Startup: 'startupProbe', Readiness: 'readinessProbe', Liveness: 'livenessProbe' };

export type ProbeRunner = (type: ProbeType, probe: Probe, container: Container, target: ProbeTarget) => Promise<Outcome>;

export class ProbeManager {
  private readonly containers = new Map<string, ContainerProbes>();

  constructor(private readonly run: ProbeRunner = runProbe) {}

  /**
   * The probes of one running container attempt (containerID), started at startedAt: what its
   * ready and started flags are now, starting the probes that are due.
   */
  status(containerID: string, container: Container, startedAt: number, now: number, target: ProbeTarget, events: ProbeEvents): ProbeStatus {
    let cp = this.containers.get(containerID);
    if (!cp) {
      cp = { workers: {}, started: !container.startupProbe };
      this.containers.set(containerID, cp);
    }
    const active: ProbeType[] = cp.started ? (['Readiness', 'Liveness'] as ProbeType[]).filter((t) => container[PROBE_FIELD[t]]) : ['Startup'];
    let nextMs: number | undefined;
    for (const type of active) {
      const probe = container[PROBE_FIELD[type]];
      if (!probe) continue;
      let w = cp.workers[type];
      if (!w) {
        w = { successes: 0, failures: 0, nextAt: (type === 'Startup' || !container.startupProbe ? startedAt : now) + (probe.initialDelaySeconds ?? 0) * 1000, inflight: false };
        cp.workers[type] = w;
      }
      if (!w.inflight && now >= w.nextAt && !cp.kill) {
        w.inflight = true;
        w.nextAt = now + (probe.periodSeconds ?? 10) * 1000;
        const worker = w;
        const entry = cp;
        this.run(type, probe, container, target).then(
          (outcome) => {
            if (outcome) return this.record(entry, worker, type, probe, outcome.result, outcome.output, events);
            worker.inflight = false;
            worker.nextAt = Math.min(worker.nextAt, now + NOT_RUN_RETRY_MS);
            events.changed(); // the sync that asks again
          },
          (e) => this.record(entry, worker, type, probe, 'failure', String((e as Error).message ?? e), events),
        );
      }
      if (!w.inflight) nextMs = Math.min(nextMs ?? Infinity, Math.max(0, w.nextAt - now));
    }
    const readiness = cp.workers.Readiness;
    const ready = cp.started && (!container.readinessProbe || readiness?.result === 'success');
    let forceKill = false;
    if (cp.kill) {
      // setTerminationGracePeriod: a liveness or startup kill takes the failed probe's own
      // terminationGracePeriodSeconds, when it has one, over the pod's.
      // killContainer then gives it at least 2 s (minimumGracePeriodInSeconds).
      const probeGrace = container[PROBE_FIELD[cp.kill.type]]?.terminationGracePeriodSeconds;
      const graceMs = Math.max(probeGrace != null ? probeGrace * 1000 : target.gracePeriodMs, MIN_GRACE_MS);
      // No probe runs while the kill is under way (the workers' due times are past): the next look
      // is the SIGKILL's, then the relist's, not at once. A container that ignored the SIGTERM had
      // the engine sync its pod without pause for the whole grace period.
      const deadline = cp.kill.sentAt === undefined ? undefined : cp.kill.sentAt + graceMs + 1;
      nextMs = deadline !== undefined && deadline > now ? deadline - now : undefined;
      forceKill = deadline !== undefined && now >= deadline;
    }
    return { ready, started: cp.started, nextMs, kill: cp.kill && cp.kill.sentAt === undefined ? cp.kill.type : undefined, forceKill };
  }

  /** The attempt is no longer running: its probes are done. */
  forget(containerID: string): void {
    this.containers.delete(containerID);
  }

  /** The kubelet has asked the container to stop (a liveness or startup kill). */
  killSent(containerID: string, now: number): void {
    const cp = this.containers.get(containerID);
    if (cp?.kill) cp.kill.sentAt = now;
  }

  private record(cp: ContainerProbes, w: Worker, type: ProbeType, probe: Probe, result: Result, output: string, events: ProbeEvents): void {
    w.inflight = false;
    const before = w.result;
    if (result === 'success') {
      w.failures = 0;
      w.successes++;
      if (w.successes >= (probe.successThreshold ?? 1)) w.result = 'success';
    } else {
      w.successes = 0;
      w.failures++;
      events.unhealthy(type, output);
      if (w.failures >= (probe.failureThreshold ?? 3)) w.result = 'failure';
    }
    if (type === 'Startup' && w.result === 'success' && !cp.started) cp.started = true;
    if ((type === 'Liveness' || type === 'Startup') && w.result === 'failure' && !cp.kill) cp.kill = { type };
    if (w.result !== before || cp.kill) events.changed();
  }
}

const timeoutMsOf = (probe: Probe) => (probe.timeoutSeconds ?? 1) * 1000;

/** The named or numbered port of a container. */
function resolvePort(port: unknown, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  const p = (container.ports ?? []).find((x) => x.name === port);
  return p?.containerPort;
}

/** Run one probe (prober.runProbe), with Go's wording of its failures. */
export async function runProbe(_type: ProbeType, probe: Probe, container: Container, target: ProbeTarget): Promise<Outcome> {
  const timeout = timeoutMsOf(probe);
  if (probe.exec) return execProbe(probe.exec.command ?? [], target, timeout, container.workingDir);
  if (probe.httpGet) {
    const h = probe.httpGet;
    const port = resolvePort(h.port, container);
    if (port === undefined) return { result: 'failure', output: `unable to find port "${h.port}" in container` };
    if (target.netns) return netnsProbe(target.netns, 'http', h.scheme === 'HTTPS' ? 'https' : 'http', h.host || target.podIP, port, h.path || '/', h.httpHeaders ?? [], timeout);
    return httpProbe(h.scheme === 'HTTPS' ? 'https' : 'http', h.host || target.podIP, port, h.path || '/', h.httpHeaders ?? [], timeout);
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, container);
    if (port === undefined) return { result: 'failure', output: `unable to find port "${probe.tcpSocket.port}" in container` };
    if (target.netns) return netnsProbe(target.netns, 'tcp', 'http', probe.tcpSocket.host || target.podIP, port, '/', [], timeout);
    return tcpProbe(probe.tcpSocket.host || target.podIP, port, timeout);
  }
  return { result: 'failure', output: 'kjob: grpc probes are not supported' };
}

function dialError(host: string, port: number, e: NodeJS.ErrnoException): string {
  const what = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.code === 'ETIMEDOUT' ? 'i/o timeout' : e.code === 'EHOSTUNREACH' ? 'connect: no route to host' : (e.message ?? String(e));
  return `dial tcp ${host}:${port}: ${what}`;
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<{ result: Result; output: string }> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ result: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ result: 'success', output: '' });
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      resolve({ result: 'failure', output: dialError(host, port, e as NodeJS.ErrnoException) });
    });
  });
}

export function httpProbe(scheme: 'http' | 'https', host: string, port: number, path: string, headers: { name: string; value: string }[], timeoutMs: number): Promise<{ result: Result; output: string }> {
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  return new Promise((resolve) => {
    const h: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const x of headers) h[x.name] = x.value;
    const mod = httpLibs()[scheme];
    const req = mod.get(url, { headers: h, timeout: timeoutMs, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 400) resolve({ result: 'success', output: '' });
      else resolve({ result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ result: 'failure', output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (e) => resolve({ result: 'failure', output: `Get "${url}": ${dialError(host, port, e as NodeJS.ErrnoException)}` }));
  });
}

// A pod's own address is reachable only from kjob's pod network (its bridge lives in a network
// namespace of the state directory, nothing is routed from the host), so there the kubelet's
// dial is made by a small perl program inside that namespace. It prints "ok", or the HTTP status,
// or the dial's errno text, which is worded here as Go's net package words it.
const NETNS_PROBE = `use strict; use IO::Socket::INET; use HTTP::Tiny;
my ($mode, $url, $host, $port, $t, @h) = @ARGV;
if ($mode eq 'tcp') { my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp', Timeout => $t); if ($s) { print "ok"; exit 0 } print $!; exit 1 }
my %hd = ('User-Agent' => 'kube-probe/1.32', 'Accept' => '*/*'); while (@h) { my $k = shift @h; $hd{$k} = shift @h }
my $r = HTTP::Tiny->new(timeout => $t, verify_SSL => 0)->get($url, { headers => \\%hd });
if ($r->{status} == 599) { my $c = $r->{content} // ''; $c =~ s/^.*?: //s; $c =~ s/\\s+$//; print "error $c"; exit 1 }
print "status $r->{status}"; exit 0`;

function errnoText(text: string): string {
  if (/refused/i.test(text)) return 'connect: connection refused';
  if (/timed out|timeout/i.test(text)) return 'i/o timeout';
  if (/no route/i.test(text)) return 'connect: no route to host';
  return text;
}

export function netnsProbe(netns: string, mode: 'tcp' | 'http', scheme: 'http' | 'https', host: string, port: number, path: string, headers: { name: string; value: string }[], timeoutMs: number): Promise<{ result: Result; output: string }> {
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  const secs = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const args = [`--net=${netns}`, '--', 'perl', '-e', NETNS_PROBE, mode, url, host, String(port), secs, ...headers.flatMap((x) => [x.name, x.value])];
  return new Promise((resolve) => {
    execFile('/usr/bin/nsenter', args, { timeout: timeoutMs + 2000, encoding: 'utf8' }, (err, stdout) => {
      const out = String(stdout ?? '').trim();
      if (mode === 'tcp') {
        if (out === 'ok') resolve({ result: 'success', output: '' });
        else resolve({ result: 'failure', output: `dial tcp ${host}:${port}: ${errnoText(out || (err?.message ?? 'failed'))}` });
        return;
      }
      const status = /^status (\d+)$/.exec(out);
      if (status) {
        const code = Number(status[1]);
        resolve(code >= 200 && code < 400 ? { result: 'success', output: '' } : { result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
      } else if (/^error /.test(out) && /timed out/i.test(out)) {
        resolve({ result: 'failure', output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
      } else {
        resolve({ result: 'failure', output: `Get "${url}": dial tcp ${host}:${port}: ${errnoText(out.replace(/^error /, '') || (err?.message ?? 'failed'))}` });
      }
    });
  });
}

/**
 * An exec probe (the CRI's ExecSync): the command in the container, as `kjob exec` runs one
 * (execArgv: its namespaces, network included, its cgroups, environment and capabilities), its
 * output the failure message. A manifest's command: in a sandboxed container it runs only inside
 * the sandbox, and not at all while there is none to enter (the container still being set up, or
 * ended), where it ran on the host, as kjob. A plain container's runs as the container does.
 */
export function execProbe(command: string[], target: ProbeTarget, timeoutMs: number, workingDir?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    if (command.length === 0) return resolve({ result: 'failure', output: 'no command specified' });
    let argv = command;
    if (target.sandboxed) {
      const inside = target.attemptDir === undefined ? undefined : attemptExecTarget(target.attemptDir, true);
      if (!inside) return resolve(undefined);
      argv = execArgv(inside, { command, workingDir });
    }
    // A process group of its own: at the timeout the command goes too, not only what entered the
    // container for it (the command, orphaned, was the container's PID 1's to reap, which it may not).
    const child = spawn(argv[0], argv.slice(1), { env: target.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    // The prober reads at most 10 KiB of a probe's output (maxReadLength).
    const read = (d: Buffer) => {
      if (out.length < EXEC_PROBE_MAX_OUTPUT) out = (out + d).slice(0, EXEC_PROBE_MAX_OUTPUT);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
      resolve({ result: 'failure', output: `command "${command.join(' ')}" timed out` });
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ result: 'failure', output: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { result: 'success', output: out } : { result: 'failure', output: out });
    });
  });
}
