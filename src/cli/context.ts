// What every command needs: the state directory, the namespace, the store, and the engine.
import { homedir } from 'node:os';
import path from 'node:path';
import type { Store } from '../store/store.js';
import { refuseUnsafeStateDir } from '../store/state_dir_safety.js';
import { openStore, releaseStore } from './shared_store.js';
import { registerStateDir } from '../kubelet/state_dirs.js';
import { LocalAPIServer } from '../apiserver/apiserver.js';
import { ensureEngine, ensureEngineRunning, sendToEngine } from '../engine/daemon.js';
import { hasPendingWork } from '../engine/work.js';
import { resourceForKind } from '../api/resources.js';
import { StateClock } from '../util/clock.js';
import { parseTimeScale } from '../util/timing.js';
import { NODE_NAME, registerNode } from '../kubelet/node.js';
import { ensureDefaultServiceAccount } from '../controllers/serviceaccount/serviceaccounts_controller.js';
import { UserError } from '../errors.js';
import { kubeconfigFiles, resolveConnection, type ClusterConnection, type ConnectionOverrides } from '../client/kubeconfig.js';
import { HTTPClient } from '../client/http.js';
import type { Client } from '../client/interface.js';
import { LocalClient } from './local_client.js';
import { withInfoGet } from './info_get.js';
import { klogInfo } from './klog.js';
import { requestTimeoutNs } from './global_flags.js';
import { versionInfo } from '../util/version.js';

export interface GlobalOptions {
  home?: string;
  namespace?: string;
  /** --kubeconfig: talk to that cluster instead of the state directory. */
  kubeconfig?: string;
  /** --context: the kubeconfig context to use. */
  context?: string;
  /** kubectl's other global flags (global_flags.ts): the cluster, the credentials, the client. */
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  username?: string;
  password?: string;
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  as?: string;
  asGroup?: string[];
  asUid?: string;
  requestTimeout?: string;
  matchServerVersion?: boolean;
  warningsAsErrors?: boolean;
  v?: string;
  vmodule?: string;
  logFlushFrequency?: string;
  cacheDir?: string;
  disableCompression?: boolean;
  /** Always this state directory, whatever $KUBECONFIG says (kjob serve). */
  local?: boolean;
}

export class Context {
  private readonly homeDir: string;
  private homeChecked = false;
  /** true when -n was given explicitly (kubectl's enforceNamespace) */
  readonly explicitNamespace: boolean;
  private storeInstance?: Store;
  private apiInstance?: LocalAPIServer;
  /** The state directory's clock (real, or simulated by `kjob clock set`); the store stamps with it. */
  readonly clock = new StateClock();
  /** The kubeconfig files to read (undefined: the default), when the command line asks for a cluster. */
  private readonly clusterFiles?: { files: string[] | undefined };
  private clusterInstance?: ClusterConnection;
  private clientInstance?: Client;
  private httpClient?: HTTPClient;

  /** klog's -v (validated by main's preAction): at 6 and up, a cluster's kubeconfig files and requests are logged. */
  private readonly verbosity: number;
  private requestTimeout?: bigint;

  /** log: where klog's lines go (the command's stderr). */
  constructor(
    private readonly opts: GlobalOptions,
    env: NodeJS.ProcessEnv = process.env,
    private readonly log: (line: string) => void = (line) => process.stderr.write(line),
  ) {
    // An empty $KJOB_HOME is unset, as shells' empty variables are to kubectl ($KUBECONFIG): not
    // the current directory, where path.resolve('') would put the state file.
    this.homeDir = path.resolve(opts.home ?? (env.KJOB_HOME || undefined) ?? path.join(homedir(), '.kjob'));
    this.explicitNamespace = opts.namespace !== undefined;
    // Cluster mode: --kubeconfig, or a flag that names a cluster (--context, --cluster, --user,
    // --server), or $KUBECONFIG unless a state directory was named (--home or $KJOB_HOME), which
    // keeps kjob local for people whose shell sets KUBECONFIG. The credentials' flags alone
    // (--token, --as, ...) leave kjob local, where there is no authentication to give them to.
    // The kubeconfig is read when a command first needs it (not by `version --client`, as kubectl).
    const files = opts.local ? undefined : kubeconfigFiles(opts.kubeconfig, opts.home || env.KJOB_HOME ? {} : env);
    const namesCluster = !opts.local && [opts.context, opts.cluster, opts.user, opts.server].some((v) => v !== undefined);
    if (files || namesCluster) this.clusterFiles = { files: files ?? kubeconfigFiles(undefined, env) };
    this.verbosity = Number(opts.v ?? 0) || 0;
    // Refused here, before anything is written, rather than by an engine started in the background.
    parseTimeScale(env.KJOB_TIME_SCALE);
  }

  /** In cluster mode: the cluster kubectl's rules pick from the kubeconfig; undefined: the state directory. */
  get cluster(): ClusterConnection | undefined {
    if (!this.clusterFiles || this.clusterInstance) return this.clusterInstance;
    this.clusterInstance = resolveConnection(this.clusterFiles.files, connectionOverrides(this.opts));
    for (const f of this.clusterInstance.loadedFiles) this.klog('loader.go:402', `Config loaded from file:  ${f}`);
    return this.clusterInstance;
  }

  /** The namespace of the request: -n, else the kubeconfig context's in cluster mode, else "default". */
  get namespace(): string {
    return this.opts.namespace ?? this.cluster?.namespace ?? 'default';
  }

  /**
   * The state directory, refused (store/state_dir_safety.ts) at the first use: before anything in
   * it is read or written, and only by the commands that use it (not `version --client`).
   */
  get home(): string {
    if (!this.homeChecked && !this.cluster) refuseUnsafeStateDir(this.homeDir);
    this.homeChecked = true;
    return this.homeDir;
  }

  /** A klog line of level 6 (kubectl's requests and config loading). */
  private klog(where: string, msg: string): void {
    if (this.verbosity >= 6) this.log(klogInfo(where, msg) + '\n');
  }

  /**
   * --request-timeout in ns, read as kubectl reads it: when a command first needs its client or
   * its store (not `version --client`).
   */
  private requestTimeoutNs(): bigint {
    return (this.requestTimeout ??= requestTimeoutNs(this.opts.requestTimeout));
  }

  /** --request-timeout in ms (0: none), for what reads the state directory without the client (a followed log). */
  get requestTimeoutMs(): number {
    const ns = this.requestTimeoutNs();
    return ns > 0n ? Number(ns / 1_000_000n) || 1 : 0;
  }

  /** The state file. Readers may use it; every write goes through `api`. */
  get store(): Store {
    if (!this.storeInstance) {
      this.requestTimeoutNs();
      this.storeInstance = openStore(this.home);
      registerStateDir(this.home);
      this.clock.load(this.storeInstance);
      this.apiInstance = new LocalAPIServer(this.storeInstance, { clock: this.clock });
      ensureBuiltinNamespaces(this.apiInstance);
      // A cluster always has its node: registered here too, so `get nodes` works before any engine ran.
      if (!this.storeInstance.get('Node', undefined, NODE_NAME)) registerNode(this.apiInstance, { home: this.home, now: this.clock.now() });
    }
    return this.storeInstance;
  }

  /** The apiserver over the state file: what every command writes (and reads) through. */
  get api(): LocalAPIServer {
    void this.store;
    return this.apiInstance!;
  }

  /**
   * What the verbs read and write through: this state directory's apiserver, or, in cluster mode,
   * the API server of the kubeconfig (a real cluster, or `kjob serve`).
   */
  get client(): Client {
    if (!this.clientInstance) {
      const timeoutNs = this.requestTimeoutNs();
      this.clientInstance = withInfoGet(
        this.cluster
          ? (this.httpClient = new HTTPClient(this.cluster, {
              timeoutNs,
              logRequest: (line) => this.klog('round_trippers.go:560', line),
              // The client's version is what kjob serves as a server: kjob matches a kjob of its own version.
              matchVersion: this.opts.matchServerVersion ? versionInfo() : undefined,
            }))
          : new LocalClient({ api: this.api, home: this.home, afterWrite: () => this.engine(), requestTimeoutMs: this.requestTimeoutMs }),
      );
    }
    return this.clientInstance;
  }

  /** Verbs about this machine's engine and state file refuse cluster mode with this. */
  requireLocal(verb: string): void {
    if (this.cluster) {
      throw new UserError(`error: kjob ${verb} works on a local state directory (--home, $KJOB_HOME); it has nothing to do with the cluster at ${this.cluster.server} (context "${this.cluster.context}")`);
    }
  }

  /** "Now" for ages and timestamps: the state directory's clock (the real time in cluster mode). */
  now(): Date {
    if (this.cluster) return new Date();
    void this.store; // loads the clock setting
    return this.clock.now();
  }

  /** No engine here: cluster mode, or KJOB_ENGINE=off (in-process tests of the CLI never start or wake one). */
  private get noEngine(): boolean {
    return Boolean(this.cluster) || process.env.KJOB_ENGINE === 'off';
  }

  /** Wake the engine, or start it when there is work for it. */
  async engine(): Promise<void> {
    if (this.noEngine) return;
    await ensureEngine(this.home, () => hasPendingWork(this.store));
  }

  /**
   * After `kjob clock` changed the clock: as engine(), and a running engine has taken the new
   * setting by the time this returns (asked over its socket: a wake's signal is not waited for).
   */
  async engineClockChanged(): Promise<void> {
    if (this.noEngine) return;
    await this.engine();
    await sendToEngine(this.home, 'clock');
  }

  /** For readers: start the engine when none runs and it has work; never wait for a running one. */
  engineIfStopped(): void {
    if (this.noEngine) return;
    ensureEngineRunning(this.home, () => hasPendingWork(this.store));
  }

  close(): void {
    if (this.storeInstance) releaseStore(this.storeInstance);
    this.httpClient?.close();
  }
}

/** clientcmd.ConfigOverrides from the global flags. */
function connectionOverrides(o: GlobalOptions): ConnectionOverrides {
  return {
    context: o.context,
    namespace: o.namespace,
    cluster: o.cluster,
    user: o.user,
    server: o.server,
    token: o.token,
    username: o.username,
    password: o.password,
    certificateAuthority: o.certificateAuthority,
    clientCertificate: o.clientCertificate,
    clientKey: o.clientKey,
    tlsServerName: o.tlsServerName,
    insecureSkipTLSVerify: o.insecureSkipTlsVerify,
    as: o.as,
    asGroups: o.asGroup,
    asUid: o.asUid,
  };
}

/** A new cluster has the default namespace, and in it the default ServiceAccount; kjob creates
 * them with the state file (and the account in state files from before ServiceAccounts). */
function ensureBuiltinNamespaces(api: LocalAPIServer): void {
  const store = api.store;
  if (!store.get('Namespace', undefined, 'default')) {
    try {
      api.create(resourceForKind('Namespace')!, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    } catch {
      /* created concurrently by another kjob */
    }
  }
  try {
    ensureDefaultServiceAccount(api, 'default');
  } catch {
    /* a read-only state file: the ServiceAccount admission plugin creates it when it can */
  }
}
