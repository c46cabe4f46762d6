// How commander's options take their values as pflag does, for every verb's wiring (main.ts,
// write_verbs.ts, apps_commands.ts, object_output.ts).
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { goQuote, parseGoDuration } from '../util/go.js';

/** A value as pflag reads it: commander hands `-o=json` (a shorthand with "=") as "=json". */
export const stripEq = (v: string): string => v.replace(/^=/, '');

/** A repeatable flag (pflag's StringArray): each value as given. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** pflag's StringSlice: repeatable, and each value split at commas (an empty one adds nothing: readAsCSV). */
export const collectSlice = (v: string, prev: string[] = []): string[] => (v === '' ? prev : [...prev, ...v.split(',')]);

/**
 * cmdutil.AddFilenameOptionFlags: -f (repeatable: files, directories or URLs, "filename, directory,
 * or URL to files " + usage) and -R; recursive: -R's default (ResourceBuilderFlags': true).
 */
export function addFilenameFlags(cmd: Command, usage: string, opts: { recursive?: boolean } = {}): Command {
  return cmd
    .option('-f, --filename <file>', `filename, directory, or URL to files ${usage} (repeatable)`, collect)
    .option('-R, --recursive', `process the directory used in -f, --filename recursively${opts.recursive ? ' (default true)' : ''}`);
}

/**
 * A flag's value as pflag parses it (parse: Go's parser, throwing Error with Go's message), or
 * pflag's error, which cobra prints with the usage line; name is the flag as pflag names it
 * (`--port`, or `-r, --replicas` for one with a shorthand). undefined when not given.
 */
export function flagValue<T>(name: string, value: string | undefined, parse: (v: string) => T, cmdPath: string): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (e) {
    throw new UserError(`Error: invalid argument ${goQuote(value)} for "${name}" flag: ${(e as Error).message}\nSee '${cmdPath} --help' for usage.`);
  }
}

/** A Go duration flag (time.ParseDuration) in milliseconds, or pflag's error; undefined when not given. */
export function durationFlagMs(name: string, value: string | undefined, cmdPath: string): number | undefined {
  return flagValue(name, value, (v) => Number(parseGoDuration(v)) / 1e6, cmdPath);
}
