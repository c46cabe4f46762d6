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
  /** --tls-server-name, or the cluster's tls-server-name: the name the server's certificate is checked for. */
  tlsServerName?: string;
  /** Basic authentication (--username, --password, or the user's). */
  username?: string;
  password?: string;
  /** Impersonation (--as, --as-group, --as-uid, or the user's as, as-groups, as-uid). */
  impersonate?: { user?: string; groups: string[]; uid?: string };
  /** The kubeconfig files read, in order (klog's "Config loaded from file" at -v 6). */
  loadedFiles: string[];
}

/** clientcmd.ConfigOverrides: kubectl's global flags over what the kubeconfig says. */
export interface ConnectionOverrides {
  context?: string;
  namespace?: string;
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  tlsServerName?: string;
  insecureSkipTLSVerify?: boolean;
  username?: string;
  password?: string;
  as?: string;
  asGroups?: string[];
  asUid?: string;
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
  /** The files read. */
  loaded: string[];
}

/** Which kubeconfig files apply, in precedence order; undefined when none is asked for (local mode). */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (flag) return [flag];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter(Boolean);
  return undefined;
}

/**
 * The kubeconfig files merged. files undefined: kubectl's default, ~/.kube/config, which may be
 * missing (then the flags alone say where the cluster is).
 */
function load(files: string[] | undefined): Config {
  const cfg: Config = { clusters: new Map(), users: new Map(), contexts: new Map(), origin: new Map(), loaded: [] };
  if (files === undefined) {
    const home = path.join(homedir(), '.kube', 'config');
    if (!fs.existsSync(home)) return cfg;
    files = [home];
  }
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
    cfg.loaded.push(file);
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

/** Where a certificate or key comes from: the kubeconfig's data, or a file (the kubeconfig's, resolved from its own directory, or a flag's). */
type Source = { data: Buffer } | { file: string } | undefined;

function sourceOf(entry: Entry, fileKey: string, dataKey: string, origin: string | undefined): Source {
  if (entry[dataKey]) return { data: Buffer.from(String(entry[dataKey]), 'base64') };
  if (entry[fileKey]) return { file: path.resolve(origin ? path.dirname(origin) : process.cwd(), String(entry[fileKey]).replace(/^~(?=\/)/, homedir())) };
  return undefined;
}

/** A path given on the command line: relative to the current directory, ~ for the home directory. */
function flagSource(file: string | undefined): Source {
  return file ? { file: path.resolve(file.replace(/^~(?=\/)/, homedir())) } : undefined;
}

/** Go's words for a failed os.Open (syscall.Errno's text). */
const ERRNO_TEXT: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory', ELOOP: 'too many levels of symbolic links' };

/**
 * The bytes of a source, or clientcmd's errors: its validation's for a file it cannot open
 * ("unable to read client-cert X for NAME due to open X: ..."), and the TLS loader's for one it
 * opened and cannot read (a directory).
 */
function readSource(src: Source, what: string, forName: string): Buffer | undefined {
  if (!src) return undefined;
  if ('data' in src) return src.data;
  try {
    return fs.readFileSync(src.file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EISDIR') throw new UserError(`error: read ${src.file}: is a directory`);
    throw new UserError(`error: unable to read ${what} ${src.file} for ${forName} due to open ${src.file}: ${ERRNO_TEXT[code] ?? (e as Error).message}`);
  }
}

/**
 * The cluster, credentials and namespace kubectl would use (clientcmd's DirectClientConfig): the
 * context from --context or current-context; its cluster and user, or --cluster's and --user's;
 * each flag of the cluster and the credentials over what they say, then clientcmd's checks of
 * what that makes (ConfirmUsable). files undefined: the default kubeconfig, which may be missing.
 */
export function resolveConnection(files: string[] | undefined, opts: ConnectionOverrides): ClusterConnection {
  const cfg = load(files);
  const contextName = opts.context ?? cfg.currentContext;
  const context = contextName ? cfg.contexts.get(contextName) : undefined;
  if (contextName && !context) throw new UserError(`Error in configuration: context was not found for specified context: ${contextName}`);
  const clusterName = opts.cluster ?? str(context?.cluster) ?? '';
  const userName = opts.user ?? str(context?.user) ?? '';
  if (!context && !opts.cluster && !opts.server) throw new UserError('error: current-context is not set');
  if (opts.user !== undefined && !cfg.users.has(opts.user)) throw new UserError(`error: auth info ${JSON.stringify(opts.user)} does not exist`);
  const cluster = lookup(cfg.clusters, clusterName) ?? {};
  const server = opts.server || str(cluster.server);
  if (!server) throw new UserError(clusterName ? `error: no server found for cluster ${JSON.stringify(clusterName)}` : 'error: cluster has no server defined');
  const user = lookup(cfg.users, userName) ?? {};

  // The cluster's TLS: --insecure-skip-tls-verify=true or --certificate-authority replaces both of
  // the kubeconfig's (a false one alone changes nothing: mergo keeps what is not set).
  const tlsOverride = opts.insecureSkipTLSVerify === true || Boolean(opts.certificateAuthority);
  const insecureSkipTLSVerify = tlsOverride ? opts.insecureSkipTLSVerify === true : cluster['insecure-skip-tls-verify'] === true;
  const caSource = tlsOverride ? flagSource(opts.certificateAuthority) : sourceOf(cluster, 'certificate-authority', 'certificate-authority-data', cfg.origin.get(cluster));

  // The user's credentials, each flag over the kubeconfig's field.
  const token = opts.token || str(user.token);
  const tokenFile = opts.token ? undefined : str(user.tokenFile);
  const username = opts.username || str(user.username);
  const password = opts.password || str(user.password);
  const certSource = opts.clientCertificate ? flagSource(opts.clientCertificate) : sourceOf(user, 'client-certificate', 'client-certificate-data', cfg.origin.get(user));
  const keySource = opts.clientKey ? flagSource(opts.clientKey) : sourceOf(user, 'client-key', 'client-key-data', cfg.origin.get(user));
  const groups = opts.asGroups?.length ? opts.asGroups : Array.isArray(user['as-groups']) ? user['as-groups'].filter((g): g is string => typeof g === 'string') : [];
  const as = opts.as || str(user.as);
  const asUid = opts.asUid || str(user['as-uid']);

  // ConfirmUsable: the cluster's checks, then the user's, each in clientcmd's words.
  const ca = readSource(caSource, 'certificate-authority', clusterName);
  const methods = [...(token || tokenFile ? ['token'] : []), ...(username || password ? ['basicAuth'] : [])];
  if (certSource && !keySource) throw new UserError(`error: client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method.`);
  const cert = certSource ? readSource(certSource, 'client-cert', userName) : undefined;
  const key = certSource ? readSource(keySource, 'client-key', userName) : undefined;
  if (methods.length > 1) throw new UserError(`error: more than one authentication method found for ${userName}; found [${methods.join(' ')}], only one is allowed`);
  if ((asUid || groups.length) && !as) throw new UserError(`error: requesting uid, groups or user-extra for ${userName} without impersonating a user`);
  if (!methods.length && !certSource && (user.exec || user['auth-provider'])) {
    throw new UserError(`error: kjob does not run kubeconfig ${user.exec ? 'exec credential plugins' : 'auth providers'} (user "${userName}"): use a token or a client certificate, or kubectl itself`);
  }

  const base = {
    server: serverURL(server),
    namespace: opts.namespace ?? str(context?.namespace) ?? 'default',
    context: contextName ?? '',
    loadedFiles: cfg.loaded,
  };
  // clientcmd gives the user's identity (credentials, impersonation) and the cluster's TLS only to
  // a server reached over TLS: nothing of them goes out in the clear.
  if (!base.server.startsWith('https:')) return base;
  return {
    ...base,
    token: token || (tokenFile ? fs.readFileSync(path.resolve(path.dirname(cfg.origin.get(user) ?? '.'), tokenFile), 'utf8').trim() : undefined),
    ca,
    cert,
    key,
    insecureSkipTLSVerify,
    tlsServerName: opts.tlsServerName || str(cluster['tls-server-name']),
    username,
    password,
    impersonate: as || asUid || groups.length ? { user: as, groups, uid: asUid } : undefined,
  };
}

/**
 * client-go's DefaultServerURL as clientcmd reaches it, before any TLS setting is merged: a server
 * without a scheme (`-s 127.0.0.1:6443`) is http.
 */
function serverURL(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`;
  return withScheme.replace(/\/+$/, '');
}
