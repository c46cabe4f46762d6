#!/usr/bin/env node
// kube-mirror: a read-only, loopback-only stand-in for a Kubernetes API server.
// It serves the objects in a JSON "world" file ({"items":[...]}: Jobs, CronJobs,
// Pods, Services, Events) so that the real kubectl can render them, e.g.
//   node kube-mirror.mjs world.json 18080 &
//   kubectl --server http://127.0.0.1:18080 describe job pi
// Used as an oracle: kubectl's own describe output for the same objects that kjob holds.
// kjob's copy (issue 12 goldens) also serves what a cluster has and kjob does not keep: empty
// ResourceQuota and LimitRange lists, and the EndpointSlices the endpointslice controller writes
// for a Service with a selector (the matching pods that have an IP and have not finished, ready
// as their Ready condition; a placeholder slice without ports when there are none).
import http from 'node:http';
import fs from 'node:fs';

const [, , worldPath, portArg] = process.argv;
const port = Number(portArg || 18080);
const load = () => JSON.parse(fs.readFileSync(worldPath, 'utf8')).items || [];

const RES = {
  pods: { group: '', version: 'v1', kind: 'Pod', ns: true, short: ['po'] },
  services: { group: '', version: 'v1', kind: 'Service', ns: true, short: ['svc'] },
  events: { group: '', version: 'v1', kind: 'Event', ns: true, short: ['ev'] },
  namespaces: { group: '', version: 'v1', kind: 'Namespace', ns: false, short: ['ns'] },
  jobs: { group: 'batch', version: 'v1', kind: 'Job', ns: true, short: [] },
  cronjobs: { group: 'batch', version: 'v1', kind: 'CronJob', ns: true, short: ['cj'] },
  resourcequotas: { group: '', version: 'v1', kind: 'ResourceQuota', ns: true, short: ['quota'] },
  limitranges: { group: '', version: 'v1', kind: 'LimitRange', ns: true, short: ['limits'] },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', ns: true, short: [] },
};
function endpointSlices(items) {
  const out = [];
  for (const svc of items.filter((o) => o.kind === 'Service')) {
    const sel = svc.spec?.selector;
    if (!sel || !Object.keys(sel).length) continue;
    const ns = svc.metadata.namespace;
    const pods = items.filter((p) => p.kind === 'Pod' && p.metadata.namespace === ns && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v)
      && !['Succeeded', 'Failed'].includes(p.status?.phase) && p.status?.podIP && !p.metadata.deletionTimestamp);
    const slice = (ports, eps) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: `${svc.metadata.name}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': svc.metadata.name } }, ports, endpoints: eps });
    if (!pods.length) { out.push(slice([], [])); continue; }
    const ports = svc.spec.ports.map((sp) => {
      let port = sp.targetPort;
      if (typeof port === 'string') for (const c of pods[0].spec.containers) for (const cp of c.ports ?? []) if (cp.name === sp.targetPort) port = cp.containerPort;
      return { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    });
    out.push(slice(ports, pods.map((p) => ({ addresses: [p.status.podIP], conditions: { ready: (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') } }))));
  }
  return out;
}
const verbs = ['get', 'list', 'watch'];
const resList = (gv, group) => ({
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
  resources: Object.entries(RES).filter(([, r]) => r.group === group).map(([name, r]) => ({
    name, singularName: r.kind.toLowerCase(), namespaced: r.ns, kind: r.kind, verbs, shortNames: r.short,
  })),
});

function send(res, code, body) {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
function notFound(res, resource, name) {
  send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404,
    message: `${resource} "${name}" not found`, details: { name, kind: resource } });
}
function fieldOf(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}
function matchFields(obj, sel) {
  if (!sel) return true;
  return sel.split(',').filter(Boolean).every((term) => {
    const neg = term.includes('!=');
    const [k, v] = term.split(neg ? '!=' : /==?/);
    const got = String(fieldOf(obj, k) ?? '');
    return neg ? got !== v : got === v;
  });
}
function matchLabels(obj, sel) {
  if (!sel) return true;
  const labels = (obj.metadata && obj.metadata.labels) || {};
  return sel.split(',').filter(Boolean).every((term) => {
    const [k, v] = term.split('=');
    return v === undefined ? k in labels : labels[k] === v;
  });
}

http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname.replace(/\/$/, '');
  if (p === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
  if (p === '/apis') return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{
    name: 'batch', versions: [{ groupVersion: 'batch/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'batch/v1', version: 'v1' } }, {
    name: 'discovery.k8s.io', versions: [{ groupVersion: 'discovery.k8s.io/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' } }] });
  if (p === '/apis/discovery.k8s.io/v1') return send(res, 200, resList('discovery.k8s.io/v1', 'discovery.k8s.io'));
  if (p === '/api/v1') return send(res, 200, resList('v1', ''));
  if (p === '/apis/batch/v1') return send(res, 200, resList('batch/v1', 'batch'));
  if (p === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-kube-mirror' });
  const m = p.match(/^\/(?:api\/v1|apis\/batch\/v1|apis\/discovery\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?$/);
  if (!m) return send(res, 404, { kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
  const [, ns, resource, name] = m;
  const r = RES[resource];
  if (!r) return notFound(res, resource, name || '');
  const all = load();
  const items = [...all, ...endpointSlices(all)].filter((o) => o.kind === r.kind && (!ns || !r.ns || (o.metadata.namespace || 'default') === ns));
  if (name) {
    const o = items.find((i) => i.metadata.name === name);
    return o ? send(res, 200, o) : notFound(res, r.group ? `${resource}.${r.group}` : resource, name);
  }
  const fs_ = url.searchParams.get('fieldSelector');
  const ls = url.searchParams.get('labelSelector');
  const list = items.filter((o) => matchFields(o, fs_) && matchLabels(o, ls));
  return send(res, 200, { kind: `${r.kind}List`, apiVersion: r.group ? `${r.group}/${r.version}` : 'v1',
    metadata: { resourceVersion: '1' }, items: list });
}).listen(port, '127.0.0.1');
