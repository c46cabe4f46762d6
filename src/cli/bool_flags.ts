// pflag's boolean flags take a value too: kubectl accepts `--ignore-not-found=false` and
// `--show-labels=true` (the value read by Go's strconv.ParseBool), where commander knows a boolean
// option only bare, and refused them as unknown flags. Before commander parses, the arguments of
// each boolean flag are read in order, the last one deciding, as pflag's last value stands: the
// flag is passed bare, where that last one was true, or not at all; a flag given false is then set
// on the command as given (source 'cli'), for a verb whose default depends on whether the flag was
// given (delete's --ignore-not-found with --all). A `--no-x` flag given false leaves x at its default.
// A shorthand takes its value after `=` (`-A=false`, pflag's parseSingleShortArg), and pflag's
// error for a value that is not a boolean names the flag by both names (`"-A, --all-namespaces"`).
// So kjob's boolean flags are commander's bare options: one declared with an optional value
// (`--wait [bool]`, as they were) took the next argument as its value (`kjob delete --wait cm a`
// read `cm` as --wait's), where pflag never does.
import type { Command, Option } from 'commander';
import { UserError } from '../errors.js';
import { goQuote } from '../util/go.js';

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * strconv.ParseBool of a flag's value, or pflag's error for it, which names a flag with a
 * shorthand by both (cmdPath: `kjob get`, for its usage line).
 */
function parseGoBool(flag: string, short: string | undefined, value: string, cmdPath: string): boolean {
  if (GO_TRUE.has(value)) return true;
  if (GO_FALSE.has(value)) return false;
  const name = short ? `${short}, ${flag}` : flag;
  throw new UserError(`Error: invalid argument ${goQuote(value)} for "${name}" flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax\nSee '${cmdPath} --help' for usage.`);
}

/**
 * The long flags of the commands of root's tree that are bare (boolean or negated) wherever they
 * are defined, with their shorthands (shortOf, for pflag's error); and the shorthands that are one
 * of them wherever they are defined (longOf): `-f` is logs' --follow but apply's --filename, so
 * `-f=...` is left to commander.
 */
function booleanFlags(root: Command): { bare: Set<string>; longOf: Map<string, string>; shortOf: Map<string, string> } {
  const bare = new Set<string>();
  const valued = new Set<string>();
  const shortUses = new Map<string, Set<string>>();
  const shortOf = new Map<string, string>();
  const visit = (c: Command) => {
    for (const o of c.options as Option[]) {
      if (!o.long) continue;
      const isBare = o.isBoolean() || o.negate;
      (isBare ? bare : valued).add(o.long);
      if (!o.short) continue;
      shortUses.set(o.short, (shortUses.get(o.short) ?? new Set()).add(isBare ? o.long : ''));
      if (isBare) shortOf.set(o.long, o.short);
    }
    for (const sub of c.commands) visit(sub);
  };
  visit(root);
  for (const f of valued) bare.delete(f);
  const longOf = new Map<string, string>();
  for (const [short, longs] of shortUses) {
    const [long] = longs;
    if (longs.size === 1 && bare.has(long)) longOf.set(short, long);
  }
  return { bare, longOf, shortOf };
}

/**
 * argv with the boolean flags before any `--` read as pflag reads them; falseFlags: the flags whose
 * last value was false (not `--no-x` ones). cmdPath names the command in the error for a value
 * that is not a boolean.
 */
export function readGoBoolFlags(program: Command, argv: string[], cmdPath: string): { argv: string[]; falseFlags: string[] } {
  const { bare, longOf, shortOf } = booleanFlags(program);
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  // Each bare flag's last occurrence and its value, and where else it was given (to drop).
  const last = new Map<string, { at: number; value: boolean }>();
  const given = new Map<string, number[]>();
  const out: (string | undefined)[] = argv.slice(0, end);
  const saw = (flag: string, at: number, value: boolean) => {
    last.set(flag, { at, value });
    given.set(flag, [...(given.get(flag) ?? []), at]);
  };
  for (let i = 0; i < end; i++) {
    const a = argv[i];
    const bareFlag = bare.has(a) ? a : longOf.get(a);
    if (bareFlag !== undefined) {
      saw(bareFlag, i, true);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq < 0 || !a.startsWith('-')) continue;
    // --flag=VALUE, or -X=VALUE of a shorthand (one letter and `=`).
    const flag = a.startsWith('--') ? a.slice(0, eq) : eq === 2 ? longOf.get(a.slice(0, 2)) : undefined;
    if (flag !== undefined && bare.has(flag)) saw(flag, i, parseGoBool(flag, shortOf.get(flag), a.slice(eq + 1), cmdPath));
  }
  const falseFlags: string[] = [];
  for (const [flag, { at, value }] of last) {
    for (const i of given.get(flag)!) out[i] = undefined;
    if (value) out[at] = flag;
    else if (!flag.startsWith('--no-')) falseFlags.push(flag);
  }
  return { argv: [...out.filter((a): a is string => a !== undefined), ...argv.slice(end)], falseFlags };
}

/** Sets each flag given false on the command that defines it (the command run, or one above it). */
export function setFalseFlags(command: Command, falseFlags: string[]): void {
  for (const flag of falseFlags) {
    for (let c: Command | null = command; c; c = c.parent) {
      const o = (c.options as Option[]).find((x) => x.long === flag);
      if (!o) continue;
      c.setOptionValueWithSource(o.attributeName(), false, 'cli');
      break;
    }
  }
}
