// `kjob create job|cronjob NAME ...`: kubectl's imperative generators (create_job.go,
// create_cronjob.go). The object is built as kubectl builds it (a typed object: -o json follows
// the Go struct field order, -o yaml sorts keys), then created through the apiserver path.
import { printServerWarnings } from './global_flags.js';
import { requireFlags } from './klog.js';
import { asKind, ZERO_TIME, type KObject } from '../api/types.js';
import { resourceForKind, kindGroup } from '../api/resources.js';
import { resolveResource } from '../api/resources.js';
import { UserError, StatusError } from '../errors.js';
import type { GenericPrinter } from '../printers/generic.js';
import { objectPrinter, type ObjectOutputOptions } from './object_output.js';
import { readable, validationDirective } from '../apiserver/decode.js';
import type { Context } from './context.js';
import { dryRunSuffix, type DryRun } from './dry_run.js';
import { goErrnoText, goJSONEscapes } from '../util/go.js';
import { namespaceCreated } from './apply.js';
import { asTypedJSON } from '../api/typed_json.js';
import type { IO } from './io.js';
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { isConfigMapKey, isEnvVarName } from '../api/names.js';

/** The flags every create subcommand has (kubectl's PrintFlags, AddApplyAnnotationFlags, AddValidateFlags, AddDryRunFlag, AddFieldManagerFlagVar). */
export interface CreateCommonOptions extends ObjectOutputOptions {
  saveConfig?: boolean;
  dryRun?: DryRun;
  /** --validate: strict|true (default), warn, ignore|false */
  validate?: string | boolean;
  fieldManager?: string;
}

export interface CreateJobOptions extends CreateCommonOptions {
  image?: string;
  from?: string;
}

export interface CreateCronJobOptions extends CreateCommonOptions {
  image?: string;
  schedule?: string;
  restart?: string;
}

/** An object's metadata as a generator sets it: the namespace only when the user named one (EnforceNamespace). */
export function generatedMetadata(ctx: Context, name: string, namespaced: boolean, labels?: Record<string, string>): KObject['metadata'] {
  return {
    name,
    ...(namespaced && ctx.explicitNamespace ? { namespace: ctx.namespace } : {}),
    creationTimestamp: ZERO_TIME,
    ...(labels ? { labels } : {}),
  };
}

/** What a generator's Complete settles before its own checks: the name, the printer, and how the object is to be created. */
export interface Completed {
  name: string;
  printer: GenericPrinter | undefined;
  saveConfig: boolean;
  dryRun: DryRun | undefined;
  fieldValidation: ReturnType<typeof validationDirective>;
  fieldManager: string;
}

/**
 * The one NAME, then the printer -o asks for, then the validation directive, in the order of
 * kubectl's Complete, which builds the printer before anything is created (a bad template creates
 * nothing).
 */
export async function checkArgs(what: string, names: string[], opts: CreateCommonOptions): Promise<Completed> {
  if (names.length !== 1) {
    throw new UserError(`error: exactly one NAME is required, got ${names.length}\nSee 'kjob create ${what} -h' for help and examples`);
  }
  const printer = await objectPrinter(opts, { typedJSON: true });
  return { name: names[0], printer, saveConfig: opts.saveConfig === true, dryRun: opts.dryRun, fieldValidation: validationDirective(opts.validate), fieldManager: opts.fieldManager ?? 'kubectl-create' };
}

/** `kjob create job NAME --image=IMG [-- CMD...]` or `kjob create job NAME --from=cronjob/CJ`. */
export async function createJob(ctx: Context, names: string[], command: string[], opts: CreateJobOptions, io: IO): Promise<number> {
  const completed = await checkArgs('job', names, opts);
  const { name } = completed;
  if ((!opts.image && !opts.from) || (opts.image && opts.from)) throw new UserError('error: either --image or --from must be specified');
  if (opts.from && command.length > 0) throw new UserError('error: cannot specify --from and command');
  let job: KObject;
  if (opts.image) {
    const container: Record<string, unknown> = { name, image: opts.image };
    if (command.length > 0) container.command = command;
    container.resources = {};
    job = {
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: generatedMetadata(ctx, name, true),
      spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [container], restartPolicy: 'Never' } } },
      status: {},
    };
  } else {
    const slash = opts.from!.indexOf('/');
    const res = slash > 0 ? resolveResource(opts.from!.slice(0, slash)) : undefined;
    if (slash <= 0 || !res) throw new UserError(`error: from must be of the form <resource>/<name>`);
    if (res.kind !== 'CronJob') throw new UserError(`error: unknown object type *v1.${res.kind}`);
    const cjName = opts.from!.slice(slash + 1);
    // The builder's get: its NotFound as it is (the namespace's, when that is what is missing).
    const storedCj = await ctx.client.get(res, ctx.namespace, cjName);
    // kubectl's typed client: the CronJob as its Go struct holds it (the template's fields in struct order).
    const cj = asKind('CronJob', asTypedJSON(readable('CronJob', storedCj)));
    const jt = cj.spec?.jobTemplate ?? {};
    const annotations: Record<string, string> = { 'cronjob.kubernetes.io/instantiate': 'manual', ...(jt.metadata?.annotations ?? {}) };
    const metadata: Record<string, unknown> = { name };
    if (ctx.explicitNamespace) metadata.namespace = ctx.namespace;
    metadata.creationTimestamp = null;
    if (jt.metadata?.labels) metadata.labels = jt.metadata.labels;
    metadata.annotations = annotations;
    // kubectl does not use NewControllerRef: no blockOwnerDeletion.
    metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid, controller: true }];
    job = { kind: 'Job', apiVersion: 'batch/v1', metadata: metadata as KObject['metadata'], spec: structuredClone(jt.spec ?? {}), status: {} };
  }
  return finish(ctx, job, completed, io, failedToCreate('job'));
}

/** `kjob create cronjob NAME --image=IMG --schedule=SPEC [--restart=OnFailure|Never] [-- CMD...]`. */
export async function createCronJob(ctx: Context, names: string[], command: string[], opts: CreateCronJobOptions, io: IO): Promise<number> {
  requireFlags({ image: opts.image, schedule: opts.schedule });
  const completed = await checkArgs('cronjob', names, opts);
  const { name } = completed;
  const container: Record<string, unknown> = { name, image: opts.image };
  if (command.length > 0) container.command = command;
  container.resources = {};
  const cj: KObject = {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    metadata: generatedMetadata(ctx, name, true),
    spec: {
      schedule: opts.schedule,
      jobTemplate: {
        metadata: { name, creationTimestamp: null },
        spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [container], restartPolicy: opts.restart || 'OnFailure' } } },
      },
    },
    status: {},
  };
  return finish(ctx, cj, completed, io, failedToCreate('cronjob'));
}

/**
 * How a generator words the apiserver's refusal (kubectl's own text around it: create job's
 * "failed to create job: ...", create secret docker-registry's "failed to create secret ..."), or
 * undefined where kubectl hands the error on as it is ("Error from server (AlreadyExists): ...").
 */
export type CreateFailure = ((message: string) => string) | undefined;

export const failedToCreate = (what: string): CreateFailure => (message) => `error: failed to create ${what}: ${message}`;

/** create_secret.go's and its subcommands' wording, without the colon. */
const failedToCreateSecret: CreateFailure = (message) => `error: failed to create secret ${message}`;

/** The generator's object (with --save-config's annotation) printed (--dry-run=client), or created, then the object the apiserver returned printed. */
export async function finish(ctx: Context, obj: KObject, c: Completed, io: IO, failure: CreateFailure): Promise<number> {
  const info = resourceForKind(obj.kind)!;
  if (c.saveConfig) saveConfig(obj);
  if (c.dryRun === 'client') {
    print(obj, c.printer, dryRunSuffix('client'), io);
    return 0;
  }
  const manifest = structuredClone(obj);
  const namespace = info.namespaced ? ctx.namespace : undefined;
  if (namespace !== undefined) manifest.metadata.namespace = namespace;
  delete manifest.metadata.creationTimestamp;
  delete manifest.status;
  let created: KObject;
  try {
    const r = await ctx.client.create(info, namespace, manifest, { dryRun: c.dryRun === 'server', fieldValidation: c.fieldValidation, fieldManager: c.fieldManager });
    printServerWarnings(io, r.warnings);
    created = r.object;
  } catch (e) {
    if (e instanceof StatusError && failure) throw new UserError(failure(e.message));
    throw e;
  }
  if (c.dryRun !== 'server') namespaceCreated(ctx, info, created);
  // kubectl's typed client decodes the apiserver's answer into its Go struct before printing it.
  print(c.printer ? asTypedJSON(created) : created, c.printer, dryRunSuffix(c.dryRun), io);
  return 0;
}

/** -o's printer (its JSON in the Go struct's field order: the object kjob built is a typed one to kubectl), else the created line. */
function print(obj: KObject, printer: GenericPrinter | undefined, suffix: string, io: IO): void {
  if (printer) printer(obj, io.out);
  else io.out(`${kindGroup(resourceForKind(obj.kind)!)}/${obj.metadata.name} created${suffix}\n`);
}

// ---------------------------------------------------------------------------------------------
// `kjob create configmap` and `kjob create secret generic` (create_configmap.go, create_secret.go)

export interface CreateDataOptions extends CreateCommonOptions {
  /** --append-hash: the name gets the hash of the object's content (hash.ConfigMapHash, SecretHash) */
  appendHash?: boolean;
  fromFile?: string[];
  fromLiteral?: string[];
  fromEnvFile?: string[];
  /** secret only */
  type?: string;
  saveConfig?: boolean;
  dryRun?: DryRun;
}

/** util.ParseLiteralSource: `key=value`, split at the first '='. */
function parseLiteralSource(source: string): [string, string] {
  const i = source.indexOf('=');
  if (i <= 0) throw new UserError(`error: invalid literal source ${source}, expected key=value`);
  return [source.slice(0, i), source.slice(i + 1)];
}

/** util.ParseFileSource: `path` (key: its base name) or `key=path`. */
function parseFileSource(source: string): [string, string] {
  const n = source.split('=').length - 1;
  if (n === 0) return [path.posix.basename(source), source];
  if (n === 1 && source.startsWith('=')) throw new UserError(`error: key name for file path ${source.slice(1)} missing`);
  if (n === 1 && source.endsWith('=')) throw new UserError(`error: file path for key name ${source.slice(0, -1)} missing`);
  if (n > 1) throw new UserError("error: key names or file paths cannot contain '='");
  const [k, p] = source.split('=');
  return [k, p];
}

function statSource(p: string): fs.Stats {
  try {
    return fs.statSync(p);
  } catch (e) {
    throw new UserError(`error: error reading ${p}: ${goErrnoText(e)}`);
  }
}

function readSource(p: string): Buffer {
  try {
    return fs.readFileSync(p);
  } catch (e) {
    throw new UserError(`error: open ${p}: ${goErrnoText(e)}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function validUTF8(b: Buffer): boolean {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** The regular files of a --from-file directory, as os.ReadDir lists them (sorted by name). */
function dirFiles(dir: string, source: string): [string, string][] {
  if (source.includes('=')) throw new UserError('error: cannot give a key name for a directory path');
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new UserError(`error: error listing files in ${dir}: ${goErrnoText(e)}`);
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => [n, path.posix.join(dir, n)]);
}

/** cmdutil.AddFromEnvFile: KEY=VALUE lines (KEY alone: from kjob's environment), # comments. */
function envFileEntries(file: string, what: 'config' | 'secret'): [string, string][] {
  const st = statSource(file);
  if (st.isDirectory()) throw new UserError(`error: env ${what} file cannot be a directory`);
  const buf = readSource(file);
  const out: [string, string][] = [];
  // bufio.ScanLines: lines end at '\n' (a '\r' before it is dropped); no empty last line.
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a) {
      lines.push(buf.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < buf.length) lines.push(buf.subarray(start));
  lines.forEach((raw, n) => {
    const line = raw.length && raw[raw.length - 1] === 0x0d ? raw.subarray(0, -1) : raw;
    if (!validUTF8(line)) throw new UserError(`error: env file ${file} contains invalid utf8 bytes at line ${n + 1}: [${[...line].join(' ')}]`);
    let text = line.toString('utf8');
    if (n === 0) text = text.replace(/^\uFEFF/, '');
    text = text.replace(/^\s+/u, '');
    if (text.length === 0 || text.startsWith('#')) return;
    const eq = text.indexOf('=');
    const key = eq < 0 ? text : text.slice(0, eq);
    const errs = isEnvVarName(key);
    if (errs.length) throw new UserError(`error: ${goQuoteKey(key)} is not a valid key name: ${errs.join(';')}`);
    out.push([key, eq < 0 ? (process.env[key] ?? '') : text.slice(eq + 1)]);
  });
  return out;
}

const goQuoteKey = (k: string) => JSON.stringify(k);
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedRecord = <T>(m: Map<string, T>): Record<string, T> => Object.fromEntries([...m.keys()].sort(byteOrder).map((k) => [k, m.get(k)!]));

function checkDataSources(opts: CreateDataOptions): void {
  if ((opts.fromEnvFile ?? []).length > 0 && ((opts.fromFile ?? []).length > 0 || (opts.fromLiteral ?? []).length > 0)) {
    throw new UserError('error: from-env-file cannot be combined with from-file or from-literal');
  }
}

/** `kjob create configmap NAME [--from-file=[key=]source] [--from-literal=key=value] [--from-env-file=file]`. */
export async function createConfigMap(ctx: Context, names: string[], opts: CreateDataOptions, io: IO): Promise<number> {
  const completed = await checkArgs('configmap', names, opts);
  const { name } = completed;
  checkDataSources(opts);
  const data = new Map<string, string>();
  const binary = new Map<string, string>();
  const add = (key: string, value: Buffer | string) => {
    const errs = isConfigMapKey(key);
    if (errs.length) throw new UserError(`error: ${goQuoteKey(key)} is not a valid key name for a ConfigMap: ${errs.join(',')}`);
    if (data.has(key)) throw new UserError(`error: cannot add key ${goQuoteKey(key)}, another key by that name already exists in Data for ConfigMap ${goQuoteKey(name)}`);
    if (binary.has(key)) throw new UserError(`error: cannot add key ${goQuoteKey(key)}, another key by that name already exists in BinaryData for ConfigMap ${goQuoteKey(name)}`);
    if (typeof value === 'string') data.set(key, value);
    else if (validUTF8(value)) data.set(key, value.toString('utf8'));
    else binary.set(key, value.toString('base64'));
  };
  for (const source of opts.fromFile ?? []) {
    const [key, file] = parseFileSource(source);
    if (statSource(file).isDirectory()) for (const [k, f] of dirFiles(file, source)) add(k, readSource(f));
    else add(key, readSource(file));
  }
  for (const source of opts.fromLiteral ?? []) add(...parseLiteralSource(source));
  for (const file of opts.fromEnvFile ?? []) for (const [k, v] of envFileEntries(file, 'config')) add(k, v);
  const cm: KObject = {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: generatedMetadata(ctx, name, true),
  };
  if (data.size > 0) cm.data = sortedRecord(data);
  if (binary.size > 0) cm.binaryData = sortedRecord(binary);
  // createConfigMap starts from empty maps: no data hashes as {}, and binaryData only when there is some.
  if (opts.appendHash) cm.metadata.name = `${name}-${contentHash({ kind: 'ConfigMap', name, data: cm.data ?? {}, ...(cm.binaryData ? { binaryData: cm.binaryData } : {}) })}`;
  return finish(ctx, cm, completed, io, failedToCreate('configmap'));
}

/**
 * A Secret's data from --from-literal, --from-file and --from-env-file, in that order
 * (create_secret.go's handleSecretFrom*Sources), base64 as the Secret keeps it.
 */
function secretData(opts: Pick<CreateDataOptions, 'fromLiteral' | 'fromFile' | 'fromEnvFile'>): Map<string, string> {
  const data = new Map<string, string>();
  const add = (key: string, value: Buffer | string) => {
    const errs = isConfigMapKey(key);
    if (errs.length) throw new UserError(`error: ${goQuoteKey(key)} is not valid key name for a Secret ${errs.join(';')}`);
    if (data.has(key)) throw new UserError(`error: cannot add key ${key}, another key by that name already exists`);
    data.set(key, Buffer.from(value).toString('base64'));
  };
  for (const source of opts.fromLiteral ?? []) add(...parseLiteralSource(source));
  for (const source of opts.fromFile ?? []) {
    const [key, file] = parseFileSource(source);
    if (statSource(file).isDirectory()) for (const [k, f] of dirFiles(file, source)) add(k, readSource(f));
    else add(key, readSource(file));
  }
  for (const file of opts.fromEnvFile ?? []) for (const [k, v] of envFileEntries(file, 'secret')) add(k, v);
  return data;
}

/** newSecretObj: a Secret of this type; data, when there is any, in key order. */
function secretOf(ctx: Context, name: string, data: Map<string, string>, type: string | undefined): KObject {
  const secret: KObject = {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: generatedMetadata(ctx, name, true),
  };
  if (data.size > 0) secret.data = sortedRecord(data);
  if (type) secret.type = type;
  return secret;
}

/** `kjob create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key=value] [--from-env-file=file]`. */
export async function createSecretGeneric(ctx: Context, names: string[], opts: CreateDataOptions, io: IO): Promise<number> {
  const completed = await checkArgs('secret generic', names, opts);
  checkDataSources(opts);
  const secret = secretOf(ctx, completed.name, secretData(opts), opts.type);
  if (opts.appendHash) appendSecretHash(secret, opts.type ?? '');
  return finish(ctx, secret, completed, io, failedToCreateSecret);
}

export interface CreateDockerRegistryOptions extends CreateCommonOptions {
  appendHash?: boolean;
  dockerUsername?: string;
  dockerPassword?: string;
  dockerEmail?: string;
  dockerServer?: string;
  fromFile?: string[];
  saveConfig?: boolean;
  dryRun?: DryRun;
}

/** The key of a kubernetes.io/dockerconfigjson Secret (corev1.DockerConfigJsonKey). */
const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';

/**
 * `kjob create secret docker-registry NAME --docker-username=U --docker-password=P
 * [--docker-email=E] [--docker-server=S]` or `--from-file=[key=]config.json`.
 */
export async function createSecretDockerRegistry(ctx: Context, names: string[], opts: CreateDockerRegistryOptions, io: IO): Promise<number> {
  const completed = await checkArgs('secret docker-registry', names, opts);
  const { name } = completed;
  // A file without a key is the config's own key.
  const fromFile = (opts.fromFile ?? []).map((f) => (f.includes('=') ? f : `${DOCKER_CONFIG_JSON_KEY}=${f}`));
  const username = opts.dockerUsername ?? '';
  const password = opts.dockerPassword ?? '';
  const server = opts.dockerServer ?? 'https://index.docker.io/v1/';
  if (name.length === 0) throw new UserError('error: name must be specified');
  if (fromFile.length === 0 && (username.length === 0 || password.length === 0 || server.length === 0)) {
    throw new UserError('error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
  }
  let data: Map<string, string>;
  if (fromFile.length > 0) data = secretData({ fromFile });
  else {
    // DockerConfigJSON as encoding/json marshals it: the entry's empty fields left out.
    const entry: Record<string, string> = {};
    if (username) entry.username = username;
    if (password) entry.password = password;
    if (opts.dockerEmail) entry.email = opts.dockerEmail;
    entry.auth = Buffer.from(`${username}:${password}`).toString('base64');
    data = new Map([[DOCKER_CONFIG_JSON_KEY, Buffer.from(goJSONEscapes(JSON.stringify({ auths: { [server]: entry } }))).toString('base64')]]);
  }
  const secret = secretOf(ctx, name, data, 'kubernetes.io/dockerconfigjson');
  if (opts.appendHash) appendSecretHash(secret, 'kubernetes.io/dockerconfigjson');
  return finish(ctx, secret, completed, io, failedToCreateSecret);
}

/**
 * kubectl's hash (pkg/util/hash): SHA-256 of the object's kind, name and content as encoding/json
 * marshals a map (keys sorted), its first ten hex digits with 0, 1, 3, a and e swapped for g, h,
 * k, m and t (so that the suffix spells no word), appended to the name by --append-hash.
 */
function contentHash(fields: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]]));
  const hex = createHash('sha256').update(goJSONEscapes(JSON.stringify(sorted))).digest('hex');
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

/** hash.SecretHash: kind, type, name and data (base64, as encoding/json writes []byte; {} for none: newSecretObj's empty map). */
function appendSecretHash(secret: KObject, type: string): void {
  secret.metadata.name = `${secret.metadata.name}-${contentHash({ kind: 'Secret', type, name: secret.metadata.name, data: secret.data ?? {} })}`;
}

/**
 * --save-config (CreateOrUpdateAnnotation): the object as kubectl encodes it (compact, struct
 * order), without the annotation itself, in the last-applied annotation beside the object's own
 * (a map: sorted), which follow the labels in ObjectMeta's order.
 */
export function saveConfig(obj: KObject): void {
  const value = goJSONEscapes(JSON.stringify(obj)) + '\n';
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}), 'kubectl.kubernetes.io/last-applied-configuration': value };
  obj.metadata = { ...obj.metadata, annotations: Object.fromEntries(Object.keys(annotations).sort().map((k) => [k, annotations[k]])) };
}
