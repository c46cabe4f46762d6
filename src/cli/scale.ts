// `kjob scale [--current-replicas=N] --replicas=N TYPE NAME | TYPE/NAME`: kubectl scale, for
// Deployments and ReplicaSets (and a Job's parallelism is not scaled: kubectl 1.32 no longer does
// it either). kubectl sends the new size to the scale subresource; kjob patches spec.replicas,
// which is what the apiserver's scale subresource does.
import { klogError } from './klog.js';
import { kindGroup, type ResourceInfo } from '../api/resources.js';
import { asKind, type KObject } from '../api/types.js';
import { StatusError, UserError, aggregateMessage } from '../errors.js';
import { parseResourceArgs } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface ScaleOptions {
  replicas?: string;
  currentReplicas?: string;
}

const SCALABLE = ['Deployment', 'ReplicaSet'];

function parseCount(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UserError(`error: invalid argument "${v}" for "--${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return parseInt(v, 10);
}

export async function scale(ctx: Context, args: string[], opts: ScaleOptions, io: IO): Promise<number> {
  const replicas = parseCount(opts.replicas, 'replicas');
  const current = parseCount(opts.currentReplicas, 'current-replicas') ?? -1;
  if (replicas === undefined) throw new UserError(klogError('run.go:72', '"command failed" err="required flag(s) \\"replicas\\" not set"'));
  if (replicas < 0) throw new UserError('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  if (args.length === 0) throw new UserError('error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'');
  // The builder fetches every object named (ContinueOnError): the ones there are scaled, and the
  // NotFounds are said after; with none there, kubectl has nothing to scale.
  const ns = ctx.namespace;
  const found: { info: ResourceInfo; name: string; obj: KObject }[] = [];
  const missing: StatusError[] = []; // the builder's errors (NotFound, Forbidden, ...), said after
  for (const req of parseResourceArgs(args)) {
    if (req.names.length === 0) throw new UserError('error: resource(s) were provided, but no name was specified');
    for (const name of req.names) {
      try {
        found.push({ info: req.info, name, obj: await ctx.client.get(req.info, ns, name) });
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        missing.push(e);
      }
    }
  }
  if (found.length === 0) throw new UserError(`error: no objects passed to scale ${missing.length === 1 ? missing[0].message : `[${missing.map((e) => e.message).join(', ')}]`}`);
  for (const { info, name, obj } of found) {
    // The scale subresource, which only the scalable kinds serve.
    if (!SCALABLE.includes(info.kind)) throw new StatusError('NotFound', 'the server could not find the requested resource');
    const scalable = asKind(info.kind as 'Deployment' | 'ReplicaSet', obj);
    // ScalePrecondition: the size the user expects, checked against the scale's spec.replicas.
    if (current >= 0 && (scalable.spec?.replicas ?? 1) !== current) throw new UserError(`error: Expected replicas to be ${current}, was ${scalable.spec?.replicas ?? 1}`);
    await ctx.client.patch(info, ns, name, 'merge', { spec: { replicas } });
    io.out(`${kindGroup(info)}/${name} scaled\n`);
  }
  if (missing.length > 0) {
    io.err(aggregateMessage(missing.map((e) => e.kubectlMessage())));
    return 1;
  }
  return 0;
}
