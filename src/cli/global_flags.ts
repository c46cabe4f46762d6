// kubectl's global flags (`kubectl options`): genericclioptions.ConfigFlags (the kubeconfig and
// its overrides), klog's -v, the match-version flag and --warnings-as-errors, with kjob's own
// --home and --no-color. Scripts written for a cluster pass them to every verb, so kjob takes
// them all as kubectl does; what each does without a cluster is said in its help.
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { goQuote, parseGoDuration } from '../util/go.js';
import { collect, stripEq } from './option_values.js';
import { klogError } from './klog.js';
import type { IO } from './io.js';

/**
 * The root flags that take a value, as every reader of a command line before commander skips
 * them to find the verb (main.ts subcommandOf; bin/kjob and the native client keep their own
 * copies, which test/e2e/bundle.test.ts compares with this one).
 */
export const GLOBAL_FLAGS_WITH_VALUE = [
  '--home', '-n', '--namespace', '--kubeconfig', '--context', '--cluster', '--user', '-s', '--server', '--token',
  '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name', '--as', '--as-group', '--as-uid',
  '--username', '--password', '--request-timeout', '-v', '--v', '--cache-dir', '--log-flush-frequency', '--vmodule',
];

export function addGlobalFlags(program: Command): Command {
  return program
    .option('--home <dir>', 'state directory (default $KJOB_HOME or ~/.kjob)')
    .option('-n, --namespace <namespace>', 'namespace of the request', stripEq)
    .option('--kubeconfig <file>', 'talk to the cluster of this kubeconfig instead of the state directory (also $KUBECONFIG)', stripEq)
    .option('--context <name>', 'the name of the kubeconfig context to use: the cluster it names, instead of the state directory', stripEq)
    .option('--cluster <name>', 'the name of the kubeconfig cluster to use, instead of the state directory', stripEq)
    .option('--user <name>', 'the name of the kubeconfig user to use, with its context\'s cluster instead of the state directory', stripEq)
    .option('-s, --server <address>', 'the address and port of the Kubernetes API server, instead of the state directory', stripEq)
    .option('--token <token>', 'bearer token for authentication to the API server; a state directory has no authentication', stripEq)
    .option('--username <name>', 'username for basic authentication to the API server; a state directory has no authentication', stripEq)
    .option('--password <password>', 'password for basic authentication to the API server; a state directory has no authentication', stripEq)
    .option('--certificate-authority <file>', 'path to a cert file for the certificate authority', stripEq)
    .option('--client-certificate <file>', 'path to a client certificate file for TLS', stripEq)
    .option('--client-key <file>', 'path to a client key file for TLS', stripEq)
    .option('--tls-server-name <name>', "server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used", stripEq)
    .option('--insecure-skip-tls-verify', "if true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure")
    .option('--as <user>', 'username to impersonate for the operation. User could be a regular user or a service account in a namespace; a state directory has no authorization', stripEq)
    .option('--as-group <group>', 'group to impersonate for the operation, this flag can be repeated to specify multiple groups', collect)
    .option('--as-uid <uid>', 'UID to impersonate for the operation', stripEq)
    .option('--request-timeout <duration>', "the length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests", stripEq)
    .option('--match-server-version', 'require server version to match client version')
    .option('--warnings-as-errors', 'treat warnings received from the server as errors and exit with a non-zero exit code')
    .option('-v, --v <level>', 'number for the log level verbosity; from 6, a cluster\'s requests (a state directory makes none)', stripEq)
    .option('--vmodule <pattern=N,...>', 'comma-separated list of pattern=N settings for file-filtered logging; kjob has no per-file levels', stripEq)
    .option('--log-flush-frequency <duration>', 'maximum number of seconds between log flushes; kjob writes each line at once (default 5s)', stripEq)
    .option('--cache-dir <dir>', 'default cache directory; kjob keeps no discovery or HTTP cache', stripEq)
    .option('--disable-compression', 'if true, opt-out of response compression for all requests to the server; kjob asks for none')
    .option('--no-color', "kjob's own views (timeline, schedule, progress) and kubectl's Warning: prefix without colour");
}

const TIMEOUT_ERROR = 'error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)';

/**
 * clientcmd.ParseTimeout of --request-timeout, in nanoseconds: whole seconds without a unit, else
 * a Go duration; 0 or less is no timeout. Read where kubectl reads it, once a command needs a
 * client (not `version --client`).
 */
export function requestTimeoutNs(value: string | undefined): bigint {
  if (value === undefined) return 0n;
  // strconv.ParseInt(s, 10, 64): base 10 only ("010" is ten seconds), within int64.
  if (/^[+-]?\d+$/.test(value)) {
    const n = BigInt(value);
    if (n >= 0n && n <= (1n << 63n) - 1n) return n * 1_000_000_000n;
  }
  try {
    return parseGoDuration(value);
  } catch {
    throw new UserError(TIMEOUT_ERROR);
  }
}

/** klog's -v (a Level: strconv.ParseInt(s, 10, 32)), or pflag's error for it. */
export function verbosity(value: string | undefined, cmdPath: string): number {
  if (value === undefined) return 0;
  const bad = (why: string) =>
    new UserError(`Error: invalid argument ${goQuote(value)} for "-v, --v" flag: strconv.ParseInt: parsing ${goQuote(value)}: ${why}\nSee '${cmdPath} --help' for usage.`);
  if (!/^[+-]?\d+$/.test(value)) throw bad('invalid syntax');
  const n = BigInt(value);
  if (n > 2147483647n || n < -2147483648n) throw bad('value out of range');
  return Number(n);
}

/**
 * pflag's checks of the logging flags kjob takes without using: klog's --vmodule (a list of
 * pattern=N) and component-base's --log-flush-frequency (a Go duration), each with kubectl's error.
 */
export function checkLoggingFlags(o: { vmodule?: string; logFlushFrequency?: string }, cmdPath: string): void {
  const bad = (flag: string, value: string, why: string) => new UserError(`Error: invalid argument ${goQuote(value)} for "${flag}" flag: ${why}\nSee '${cmdPath} --help' for usage.`);
  if (o.vmodule !== undefined && o.vmodule !== '') {
    // Empty entries (a trailing comma) are skipped, as klog's parseFilter skips them.
    for (const pat of o.vmodule.split(',').filter(Boolean)) {
      const [pattern, level, ...rest] = pat.split('=');
      if (rest.length || !pattern || level === undefined || !/^[+-]?\d+$/.test(level)) throw bad('--vmodule', o.vmodule, 'syntax error: expect comma-separated list of filename=N');
    }
  }
  if (o.logFlushFrequency !== undefined) {
    try {
      parseGoDuration(o.logFlushFrequency);
    } catch {
      throw bad('--log-flush-frequency', o.logFlushFrequency, 'parse error');
    }
  }
}

/**
 * client-go's WarningWriter as kubectl makes it (Deduplicate: true): a command prints each
 * warning the server sends once, and --warnings-as-errors counts the ones printed. Kept per
 * command's IO, as a command server runs many commands in one process.
 */
const printedWarnings = new WeakMap<IO, Set<string>>();

export function printServerWarnings(io: IO, warnings: readonly string[]): void {
  let seen = printedWarnings.get(io);
  if (!seen) printedWarnings.set(io, (seen = new Set()));
  for (const w of warnings) {
    if (seen.has(w)) continue;
    seen.add(w);
    io.err(`Warning: ${w}\n`);
  }
}

/**
 * kubectl's PersistentPostRunE with --warnings-as-errors: a command that succeeded fails after all
 * when the server warned, through component-base's klog line (a command that failed exits before).
 */
export function warningsAsErrors(io: IO, code: number): number {
  const n = printedWarnings.get(io)?.size ?? 0;
  if (code !== 0 || n === 0) return code;
  io.err(klogError('run.go:72', `"command failed" err="${n} warning${n === 1 ? '' : 's'} received"`) + '\n');
  return 1;
}
