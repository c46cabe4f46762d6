// `kjob scale --replicas=N (-f FILE | TYPE NAME... | TYPE -l SELECTOR | TYPE --all)`: kubectl
// scale, for Deployments and ReplicaSets (a Job's parallelism is not scaled: kubectl 1.32 no
// longer does it either). kubectl sends the new size to the scale subresource; kjob patches
// spec.replicas, which is what the apiserver's scale subresource does, after the preconditions
// (--current-replicas, --resource-version) are checked against the object as it is.
import { requiredFlagsError } from './klog.js';
import { flagValue } from './option_values.js';
import { kindGroup } from '../api/resources.js';
import { asKind } from '../api/types.js';
import { StatusError, UserError, aggregateMessage } from '../errors.js';
import { parseGoDuration, parseGoInt } from '../util/go.js';
import { builderObject, errorText, visit, type Info } from './builder.js';
import { NO_RESOURCES } from './args.js';
import { objectPrinter, type ObjectOutputOptions } from './object_output.js';
import { dryRunSuffix, type DryRun } from './dry_run.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface ScaleOptions extends ObjectOutputOptions {
  replicas?: string;
  currentReplicas?: string;
  resourceVersion?: string;
  timeout?: string;
  filenames?: string[];
  recursive?: boolean;
  selector?: string;
  all?: boolean;
  dryRun?: DryRun;
}

const SCALABLE = ['Deployment', 'ReplicaSet'];

/** How often a --timeout wait looks at the object (kubectl: every second; the outcome is the same, sooner). */
const WAIT_POLL_MS = 100;

export async function scale(ctx: Context, args: string[], opts: ScaleOptions, io: IO): Promise<number> {
  const int = (v: string) => Number(parseGoInt(v));
  const replicas = flagValue('--replicas', opts.replicas, int, 'kjob scale');
  const current = flagValue('--current-replicas', opts.currentReplicas, int, 'kjob scale') ?? -1;
  const timeoutMs = Number((flagValue('--timeout', opts.timeout, parseGoDuration, 'kjob scale') ?? 0n) / 1_000_000n);
  if (replicas === undefined) throw requiredFlagsError(['replicas']);
  // Complete: the printer (with the dry run's suffix), before anything is read.
  const printer = await objectPrinter(opts);
  if (replicas < 0) throw new UserError('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  if (current < -1) throw new UserError('error: The --current-replicas must specify an integer of -1 or greater');
  const filenames = opts.filenames ?? [];
  if (args.length === 0 && filenames.length === 0) {
    throw new UserError(NO_RESOURCES);
  }
  // The builder fetches every object named (ContinueOnError), not a file's: the ones there are
  // scaled, and the errors (NotFound, ...) are said after; with none there, kubectl has nothing to
  // scale. A file's object not on the server is the scale's own NotFound.
  const v = await visit(ctx, args, { filenames, recursive: opts.recursive, selector: opts.selector, all: opts.all, local: true });
  const infos = v.items.filter((i): i is Info => !('error' in i));
  const errors = v.items.filter((i): i is { error: unknown } => 'error' in i).map((i) => i.error);
  if (opts.resourceVersion && infos.length > 1) throw new UserError('error: cannot use --resource-version with multiple resources');
  if (infos.length === 0) {
    const statusErrors = errors.filter((e): e is StatusError => e instanceof StatusError);
    if (errors.length === 0) throw new UserError('error: no objects passed to scale');
    if (statusErrors.length !== errors.length) throw errors[0];
    throw new UserError(`error: no objects passed to scale ${statusErrors.length === 1 ? statusErrors[0].message : `[${statusErrors.map((e) => e.message).join(', ')}]`}`);
  }
  const suffix = dryRunSuffix(opts.dryRun);
  for (const info of infos) {
    if (opts.dryRun !== 'client') await scaleOne(ctx, info, replicas, current, opts, timeoutMs);
    // The object as the builder read it, before the scale (kubectl prints info.Object).
    if (printer) printer(builderObject(info), io.out);
    else io.out(`${kindGroup(info.info)}/${info.name} scaled${suffix}\n`);
  }
  if (errors.length > 0) {
    io.err(aggregateMessage(errors.map((e) => errorText(e))));
    return 1;
  }
  return 0;
}

/** genericScaler.Scale: the preconditions and the new size, then, with --timeout, the wait for the replicas to match. */
async function scaleOne(ctx: Context, info: Info, replicas: number, current: number, opts: ScaleOptions, timeoutMs: number): Promise<void> {
  // The scale subresource, which only the scalable kinds serve.
  if (!SCALABLE.includes(info.info.kind)) throw new StatusError('NotFound', 'the server could not find the requested resource');
  if (current !== -1 || opts.resourceVersion) {
    // ScalePrecondition.validate, against the scale as it is now.
    const now = asKind(info.info.kind as 'Deployment' | 'ReplicaSet', await ctx.client.get(info.info, info.namespace, info.name));
    const size = now.spec?.replicas ?? 1;
    if (current !== -1 && size !== current) throw new UserError(`error: Expected replicas to be ${current}, was ${size}`);
    if (opts.resourceVersion && now.metadata.resourceVersion !== opts.resourceVersion) {
      throw new UserError(`error: Expected resource version to be ${opts.resourceVersion}, was ${now.metadata.resourceVersion}`);
    }
  }
  await ctx.client.patch(info.info, info.namespace, info.name, 'merge', { spec: { replicas } }, { dryRun: opts.dryRun === 'server' });
  if (timeoutMs > 0 && (opts.dryRun ?? 'none') === 'none') await waitForReplicas(ctx, info, replicas, timeoutMs);
}

/** WaitForScaleHasDesiredReplicas: until status.replicas is the new size (or the size was changed by someone else). */
async function waitForReplicas(ctx: Context, info: Info, replicas: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const o = asKind(info.info.kind as 'Deployment' | 'ReplicaSet', await ctx.client.get(info.info, info.namespace, info.name));
    const spec = o.spec?.replicas ?? 1;
    if (spec !== replicas || (o.status?.replicas ?? 0) === replicas) return;
    if (Date.now() >= deadline) throw new UserError(`error: timed out waiting for ${JSON.stringify(info.name)} to be synced`);
    await new Promise((r) => setTimeout(r, Math.min(WAIT_POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}
