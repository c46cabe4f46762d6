// `kjob rollout status|history|undo|restart|pause|resume TYPE NAME | TYPE/NAME`: kubectl rollout for
// Deployments, with its texts. status watches the Deployment (a line per change, as kubectl's
// watch prints one per event) until the rollout is done; history lists the revisions of its
// ReplicaSets; undo puts a revision's template back (DeploymentRollbacker); restart stamps the
// template with kubectl.kubernetes.io/restartedAt.
import { groupResource, kindGroup, type ResourceInfo } from '../api/resources.js';
import { resourceForKind } from '../api/resources.js';
import type { DeploymentObject, ReplicaSetObject } from '../api/types.js';
import { asKind } from '../api/types.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { StatusError, UserError, aggregateMessage } from '../errors.js';
import { parseResourceArgs, refuseResourceArgsWithPaths } from './args.js';
import { requestsFromFiles } from './get_files.js';
import { durationFlagMs } from './option_values.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { describeTabWriter } from '../printers/tabwriter.js';
import { describePodTemplate, PrefixWriter } from '../printers/describe.js';

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const SKIP_ON_ROLLBACK = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export interface RolloutOptions {
  watch?: boolean;
  timeout?: string;
  toRevision?: string;
  revision?: string;
  output?: string;
  /** -f, -R: the objects the manifests name, each in its own namespace */
  filenames?: string[];
  recursive?: boolean;
}

/** An object a rollout verb works on, and the namespace it is in. */
export interface RolloutTarget {
  info: ResourceInfo;
  name: string;
  namespace: string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What the builder finds: TYPE NAME / TYPE/NAME arguments in the command's namespace, or with -f
 * the files' objects (FilenameParam), each in its manifest's namespace, else the command's; the
 * files' errors go to errors.
 */
export async function rolloutTargets(ctx: Context, args: string[], opts: Pick<RolloutOptions, 'filenames' | 'recursive'>, errors: string[]): Promise<RolloutTarget[]> {
  if (opts.filenames?.length) {
    refuseResourceArgsWithPaths(args);
    // What the files' visitor refuses is said with the other errors, after the objects it found.
    const r = await requestsFromFiles(ctx, opts.filenames, { recursive: !!opts.recursive });
    errors.push(...r.errors);
    return r.requests.flatMap((q) => q.names.map((name, i) => ({ info: q.info, name, namespace: q.namespaces![i] })));
  }
  if (args.length === 0) {
    throw new UserError("error: required resource not specified");
  }
  const out: RolloutTarget[] = [];
  for (const req of parseResourceArgs(args)) {
    if (req.names.length === 0) throw new UserError('error: resource(s) were provided, but no name was specified');
    for (const name of req.names) out.push({ info: req.info, name, namespace: req.info.namespaced ? ctx.namespace : undefined });
  }
  return out;
}

/**
 * The builder's visit for a rollout verb: each object the arguments or files name in turn, read
 * first (Latest: a NotFound before its kind is looked at), then refused unless a Deployment, as
 * kubectl's helper for the verb refuses it, then fn. As ContinueOnError, an object's error is kept
 * for the end, where they are said together (one as CheckErr says it, several as MultipleErrors:
 * a server's with its "Error from server", kjob's own without "error: "), exit 1.
 */
async function eachDeployment(
  ctx: Context,
  args: string[],
  opts: RolloutOptions,
  helper: Parameters<typeof requireDeployment>[1],
  fn: (t: RolloutTarget, d: DeploymentObject) => Promise<void>,
): Promise<number> {
  const errors: string[] = [];
  for (const t of await rolloutTargets(ctx, args, opts, errors)) {
    try {
      const obj = await ctx.client.get(t.info, t.namespace, t.name);
      requireDeployment(t, helper);
      await fn(t, asKind('Deployment', obj));
    } catch (e) {
      if (e instanceof StatusError) errors.push(e.kubectlMessage());
      else if (e instanceof UserError) errors.push(e.message);
      else throw e;
    }
  }
  if (errors.length) throw new UserError(aggregateMessage(errors).replace(/\n$/, ''));
  return 0;
}

/** The kinds polymorphichelpers' GroupKindElement visits (apps, batch and core workloads). */
const VISITED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);

/**
 * kjob's rollout verbs work on Deployments: any other kind gets what kubectl's helper for the verb
 * says of it (StatusViewerFor, HistoryViewerFor, RollbackerFor, the restarter) for every kind it
 * does not serve either.
 */
function requireDeployment(t: RolloutTarget, what: 'status viewer' | 'history' | 'rollbacker' | 'restarter'): void {
  const { info } = t;
  if (info.kind === 'Deployment') return;
  const groupKind = `${info.kind}${info.group ? `.${info.group}` : ''}`;
  if (what === 'status viewer') throw new UserError(`error: no status viewer has been implemented for ${groupKind}`);
  if (what === 'restarter') throw new UserError(`error: ${groupResource(info)} ${JSON.stringify(t.name)} restarting is not supported`);
  const noun = what === 'history' ? 'history viewer' : 'rollbacker';
  if (VISITED_KINDS.has(info.kind)) throw new UserError(`error: no ${noun} has been implemented for ${JSON.stringify(groupKind)}`);
  throw new UserError(`error: error retrieving ${what} for ${JSON.stringify(groupKind)}, no visitor method exists for {${info.group} ${info.kind}}`);
}

/** DeploymentStatusViewer.Status */
export function deploymentRolloutStatus(d: DeploymentObject): { text: string; done: boolean; error?: string } {
  const name = d.metadata.name;
  const st = d.status ?? {};
  if ((d.metadata.generation ?? 0) <= (st.observedGeneration ?? 0)) {
    const cond = (st.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return { text: '', done: false, error: `deployment "${name}" exceeded its progress deadline` };
    const want = d.spec?.replicas ?? 1;
    const updated = st.updatedReplicas ?? 0;
    if (updated < want) return { text: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...\n`, done: false };
    if ((st.replicas ?? 0) > updated) return { text: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
    if ((st.availableReplicas ?? 0) < updated) return { text: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
    return { text: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { text: 'Waiting for deployment spec update to be observed...\n', done: false };
}

async function status(ctx: Context, args: string[], opts: RolloutOptions, io: IO): Promise<number> {
  // pflag's error for a --timeout that is no duration; 0 (the default) waits without end.
  const timeoutMs = durationFlagMs('--timeout', opts.timeout, 'kjob rollout status') || Infinity;
  // Each in turn, each with the whole timeout (ContextWithOptionalTimeout in the visit).
  return eachDeployment(ctx, args, opts, 'status viewer', async (t, first) => {
    const deadline = Date.now() + timeoutMs;
    let lastRV = '';
    for (let d = first; ; d = asKind('Deployment', await ctx.client.get(t.info, t.namespace, t.name))) {
      if (d.metadata.resourceVersion !== lastRV) {
        lastRV = d.metadata.resourceVersion ?? '';
        const s = deploymentRolloutStatus(d);
        if (s.error) throw new UserError(`error: ${s.error}`);
        io.out(s.text);
        if (s.done || opts.watch === false) return;
      }
      if (Date.now() >= deadline) throw new UserError('error: timed out waiting for the condition');
      await sleep(Math.min(200, Math.max(1, deadline - Date.now())));
    }
  });
}

/** The ReplicaSets a Deployment controls, by revision. */
async function history(ctx: Context, d: DeploymentObject): Promise<Map<number, ReplicaSetObject>> {
  const rsInfo = resourceForKind('ReplicaSet')!;
  const all = await ctx.client.list(rsInfo, { namespace: d.metadata.namespace });
  const out = new Map<number, ReplicaSetObject>();
  for (const rs of all.items.map((o) => asKind('ReplicaSet', o))) {
    if (!(rs.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === d.metadata.uid)) continue;
    const v = parseInt(rs.metadata.annotations?.[REVISION] ?? '', 10);
    if (Number.isFinite(v)) out.set(v, rs);
  }
  return out;
}

async function historyCmd(ctx: Context, args: string[], opts: RolloutOptions, io: IO): Promise<number> {
  return eachDeployment(ctx, args, opts, 'history', async (t, d) => {
    const h = await history(ctx, d);
    const revision = opts.revision ? parseInt(opts.revision, 10) : 0;
    if (revision > 0) {
      const rs = h.get(revision);
      if (!rs) throw new UserError(`error: unable to find the specified revision`);
      // printTemplate: describe.DescribePodTemplate through a PrefixWriter with no tabwriter.
      let text = '';
      describePodTemplate(rs.spec?.template, new PrefixWriter({ write: (s: string) => void (text += s), flush: () => undefined }));
      io.out(`${kindGroup(t.info)}/${t.name} with revision #${revision}\n${text}\n`);
      return;
    }
    // tabbedString: text/tabwriter(0, 8, 2, ' ', 0)
    let table = '';
    const tw = describeTabWriter((s) => (table += s));
    tw.write('REVISION\tCHANGE-CAUSE\n');
    for (const r of [...h.keys()].sort((a, b) => a - b)) tw.write(`${r}\t${h.get(r)!.metadata.annotations?.[CHANGE_CAUSE] || '<none>'}\n`);
    tw.flush();
    io.out(`${kindGroup(t.info)}/${t.name} \n${table}\n`);
  });
}

function withoutHash(tpl: PodTemplateSpec | undefined): PodTemplateSpec {
  const c: PodTemplateSpec = structuredClone(tpl ?? {});
  if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash'];
  return c;
}

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));

async function undo(ctx: Context, args: string[], opts: RolloutOptions, io: IO): Promise<number> {
  return eachDeployment(ctx, args, opts, 'rollbacker', async (t, d) => {
    if (d.spec?.paused) throw new UserError("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    const h = await history(ctx, d);
    let to = opts.toRevision ? parseInt(opts.toRevision, 10) : 0;
    if (h.size === 0) throw new UserError(`error: no rollout history found for deployment "${t.name}"`);
    if (to === 0) {
      const revs = [...h.keys()].sort((a, b) => b - a);
      if (revs.length < 2) throw new UserError(`error: no last revision to roll back to`);
      to = revs[1];
    }
    const rs = h.get(to);
    if (!rs) throw new UserError(`error: unable to find specified revision ${to} in history`);
    const tpl = withoutHash(rs.spec?.template);
    if (canonical(tpl) === canonical(withoutHash(d.spec?.template))) {
      io.out(`${kindGroup(t.info)}/${t.name} skipped rollback (current template already matches revision ${to})\n`);
      return;
    }
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries<string>(d.metadata.annotations ?? {})) if (SKIP_ON_ROLLBACK.has(k)) annotations[k] = v;
    for (const [k, v] of Object.entries<string>(rs.metadata.annotations ?? {})) if (!SKIP_ON_ROLLBACK.has(k)) annotations[k] = v;
    await ctx.client.patch(t.info, t.namespace, t.name, 'json', [
      { op: 'replace', path: '/spec/template', value: tpl },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ]);
    io.out(`${kindGroup(t.info)}/${t.name} rolled back\n`);
  });
}

/** Go's time.Now().Format(time.RFC3339), in the local zone. */
function localRFC3339(d: Date): string {
  const off = -d.getTimezoneOffset();
  const p = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(d.getTime() + off * 60_000).toISOString().replace(/\.\d{3}Z$/, '');
  return off === 0 ? `${local}Z` : `${local}${off > 0 ? '+' : '-'}${p(off / 60)}:${p(off % 60)}`;
}

async function restart(ctx: Context, args: string[], opts: RolloutOptions, io: IO): Promise<number> {
  return eachDeployment(ctx, args, opts, 'restarter', async (t, d) => {
    if (d.spec?.paused) throw new UserError(`error: ${kindGroup(t.info)}/${t.name} can't restart paused deployment (run rollout resume first)`);
    await ctx.client.patch(t.info, t.namespace, t.name, 'strategic', {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': localRFC3339(new Date()) } } } },
    });
    io.out(`${kindGroup(t.info)}/${t.name} restarted\n`);
  });
}

export async function rollout(ctx: Context, sub: string, args: string[], opts: RolloutOptions, io: IO): Promise<number> {
  switch (sub) {
    case 'status':
      return status(ctx, args, opts, io);
    case 'history':
      return historyCmd(ctx, args, opts, io);
    case 'undo':
      return undo(ctx, args, opts, io);
    case 'restart':
      return restart(ctx, args, opts, io);
    case 'pause':
    case 'resume': {
      const { pauseResume } = await import('./rollout_pause.js');
      return pauseResume(ctx, sub, args, { output: opts.output, filenames: opts.filenames, recursive: opts.recursive }, io);
    }
    default:
      throw new UserError(`error: unknown command "${sub}" for "kjob rollout"`);
  }
}
