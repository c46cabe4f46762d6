// `kjob create job|cronjob NAME ...`: kubectl's imperative generators (create_job.go,
// create_cronjob.go). The object is built as kubectl builds it (a typed object: -o json follows
// the Go struct field order, -o yaml sorts keys), then created through the apiserver path.
import type { KObject } from '../api/types.js';
import { resourceForKind, kindGroup, groupResource } from '../api/resources.js';
import { resolveResource } from '../api/resources.js';
import { UserError, StatusError, notFound } from '../errors.js';
import { toYAML, nameOf } from '../printers/output.js';
import { prepareCreate } from '../api/strategy.js';
import { readable } from '../apiserver/decode.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface CreateJobOptions {
  image?: string;
  from?: string;
  dryRun?: string;
  output?: string;
}

export interface CreateCronJobOptions {
  image?: string;
  schedule?: string;
  restart?: string;
  dryRun?: string;
  output?: string;
}

const OUTPUTS = ['json', 'yaml', 'name'];

function checkArgs(what: 'job' | 'cronjob', names: string[], output: string | undefined, dryRun: string | undefined): string {
  if (output !== undefined && output !== '' && !OUTPUTS.includes(output)) {
    throw new UserError(
      `error: unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`,
    );
  }
  if (dryRun !== undefined && !['none', 'client', 'server'].includes(dryRun)) {
    throw new UserError(`error: Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  }
  if (names.length !== 1) {
    throw new UserError(`error: exactly one NAME is required, got ${names.length}\nSee 'kjob create ${what} -h' for help and examples`);
  }
  return names[0];
}

/** `kjob create job NAME --image=IMG [-- CMD...]` or `kjob create job NAME --from=cronjob/CJ`. */
export async function createJob(ctx: Context, names: string[], command: string[], opts: CreateJobOptions, io: IO): Promise<number> {
  const name = checkArgs('job', names, opts.output, opts.dryRun);
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
      metadata: { name, ...(ctx.explicitNamespace ? { namespace: ctx.namespace } : {}), creationTimestamp: null as unknown as string },
      spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [container], restartPolicy: 'Never' } } },
      status: {},
    };
  } else {
    const slash = opts.from!.indexOf('/');
    const res = slash > 0 ? resolveResource(opts.from!.slice(0, slash)) : undefined;
    if (slash <= 0 || !res) throw new UserError(`error: from must be of the form <resource>/<name>`);
    if (res.kind !== 'CronJob') throw new UserError(`error: unknown object type *v1.${res.kind}`);
    const cjName = opts.from!.slice(slash + 1);
    const storedCj = ctx.store.get('CronJob', ctx.namespace, cjName);
    if (!storedCj) throw notFound(groupResource(res), cjName);
    const cj = readable('CronJob', storedCj) as KObject;
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
  return finish(ctx, 'job', job, opts.dryRun, opts.output, io);
}

/** `kjob create cronjob NAME --image=IMG --schedule=SPEC [--restart=OnFailure|Never] [-- CMD...]`. */
export async function createCronJob(ctx: Context, names: string[], command: string[], opts: CreateCronJobOptions, io: IO): Promise<number> {
  if (opts.image === undefined) throw new UserError('error: required flag(s) "image" not set');
  if (opts.schedule === undefined) throw new UserError('error: required flag(s) "schedule" not set');
  const name = checkArgs('cronjob', names, opts.output, opts.dryRun);
  const container: Record<string, unknown> = { name, image: opts.image };
  if (command.length > 0) container.command = command;
  container.resources = {};
  const cj: KObject = {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    metadata: { name, ...(ctx.explicitNamespace ? { namespace: ctx.namespace } : {}), creationTimestamp: null as unknown as string },
    spec: {
      schedule: opts.schedule,
      jobTemplate: {
        metadata: { name, creationTimestamp: null },
        spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [container], restartPolicy: opts.restart || 'OnFailure' } } },
      },
    },
    status: {},
  };
  return finish(ctx, 'cronjob', cj, opts.dryRun, opts.output, io);
}

async function finish(ctx: Context, what: 'job' | 'cronjob', obj: KObject, dryRun: string | undefined, output: string | undefined, io: IO): Promise<number> {
  const info = resourceForKind(obj.kind)!;
  if (dryRun === 'client') {
    print(obj, output, ' (dry run)', io);
    return 0;
  }
  const manifest = structuredClone(obj);
  manifest.metadata.namespace = ctx.namespace;
  delete manifest.metadata.creationTimestamp;
  delete manifest.status;
  let created: KObject;
  try {
    const store = ctx.store;
    if (ctx.namespace !== 'default' && !store.get('Namespace', undefined, ctx.namespace)) throw notFound('namespaces', ctx.namespace);
    if (store.get(info.kind, ctx.namespace, obj.metadata.name!)) throw new StatusError('AlreadyExists', `${groupResource(info)} "${obj.metadata.name}" already exists`);
    const prepared = prepareCreate(info, manifest);
    created = dryRun === 'server' ? prepared : store.create(prepared);
  } catch (e) {
    if (e instanceof StatusError) throw new UserError(`error: failed to create ${what}: ${e.message}`);
    throw e;
  }
  if (dryRun !== 'server') await ctx.engine();
  print(created, output, dryRun === 'server' ? ' (server dry run)' : '', io);
  return 0;
}

function print(obj: KObject, output: string | undefined, suffix: string, io: IO): void {
  if (output === 'yaml') io.out(toYAML(obj));
  else if (output === 'json') io.out(goJSON(obj));
  else if (output === 'name') io.out(`${nameOf(obj)}\n`);
  else io.out(`${kindGroup(resourceForKind(obj.kind)!)}/${obj.metadata.name} created${suffix}\n`);
}

/** encoding/json MarshalIndent of a typed object: fields in the order given (struct order). */
function goJSON(obj: unknown): string {
  return (
    JSON.stringify(obj, null, 4)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026') + '\n'
  );
}
