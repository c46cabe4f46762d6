// A list as kubectl's resource builder makes it: through the apiserver, which applies the label
// and field selectors (and refuses a field it cannot select by), with cli-runtime's
// EnhanceListError around what it refuses.
import { asKind, type KObject, type ObjectOf } from '../api/types.js';
import type { TableViewRow } from '../api/table_view.js';
import { resourceForKind, type ResourceInfo } from '../api/resources.js';
import { StatusError } from '../errors.js';
import type { Context } from './context.js';

/**
 * The objects' table views (api/table_view.ts), their rows one at a time, for a table: undefined when the
 * client or the kind has none, or a field selector is given (then listObjects).
 */
export async function listViews(
  ctx: Context,
  info: ResourceInfo,
  opts: { namespace?: string; labelSelector?: string; fieldSelector?: string; withLabels?: boolean },
  each: (row: TableViewRow) => void,
): Promise<{ resourceVersion: string } | undefined> {
  if (!ctx.client.listViews || opts.fieldSelector) return undefined;
  try {
    return await ctx.client.listViews(info, { namespace: opts.namespace, labelSelector: opts.labelSelector || undefined, withLabels: opts.withLabels }, each);
  } catch (e) {
    if (e instanceof StatusError) throw enhanceListError(e, info, opts.labelSelector ?? '', opts.fieldSelector ?? '');
    throw e;
  }
}

export async function listObjects(ctx: Context, info: ResourceInfo, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string }): Promise<{ items: KObject[]; resourceVersion: string }> {
  try {
    return await ctx.client.list(info, { namespace: opts.namespace, labelSelector: opts.labelSelector || undefined, fieldSelector: opts.fieldSelector || undefined });
  } catch (e) {
    if (e instanceof StatusError) throw enhanceListError(e, info, opts.labelSelector ?? '', opts.fieldSelector ?? '');
    throw e;
  }
}

/** cli-runtime's EnhanceListError: the list's BadRequest or NotFound, with what was asked for. */
export function enhanceListError(e: StatusError, info: ResourceInfo, labelSelector: string, fieldSelector: string): StatusError {
  if (e.reason !== 'BadRequest' && e.reason !== 'NotFound') return e;
  const gvr = `${info.group ? `${info.group}/${info.version}` : `/${info.version}`}, Resource=${info.resource}`;
  const message =
    labelSelector === '' && fieldSelector === ''
      ? `Unable to list "${gvr}": ${e.message}`
      : `Unable to find "${gvr}" that match label selector "${labelSelector}", field selector "${fieldSelector}": ${e.message}`;
  return new StatusError(e.reason, message, e.details);
}

/** GET, with NotFound as undefined. */
export async function getOrUndefined(ctx: Context, info: ResourceInfo, namespace: string | undefined, name: string): Promise<KObject | undefined> {
  try {
    return await ctx.client.get(info, namespace, name);
  } catch (e) {
    if (e instanceof StatusError && e.reason === 'NotFound') return undefined;
    throw e;
  }
}

/** The items of a kind (every namespace when namespace is undefined). */
export async function listKind<K extends string>(ctx: Context, kind: K, namespace?: string, labelSelector?: string): Promise<ObjectOf<K>[]> {
  return (await ctx.client.list(resourceForKind(kind)!, { namespace, labelSelector: labelSelector || undefined })).items.map((o) => asKind(kind, o));
}
