// JSON merge patch (RFC 7386), as evanphx/json-patch's MergePatch applies it: objects merge key
// by key, null removes a key, anything else (lists included) replaces.
import { isMap, type JSONValue } from './gofmt.js';

export function jsonMergePatch(target: unknown, patch: unknown): JSONValue {
  if (!isMap(patch)) return structuredClone(patch) as JSONValue;
  const out: Record<string, JSONValue> = isMap(target) ? (structuredClone(target) as Record<string, JSONValue>) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}
