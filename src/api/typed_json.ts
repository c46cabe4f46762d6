// An object as kubectl's typed clients print it: the apiserver's JSON decoded into the Go struct
// (batchv1.Job, appsv1.Deployment, ...) and encoded again by encoding/json. That puts every field in
// the struct's order (kind and apiVersion first: TypeMeta is inline), sorts map keys, drops fields
// the struct does not have, and writes the zero value of a field that is not omitempty (a value
// struct as {}, a nil slice as null). `kubectl create deployment web --image=nginx -o json` prints
// the created object so; the field orders and tags come from the v1.32 protobuf table.
import { DURATION, FIELDS_V1, INT_OR_STRING, MICRO_TIME, QUANTITY, RAW_EXTENSION, TIME, message, protoMessageFor, type ProtoField } from './openapi/proto_table.js';
import type { KObject } from './types.js';

/** The Go zero value of Kubernetes' own leaf types, as their MarshalJSON writes it. */
const LEAF_ZERO: Record<string, unknown> = {
  [QUANTITY]: '0',
  [INT_OR_STRING]: 0,
  [TIME]: null,
  [MICRO_TIME]: null,
  [DURATION]: '0s',
  [RAW_EXTENSION]: null,
  [FIELDS_V1]: null,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function zeroScalar(type: string): unknown {
  return type === 'string' ? '' : type === 'bool' ? false : type === 'bytes' ? null : 0;
}

/** One message's fields of v, in order, into out (an inline struct's go into its parent's). */
function encodeFields(typeName: string, v: Record<string, unknown>, out: Record<string, unknown>): void {
  for (const f of message(typeName).fields) {
    const tag = f.json ?? `${f.name},omitempty`;
    if (tag === '-') continue;
    const [jsonName, ...opts] = tag.split(',');
    if (jsonName === '' && opts.includes('inline')) {
      encodeFields(f.typeName!, v, out);
      continue;
    }
    const key = jsonName || f.name;
    const value = encodeField(f, v[key], opts.includes('omitempty'));
    if (value !== undefined) out[key] = value;
  }
}

/** A field's JSON after the round trip; undefined where encoding/json leaves it out. */
function encodeField(f: ProtoField, value: unknown, omitempty: boolean): unknown {
  const mapEntry = f.type === 'message' && message(f.typeName!).mapEntry === true;
  if (f.label === 'repeated' || f.goSlice) {
    if (mapEntry) {
      // Go's maps: keys sorted; nil or empty left out under omitempty.
      if (!isObject(value) || Object.keys(value).length === 0) return omitempty ? undefined : isObject(value) ? {} : null;
      const valueField = message(f.typeName!).fields.find((x) => x.number === 2)!;
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) sorted[k] = valueField.type === 'message' ? encodeMessage(valueField.typeName!, value[k]) : value[k];
      return sorted;
    }
    if (!Array.isArray(value) || value.length === 0) return omitempty ? undefined : Array.isArray(value) ? [] : null;
    if (f.goSlice) return value;
    return f.type === 'message' ? value.map((x) => encodeMessage(f.typeName!, x)) : value;
  }
  if (f.type === 'message') {
    if (value === undefined || value === null) {
      // A nil pointer: null, or left out; a value struct: its zero value, always written.
      if (f.pointer) return omitempty ? undefined : null;
      return encodeMessage(f.typeName!, undefined);
    }
    return encodeMessage(f.typeName!, value);
  }
  if (value === undefined || value === null) {
    if (f.pointer || f.type === 'bytes') return omitempty ? undefined : null;
    const zero = zeroScalar(f.type);
    return omitempty ? undefined : zero;
  }
  if (omitempty && !f.pointer && (value === '' || value === 0 || value === false)) return undefined;
  return value;
}

/** A message's JSON: a leaf type as it is (its zero when absent), else its fields in order. */
function encodeMessage(typeName: string, value: unknown): unknown {
  if (typeName in LEAF_ZERO) return value === undefined ? LEAF_ZERO[typeName] : value;
  const out: Record<string, unknown> = {};
  encodeFields(typeName, isObject(value) ? value : {}, out);
  return out;
}

/** obj as kubectl's typed client prints it; obj itself for a kind the v1.32 table does not have. */
export function asTypedJSON(obj: KObject): KObject {
  const name = protoMessageFor(obj.apiVersion, obj.kind);
  if (!name) return obj;
  return { kind: obj.kind, apiVersion: obj.apiVersion, ...(encodeMessage(name, obj) as Record<string, unknown>) } as KObject;
}
