// A long-lived helper process of the engine: requests written on its stdin, one reply line each on
// its stdout, in the order asked. The spawner (spawner.ts: kjob-shim's native one, or perl) and
// the ip runner (network.ts, perl) are such helpers: a fork of a small process costs the engine
// nothing, where node's spawn forks the whole engine. A worker keeps nothing alive while it owes no reply; when it is gone
// (it could not start, or exited), what it owed is answered undefined and it answers nothing more.
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { isExecutableFile } from './lookup.js';

/** This machine's perl (Debian's perl-base is Essential), looked up once; null without one. */
let perlPath: string | null | undefined;
export function findPerl(): string | null {
  if (perlPath === undefined) {
    const dirs = ['/usr/bin', '/bin', ...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/'))];
    perlPath = dirs.map((d) => path.join(d, 'perl')).find(isExecutableFile) ?? null;
  }
  return perlPath;
}

export type Reply = (line: string | undefined) => void;

export class HelperProcess {
  private readonly child: ChildProcess;
  private buf = '';
  private readonly waiting: Reply[] = [];
  private idleWaiters: (() => void)[] = [];
  private dead = false;

  /** Starts `exe args...` (for a perl helper: perl, ['-e', script, ...]), with env (default: the engine's). */
  constructor(exe: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(exe, args, { stdio: ['pipe', 'pipe', 'ignore'], ...(env ? { env } : {}) });
    this.child.on('error', () => this.gone());
    this.child.on('exit', () => this.gone());
    // A helper that no longer answers, though it lives on (the native spawner, with shims to see
    // to, once it stops reading): no request waits for it.
    this.child.stdout!.on('end', () => this.gone());
    this.child.stdin!.on('error', () => undefined);
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        this.waiting.shift()?.(line);
      }
      this.checkIdle();
    });
    // The engine's life is its own: a worker waiting for requests keeps nothing alive.
    this.child.unref();
    (this.child.stdin as Socket).unref();
    (this.child.stdout as Socket).unref();
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** The helper's process. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Writes a request; reply(line) with its answer, or reply(undefined) if the worker is gone first. */
  request(data: string | Buffer, reply: Reply): void {
    if (this.dead) {
      queueMicrotask(() => reply(undefined));
      return;
    }
    this.waiting.push(reply);
    (this.child.stdout as Socket).ref(); // until it is answered
    this.child.stdin!.write(data);
  }

  /** Resolves once every request sent has been answered (or after timeoutMs). */
  idle(timeoutMs: number): Promise<void> {
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** No more requests: the worker exits once it has read what it was sent. */
  close(): void {
    this.dead = true;
    try { this.child.stdin!.end(); } catch { /* gone */ }
  }

  private gone(): void {
    this.dead = true;
    for (const reply of this.waiting.splice(0)) reply(undefined);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.waiting.length) return;
    (this.child.stdout as Socket).unref();
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
