// `kjob describe`: kubectl's client-side describers over the stored objects and their events.
import type { KObject, JobObject, PodObject, NodeObject, ConfigMapObject, SecretObject, ServiceAccountObject, CronJobObject, EventObject, ServiceObject, NamespaceObject } from '../api/types.js';
import { resourceForKind } from '../api/resources.js';
import { UserError, StatusError, aggregateMessage } from '../errors.js';
import { describeJob, describePod, describeCronJob, describeNode, describeObjects, describeConfigMap, describeSecret, describeServiceAccount } from '../printers/describe.js';
import { readable } from '../apiserver/decode.js';
import { describeService, describeNamespace, describeGeneric } from '../printers/describe_more.js';
import { listObjects } from './list.js';
import { describeApps } from './describe_apps.js';
import { parseResourceArgs, refuseResourceArgsWithPaths, type ResourceRequest } from './args.js';
import { requestsFromFiles } from './get_files.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface DescribeOptions {
  selector?: string;
  /** --field-selector */
  fieldSelector?: string;
  allNamespaces?: boolean;
  showEvents?: boolean;
  /** -f: the objects the manifests name (each in its own namespace), -R */
  filenames?: string[];
  recursive?: boolean;
}

export async function describe(ctx: Context, args: string[], opts: DescribeOptions, io: IO): Promise<number> {
  const errors: string[] = [];
  let fromFiles: ResourceRequest[] | undefined;
  if (opts.filenames?.length) {
    refuseResourceArgsWithPaths(args);
    // The builder's: -l over the files' own labels (describe fetches by name, after it).
    const r = await requestsFromFiles(ctx, opts.filenames, { recursive: !!opts.recursive, manifestSelector: opts.selector });
    errors.push(...r.errors);
    fromFiles = r.requests;
  } else if (args.length === 0) {
    throw new UserError(
      'error: You must specify the type of resource to describe. Use "kjob api-resources" for a complete list of supported resources.',
    );
  }
  const requests = fromFiles ?? parseResourceArgs(args);
  const client = ctx.client;
  const list = async <T extends KObject>(kind: T['kind'], namespace?: string, fieldSelector?: string) =>
    (await client.list(resourceForKind(kind)!, { namespace, fieldSelector })).items.map((o) => readable(kind, o) as T);
  const outputs: string[] = [];
  const now = ctx.now();
  // `describe TYPE NAME` alone, with no object of that name, describes those whose names start
  // with NAME (DescribeMatchingResources), each followed by a newline.
  const byPrefix = !fromFiles && args.length === 2 && requests.length === 1 && requests[0].names.length === 1 && !args[1].includes('/');
  let matchedByPrefix = false;
  for (const req of requests) {
    if (!['Job', 'Pod', 'CronJob', 'Deployment', 'ReplicaSet', 'Node', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Namespace', 'Event'].includes(req.info.kind)) {
      // Said with the other errors, after what could be described.
      errors.push(`error: kjob cannot describe ${req.info.resource} yet; it describes jobs, cronjobs, deployments, replicasets, pods, nodes, configmaps, secrets, serviceaccounts, services, namespaces and events`);
      continue;
    }
    const ns = req.info.namespaced ? (opts.allNamespaces ? undefined : ctx.namespace) : undefined;
    let objects: KObject[] = [];
    if (req.names.length === 0) {
      objects = (await listObjects(ctx, req.info, { namespace: ns, labelSelector: opts.selector, fieldSelector: opts.fieldSelector })).items;
    } else {
      for (const [i, name] of req.names.entries()) {
        try {
          objects.push(await client.get(req.info, req.namespaces ? req.namespaces[i] : ns, name));
          continue;
        } catch (e) {
          if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
          // The get's NotFound (the namespace's, when that is what is missing) unless NAME is a prefix.
          const matches = byPrefix ? (await client.list(req.info, { namespace: ns })).items.filter((o) => o.metadata.name!.startsWith(name)) : [];
          if (matches.length === 0) errors.push(e.kubectlMessage());
          matchedByPrefix = matches.length > 0;
          objects.push(...matches);
        }
      }
    }
    // Objects stored before decoding was strict may be of the wrong shape: describe what reads.
    for (const obj of objects.map((o) => readable(o.kind, o))) {
      const events = opts.showEvents === false ? [] : await eventsFor(ctx, obj);
      if (obj.kind === 'Job') outputs.push(describeJob(obj as JobObject, events, now));
      else if (obj.kind === 'Pod') outputs.push(describePod(obj as PodObject, events, now));
      else if (obj.kind === 'Node') {
        // describe.go's query: spec.nodeName=NODE,status.phase!=Failed,status.phase!=Succeeded.
        const onNode = await list<PodObject>('Pod', undefined, `spec.nodeName=${obj.metadata.name},status.phase!=Failed,status.phase!=Succeeded`);
        outputs.push(describeNode(obj as NodeObject, onNode, events, now));
      }
      else if (obj.kind === 'ConfigMap') outputs.push(describeConfigMap(obj as ConfigMapObject, events, now));
      else if (obj.kind === 'Secret') outputs.push(describeSecret(obj as SecretObject)); // kubectl shows no events for a Secret
      else if (obj.kind === 'ServiceAccount') {
        outputs.push(describeServiceAccount(obj as ServiceAccountObject, await list<SecretObject>('Secret', obj.metadata.namespace), events, now));
      } else if (obj.kind === 'Service') {
        // describe.go lists the Service's EndpointSlices by the kubernetes.io/service-name label.
        const slices = (await client.list(resourceForKind('EndpointSlice')!, { namespace: obj.metadata.namespace, labelSelector: `kubernetes.io/service-name=${obj.metadata.name}` })).items;
        outputs.push(describeService(obj as ServiceObject, slices.map((o) => readable('EndpointSlice', o)), opts.showEvents === false ? undefined : events, now));
      } else if (obj.kind === 'Namespace') outputs.push(describeNamespace(obj as NamespaceObject));
      else if (obj.kind === 'Event') outputs.push(describeGeneric(obj, opts.showEvents === false ? undefined : events, now));
      else if (obj.kind === 'Deployment' || obj.kind === 'ReplicaSet') outputs.push(await describeApps(obj, list, opts.showEvents === false ? undefined : events, now));
      else if (obj.kind === 'CronJob') {
        const jobs = await list('Job', obj.metadata.namespace);
        outputs.push(describeCronJob(obj as CronJobObject, jobs, events, now));
      }
    }
  }
  if (matchedByPrefix) io.out(outputs.map((o) => `${o}\n`).join(''));
  else if (outputs.length > 0) io.out(describeObjects(outputs));
  if (errors.length > 0) {
    io.err(aggregateMessage(errors));
    return 1;
  }
  if (outputs.length === 0) io.err(opts.allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
  return 0;
}

/** The describers' event query: involvedObject name, namespace, uid (and kind, except for pods), as a field selector. */
export async function eventsFor(ctx: Context, obj: KObject): Promise<EventObject[]> {
  const sel = [`involvedObject.name=${obj.metadata.name}`, `involvedObject.namespace=${obj.metadata.namespace ?? ''}`, `involvedObject.uid=${obj.metadata.uid}`];
  if (obj.kind !== 'Pod') sel.push(`involvedObject.kind=${obj.kind}`);
  const events = await ctx.client.list(resourceForKind('Event')!, { namespace: obj.metadata.namespace ?? 'default', fieldSelector: sel.join(',') });
  return events.items.map((e) => readable('Event', e) as EventObject);
}
