// pflag's boolean flags take a value too: kubectl accepts `--ignore-not-found=false` and
// `--show-labels=true` (the value read by Go's strconv.ParseBool), where commander knows a boolean
// option only bare, and refused them as unknown flags. Before commander parses, each such
// argument becomes the bare flag when its value is true, and goes when it is false; a false one is
// then set on the command as given (source 'cli'), for a verb whose default depends on whether
// the flag was given (delete's --ignore-not-found with --all).
import type { Command, Option } from 'commander';
import { UserError } from '../errors.js';
import { goQuote } from '../util/go.js';

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** The long flags of the commands of root's tree that are boolean wherever they are defined. */
function booleanFlags(root: Command): Set<string> {
  const bools = new Set<string>();
  const valued = new Set<string>();
  const visit = (c: Command) => {
    for (const o of c.options as Option[]) if (o.long) (o.isBoolean() || o.negate ? bools : valued).add(o.long);
    for (const sub of c.commands) visit(sub);
  };
  visit(root);
  for (const f of valued) bools.delete(f);
  return bools;
}

/**
 * argv with its `--flag=VALUE` arguments of boolean flags (before any `--`) read as pflag does;
 * falseFlags: the flags given false (a `--no-x` flag given false is just dropped: x keeps its
 * default). cmdPath names the command in the error for a value that is not a boolean.
 */
export function readGoBoolFlags(program: Command, argv: string[], cmdPath: string): { argv: string[]; falseFlags: string[] } {
  const bools = booleanFlags(program);
  const out: string[] = [];
  const falseFlags: string[] = [];
  let i = 0;
  for (; i < argv.length && argv[i] !== '--'; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const flag = eq > 2 && a.startsWith('--') ? a.slice(0, eq) : undefined;
    if (flag === undefined || !bools.has(flag)) {
      out.push(a);
      continue;
    }
    const value = a.slice(eq + 1);
    if (GO_TRUE.has(value)) out.push(flag);
    else if (GO_FALSE.has(value)) {
      if (!flag.startsWith('--no-')) falseFlags.push(flag);
    } else {
      throw new UserError(`Error: invalid argument "${value}" for "${flag}" flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax\nSee '${cmdPath} --help' for usage.`);
    }
  }
  return { argv: [...out, ...argv.slice(i)], falseFlags };
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
