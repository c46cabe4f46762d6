// `kjob VERB --help` in kubectl v1.32's layout (templates.MainUsageTemplate, flagsUsages): pinned
// for a few verbs; the flags each verb lists, and their defaults, are compared with the installed
// kubectl's in test/e2e/kubectl-write.test.ts and kubectl-read.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from './main.js';

async function help(args: string[]): Promise<string> {
  let out = '';
  const code = await main(args, { out: (s) => void (out += s), err: (s) => void (out += s) });
  assert.equal(code, 0);
  return out;
}

const TRAILER = 'Use "kjob options" for a list of global command-line options (applies to all commands).\n';

test('version --help: description, Examples, Options (--flag=default: and a tab), Usage, the trailer', async () => {
  assert.equal(
    await help(['version', '--help']),
    [
      "Print kjob's version and the Kubernetes version it follows.",
      '',
      'Examples:',
      '  # Print the client and server versions',
      '  kjob version',
      '',
      'Options:',
      '    --client=false:',
      "\tkjob's own version only (there is no server to ask)",
      '',
      "    -o, --output='':",
      '\tyaml or json.',
      '',
      'Usage:',
      '  kjob version [flags] [options]',
      '',
      TRAILER,
    ].join('\n'),
  );
});

test('run --help: flags sorted by name, shorthands first, defaults typed as pflag prints them', async () => {
  const h = await help(['run', '-h']);
  const flags = [...h.matchAll(/^ {4}(.*):\n\t/gm)].map((m) => m[1]);
  assert.deepEqual(flags.slice(0, 6), ['--allow-missing-template-keys=true', '--annotations=[]', '--attach=false', '--command=false', "--dry-run='none'", '--env=[]']);
  assert.ok(flags.includes("--restart='Always'") && flags.includes('--pod-running-timeout=1m0s') && flags.includes('-i, --stdin=false') && flags.includes("-l, --labels=''"));
  assert.ok(!flags.some((f) => f.includes('--help')));
  assert.ok(h.startsWith('Run a particular image in a pod.\n\nExamples:\n  # '));
  assert.ok(h.endsWith('\nUsage:\n  kjob run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--command] -- [COMMAND] [args...] [options]\n\n' + TRAILER));
});

test('a verb with subcommands lists them as cobra does (padded to the longest name, at least 11, plus 3)', async () => {
  const h = await help(['rollout', '--help']);
  assert.ok(h.includes('\nAvailable Commands:\n  history       View rollout history\n'), h);
  assert.ok(h.endsWith('Usage:\n  kjob rollout SUBCOMMAND [options]\n\nUse "kjob rollout <command> --help" for more information about a given command.\n' + TRAILER));
});

test('a verb of subcommands run without one prints its help on stderr and exits 1 (DefaultSubCommandRun); --help exits 0', async () => {
  const bare = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
    return { code, out, err };
  };
  for (const args of [['create', 'service'], ['create', 'secret']]) {
    const r = await bare(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.out, '', args.join(' '));
    assert.ok(r.err.includes('\nAvailable Commands:\n'), r.err);
  }
  // rollout's DefaultSubCommandRun is given stdout.
  const rollout = await bare(['rollout']);
  assert.equal(rollout.code, 1);
  assert.equal(rollout.err, '');
  assert.ok(rollout.out.includes('\nAvailable Commands:\n'), rollout.out);
  // An argument that names no subcommand: RequireNoArguments' usage error, all the arguments quoted as one.
  const unknown = await bare(['create', 'secret', 'foo', 'bar']);
  assert.deepEqual(unknown, { code: 1, out: '', err: `error: unknown command "foo bar"\nSee 'kjob create secret -h' for help and examples\n` });
  assert.equal((await bare(['rollout', 'foo'])).err, `error: unknown command "foo"\nSee 'kjob rollout -h' for help and examples\n`);
  assert.equal((await bare(['nope'])).err, `Error: unknown command "nope" for "kjob"\nRun 'kjob --help' for usage.\n`);
  const h = await help(['create', 'secret', '--help']);
  assert.ok(h.includes('\n  docker-registry   Create a secret for use with a Docker registry\n  generic           Create a secret from a local file, directory, or literal value\n'), h);
});

test('kjob options lists the global flags as kubectl options does', async () => {
  const h = await help(['options']);
  assert.ok(h.startsWith("The following options can be passed to any command:\n\n    --as='':\n\tUsername to impersonate for the operation."), h);
  assert.ok(h.includes("    --context='':\n\tThe name of the kubeconfig context to use: the cluster it names, instead of the state directory.\n"), h);
  assert.ok(h.includes("    --request-timeout='0':\n"), h);
  assert.ok(h.includes('    -v, --v=0:\n'), h);
  assert.ok(h.includes('    --as-group=[]:\n'), h);
  assert.ok(h.includes("    -n, --namespace='':\n\tNamespace of the request.\n"));
});
