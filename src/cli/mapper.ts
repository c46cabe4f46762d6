// cli-runtime's mapper (resource/mapper.go infoForData) for the documents of -f: each is decoded,
// its metadata made sure to decode as ObjectMeta (the builder's metadataValidatingDecoder, so that a
// mistyped name or label is refused before anything is sent), then mapped to its resource.
import { resolveKind } from '../api/manifests.js';
import type { ResourceInfo } from '../api/resources.js';
import { decodeTyped } from '../apiserver/decode.js';
import { UserError } from '../errors.js';
import { jsonKind } from '../util/go.js';

export function mapManifest(obj: Record<string, unknown>, source: string, fromList = false): ResourceInfo {
  // A document without a kind fails its decode before its metadata is looked at (resolveKind says
  // so). A List's items are not checked: the builder checks the List document, and flattens it after.
  if (typeof obj.kind === 'string' && obj.kind !== '' && !fromList) {
    const error = metadataDecodeError(obj);
    if (error !== undefined) throw new UserError(`error: unable to decode "${source}": ${error}`);
  }
  return resolveKind(obj, source);
}

/**
 * What encoding/json says decoding the document into metadataOnlyObject (TypeMeta and ObjectMeta):
 * its first type error, apiVersion and kind before metadata as the converted YAML has its keys.
 */
function metadataDecodeError(obj: Record<string, unknown>): string | undefined {
  // (kind is a string: mapManifest asks only then)
  const v = obj.apiVersion;
  if (v !== undefined && v !== null && typeof v !== 'string') return `json: cannot unmarshal ${jsonKind(v)} into Go struct field metadataOnlyObject.apiVersion of type string`;
  const meta = obj.metadata;
  if (meta === undefined || meta === null) return undefined;
  if (typeof meta !== 'object' || Array.isArray(meta)) return `json: cannot unmarshal ${jsonKind(meta)} into Go struct field metadataOnlyObject.metadata of type v1.ObjectMeta`;
  if (plainlyDecodes(meta as Record<string, unknown>)) return undefined;
  // ObjectMeta is the same struct in every kind: any kind's schema decodes it, with encoding/json's words.
  return decodeTyped('ConfigMap', { metadata: meta }, 'Ignore').error;
}

const STRING_FIELDS = new Set(['name', 'generateName', 'namespace']);
const STRING_MAPS = new Set(['labels', 'annotations']);

/**
 * The metadata a manifest nearly always has (names, labels, annotations, each of the JSON type
 * ObjectMeta's field has): it decodes, and the decoder is not run for it (2 ms of a cold `apply`).
 */
function plainlyDecodes(meta: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(meta)) {
    if (STRING_FIELDS.has(k) ? typeof v !== 'string' : !STRING_MAPS.has(k) || !isStringMap(v)) return false;
  }
  return true;
}

function isStringMap(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}
