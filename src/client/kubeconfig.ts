// kubectl's rules for finding a cluster (client-go clientcmd): --kubeconfig, else $KUBECONFIG (a
// list of files merged, the first file that sets a value wins), else ~/.kube/config; --context,
// else current-context; the namespace from -n, else the context's, else "default". Credentials:
// a bearer token (or token file), a client certificate and key, a CA, insecure-skip-tls-verify.
// exec plugins and auth providers are not run: kjob says so.
import fs from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

/** yaml, loaded only when a kubeconfig is read (every command builds a Context, few read one). */
const parse = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
import { UserError } from '../errors.js';

export interface ClusterConnection {
  server: string;
  namespace: string;
  /** The context used, and whether the namespace came from it. */
  context: string;
  token?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTLSVerify?: boolean;
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  value?: T;
}

/** One cluster, user or context entry as the kubeconfig file holds it: parsed YAML, narrowed where read. */
type Entry = Record<string, unknown>;

/** A kubeconfig value that should be a string; anything else counts as unset. */
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The entry a context names (by a string), if any. */
const lookup = (m: Map<string, Entry>, name: unknown): Entry | undefined => (typeof name === 'string' ? m.get(name) : undefined);

interface Config {
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext?: string;
  /** For resolving relative file paths: the file each entry came from. */
  origin: Map<object, string>;
}

/** Which kubeconfig files apply, in precedence order; undefined when none is asked for (local mode). */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (flag) return [flag];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean);
  return undefined;
}

function load(files: string[]): Config {
  const cfg: Config = { clusters: new Map(), users: new Map(), contexts: new Map(), origin: new Map() };
  let any = false;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      // A missing file in $KUBECONFIG is skipped, as clientcmd does; an explicit --kubeconfig must exist.
      if (files.length === 1) throw new UserError(`error: stat ${file}: no such file or directory`);
      continue;
    }
    any = true;
    let parsed: unknown;
    try {
      parsed = parse(text);
    } catch (e) {
      throw new UserError(`error: error loading config file "${file}": ${(e as Error).message.split('\n')[0]}`);
    }
    const doc: Entry = typeof parsed === 'object' && parsed !== null ? (parsed as Entry) : {};
    const add = (list: unknown, into: Map<string, Entry>, key: string) => {
      for (const item of Array.isArray(list) ? (list as (Named<unknown> | null)[]) : []) {
        if (!item?.name || into.has(item.name)) continue;
        const raw = item[key];
        const v: Entry = typeof raw === 'object' && raw !== null ? (raw as Entry) : {};
        into.set(item.name, v);
        cfg.origin.set(v, file);
      }
    };
    add(doc.clusters, cfg.clusters, 'cluster');
    add(doc.users, cfg.users, 'user');
    add(doc.contexts, cfg.contexts, 'context');
    if (cfg.currentContext === undefined && doc['current-context']) cfg.currentContext = String(doc['current-context']);
  }
  if (!any) throw new UserError('error: no configuration has been provided, try setting KUBERNETES_MASTER environment variable');
  return cfg;
}

function fileOrData(entry: Entry, fileKey: string, dataKey: string, origin: string | undefined): Buffer | undefined {
  if (entry[dataKey]) return Buffer.from(String(entry[dataKey]), 'base64');
  if (entry[fileKey]) {
    const f = path.resolve(origin ? path.dirname(origin) : process.cwd(), String(entry[fileKey]).replace(/^~(?=\/)/, homedir()));
    try {
      return fs.readFileSync(f);
    } catch {
      throw new UserError(`error: unable to read ${fileKey} ${f}: no such file or directory`);
    }
  }
  return undefined;
}

/** The cluster, credentials and namespace kubectl would use. */
export function resolveConnection(files: string[], opts: { context?: string; namespace?: string }): ClusterConnection {
  const cfg = load(files);
  const contextName = opts.context ?? cfg.currentContext;
  if (!contextName) throw new UserError('error: current-context is not set');
  const context = cfg.contexts.get(contextName);
  if (!context) throw new UserError(`error: context was not found for specified context: ${contextName}`);
  const cluster = lookup(cfg.clusters, context.cluster);
  if (!cluster) throw new UserError(`error: cluster has no server defined`);
  if (!cluster.server) throw new UserError('error: cluster has no server defined');
  const user = lookup(cfg.users, context.user) ?? {};
  if (user.exec || user['auth-provider']) {
    throw new UserError(`error: kjob does not run kubeconfig ${user.exec ? 'exec credential plugins' : 'auth providers'} (user "${context.user}"): use a token or a client certificate, or kubectl itself`);
  }
  let token: string | undefined = str(user.token);
  if (!token && user.tokenFile) token = fs.readFileSync(path.resolve(path.dirname(cfg.origin.get(user) ?? '.'), String(user.tokenFile)), 'utf8').trim();
  return {
    server: String(cluster.server).replace(/\/+$/, ''),
    namespace: opts.namespace ?? str(context.namespace) ?? 'default',
    context: contextName,
    token,
    ca: fileOrData(cluster, 'certificate-authority', 'certificate-authority-data', cfg.origin.get(cluster)),
    cert: fileOrData(user, 'client-certificate', 'client-certificate-data', cfg.origin.get(user)),
    key: fileOrData(user, 'client-key', 'client-key-data', cfg.origin.get(user)),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
