// `kjob create namespace|serviceaccount|deployment|service ...`: kubectl's generators for the core
// and apps kinds kjob serves beside its batch ones (create_namespace.go, create_serviceaccount.go,
// create_deployment.go, create_service.go). Each builds its object as kubectl builds the typed one
// (fields in the Go struct's order, which -o json keeps), checks what kubectl checks in the order
// its Complete, Validate and Run check it, and creates it through the apiserver path (create.ts).
import type { KObject } from '../api/types.js';
import { isDNS1123Subdomain, randomSuffix } from '../api/names.js';
import { portNameErrors } from '../api/validation_fields.js';
import { UserError } from '../errors.js';
import { goAtoi, goQuote, parseGoInt } from '../util/go.js';
import { requireFlags } from './klog.js';
import { flagValue } from './option_values.js';
import { checkArgs, failedToCreate, finish, generatedMetadata, type CreateCommonOptions } from './create.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

/** `kjob create namespace NAME`: the apiserver's refusal as it is ("Error from server (AlreadyExists): ..."). */
export async function createNamespace(ctx: Context, names: string[], opts: CreateCommonOptions, io: IO): Promise<number> {
  const completed = await checkArgs('namespace', names, opts);
  const { name } = completed;
  if (name.length === 0) throw new UserError('error: name must be specified');
  const ns: KObject = { kind: 'Namespace', apiVersion: 'v1', metadata: generatedMetadata(ctx, name, false), spec: {}, status: {} };
  return finish(ctx, ns, completed, io, undefined);
}

/** `kjob create serviceaccount NAME`. */
export async function createServiceAccount(ctx: Context, names: string[], opts: CreateCommonOptions, io: IO): Promise<number> {
  const completed = await checkArgs('serviceaccount', names, opts);
  const { name } = completed;
  if (name.length === 0) throw new UserError('error: name must be specified');
  const sa: KObject = { kind: 'ServiceAccount', apiVersion: 'v1', metadata: generatedMetadata(ctx, name, true) };
  return finish(ctx, sa, completed, io, failedToCreate('serviceaccount'));
}

/** An int flag's value as pflag reads it (strconv.ParseInt(s, 0, bits)), or pflag's error; fallback when it is not given. */
function intFlag(value: string | undefined, name: string, bits: 32 | 64, cmdPath: string, fallback: number): number {
  const parse = (v: string) => {
    const n = parseGoInt(v);
    if (bits === 32 && (n > 2147483647n || n < -2147483648n)) throw new Error(`strconv.ParseInt: parsing ${goQuote(v)}: value out of range`);
    return Number(n);
  };
  return flagValue(name, value, parse, cmdPath) ?? fallback;
}

export interface CreateDeploymentOptions extends CreateCommonOptions {
  image?: string[];
  port?: string;
  replicas?: string;
}

/** `kjob create deployment NAME --image=IMAGE [--image=...] [--replicas=N] [--port=N] [-- COMMAND [args...]]`. */
export async function createDeployment(ctx: Context, names: string[], command: string[], opts: CreateDeploymentOptions, io: IO): Promise<number> {
  // pflag's errors, then cobra's required flags, then kubectl's Complete and Validate.
  const port = intFlag(opts.port, '--port', 32, 'kjob create deployment', -1);
  const replicas = intFlag(opts.replicas, '-r, --replicas', 32, 'kjob create deployment', 1);
  requireFlags({ image: opts.image });
  const completed = await checkArgs('deployment', names, opts);
  const { name } = completed;
  const images = opts.image ?? [];
  if (images.length > 1 && command.length > 0) throw new UserError('error: cannot specify multiple --image options and command');
  const labels = { app: name };
  const containers = images.map((image, i) => {
    // The container's name is the image's, without its registry, tag or digest (buildPodSpec).
    let cname = image.split('/').pop()!.split(':')[0].split('@')[0];
    if (/[_.]/.test(cname)) cname = `${cname.replace(/[_.]/g, '-')}-${randomSuffix(5)}`;
    return { name: cname, image, ...(command.length > 0 ? { command } : {}), ...(i === 0 && port >= 0 ? { ports: [{ containerPort: port }] } : {}), resources: {} };
  });
  const deploy: KObject = {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: generatedMetadata(ctx, name, true, labels),
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
      strategy: {},
    },
    status: {},
  };
  return finish(ctx, deploy, completed, io, failedToCreate('deployment'));
}

/** create service's subcommands, and the type of Service each makes. */
const SERVICE_TYPES = { clusterip: 'ClusterIP', nodeport: 'NodePort', loadbalancer: 'LoadBalancer', externalname: 'ExternalName' } as const;

export interface CreateServiceOptions extends CreateCommonOptions {
  tcp?: string[];
  clusterip?: string;
  nodePort?: string;
  externalName?: string;
}

/** strconv.ParseUint(s, 10, 16)'s value or error (utilsnet.ParsePort with zero allowed). */
function parsePort(s: string): number {
  if (!/^[0-9]+$/.test(s)) throw new UserError(`error: strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new UserError(`error: strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return n;
}

/** strconv.Atoi's value, or undefined where it fails. */
function atoi(s: string): number | undefined {
  try {
    return Number(goAtoi(s));
  } catch {
    return undefined;
  }
}

/** create_service.go's parsePorts: `port` or `port:targetPort`, the target a number or a port's name. */
function parsePorts(spec: string): { port: number; targetPort: number | string } {
  const parts = spec.split(':');
  const port = parsePort(parts[0]);
  if (parts.length === 1) return { port, targetPort: port };
  const target = parts[1];
  const n = atoi(target);
  if (n === undefined) {
    const errs = portNameErrors(target);
    if (errs.length) throw new UserError(`error: ${errs.join(',')}`);
    return { port, targetPort: target };
  }
  if (n < 1 || n > 65535) throw new UserError('error: must be between 1 and 65535, inclusive');
  return { port, targetPort: n };
}

/** `kjob create service clusterip|nodeport|loadbalancer|externalname NAME [--tcp=port[:targetPort]] ...`. */
export async function createService(ctx: Context, sub: keyof typeof SERVICE_TYPES, names: string[], opts: CreateServiceOptions, io: IO): Promise<number> {
  const type = SERVICE_TYPES[sub];
  const nodePort = intFlag(opts.nodePort, '--node-port', 64, `kjob create service ${sub}`, 0);
  if (type === 'ExternalName') requireFlags({ 'external-name': opts.externalName });
  const completed = await checkArgs(`service ${sub}`, names, opts);
  const { name } = completed;
  const clusterIP = opts.clusterip ?? '';
  const tcp = opts.tcp ?? [];
  if (clusterIP === 'None' && type !== 'ClusterIP') throw new UserError('error: ClusterIP=None can only be used with ClusterIP service type');
  if (clusterIP !== 'None' && tcp.length === 0 && type !== 'ExternalName') throw new UserError('error: at least one tcp port specifier must be provided');
  const externalName = opts.externalName ?? '';
  if (type === 'ExternalName' && isDNS1123Subdomain(externalName).length) throw new UserError(`error: invalid service external name ${externalName}`);
  const ports = tcp.map((spec) => {
    const { port, targetPort } = parsePorts(spec);
    return { name: spec.replace(/:/g, '-'), protocol: 'TCP', port, targetPort, ...(nodePort ? { nodePort } : {}) };
  });
  const spec: Record<string, unknown> = {};
  if (ports.length) spec.ports = ports;
  spec.selector = { app: name };
  if (clusterIP) spec.clusterIP = clusterIP;
  spec.type = type;
  if (externalName) spec.externalName = externalName;
  const svc: KObject = { kind: 'Service', apiVersion: 'v1', metadata: generatedMetadata(ctx, name, true, { app: name }), spec, status: { loadBalancer: {} } };
  // ServiceOptions has --save-config but its Complete never reads it: no annotation.
  return finish(ctx, svc, { ...completed, saveConfig: false }, io, failedToCreate(`${type} service`));
}

