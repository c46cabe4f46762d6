// kubectl's resource arguments: `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME ...` (resource.Builder).
import { UserError } from '../errors.js';
import { RESOURCES, resolveResource, resourceCategories, type ResourceInfo } from '../api/resources.js';

/** The "all" category, in the order discovery lists it: the core group, then the others by name
 * (pods, services, then apps' deployments, replicasets, then batch's cronjobs, jobs). */
const ALL_CATEGORY = RESOURCES.filter((r) => resourceCategories(r).includes('all'))
  .sort((a, b) => (a.group === b.group ? (a.resource < b.resource ? -1 : 1) : a.group === '' ? -1 : b.group === '' ? 1 : a.group < b.group ? -1 : 1))
  .map((r) => r.resource);

/** kubectl's message when a command that needs resources got none (delete, wait, patch, scale). */
export const NO_RESOURCES = `error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`;

export interface ResourceRequest {
  info: ResourceInfo;
  /** names asked for; empty means "list" */
  names: string[];
  /** given as TYPE/NAME arguments (the builder's resource tuples) */
  tuples?: boolean;
  /** from files (-f): the namespace each name is looked up in, beside names (undefined: cluster-scoped) */
  namespaces?: (string | undefined)[];
}

/**
 * resource.Builder's visitBySelector: a label or field selector (or delete's --all) selects every
 * object of a type, so a request that also names objects is refused. sel names what selects:
 * label, annotate and wait pass no --all, as kubectl's ResourceTypeOrNameArgs(all, ...) applies
 * --all to a lone type only (`kubectl label cm a --all k=v` labels a).
 */
export function refuseNamesWithSelector(req: ResourceRequest, sel: { all?: boolean; selector?: string; fieldSelector?: string }): void {
  if (req.names.length === 0 || !(sel.all || sel.selector || sel.fieldSelector)) return;
  throw new UserError(req.tuples ? 'error: selectors and the all flag cannot be used when passing resource/name arguments' : 'error: name cannot be provided when a selector is specified');
}

export function parseResourceArgs(args: string[]): ResourceRequest[] {
  if (args.length === 0) return [];
  const slashForm = args.filter((a) => a.includes('/'));
  if (slashForm.length > 0) {
    if (slashForm.length !== args.length) {
      throw new UserError(
        "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kjob get resource/<resource_name>' instead of 'kjob get resource resource/<resource_name>'",
      );
    }
    const out: ResourceRequest[] = [];
    for (const a of args) {
      const i = a.indexOf('/');
      const type = a.slice(0, i);
      const name = a.slice(i + 1);
      if (!name) throw new UserError(`error: arguments in resource/name form must have a single resource and name`);
      const info = resolveType(type);
      const prev = out.find((r) => r.info === info);
      if (prev) prev.names.push(name);
      else out.push({ info, names: [name], tuples: true });
    }
    return out;
  }
  const [types, ...names] = args;
  const infos = types
    .split(',')
    .filter(Boolean)
    .flatMap((t) => (t.toLowerCase() === 'all' ? ALL_CATEGORY.map(resolveType) : [resolveType(t)]));
  if (names.length > 0 && infos.length > 1) {
    throw new UserError(`error: you may only specify a single resource type`);
  }
  return infos.map((info) => ({ info, names: [...names] }));
}

export function resolveType(type: string): ResourceInfo {
  const info = resolveResource(type);
  if (!info) throw new UserError(`error: the server doesn't have a resource type "${type}"`);
  return info;
}

/**
 * Resource arguments beside -f (cli-runtime's Builder): TYPE/NAME ones by visitorResult's check,
 * a TYPE (with names) by visitByPaths'.
 */
export function refuseResourceArgsWithPaths(args: string[]): void {
  if (args.some((a) => a.includes('/'))) throw new UserError('error: resource/name arguments cannot be provided when a path is specified');
  if (args.length > 0) throw new UserError('error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
}

/**
 * The builder's RequireNamespace refusal (FilenameParam with enforceNamespace, -n given): an object
 * whose manifest places it in another namespace than the one the command names.
 */
export function namespaceMismatch(own: string, given: string): string {
  return `error: the namespace from the provided object "${own}" does not match the namespace "${given}". You must pass '--namespace=${own}' to perform this operation.`;
}
