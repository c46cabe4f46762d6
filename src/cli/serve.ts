// `kjob serve`: this state directory's objects through the Kubernetes API, so kubectl, k9s and
// client libraries work against kjob (src/server/). Loopback only unless --address says
// otherwise; a bearer token, kept in the state directory, in the kubeconfig it writes or prints.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { createServer } from '../server/server.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface ServeOptions {
  port?: string;
  address?: string;
  kubeconfig?: string;
}

/** The token of this state directory's API, made once (0600) so a kubeconfig keeps working across restarts. */
export function serveToken(home: string): string {
  const file = path.join(home, 'serve.token');
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return t;
  } catch {
    /* made below */
  }
  const t = randomBytes(32).toString('hex');
  fs.writeFileSync(file, t + '\n', { mode: 0o600 });
  return t;
}

/**
 * The server's TLS certificate and key, made once with openssl (self-signed, for 127.0.0.1, ::1,
 * localhost and the address served): kubectl only sends a bearer token over TLS, so the API is
 * HTTPS, and the kubeconfig trusts exactly this certificate.
 */
export function serveCertificate(home: string, address: string): { cert: string; key: string } {
  const dir = path.join(home, 'serve');
  const certFile = path.join(dir, 'tls.crt');
  const keyFile = path.join(dir, 'tls.key');
  const names = ['IP:127.0.0.1', 'IP:::1', 'DNS:localhost'];
  if (address && !['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(address)) names.push(/^[\d.]+$|:/.test(address) ? `IP:${address}` : `DNS:${address}`);
  try {
    const cert = fs.readFileSync(certFile, 'utf8');
    const x = new X509Certificate(cert);
    const san = x.subjectAltName ?? '';
    const covered = names.every((n) => san.includes(n.startsWith('IP:::1') ? 'IP Address:0:0:0:0:0:0:0:1' : n.replace(/^IP:/, 'IP Address:')));
    if (covered && Date.parse(x.validTo) > Date.now() + 86_400_000) return { cert, key: fs.readFileSync(keyFile, 'utf8') };
  } catch {
    /* made below */
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', '/CN=kjob',
    '-addext', `subjectAltName=${names.join(',')}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyCertSign',
    '-addext', 'extendedKeyUsage=serverAuth', '-keyout', keyFile, '-out', certFile], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new UserError(`error: kjob serve needs openssl to make its TLS certificate (kubectl sends a token only over TLS): ${r.error ? 'openssl is not installed (apt-get install openssl)' : r.stderr.trim()}`);
  }
  fs.chmodSync(keyFile, 0o600);
  return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
}

export function kubeconfigFor(server: string, token: string, namespace: string, ca: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kjob', cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    contexts: [{ name: 'kjob', context: { cluster: 'kjob', user: 'kjob', namespace } }],
    'current-context': 'kjob',
    users: [{ name: 'kjob', user: { token } }],
    preferences: {},
  });
}

export async function serve(ctx: Context, opts: ServeOptions, io: IO): Promise<number> {
  ctx.requireLocal('serve');
  const port = opts.port === undefined ? 8080 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`error: invalid port "${opts.port}": must be between 0 and 65535`);
  const address = opts.address ?? '127.0.0.1';
  const store = ctx.store;
  const token = serveToken(ctx.home);
  const tls = serveCertificate(ctx.home, address);
  const api = ctx.api;
  // Writes through the API wake the engine (or start it) as kjob's own verbs do.
  let waking = false;
  const wake = () => {
    if (waking) return;
    waking = true;
    setTimeout(() => {
      waking = false;
      ctx.engine().catch(() => undefined);
    }, 20);
  };
  const writer = new Proxy(api, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (['create', 'update', 'updateStatus', 'patch', 'delete'].includes(String(prop))) {
        return (...a: unknown[]) => {
          const out = (v as (...x: unknown[]) => unknown).apply(target, a);
          if (!(a[a.length - 1] as { dryRun?: boolean } | undefined)?.dryRun) wake();
          return out;
        };
      }
      return v.bind(target);
    },
  });
  const server = createServer({
    api: writer,
    home: ctx.home,
    token,
    tls,
    now: () => ctx.clock.load(store).now(),
    log: (line) => io.err(`kjob serve: ${line}\n`),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new UserError(`error: cannot listen on ${address}:${port}: the address is in use (choose another with --port)`) : e),
    );
    server.listen(port, address, () => resolve());
  });
  const bound = server.address() as { port: number };
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `https://${host}:${bound.port}`;
  const config = kubeconfigFor(url, token, ctx.namespace, tls.cert);
  if (opts.kubeconfig) {
    fs.writeFileSync(opts.kubeconfig, config, { mode: 0o600 });
    io.err(`kjob serve: the Kubernetes API of ${ctx.home} at ${url}; kubeconfig written to ${opts.kubeconfig}\n  KUBECONFIG=${opts.kubeconfig} kubectl get jobs\n`);
  } else {
    io.out(config);
    io.err(`kjob serve: the Kubernetes API of ${ctx.home} at ${url} (the kubeconfig above; --kubeconfig FILE writes it to a file)\n`);
  }
  if (address !== '127.0.0.1' && address !== '::1' && address !== 'localhost') {
    io.err(`kjob serve: warning: listening on ${address}: anyone who can reach it and has the token can run pods on this machine\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
