// The workload verbs of kubectl for Deployments and ReplicaSets: scale and rollout
// (status|history|undo|restart), registered on the program by main.ts.
import type { Command } from 'commander';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { addFilenameFlags, stripEq } from './option_values.js';
import { addObjectOutputFlags, objectOutputOf } from './object_output.js';
import { dryRunStrategy } from './dry_run.js';

type Run = (fn: (ctx: Context, cmd: Command) => Promise<number>) => (...a: unknown[]) => Promise<void>;

export function registerAppsCommands(program: Command, run: Run, io: IO): void {
  const scaleCmd = addFilenameFlags(program.command('scale'), 'identifying the resource to set a new size')
    .description('Set a new size for a deployment or replica set')
    .argument('[args...]')
    .option('--replicas <count>', 'the new desired number of replicas (required)', stripEq)
    .option('--current-replicas <count>', 'precondition for the current size: the scale happens only if it is this (default -1: none)', stripEq)
    .option('--resource-version <version>', 'precondition for the resource version: the scale happens only if it is this', stripEq)
    .option('--timeout <duration>', "how long to wait for the replicas to match (0s, the default: don't wait)", stripEq)
    .option('-l, --selector <selector>', 'selector (label query) to filter on', stripEq)
    .option('--all', 'select all resources in the namespace of the specified resource types')
    .option('--dry-run [mode]', 'none, client or server');
  addObjectOutputFlags(scaleCmd).action(
    run(async (ctx, cmd) => {
      const o = cmd.opts();
      const { scale } = await import('./scale.js');
      const opts = {
        replicas: o.replicas,
        currentReplicas: o.currentReplicas,
        resourceVersion: o.resourceVersion,
        timeout: o.timeout,
        filenames: (o.filename ?? []).map(stripEq),
        recursive: o.recursive,
        selector: o.selector,
        all: o.all,
        dryRun: dryRunStrategy(o.dryRun, io.err),
      };
      return scale(ctx, cmd.args, { ...opts, ...objectOutputOf(cmd) }, io);
    }),
  );
  const rollout = program.command('rollout').description('Manage the rollout of a deployment');
  // Run without a subcommand, rollout's help goes to stdout (DefaultSubCommandRun(streams.Out));
  // create secret's and create service's go to stderr.
  rollout.configureOutput({ writeOut: io.out, writeErr: io.out, outputError: () => undefined });
  const sub = (name: string, description: string) =>
    addFilenameFlags(rollout.command(name).description(description).argument('[args...]'), 'identifying the resource to get from a server');
  const go = (name: string) =>
    run(async (ctx, cmd) => {
      const o = cmd.opts();
      const { rollout: r } = await import('./rollout.js');
      const files = { filenames: o.filename?.map(stripEq), recursive: o.recursive };
      return r(ctx, name, cmd.args, { watch: o.watch, timeout: o.timeout, toRevision: o.toRevision, revision: o.revision, output: o.output, ...files }, io);
    });
  sub('status', 'Show the status of the rollout')
    .option('-w, --watch', 'watch the status of the rollout until it is done (default true)')
    .option('--timeout <duration>', 'the length of time to wait before ending watch, zero means never', stripEq)
    .option('--revision <n>', 'pin to a specific revision (not supported)', stripEq)
    .action(go('status'));
  sub('history', 'View rollout history').option('--revision <n>', 'see the details of the revision specified', stripEq).action(go('history'));
  sub('undo', 'Undo a previous rollout').option('--to-revision <n>', 'the revision to roll back to (default 0: the last one)', stripEq).action(go('undo'));
  sub('restart', 'Restart a resource').action(go('restart'));
  sub('pause', 'Mark the provided resource as paused').option('-o, --output <format>', 'output format: name', stripEq).action(go('pause'));
  sub('resume', 'Resume a paused resource').option('-o, --output <format>', 'output format: name', stripEq).action(go('resume'));
}
