// The OpenAPI v3 documents the apiserver serves (/openapi/v3 and one per group version), built
// from kjob's API schema data (src/api/openapi): what `kubectl explain` reads, and what kubectl's
// --validate asks before it sends fieldValidation (a PATCH operation of the kind's path that takes
// that parameter). Every document carries all of kjob's definitions; paths only for its own
// group version.
import { createHash } from 'node:crypto';
import { apiSchema } from '../api/openapi/schema.js';
import { openAPISchemas, REF } from '../api/openapi/v3.js';
import { RESOURCES, type ResourceInfo } from '../api/resources.js';
import { KUBERNETES_VERSION } from '../util/version.js';

const PARAM = (name: string, type = 'string', where = 'query') => ({ name, in: where, schema: { type, uniqueItems: true } });

function paths(rs: ResourceInfo[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rs) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    const def = apiSchema().kinds[r.kind];
    const body = { content: { '*/*': { schema: { $ref: REF(def) } } }, required: true };
    const response = { 200: { description: 'OK', content: { 'application/json': { schema: { $ref: REF(def) } } } } };
    const op = (action: string, params: unknown[], extra: Record<string, unknown> = {}) => ({
      tags: [r.group ? `${r.group}_${r.version}` : `core_${r.version}`],
      operationId: `${action}${r.kind}`,
      parameters: params,
      responses: response,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
    });
    const write = [PARAM('dryRun'), PARAM('fieldManager'), PARAM('fieldValidation')];
    const pathParams = r.namespaced ? [PARAM('namespace', 'string', 'path')] : [];
    out[base] = { parameters: pathParams, get: op('list', [PARAM('labelSelector'), PARAM('fieldSelector'), PARAM('watch', 'boolean')]), post: op('post', write, { requestBody: body }) };
    out[`${base}/{name}`] = {
      parameters: [PARAM('name', 'string', 'path'), ...pathParams],
      get: op('get', []),
      put: op('put', write, { requestBody: body }),
      patch: op('patch', [...write, PARAM('force', 'boolean')], { requestBody: { content: { 'application/json-patch+json': {}, 'application/merge-patch+json': {}, 'application/strategic-merge-patch+json': {} }, required: true } }),
      delete: op('delete', [PARAM('dryRun'), PARAM('gracePeriodSeconds', 'integer'), PARAM('propagationPolicy')]),
    };
  }
  return out;
}

/** "api/v1", "apis/batch/v1": the group versions kjob serves. */
export function groupVersionPaths(): string[] {
  return [...new Set(RESOURCES.map((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`)))].sort();
}

const docCache = new Map<string, string>();

/** The OpenAPI v3 document of a group version path ("api/v1"), as JSON text; undefined if not served. */
export function openAPIDocument(gvPath: string): string | undefined {
  const hit = docCache.get(gvPath);
  if (hit) return hit;
  const rs = RESOURCES.filter((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) === gvPath);
  if (rs.length === 0) return undefined;
  const doc = JSON.stringify({
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: paths(rs),
    components: { schemas: openAPISchemas() },
  });
  docCache.set(gvPath, doc);
  return doc;
}

/** The /openapi/v3 index: each group version's document with a content hash, as the apiserver lists them. */
export function openAPIIndex(): unknown {
  const out: Record<string, { serverRelativeURL: string }> = {};
  for (const p of groupVersionPaths()) {
    const hash = createHash('sha512').update(openAPIDocument(p)!).digest('hex').slice(0, 128).toUpperCase();
    out[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths: out };
}
