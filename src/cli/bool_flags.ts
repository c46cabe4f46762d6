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
import { goParseBool, goQuote } from '../util/go.js';

/**
 * strconv.ParseBool of a flag's value, or pflag's error for it, which names a flag with a
 * shorthand by both (cmdPath: `kjob get`, for its usage line).
 */
function parseGoBool(flag: Option & { long: string }, value: string, cmdPath: string): boolean {
  const b = goParseBool(value);
  if (b !== undefined) return b;
  const name = flag.short ? `${flag.short}, ${flag.long}` : flag.long;
  throw new UserError(`Error: invalid argument ${goQuote(value)} for "${name}" flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax\nSee '${cmdPath} --help' for usage.`);
}

/**
 * The commands argv runs, root first, as cobra finds them before pflag parses: each operand that
 * names a subcommand of the last one found, skipping the value of a flag that takes one. Only
 * their flags are read: `-w` is `rollout status`'s --watch, but no flag of `rollout pause`.
 */
function commandsRun(root: Command, argv: string[], end: number): Command[] {
  const chain = [root];
  for (let i = 0; i < end; i++) {
    const a = argv[i];
    if (a.startsWith('-')) {
      if (takesNext(chain, a)) i++;
      continue;
    }
    const last = chain[chain.length - 1];
    const sub = last.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub) chain.push(sub);
  }
  return chain;
}

/** The option of the commands run (the innermost first) with this long name or shorthand. */
function optionOf(chain: Command[], name: string): Option | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const o = (chain[i].options as Option[]).find((x) => x.long === name || x.short === name);
    if (o) return o;
  }
  return undefined;
}

const isBare = (o: Option | undefined): o is Option & { long: string } => o !== undefined && o.long !== undefined && (o.isBoolean() || o.negate);

/** A flag without `=` whose value is the next argument (pflag takes it whatever it is): `--tail 5`, `-l -A`, `-wn ns`. */
function takesNext(chain: Command[], a: string): boolean {
  // An operand (`po`, a pod's name) is no cluster of shorthands; `-` is stdin.
  if (!a.startsWith('-') || a === '-' || a.includes('=')) return false;
  if (a.startsWith('--')) return optionOf(chain, a)?.required === true;
  // A shorthand cluster: its letters up to the first that takes a value, which takes the rest or the next argument.
  for (let k = 1; k < a.length; k++) {
    const o = optionOf(chain, `-${a[k]}`);
    if (!isBare(o)) return o?.required === true && k === a.length - 1;
  }
  return false;
}

/**
 * argv with the boolean flags before any `--` read as pflag reads them; falseFlags: the flags whose
 * last value was false (not `--no-x` ones). cmdPath names the command in the error for a value
 * that is not a boolean.
 */
export function readGoBoolFlags(program: Command, argv: string[], cmdPath: string): { argv: string[]; falseFlags: string[] } {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const chain = commandsRun(program, argv, end);
  // Each argument as pieces, one for each boolean flag it gives (a shorthand cluster, `-wA`, gives
  // several); the pieces of a flag go, and its last one comes back where its last value was true.
  const out: { text: string; flag?: string }[][] = argv.slice(0, end).map((text) => [{ text }]);
  const last = new Map<string, { at: number; value: boolean; text: string }>();
  for (let i = 0; i < end; i++) {
    const a = argv[i];
    if (takesNext(chain, a)) {
      i++;
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const o = optionOf(chain, eq < 0 ? a : a.slice(0, eq));
      if (!isBare(o)) continue;
      last.set(o.long, { at: i, value: eq < 0 || parseGoBool(o, a.slice(eq + 1), cmdPath), text: o.long });
      out[i] = [{ text: a, flag: o.long }];
      continue;
    }
    // -X, -X=VALUE, a cluster -XY, -XY=VALUE (the value the last letter's): pflag's parseShortArg,
    // when every letter is a boolean flag; any other is commander's to read.
    const m = /^-([^-=][^=]*)(?:=(.*))?$/s.exec(a);
    if (!m) continue;
    const letters = [...m[1]];
    const options = letters.map((l) => optionOf(chain, `-${l}`));
    if (!options.every(isBare)) continue;
    out[i] = letters.map((l, k) => {
      const o = options[k]!;
      const value = k === letters.length - 1 && m[2] !== undefined ? parseGoBool(o, m[2], cmdPath) : true;
      last.set(o.long, { at: i, value, text: `-${l}` });
      return { text: `-${l}`, flag: o.long };
    });
  }
  const falseFlags: string[] = [];
  for (const [flag, { at, value, text }] of last) {
    for (let i = 0; i < out.length; i++) out[i] = out[i].filter((p) => p.flag !== flag);
    if (value) out[at].push({ text });
    else if (!flag.startsWith('--no-')) falseFlags.push(flag);
  }
  return { argv: [...out.flatMap((pieces) => pieces.map((p) => p.text)), ...argv.slice(end)], falseFlags };
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
