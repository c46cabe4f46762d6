// The table view of an object: the part of it that `kjob get` prints as a table row (the default
// and wide columns of the printers in src/printers/tables.ts, the NAMESPACE column, -L and
// --show-labels), kept by the store next to the object so that listing a kind for a table reads
// small rows instead of every whole object. A view is the object with everything else left out:
// the printers run unchanged on it and print the same cells (src/printers/table_view.test.ts
// checks that on varied objects).
//
// A value is copied whole unless it has the shape the spec expects (an object for {…}, an array
// for [...]): an object stored in an odd shape keeps it, so the printers see what they would see.
import type { KObject } from './types.js';

type Spec = true | { [key: string]: Spec } | [Spec];

// The labels are kept apart (tableViewLabels): most tables do not show them.
const METADATA: Spec = { name: true, namespace: true, creationTimestamp: true, deletionTimestamp: true };
const CONTAINER_STATUS: Spec = {
  name: true,
  restartCount: true,
  started: true,
  ready: true,
  state: { waiting: { reason: true }, running: {}, terminated: { exitCode: true, reason: true, signal: true } },
  lastState: { terminated: { finishedAt: true } },
};
const CONTAINERS_NAME_IMAGE: Spec = [{ name: true, image: true }];

/** What each kind's table row reads (printPod, printJob, printCronJob). */
const SPECS: Record<string, Spec> = {
  Pod: {
    metadata: METADATA,
    spec: {
      containers: [{}],
      initContainers: [{ name: true, restartPolicy: true }],
      nodeName: true,
      readinessGates: true,
    },
    status: {
      phase: true,
      reason: true,
      conditions: [{ type: true, status: true, reason: true }],
      initContainerStatuses: [CONTAINER_STATUS],
      containerStatuses: [CONTAINER_STATUS],
      podIPs: true,
      nominatedNodeName: true,
    },
  },
  Job: {
    metadata: METADATA,
    spec: { completions: true, parallelism: true, selector: true, template: { spec: { containers: CONTAINERS_NAME_IMAGE } } },
    status: { succeeded: true, startTime: true, completionTime: true, conditions: [{ type: true, status: true }] },
  },
  CronJob: {
    metadata: METADATA,
    spec: {
      schedule: true,
      timeZone: true,
      suspend: true,
      jobTemplate: { spec: { selector: true, template: { spec: { containers: CONTAINERS_NAME_IMAGE } } } },
    },
    status: { lastScheduleTime: true, active: [{}] },
  },
};

/** The kinds whose objects have a table view. */
export const TABLE_VIEW_KINDS: readonly string[] = Object.keys(SPECS);

export function hasTableView(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(SPECS, kind);
}

/** The table view of obj (undefined for a kind without one). */
export function tableView(obj: KObject): KObject | undefined {
  const spec = hasTableView(obj.kind) ? SPECS[obj.kind] : undefined;
  return spec === undefined ? undefined : (pick(obj, spec) as KObject);
}

/**
 * The labels of an object with a table view, as JSON (undefined when it has none): the -L and
 * --show-labels columns and label selectors read them, with withLabels.
 */
export function tableViewLabels(obj: KObject): string | undefined {
  const m = obj.metadata as unknown;
  if (!isPlain(m) || !Object.prototype.hasOwnProperty.call(m, 'labels') || m.labels === undefined) return undefined;
  return JSON.stringify(m.labels);
}

/** The view with its object's labels (tableViewLabels) back in. */
export function withLabels(view: KObject, labels: unknown): KObject {
  if (isPlain(view.metadata)) (view.metadata as Record<string, unknown>).labels = labels;
  return view;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pick(v: unknown, spec: Spec): unknown {
  if (spec === true) return v;
  if (Array.isArray(spec)) {
    if (!Array.isArray(v)) return v;
    return v.map((e) => pick(e, spec[0]));
  }
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k in spec) {
    if (Object.prototype.hasOwnProperty.call(v, k)) out[k] = pick(v[k], spec[k]);
  }
  return out;
}
