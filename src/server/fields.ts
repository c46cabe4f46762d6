// Field selectors (apimachinery fields.ParseSelector) over the fields each resource's registry
// exposes (its GetAttrs / field label conversion): metadata.name and metadata.namespace for every
// kind, plus a few per kind. Anything else is the apiserver's BadRequest.
import type { KObject } from '../api/types.js';
import type { ResourceInfo } from '../api/resources.js';
import { StatusError } from '../errors.js';

type Getter = (o: KObject) => string;
const at =
  (...path: string[]): Getter =>
  (o) => {
    let v: unknown = o;
    for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return v === undefined || v === null ? '' : String(v);
  };

const COMMON: Record<string, Getter> = { 'metadata.name': at('metadata', 'name'), 'metadata.namespace': at('metadata', 'namespace') };

const BY_KIND: Record<string, Record<string, Getter>> = {
  Pod: {
    'spec.nodeName': at('spec', 'nodeName'),
    'spec.restartPolicy': at('spec', 'restartPolicy'),
    'spec.schedulerName': at('spec', 'schedulerName'),
    'spec.serviceAccountName': at('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
    'status.phase': at('status', 'phase'),
    'status.podIP': at('status', 'podIP'),
    'status.nominatedNodeName': at('status', 'nominatedNodeName'),
  },
  Job: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  Event: {
    'involvedObject.kind': at('involvedObject', 'kind'),
    'involvedObject.namespace': at('involvedObject', 'namespace'),
    'involvedObject.name': at('involvedObject', 'name'),
    'involvedObject.uid': at('involvedObject', 'uid'),
    'involvedObject.apiVersion': at('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': at('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': at('involvedObject', 'fieldPath'),
    reason: at('reason'),
    reportingComponent: at('reportingComponent'),
    source: at('source', 'component'),
    type: at('type'),
  },
  Secret: { type: at('type') },
  Namespace: { 'status.phase': at('status', 'phase') },
  Node: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable === true) },
};

interface Term {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** fields.ParseSelector: `a=b,c!=d`, `==` as `=`, backslash escapes. */
export function parseFieldSelector(s: string): Term[] {
  const terms: Term[] = [];
  for (const part of splitUnescaped(s, ',')) {
    if (part === '') continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m) throw new StatusError('BadRequest', `invalid selector: '${s}'; can't understand '${part}'`);
    terms.push({ field: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3].replace(/\\(.)/g, '$1') });
  }
  return terms;
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

/** A predicate for the selector; BadRequest `field label not supported: x` for a field the kind does not expose. */
export function fieldSelectorMatcher(r: ResourceInfo, selector: string): (o: KObject) => boolean {
  const fields = { ...COMMON, ...(BY_KIND[r.kind] ?? {}) };
  const terms = parseFieldSelector(selector);
  const checks = terms.map((t) => {
    const get = fields[t.field];
    if (!get) throw new StatusError('BadRequest', `field label not supported: ${t.field}`);
    return (o: KObject) => (get(o) === t.value) === (t.op === '=');
  });
  return (o) => checks.every((c) => c(o));
}
