// The engine's side of the service proxy and the cluster DNS: writes the table (table.ts) when
// Services or Pods change, and keeps netd running inside the node's network namespace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PodObject, ServiceObject } from '../../api/types.js';
import type { PodNetwork } from '../network.js';
import { NSENTER } from '../exec.js';
import { localNodeEnv } from '../../util/process.js';
import { buildTable } from './table.js';

export class ServiceProxy {
  private child?: ChildProcess;
  private last = '';
  private readonly file: string;

  constructor(private readonly network: PodNetwork, private readonly log: (m: string) => void) {
    this.file = path.join(network.home, 'run', 'net', 'table.json');
  }

  /**
   * netd starts with the engine, before its first sync writes the table (netd watches for it): a
   * node process takes tens of ms to start, and pods wait for its DNS (PodNetwork.whenDnsServing).
   */
  start(): void {
    if (!this.network.probe().enabled) return;
    this.network.dnsStarting();
    this.startNetd();
  }

  /** Brings the table up to date and netd up. */
  sync(services: ServiceObject[], pods: PodObject[]): void {
    if (!this.network.probe().enabled) return;
    const data = JSON.stringify(buildTable(services, pods));
    if (data !== this.last) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.tmp`;
      fs.writeFileSync(tmp, data, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
      this.last = data;
    }
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) this.startNetd();
  }

  private startNetd(): void {
    this.network.ensureNode();
    const script = fileURLToPath(new URL('./netd.js', import.meta.url));
    const child = spawn(NSENTER, [`--net=${this.network.nodeNsPath()}`, '--', process.execPath, script, this.file], { stdio: ['ignore', 'pipe', 'pipe'], env: localNodeEnv(process.env) });
    child.stderr!.on('data', (d) => this.log(String(d).trimEnd()));
    // Its one line, once its DNS answers; a netd that failed holds no pod back either.
    child.stdout!.on('data', () => this.network.dnsServing());
    child.on('error', (e) => {
      this.log(`netd: ${e.message}`);
      this.network.dnsServing();
    });
    child.on('exit', () => this.network.dnsServing());
    this.child = child;
  }

  stop(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    this.child = undefined;
  }
}
