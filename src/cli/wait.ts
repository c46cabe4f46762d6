// `kjob wait`: kubectl wait (cmd/wait) for --for=condition=C[=V], --for=create, --for=delete and
// --for=jsonpath='{...}'[=V], of objects named, selected or in files (-f): each object is looked
// at again at each of its changes (a watch of it, as kubectl's), and at least every POLL_MS while
// the engine runs; what is met is printed as -o says (PrintFlags("condition met")).
import { asKind, type JobObject, type KObject } from '../api/types.js';
import { listObjects } from './list.js';
import { groupResource, kindGroup, type ResourceInfo } from '../api/resources.js';
import { durationFlagMs } from './option_values.js';
import { UserError, StatusError } from '../errors.js';
import { JSONPath, JSONPathParseError, JSONPathExecError, relaxedJSONPathExpression, goV } from '../printers/jsonpath.js';
import { NO_RESOURCES, parseResourceArgs, refuseNamesWithSelector } from './args.js';
import { errorText, noNamespaceSet, selectorOfFlag, visit as visitBuilder } from './builder.js';
import { objectPrinter, type ObjectOutputOptions } from './object_output.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import type { WatchEvent } from '../apiserver/interface.js';
import type { WatchStream } from '../client/interface.js';
import { createProgress, jobProgressText, type Progress } from './progress.js';

export interface WaitOptions extends ObjectOutputOptions {
  for?: string;
  /** -f: the objects these files' manifests name */
  filenames?: string[];
  /** -R (kubectl wait's default: true) */
  recursive?: boolean;
  timeout?: string;
  selector?: string;
  /** --field-selector */
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
}


const WEEK_MS = 7 * 24 * 3600 * 1000;
const POLL_MS = 100;
/** How often a wait for create looks for the objects (RunWait's poll). */
const CREATE_POLL_MS = 500;

/** A check of one object: true when met; throws WaitFailure for an error that ends the wait. */
type Check = (obj: KObject) => boolean;

class WaitFailure extends Error {
  /**
   * status: printed as it is (the server's `Error from server ...`, or a message with its
   * `error: `); notYet: an object not found that a wait for create goes on looking for
   */
  constructor(message: string, readonly status = false, readonly notYet = false) {
    super(message);
  }
}

interface Condition {
  kind: 'create' | 'delete' | 'check';
  check?: Check;
  /** condition=NAME[=VALUE], lower-cased: a wait for a Job's complete fails fast (jobWillNotComplete) */
  condition?: { name: string; value: string };
}

/** conditionFuncFor. */
export function parseFor(condition: string): Condition {
  const lower = condition.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (lower === 'create') return { kind: 'create' };
  if (condition.startsWith('condition=')) {
    let name = condition.slice('condition='.length);
    let value = 'true';
    const eq = name.indexOf('=');
    if (eq !== -1) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    return { kind: 'check', check: (obj) => conditionMet(obj, name, value), condition: { name: name.toLowerCase(), value: value.toLowerCase() } };
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

/**
 * kjob's fail-fast (kubectl waits until the timeout): why a Job that a wait for
 * condition=complete watches will not complete, or undefined while it still may. A Job that
 * failed (Failed, or FailureTarget: the failure is decided and its pods are being stopped), or
 * that is suspended (Suspended=True and spec.suspend still true), will not.
 */
export function jobWillNotComplete(job: JobObject): { state: 'failed' | 'suspended'; reason: string; message: string } | undefined {
  const conds = Array.isArray(job.status?.conditions) ? job.status.conditions : [];
  const first = (t: string) => conds.find((c) => c?.type === t);
  if (first('Complete')?.status === 'True') return undefined;
  const failed = first('Failed')?.status === 'True' ? first('Failed') : first('FailureTarget')?.status === 'True' ? first('FailureTarget') : undefined;
  if (failed) return { state: 'failed', reason: failed.reason ?? '', message: failed.message ?? '' };
  const suspended = first('Suspended');
  if (suspended?.status === 'True' && job.spec?.suspend === true) return { state: 'suspended', reason: suspended.reason ?? '', message: suspended.message ?? '' };
  return undefined;
}

/** "job.batch/pi failed: BackoffLimitExceeded: Job has reached the specified backoff limit" */
export function willNotCompleteMessage(label: string, why: { state: string; reason: string; message: string }): string {
  return `${label} ${why.state}: ${[why.reason, why.message].filter(Boolean).join(': ')}`;
}

/** --timeout as kubectl parses it (Go's time.ParseDuration), in milliseconds. */
export function parseTimeoutFlag(s: string): number {
  return durationFlagMs('--timeout', s, 'kjob wait')!;
}

interface Target {
  info: ResourceInfo;
  obj: KObject;
  /** a file's object without a name: not fetched (RetrieveLatest), refused when waited for */
  nameless?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One object's changes, for a wait that looks at it again when it changes rather than only every
 * POLL_MS: a Job that completes a few ms after a wait's first look was seen up to 100 ms late (a
 * wait right after an apply of a Job of `true` returned about 25 ms after the Job completed, with
 * half of it the poll). A watch of the object by name from now, as kubectl's wait watches it (its
 * caller reads the object after making it, so no change is missed); the change's object is what
 * the wait checks, without a read of its own, as kubectl checks the watch's events. A watch that
 * fails or ends leaves the polls alone.
 */
export class ObjectChanges {
  private readonly events: AsyncIterator<WatchEvent>;
  private pending?: Promise<IteratorResult<WatchEvent>>;
  private failed = false;

  constructor(
    private readonly watch: WatchStream,
    private readonly pause: (ms: number) => Promise<unknown> = sleep,
  ) {
    this.events = watch[Symbol.asyncIterator]();
  }

  /**
   * The object as of its latest change not yet taken, once one comes (at once when one came
   * meanwhile), or undefined after ms without one, or when it was deleted (the wait reads it then,
   * as at a poll). Changes that came together, in one look of the watch, are taken together: one
   * check of the last rather than one for each (a Job's status changes a few times a round of the
   * engine's).
   */
  async next(ms: number): Promise<KObject | undefined> {
    if (this.failed) {
      await this.pause(ms);
      return undefined;
    }
    this.pending ??= this.events.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof NONE>((resolve) => (timer = setTimeout(() => resolve(NONE), ms)));
    let latest: WatchEvent | undefined;
    try {
      let r = await Promise.race([this.pending, timeout]);
      while (r !== NONE) {
        this.pending = undefined;
        if (r.done) {
          this.failed = true;
          break;
        }
        latest = r.value;
        // The rest of the same look is there before the event loop's next turn.
        this.pending = this.events.next();
        r = await Promise.race([this.pending, new Promise<typeof NONE>((resolve) => setImmediate(() => resolve(NONE)))]);
      }
    } catch {
      this.pending = undefined;
      this.failed = true;
    } finally {
      clearTimeout(timer);
    }
    return latest && latest.type !== 'DELETED' ? latest.object : undefined;
  }

  close(): void {
    this.watch.close();
    // The pending look ends with the watch; nothing waits for it.
    this.pending?.catch(() => undefined);
  }
}
const NONE = Symbol('none');

export async function wait(ctx: Context, args: string[], opts: WaitOptions, io: IO, progress: Progress = createProgress()): Promise<number> {
  // pflag's error for --timeout comes as the flags are parsed, before -o's and --for's (ToOptions).
  let timeoutMs = parseTimeoutFlag(opts.timeout ?? '30s');
  const printer = await objectPrinter(opts);
  const cond = parseFor(opts.for ?? '');
  const failFast = cond.condition?.name === 'complete' && cond.condition.value === 'true';
  if (timeoutMs < 0) timeoutMs = WEEK_MS;
  const files = opts.filenames ?? [];
  if (args.length === 0 && files.length === 0) throw new UserError(NO_RESOURCES);
  const requests = files.length > 0 ? [] : parseResourceArgs(args);
  for (const req of requests) refuseNamesWithSelector(req, { selector: opts.selector, fieldSelector: opts.fieldSelector });
  const client = ctx.client;
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

  // What the resource builder finds, in order: each object named (by argument or in a file)
  // fetched as it comes, the others listed; the ones not found as errors (gone is what
  // --for=delete waits for: nothing).
  // inFile: a file's object, whose NotFound ends a wait for create at once, as kubectl's (its file
  // visitor hands on the error in an aggregate, which IsNotFound does not see through).
  // -l with -f: the objects whose labels on the server match (FilterByLabelSelector).
  const fileSelector = files.length > 0 && opts.selector !== undefined ? selectorOfFlag(opts.selector) : undefined;
  const fetched = async (info: ResourceInfo, ns: string | undefined, name: string, inFile = false): Promise<Target | WaitFailure | undefined> => {
    try {
      return { info, obj: await client.get(info, ns, name) };
    } catch (e) {
      if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
      // The builder's NotFound (the namespace's, when that is what is missing).
      return isDelete ? undefined : new WaitFailure(e.kubectlMessage(), true, !inFile);
    }
  };
  // A file's error: with `error: ` alone, bare among others (cmdutil.CheckErr).
  const fileFailure = (e: unknown) => {
    const text = errorText(e);
    return text.startsWith('error: ') ? new WaitFailure(text.slice('error: '.length)) : new WaitFailure(text, true);
  };
  async function* found(): AsyncGenerator<Target | WaitFailure | undefined> {
    if (files.length > 0) {
      // The files' objects, then fetched one by one, as the names are (Latest()).
      for (const item of (await visitBuilder(ctx, args, { filenames: files, recursive: opts.recursive !== false, local: true, allNamespaces: opts.allNamespaces })).items) {
        if ('error' in item) yield fileFailure(item.error);
        else if (!item.name) yield { info: item.info, obj: item.object, nameless: true };
        else if (item.info.namespaced && item.namespace === undefined) yield new WaitFailure(noNamespaceSet(item.info, item.name));
        else {
          const f = await fetched(item.info, item.namespace, item.name, true);
          yield fileSelector && f && !(f instanceof WaitFailure) && !fileSelector.matches(f.obj.metadata.labels) ? undefined : f;
        }
      }
      return;
    }
    for (const req of requests) {
      const ns = req.info.namespaced ? ctx.namespace : undefined;
      if (req.names.length > 0) {
        for (const name of req.names) yield await fetched(req.info, ns, name);
      } else if (opts.all || opts.selector || opts.fieldSelector) {
        const listNs = opts.allNamespaces ? undefined : ns;
        for (const obj of (await listObjects(ctx, req.info, { namespace: listNs, labelSelector: opts.selector, fieldSelector: opts.fieldSelector })).items) yield { info: req.info, obj };
      } else {
        throw new UserError('error: resource(s) were provided, but no name was specified');
      }
    }
  }

  let printed = 0;
  const visit = async (t: Target): Promise<void> => {
    visitCount++;
    try {
      if (t.nameless) throw new WaitFailure('resource name must be provided');
      // IsCreated: the object as found.
      const final = cond.kind === 'create' ? t.obj : isDelete ? await waitDeleted(t) : await waitCondition(t, cond.check!);
      await finish(t, 'ok');
      if (!printer) io.out(`${label(t)} condition met\n`);
      else {
        if (printer.format === 'yaml' && printed++ > 0) io.out('---\n');
        // RunWait does not look at what PrintObj returns: a template that fails fails no wait.
        try {
          printer(final, io.out);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
        }
      }
    } catch (e) {
      if (e instanceof WaitFailure) {
        await finish(t, 'failed');
        errors.push(e);
      } else {
        progress.stop();
        throw e;
      }
    }
  };
  const label = (t: Target) => `${kindGroup(t.info)}/${t.obj.metadata.name}`;
  // Progress (a terminal only): a Job's counts while it is waited for, then its final line.
  const show = (t: Target, cur: KObject | undefined) => {
    if (progress.mode !== 'spinner') return;
    if (cur && t.info.kind === 'Job') progress.update(jobProgressText(label(t), asKind('Job', cur), ctx.now().getTime(), progress.chalk));
    else progress.update(`${progress.chalk.bold(label(t))}  waiting for ${opts.for}`);
  };
  const finish = async (t: Target, kind: 'ok' | 'failed') => {
    if (progress.mode === 'off') return;
    const cur = await current(t);
    if (cur && t.info.kind === 'Job') progress.done(kind, jobProgressText(label(t), asKind('Job', cur), ctx.now().getTime(), progress.chalk));
    else progress.done(kind, `${label(t)} ${kind === 'ok' ? 'condition met' : 'condition not met'}`);
  };
  const objectName = (t: Target) => `${t.info.resource}/${t.obj.metadata.name}`;
  const current = async (t: Target): Promise<KObject | undefined> => {
    try {
      return await client.get(t.info, t.obj.metadata.namespace, t.obj.metadata.name!);
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'NotFound') return undefined;
      throw e;
    }
  };
  // Remote (a kubeconfig's cluster): polls only, as before; so does a watch the store refuses.
  const changesOf = (t: Target): ObjectChanges | undefined => {
    if (client.remote) return undefined;
    try {
      return new ObjectChanges(client.watch(t.info, { namespace: t.obj.metadata.namespace, fieldSelector: `metadata.name=${t.obj.metadata.name}` }));
    } catch (e) {
      if (e instanceof StatusError) return undefined;
      throw e;
    }
  };
  const notFoundOf = (t: Target) => new WaitFailure(`Error from server (NotFound): ${groupResource(t.info)} "${t.obj.metadata.name}" not found`, true);
  const timedOut = (t: Target) => new WaitFailure(`timed out waiting for the condition on ${objectName(t)}`);

  /** IsDeleted: the object as it was when the wait began (as found, when it was gone by then). */
  const waitDeleted = async (t: Target): Promise<KObject> => {
    const goneFrom = (cur: KObject | undefined) => cur === undefined || cur.metadata.uid !== t.obj.metadata.uid;
    const first = await current(t);
    if (goneFrom(first)) return t.obj;
    if (timeoutMs === 0) throw new WaitFailure(`condition not met for ${objectName(t)}`);
    const changes = changesOf(t);
    try {
      for (;;) {
        if (Date.now() >= deadline) throw timedOut(t);
        show(t, await current(t));
        await (changes ? changes.next(POLL_MS) : sleep(POLL_MS));
        if (goneFrom(await current(t))) return first!;
        await nudge();
      }
    } finally {
      changes?.close();
    }
  };

  const wontComplete = (t: Target, cur: KObject) => {
    if (!failFast || t.info.kind !== 'Job') return;
    const why = jobWillNotComplete(asKind('Job', cur));
    if (why) throw new WaitFailure(willNotCompleteMessage(label(t), why));
  };
  /** The object as it was when the condition was met. */
  const waitCondition = async (t: Target, check: Check): Promise<KObject> => {
    if (timeoutMs === 0) {
      const cur = await current(t);
      if (!cur) throw notFoundOf(t);
      if (!check(cur)) {
        wontComplete(t, cur);
        throw new WaitFailure(`condition not met for ${objectName(t)}`);
      }
      return cur;
    }
    if (Date.now() >= deadline) throw timedOut(t);
    const changes = changesOf(t);
    try {
      let cur = await current(t);
      for (;;) {
        if (!cur) throw notFoundOf(t);
        if (check(cur)) return cur;
        wontComplete(t, cur);
        show(t, cur);
        if (Date.now() >= deadline) throw timedOut(t);
        const ms = Math.min(POLL_MS, Math.max(1, deadline - Date.now()));
        const changed = changes ? await changes.next(ms) : void (await sleep(ms));
        await nudge();
        cur = changed ?? (await current(t));
      }
    } finally {
      changes?.close();
    }
  };

  // RunWait's poll for create: until every object the builder names is found (one not found,
  // or a list that finds none, is not an error yet); then the wait proper finds them.
  if (cond.kind === 'create') {
    // PollUntilContextTimeout: a look at once, then one each tick, the last at the deadline (the
    // ticks count from where the timeout does).
    for (let tick = deadline - timeoutMs; ; ) {
      const missing: WaitFailure[] = [];
      for await (const f of found()) if (f instanceof WaitFailure) missing.push(f);
      if (missing.length === 1 && missing[0].notYet) {
        tick += CREATE_POLL_MS;
        if (tick > deadline) {
          io.err('error: timed out waiting for the condition\n');
          return 1;
        }
        await sleep(tick - Date.now());
        continue;
      }
      // Several errors end the poll (kubectl's aggregate of them is no NotFound), as any other.
      errors.push(...missing);
      break;
    }
  }
  if (errors.length === 0) {
    for await (const f of found()) {
      if (f instanceof WaitFailure) errors.push(f);
      else if (f) await visit(f);
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
