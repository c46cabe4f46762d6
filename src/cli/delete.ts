// `kjob delete`: kubectl's delete with its cascade policies; it waits for the objects to be gone.
import { printServerWarnings } from './global_flags.js';
import { flagValue } from './option_values.js';
import { parseGoInt } from '../util/go.js';
import { mapManifest } from './mapper.js';
import { loadManifestsWithURLs } from './urls.js';
import { groupResource, kindGroup, type ResourceInfo } from '../api/resources.js';
import { UserError, StatusError, aggregateMessage } from '../errors.js';
import { NO_RESOURCES, parseResourceArgs, refuseNamesWithSelector, refuseResourceArgsWithPaths } from './args.js';
import type { Context } from './context.js';
import { dryRunSuffix, type DryRun } from './dry_run.js';
import { readStdin, type IO } from './io.js';
import { listObjects } from './list.js';
import { selectorOfFlag } from './builder.js';

export interface DeleteOptions {
  filename?: string[];
  selector?: string;
  all?: boolean;
  cascade?: string | boolean;
  gracePeriod?: string;
  force?: boolean;
  now?: boolean;
  wait?: boolean;
  ignoreNotFound?: boolean;
  output?: string;
  allNamespaces?: boolean;
  /** --dry-run: none, client (nothing sent), server (the apiserver checks, stores nothing) */
  dryRun?: DryRun;
}


type Propagation = 'Background' | 'Foreground' | 'Orphan';

function parseCascade(v: string | boolean | undefined): Propagation {
  if (v === undefined || v === true || v === 'true' || v === 'background') return 'Background';
  if (v === 'foreground') return 'Foreground';
  if (v === false || v === 'false' || v === 'orphan') return 'Orphan';
  throw new UserError(`error: invalid cascade value (${v}). Must be "background", "foreground", or "orphan".`);
}

interface Target {
  info: ResourceInfo;
  namespace?: string;
  name: string;
}

export async function del(ctx: Context, args: string[], opts: DeleteOptions, io: IO): Promise<number> {
  const propagationPolicy = parseCascade(opts.cascade);
  const dryRun = opts.dryRun ?? 'none';
  const suffix = dryRunSuffix(dryRun);
  let grace = flagValue('--grace-period', opts.gracePeriod, (v) => Number(parseGoInt(v)), 'kjob delete');
  if (opts.now) grace = 1;
  if (opts.force && grace === undefined) grace = 0;
  if (grace !== undefined && grace < 0) grace = undefined; // -1: use the object's default
  // The builder's SelectAllParam (after -l), before anything is looked up.
  if (opts.all && opts.selector) throw new UserError("error: setting 'all' parameter but found a non empty selector. ");
  // kubectl's Complete (v1.32): with --all or -l, and no --ignore-not-found given, an object that
  // is gone by the time its delete is sent (a Job's pods the collector took meanwhile) is no error.
  const ignoreNotFound = opts.ignoreNotFound ?? (!!opts.all || !!opts.selector);
  const client = ctx.client;
  const targets: Target[] = [];
  const errors: string[] = [];
  let selected = false;
  if (opts.filename && opts.filename.length > 0) {
    refuseResourceArgsWithPaths(args);
    const stdinText = opts.filename.includes('-') ? await readStdin() : '';
    const { docs, errors: loadErrors } = await loadManifestsWithURLs(opts.filename, { readStdin: () => stdinText });
    errors.push(...loadErrors.map((e) => e.message));
    // -l: the files' objects whose labels (the file's: delete's builder fetches none) match.
    const fileSelector = opts.selector === undefined ? undefined : selectorOfFlag(opts.selector);
    selected = fileSelector !== undefined;
    for (const d of docs) {
      try {
        const info = mapManifest(d.object, d.source, d.fromList);
        if (fileSelector && !fileSelector.matches(d.object.metadata?.labels)) continue;
        targets.push({ info, namespace: info.namespaced ? d.object.metadata?.namespace ?? ctx.namespace : undefined, name: d.object.metadata?.name ?? '' });
      } catch (e) {
        if (e instanceof UserError) errors.push(e.message);
        else throw e;
      }
    }
  } else {
    if (args.length === 0) throw new UserError(NO_RESOURCES);
    const requests = parseResourceArgs(args);
    for (const req of requests) {
      const ns = req.info.namespaced ? ctx.namespace : undefined;
      refuseNamesWithSelector(req, opts);
      if (req.names.length > 0) {
        for (const name of req.names) targets.push({ info: req.info, namespace: ns, name });
      } else if (opts.all || opts.selector) {
        selected = true;
        // The selector goes to the apiserver as written: a bad one is the list's BadRequest.
        const listNs = opts.allNamespaces ? undefined : ns;
        for (const o of (await listObjects(ctx, req.info, { namespace: listNs, labelSelector: opts.selector })).items) {
          targets.push({ info: req.info, namespace: o.metadata.namespace, name: o.metadata.name! });
        }
      } else {
        throw new UserError('error: resource(s) were provided, but no name was specified');
      }
    }
  }
  if (targets.length === 0 && errors.length === 0 && selected) {
    io.out('No resources found\n');
    return 0;
  }
  if (opts.force && grace === 0) {
    io.err(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
  }
  const deleted: { info: ResourceInfo; namespace?: string; name: string; uid?: string }[] = [];
  const printDeleted = (t: Target) => {
    if (opts.output === 'name') io.out(`${kindGroup(t.info)}/${t.name}\n`);
    else io.out(`${kindGroup(t.info)} "${t.name}" ${opts.force && grace === 0 ? 'force deleted' : 'deleted'}${suffix}\n`);
  };
  for (const t of targets) {
    // A client dry run sends nothing: every object named or listed reads as deleted.
    if (dryRun === 'client') {
      printDeleted(t);
      continue;
    }
    try {
      const res = await client.delete(t.info, t.namespace, t.name, {
        propagationPolicy,
        gracePeriodSeconds: t.info.kind === 'Pod' ? grace : undefined,
        dryRun: dryRun === 'server',
      });
      printServerWarnings(io, res.warnings);
      // The deleted object, or (some servers, some kinds) a Status naming its uid.
      const uid = res.object.kind === 'Status' ? (res.object as { details?: { uid?: string } }).details?.uid : res.object.metadata?.uid;
      if (dryRun === 'none') deleted.push({ info: t.info, namespace: t.namespace, name: t.name, uid });
      printDeleted(t);
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'NotFound') {
        if (!ignoreNotFound) errors.push(`Error from server (NotFound): ${groupResource(t.info)} "${t.name}" not found`);
      } else if (e instanceof StatusError) errors.push(e.kubectlMessage());
      else throw e;
    }
  }
  if (opts.wait !== false && deleted.length > 0) await waitForDeletion(ctx, deleted);
  if (errors.length > 0) {
    io.err(aggregateMessage(errors));
    return 1;
  }
  return 0;
}

/** kubectl delete --wait: until every deleted object (by uid) has disappeared. */
async function waitForDeletion(ctx: Context, objects: { info: ResourceInfo; namespace?: string; name: string; uid?: string }[]): Promise<void> {
  let nudged = Date.now();
  let remaining = objects;
  for (;;) {
    // The watch kubectl delete --wait runs; here a look every 50ms.
    const still: typeof objects = [];
    for (const o of remaining) {
      try {
        const cur = await ctx.client.get(o.info, o.namespace, o.name);
        if (o.uid === undefined || cur.metadata.uid === o.uid) still.push(o);
      } catch (e) {
        if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
      }
    }
    remaining = still;
    if (remaining.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
    if (Date.now() - nudged > 1000) {
      nudged = Date.now();
      await ctx.engine();
    }
  }
}
