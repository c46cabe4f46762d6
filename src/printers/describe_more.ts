// kubectl describe for Services, Namespaces and Events (k8s.io/kubectl/pkg/describe, v0.32):
// describeService (its Endpoints line from the Service's EndpointSlices, as kubectl 1.32 reads them),
// describeNamespace (no ResourceQuota or LimitRange kinds in kjob: the empty lists' lines), and
// the genericDescriber an Event gets (every field, sorted, with smartLabelFor's labels).
import { asKind, type KObject, type ServiceObject, type NamespaceObject, type EventObject } from '../api/types.js';
import { formatLabels } from './labels.js';
import { tabbedString, printLabelsMultiline, printAnnotationsMultiline, describeEvents, formatRFC1123Z, type PrefixWriter } from './describe.js';
import { goFloatV } from './jsonpath.js';

// ---------------------------------------------------------------------------------------------
// Service

interface SlicePort {
  name: string;
  port: number;
}
interface Slice {
  ports: SlicePort[];
  endpoints: { address: string; ready: boolean }[];
}

/** The EndpointSlice objects of a Service (listed by its kubernetes.io/service-name label) as
 * formatEndpointSlices reads them: ports by name and number, each endpoint's first address and
 * whether it is ready (a missing condition counts as ready). */
export function slicesOf(objects: KObject[]): Slice[] {
  return objects.map((obj) => {
    const o = asKind('EndpointSlice', obj);
    return {
      ports: (o.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port ?? 0 })),
      endpoints: (o.endpoints ?? []).map((e) => ({ address: e.addresses?.[0] ?? '', ready: e.conditions?.ready !== false })),
    };
  });
}

/** describe.go formatEndpointSlices */
export function formatEndpointSlices(slices: Slice[], portName: string | undefined): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  const hostPort = (a: string, p: number) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  for (const s of slices) {
    if (s.ports.length === 0) {
      for (const e of s.endpoints) {
        if (list.length === max) more = true;
        if (!e.ready) continue;
        if (!more) list.push(e.address);
        count++;
      }
    } else {
      for (const port of s.ports) {
        if (portName !== undefined && port.name !== portName) continue;
        for (const e of s.endpoints) {
          if (list.length === max) more = true;
          if (!e.ready) continue;
          if (!more) list.push(hostPort(e.address, port.port));
          count++;
        }
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export function describeService(svc: ServiceObject, endpointSlices: KObject[], events: EventObject[] | undefined, now: Date): string {
  const spec = svc.spec ?? {};
  const slices = slicesOf(endpointSlices);
  return tabbedString((w: PrefixWriter) => {
    w.write(0, `Name:\t${svc.metadata.name}\n`);
    w.write(0, `Namespace:\t${svc.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', svc.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', svc.metadata.annotations);
    w.write(0, `Selector:\t${formatLabels(spec.selector ?? {})}\n`);
    w.write(0, `Type:\t${spec.type ?? ''}\n`);
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
    w.write(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
    w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
    w.write(0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
    if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
    if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
    if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    if (ingress.length) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip || i.hostname || '').filter(Boolean).join(', ')}\n`);
    for (const sp of spec.ports ?? []) {
      const name = sp.name || '<unset>';
      const proto = sp.protocol ?? '';
      w.write(0, `Port:\t${name}\t${sp.port}/${proto}\n`);
      const tp = sp.targetPort ?? sp.port;
      w.write(0, `TargetPort:\t${tp}/${proto}\n`);
      if (sp.nodePort) w.write(0, `NodePort:\t${name}\t${sp.nodePort}/${proto}\n`);
      w.write(0, `Endpoints:\t${formatEndpointSlices(slices, sp.name ?? '')}\n`);
    }
    w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ''}\n`);
    if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
    if (spec.internalTrafficPolicy !== undefined && spec.internalTrafficPolicy !== null) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
    if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
    if (spec.loadBalancerSourceRanges?.length) w.write(0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
    if (events) describeEvents(events, w, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Namespace

export function describeNamespace(ns: NamespaceObject): string {
  return tabbedString((w: PrefixWriter) => {
    w.write(0, `Name:\t${ns.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', ns.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
    w.write(0, `Status:\t${ns.status?.phase ?? ''}\n`);
    const conds = ns.status?.conditions ?? [];
    if (conds.length > 0) {
      w.write(0, 'Conditions:\n');
      w.write(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
      w.write(1, '----\t------\t------------------\t------\t-------\n');
      for (const c of conds) w.write(1, `${c.type ?? ''}\t${c.status ?? ''}\t${formatRFC1123Z(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
    }
    // kjob has no ResourceQuota or LimitRange objects: the lists are empty.
    w.write(0, '\n');
    w.write(0, 'No resource quota.\n');
    w.write(0, '\n');
    w.write(0, 'No LimitRange resource.\n');
  });
}

// ---------------------------------------------------------------------------------------------
// genericDescriber (Events, and any kind without its own describer)

/** fatih/camelcase Split */
export function camelcaseSplit(src: string): string[] {
  const chars = [...src];
  const cls = (c: string) => (/\p{Ll}/u.test(c) ? 1 : /\p{Lu}/u.test(c) ? 2 : /\p{N}/u.test(c) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const c of chars) {
    const k = cls(c);
    if (k === last && runs.length) runs[runs.length - 1].push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (cls(runs[i][0]) === 2 && cls(runs[i + 1][0]) === 1) {
      runs[i + 1] = [runs[i][runs[i].length - 1], ...runs[i + 1]];
      runs[i] = runs[i].slice(0, -1);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** describe.go smartLabelFor */
export function smartLabelFor(field: string): string {
  if ([...field].some((r) => !/\p{L}/u.test(r) && r !== '-')) return field;
  const acronyms = ['API', 'URL', 'UID', 'OSB', 'GUID'];
  return camelcaseSplit(field)
    .filter((p) => p !== '_')
    .map((p) => (acronyms.includes(p.toUpperCase()) ? p.toUpperCase() : stringsTitle(p)))
    .join(' ');
}

/** strings.Title: the first letter of each word upper-cased. */
function stringsTitle(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());
}

function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloatV(v);
  return String(v);
}

const byteSort = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function printUnstructuredContent(w: PrefixWriter, level: number, content: Record<string, unknown>, skipPrefix: string, skip: string[]): void {
  for (const field of Object.keys(content).sort(byteSort)) {
    const value = content[field];
    const skipExpr = `${skipPrefix}.${field}`;
    if (skip.includes(skipExpr)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printUnstructuredContent(w, level + 1, value as Record<string, unknown>, skipExpr, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child)) printUnstructuredContent(w, level + 1, child as Record<string, unknown>, skipExpr, skip);
        else w.write(level + 1, `${goV(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${goV(value)}\n`);
    }
  }
}

export function describeGeneric(obj: KObject, events: EventObject[] | undefined, now: Date): string {
  return tabbedString((w: PrefixWriter) => {
    w.write(0, `Name:\t${obj.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${obj.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', obj.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', obj.metadata.annotations);
    printUnstructuredContent(w, 0, obj, '', [
      '.metadata.managedFields',
      '.metadata.name',
      '.metadata.namespace',
      '.metadata.labels',
      '.metadata.annotations',
    ]);
    if (events) describeEvents(events, w, now);
  });
}
