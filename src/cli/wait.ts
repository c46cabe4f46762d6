// `kjob wait`: kubectl wait (cmd/wait) for --for=condition=C[=V], --for=delete and
// --for=jsonpath='{...}'[=V], polling the store while the engine runs.
import { parseGoDuration } from '../util/go.js';
import type { KObject } from '../api/types.js';
import { parseSelector, everything } from '../api/labels.js';
import { listFieldMatcher } from '../api/fields.js';
import { groupResource, kindGroup, type ResourceInfo } from '../api/resources.js';
import { UserError } from '../errors.js';
import { JSONPath, JSONPathParseError, JSONPathExecError, relaxedJSONPathExpression, goV } from '../printers/jsonpath.js';
import { NO_RESOURCES, parseResourceArgs } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

export interface WaitOptions {
  for?: string;
  timeout?: string;
  selector?: string;
  /** --field-selector */
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
}


const WEEK_MS = 7 * 24 * 3600 * 1000;
const POLL_MS = 100;

/** A check of one object: true when met; throws WaitFailure for an error that ends the wait. */
type Check = (obj: KObject) => boolean;

class WaitFailure extends Error {
  constructor(message: string, readonly status = false) {
    super(message);
  }
}

interface Condition {
  kind: 'delete' | 'check';
  check?: Check;
}

/** conditionFuncFor. */
export function parseFor(condition: string): Condition {
  const lower = condition.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (condition.startsWith('condition=')) {
    let name = condition.slice('condition='.length);
    let value = 'true';
    const eq = name.indexOf('=');
    if (eq !== -1) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    return { kind: 'check', check: (obj) => conditionMet(obj, name, value) };
  }
  if (condition.startsWith('jsonpath=')) {
    const parts = splitJSONPathInput(condition.slice('jsonpath='.length));
    if (parts.length < 1 || parts.length > 2) {
      throw new UserError("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'");
    }
    let expr: string;
    try {
      expr = relaxedJSONPathExpression(parts[0]);
    } catch (e) {
      if (e instanceof JSONPathParseError) throw new UserError(`error: ${e.message}`);
      throw e;
    }
    let value = '';
    if (parts.length === 2) {
      value = parts[1].replace(/^['"]+|['"]+$/g, '');
      if (value === '') throw new UserError("error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3");
    }
    if (expr === '') throw new UserError('error: jsonpath expression cannot be empty');
    let j: JSONPath;
    try {
      j = new JSONPath(expr);
    } catch (e) {
      if (e instanceof JSONPathParseError) throw new UserError(`error: ${e.message}`);
      throw e;
    }
    j.allowMissingKeys = true;
    return { kind: 'check', check: (obj) => jsonPathMet(j, obj, value) };
  }
  throw new UserError(`error: unrecognized condition: ${JSON.stringify(condition)}`);
}

/** splitJSONPathInput: split on a single '='; '==' stays in the expression. */
function splitJSONPathInput(input: string): string[] {
  const out: string[] = [];
  let el = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '=') {
      if (i < input.length - 1 && input[i + 1] === '=') {
        el += '==';
        i++;
        continue;
      }
      out.push(el);
      el = '';
      continue;
    }
    el += input[i];
  }
  out.push(el);
  return out;
}

const equalFold = (a: string, b: string) => a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase();

/** ConditionalWait.checkCondition. */
function conditionMet(obj: KObject, name: string, value: string): boolean {
  const status = (obj as { status?: { conditions?: unknown; observedGeneration?: unknown } }).status;
  const conditions = status?.conditions;
  if (!Array.isArray(conditions)) return false;
  for (const c of conditions as Record<string, unknown>[]) {
    if (typeof c?.type !== 'string' || !equalFold(c.type, name)) continue;
    if (typeof c.status !== 'string') continue;
    const generation = obj.metadata?.generation;
    if (typeof generation === 'number') {
      const observed = typeof c.observedGeneration === 'number' ? c.observedGeneration : status?.observedGeneration;
      if (typeof observed === 'number' && observed < generation) return false;
    }
    return equalFold(c.status, value);
  }
  return false;
}

/** JSONPathWait.checkCondition. */
function jsonPathMet(j: JSONPath, obj: KObject, value: string): boolean {
  let results: unknown[][];
  try {
    results = j.findResults(obj);
  } catch (e) {
    if (e instanceof JSONPathExecError) throw new WaitFailure(e.message);
    throw e;
  }
  if (results.length === 0 || results[0].length === 0) return false;
  if (results.length > 1) throw new WaitFailure('given jsonpath expression matches more than one list');
  if (results[0].length > 1) throw new WaitFailure('given jsonpath expression matches more than one value');
  if (value === '') return true;
  const r = results[0][0];
  if (r !== null && typeof r === 'object') throw new WaitFailure('jsonpath leads to a nested object or list which is not supported');
  return goV(r).trim() === value.trim();
}

/** --timeout as kubectl parses it (Go's time.ParseDuration), in milliseconds. */
export function parseTimeoutFlag(s: string): number {
  try {
    return Number(parseGoDuration(s)) / 1e6;
  } catch (e) {
    throw new UserError(`Error: invalid argument "${s}" for "--timeout" flag: ${(e as Error).message}\nSee 'kjob wait --help' for usage.`);
  }
}

interface Target {
  info: ResourceInfo;
  obj: KObject;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function wait(ctx: Context, args: string[], opts: WaitOptions, io: IO): Promise<number> {
  const cond = parseFor(opts.for ?? '');
  let timeoutMs = parseTimeoutFlag(opts.timeout ?? '30s');
  if (timeoutMs < 0) timeoutMs = WEEK_MS;
  if (args.length === 0) throw new UserError(NO_RESOURCES);
  const requests = parseResourceArgs(args);
  const store = ctx.store;
  await ctx.engine();
  const deadline = Date.now() + timeoutMs;
  let lastEngineCheck = Date.now();
  const nudge = async () => {
    if (Date.now() - lastEngineCheck > 2000) {
      lastEngineCheck = Date.now();
      await ctx.engine();
    }
  };

  const errors: WaitFailure[] = [];
  let visitCount = 0;
  const isDelete = cond.kind === 'delete';

  // What the resource builder finds: named objects are fetched, the others listed.
  const visit = async (t: Target): Promise<void> => {
    visitCount++;
    try {
      await (isDelete ? waitDeleted(t) : waitCondition(t, cond.check!));
      io.out(`${kindGroup(t.info)}/${t.obj.metadata.name} condition met\n`);
    } catch (e) {
      if (e instanceof WaitFailure) errors.push(e);
      else throw e;
    }
  };
  const objectName = (t: Target) => `${t.info.resource}/${t.obj.metadata.name}`;
  const current = (t: Target) => store.get(t.info.kind, t.obj.metadata.namespace, t.obj.metadata.name!);
  const notFoundOf = (t: Target) => new WaitFailure(`Error from server (NotFound): ${groupResource(t.info)} "${t.obj.metadata.name}" not found`, true);
  const timedOut = (t: Target) => new WaitFailure(`timed out waiting for the condition on ${objectName(t)}`);

  const waitDeleted = async (t: Target): Promise<void> => {
    const gone = () => {
      const cur = current(t);
      return cur === undefined || cur.metadata.uid !== t.obj.metadata.uid;
    };
    if (gone()) return;
    if (timeoutMs === 0) throw new WaitFailure(`condition not met for ${objectName(t)}`);
    for (;;) {
      if (Date.now() >= deadline) throw timedOut(t);
      await sleep(POLL_MS);
      if (gone()) return;
      await nudge();
    }
  };

  const waitCondition = async (t: Target, check: Check): Promise<void> => {
    if (timeoutMs === 0) {
      const cur = current(t);
      if (!cur) throw notFoundOf(t);
      if (!check(cur)) throw new WaitFailure(`condition not met for ${objectName(t)}`);
      return;
    }
    if (Date.now() >= deadline) throw timedOut(t);
    for (;;) {
      const cur = current(t);
      if (!cur) throw notFoundOf(t);
      if (check(cur)) return;
      if (Date.now() >= deadline) throw timedOut(t);
      await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
      await nudge();
    }
  };

  for (const req of requests) {
    const ns = req.info.namespaced ? ctx.namespace : undefined;
    if (req.names.length > 0) {
      for (const name of req.names) {
        const obj = store.get(req.info.kind, ns, name);
        if (obj) await visit({ info: req.info, obj });
        else if (!isDelete) errors.push(new WaitFailure(`Error from server (NotFound): ${groupResource(req.info)} "${name}" not found`, true));
      }
    } else if (opts.all || opts.selector || opts.fieldSelector) {
      const sel = opts.selector ? parseSelector(opts.selector) : everything();
      const listNs = opts.allNamespaces ? undefined : ns;
      const fieldMatch = listFieldMatcher(req.info, opts.selector, opts.fieldSelector);
      for (const obj of store.list(req.info.kind, { namespace: listNs, labelSelector: (l) => sel.matches(l) }).filter(fieldMatch)) await visit({ info: req.info, obj });
    } else {
      throw new UserError('error: resource(s) were provided, but no name was specified');
    }
  }

  if (errors.length === 1) {
    io.err(errors[0].status ? `${errors[0].message}\n` : `error: ${errors[0].message}\n`);
    return 1;
  }
  if (errors.length > 1) {
    io.err(errors.map((e) => e.message).join('\n') + '\n');
    return 1;
  }
  if (visitCount === 0 && !isDelete) {
    io.err('error: no matching resources found\n');
    return 1;
  }
  return 0;
}
