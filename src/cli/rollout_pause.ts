// `kjob rollout pause|resume TYPE [NAME...] | TYPE/NAME...`: kubectl's pause.go and resume.go with
// polymorphichelpers' ObjectPauser/ObjectResumer. A Deployment gets spec.paused through a patch
// (the Deployment controller then only scales it, rolling out nothing); other kinds are refused.
// A type without names means every object of that type in the namespace. Errors do not stop the
// others: they are printed at the end, the resource builder's (NotFound) first, and exit 1.
import { groupResource, kindGroup, type ResourceInfo } from '../api/resources.js';
import type { KObject } from '../api/types.js';
import { StatusError, UserError } from '../errors.js';
import { parseResourceArgs } from './args.js';
import { rolloutTargets } from './rollout.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface PauseOptions {
  output?: string;
  filenames?: string[];
  recursive?: boolean;
}

export async function pauseResume(ctx: Context, verb: 'pause' | 'resume', args: string[], opts: PauseOptions, io: IO): Promise<number> {
  if (args.length === 0 && !opts.filenames?.length) throw new UserError('error: required resource not specified');
  if (opts.output !== undefined && opts.output !== '' && opts.output !== 'name') {
    throw new UserError(`error: unable to match a printer suitable for the output format "${opts.output}", allowed formats are: name`);
  }
  const builderErrors: string[] = [];
  const infos: { info: ResourceInfo; obj: KObject }[] = [];
  if (opts.filenames?.length) {
    for (const t of await rolloutTargets(ctx, args, opts, builderErrors)) {
      try {
        infos.push({ info: t.info, obj: await ctx.client.get(t.info, t.namespace, t.name) });
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        builderErrors.push(e.kubectlMessage());
      }
    }
  }
  for (const req of opts.filenames?.length ? [] : parseResourceArgs(args)) {
    if (req.names.length === 0) {
      const list = await ctx.client.list(req.info, { namespace: ctx.namespace });
      for (const obj of list.items) infos.push({ info: req.info, obj });
      continue;
    }
    for (const name of req.names) {
      try {
        infos.push({ info: req.info, obj: await ctx.client.get(req.info, ctx.namespace, name) });
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        builderErrors.push(e.kubectlMessage());
      }
    }
  }
  const errors: string[] = [];
  for (const { info, obj } of infos) {
    const name = obj.metadata.name ?? '';
    if (info.kind !== 'Deployment') {
      errors.push(`error: ${groupResource(info)} "${name}" ${verb === 'pause' ? 'pausing' : 'resuming'} is not supported`);
      continue;
    }
    const paused = !!(obj as { spec?: { paused?: boolean } }).spec?.paused;
    if (verb === 'pause' && paused) {
      errors.push(`error: ${groupResource(info)} "${name}" is already paused`);
      continue;
    }
    if (verb === 'resume' && !paused) {
      errors.push(`error: ${groupResource(info)} "${name}" is not paused`);
      continue;
    }
    // ObjectResumer sets paused to false; the strategic merge patch kubectl computes carries null.
    await ctx.client.patch(info, obj.metadata.namespace, name, 'strategic', { spec: { paused: verb === 'pause' ? true : null } });
    io.out(opts.output === 'name' ? `${kindGroup(info)}/${name}\n` : `${kindGroup(info)}/${name} ${verb === 'pause' ? 'paused' : 'resumed'}\n`);
  }
  const all = [...builderErrors, ...errors];
  if (all.length) throw new UserError(all.join('\n'));
  return 0;
}
