// `kjob debug POD --image=IMG [-i] [-t] [--target=C] [-c NAME] [-- CMD]`: kubectl's debug.go for
// an ephemeral container (debugByEphemeralContainer): the container (named debugger-xxxxx unless
// -c names it, the general profile's SYS_PTRACE) is added through the pods/ephemeralcontainers
// subresource with a strategic merge patch; with -i kubectl waits for it to run and attaches.
// kjob sends its stdin to the container's (the kubelet's attach) and follows the container's
// output (as `run -i` does) until it ends.
import type { ContainerStatus, EphemeralContainer } from 'kubernetes-types/core/v1.js';
import { asKind, type KObject } from '../api/types.js';
import { randomSuffix } from '../api/names.js';
import { StatusError, UserError } from '../errors.js';
import { resolveType } from './args.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { REFERENCE } from './run.js';
import { attachSession } from './attach_session.js';

export interface DebugOptions {
  image?: string;
  container?: string;
  target?: string;
  stdin?: boolean;
  tty?: boolean;
  attach?: boolean;
  quiet?: boolean;
  env?: string[];
  imagePullPolicy?: string;
  profile?: string;
  argsOnly?: boolean;
  copyTo?: string;
  stdinIsTerminal?: boolean;
  /** what -i sends to the container's stdin (process.stdin) */
  input?: NodeJS.ReadableStream;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function statusOf(pod: KObject, name: string): ContainerStatus | undefined {
  const st = asKind('Pod', pod).status ?? {};
  return [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])].find((s) => s.name === name);
}

export async function debug(ctx: Context, names: string[], args: string[], o: DebugOptions, io: IO): Promise<number> {
  // Complete
  const attach = o.attach ?? !!o.stdin;
  // Validate
  if (o.attach && !o.image && !o.container) throw new UserError('error: you must specify --container or create a new container using --image in order to attach.');
  if (o.copyTo) throw new UserError('error: kjob debug adds ephemeral containers only: --copy-to is not supported yet');
  if (!o.image) throw new UserError('error: you must specify --image when not using --copy-to.');
  if (!REFERENCE.test(o.image)) throw new UserError(`error: invalid image name ${JSON.stringify(o.image)}: invalid reference format`);
  if (names.length === 0) throw new UserError('error: NAME or filename is required for debug');
  if (o.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(o.imagePullPolicy)) throw new UserError(`error: invalid image pull policy: ${o.imagePullPolicy}`);
  const profile = o.profile ?? 'legacy'; // kubectl v1.32's default
  if (!['general', 'baseline', 'restricted', 'netadmin', 'sysadmin', 'legacy'].includes(profile)) throw new UserError(`error: unknown profile: ${profile}`);
  if (o.target && !o.quiet) {
    io.out(`Targeting container ${JSON.stringify(o.target)}. If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n`);
  }
  if (o.tty && !o.stdin) throw new UserError('error: -i/--stdin is required for containers with -t/--tty=true');
  if (profile === 'legacy') io.err('--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example "--profile=general".\n');

  const PODS = resolveType('pods');
  let code = 0;
  for (const ref of names) {
    const podName = ref.replace(/^(pods?|po)\//, '');
    const pod = asKind('Pod', await ctx.client.get(PODS, ctx.namespace, podName));
    // computeDebugContainerName
    const taken = new Set([...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c: { name: string }) => c.name));
    let name = o.container ?? '';
    if (!name) {
      while (!name || taken.has(name)) name = `debugger-${randomSuffix(5)}`;
      if (!o.quiet) io.out(`Defaulting debug container name to ${name}.\n`);
    }
    const ec: EphemeralContainer = { name, image: o.image, resources: {} };
    const env = (o.env ?? []).map((kv) => {
      const i = kv.indexOf('=');
      return { name: i < 0 ? kv : kv.slice(0, i), value: i < 0 ? '' : kv.slice(i + 1) };
    });
    if (env.length) ec.env = env;
    if (o.imagePullPolicy) ec.imagePullPolicy = o.imagePullPolicy;
    if (o.stdin) ec.stdin = true;
    ec.terminationMessagePolicy = 'File';
    if (o.tty) ec.tty = true;
    if (o.target) ec.targetContainerName = o.target;
    if (args.length) {
      if (o.argsOnly) ec.args = args;
      else ec.command = args;
    }
    // The profiles' changes to an ephemeral container (profiles.go)
    if (profile === 'general' || profile === 'sysadmin' || profile === 'netadmin') {
      const add = profile === 'general' ? ['SYS_PTRACE'] : profile === 'netadmin' ? ['NET_ADMIN', 'NET_RAW'] : [];
      ec.securityContext = profile === 'sysadmin' ? { privileged: true } : { capabilities: { add } };
    } else if (profile === 'restricted') {
      ec.securityContext = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    }
    const list = [...(pod.spec?.ephemeralContainers ?? []), ec];
    let patched: KObject;
    try {
      patched = (await ctx.client.patch(PODS, ctx.namespace, podName, 'strategic', { spec: { ephemeralContainers: list } }, { subresource: 'ephemeralcontainers' })).object;
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'NotFound' && !e.details.name) {
        throw new UserError(`error: ephemeral containers are disabled for this cluster (error from server: ${JSON.stringify(e.message)})`);
      }
      throw e;
    }
    if (!attach) continue;
    code = await attachTo(ctx, patched, name, o, io);
  }
  return code;
}

/** handleAttachPod: wait for the container to run (or end), then follow its output. */
async function attachTo(ctx: Context, pod: KObject, name: string, o: DebugOptions, io: IO): Promise<number> {
  const PODS = resolveType('pods');
  const podName = pod.metadata.name!;
  let said = '';
  let nudged = Date.now();
  let s: ContainerStatus | undefined;
  for (;;) {
    let p: KObject;
    try {
      p = await ctx.client.get(PODS, ctx.namespace, podName);
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'NotFound') throw new UserError('Error from server (NotFound): pods "" not found');
      throw e;
    }
    s = statusOf(p, name);
    if (s?.state?.running || s?.state?.terminated) break;
    const msg = s?.state?.waiting?.message;
    if (msg && msg !== said && !o.quiet) {
      said = msg;
      io.err(`Warning: container ${name}: ${msg}\n`);
    }
    await sleep(100);
    if (Date.now() - nudged > 1000) {
      nudged = Date.now();
      await ctx.engine();
    }
  }
  const write = (c: Buffer) => io.out(c.toString('utf8'));
  if (s?.state?.terminated) {
    await ctx.client.podLogs(ctx.namespace, podName, { container: name }, write);
    return 0;
  }
  await attachSession(ctx, io, o, pod.metadata.uid!, name, () => ctx.client.podLogs(ctx.namespace, podName, { container: name, follow: true }, write));
  return 0;
}
