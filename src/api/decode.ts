// The apiserver's typed decoding of the core kinds whose fields kjob checks beyond the shape a
// manifest parser gives: a ConfigMap's data values must be strings, a Secret's data base64.
// The errors are the apiserver's BadRequest: `ConfigMap in version "v1" cannot be handled as a
// ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string`.
import { StatusError } from '../errors.js';
import { goBase64Decode } from '../util/go.js';
import type { KObject } from './types.js';

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // number, string
}

class DecodeError extends Error {}

function typeError(v: unknown, kind: string, field: string, goType: string): DecodeError {
  return new DecodeError(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${kind}.${field} of type ${goType}`);
}

function checkMap(obj: KObject, field: string, goValueType: string, value: (v: string) => string | undefined): void {
  const m = obj[field];
  if (m === undefined || m === null) return;
  if (typeof m !== 'object' || Array.isArray(m)) throw typeError(m, obj.kind, field, `map[string]${goValueType}`);
  for (const v of Object.values(m as Record<string, unknown>)) {
    if (v === null) continue;
    if (typeof v !== 'string') throw typeError(v, obj.kind, field, goValueType);
    const err = value(v);
    if (err) throw new DecodeError(err);
  }
}

function checkBool(obj: KObject, field: string): void {
  const v = obj[field];
  if (v !== undefined && v !== null && typeof v !== 'boolean') throw typeError(v, obj.kind, field, 'bool');
}

const base64 = (v: string) => {
  const r = goBase64Decode(v);
  return 'error' in r ? r.error : undefined;
};

/** Throws the BadRequest StatusError when the object cannot be decoded into its Go type. */
export function decodeCheck(obj: KObject): void {
  try {
    switch (obj.kind) {
      case 'ConfigMap':
        checkBool(obj, 'immutable');
        checkMap(obj, 'data', 'string', () => undefined);
        checkMap(obj, 'binaryData', '[]uint8', base64);
        break;
      case 'Secret':
        checkBool(obj, 'immutable');
        checkMap(obj, 'data', '[]uint8', base64);
        checkMap(obj, 'stringData', 'string', () => undefined);
        if (obj.type !== undefined && obj.type !== null && typeof obj.type !== 'string') throw typeError(obj.type, 'Secret', 'type', 'v1.SecretType');
        break;
      case 'ServiceAccount':
        checkBool(obj, 'automountServiceAccountToken');
        break;
    }
  } catch (e) {
    if (e instanceof DecodeError) {
      throw new StatusError('BadRequest', `${obj.kind} in version "v1" cannot be handled as a ${obj.kind}: ${e.message}`, { kind: obj.kind });
    }
    throw e;
  }
}
