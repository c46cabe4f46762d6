// `kjob run NAME --image=IMG [-- ARGS]`: kubectl's run.go with the run-pod/v1 generator
// (generate/versioned/run.go): a bare Pod built field by field as kubectl builds it, created
// through the apiserver. With -i (or --attach) kubectl waits for the pod to run and attaches to
// it: kjob sends its stdin to the container's (the kubelet's attach, src/kubelet/attach.ts) and
// follows the container's output (its log, from the start) until the container ends, then waits
// for the pod as kubectl does and gives the container's exit code; --rm deletes the pod afterwards.
import { printServerWarnings } from './global_flags.js';
import type { KObject, PodObject } from '../api/types.js';
import { asKind } from '../api/types.js';
import { resolveType } from './args.js';
import { isEnvVarName, isValidLabelValue, isQualifiedName } from '../api/names.js';
import { UserError, StatusError } from '../errors.js';
import { objectPrinter, type ObjectOutputOptions } from './object_output.js';
import { isPodReady, isPodTerminal } from '../api/pod_util.js';
import { requiredFlagsError } from './klog.js';
import type { Context } from './context.js';
import { dryRunSuffix, type DryRun } from './dry_run.js';
import type { IO } from './io.js';
import { attachSession } from './attach_session.js';
import { durationFlagMs } from './option_values.js';
import { asTypedJSON } from '../api/typed_json.js';

export interface RunOptions extends ObjectOutputOptions {
  image?: string;
  restart?: string;
  command?: boolean;
  stdin?: boolean;
  tty?: boolean;
  attach?: boolean;
  rm?: boolean;
  env?: string[];
  labels?: string;
  annotations?: string[];
  port?: string;
  imagePullPolicy?: string;
  privileged?: boolean;
  leaveStdinOpen?: boolean;
  quiet?: boolean;
  dryRun?: DryRun;
  podRunningTimeout?: string;
  stdinIsTerminal?: boolean;
  /** what -i sends to the container's stdin (process.stdin) */
  input?: NodeJS.ReadableStream;
}

const usage = (msg: string) => new UserError(`error: ${msg}\nSee 'kjob run -h' for help and examples`);

/** distribution/reference's ReferenceRegexp, as kubectl checks --image. */
export const REFERENCE =
  /^((?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[(?:[a-fA-F0-9:]+)\])(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,})?$/;

/** generate.ParseLabels: "a=b,c=d" */
function parseLabels(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of spec.split(',')) {
    const kv = pair.split('=');
    if (kv.length !== 2) throw new UserError(`error: unexpected label spec: ${pair}`);
    const errs = [...isQualifiedName(kv[0]), ...isValidLabelValue(kv[1])];
    if (errs.length) throw new UserError(`error: invalid label spec: ${pair}`);
    out[kv[0]] = kv[1];
  }
  return out;
}

/** The run-pod/v1 generator's Pod, fields in the Go structs' order (for -o json). */
export function generatePod(name: string, args: string[], o: RunOptions, restartPolicy: string): KObject {
  const env = (o.env ?? []).map((e) => {
    const i = e.indexOf('=');
    if (i <= 0 || isEnvVarName(e.slice(0, i)).length) throw new UserError(`error: invalid env: ${e}`);
    return { name: e.slice(0, i), value: e.slice(i + 1) };
  });
  const annotations: Record<string, string> = {};
  for (const a of o.annotations ?? []) {
    const i = a.indexOf('=');
    if (i < 0) throw new UserError(`error: invalid annotation spec: ${a}`);
    annotations[a.slice(0, i)] = a.slice(i + 1);
  }
  const labels = o.labels ? parseLabels(o.labels) : { run: name };
  const container: Record<string, unknown> = { name, image: o.image };
  if (args.length) container[o.command ? 'command' : 'args'] = args;
  if (o.port) {
    const port = Number(o.port);
    if (!/^[+-]?\d+$/.test(o.port)) throw new UserError(`error: strconv.Atoi: parsing ${JSON.stringify(o.port)}: invalid syntax`);
    container.ports = [{ containerPort: port }];
  }
  if (env.length) container.env = env;
  container.resources = {};
  if (o.imagePullPolicy) container.imagePullPolicy = o.imagePullPolicy;
  if (o.privileged) container.securityContext = { privileged: true };
  if (o.stdin) container.stdin = true;
  if (o.stdin && !o.leaveStdinOpen) container.stdinOnce = true;
  if (o.tty) container.tty = true;
  const metadata: Record<string, unknown> = { name, creationTimestamp: null, labels };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: metadata as KObject['metadata'],
    spec: { containers: [container], restartPolicy, dnsPolicy: 'ClusterFirst' },
    status: {},
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(ctx: Context, names: string[], args: string[], o: RunOptions, io: IO): Promise<number> {
  if (o.image === undefined) throw requiredFlagsError(['image']);
  const timeoutMs = durationFlagMs('--pod-running-timeout', o.podRunningTimeout ?? '1m0s', 'kjob run')!;
  // kubectl builds the printer in Complete, before run's own checks.
  const printer = await objectPrinter(o, { typedJSON: true });
  if (names.length === 0) throw usage('NAME is required for run');
  if (o.image === '') throw new UserError('error: --image is required');
  if (!REFERENCE.test(o.image)) throw new UserError(`error: Invalid image name ${JSON.stringify(o.image)}: invalid reference format`);
  if (o.tty && !o.stdin) throw usage('-i/--stdin is required for containers with -t/--tty=true');
  const restart = o.restart ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw usage(`invalid restart policy: ${restart}`);
  const attach = o.attach ?? !!o.stdin;
  if (!attach && o.rm) throw usage('--rm should only be used for attached containers');
  const dryRun = o.dryRun ?? 'none';
  if (attach && dryRun !== 'none') throw usage("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
  if (o.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(o.imagePullPolicy)) throw usage(`invalid image pull policy: ${o.imagePullPolicy}`);
  const name = names[0];
  const pod = generatePod(name, [...names.slice(1), ...args], o, restart);
  const suffix = dryRunSuffix(dryRun);
  const print = (obj: KObject) => {
    if (printer) printer(obj, io.out);
    else io.out(`pod/${obj.metadata.name} created${suffix}\n`);
  };
  if (dryRun === 'client') {
    print(pod);
    return 0;
  }
  const PODS = resolveType('pods');
  const body = structuredClone(pod);
  body.metadata.namespace = ctx.namespace;
  delete (body.metadata as Record<string, unknown>).creationTimestamp;
  delete body.status;
  const created = await ctx.client.create(PODS, ctx.namespace, body, { dryRun: dryRun === 'server', fieldManager: 'kubectl-run' });
  printServerWarnings(io, created.warnings);
  if (!attach) {
    // kubectl's client for the mapping decodes the answer into its typed Pod before printing it.
    print(printer ? asTypedJSON(created.object) : created.object);
    return 0;
  }
  try {
    return await attachAndWait(ctx, name, restart, timeoutMs, o, io);
  } finally {
    if (o.rm) {
      try {
        await ctx.client.delete(PODS, ctx.namespace, name, {});
        if (!o.quiet) io.out(`pod "${name}" deleted\n`);
      } catch (e) {
        if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
      }
    }
  }
}

/** waitForPod: the pod each 100ms until cond says it is done (or throws). */
async function waitForPod(ctx: Context, name: string, timeoutMs: number, cond: (p: PodObject) => boolean): Promise<PodObject> {
  const PODS = resolveType('pods');
  const end = Date.now() + timeoutMs;
  let nudged = Date.now();
  for (;;) {
    let p: PodObject;
    try {
      p = asKind('Pod', await ctx.client.get(PODS, ctx.namespace, name));
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'NotFound') throw new UserError(`Error from server (NotFound): pods "" not found`);
      throw e;
    }
    if (cond(p)) return p;
    if (timeoutMs > 0 && Date.now() > end) throw new UserError('error: timed out waiting for the condition');
    await sleep(100);
    if (Date.now() - nudged > 1000) {
      nudged = Date.now();
      await ctx.engine();
    }
  }
}

async function attachAndWait(ctx: Context, name: string, restart: string, timeoutMs: number, o: RunOptions, io: IO): Promise<number> {
  const done = isPodTerminal;
  // handleAttachPod: running and ready, or already completed
  const pod = await waitForPod(ctx, name, timeoutMs, (p) => done(p) || (p.status?.phase === 'Running' && isPodReady(p)));
  const write = (c: Buffer) => io.out(c.toString('utf8'));
  if (done(pod)) {
    await ctx.client.podLogs(ctx.namespace, name, { container: name }, write);
  } else {
    // AttachOptions.Run: SetupTTY, then the prompt hint
    // -i: the user's input to the container's stdin, through the kubelet's attach; -it on a
    // terminal: the user's terminal raw, the container's its own
    await attachSession(ctx, io, o, pod.metadata.uid!, name, () => ctx.client.podLogs(ctx.namespace, name, { container: name, follow: true }, write));
  }
  const waitForExit = !o.leaveStdinOpen && (restart === 'Never' || restart === 'OnFailure');
  if (!waitForExit) return 0;
  const final = await waitForPod(ctx, name, timeoutMs, restart === 'OnFailure' ? (p) => p.status?.phase === 'Succeeded' : done);
  if (final.status?.phase === 'Succeeded') return 0;
  const ns = final.metadata.namespace;
  const term = final.status?.containerStatuses?.[0]?.state?.terminated;
  if (!term || !term.exitCode) throw new UserError(`error: pod ${ns}/${name} failed with unknown exit code`);
  // CodeExitError; CheckErr ends the message with one newline
  throw new UserError(`pod ${ns}/${name} terminated (${term.reason ?? ''})\n${term.message ?? ''}`.replace(/\n$/, ''), term.exitCode);
}
