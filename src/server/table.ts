// The apiserver's server-side printing for `kubectl get`: a meta.k8s.io/v1 Table whose rows are
// the cells src/printers/tables.ts computes (the port of the Kubernetes printers), each with the
// object as PartialObjectMetadata (includeObject=Metadata, the default), the whole object
// (Object) or none (None).
import type { Kind, KObject } from '../api/types.js';
import { COLUMNS, cellsFor } from '../printers/tables.js';
import { description } from '../api/openapi/schema.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Columns whose cells the printers hand back as numbers (int64 in Go). */
const INTEGER_COLUMNS: Record<string, string[]> = { CronJob: ['Active'], Deployment: ['Up-to-date', 'Available'], ReplicaSet: ['Desired', 'Current', 'Ready'], Event: ['Count'], ConfigMap: ['Data'], Secret: ['Data'], ServiceAccount: ['Secrets'] };

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function columnDefinitions(kind: Kind): unknown[] {
  return COLUMNS[kind].map((c) => {
    const integer = INTEGER_COLUMNS[kind]?.includes(c.name);
    const def: Record<string, unknown> = { name: c.name, type: integer ? 'integer' : 'string', format: '', description: '', priority: c.priority };
    if (c.name === 'Name') {
      def.format = 'name';
      def.description = description(META, 'name') ?? '';
    } else if (c.name === 'Age') {
      def.description = description(META, 'creationTimestamp') ?? '';
    }
    return def;
  });
}

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toServerTable(kind: Kind, objects: KObject[], now: Date, resourceVersion: string, include: IncludeObject = 'Metadata'): unknown {
  const ints = new Set(INTEGER_COLUMNS[kind] ?? []);
  const names = COLUMNS[kind].map((c) => c.name);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columnDefinitions(kind),
    rows: objects.map((o) => {
      const cells: unknown[] = cellsFor(kind, o, now).map((c, i) => (ints.has(names[i]) && /^-?\d+$/.test(c) ? Number(c) : c));
      const object = rowObject(o, include);
      return object === undefined ? { cells } : { cells, object };
    }),
  };
}

/** Whether the client asked for a Table (kubectl get: `application/json;as=Table;v=v1;g=meta.k8s.io,...`). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
