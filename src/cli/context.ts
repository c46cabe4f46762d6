// What every command needs: the state directory, the namespace, the store, and the engine.
import os from 'node:os';
import path from 'node:path';
import { Store } from '../store/store.js';
import { ensureEngine } from '../engine/daemon.js';
import { hasPendingWork } from '../engine/work.js';
import { rfc3339 } from '../api/types.js';
import { defaultObject } from '../api/defaults.js';
import { resourceForKind } from '../api/resources.js';
import { randomUUID } from 'node:crypto';
import { StateClock } from '../util/clock.js';
import { parseTimeScale } from '../engine/timing.js';
import { NODE_NAME, registerNode } from '../kubelet/node.js';
import { ensureDefaultServiceAccount } from '../controllers/serviceaccount/serviceaccounts_controller.js';

export interface GlobalOptions {
  home?: string;
  namespace?: string;
}

export class Context {
  readonly home: string;
  readonly namespace: string;
  /** true when -n was given explicitly (kubectl's enforceNamespace) */
  readonly explicitNamespace: boolean;
  private storeInstance?: Store;
  /** The state directory's clock (real, or simulated by `kjob clock set`); the store stamps with it. */
  readonly clock = new StateClock();

  constructor(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
    this.home = path.resolve(opts.home ?? env.KJOB_HOME ?? path.join(os.homedir(), '.kjob'));
    this.explicitNamespace = opts.namespace !== undefined;
    this.namespace = opts.namespace ?? 'default';
    // Refused here, before anything is written, rather than by an engine started in the background.
    parseTimeScale(env.KJOB_TIME_SCALE);
  }

  get store(): Store {
    if (!this.storeInstance) {
      this.storeInstance = Store.open(this.home, { clock: this.clock });
      this.clock.load(this.storeInstance);
      ensureBuiltinNamespaces(this.storeInstance);
      // A cluster always has its node: registered here too, so `get nodes` works before any engine ran.
      if (!this.storeInstance.get('Node', undefined, NODE_NAME)) registerNode(this.storeInstance, { home: this.home, now: this.clock.now() });
    }
    return this.storeInstance;
  }

  /** "Now" for ages and timestamps: the state directory's clock. */
  now(): Date {
    void this.store; // loads the clock setting
    return this.clock.now();
  }

  /** Wake the engine, or start it when there is work for it. */
  async engine(): Promise<void> {
    // KJOB_ENGINE=off: never start or wake an engine (in-process tests of the CLI).
    if (process.env.KJOB_ENGINE === 'off') return;
    await ensureEngine(this.home, () => hasPendingWork(this.store));
  }

  close(): void {
    this.storeInstance?.close();
  }
}

/** A new cluster has the default namespace, and in it the default ServiceAccount; kjob creates
 * them with the state file (and the account in state files from before ServiceAccounts). */
function ensureBuiltinNamespaces(store: Store): void {
  if (!store.get('Namespace', undefined, 'default')) {
    const info = resourceForKind('Namespace')!;
    try {
      store.create(
        defaultObject(info, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: rfc3339(new Date()) } }, { uid: randomUUID() }),
      );
    } catch {
      /* created concurrently by another kjob */
    }
  }
  try {
    ensureDefaultServiceAccount(store, 'default');
  } catch {
    /* a read-only state file: the ServiceAccount admission plugin creates it when it can */
  }
}
