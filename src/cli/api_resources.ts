// `kjob api-resources`: what discovery serves, printed as kubectl's api-resources prints it
// (pkg/cmd/apiresources): the core group first, then by group (sort.Stable; --sort-by name|kind,
// ties by name), -o wide (VERBS, CATEGORIES) or name (`jobs.batch`), --namespaced, --api-group,
// --verbs, --categories, --no-headers.
import { RESOURCES, apiVersionOf, resourceCategories, resourceVerbs, type ResourceInfo } from '../api/resources.js';
import { getTabWriter } from '../printers/tabwriter.js';
import { UserError } from '../errors.js';
import type { IO } from './io.js';

export interface APIResourcesOptions {
  output?: string;
  /** --namespaced, when given */
  namespaced?: boolean;
  /** --api-group, when given */
  apiGroup?: string;
  noHeaders?: boolean;
  sortBy?: string;
  verbs?: string[];
  categories?: string[];
}

const verbsOf = resourceVerbs;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function apiResources(io: IO, args: string[] = [], opts: APIResourcesOptions = {}): number {
  const output = (opts.output ?? '').replace(/^=/, '');
  if (!['', 'wide', 'name'].includes(output)) throw new UserError(`error: --output ${output} is not available`);
  const sortBy = (opts.sortBy ?? '').replace(/^=/, '');
  if (sortBy && !['name', 'kind'].includes(sortBy)) throw new UserError('error: --sort-by accepts only name or kind');
  if (args.length) throw new UserError(`error: unexpected arguments: [${args.join(' ')}]\nSee 'kjob api-resources -h' for help and examples`);
  // discovery order: the core group, then the groups, resources by name within each
  const all = [...RESOURCES].sort((a, b) => (a.group === b.group ? cmp(a.resource, b.resource) : a.group === '' ? -1 : b.group === '' ? 1 : cmp(a.group, b.group)));
  const rs = all.filter(
    (r) =>
      (opts.apiGroup === undefined || r.group === opts.apiGroup) &&
      (opts.namespaced === undefined || r.namespaced === opts.namespaced) &&
      (opts.verbs ?? []).every((v) => verbsOf(r).includes(v)) &&
      (opts.categories ?? []).every((c) => resourceCategories(r).includes(c)),
  );
  const key = (r: ResourceInfo) => (sortBy === 'name' ? r.resource : sortBy === 'kind' ? r.kind : r.group);
  // sort.Stable, ties broken by name
  const sorted = rs.map((r, i) => ({ r, i })).sort((a, b) => cmp(key(a.r), key(b.r)) || cmp(a.r.resource, b.r.resource) || a.i - b.i).map((x) => x.r);
  const w = getTabWriter(io.out);
  if (!opts.noHeaders && output !== 'name') {
    w.write(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(output === 'wide' ? ['VERBS', 'CATEGORIES'] : [])].join('\t') + '\n');
  }
  for (const r of sorted) {
    if (output === 'name') w.write(`${r.resource}${r.group ? '.' + r.group : ''}\n`);
    else {
      const cells = [r.resource, r.shortNames.join(','), apiVersionOf(r), String(r.namespaced), r.kind];
      if (output === 'wide') cells.push(verbsOf(r).join(','), resourceCategories(r).join(','));
      w.write(cells.join('\t') + '\n');
    }
  }
  w.flush();
  return 0;
}

/** `kjob api-versions`: the group/versions discovery serves, one a line, sorted (pkg/cmd/apiresources/apiversions.go). */
export function apiVersions(io: IO, args: string[] = []): number {
  if (args.length) throw new UserError(`error: unexpected arguments: [${args.join(' ')}]\nSee 'kjob api-versions -h' for help and examples`);
  io.out([...new Set(RESOURCES.map(apiVersionOf))].sort(cmp).map((v) => `${v}\n`).join(''));
  return 0;
}
