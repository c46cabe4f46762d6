// kubectl's check of a command line that starts with a flag (k8s.io/kubectl/pkg/cmd/cmd.go, its
// NewDefaultKubectlCommandWithArgs and HandlePluginCommand). Before cobra runs, kubectl asks cobra's
// Find which command the line names. Find sets the flags aside as cobra's stripFlags does: a flag
// it does not know, written without "=", takes the next argument as its value (unless that is the
// last one). So `kubectl -A get pods` names the command "pods"; there is none, so kubectl looks for
// a plugin, and refuses a flag placed before the plugin's name.

/** A flag of the root command, as cobra's Find sees it: whether it takes the next argument as its value. */
export interface RootFlag {
  /** "-n", "--namespace" */
  names: string[];
  takesValue: boolean;
}

/**
 * The words cobra's stripFlags leaves of args for the root command: what is not a flag, nor a
 * flag's value, up to "--".
 */
export function commandWords(args: string[], rootFlags: RootFlag[]): string[] {
  // An unknown flag takes a value (pflag's NoOptDefVal is empty): -h and --help too, which cobra
  // adds only as the command runs (`kubectl -h bogus` prints the help).
  const takesValue = (flag: string) => rootFlags.find((f) => f.names.includes(flag))?.takesValue ?? true;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const s = args[i];
    if (s === '--') break;
    // A long flag, or a lone shorthand ("-n", not "-wA"), written without "=".
    const flag = (s.startsWith('--') || (s.startsWith('-') && s.length === 2)) && !s.includes('=');
    if (flag && takesValue(s)) {
      // '-f arg': arg is the flag's, but for the last argument, which ends the search.
      if (args.length - i - 1 <= 1) break;
      i++;
    } else if (s !== '' && !s.startsWith('-')) {
      words.push(s);
    }
  }
  return words;
}

/**
 * kubectl's error for args (the command line past the program's name) when it starts with a flag
 * and Find names no command (words: commandWords of args); undefined when it names one, or when kubectl would go on to its own
 * messages (the line starts with a word: a plugin is looked for by that name; or its first word is
 * help or a completion request).
 */
export function flagBeforePluginName(args: string[], words: string[], isCommand: (name: string) => boolean): string | undefined {
  if (!args[0]?.startsWith('-')) return undefined;
  if (words.length === 0 || isCommand(words[0])) return undefined;
  const first = args.find((a) => !a.startsWith('-'));
  if (first === 'help' || first === '__complete' || first === '__completeNoDesc') return undefined;
  return `Error: flags cannot be placed before plugin name: ${args[0]}\n`;
}
