// `kjob api-resources`: what discovery serves, printed as kubectl prints it (core group first).
import { RESOURCES, apiVersionOf } from '../api/resources.js';
import { getTabWriter } from '../printers/tabwriter.js';
import type { IO } from './io.js';

export function apiResources(io: IO): number {
  const w = getTabWriter(io.out);
  w.write('NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n');
  const sorted = [...RESOURCES].sort((a, b) => (a.group === b.group ? a.resource.localeCompare(b.resource) : a.group.localeCompare(b.group)));
  for (const r of sorted) w.write(`${r.resource}\t${r.shortNames.join(',')}\t${apiVersionOf(r)}\t${r.namespaced}\t${r.kind}\n`);
  w.flush();
  return 0;
}
