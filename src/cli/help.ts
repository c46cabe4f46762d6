// `kjob VERB --help` in kubectl's layout (k8s.io/kubectl/pkg/util/templates: the main usage
// template and flagsUsages): the description, `Examples:`, `Available Commands:` for a verb with
// subcommands, `Options:` (each flag as `    -s, --flag=default:` and its description on the next
// line after a tab, sorted by name, no --help), `Usage:`, and the trailers pointing at
// `kjob <command> --help` and `kjob options` (the global flags, which kubectl lists apart).
// A commander help formatter: names, defaults and descriptions come from the option definitions,
// in kjob's words.
import { Command, type Help, type Option } from 'commander';
import path from 'node:path';
import { homedir } from 'node:os';

/** Flags whose kubectl default the option definition does not carry (kjob reads it in the verb). */
const KNOWN_DEFAULTS: Record<string, string> = {
  'dry-run': 'none',
  'allow-missing-template-keys': 'true',
  'grace-period': '-1',
  cascade: 'background',
  validate: 'strict',
  'max-log-requests': '5',
  tail: '-1',
  'limit-bytes': '0',
  since: '0s',
  'chunk-size': '500',
  'pod-running-timeout': '1m0s',
  'request-timeout': "'0'",
  v: '0',
  'log-flush-frequency': '5s',
  vmodule: '',
  // kubectl's, where kjob would keep a cache were it to keep one.
  'cache-dir': path.join(homedir(), '.kube', 'cache'),
  timeout: '0s',
};
/** The same, for one verb's flag ("VERB --flag"). */
const VERB_DEFAULTS: Record<string, string> = {
  'run restart': 'Always',
  'create cronjob restart': 'OnFailure',
  'run field-manager': 'kubectl-run',
  'wait timeout': '30s',
  'delete timeout': '0s',
  'wait for': '',
  'logs pod-running-timeout': '20s',
  'api-resources namespaced': 'true',
  'explain output': 'plaintext',
  'scale current-replicas': '-1',
  'scale replicas': '0',
  'patch type': 'strategic',
};

/** A few examples per verb, in kubectl's form (a `# what` line, the command, a blank line). */
const EXAMPLES: Record<string, string[][]> = {
  run: [
    ['Start a busybox pod that runs a command once, and keep it in the foreground', 'kjob run -i --rm hello --image=busybox --restart=Never -- echo hello'],
    ['Send a file to the container\'s stdin', 'kjob run -i --rm count --image=busybox --restart=Never -- wc -l < file.txt'],
    ['Start a pod that keeps running', 'kjob run web --image=busybox -- sleep 3600'],
  ],
  get: [
    ['List all pods in ps output format', 'kjob get pods'],
    ['List the pods of a Job', 'kjob get pods -l job-name=pi'],
    ['List Jobs sorted by their start time', 'kjob get jobs --sort-by=.status.startTime'],
    ['Print one field of a Job', "kjob get job pi -o jsonpath='{.status.succeeded}'"],
  ],
  logs: [
    ['Return snapshot logs from the first pod of a Job', 'kjob logs job/pi'],
    ['Return the logs of all pods of a Job, each line with its pod', 'kjob logs -l job-name=pi --prefix'],
    ['Begin streaming the logs, with the time of each line', 'kjob logs -f pod/web --timestamps'],
  ],
  exec: [
    ['Get output from running the date command in a pod', 'kjob exec web -- date'],
    ['Pass stdin to a command in the pod', 'echo hi | kjob exec web -i -- cat'],
    ['Switch to raw terminal mode; sends stdin to sh in the pod', 'kjob exec -it web -- sh'],
  ],
  debug: [['Add an ephemeral debug container to a running pod, in the namespaces of its container "web"', 'kjob debug web -it --image=busybox --target=web -- sh']],
  apply: [
    ['Apply the configuration in job.yaml to a Job', 'kjob apply -f job.yaml'],
    ['Apply every manifest of a directory, then wait for the Jobs to complete', 'kjob apply -f manifests/ --wait'],
  ],
  describe: [
    ['Describe a Job', 'kjob describe job pi'],
    ['Describe the pods of a Job', 'kjob describe pods -l job-name=pi'],
  ],
  delete: [
    ['Delete a Job and its pods', 'kjob delete job pi'],
    ['Delete the Jobs that succeeded', 'kjob delete jobs --field-selector status.successful=1'],
  ],
  events: [
    ['List the recent events in the default namespace', 'kjob events'],
    ['Watch the warnings of a Job', 'kjob events --for job/pi --types=Warning -w'],
  ],
  version: [['Print the client and server versions', 'kjob version']],
};

/** A repeatable flag: its parser gathers the values in a list (pflag's StringArray/StringSlice). */
function collects(o: Option): boolean {
  try {
    return Array.isArray(o.parseArg?.('x', undefined as never));
  } catch {
    return false;
  }
}

/** The synopsis of verbs whose arguments the definition leaves unnamed (kubectl's, for what kjob has). */
const SYNOPSIS: Record<string, string> = {
  get: '[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ... | -f FILENAME) [flags]',
  describe: '(TYPE [NAME_PREFIX | -l label] | TYPE/NAME)',
  delete: '([-f FILENAME] | TYPE [(NAME | -l label | --all)])',
  logs: '[-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]',
  events: '[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning]',
  'api-resources': '[flags]',
  patch: '(TYPE NAME | TYPE/NAME) -p PATCH',
  'port-forward': 'TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]',
  scale: '[--current-replicas=count] --replicas=COUNT (TYPE NAME | TYPE/NAME)',
  wait: "([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
  completion: 'SHELL',
};

const flagName = (o: Option) => (o.long ?? o.short ?? '').replace(/^--?/, '');

/** The value after `=`: pflag's DefValue, quoted for strings as kubectl's flagsUsages prints it. */
function defaultOf(cmd: Command, o: Option): string {
  const name = flagName(o);
  const path = commandPath(cmd).slice(1).join(' ');
  const known = VERB_DEFAULTS[`${path} ${name}`] ?? VERB_DEFAULTS[`${cmd.name()} ${name}`] ?? KNOWN_DEFAULTS[name];
  const fromText = DEFAULT_IN_TEXT.exec(o.description ?? '')?.[2];
  let v: string;
  if (!o.required && !o.optional) v = known ?? fromText ?? (o.defaultValue === true && !o.negate ? 'true' : 'false');
  else if (o.variadic || /\(repeatable\)/.test(o.description ?? '') || collects(o)) return '[]';
  else if (known !== undefined) v = known;
  else if (fromText !== undefined) v = fromText;
  else if (o.defaultValue !== undefined && typeof o.defaultValue !== 'object') v = String(o.defaultValue);
  else v = o.optional && /\[bool\]/.test(o.flags) ? 'false' : '';
  // A string flag whose default looks like a number ('0') is quoted where it is known so.
  if (v.startsWith("'")) return v;
  return /^(-?\d+(\.\d+)?|true|false|(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+)$/.test(v) ? v : `'${v}'`;
}

/** A "(default VALUE)" at the end of a description: the value the `=` shows. */
const DEFAULT_IN_TEXT = /\s*\((default "?([\w.-]+)"?|repeatable)\)\s*$/;
/** Words a description may start with that keep their case. */
const KEEP_CASE = /^(kjob|kubectl|json|yaml|none|strict|true|false|text)\b/;

/** The description as a sentence: kjob's words, without the default the `=` shows. */
function sentence(s: string | undefined): string {
  let d = (s ?? '').replace(DEFAULT_IN_TEXT, '').trim();
  if (!d) return '';
  if (!KEEP_CASE.test(d)) d = d[0].toUpperCase() + d.slice(1);
  return /[.!?)]$/.test(d) ? d : d + '.';
}

function commandPath(cmd: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names;
}

/** The option blocks: `    -s, --long=default:\n\tdescription\n`, joined by blank lines. */
export function optionBlocks(cmd: Command, options: readonly Option[]): string {
  const visible = options.filter((o) => !o.hidden && o.long !== '--help');
  const sorted = [...visible].sort((a, b) => flagName(a).localeCompare(flagName(b)));
  return sorted
    .map((o) => {
      const short = o.short && o.long ? `${o.short}, ` : '';
      return `    ${short}${o.long ?? o.short}=${defaultOf(cmd, o)}:\n\t${sentence(o.description)}\n`;
    })
    .join('\n');
}

function usageArgs(cmd: Command): string {
  const synopsis = SYNOPSIS[commandPath(cmd).slice(1).join(' ')];
  if (synopsis && !cmd.registeredArguments.some((a) => a.description)) return synopsis;
  const args = cmd.registeredArguments.map((a) => a.description || (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`));
  if (args.length) return args.join(' ');
  if (cmd.options.some((o) => o.long === '--filename')) return '-f FILENAME';
  return cmd.commands.some((c) => !(c as Command & { _hidden?: boolean })._hidden) ? 'SUBCOMMAND' : '[flags]';
}

export function formatHelp(cmd: Command, helper: Help): string {
  const prog = commandPath(cmd);
  const root = prog[0];
  const out: string[] = [];
  const desc = cmd.description();
  if (desc) out.push(sentence(desc) + '\n\n');
  const examples = cmd.parent ? EXAMPLES[prog.slice(1).join(' ')] : undefined;
  if (examples) out.push('Examples:\n' + examples.map(([what, line]) => `  # ${what}\n  ${line}`).join('\n  \n') + '\n\n');
  const subs = helper.visibleCommands(cmd).filter((c) => c.name() !== 'help').sort((a, b) => a.name().localeCompare(b.name()));
  if (subs.length) {
    const pad = Math.max(11, ...subs.map((c) => c.name().length)) + 3;
    out.push('Available Commands:\n' + subs.map((c) => `  ${c.name().padEnd(pad)}${c.summary() || c.description()}\n`).join('') + '\n');
  }
  if (cmd.parent) {
    const blocks = optionBlocks(cmd, helper.visibleOptions(cmd));
    if (blocks) out.push('Options:\n' + blocks + '\n');
  }
  out.push(`Usage:\n  ${cmd.parent ? prog.join(' ') + ' ' + usageArgs(cmd) : `${root} [flags]`} [options]\n\n`);
  if (subs.length) out.push(`Use "${prog.join(' ')} <command> --help" for more information about a given command.\n`);
  out.push(`Use "${root} options" for a list of global command-line options (applies to all commands).\n`);
  return out.join('');
}

/** kubectl's help layout for the program and every command under it (call once all exist). */
export function useKubectlHelp(program: Command): void {
  const walk = (c: Command) => {
    c.configureHelp({ formatHelp });
    c.commands.forEach(walk);
  };
  walk(program);
}

/** `kjob options`: the flags every command takes, as `kubectl options` lists its global flags. */
export function addOptionsCommand(program: Command, write: (s: string) => void): void {
  program
    .command('options')
    .description('Print the list of flags inherited by all commands')
    .action(() => write('The following options can be passed to any command:\n\n' + optionBlocks(program, program.options) + '\n'));
}
