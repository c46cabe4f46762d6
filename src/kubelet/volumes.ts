// The kubelet's volume plugins for API-object volumes: configMap, secret, downwardAPI and
// projected (pkg/volume/configmap, secret, downwardapi, projected) and the AtomicWriter they
// share (pkg/volume/util/atomic_writer.go). A volume's files are written to
// pods/<uid>/volumes/<name> before its containers start and bind-mounted read-only (sandbox.ts
// containerMounts). As in Kubernetes, the directory holds a timestamped data directory, a
// `..data` symlink to it, and one symlink per top-level file into `..data`, so a refresh (a new
// ConfigMap version) swaps all files at once.
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import type { KObject, PodObject, Volume } from '../api/types.js';
import type { DownwardAPIVolumeFile, KeyToPath } from 'kubernetes-types/core/v1.js';
import { fieldRefValue, notFoundMessage, resourceFieldRefValue, type ObjectGetter } from './env.js';
import { twoDigits } from '../util/go.js';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

export type Payload = Map<string, FileProjection>;

/** The projected volume the ServiceAccount admission plugin adds: there is no API server to
 * issue its token or CA, so it is not materialised (and not mounted, see containerMounts). */
export function isServiceAccountTokenVolume(v: Volume | undefined): boolean {
  return !!v?.projected && String(v.name ?? '').startsWith('kube-api-access-');
}

/** Whether kjob's kubelet writes this volume's files (the API-object volume types). */
export function isObjectVolume(v: Volume | undefined): boolean {
  return !!(v?.configMap || v?.secret || v?.downwardAPI || v?.projected) && !isServiceAccountTokenVolume(v);
}

/** The ConfigMaps and Secrets a pod reads: env, envFrom (all containers) and volumes. */
export function referencedObjects(pod: PodObject): { kind: 'ConfigMap' | 'Secret'; name: string }[] {
  const out: { kind: 'ConfigMap' | 'Secret'; name: string }[] = [];
  const spec = pod.spec;
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const e of c.env ?? []) {
      if (e?.valueFrom?.configMapKeyRef) out.push({ kind: 'ConfigMap', name: e.valueFrom.configMapKeyRef.name ?? '' });
      if (e?.valueFrom?.secretKeyRef) out.push({ kind: 'Secret', name: e.valueFrom.secretKeyRef.name ?? '' });
    }
    for (const ef of c.envFrom ?? []) {
      if (ef?.configMapRef) out.push({ kind: 'ConfigMap', name: ef.configMapRef.name ?? '' });
      if (ef?.secretRef) out.push({ kind: 'Secret', name: ef.secretRef.name ?? '' });
    }
  }
  for (const v of spec?.volumes ?? []) {
    if (!isObjectVolume(v)) continue;
    if (v.configMap) out.push({ kind: 'ConfigMap', name: v.configMap.name ?? '' });
    if (v.secret) out.push({ kind: 'Secret', name: v.secret.secretName ?? '' });
    for (const s of v.projected?.sources ?? []) {
      if (s?.configMap) out.push({ kind: 'ConfigMap', name: s.configMap.name ?? '' });
      if (s?.secret) out.push({ kind: 'Secret', name: s.secret.name ?? '' });
    }
  }
  return out;
}

export function podReferences(pod: PodObject, kind: string, name: string): boolean {
  return referencedObjects(pod).some((r) => r.kind === kind && r.name === name);
}

/** A ConfigMap's files: data and binaryData (configmap.MakePayload); a Secret's data (secret.MakePayload). */
function objectFiles(obj: KObject): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (obj.kind === 'ConfigMap') {
    for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string | null>)) files.set(k, Buffer.from(v ?? '', 'utf8'));
    for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string | null>)) files.set(k, Buffer.from(v ?? '', 'base64'));
  } else {
    for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string | null>)) files.set(k, Buffer.from(v ?? '', 'base64'));
  }
  return files;
}

/** MakePayload of the configmap and secret plugins (items select and rename keys). */
function keyPayload(obj: KObject, items: readonly KeyToPath[] | undefined, defaultMode: number, optional: boolean, payload: Payload): void {
  const files = objectFiles(obj);
  if (!items || items.length === 0) {
    for (const [k, data] of files) payload.set(k, { data, mode: defaultMode });
    return;
  }
  for (const it of items) {
    const data = files.get(it.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(obj.kind === 'ConfigMap' ? `configmap references non-existent config key: ${it.key}` : `references non-existent secret key: ${it.key}`);
    }
    payload.set(it.path, { data, mode: it.mode ?? defaultMode });
  }
}

/** downwardapi.CollectData: fieldRef items, and resourceFieldRef items of the named container
 * (the apiserver requires containerName in a volume) with unset limits as the node's allocatable. */
function downwardPayload(pod: PodObject, items: readonly DownwardAPIVolumeFile[] | undefined, defaultMode: number, payload: Payload, allocatable: Record<string, string>): void {
  for (const it of items ?? []) {
    const p = path.posix.normalize(String(it.path ?? ''));
    const value = it.fieldRef ? fieldRefValue(pod, it.fieldRef.fieldPath, '') : it.resourceFieldRef ? resourceFieldRefValue(pod, undefined, it.resourceFieldRef, allocatable) : '';
    payload.set(p, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode });
  }
}

/** Go's utilerrors.NewAggregate(...).Error(). */
function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

/**
 * The files of one API-object volume, or the error its SetUp fails with (`configmap "x" not
 * found`, `references non-existent secret key: k`). An optional missing object gives no files.
 */
export function volumePayload(pod: PodObject, v: Volume, objects: ObjectGetter, allocatable: Record<string, string> = {}): { payload: Payload } | { error: string } {
  const ns = pod.metadata.namespace ?? 'default';
  const payload: Payload = new Map();
  const get = (kind: 'ConfigMap' | 'Secret', name: string, optional: boolean): KObject | null => {
    const obj = objects(kind, ns, name);
    if (obj) return obj;
    if (optional) return null;
    throw new Error(notFoundMessage(kind, name));
  };
  try {
    if (v.configMap) {
      const optional = v.configMap.optional === true;
      const obj = get('ConfigMap', v.configMap.name ?? '', optional);
      if (obj) keyPayload(obj, v.configMap.items, v.configMap.defaultMode ?? 0o644, optional, payload);
    } else if (v.secret) {
      const optional = v.secret.optional === true;
      const obj = get('Secret', v.secret.secretName ?? '', optional);
      if (obj) keyPayload(obj, v.secret.items, v.secret.defaultMode ?? 0o644, optional, payload);
    } else if (v.downwardAPI) {
      downwardPayload(pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? 0o644, payload, allocatable);
    } else if (v.projected) {
      const mode = v.projected.defaultMode ?? 0o644;
      const errs: string[] = [];
      for (const s of v.projected.sources ?? []) {
        try {
          if (s?.configMap) {
            const obj = get('ConfigMap', s.configMap.name ?? '', s.configMap.optional === true);
            if (obj) keyPayload(obj, s.configMap.items, mode, s.configMap.optional === true, payload);
          } else if (s?.secret) {
            const obj = get('Secret', s.secret.name ?? '', s.secret.optional === true);
            if (obj) keyPayload(obj, s.secret.items, mode, s.secret.optional === true, payload);
          } else if (s?.downwardAPI) {
            downwardPayload(pod, s.downwardAPI.items, mode, payload, allocatable);
          }
          // serviceAccountToken: skipped, there is no API server to issue a token.
        } catch (e) {
          errs.push((e as Error).message);
        }
      }
      if (errs.length > 0) return { error: aggregate(errs) };
    }
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { payload };
}

// ---------------------------------------------------------------------------------------------
// AtomicWriter

const DATA_DIR = '..data';

/** `..2006_01_02_15_04_05.<digits>`: os.MkdirTemp(dir, time.Now().UTC().Format("..2006_01_02_15_04_05.")). */
function timestampedDirName(now: Date): string {
  return `..${now.getUTCFullYear()}_${twoDigits(now.getUTCMonth() + 1)}_${twoDigits(now.getUTCDate())}_${twoDigits(now.getUTCHours())}_${twoDigits(now.getUTCMinutes())}_${twoDigits(now.getUTCSeconds())}.${randomInt(1e9)}`;
}

/** Whether the volume has been set up once (its `..data` link exists). */
export function volumeIsSetUp(dir: string): boolean {
  try {
    fs.readlinkSync(path.join(dir, DATA_DIR));
    return true;
  } catch {
    return false;
  }
}

function samePayload(dataDir: string, payload: Payload): boolean {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dataDir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else found.push(r);
    }
  };
  try {
    walk('');
  } catch {
    return false;
  }
  if (found.length !== payload.size) return false;
  for (const [p, f] of payload) {
    try {
      const file = path.join(dataDir, p);
      if ((fs.statSync(file).mode & 0o777) !== (f.mode & 0o777)) return false;
      if (!fs.readFileSync(file).equals(f.data)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * AtomicWriter.Write: the payload in a new timestamped directory, `..data` switched to it with
 * one rename, the top-level symlinks created or removed, the old directory removed. Nothing is
 * written when the payload is what `..data` already holds. Returns whether anything changed.
 */
export function writePayload(dir: string, payload: Payload, now: Date): boolean {
  fs.mkdirSync(dir, { recursive: true });
  const dataLink = path.join(dir, DATA_DIR);
  let oldTs: string | undefined;
  try {
    oldTs = fs.readlinkSync(dataLink);
  } catch {
    /* first write */
  }
  if (oldTs && samePayload(path.join(dir, oldTs), payload)) return false;
  const ts = timestampedDirName(now);
  const tsDir = path.join(dir, ts);
  fs.mkdirSync(tsDir, { mode: 0o755 });
  fs.chmodSync(tsDir, 0o755);
  for (const [p, f] of payload) {
    const file = path.join(tsDir, p);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, f.data);
    fs.chmodSync(file, f.mode & 0o777);
  }
  const tmpLink = path.join(dir, '..data_tmp');
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(ts, tmpLink);
  fs.renameSync(tmpLink, dataLink);
  const top = new Set([...payload.keys()].map((p) => p.split('/')[0]));
  for (const name of top) {
    const link = path.join(dir, name);
    if (!fs.existsSync(link) && !isLink(link)) fs.symlinkSync(path.posix.join(DATA_DIR, name), link);
  }
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('..') || top.has(name)) continue;
    if (isLink(path.join(dir, name))) fs.rmSync(path.join(dir, name), { force: true });
  }
  if (oldTs && oldTs !== ts) fs.rmSync(path.join(dir, oldTs), { recursive: true, force: true });
  return true;
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
