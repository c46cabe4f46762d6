// printEndpoints and printEndpointSlice (pkg/printers/internalversion/printers.go): the ENDPOINTS
// cells of `kubectl get ep` and `kubectl get endpointslices`.
import { asKind, type KObject } from '../api/types.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import { translateTimestampSince } from './duration.js';

const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** formatEndpoints with no port filter: ready addresses only, at most three, then "+ N more...". */
export function formatEndpoints(ep: KObject): string {
  const subsets = asKind('Endpoints', ep).subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip ?? '');
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(hostPort(a.ip ?? '', p.port ?? 0));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

function listWithMoreString(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** formatDiscoveryPorts */
export function formatDiscoveryPorts(ports: EndpointPort[] | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const p of ports ?? []) {
    if (list.length < max) list.push(p.port != null ? String(p.port) : p.name != null ? String(p.name) : '*');
    else if (list.length === max) more = true;
    count++;
  }
  return listWithMoreString(list, more, count, max);
}

/** formatDiscoveryEndpoints: every address, ready or not. */
export function formatDiscoveryEndpoints(endpoints: Endpoint[] | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const e of endpoints ?? []) {
    for (const a of e.addresses ?? []) {
      if (list.length < max) list.push(a);
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMoreString(list, more, count, max);
}

export function printEndpoints(ep: KObject, now: Date): string[] {
  return [ep.metadata.name ?? '', formatEndpoints(ep), translateTimestampSince(ep.metadata.creationTimestamp, now)];
}

export function printEndpointSlice(obj: KObject, now: Date): string[] {
  const s = asKind('EndpointSlice', obj);
  return [
    s.metadata.name ?? '', String(s.addressType ?? ''), formatDiscoveryPorts(s.ports), formatDiscoveryEndpoints(s.endpoints),
    translateTimestampSince(s.metadata.creationTimestamp, now),
  ];
}
