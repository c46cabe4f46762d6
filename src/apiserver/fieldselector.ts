// Field selectors: apimachinery's fields.ParseSelector grammar (`a=b,c!=d`, `==`, backslash
// escapes), the field-label conversion each kind registers (which fields a kind can be selected
// by, and the error for any other), and the selectable fields of an object (the registries'
// GetAttrs / ToSelectableFields).
import { StatusError } from '../errors.js';
import { asKind, type KObject, type Kind } from '../api/types.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  matches(fields: Record<string, string>): boolean;
  empty(): boolean;
}

/** fields.Everything(). */
export const EVERYTHING: FieldSelector = { requirements: [], matches: () => true, empty: () => true };

// ---------------------------------------------------------------- parsing

/** splitTerms: commas not preceded by a backslash separate terms (the backslash is kept). */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const op of OPERATORS) if (rest.startsWith(op)) return [term.slice(0, i), op, term.slice(i + op.length)];
  }
  return undefined;
}

/** UnescapeValue: `\\`, `\,` and `\=` are the only escapes; an unescaped `,` or `=` is an error. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Go's sort.Strings order (bytes). */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * fields.ParseAndTransformSelector with the kind's field-label conversion. Throws the apiserver's
 * BadRequest: a syntax error, or the conversion's error for a field the kind cannot be selected by
 * (the first one in sorted order, as the terms are sorted before they are converted).
 */
export function parseFieldSelector(kind: Kind | string, s: string | undefined): FieldSelector {
  if (s === undefined || s === '') return EVERYTHING;
  const parts = splitTerms(s).sort(byteOrder);
  const reqs: FieldRequirement[] = [];
  try {
    for (const part of parts) {
      if (part === '') continue;
      const t = splitTerm(part);
      if (!t) throw new Error(`invalid selector: '${s}'; can't understand '${part}'`);
      const [lhs, op, rhs] = t;
      reqs.push({ field: lhs, op: op === '!=' ? '!=' : '=', value: unescapeValue(rhs) });
    }
    for (const r of reqs) {
      const err = convertFieldLabel(kind, r.field);
      if (err) throw new Error(err);
      if (kind === 'Pod' && r.field === 'spec.host') r.field = 'spec.nodeName';
    }
  } catch (e) {
    throw new StatusError('BadRequest', (e as Error).message);
  }
  return {
    requirements: reqs,
    matches: (fields) => reqs.every((r) => ((fields[r.field] ?? '') === r.value) === (r.op === '=')),
    empty: () => reqs.length === 0,
  };
}

// ---------------------------------------------------------------- per kind

const META = ['metadata.name', 'metadata.namespace'];

/** The fields each kind's field-label conversion accepts (pkg/apis/core/v1/conversion.go, batch/v1). */
const SUPPORTED: Partial<Record<string, string[]>> = {
  Pod: [...META, 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName', 'spec.host'],
  Node: ['metadata.name', 'spec.unschedulable'],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
    ...META,
  ],
  Namespace: ['status.phase', 'metadata.name'],
  Secret: ['type', ...META],
  Service: [...META, 'spec.clusterIP', 'spec.type'],
  Job: [...META, 'status.successful'],
};

/** The conversion's error for a field the kind does not support, or undefined. */
export function convertFieldLabel(kind: string, label: string): string | undefined {
  const supported = SUPPORTED[kind];
  if (!supported) {
    // runtime.DefaultMetaV1FieldSelectorConversion
    return META.includes(label) ? undefined : `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`;
  }
  if (supported.includes(label)) return undefined;
  if (kind === 'Job') return `field label "${label}" not supported for Job`;
  return `field label not supported: ${label}`;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The selectable fields of an object (the registry's GetAttrs). */
export function selectableFields(obj: KObject): Record<string, string> {
  const m = obj.metadata ?? {};
  const f: Record<string, string> = { 'metadata.name': str(m.name) };
  // Cluster-scoped objects have no metadata.namespace field (DefaultClusterScopedAttr).
  if (m.namespace !== undefined) f['metadata.namespace'] = str(m.namespace);
  // The typed views read what is there; a stored object of the wrong shape gives '' (str).
  switch (obj.kind) {
    case 'Pod': {
      const { spec, status } = asKind('Pod', obj);
      f['spec.nodeName'] = str(spec?.nodeName);
      f['spec.restartPolicy'] = str(spec?.restartPolicy);
      f['spec.schedulerName'] = str(spec?.schedulerName);
      f['spec.serviceAccountName'] = str(spec?.serviceAccountName);
      f['spec.hostNetwork'] = spec?.hostNetwork === true ? 'true' : 'false';
      f['status.phase'] = str(status?.phase);
      f['status.podIP'] = str(status?.podIPs?.[0]?.ip ?? status?.podIP);
      f['status.nominatedNodeName'] = str(status?.nominatedNodeName);
      break;
    }
    case 'Node':
      f['spec.unschedulable'] = asKind('Node', obj).spec?.unschedulable === true ? 'true' : 'false';
      break;
    case 'Event': {
      const io = (obj.involvedObject ?? {}) as Record<string, unknown>;
      for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) f[`involvedObject.${k}`] = str(io[k]);
      f.reason = str(obj.reason);
      f.reportingComponent = str(obj.reportingComponent);
      f.source = str((obj.source as Record<string, unknown> | undefined)?.component);
      f.type = str(obj.type);
      break;
    }
    case 'Namespace':
      f['status.phase'] = str(asKind('Namespace', obj).status?.phase);
      break;
    case 'Secret':
      f.type = str(obj.type);
      break;
    case 'Service': {
      const { spec } = asKind('Service', obj);
      f['spec.clusterIP'] = str(spec?.clusterIP);
      f['spec.type'] = str(spec?.type);
      break;
    }
    case 'Job':
      f['status.successful'] = String(Number(asKind('Job', obj).status?.succeeded ?? 0) | 0);
      break;
  }
  return f;
}

/**
 * Requirements the store can match by itself (exact values of plain string fields), so that a
 * list by involvedObject.uid does not decode every Event of the namespace.
 */
export function storeFieldFilter(kind: string, sel: FieldSelector): Record<string, string> | undefined {
  const pushable: Record<string, string[]> = { Event: ['involvedObject.uid', 'involvedObject.name', 'involvedObject.kind', 'reason', 'type'] };
  const ok = pushable[kind] ?? [];
  let out: Record<string, string> | undefined;
  for (const r of sel.requirements) {
    if (r.op === '=' && ok.includes(r.field) && r.value !== '') (out ??= {})[r.field] = r.value;
  }
  return out;
}
