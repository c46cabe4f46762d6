// How commander's options take their values as pflag does, for every verb's wiring (main.ts,
// write_verbs.ts, apps_commands.ts, object_output.ts).
import type { Command } from 'commander';

/** A value as pflag reads it: commander hands `-o=json` (a shorthand with "=") as "=json". */
export const stripEq = (v: string): string => v.replace(/^=/, '');

/** A repeatable flag (pflag's StringArray): each value as given. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** pflag's StringSlice: repeatable, and each value split at commas. */
export const collectSlice = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',')];

/** cmdutil.AddFilenameOptionFlags: -f (repeatable: files, directories or URLs, "filename, directory, or URL to files " + usage) and -R. */
export function addFilenameFlags(cmd: Command, usage: string): Command {
  return cmd
    .option('-f, --filename <file>', `filename, directory, or URL to files ${usage} (repeatable)`, collect)
    .option('-R, --recursive', 'process the directory used in -f, --filename recursively');
}
