// Field selectors, as the apiserver evaluates `?fieldSelector=`: apimachinery's fields.ParseSelector
// (terms split at unescaped commas, sorted, `!=`, `==`, `=`, values unescaped), the field label
// conversion each kind registers (pkg/apis/core/v1/conversion.go, pkg/apis/batch/v1/conversion.go,
// runtime.DefaultMetaV1FieldSelectorConversion for kinds without one), and the fields each
// registry exposes to match against (its strategy's ToSelectableFields / GetAttrs). A term on a
// field that converts but is not exposed compares with "" (fields.Set.Get of a missing key).
import type { KObject } from './types.js';
import type { ResourceInfo } from './resources.js';
import { StatusError } from '../errors.js';

export interface FieldTerm {
  field: string;
  op: '=' | '==' | '!=';
  value: string;
}

export class FieldSelectorError extends Error {}

/** fields.splitTerms: commas not escaped by a backslash (the backslash is kept). */
function splitTerms(s: string): string[] {
  if (s === '') return [];
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

/** fields.UnescapeValue, with its errors. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Go's sort.Strings order (bytewise on UTF-8; for these ASCII-ish strings, code units). */
const goLess = (a: string, b: string) => (Buffer.compare(Buffer.from(a), Buffer.from(b)));

/** fields.ParseSelector: the terms in the order the apiserver checks them (sorted). */
export function parseFieldSelector(selector: string): FieldTerm[] {
  const parts = splitTerms(selector).sort(goLess);
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    let found: FieldTerm | undefined;
    for (let i = 0; i < part.length && !found; i++) {
      for (const op of ['!=', '==', '='] as const) {
        if (part.startsWith(op, i)) {
          found = { field: part.slice(0, i), op, value: part.slice(i + op.length) };
          break;
        }
      }
    }
    if (!found) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    found.value = unescapeValue(found.value);
    terms.push(found);
  }
  return terms;
}

type Fields = Record<string, string>;

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** generic.AddObjectMetaFieldsSet */
function metaFields(o: KObject, namespaced: boolean): Fields {
  const f: Fields = { 'metadata.name': str(o.metadata?.name) };
  if (namespaced) f['metadata.namespace'] = str(o.metadata?.namespace);
  return f;
}

interface KindFields {
  /** the field label conversion: the label to match on, or an error message */
  convert(label: string): string | { error: string };
  /** the registry's selectable fields */
  fields(o: KObject): Fields;
}

const notSupported = (label: string) => ({ error: `field label not supported: ${label}` });
const allowed = (labels: string[], error: (l: string) => { error: string }) => (label: string) => (labels.includes(label) ? label : error(label));

const DEFAULT_CONVERSION = (label: string) =>
  label === 'metadata.name' || label === 'metadata.namespace' ? label : { error: `"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"` };

const KINDS: Record<string, KindFields> = {
  Pod: {
    convert: (label) =>
      label === 'spec.host'
        ? 'spec.nodeName'
        : allowed(
            ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
            notSupported,
          )(label),
    fields: (o) => ({
      'spec.nodeName': str(o.spec?.nodeName),
      'spec.restartPolicy': str(o.spec?.restartPolicy),
      'spec.schedulerName': str(o.spec?.schedulerName),
      'spec.serviceAccountName': str(o.spec?.serviceAccountName),
      'spec.hostNetwork': String(o.spec?.hostNetwork === true),
      'status.phase': str(o.status?.phase),
      'status.podIP': str(o.status?.podIPs?.[0]?.ip),
      'status.nominatedNodeName': str(o.status?.nominatedNodeName),
      ...metaFields(o, true),
    }),
  },
  Node: {
    convert: allowed(['metadata.name', 'spec.unschedulable'], notSupported),
    fields: (o) => ({ 'spec.unschedulable': String(o.spec?.unschedulable === true), ...metaFields(o, false) }),
  },
  Event: {
    convert: allowed(
      [
        'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
        'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name',
      ],
      notSupported,
    ),
    fields: (o) => {
      const e = o as KObject & Record<string, any>;
      const io = e.involvedObject ?? {};
      return {
        'involvedObject.kind': str(io.kind),
        'involvedObject.namespace': str(io.namespace),
        'involvedObject.name': str(io.name),
        'involvedObject.uid': str(io.uid),
        'involvedObject.apiVersion': str(io.apiVersion),
        'involvedObject.resourceVersion': str(io.resourceVersion),
        'involvedObject.fieldPath': str(io.fieldPath),
        reason: str(e.reason),
        reportingComponent: str(e.reportingComponent),
        source: str(e.source?.component) || str(e.reportingComponent),
        type: str(e.type),
        ...metaFields(o, true),
      };
    },
  },
  Namespace: {
    convert: allowed(['status.phase', 'metadata.name'], notSupported),
    fields: (o) => ({ 'status.phase': str(o.status?.phase), ...metaFields(o, false) }),
  },
  Secret: {
    convert: allowed(['type', 'metadata.namespace', 'metadata.name'], notSupported),
    fields: (o) => ({ type: str((o as Record<string, unknown>).type), ...metaFields(o, true) }),
  },
  Service: {
    convert: allowed(['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'], notSupported),
    fields: (o) => ({ 'spec.clusterIP': str(o.spec?.clusterIP), 'spec.type': str(o.spec?.type), ...metaFields(o, true) }),
  },
  Job: {
    convert: allowed(['metadata.name', 'metadata.namespace', 'status.successful'], (l) => ({ error: `field label "${l}" not supported for Job` })),
    fields: (o) => ({ 'status.successful': String(o.status?.succeeded ?? 0), ...metaFields(o, true) }),
  },
};

export type FieldMatcher = (o: KObject) => boolean;

/**
 * The apiserver's field selector for a list of `r`: a predicate, or a FieldSelectorError with
 * the message the apiserver puts in its BadRequest Status.
 */
export function fieldSelectorMatcher(r: ResourceInfo, selector: string): FieldMatcher {
  const k: KindFields = KINDS[r.kind] ?? { convert: DEFAULT_CONVERSION, fields: (o) => metaFields(o, r.namespaced) };
  const terms = parseFieldSelector(selector).map((t) => {
    const label = k.convert(t.field);
    if (typeof label !== 'string') throw new FieldSelectorError(label.error);
    return { ...t, field: label };
  });
  if (terms.length === 0) return () => true;
  return (o) => {
    const f = k.fields(o);
    return terms.every((t) => ((f[t.field] ?? '') === t.value) === (t.op !== '!='));
  };
}

/** "batch/v1, Resource=jobs", "/v1, Resource=pods": schema.GroupVersionResource's String(). */
export function gvrString(r: ResourceInfo): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

/**
 * The error kubectl prints for a list the apiserver refused: BadRequest, with cli-runtime's
 * EnhanceListError context (which selectors were asked for).
 */
export function listError(r: ResourceInfo, labelSelector: string, fieldSelector: string, message: string): StatusError {
  const m =
    labelSelector === '' && fieldSelector === ''
      ? `Unable to list "${gvrString(r)}": ${message}`
      : `Unable to find "${gvrString(r)}" that match label selector "${labelSelector}", field selector "${fieldSelector}": ${message}`;
  return new StatusError('BadRequest', m);
}

/** fieldSelectorMatcher with the apiserver's error as kubectl prints it. */
export function listFieldMatcher(r: ResourceInfo, labelSelector: string | undefined, fieldSelector: string | undefined): FieldMatcher {
  if (!fieldSelector) return () => true;
  try {
    return fieldSelectorMatcher(r, fieldSelector);
  } catch (e) {
    if (e instanceof FieldSelectorError) throw listError(r, labelSelector ?? '', fieldSelector, e.message);
    throw e;
  }
}
