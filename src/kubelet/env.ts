// Container environment and command line, as the kubelet builds them (kubelet_pods.go
// makeEnvironmentVariables, third_party/forked/golang/expansion).
import type { Container, KObject, PodObject } from '../api/types.js';
import type { ConfigMapEnvSource, ConfigMapKeySelector, EphemeralContainer, ResourceFieldSelector, SecretEnvSource, SecretKeySelector } from 'kubernetes-types/core/v1.js';

/** A container of any of the pod's three lists, as the kubelet runs it. */
export type AnyContainer = Container | EphemeralContainer;
import { extractContainerResourceValue, parseQuantityExact } from '../api/quantity.js';
import { goQuote } from '../util/go.js';
import { isRelaxedEnvVarName } from '../api/names.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** Kubernetes `$(VAR)` expansion: `$$` escapes, unknown references are left as written. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '$' && i + 1 < input.length) {
      const next = input[i + 1];
      if (next === '$') {
        out += '$';
        i += 2;
        continue;
      }
      if (next === '(') {
        const close = input.indexOf(')', i + 2);
        if (close < 0) {
          out += input.slice(i); // unterminated reference: written as is
          break;
        }
        const name = input.slice(i + 2, close);
        const v = lookup(name);
        out += v === undefined ? `$(${name})` : v;
        i = close + 1;
        continue;
      }
      out += ch + next;
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

function bracketKey(path: string, prefix: string): string | undefined {
  // metadata.labels['k'] or metadata.labels["k"]
  if (!path.startsWith(prefix + '[')) return undefined;
  const m = /^\[['"](.*)['"]\]$/.exec(path.slice(prefix.length));
  return m ? m[1] : undefined;
}

/** fieldpath.FormatMap: key="value" lines, keys sorted, values quoted as Go's %q. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k])}`)
    .join('\n');
}

/** Downward API fieldRef value, as kubelet podFieldSelectorRuntimeValue. */
export function fieldRefValue(pod: PodObject, fieldPath: string, hostIP: string, podIP = hostIP): string {
  const md = pod.metadata;
  switch (fieldPath) {
    case 'metadata.name': return md.name ?? '';
    case 'metadata.namespace': return md.namespace ?? '';
    case 'metadata.uid': return md.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return hostIP;
    case 'status.hostIPs': return hostIP;
    case 'status.podIP': return podIP; // the node's on the host network
    case 'status.podIPs': return podIP;
  }
  const lk = bracketKey(fieldPath, 'metadata.labels');
  if (lk !== undefined) return md.labels?.[lk] ?? '';
  const ak = bracketKey(fieldPath, 'metadata.annotations');
  if (ak !== undefined) return md.annotations?.[ak] ?? '';
  if (fieldPath === 'metadata.labels') return formatMap(md.labels);
  if (fieldPath === 'metadata.annotations') return formatMap(md.annotations);
  return '';
}

/**
 * Downward API resourceFieldRef value, as kubelet containerResourceRuntimeValue: of the named
 * container (containerName) or this one, its cpu, memory and ephemeral-storage limits defaulted
 * to the node's allocatable when unset or zero (defaultPodLimitsForDownwardAPI).
 */
export function resourceFieldRefValue(pod: PodObject, container: AnyContainer | undefined, ref: ResourceFieldSelector, allocatable: Record<string, string> = {}): string {
  const all: AnyContainer[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const target = ref.containerName ? all.find((c) => c.name === ref.containerName) : container;
  if (!target) return '';
  const limits: Record<string, string> = { ...(target.resources?.limits ?? {}) };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const cur = parseQuantityExact(limits[r] ?? '0');
    if ((!cur || cur.num === 0n) && allocatable[r] !== undefined) limits[r] = allocatable[r];
  }
  return extractContainerResourceValue(ref, { ...target, resources: { ...(target.resources ?? {}), limits } }) ?? '';
}

/** The kubelet's configMapManager / secretManager: an object of the pod's namespace, or undefined. */
export type ObjectGetter = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string) => KObject | undefined;

/** Why a container cannot be created (its waiting state is CreateContainerConfigError with this message). */
export class ContainerConfigError extends Error {}

/** What the apiserver's NotFound says for the kubelet's lookups: `configmap "x" not found`. */
export function notFoundMessage(kind: 'ConfigMap' | 'Secret', name: string): string {
  return `${kind.toLowerCase()} "${name}" not found`;
}

/** A ConfigMap's data or a Secret's (decoded) data as strings, as the kubelet's string(bytes). */
export function dataOf(obj: KObject): Record<string, string> {
  const out: Record<string, string> = {};
  const data = (obj.data ?? {}) as Record<string, string | null>;
  for (const [k, v] of Object.entries(data)) out[k] = obj.kind === 'Secret' ? Buffer.from(v ?? '', 'base64').toString('utf8') : (v ?? '');
  return out;
}

export interface ContainerEnvOptions {
  hostIP: string;
  /** the pod's own address (default: hostIP, the host network) */
  podIP?: string;
  hostname: string;
  /** The node's allocatable resources: the downward API's limits where a container sets none. */
  allocatable?: Record<string, string>;
  /** Where configMapKeyRef, secretKeyRef and envFrom read from; without it they resolve to "". */
  objects?: ObjectGetter;
  /** The InvalidEnvironmentVariableNames event of envFrom keys that were skipped. */
  onInvalidKeys?: (message: string) => void;
}

/** The referenced ConfigMap or Secret (once per container); undefined when missing and optional. */
type ObjectRef = ConfigMapEnvSource | SecretEnvSource | ConfigMapKeySelector | SecretKeySelector;

function resolveRef(kind: 'ConfigMap' | 'Secret', ref: ObjectRef, pod: PodObject, opts: ContainerEnvOptions, cache: Map<string, KObject>): KObject | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const name = ref.name ?? '';
  const k = `${kind}/${name}`;
  let obj = cache.get(k);
  if (!obj) {
    obj = opts.objects!(kind, ns, name);
    if (!obj) {
      if (ref.optional === true) return undefined;
      throw new ContainerConfigError(notFoundMessage(kind, name));
    }
    cache.set(k, obj);
  }
  return obj;
}

function envFromSources(pod: PodObject, container: AnyContainer, opts: ContainerEnvOptions, env: Map<string, string>, cache: Map<string, KObject>): void {
  if (!opts.objects) return;
  const ns = pod.metadata.namespace ?? 'default';
  for (const ef of container.envFrom ?? []) {
    const ref = ef.configMapRef ?? ef.secretRef;
    const kind = ef.configMapRef ? 'ConfigMap' : 'Secret';
    if (!ref) continue;
    const obj = resolveRef(kind, ref, pod, opts, cache);
    if (!obj) continue;
    const invalid: string[] = [];
    for (const [key, v] of Object.entries(dataOf(obj))) {
      const name = (ef.prefix ?? '') + key;
      if (!isRelaxedEnvVarName(name)) {
        invalid.push(name);
        continue;
      }
      env.set(name, v);
    }
    if (invalid.length > 0) {
      invalid.sort();
      opts.onInvalidKeys?.(`Keys [${invalid.join(', ')}] from the EnvFrom ${kind === 'ConfigMap' ? 'configMap' : 'secret'} ${ns}/${ref.name} were skipped since they are considered invalid environment variable names.`);
    }
  }
}

function keyRefValue(kind: 'ConfigMap' | 'Secret', ref: ConfigMapKeySelector | SecretKeySelector, pod: PodObject, opts: ContainerEnvOptions, cache: Map<string, KObject>): string | undefined {
  const obj = resolveRef(kind, ref, pod, opts, cache);
  if (!obj) return undefined;
  const data = dataOf(obj);
  if (!Object.prototype.hasOwnProperty.call(data, ref.key)) {
    if (ref.optional === true) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${pod.metadata.namespace ?? 'default'}/${ref.name}`);
  }
  return data[ref.key];
}

/**
 * The container's environment in order (name → value), with kubelet/runtime defaults added:
 * envFrom first, then env (which overrides it), as makeEnvironmentVariables. With
 * opts.objects, throws ContainerConfigError for a missing (non-optional) ConfigMap, Secret or key.
 */
export function buildEnv(pod: PodObject, container: AnyContainer, opts: ContainerEnvOptions): Map<string, string> {
  const env = new Map<string, string>();
  const lookup = (n: string) => env.get(n);
  const cache = new Map<string, KObject>();
  envFromSources(pod, container, opts, env, cache);
  for (const e of container.env ?? []) {
    const keyRef = e.value ? undefined : (e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef);
    if (keyRef && opts.objects) {
      // An optional reference to a missing object or key leaves the variable unset.
      const v = keyRefValue(e.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret', keyRef, pod, opts, cache);
      if (v !== undefined) env.set(e.name, v);
      continue;
    }
    if (e.valueFrom?.fieldRef) env.set(e.name, fieldRefValue(pod, e.valueFrom.fieldRef.fieldPath, opts.hostIP, opts.podIP));
    else if (e.valueFrom?.resourceFieldRef) env.set(e.name, resourceFieldRefValue(pod, container, e.valueFrom.resourceFieldRef, opts.allocatable));
    else if (e.valueFrom) env.set(e.name, ''); // configMap/secret/resource refs: there is no API server to read them from
    else env.set(e.name, expand(e.value ?? '', lookup));
  }
  const idx = pod.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION];
  if (idx !== undefined && !env.has('JOB_COMPLETION_INDEX')) env.set('JOB_COMPLETION_INDEX', idx);
  // What the runtime adds: PATH from the image (we use Debian's default), HOSTNAME, HOME.
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
  if (!env.has('HOSTNAME')) env.set('HOSTNAME', opts.hostname);
  if (!env.has('HOME')) env.set('HOME', '/root');
  return env;
}

/** command + args (command replaces ENTRYPOINT, args replace CMD), `$(VAR)` expanded. */
export function buildCommand(container: AnyContainer, env: Map<string, string>): string[] {
  const lookup = (n: string) => env.get(n);
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  return argv.map((a) => expand(a, lookup));
}

/** The pod's hostname: spec.hostname (Indexed Job pods) or the pod name, at most 63 characters. */
export function podHostname(pod: PodObject): string {
  const h = pod.spec?.hostname || pod.metadata.name || '';
  return h.length > 63 ? h.slice(0, 63).replace(/[-.]+$/, '') : h;
}
