// The commander wiring of the verbs that change objects or run things by hand (label, annotate,
// replace, edit, run, exec, debug), kept out of main.ts: main.ts calls addWriteVerbs once.
import type { Command } from 'commander';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { dryRunStrategy } from './dry_run.js';
import { addObjectOutputFlags, objectOutputOf } from './object_output.js';
import { addFilenameFlags, collect, stripEq } from './option_values.js';

type Run = (fn: (ctx: Context, cmd: Command) => Promise<number>) => (...a: unknown[]) => Promise<void>;

/** main.ts's split of the operands at `--`: NAME operands, and the command after it. */
type SplitDashDash = (cmd: Command) => { names: string[]; command: string[] };

export function addWriteVerbs(program: Command, run: Run, io: IO, splitDashDash: SplitDashDash): void {
  for (const [verb, description] of [
    ['label', 'Update the labels on a resource'],
    ['annotate', 'Update the annotations on a resource'],
  ] as const) {
    const verbCmd = addFilenameFlags(program.command(verb), 'identifying the resource to update')
      .description(description)
      .argument('[args...]', `TYPE NAME | TYPE/NAME | -f FILE, then KEY_1=VAL_1 ... KEY_N=VAL_N (KEY- removes)`)
      .option('--overwrite', `if true, allow ${verb === 'label' ? 'labels' : 'annotations'} to be overwritten, otherwise reject updates that overwrite existing ones`)
      .option('--list', `if true, display the ${verb === 'label' ? 'labels' : 'annotations'} for a given resource`)
      .option('--all', 'select all resources, in the namespace of the specified resource types')
      .option('-A, --all-namespaces', 'if true, check the specified action in all namespaces')
      .option('-l, --selector <selector>', 'selector (label query) to filter on', stripEq)
      .option('--field-selector <selector>', "selector (field query) to filter on, supports '=', '==', and '!='", stripEq)
      .option('--resource-version <version>', 'if non-empty, the update will only succeed if this is the current resource-version for the object', stripEq)
      .option('--dry-run [mode]', 'none, server, or client')
      .option('--field-manager <name>', `name of the manager used to track field ownership (default "kubectl-${verb}")`, stripEq);
    addObjectOutputFlags(verbCmd).action(
      run(async (ctx, cmd) => {
        const o = cmd.opts();
        const m = await import('./label.js');
        const opts = {
          overwrite: o.overwrite,
          list: o.list,
          all: o.all,
          allNamespaces: o.allNamespaces,
          selector: o.selector,
          fieldSelector: o.fieldSelector,
          filenames: (o.filename ?? []).map(stripEq),
          recursive: o.recursive,
          resourceVersion: o.resourceVersion,
          dryRun: dryRunStrategy(o.dryRun, io.err),
          ...objectOutputOf(cmd),
        };
        return verb === 'label' ? m.label(ctx, cmd.args, opts, io) : m.annotate(ctx, cmd.args, opts, io);
      }),
    );
  }

  const replaceCmd = program
    .command('replace')
    .description('Replace a resource by file name or stdin')
    .option('-f, --filename <file>', 'the files that contain the configurations to replace', collect)
    .option('-R, --recursive', 'process the directory used in -f, --filename recursively')
    .option('--force', 'if true, immediately remove resources from API and bypass graceful deletion; delete and re-create the resource')
    .option('--grace-period <seconds>', 'period of time in seconds given to the resource to terminate gracefully (only with --force)', stripEq)
    .option('--cascade [policy]', 'must be "background", "orphan", or "foreground" (default background)', stripEq)
    .option('--timeout <duration>', 'the length of time to wait before giving up on a delete (only with --force)', stripEq)
    .option('--wait', 'if true, wait for resources to be gone before returning', true)
    .option('--save-config', 'if true, the configuration of current object will be saved in its annotation')
    .option('--validate [mode]', 'strict (or true), warn, ignore (or false)')
    .option('--dry-run [mode]', 'none, server, or client')
    .option('--field-manager <name>', 'name of the manager used to track field ownership (default "kubectl-replace")', stripEq);
  addObjectOutputFlags(replaceCmd).action(
    run(async (ctx, cmd) => {
      const o = cmd.opts();
      const { replace } = await import('./replace.js');
      return replace(
        ctx,
        {
          filenames: (o.filename ?? []).map(stripEq),
          recursive: o.recursive,
          force: o.force,
          gracePeriod: o.gracePeriod,
          cascade: o.cascade,
          timeout: o.timeout,
          dryRun: dryRunStrategy(o.dryRun, io.err),
          ...objectOutputOf(cmd),
          validate: typeof o.validate === 'string' ? stripEq(o.validate) : o.validate,
          saveConfig: o.saveConfig,
        },
        io,
      );
    }),
  );

  addFilenameFlags(program.command('edit'), 'to use to edit the resource')
    .description('Edit a resource on the server, with the editor of $KUBE_EDITOR or $EDITOR (default vi)')
    .argument('[args...]', 'TYPE NAME | TYPE/NAME')
    .option('-o, --output <format>', 'the format to edit in (yaml or json) and to print the result in', stripEq)
    .option('--output-patch', 'output the patch if the resource is edited')
    .option('--save-config', 'if true, the configuration of current object will be saved in its annotation')
    .option('--validate [mode]', 'strict (or true), warn, ignore (or false)')
    .option('--field-manager <name>', 'name of the manager used to track field ownership (default "kubectl-edit")', stripEq)
    .option('--show-managed-fields', 'keep the managedFields when printing objects in JSON or YAML format (kjob keeps none)')
    .action(
      run(async (ctx, cmd) => {
        const o = cmd.opts();
        const { edit } = await import('./edit.js');
        return edit(
          ctx,
          cmd.args,
          {
            filenames: (o.filename ?? []).map(stripEq),
            recursive: o.recursive,
            output: o.output,
            outputPatch: o.outputPatch,
            saveConfig: o.saveConfig,
            validate: typeof o.validate === 'string' ? stripEq(o.validate) : o.validate,
            fieldManager: o.fieldManager,
          },
          io,
        );
      }),
    );

  program
    .command('exec')
    .description('Execute a command in a container')
    .argument('[args...]', '(POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]')
    .option('-c, --container <name>', 'container name; if omitted, the kubectl.kubernetes.io/default-container annotation or the first container', stripEq)
    .option('-i, --stdin', 'pass stdin to the container')
    .option('-t, --tty', 'stdin is a TTY')
    .option('-q, --quiet', 'only print output from the remote session')
    .option('--pod-running-timeout <duration>', 'the length of time to wait until at least one pod is running (default 1m0s)', stripEq)
    .action(
      run(async (ctx, cmd) => {
        const o = cmd.opts();
        const { names, command } = splitDashDash(cmd);
        const { exec } = await import('./exec.js');
        return exec(ctx, names, command, command.length > 0, { container: o.container, stdin: o.stdin, tty: o.tty, quiet: o.quiet, stdinIsTerminal: !!process.stdin.isTTY }, io);
      }),
    );

  program
    .command('debug')
    .description('Create debugging sessions for troubleshooting workloads: an ephemeral container in a running pod')
    .argument('[args...]', '(POD | TYPE/NAME) [ -- COMMAND [args...] ]')
    .option('--image <image>', 'container image to use for debug container', stripEq)
    .option('-c, --container <name>', 'container name to use for debug container', stripEq)
    .option('--target <name>', 'when using an ephemeral container, target processes in this container name', stripEq)
    .option('-i, --stdin', 'keep stdin open on the container(s) in the pod, even if nothing is attached')
    .option('-t, --tty', 'allocate a TTY for the debugging container')
    .option('--attach', 'if true, wait for the container to start running, and then attach as if kubectl attach ... were called (default false, unless -i)')
    .option('-q, --quiet', 'if true, suppress informational messages')
    .option('--env <key=value>', 'environment variables to set in the container (repeatable)', collect)
    .option('--image-pull-policy <policy>', 'the image pull policy for the container', stripEq)
    .option('--profile <name>', 'options are "legacy", "general", "baseline", "netadmin", "restricted" or "sysadmin" (default "legacy")', stripEq)
    .option('--arguments-only', "if specified, everything after -- will be passed to the new container as Args instead of Command")
    .option('--copy-to <name>', 'create a copy of the target Pod with this name (kjob: not supported yet)', stripEq)
    .action(
      run(async (ctx, cmd) => {
        const o = cmd.opts();
        const { names, command } = splitDashDash(cmd);
        const { debug } = await import('./debug.js');
        return debug(ctx, names, command, { image: o.image, container: o.container, target: o.target, stdin: o.stdin, tty: o.tty, attach: o.attach, quiet: o.quiet, env: o.env, imagePullPolicy: o.imagePullPolicy, profile: o.profile, argsOnly: o.argumentsOnly, copyTo: o.copyTo, stdinIsTerminal: !!process.stdin.isTTY }, io);
      }),
    );

  const runCmd = program
    .command('run')
    .description('Run a particular image in a pod')
    .argument('[args...]', 'NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--command] -- [COMMAND] [args...]')
    .option('--image <image>', 'the image for the container to run', stripEq)
    .option('--restart <policy>', 'the restart policy for this Pod: Always (default), OnFailure, Never', stripEq)
    .option('--command', "use the extra arguments as the 'command' field in the container, rather than the 'args' field")
    .option('-i, --stdin', 'keep stdin open on the container in the pod, even if nothing is attached')
    .option('-t, --tty', 'allocate a TTY for the container in the pod')
    .option('--attach', 'wait for the Pod to start running, then follow its output (default false, unless -i)')
    .option('--rm', 'delete the pod after it exits; only valid when attaching to the container')
    .option('--env <key=value>', 'environment variables to set in the container (repeatable)', collect)
    .option('-l, --labels <labels>', 'comma separated labels to apply to the pod (default run=NAME)', stripEq)
    .option('--annotations <key=value>', 'annotations to apply to the pod (repeatable)', collect)
    .option('--port <port>', 'the port that this container exposes', stripEq)
    .option('--image-pull-policy <policy>', 'the image pull policy for the container: Always, IfNotPresent or Never', stripEq)
    .option('--privileged', 'run the container in privileged mode')
    .option('--leave-stdin-open', 'leave stdin open after the first attach completes')
    .option('-q, --quiet', 'suppress prompt messages')
    .option('--dry-run [mode]', 'none, server, or client')
    .option('--pod-running-timeout <duration>', 'how long to wait until the pod is running (default 1m0s)', stripEq)
    .option('--field-manager <name>', 'name of the manager used to track field ownership (default "kubectl-run")', stripEq);
  addObjectOutputFlags(runCmd).action(
    run(async (ctx, cmd) => {
      const o = cmd.opts();
      const { names, command } = splitDashDash(cmd);
      const m = await import('./run.js');
      return m.run(
        ctx,
        names,
        command,
        {
          image: o.image,
          restart: o.restart,
          command: o.command,
          stdin: o.stdin,
          tty: o.tty,
          attach: o.attach,
          rm: o.rm,
          env: o.env,
          labels: o.labels,
          annotations: o.annotations,
          port: o.port,
          imagePullPolicy: o.imagePullPolicy,
          privileged: o.privileged,
          leaveStdinOpen: o.leaveStdinOpen,
          quiet: o.quiet,
          dryRun: dryRunStrategy(o.dryRun, io.err),
          ...objectOutputOf(cmd),
          podRunningTimeout: o.podRunningTimeout,
          stdinIsTerminal: !!process.stdin.isTTY,
        },
        io,
      );
    }),
  );
}
