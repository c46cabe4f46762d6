// kubectl's manifest reading (cli-runtime resource.Builder FilenameParam + the YAML/JSON stream
// decoder) and the RESTMapper step that turns apiVersion/kind into a resource.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as YAML from 'yaml';
import { UserError } from '../errors.js';
import { jsonKind } from '../util/go.js';
import { GO_YAML_HINT, resolveGoYamlNumber } from './goyaml_number.js';
import { RESOURCES, apiVersionOf, type ResourceInfo } from './resources.js';

export interface ManifestDoc {
  source: string;
  /** an item of a List document (kubectl's builder checks the List's own metadata, not its items') */
  fromList?: boolean;
  // any: the document as parsed, of any shape; callers read it as kubectl's unstructured objects do
  // and the apiserver's decoding types it (a decoding boundary).
  object: Record<string, any>;
}

export interface LoadResult {
  docs: ManifestDoc[];
  errors: UserError[];
}

const MANIFEST_EXTENSIONS = ['.json', '.yaml', '.yml'];

/**
 * Read `-f` arguments in order. Every error is a UserError whose message is what kubectl prints
 * (with the `error: ` prefix). A file that fails to parse contributes no documents; the other
 * files still load.
 */
/** urls: what each http(s) path read as (its text, or the error to report), fetched beforehand (src/cli/urls.ts). */
export function loadManifests(paths: string[], opts: { readStdin?: () => string; recursive?: boolean; urls?: Map<string, string | Error> } = {}): LoadResult {
  const docs: ManifestDoc[] = [];
  const errors: UserError[] = [];
  const addFile = (source: string, text: string) => {
    try {
      docs.push(...parseManifestText(text, source));
    } catch (e) {
      if (e instanceof UserError) errors.push(e);
      else throw e;
    }
  };
  for (const p of paths) {
    if (p === '-') {
      const text = opts.readStdin ? opts.readStdin() : readFileSync(0, 'utf8');
      addFile('STDIN', text);
      continue;
    }
    if (/^https?:\/\//.test(p)) {
      const got = opts.urls?.get(p);
      if (typeof got === 'string') addFile(p, got);
      else errors.push(new UserError(got?.message ?? `error: kjob: the URL ${p} was not read`));
      continue;
    }
    if (!existsSync(p)) {
      errors.push(new UserError(`error: the path "${p}" does not exist`));
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      errors.push(new UserError(`error: ${(e as Error).message}`));
      continue;
    }
    if (st.isDirectory()) {
      const files = listManifestFiles(p, !!opts.recursive);
      // resource.Builder's Path: a directory without one manifest file is an error of its own
      if (!files.length) errors.push(new UserError(`error: error reading [${p}]: recognized file extensions are [${MANIFEST_EXTENSIONS.join(' ')}]`));
      for (const f of files) {
        addFile(f, readFileSync(f, 'utf8'));
      }
    } else {
      let text: string;
      try {
        text = readFileSync(p, 'utf8');
      } catch (e) {
        errors.push(new UserError(`error: ${(e as Error).message}`));
        continue;
      }
      addFile(p, text);
    }
  }
  return { docs, errors };
}

/** filepath.Walk order (lexical), files ending .json/.yaml/.yml; subdirectories only with -R. */
function listManifestFiles(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  const names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const full = join(dir, name);
    let st;
    try {
      st = statSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (recursive) out.push(...listManifestFiles(full, true));
    } else if (MANIFEST_EXTENSIONS.some((ext) => name.endsWith(ext))) {
      out.push(full);
    }
  }
  return out;
}

/** Parse one file/stream into objects (lists expanded, empty documents skipped). Throws UserError. */
export function parseManifestText(text: string, source: string): ManifestDoc[] {
  const values: unknown[] = /^\s*\{/.test(text) ? parseJSONStream(text, source) : parseYAMLStream(text, source);
  const docs: ManifestDoc[] = [];
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new UserError(`error: unable to decode "${source}": json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`);
    }
    expand(v as Record<string, unknown>, source, docs);
  }
  return docs;
}

function expand(obj: Record<string, unknown>, source: string, out: ManifestDoc[], fromList = false): void {
  const kind = obj.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(obj.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    for (const item of obj.items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const o = { ...item };
      // typed lists (JobList) may omit the items' apiVersion/kind
      if (itemKind && o.kind === undefined) o.kind = itemKind;
      if (itemKind && o.apiVersion === undefined && obj.apiVersion !== undefined) o.apiVersion = obj.apiVersion;
      expand(o, source, out, true);
    }
    return;
  }
  out.push(fromList ? { source, object: obj, fromList } : { source, object: obj });
}

// ---- YAML: k8s.io/apimachinery yaml.NewYAMLReader splits on "---" lines, and each document is
// converted with sigs.k8s.io/yaml (go-yaml v2), whose messages we imitate.

function splitYAMLDocuments(text: string): string[] {
  const docs: string[] = [];
  let buf: string[] = [];
  const lines = text.split(/(?<=\n)/);
  for (const line of lines) {
    if (line.startsWith('---') && /^---\s*(#.*)?$/.test(line.replace(/\r?\n$/, ''))) {
      if (buf.length) docs.push(buf.join(''));
      buf = [];
      continue;
    }
    buf.push(line);
  }
  if (buf.length) docs.push(buf.join(''));
  return docs;
}

const goYamlNumber: YAML.ScalarTag = { identify: (v) => typeof v === 'number', default: true, tag: 'tag:yaml.org,2002:float', test: GO_YAML_HINT, resolve: resolveGoYamlNumber };
/** An explicit `!!int` (`replicas: !!int "3"`): read by the same rules; plain scalars are goYamlNumber's. */
const goYamlInt: YAML.ScalarTag = { ...goYamlNumber, default: false, tag: 'tag:yaml.org,2002:int' };

/**
 * The yaml package's YAML 1.1 tags as go-yaml v2 resolves plain scalars: its booleans, nulls,
 * .inf/.nan and merge keys as they are; its integers and floats replaced by go-yaml's (above),
 * after .inf/.nan; and no timestamps or 12:30-style sexagesimals, which go-yaml leaves as strings
 * when decoding to JSON.
 */
function goYamlTags(tags: YAML.Tags): YAML.Tags {
  const out: YAML.Tags = [];
  for (const t of tags) {
    if (typeof t === 'string') {
      out.push(t);
      continue;
    }
    const format = 'format' in t ? t.format : undefined;
    if (t.tag === 'tag:yaml.org,2002:timestamp' || format === 'TIME') continue;
    // The yaml package's numbers go, but for .inf and .nan (a map entry in go-yaml too).
    const isNaNTag = t.tag === 'tag:yaml.org,2002:float' && t.test?.test('.nan') === true;
    if (isNaNTag || (t.tag !== 'tag:yaml.org,2002:int' && t.tag !== 'tag:yaml.org,2002:float')) out.push(t);
  }
  // Last: no tag left before it takes a scalar that starts with a digit, a sign or a dot but .inf and .nan.
  out.push(goYamlNumber, goYamlInt);
  return out;
}

/**
 * The yaml package's options that read YAML as kubectl does (sigs.k8s.io/yaml, which is go-yaml v2:
 * YAML 1.1's yes/no booleans and 0777 octals, merge keys, a repeated key's last value), for every
 * YAML a user gives kjob: manifests, an edited object, a patch.
 */
export const GO_YAML_OPTIONS = { uniqueKeys: false, version: '1.1', merge: true, customTags: goYamlTags } as const;

function parseYAMLStream(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  for (const docText of splitYAMLDocuments(text)) {
    const doc = YAML.parseDocument(docText, { ...GO_YAML_OPTIONS, prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new UserError(`error: error parsing ${source}: error converting YAML to JSON: yaml: ${goYamlMessage(doc.errors[0], docText)}`);
    }
    try {
      // The yaml package's default alias budget (100, weighted by the size each alias expands to)
      // refuses an alias bomb at once; go-yaml refuses it with this message.
      const value = doc.toJS({ maxAliasCount: 100 });
      // .inf and .nan are YAML numbers that encoding/json cannot write (keys in Go's map order).
      const bad = unsupportedJSONValue(value);
      if (bad !== undefined) throw new UserError(`error: error parsing ${source}: error converting YAML to JSON: json: unsupported value: ${bad}`);
      out.push(value);
    } catch (e) {
      if (e instanceof ReferenceError && /alias/i.test(e.message)) {
        throw new UserError(`error: error parsing ${source}: error converting YAML to JSON: yaml: document contains excessive aliasing`);
      }
      throw e;
    }
  }
  return out;
}

/** encoding/json's word for the first number it cannot write (+Inf, -Inf, NaN), keys in Go's map order; undefined when there is none. */
export function unsupportedJSONValue(v: unknown): string | undefined {
  const bad = firstNonFinite(v);
  return bad === undefined ? undefined : Number.isNaN(bad) ? 'NaN' : bad > 0 ? '+Inf' : '-Inf';
}

function firstNonFinite(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : v;
  if (Array.isArray(v)) {
    for (const e of v) {
      const r = firstNonFinite(e);
      if (r !== undefined) return r;
    }
  } else if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const k of keys) {
      const r = firstNonFinite((v as Record<string, unknown>)[k]);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

interface YamlErrLike {
  code: string;
  message: string;
  linePos?: [{ line: number; col: number }, { line: number; col: number }?] | { line: number; col: number }[];
}

/** Map a `yaml` package error to go-yaml v2's wording and line numbering. go-yaml reports scanner
 * errors with a 1-based line and parser errors with the 0-based line (a known off-by-one; no
 * "line N: " at all when that is 0). */
export function goYamlMessage(err: YamlErrLike, docText: string): string {
  const line = err.linePos?.[0]?.line ?? 0;
  const first = err.message.split('\n')[0];
  const scanner = (msg: string, l = line) => (l > 0 ? `line ${l}: ${msg}` : msg);
  const parser = (msg: string) => (line - 1 > 0 ? `line ${line - 1}: ${msg}` : msg);
  switch (err.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      return scanner('mapping values are not allowed in this context');
    case 'TAB_AS_INDENT':
    case 'BAD_SCALAR_START':
      return scanner('found character that cannot start any token');
    case 'BAD_INDENT':
    case 'UNEXPECTED_TOKEN':
    case 'MULTILINE_IMPLICIT_KEY':
      return parser('did not find expected key');
    case 'MISSING_CHAR':
      if (first.startsWith('Implicit map keys need to be followed by map values')) {
        return scanner("could not find expected ':'", nextTokenLine(docText, line));
      }
      if (first.startsWith('Sequence item without - indicator')) return parser('did not find expected key');
      if (first.startsWith('Missing closing')) return scanner('found unexpected end of stream', countLines(docText));
      break;
    case 'DUPLICATE_KEY':
      break;
  }
  return scanner(first.replace(/ at line \d+, column \d+:?$/, ''));
}

/** go-yaml notices a stale simple key at the next token: the first non-blank, non-comment line after `line`. */
function nextTokenLine(docText: string, line: number): number {
  const lines = docText.split('\n');
  for (let i = line; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t !== '' && !t.startsWith('#')) return i + 1;
  }
  return countLines(docText);
}

function countLines(docText: string): number {
  return docText.split('\n').length;
}

// ---- JSON: a stream of concatenated JSON values (json.Decoder). Error text UNCONFIRMED; we use
// kubectl's `json: offset N: ...` frame around Node's message.

function parseJSONStream(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  while (true) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const end = jsonValueEnd(text, i);
    const chunk = text.slice(i, end);
    try {
      out.push(JSON.parse(chunk));
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const off = m ? i + Number(m[1]) + 1 : end;
      const msg = (e as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/^Unexpected token '?(.)'?.*$/s, "invalid character '$1'");
      throw new UserError(`error: error parsing ${source}: json: offset ${off}: ${msg}`);
    }
    i = end;
  }
  return out;
}

/** End index (exclusive) of the JSON value starting at `start` (balanced braces, string-aware). */
function jsonValueEnd(text: string, start: number): number {
  const c = text[start];
  if (c !== '{' && c !== '[') {
    let j = start;
    while (j < text.length && !/[\s{[]/.test(text[j])) j++;
    return Math.max(j, start + 1);
  }
  let depth = 0;
  let inStr = false;
  for (let j = start; j < text.length; j++) {
    const ch = text[j];
    if (inStr) {
      if (ch === '\\') j++;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

// ---- RESTMapper

/**
 * Map apiVersion/kind to the resource, as kubectl's RESTMapper does (case-sensitive kind, exact
 * group/version). Throws UserError with kubectl's message.
 */
// any: a parsed manifest of any shape (a decoding boundary); every field read is checked with typeof.
export function resolveKind(obj: Record<string, any>, source: string): ResourceInfo {
  const kind = obj.kind;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  if (typeof kind !== 'string' || kind === '') {
    throw new UserError(`error: unable to decode "${source}": Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
  }
  const info = RESOURCES.find((r) => r.kind === kind && apiVersionOf(r) === apiVersion);
  if (!info) {
    const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
    const ns = typeof obj.metadata?.namespace === 'string' ? obj.metadata.namespace : '';
    let msg =
      `error: resource mapping not found for name: "${name}" namespace: "${ns}" from "${source}": ` +
      `no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`;
    if (apiVersion === 'batch/v1beta1' && (kind === 'CronJob' || kind === 'Job')) {
      msg += '\nkjob: batch/v1beta1 was removed in Kubernetes v1.25; use apiVersion: batch/v1';
    }
    throw new UserError(msg);
  }
  if (info.kind === 'Event') {
    const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
    throw new UserError(
      `error: kjob: events are read-only (kjob's controllers and kubelet write them); refusing to create event "${name}" from "${source}"`,
    );
  }
  return info;
}
