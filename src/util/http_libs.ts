// node:http and node:https, loaded on first use: node:https brings TLS and X.509 with it, about
// 15 ms of CPU at a command's (or the engine's) start, and only a cluster client, `-f URL` or an
// httpGet probe needs either.
import type http from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';

let libs: { http: typeof http; https: typeof https } | undefined;

export function httpLibs(): { http: typeof http; https: typeof https } {
  if (!libs) {
    // Made here, not at the module's top level, where it cost every command about 0.5 ms.
    const requireBuiltin = createRequire(import.meta.url);
    libs = { http: requireBuiltin('node:http') as typeof http, https: requireBuiltin('node:https') as typeof https };
  }
  return libs;
}
