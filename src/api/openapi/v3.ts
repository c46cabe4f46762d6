// The OpenAPI v3 components.schemas an apiserver serves for kjob's kinds, built from the API
// schema data beside this module: what `kjob serve` publishes (src/server/openapi.ts) and what
// `kjob explain` reads (src/printers/explain.ts), so both see the same documents.
import { apiSchema, description, type PropSchema } from './schema.js';

export const REF = (name: string) => `#/components/schemas/${name}`;

/** A schema of components.schemas, as the apiserver's OpenAPI v3 documents write one. */
export interface OpenAPISchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenAPISchema>;
  required?: string[];
  items?: OpenAPISchema;
  additionalProperties?: OpenAPISchema | boolean;
  allOf?: OpenAPISchema[];
  $ref?: string;
  enum?: unknown[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
}

function prop(p: PropSchema, desc: string | undefined): OpenAPISchema {
  const out: OpenAPISchema = {};
  if (p.$ref) {
    out.allOf = [{ $ref: REF(p.$ref) }];
  } else {
    if (p.type) out.type = p.type;
    if (p.format) out.format = p.format;
    if (p.items) out.items = prop(p.items, undefined);
    if (p.additionalProperties) out.additionalProperties = prop(p.additionalProperties, undefined);
  }
  if (desc) out.description = desc;
  if (p.patchMergeKey) out['x-kubernetes-patch-merge-key'] = p.patchMergeKey;
  if (p.patchStrategy) out['x-kubernetes-patch-strategy'] = p.patchStrategy;
  if (p.listType) out['x-kubernetes-list-type'] = p.listType;
  if (p.listMapKeys) out['x-kubernetes-list-map-keys'] = p.listMapKeys;
  if (p.mapType) out['x-kubernetes-map-type'] = p.mapType;
  return out;
}

let schemasCache: Record<string, OpenAPISchema> | undefined;

/** components.schemas: every definition, refs as `allOf: [{$ref}]` the way the apiserver's v3 documents have them. */
export function openAPISchemas(): Record<string, OpenAPISchema> {
  if (schemasCache) return schemasCache;
  const out: Record<string, OpenAPISchema> = {};
  for (const [name, d] of Object.entries(apiSchema().definitions)) {
    const s: OpenAPISchema = {};
    const desc = description(name);
    if (desc) s.description = desc;
    if (d.properties) {
      s.type = 'object';
      s.properties = Object.fromEntries(Object.entries(d.properties).map(([k, p]) => [k, prop(p, description(name, k))]));
      if (d.required?.length) s.required = d.required;
    } else {
      if (d.type) s.type = d.type;
      if (d.format && d.format !== 'quantity') s.format = d.format;
    }
    if (d.gvk) s['x-kubernetes-group-version-kind'] = d.gvk;
    if (d.mapType) s['x-kubernetes-map-type'] = d.mapType;
    out[name] = s;
  }
  return (schemasCache = out);
}

