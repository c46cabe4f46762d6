// pflag's boolean flags take a value too: kubectl accepts `--ignore-not-found=false` and
// `--show-labels=true` (the value read by Go's strconv.ParseBool), where commander knows a boolean
// option only bare, and refused them as unknown flags. Before commander parses, the arguments of
// each boolean flag are read in order, the last one deciding, as pflag's last value stands: the
// flag is passed bare, where that last one was true, or not at all; a flag given false is then set
// on the command as given (source 'cli'), for a verb whose default depends on whether the flag was
// given (delete's --ignore-not-found with --all). A `--no-x` flag given false leaves x at its default.
// So kjob's boolean flags are commander's bare options: one declared with an optional value
// (`--wait [bool]`, as they were) took the next argument as its value (`kjob delete --wait cm a`
// read `cm` as --wait's), where pflag never does.
import type { Command, Option } from 'commander';
import { UserError } from '../errors.js';
import { goQuote } from '../util/go.js';

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool of a flag's value, or pflag's error for it (cmdPath: `kjob get`, for its usage line). */
function parseGoBool(flag: string, value: string, cmdPath: string): boolean {
  if (GO_TRUE.has(value)) return true;
  if (GO_FALSE.has(value)) return false;
  throw new UserError(`Error: invalid argument ${goQuote(value)} for "${flag}" flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax\nSee '${cmdPath} --help' for usage.`);
}

/** The long flags of the commands of root's tree that are bare (boolean or negated) wherever they are defined. */
function booleanFlags(root: Command): Set<string> {
  const bare = new Set<string>();
  const valued = new Set<string>();
  const visit = (c: Command) => {
    for (const o of c.options as Option[]) if (o.long) (o.isBoolean() || o.negate ? bare : valued).add(o.long);
    for (const sub of c.commands) visit(sub);
  };
  visit(root);
  for (const f of valued) bare.delete(f);
  return bare;
}

/**
 * argv with the boolean flags before any `--` read as pflag reads them; falseFlags: the flags whose
 * last value was false (not `--no-x` ones). cmdPath names the command in the error for a value
 * that is not a boolean.
 */
export function readGoBoolFlags(program: Command, argv: string[], cmdPath: string): { argv: string[]; falseFlags: string[] } {
  const bare = booleanFlags(program);
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  // Each bare flag's last occurrence and its value.
  const last = new Map<string, { at: number; value: boolean }>();
  const out: (string | undefined)[] = argv.slice(0, end);
  for (let i = 0; i < end; i++) {
    const a = argv[i];
    if (bare.has(a)) {
      last.set(a, { at: i, value: true });
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq < 0) continue;
    const flag = a.slice(0, eq);
    if (bare.has(flag)) last.set(flag, { at: i, value: parseGoBool(flag, a.slice(eq + 1), cmdPath) });
  }
  const falseFlags: string[] = [];
  for (const [flag, { at, value }] of last) {
    for (let i = 0; i < end; i++) if (out[i] === flag || out[i]?.startsWith(`${flag}=`)) out[i] = undefined;
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
