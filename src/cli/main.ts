// The kjob command line: one commander program, one file per verb, one exit point.
import { Command, CommanderError } from 'commander';
import { userErrorReport } from '../errors.js';
import { Context, type GlobalOptions } from './context.js';
import { refuseUnsafeStateDir } from '../store/state_dir_safety.js';
import { exitQuietlyOnClosedPipe, processIO, type IO } from './io.js';
import type { ResourceInfo } from '../api/resources.js';
import { dryRunStrategy } from './dry_run.js';
import { setNoColor } from './color.js';
import { registerAppsCommands } from './apps_commands.js';
import { goQuote, parseGoDuration, parseGoInt } from '../util/go.js';
import { addWriteVerbs } from './write_verbs.js';
import { OUTPUT_FORMATS, addObjectOutputFlags, nearestOption, objectOutputOf } from './object_output.js';
import { addOptionsCommand, useKubectlHelp } from './help.js';
import { GLOBAL_FLAGS_WITH_VALUE, addGlobalFlags, checkLoggingFlags, verbosity, warningsAsErrors } from './global_flags.js';
import { addDeprecatedFlags } from './deprecated.js';
import { readGoBoolFlags, setFalseFlags } from './bool_flags.js';
import { commandWords, flagBeforePluginName, type RootFlag } from './plugin_args.js';
import { addFilenameFlags, collect, collectSlice, flagValue, stripEq, durationFlagMs } from './option_values.js';


// Each verb's module is loaded when that verb runs: `kjob get` does not pay for the manifest
// parser, the cron parser or the engine. The verbs with a script of their own (bin/kjob's
// VERB_PARTS) keep only the modules scripts/bundle.mjs's VERB_MODULES names for them: a module a
// verb's action starts to load here goes there too (else that verb's script says it is missing).
// The module's promise is kept: a second main() in one process (the tests run many) does not ask
// the module loader again, which under a loader hook (tsx) is a round trip to its thread.
const lazy = <M, K extends keyof M>(load: () => Promise<M>, name: K) => {
  let loaded: Promise<M> | undefined;
  return async (...args: M[K] extends (...a: infer A) => unknown ? A : never): Promise<Awaited<M[K] extends (...a: never[]) => infer R ? R : never>> =>
    ((await (loaded ??= load()))[name] as (...a: unknown[]) => unknown)(...args) as never;
};
const applyOrCreate = lazy(() => import('./apply.js'), 'applyOrCreate');
const get = lazy(() => import('./get.js'), 'get');
const getArgs = lazy(() => import('./get_files.js'), 'getArgs');
const describe = lazy(() => import('./describe.js'), 'describe');
const logs = lazy(() => import('./logs.js'), 'logs');
const del = lazy(() => import('./delete.js'), 'del');
const controller = lazy(() => import('./controller.js'), 'controller');
const apiResources = lazy(() => import('./api_resources.js'), 'apiResources');
const apiVersions = lazy(() => import('./api_resources.js'), 'apiVersions');
const createJob = lazy(() => import('./create.js'), 'createJob');
const createCronJob = lazy(() => import('./create.js'), 'createCronJob');
const createConfigMap = lazy(() => import('./create.js'), 'createConfigMap');
const createSecretGeneric = lazy(() => import('./create.js'), 'createSecretGeneric');
const createSecretDockerRegistry = lazy(() => import('./create.js'), 'createSecretDockerRegistry');
const createNamespace = lazy(() => import('./create_generators.js'), 'createNamespace');
const createServiceAccount = lazy(() => import('./create_generators.js'), 'createServiceAccount');
const createDeployment = lazy(() => import('./create_generators.js'), 'createDeployment');
const createService = lazy(() => import('./create_generators.js'), 'createService');
const schedule = lazy(() => import('./schedule.js'), 'schedule');
const clock = lazy(() => import('./clock.js'), 'clock');
const patch = lazy(() => import('./patch.js'), 'patch');
const wait = lazy(() => import('./wait.js'), 'wait');
const portForward = lazy(() => import('./port_forward.js'), 'portForward');
const applyThenWait = lazy(() => import('./apply_wait.js'), 'applyThenWait');
const timeline = lazy(() => import('./timeline.js'), 'timeline');
const version = lazy(() => import('./version.js'), 'version');
const serve = lazy(() => import('./serve.js'), 'serve');
const completion = lazy(() => import('./completion.js'), 'completion');
const events = lazy(() => import('./events.js'), 'events');
const tree = lazy(() => import('./tree.js'), 'tree');
const explainCommand = lazy(() => import('./explain.js'), 'explainCommand');
const complete = lazy(() => import('./completion.js'), 'complete');


/**
 * A stand-in for a command that is not built (buildProgram's `only`): every method returns it,
 * so that a verb's chain of options and actions runs through without making anything.
 */
const UNBUILT: Command = new Proxy(new Command('unbuilt'), {
  get: (_t, prop) => (prop === 'commands' ? [] : () => UNBUILT),
});

/**
 * The program. only: the one verb this command line runs (verbToBuild): the others are not
 * built, as commander makes every option it is given (about 2 ms of every command for kjob's
 * forty verbs); when no verb of that name (or alias) comes out, the whole program is built.
 */
function buildProgram(io: IO, setExit: (code: number) => void, only?: string): Command {
  const whole = new Command('kjob');
  // What the verbs are registered on: the program, whose command() builds only the verb `only`.
  const program: Command = only === undefined
    ? whole
    : new Proxy(whole, {
        get(target, prop) {
          if (prop === 'command') return (nameAndArgs: string, ...rest: unknown[]) => (nameAndArgs.split(' ')[0] === only ? (target.command as (...a: unknown[]) => Command)(nameAndArgs, ...rest) : UNBUILT);
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
  addGlobalFlags(program)
    .description('kubectl for Kubernetes Jobs and CronJobs, on one machine, with no cluster')
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined })
    .exitOverride();
  // The flags given false (bool_flags.ts), set before any other hook reads them (--record=false
  // is a deprecated flag given).
  program.hook('preAction', (_, command) => {
    setFalseFlags(command, currentFalseFlags);
    // pflag's checks of the logging flags' values, before any command runs.
    const o = command.optsWithGlobals() as GlobalOptions;
    verbosity(o.v, currentCmdPath);
    checkLoggingFlags(o, currentCmdPath);
  });

  const ctxOf = (cmd: Command) => {
    const o = cmd.optsWithGlobals() as GlobalOptions;
    // `kjob serve --kubeconfig FILE` names the kubeconfig it writes, not a cluster to talk to.
    return new Context(cmd.name() === 'serve' ? { ...o, kubeconfig: undefined, local: true } : o, process.env, io.err);
  };
  const run = (fn: (ctx: Context, cmd: Command) => Promise<number>) => async (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const ctx = ctxOf(cmd);
    try {
      setExit(await fn(ctx, cmd));
    } finally {
      ctx.close();
    }
  };

  const applyOrCreateCmds: Partial<Record<'apply' | 'create', Command>> = {};
  for (const verb of ['apply', 'create'] as const) {
    const verbCmd = (applyOrCreateCmds[verb] = program.command(verb));
    verbCmd
      .description(verb === 'apply' ? 'Apply a configuration to a resource by file name or stdin' : 'Create a resource from a file or from stdin')
      .option('-f, --filename <file>', 'file, directory or - for stdin (repeatable)', collect)
      .option('-R, --recursive', 'process the directory used in -f recursively')
      .option('--dry-run [mode]', 'none, client or server')
      .option('--validate [mode]', 'strict (or true), warn, ignore (or false): unknown fields refused, warned about, or dropped');
    addObjectOutputFlags(verbCmd);
    if (verb === 'apply') verbCmd.option('--server-side', 'not supported: kjob applies client-side, as kubectl does by default');
    verbCmd.action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        const dryRun = dryRunStrategy(o.dryRun, io.err);
        const validate = typeof o.validate === 'string' ? stripEq(o.validate) : o.validate;
        const go = (out: IO, onApplied?: (info: ResourceInfo, name: string) => void) =>
          applyOrCreate(ctx, verb, { files: (o.filename ?? []).map(stripEq), recursive: o.recursive, dryRun, validate, serverSide: o.serverSide === true, fieldManager: o.fieldManager, saveConfig: o.saveConfig === true, ...objectOutputOf(cmd), onApplied }, out);
        return o.wait ? applyThenWait(ctx, go, o.timeout, io) : go(io);
      }),
    );
  }
  applyOrCreateCmds.apply!
    .option('--wait', 'kjob: then wait for the applied Jobs to complete (fails fast when one fails), with progress on a terminal')
    .option('--timeout <duration>', 'with --wait: how long to wait (Go duration; default: no limit)', stripEq);

  // `create job|cronjob|configmap|... NAME ...` beside `create -f FILE`. Each subcommand has
  // kubectl's flags of its generators (PrintFlags, AddApplyAnnotationFlags, AddValidateFlags,
  // AddDryRunFlag, AddFieldManagerFlagVar); those the parent create has too are handed to the
  // parent by commander, so each is read from the nearest command that has it (nearestOption),
  // and a subcommand's own carries no default that would hide the parent's value.
  const createCmd = applyOrCreateCmds.create!;
  createCmd
    .option('--field-manager <name>', 'name of the manager used to track field ownership (default "kubectl-create")', stripEq)
    .option('--save-config', 'save the configuration in the last-applied annotation');
  const dryRunOf = (cmd: Command) => dryRunStrategy(nearestOption(cmd, 'dryRun'), io.err);
  const subcommandFlags = (cmd: Command) =>
    cmd
      .option('--save-config', 'save the configuration in the last-applied annotation')
      .option('--dry-run [mode]', 'none, client or server')
      .option('-o, --output <format>', OUTPUT_FORMATS, stripEq)
      .option('--template <template>', 'the template or path to the template file for -o go-template, go-template-file, jsonpath or jsonpath-file', stripEq)
      .option('--allow-missing-template-keys', 'ignore missing fields and keys in jsonpath and go-template output (default true)')
      .option('--show-managed-fields', 'keep the managedFields when printing objects in JSON or YAML format (kjob keeps none)')
      .option('--validate [mode]', "strict (or true, the default), warn, ignore (or false): the apiserver's field validation")
      .option('--field-manager <name>', 'name of the manager used to track field ownership (default "kubectl-create")', stripEq);
  const subcommandOpts = (cmd: Command) => ({
    saveConfig: nearestOption(cmd, 'saveConfig') === true,
    dryRun: dryRunOf(cmd),
    validate: nearestOption(cmd, 'validate') as string | boolean | undefined,
    fieldManager: nearestOption(cmd, 'fieldManager') as string | undefined,
    ...objectOutputOf(cmd),
  });
  subcommandFlags(
    createCmd
      .command('job')
      .description('Create a job with the specified name')
      .argument('[args...]', 'NAME [-- COMMAND [args...]]')
      .option('--image <image>', 'image name to run', stripEq)
      .option('--from <resource>', 'the name of the resource to create a Job from (only cronjob is supported)', stripEq),
  ).action(
    run((ctx, cmd) => {
      const o = cmd.opts();
      const { names, command } = splitDashDash(cmd);
      return createJob(ctx, names, command, { image: o.image, from: o.from, ...subcommandOpts(cmd) }, io);
    }),
  );
  subcommandFlags(
    createCmd
      .command('cronjob')
      .alias('cj')
      .description('Create a cronjob with the specified name')
      .argument('[args...]', 'NAME --image=image --schedule=\'0/5 * * * ?\' -- [COMMAND] [args...]')
      .option('--image <image>', 'image name to run', stripEq)
      .option('--schedule <schedule>', 'a schedule in the Cron format the job should be run with', stripEq)
      .option('--restart <policy>', "job's restart policy: OnFailure (default) or Never", stripEq),
  ).action(
    run((ctx, cmd) => {
      const o = cmd.opts();
      const { names, command } = splitDashDash(cmd);
      return createCronJob(ctx, names, command, { image: o.image, schedule: o.schedule, restart: o.restart, ...subcommandOpts(cmd) }, io);
    }),
  );

  // `create configmap|cm NAME` and `create secret generic NAME`
  const dataFlags = (cmd: Command) =>
    cmd
      .argument('[args...]', 'NAME')
      .option('--from-file <[key=]source>', 'a file (key: its base name) or key=file, or a directory (repeatable)', collectSlice)
      .option('--from-literal <key=value>', 'a key and literal value (repeatable)', collect)
      .option('--from-env-file <file>', 'a file of KEY=VALUE lines (repeatable)', collectSlice)
      .option('--append-hash', 'append a hash of the object to its name');
  const dataOpts = (cmd: Command) => {
    const o = cmd.opts();
    return { fromFile: o.fromFile, fromLiteral: o.fromLiteral, fromEnvFile: o.fromEnvFile, type: o.type, appendHash: o.appendHash, ...subcommandOpts(cmd) };
  };
  subcommandFlags(dataFlags(createCmd.command('configmap').alias('cm').description('Create a config map from a local file, directory or literal value'))).action(
    run((ctx, cmd) => createConfigMap(ctx, cmd.args, dataOpts(cmd), io)),
  );
  const secretCmd = createCmd.command('secret').description('Create a secret (generic or docker-registry; kjob has no tls)');
  subcommandFlags(dataFlags(secretCmd.command('generic').description('Create a secret from a local file, directory, or literal value')))
    .option('--type <type>', 'the type of secret to create', stripEq)
    .action(run((ctx, cmd) => createSecretGeneric(ctx, cmd.args, dataOpts(cmd), io)));

  subcommandFlags(secretCmd.command('docker-registry').description('Create a secret for use with a Docker registry').argument('[args...]', 'NAME'))
    .option('--docker-username <user>', 'username for Docker registry authentication', stripEq)
    .option('--docker-password <password>', 'password for Docker registry authentication', stripEq)
    .option('--docker-email <email>', 'email for Docker registry', stripEq)
    .option('--docker-server <server>', 'server location for Docker registry (default https://index.docker.io/v1/)', stripEq)
    .option('--from-file <[key=]source>', 'a Docker config file (key: .dockerconfigjson) or key=file (repeatable)', collectSlice)
    .option('--append-hash', 'append a hash of the secret to its name')
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        const opts = { dockerUsername: o.dockerUsername, dockerPassword: o.dockerPassword, dockerEmail: o.dockerEmail, dockerServer: o.dockerServer, fromFile: o.fromFile, appendHash: o.appendHash };
        return createSecretDockerRegistry(ctx, cmd.args, { ...opts, ...subcommandOpts(cmd) }, io);
      }),
    );
  subcommandFlags(createCmd.command('namespace').alias('ns').description('Create a namespace with the specified name').argument('[args...]', 'NAME')).action(
    run((ctx, cmd) => createNamespace(ctx, splitDashDash(cmd).names, subcommandOpts(cmd), io)),
  );
  subcommandFlags(createCmd.command('serviceaccount').alias('sa').description('Create a service account with the specified name').argument('[args...]', 'NAME')).action(
    run((ctx, cmd) => createServiceAccount(ctx, splitDashDash(cmd).names, subcommandOpts(cmd), io)),
  );
  subcommandFlags(createCmd.command('deployment').alias('deploy').description('Create a deployment with the specified name').argument('[args...]', 'NAME --image=image -- [COMMAND] [args...]'))
    .option('--image <image>', 'image names to run (repeatable: a container each)', collectSlice)
    .option('--port <port>', 'the containerPort that this deployment exposes (default -1)', stripEq)
    .option('-r, --replicas <n>', 'number of replicas to create (default 1)', stripEq)
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        const { names, command } = splitDashDash(cmd);
        return createDeployment(ctx, names, command, { image: o.image, port: o.port, replicas: o.replicas, ...subcommandOpts(cmd) }, io);
      }),
    );
  const serviceCmd = createCmd.command('service').alias('svc').description('Create a service using a specified subcommand');
  // create_service.go's subcommands; the generator knows each one's Service type.
  const serviceSubcommands = { clusterip: 'Create a ClusterIP service', nodeport: 'Create a NodePort service', loadbalancer: 'Create a LoadBalancer service', externalname: 'Create an ExternalName service' };
  for (const [sub, description] of Object.entries(serviceSubcommands) as [keyof typeof serviceSubcommands, string][]) {
    const svcCmd = subcommandFlags(serviceCmd.command(sub).description(description).argument('[args...]', 'NAME'));
    svcCmd.option('--tcp <port:targetPort>', "port pairs as '<port>:<targetPort>' (repeatable)", collectSlice);
    if (sub === 'clusterip') svcCmd.option('--clusterip <ip>', "assign your own ClusterIP or set to 'None' for a 'headless' service (no loadbalancing)", stripEq);
    if (sub === 'nodeport') svcCmd.option('--node-port <port>', 'port used to expose the service on each node in a cluster (default 0)', stripEq);
    if (sub === 'externalname') svcCmd.option('--external-name <name>', 'external name of service', stripEq);
    svcCmd.action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        return createService(ctx, sub, splitDashDash(cmd).names, { tcp: o.tcp, clusterip: o.clusterip, nodePort: o.nodePort, externalName: o.externalName, ...subcommandOpts(cmd) }, io);
      }),
    );
  }

  program
    .command('schedule')
    .description('kjob only: print the next times a CronJob will run, in its time zone')
    .argument('[args...]', 'cronjob/NAME (or NAME)')
    .option('--count <n>', 'how many times to print (default 5)', stripEq)
    .option('--schedule <spec>', 'a schedule to evaluate instead of a CronJob', stripEq)
    .option('--time-zone <tz>', 'with --schedule: an IANA time zone (default: local time)', stripEq)
    .action(run((ctx, cmd) => schedule(ctx, cmd.args, cmd.opts(), io)));

  program
    .command('timeline')
    .description("kjob only: when each pod of a Job (or of a CronJob's Jobs) ran, on the terminal or as an SVG or HTML file")
    .argument('[args...]', 'job/NAME or cronjob/NAME, then FILE with -o svg|html ("-" for stdout)')
    .option('-o, --output <format>', 'text (default), svg or html', stripEq)
    .option('--width <columns>', 'text: the width to draw (default: the terminal, or 100)', stripEq)
    .action(run((ctx, cmd) => timeline(ctx, cmd.args, cmd.opts(), io)));

  program
    .command('clock')
    .description('kjob only: show, set, advance or reset the simulated clock of this state directory')
    .argument('[action]', 'show (default), set, advance DURATION, reset')
    .argument('[args...]')
    .option('--time <rfc3339>', 'set: the simulated time (default: now)', stripEq)
    .option('--rate <n>', 'set: simulated seconds per real second (0 stops the clock)', stripEq)
    .action(run((ctx, cmd) => clock(ctx, cmd.args[0], cmd.args.slice(1), cmd.opts(), io)));

  program
    .command('get')
    .description('Display one or many resources')
    .argument('[args...]')
    .option('-o, --output <format>', 'json, yaml, wide or name', stripEq)
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('-l, --selector <selector>', 'label selector', stripEq)
    .option('--field-selector <selector>', "field selector (e.g. status.phase=Running, metadata.name!=x); '=', '==', '!=' and commas", stripEq)
    .option('--sort-by <jsonpath>', "sort list types by this field (a JSONPath, e.g. '{.metadata.creationTimestamp}')", stripEq)
    .option('--template <template>', 'the template (or template file) for -o go-template, go-template-file, jsonpath, jsonpath-file', stripEq)
    .option('--chunk-size <n>', 'list in chunks of this size (accepted; kjob lists at once)', stripEq)
    .option('--no-headers', "don't print headers")
    .option('-w, --watch', 'after listing, watch for changes')
    .option('--watch-only', 'watch for changes without listing first')
    .option('--output-watch-events', 'print the watch event type')
    .option('--show-kind', 'show the resource type in names')
    .option('--show-labels', 'show all labels as the last column')
    .option('-L, --label-columns <keys>', 'label columns (repeatable, comma separated)', collect)
    .option('--ignore-not-found', 'treat "resource not found" as a successful retrieval')
    .option('--allow-missing-template-keys', 'ignore missing fields and keys in jsonpath and go-template output', true)
    .option('--show-managed-fields', 'keep the managedFields when printing objects in JSON or YAML format (kjob keeps none)')
    .option('-f, --filename <file>', 'the objects the manifests of these files, directories or URLs name, or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively')
    .action(
      run(async (ctx, cmd) => {
        const o = cmd.opts();
        const { args, failed, fromFiles } = await getArgs(ctx, cmd.args, o.filename?.map(stripEq), { recursive: !!o.recursive, selector: o.selector, allNamespaces: !!o.allNamespaces }, io.err);
        if (failed && !args.length) return 1;
        const code = await get(
          ctx,
          args,
          {
            output: o.output,
            allNamespaces: o.allNamespaces,
            selector: o.selector,
            fieldSelector: o.fieldSelector,
            sortBy: o.sortBy,
            template: o.template,
            noHeaders: o.headers === false,
            watch: o.watch,
            watchOnly: o.watchOnly,
            outputWatchEvents: o.outputWatchEvents,
            showKind: o.showKind,
            showLabels: o.showLabels,
            labelColumns: (o.labelColumns ?? []).flatMap((s: string) => s.split(',')).filter(Boolean),
            ignoreNotFound: o.ignoreNotFound,
            allowMissingTemplateKeys: o.allowMissingTemplateKeys !== false,
            fromFiles,
          },
          io,
        );
        return failed ? 1 : code;
      }),
    );

  program
    .command('port-forward')
    .description('Forward one or more local ports to a pod')
    .argument('[args...]')
    .option('--address <addresses>', 'addresses to listen on (comma separated); localhost is 127.0.0.1 and ::1', collect)
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod (default 1m0s)', stripEq)
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        const timeout = durationFlagMs('--pod-running-timeout', o.podRunningTimeout, 'kjob port-forward');
        return portForward(ctx, cmd.args, { address: (o.address ?? []).map(stripEq), podRunningTimeoutMs: timeout }, io);
      }),
    );

  const waitCmd = addFilenameFlags(program.command('wait'), 'identifying the resource', { recursive: true })
    .description('Experimental: Wait for a specific condition on one or many resources')
    .argument('[args...]')
    .option('--for <condition>', "create, delete, condition=NAME[=VALUE] or jsonpath='{...}'[=VALUE]", stripEq)
    .option('--timeout <duration>', 'how long to wait (Go duration; 0 checks once, negative waits a week)', stripEq)
    .option('-l, --selector <selector>', 'label selector', stripEq)
    .option('--field-selector <selector>', 'field selector', stripEq)
    .option('--all', 'all resources of the type in the namespace')
    .option('-A, --all-namespaces', 'across all namespaces');
  addObjectOutputFlags(waitCmd).action(
    run((ctx, cmd) => {
      const o = cmd.opts();
      const filenames = o.filename?.map(stripEq);
      return wait(ctx, cmd.args, { for: o.for, timeout: o.timeout, selector: o.selector, fieldSelector: o.fieldSelector, all: o.all, allNamespaces: o.allNamespaces, filenames, recursive: o.recursive, ...objectOutputOf(cmd) }, io);
    }),
  );

  const describeCmd = program
    .command('describe')
    .description('Show details of a specific resource or group of resources')
    .argument('[args...]')
    .option('-l, --selector <selector>', 'label selector', stripEq)
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('--show-events <bool>', 'show events', 'true');
  addFilenameFlags(describeCmd, 'containing the resource to describe')
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        return describe(ctx, cmd.args, { selector: o.selector, fieldSelector: o.fieldSelector, allNamespaces: o.allNamespaces, showEvents: stripEq(String(o.showEvents)) !== 'false', filenames: o.filename?.map(stripEq), recursive: o.recursive }, io);
      }),
    );

  program
    .command('logs')
    .description('Print the logs for a container in a pod')
    .argument('[args...]')
    .option('-c, --container <name>', 'container name', stripEq)
    .option('-f, --follow', 'stream the logs')
    .option('-p, --previous', 'the previous instance of the container')
    .option('--tail <lines>', 'lines of recent log to display; -1 shows all', stripEq)
    .option('--all-containers', 'the logs of all containers in the pod')
    .option('--prefix', 'prefix each line with the log source (pod and container)')
    .option('--timestamps', 'include timestamps on each line in the log output')
    .option('--since <duration>', 'only logs newer than a relative duration like 5s, 2m, or 3h', stripEq)
    .option('--since-time <time>', 'only logs after a specific date (RFC3339)', stripEq)
    .option('--limit-bytes <bytes>', 'maximum bytes of logs to return', stripEq)
    .option('--max-log-requests <n>', 'maximum number of concurrent logs to follow (default 5)', stripEq)
    .option('-l, --selector <selector>', 'the logs of the pods this label selector matches (--tail defaults to 10)', stripEq)
    .option('--all-pods', "the logs of all of a job's pods, not only one; sets --prefix")
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod to be running (accepted; default 20s)', stripEq)
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        // pflag's parsing of each flag's value, with its error.
        const flag = <T>(name: string, value: string | undefined, parse: (v: string) => T) => flagValue(`--${name}`, value, parse, 'kjob logs');
        const int = (v: string) => Number(parseGoInt(v));
        return logs(
          ctx,
          cmd.args,
          {
            container: o.container,
            follow: o.follow,
            previous: o.previous,
            tail: flag('tail', o.tail, int),
            allContainers: o.allContainers,
            prefix: o.prefix,
            timestamps: o.timestamps,
            sinceNs: flag('since', o.since, parseGoDuration),
            sinceTime: o.sinceTime,
            limitBytes: flag('limit-bytes', o.limitBytes, int),
            maxLogRequests: flag('max-log-requests', o.maxLogRequests, int),
            selector: o.selector,
            allPods: o.allPods,
            tailSpecified: o.tail !== undefined,
          },
          io,
        );
      }),
    );

  program
    .command('delete')
    .description('Delete resources by file names, stdin, resources and names, or by resources and label selector')
    .argument('[args...]')
    .option('-f, --filename <file>', 'file, directory or - for stdin (repeatable)', collect)
    .option('-l, --selector <selector>', 'label selector', stripEq)
    .option('--all', 'delete all resources of the type in the namespace')
    .option('-A, --all-namespaces', 'with --all or -l, across all namespaces')
    .option('--cascade [policy]', 'background, foreground or orphan', stripEq)
    .option('--grace-period <seconds>', 'seconds given to the pods to terminate gracefully', stripEq)
    .option('--force', 'immediate deletion')
    .option('--now', 'grace period 1')
    .option('--wait', 'wait for the resources to be gone', true)
    .option('--ignore-not-found', 'treat "resource not found" as a successful delete')
    .option('-o, --output <format>', 'name', stripEq)
    .option('--dry-run [mode]', 'none, client (nothing sent) or server (checked by the apiserver, nothing deleted)')
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        return del(
          ctx,
          cmd.args,
          {
            filename: (o.filename ?? []).map(stripEq),
            selector: o.selector,
            all: o.all,
            allNamespaces: o.allNamespaces,
            cascade: o.cascade,
            gracePeriod: o.gracePeriod,
            force: o.force,
            now: o.now,
            wait: o.wait !== false,
            ignoreNotFound: o.ignoreNotFound,
            output: o.output,
            dryRun: dryRunStrategy(o.dryRun, io.err),
          },
          io,
        );
      }),
    );

  registerAppsCommands(program, run, io);

  const patchCmd = addFilenameFlags(program.command('patch'), 'identifying the resource to update')
    .description('Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch')
    .argument('[args...]')
    .option('-p, --patch <patch>', 'the patch to be applied to the resource JSON file')
    .option('--patch-file <file>', 'a file containing a patch to be applied to the resource', stripEq)
    .option('--type <type>', 'the type of patch being provided; one of [json merge strategic] (default "strategic")', stripEq)
    .option('--local', 'patch the content of the file (-f), not the server-side resource')
    .option('--dry-run [mode]', 'none, client or server')
    .option('--field-manager <name>', 'name of the manager used to track field ownership (default "kubectl-patch")', stripEq);
  addObjectOutputFlags(patchCmd).action(
    run((ctx, cmd) => {
      const o = cmd.opts();
      const dryRun = dryRunStrategy(o.dryRun, io.err);
      const opts = { patch: o.patch, patchFile: o.patchFile, type: o.type, filenames: (o.filename ?? []).map(stripEq), recursive: o.recursive, local: o.local, dryRun, fieldManager: o.fieldManager };
      return patch(ctx, cmd.args, { ...opts, ...objectOutputOf(cmd) }, io);
    }),
  );

  addWriteVerbs(program, run, io, splitDashDash);

  program
    .command('api-resources')
    .description('Print the supported API resources')
    .argument('[args...]')
    .option('-o, --output <format>', 'wide or name', stripEq)
    .option('--namespaced', 'true: only namespaced resources; false: only cluster-scoped ones (default: both)')
    .option('--api-group <group>', 'only the resources of this API group ("" for the core group)')
    .option('--no-headers', "don't print headers")
    .option('--sort-by <field>', 'name or kind', stripEq)
    .option('--verbs <verbs>', 'only resources that support these verbs', collectSlice)
    .option('--categories <categories>', 'only resources in these categories', collectSlice)
    .option('--cached', 'use the cached list of resources (kjob: always current)')
    .action(async (args: string[], o: { output?: string; namespaced?: boolean; apiGroup?: string; headers?: boolean; sortBy?: string; verbs?: string[]; categories?: string[] }) => {
      const group = o.apiGroup === undefined ? undefined : stripEq(String(o.apiGroup));
      setExit(await apiResources(io, args, { output: o.output, namespaced: o.namespaced, apiGroup: group, noHeaders: o.headers === false, sortBy: o.sortBy, verbs: o.verbs, categories: o.categories }));
    });

  program
    .command('api-versions')
    .description('Print the supported API versions on the server, in the form of "group/version"')
    .argument('[args...]')
    .action(async (args: string[]) => setExit(await apiVersions(io, args)));

  program
    .command('events')
    .description('List events')
    .argument('[args...]')
    .option('-o, --output <format>', OUTPUT_FORMATS, stripEq)
    .option('-A, --all-namespaces', 'events of every namespace')
    .option('--for <TYPE/NAME>', 'only the events of this object', stripEq)
    .option('--types <types>', 'only events of these types (Normal, Warning)', collectSlice)
    .option('-w, --watch', 'after listing the requested events, watch for more events')
    .option('--no-headers', "don't print headers")
    .option('--chunk-size <n>', 'list in chunks of this size (accepted; kjob lists at once)', stripEq)
    .option('--allow-missing-template-keys', 'ignore missing fields and keys in jsonpath and go-template output', true)
    .option('--template <template>', 'the template for -o go-template or jsonpath', stripEq)
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        return events(
          ctx,
          cmd.args,
          { output: o.output, allNamespaces: o.allNamespaces, for: o.for, types: o.types?.map(stripEq), watch: o.watch, noHeaders: o.headers === false, allowMissingTemplateKeys: o.allowMissingTemplateKeys !== false, template: o.template },
          io,
        );
      }),
    );

  program
    .command('tree')
    .description('kubectl-tree: show an object and what it owns (by ownerReferences), e.g. a CronJob, its Jobs and their Pods')
    .argument('[args...]', 'TYPE NAME or TYPE/NAME')
    .option('-A, --all-namespaces', 'owned objects in every namespace')
    .option('-c, --color <when>', "'always', 'never' or 'auto' (a terminal; NO_COLOR turns it off)", stripEq)
    .option('--condition-types <types>', 'the condition types READY and REASON come from (default Ready)', collectSlice)
    .option('-l, --selector <selector>', 'only owned objects with these labels', stripEq)
    .action(
      run((ctx, cmd) => {
        const o = cmd.opts();
        return tree(ctx, cmd.args, { allNamespaces: o.allNamespaces, color: o.color, conditionTypes: o.conditionTypes, selector: o.selector, isTTY: !!process.stdout.isTTY }, io);
      }),
    );

  program
    .command('explain')
    .description('Get documentation for a resource')
    .argument('[args...]', 'RESOURCE[.FIELD...]')
    .option('--recursive', 'print the fields of fields (currently only one level deep is shown without it)')
    .option('--api-version <group/version>', 'the API version of the resource (e.g. batch/v1)', stripEq)
    .option('-o, --output <format>', 'plaintext or plaintext-openapiv2', stripEq)
    .action(async (args: string[], o: { recursive?: boolean; apiVersion?: string; output?: string }) => setExit(await explainCommand(args, { recursive: o.recursive, apiVersion: o.apiVersion, output: o.output }, io)));

  program
    .command('serve')
    .description('Serve the Kubernetes API of this state directory, for kubectl, k9s and client libraries')
    .option('--port <port>', 'the port to listen on (default 8080; 0 picks a free one)', stripEq)
    .option('--address <address>', 'the address to listen on (default 127.0.0.1: this machine only)', stripEq)
    .option('--kubeconfig <file>', 'write a kubeconfig for the server to this file (default: print it)', stripEq)
    .action(run((ctx, cmd) => serve(ctx, { ...cmd.opts(), kubeconfig: cmd.optsWithGlobals().kubeconfig }, io)));

  program
    .command('version')
    .description("Print kjob's version and the Kubernetes version it follows")
    .option('--client', "kjob's own version only (there is no server to ask)")
    .option('-o, --output <format>', 'yaml or json', stripEq)
    .action(
      run(async (ctx, cmd) => {
        const o = cmd.opts() as { output?: string; client?: boolean };
        // In cluster mode, the server's version too, as kubectl version prints it (not with --client).
        const server = !o.client && ctx.cluster ? await ctx.client.version() : undefined;
        return version({ output: o.output }, io, server);
      }),
    );

  program
    .command('completion')
    .description('Output shell completion code for the specified shell (bash or zsh)')
    .argument('[shell]')
    .action(async (shell?: string) => setExit(await completion(shell, io)));

  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const candidates = await complete(program, words, (o) => new Context({ home: o.home ?? program.opts().home, namespace: o.namespace ?? program.opts().namespace }));
      if (candidates.length) io.out(candidates.join('\n') + '\n');
      setExit(0);
    });

  program
    .command('controller')
    .description('Manage the engine of this state directory: status, start, stop, run (foreground)')
    .argument('[action]')
    .action(run((ctx, cmd) => controller(ctx, cmd.args[0], io)));

  addOptionsCommand(program, io.out);
  if (only !== undefined && !whole.commands.some((c) => c.name() === only || c.aliases().includes(only))) return buildProgram(io, setExit);
  addDeprecatedFlags(whole, io.err);
  useKubectlHelp(whole);
  return whole;
}

/**
 * The verb of argv when only it need be built: not for help (which lists the verbs), completion
 * (which walks them) or no verb at all.
 */
function verbToBuild(argv: string[]): string | undefined {
  const dd = argv.indexOf('--');
  const flags = dd < 0 ? argv : argv.slice(0, dd);
  if (flags.includes('-h') || flags.includes('--help')) return undefined;
  const verb = subcommandOf(argv);
  if (verb === '' || verb === 'help' || verb === 'completion' || verb.startsWith('__')) return undefined;
  return verb;
}

let currentArgv: string[] = [];
/** The command path of the line being run ("kjob get"), for pflag's errors of the root flags. */
let currentCmdPath = 'kjob';
/** The boolean flags the command line gives false (readGoBoolFlags), for buildProgram's hook. */
let currentFalseFlags: string[] = [];

/** NAME operands, and what follows `--` (the container command). */
function splitDashDash(cmd: Command): { names: string[]; command: string[] } {
  const argv = currentArgv;
  const dd = argv.indexOf('--');
  const args = cmd.args;
  if (dd < 0) return { names: args, command: [] };
  const after = argv.length - dd - 1;
  return { names: args.slice(0, args.length - after), command: args.slice(args.length - after) };
}

let pipeHandlersInstalled = false;

/** Parse and run; the one place that turns errors into exit codes. */
export async function main(argv: string[], io: IO = processIO): Promise<number> {
  // `kjob get pods | head -1`: a closed pipe ends the command quietly, as it ends kubectl.
  if (!pipeHandlersInstalled) {
    pipeHandlersInstalled = true;
    exitQuietlyOnClosedPipe();
  }
  let code = 0;
  currentArgv = argv;
  currentFalseFlags = [];
  // --no-color (global, before `--`): read before any command writes; again once `--no-color=BOOL` is read.
  const noColor = (args: string[]) => setNoColor((args.includes('--') ? args.slice(0, args.indexOf('--')) : args).includes('--no-color'));
  noColor(argv);
  const only = verbToBuild(argv);
  const program = buildProgram(io, (c) => (code = c), only);
  // The one verb built is the command most lines name; any other is looked for among all.
  let all: Command | undefined = only === undefined ? program : undefined;
  const commandOf = (name: string) => subcommandNamed(program, name) ?? subcommandNamed((all ??= buildProgram(io, () => undefined, undefined)), name);
  const isCommand = (name: string) => commandOf(name) !== undefined;
  const words = commandWords(argv, rootFlags(program));
  // Not the completion requests: cobra adds their command only as it runs, after kubectl's check.
  const refused = flagBeforePluginName(argv, words, (name) => !name.startsWith('__') && isCommand(name));
  if (refused) {
    io.err(refused);
    return 1;
  }
  const cmdPath = (currentCmdPath = commandPath(words, commandOf));
  try {
    const bools = readGoBoolFlags(program, argv, cmdPath);
    noColor(bools.argv);
    currentFalseFlags = bools.falseFlags;
    await program.parseAsync(bools.argv, { from: 'user' });
    return program.opts().warningsAsErrors ? warningsAsErrors(io, code) : code;
  } catch (e) {
    return report(e, argv, io, cmdPath, words);
  }
}

/**
 * A command server of state directory home (command_server.ts), in slot of its pool: main() for
 * the commands bin/kjob forwards, until it is idle for KJOB_COMMAND_SERVER_IDLE seconds (default
 * 300). bin/kjob starts it; it returns at once when another server answers in that slot.
 */
export async function commandServer(home: string, sha: string, launcher: string, traits: string, slot: number): Promise<void> {
  // Its sockets would be made in another user's directory (bin/command-client.js starts none there).
  try {
    refuseUnsafeStateDir(home);
  } catch {
    return;
  }
  const { serveCommands } = await import('./command_server.js');
  const idleSeconds = Number(process.env.KJOB_COMMAND_SERVER_IDLE || 300);
  await serveCommands(home, { sha, launcher, traits, slot, run: main, idleMs: (idleSeconds > 0 ? idleSeconds : 300) * 1000 });
}

/**
 * The verb in argv, past the global flags and their values, before any `--` (for "See 'kjob get
 * --help'", and the one verb built). bin/kjob's verbOf reads it the same way before the bundle
 * loads (to pick the verb's code cache): test/e2e/bundle.test.ts checks that the two agree.
 */
export function subcommandOf(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return '';
    if (GLOBAL_FLAGS_WITH_VALUE.includes(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return '';
}

/** The root command's flags, as cobra's Find tells a flag's value from a command's name (an optional value, pflag's NoOptDefVal, is never the next argument). */
function rootFlags(program: Command): RootFlag[] {
  return program.options.map((o) => ({ names: [o.short, o.long].filter((n): n is string => n !== undefined), takesValue: o.required }));
}

/** The command of cmd named name, or aliased so. */
function subcommandNamed(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/**
 * cobra's command path, for usage lines: "kjob get", "kjob create configmap" (a subcommand by its
 * name, as `create cm` finds it), or "kjob" for a line whose flags leave no command to cobra's
 * Find (`kjob --version`, or `kjob -A get`, where -A took "get" as its value). Find goes down while
 * the next word names a subcommand.
 */
function commandPath(words: string[], commandOf: (name: string) => Command | undefined): string {
  let cmd = words[0] === undefined ? undefined : commandOf(words[0]);
  if (!cmd) return 'kjob';
  const path = ['kjob', words[0]];
  for (const word of words.slice(1)) {
    const sub = subcommandNamed(cmd, word);
    if (!sub) break;
    path.push(sub.name());
    cmd = sub;
  }
  return path.join(' ');
}

function report(e: unknown, argv: string[], io: IO, cmdPath: string, words: string[]): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    // A command of subcommands run without one (`kjob create secret`): its help on stderr and
    // exit 1, as kubectl's DefaultSubCommandRun; `kjob help` exits 0.
    if (e.code === 'commander.help') return e.exitCode;
    // pflag's words, which kubectl prints (with cobra's "Error: ")
    const m = /unknown option '([^']+)'/.exec(e.message);
    if (m) {
      const flag = m[1];
      const what = flag.startsWith('--') ? `unknown flag: ${flag.split('=')[0]}` : `unknown shorthand flag: '${[...flag][1] ?? ''}' in ${flag}`;
      io.err(`Error: ${what}\nSee '${cmdPath} --help' for usage.\n`);
      return 1;
    }
    const a = /option '(?:-(\S), )?(--[^ ']+)[^']*' argument missing/.exec(e.message);
    if (a) {
      const [, short, long] = a;
      const usedShort = short !== undefined && argv.lastIndexOf(`-${short}`) > argv.lastIndexOf(long);
      io.err(`Error: flag needs an argument: ${usedShort ? `'${short}' in -${short}` : long}\nSee '${cmdPath} --help' for usage.\n`);
      return 1;
    }
    const u = /unknown command '([^']+)'/.exec(e.message);
    if (u && cmdPath !== 'kjob') {
      // A command of subcommands (`kjob create secret foo`): DefaultSubCommandRun's RequireNoArguments.
      const rest = words.slice(cmdPath.split(' ').length - 1);
      io.err(`error: unknown command ${goQuote(rest.join(' '))}\nSee '${cmdPath} -h' for help and examples\n`);
      return 1;
    }
    if (u) {
      io.err(`Error: unknown command "${u[1]}" for "kjob"\nRun 'kjob --help' for usage.\n`);
      return 1;
    }
    io.err(`${e.message.replace(/^error: /, 'Error: ')}\nSee '${cmdPath} --help' for usage.\n`);
    return 1;
  }
  const user = userErrorReport(e);
  if (user) {
    io.err(user.stderr);
    return user.exitCode;
  }
  io.err(bugReport(e));
  return 2;
}

/** What a bug (anything but a user's error) prints: its stack, and from the bundle, whose names are minified (scripts/bundle.mjs), how to see the sources' own. */
export function bugReport(e: unknown): string {
  const stack = (e as Error)?.stack ?? String(e);
  const hint = stack.includes('/dist/bundle/') ? '(KJOB_NO_BUNDLE=1 runs the same command with the names and lines of the sources)\n' : '';
  return `kjob: this is a bug, please report it: ${stack}\n${hint}`;
}

// The name first: in the bundle (run by bin/kjob) the URLs are not made, which took node:url's pathToFileURL.
const invokedDirectly = process.argv[1]?.endsWith('main.js') && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
