// kubectl v1.32's explain (pkg/explain/v2, templates/plaintext.tmpl), rendered in TypeScript
// over the OpenAPI v3 components an apiserver would serve for kjob's kinds (built from the API
// schema data in src/api/openapi, as `kjob serve` builds them): the GROUP/KIND/VERSION header,
// FIELD: name <type> with its ENUM, DESCRIPTION (go-wordwrap at 76, indented 4) and FIELDS
// (each `name\t<type>` with -required- and enum:, its description wrapped at 78 - indent), or the
// field tree with --recursive. Refs are `allOf: [{$ref}]` as the apiserver's v3 documents have
// them, and cycles stop where the template stops them.
import { openAPISchemas, type OpenAPISchema } from '../api/openapi/v3.js';

type Schema = OpenAPISchema;

/** mitchellh/go-wordwrap v1.0.1 WrapString. */
export function wrapString(s: string, lim: number): string {
  let buf = '';
  let current = 0;
  let wordBuf = '';
  let spaceBuf = '';
  let wordLen = 0;
  let spaceLen = 0;
  const isSpace = (c: string) => /^[\t\n\v\f\r \u0085\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
  for (const ch of s) {
    if (ch === '\n') {
      if (wordBuf.length === 0) {
        if (current + spaceLen > lim) current = 0;
        else {
          current += spaceLen;
          buf += spaceBuf;
        }
        spaceBuf = '';
        spaceLen = 0;
      } else {
        current += spaceLen + wordLen;
        buf += spaceBuf + wordBuf;
        spaceBuf = '';
        spaceLen = 0;
        wordBuf = '';
        wordLen = 0;
      }
      buf += ch;
      current = 0;
    } else if (isSpace(ch)) {
      if (spaceBuf.length === 0 || wordBuf.length > 0) {
        current += spaceLen + wordLen;
        buf += spaceBuf + wordBuf;
        spaceBuf = '';
        spaceLen = 0;
        wordBuf = '';
        wordLen = 0;
      }
      spaceBuf += ch;
      spaceLen++;
    } else {
      wordBuf += ch;
      wordLen++;
      if (current + wordLen + spaceLen > lim && wordLen < lim) {
        buf += '\n';
        current = 0;
        spaceBuf = '';
        spaceLen = 0;
      }
    }
  }
  if (wordBuf.length === 0) {
    if (current + spaceLen <= lim) buf += spaceBuf;
  } else buf += spaceBuf + wordBuf;
  return buf;
}

const indent = (n: number, s: string) => ' '.repeat(n) + s.split('\n').join('\n' + ' '.repeat(n));

export class ExplainError extends Error {}

export interface ExplainRequest {
  gvk: { group: string; version: string; kind: string };
  fieldPath: string[];
  recursive: boolean;
}

/**
 * What kubectl explain prints on stdout; when the field path does not exist, ExplainError with
 * `partial`, the header kubectl has already written.
 */
export function explain(req: ExplainRequest): string {
  const schemas = openAPISchemas();
  const resolveRef = (ref: unknown): Schema | undefined => {
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
    let cur: unknown = { components: { schemas } };
    for (const k of ref.slice(2).split('/')) {
      if (!k) continue;
      cur = (cur as Record<string, unknown>)[k];
      if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    }
    return cur as Schema;
  };
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : isObj(v) ? Object.keys(v as object).length > 0 : !!v);
  /** additionalProperties when it is a schema (not a boolean, not empty). */
  const addl = (s: Schema): Schema | undefined => (nonEmpty(s.additionalProperties) && typeof s.additionalProperties !== 'boolean' ? s.additionalProperties : undefined);

  const typeGuess = (s: Schema): string => {
    if (s.items) return '[]' + typeGuess(s.items);
    const ap = addl(s);
    if (ap) return 'map[string]' + typeGuess(ap);
    if (s.allOf?.length === 1 && !nonEmpty(s.properties)) return typeGuess(s.allOf[0]);
    if (s.$ref) {
      const r = resolveRef(s.$ref);
      if (!r || !r.type || r.type === 'object') {
        const name = String(s.$ref).split('/').pop()!;
        return name.split('.').pop() || 'Object';
      }
      return r.type || 'Object';
    }
    if (s.type === 'object') return 'Object';
    return s.type || 'Object';
  };

  const extractEnum = (s: Schema, long: boolean, limit: number, indentAmount = 0): string => {
    if (!nonEmpty(s.enum)) return '';
    let out = long ? 'ENUM:' : '\n' + ' '.repeat(indentAmount) + 'enum: ';
    (s.enum as unknown[]).some((e, i) => {
      if (limit > -1 && i >= limit) {
        out += ', ....';
        return true;
      }
      if (i > 0 && !long) out += ', ';
      else if (long) out += '\n    ';
      out += e === '' ? '""' : String(e);
      return false;
    });
    return out;
  };

  const descriptionOf = (s: Schema): string => {
    const r = resolveRef(s.$ref) ?? s;
    let out = '';
    if (r.description) out += r.description + '\n';
    for (const a of r.allOf ?? []) out += descriptionOf(a);
    if (r.items) out += descriptionOf(r.items);
    const ap = addl(r);
    if (ap) out += descriptionOf(ap);
    return out;
  };

  const fieldDetail = (name: string, s: Schema, short: boolean, level: number): string => {
    const ind = level * 2;
    const fs: Schema = s.properties?.[name] ?? {};
    let out = indent(ind, name) + '\t<' + typeGuess(fs) + '>';
    if (Array.isArray(s.required) && s.required.includes(name)) out += ' -required-';
    out += extractEnum(fs, false, 4, ind);
    out += '\n';
    if (!short) out += indent(ind + 2, wrapString(fs.description || '<no description>', 78 - ind)) + '\n\n';
    return out;
  };

  const goSortedKeys = (o: object) => Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

  const fieldList = (s: Schema, level: number, history: Set<string>): string => {
    const ref: string = s.$ref || '';
    if (ref && history.has(ref)) return '';
    const next = new Set(history).add(ref);
    const r = resolveRef(ref) ?? s;
    let out = '';
    for (const k of goSortedKeys(r.properties ?? {})) {
      out += fieldDetail(k, r, req.recursive, level);
      if (req.recursive) out += fieldList(r.properties![k], level + 1, next);
    }
    for (const a of r.allOf ?? []) out += fieldList(a, level, next);
    if (r.items) out += fieldList(r.items, level, next);
    const ap = addl(r);
    if (ap) out += fieldList(ap, level, next);
    return out;
  };

  const output = (s: Schema, history: Set<string>, path: string[]): string => {
    const ref: string = s.$ref || '';
    const next = new Set(history).add(ref);
    const r = resolveRef(ref) ?? s;
    if (path.length === 0) {
      let out = 'DESCRIPTION:\n' + indent(4, wrapString(descriptionOf(r) || '<empty>', 76)) + '\n';
      const fl = fieldList(r, 1, new Set());
      if (fl) out += 'FIELDS:\n' + fl;
      return out;
    }
    if (ref && history.has(ref)) return '';
    const sub = isObj(r.properties) ? r.properties?.[path[0]] : undefined;
    if (sub) {
      let out = '';
      if (path.length === 1) out += `FIELD: ${path[0]} <${typeGuess(sub)}>\n` + extractEnum(sub, true, -1) + '\n\n';
      return out + output(sub, new Set(), path.slice(1));
    }
    if (r.items) return output(r.items, next, path);
    const ap = addl(r);
    if (ap) return output(ap, next, path);
    for (const a of r.allOf ?? []) {
      const o = output(a, next, path);
      if (o) return o;
    }
    return '';
  };

  const { gvk } = req;
  let head = '';
  if (gvk.group) head += `GROUP:      ${gvk.group}\n`;
  head += `KIND:       ${gvk.kind}\nVERSION:    ${gvk.version}\n\n`;
  const root = Object.values(schemas).find((s) =>
    (s['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind),
  );
  if (!root) throw Object.assign(new ExplainError(`error: GVK ${gvk.group}/${gvk.version}, Kind=${gvk.kind} not found in OpenAPI schema`), { partial: head });
  const body = output(root, new Set(), req.fieldPath);
  if (!body) throw Object.assign(new ExplainError(`error: field "${req.fieldPath[req.fieldPath.length - 1]}" does not exist`), { partial: head });
  return head + body + '\n';
}
