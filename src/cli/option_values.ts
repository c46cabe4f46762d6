// How commander's options take their values as pflag does, for every verb's wiring (main.ts,
// write_verbs.ts, apps_commands.ts, object_output.ts).

/** A value as pflag reads it: commander hands `-o=json` (a shorthand with "=") as "=json". */
export const stripEq = (v: string): string => v.replace(/^=/, '');

/** A repeatable flag (pflag's StringArray): each value as given. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** pflag's StringSlice: repeatable, and each value split at commas. */
export const collectSlice = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',')];
