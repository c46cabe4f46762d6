// `kjob exec POD [-c C] [-i] [-t] -- CMD`: kubectl's exec.go, with the kubelet's exec
// (src/kubelet/exec.ts) run here: the command runs inside the container's namespaces, with its
// environment, working directory, capabilities and cgroups; its exit code is kjob's, and kubectl's
// `command terminated with exit code N` is said on stderr. With -it on a terminal the command gets
// a terminal of the container's own.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import type { PodObject } from '../api/types.js';
import { asKind } from '../api/types.js';
import { isTerminalPhase } from '../api/pod_util.js';
import { UserError } from '../errors.js';
import { resolveType } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { chooseContainer } from './logs.js';
import { execArgv, findExecTarget } from '../kubelet/exec.js';
import { probeSandbox } from '../kubelet/sandbox.js';

export interface ExecOptions {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
  /** what stdin is: a terminal or not (process.stdin.isTTY) */
  stdinIsTerminal?: boolean;
}

const usage = (msg: string) => new UserError(`error: ${msg}\nSee 'kjob exec -h' for help and examples`);

/** The pod a TYPE/NAME names (AttachablePodForObject): the pod itself, or a Job's first pod. */
export async function podFor(ctx: Context, ref: string): Promise<PodObject> {
  const slash = ref.indexOf('/');
  const info = slash < 0 ? resolveType('pods') : resolveType(ref.slice(0, slash));
  const name = slash < 0 ? ref : ref.slice(slash + 1);
  const obj = await ctx.client.get(info, ctx.namespace, name);
  if (info.kind === 'Pod') return asKind('Pod', obj);
  if (info.kind === 'Job') {
    const uid = obj.metadata.uid;
    const pods = (await ctx.client.list(resolveType('pods'), { namespace: ctx.namespace, labelSelector: `batch.kubernetes.io/controller-uid=${uid}` })).items;
    const sorted = pods.sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''));
    if (!sorted.length) throw new UserError(`error: no pods found for job ${name}`);
    return asKind('Pod', sorted[0]);
  }
  throw new UserError(`error: cannot attach to *v1.${info.kind}: not implemented`);
}

/** A signal's number. node:os is required when asked for: kjob's bundle offers its functions only, each loading it on first call (scripts/bundle.mjs). */
const signalNumber = (signal: NodeJS.Signals): number | undefined => (createRequire(import.meta.url)('node:os') as typeof import('node:os')).constants.signals[signal];

/** The exit code, as kubectl's CheckErr gives a command's (CodeExitError). */
export function runInContainer(argv: string[], stdin: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: [stdin ? 'inherit' : 'ignore', 'inherit', 'inherit'] });
    // Ctrl-C goes to the terminal's foreground process group: the command's; kjob waits for it.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? 128 + (signal ? (signalNumber(signal) ?? 1) : 1));
    });
  });
}

export async function exec(ctx: Context, names: string[], command: string[], dashDash: boolean, opts: ExecOptions, io: IO): Promise<number> {
  if (!dashDash && names.length > 1) throw usage('exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead');
  if (names.length === 0) throw new UserError('error: pod, type/name or --filename must be specified');
  if (command.length === 0) throw new UserError('error: you must specify at least one command for the container');
  if (ctx.cluster) {
    throw new UserError(`error: kjob exec runs commands in the pods of a state directory; in the cluster at ${ctx.cluster.server}, use kubectl exec (kjob's client does not speak the exec subresource's streaming protocol yet)`);
  }
  const pod = await podFor(ctx, names[0]);
  const phase = pod.status?.phase;
  if (isTerminalPhase(phase)) throw new UserError(`error: cannot exec into a container in a completed pod; current phase is ${phase}`);
  const quietIO: IO = opts.quiet ? { out: io.out, err: () => undefined } : io;
  const container = opts.container || chooseContainer(pod, undefined, quietIO);
  // SetupTTY: a TTY only with stdin, and only when stdin is a terminal
  let tty = !!opts.tty && !!opts.stdin;
  if (tty && !opts.stdinIsTerminal) {
    tty = false;
    if (!opts.quiet) io.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  }
  // As the node runs containers (the engine's probe, kept): a sandboxed container is entered only
  // once its sandbox runs, never as the host process that is still setting it up.
  const target = findExecTarget(ctx.home, pod.metadata.uid!, container, probeSandbox(undefined, { home: ctx.home }).sandboxed);
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].find((c: { name: string }) => c.name === container);
  if (!target || !spec) throw new UserError(`error: unable to upgrade connection: container not found (${JSON.stringify(container)})`);
  const code = await runInContainer(execArgv(target, { command, workingDir: spec.workingDir, tty }), !!opts.stdin);
  if (code !== 0) {
    io.err(`command terminated with exit code ${code}\n`);
    return code;
  }
  return 0;
}

