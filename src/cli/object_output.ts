// The -o of the verbs that print the object they wrote (apply, create, label, annotate, replace,
// run, patch): kubectl's PrintFlags (cli-runtime genericclioptions: json and yaml, name, and the
// template printers with --template and --allow-missing-template-keys). Each verb builds its
// printer where kubectl's does, relative to its other checks; kjob builds it before anything is
// written even where kubectl writes first (label, patch, apply): a bad -o or template changes
// nothing.
import type { Command } from 'commander';
import type { GenericPrinter } from '../printers/generic.js';
import { toJSONAsGiven } from '../printers/output.js';
import { stripEq } from './option_values.js';

/** -o and its template flags, as a verb's options give them. */
export interface ObjectOutputOptions {
  /** -o as given (--template alone: a Go template, which objectPrinter reads so) */
  output?: string;
  /** --template: with -o jsonpath or a Go template (alone: a Go template) */
  template?: string;
  /** --allow-missing-template-keys (default true) */
  allowMissingTemplateKeys?: boolean;
}

/** -o's help: the formats PrintFlags knows. */
export const OUTPUT_FORMATS = 'json, yaml, name, go-template, go-template-file, jsonpath, jsonpath-as-json, jsonpath-file, template, templatefile';

/** Adds PrintFlags' flags to a verb (--show-managed-fields too: kjob stores no managedFields). */
export function addObjectOutputFlags(cmd: Command): Command {
  return cmd
    .option('-o, --output <format>', OUTPUT_FORMATS, stripEq)
    .option('--template <template>', 'the template or path to the template file for -o go-template, go-template-file, jsonpath or jsonpath-file', stripEq)
    .option('--allow-missing-template-keys', 'ignore missing fields and keys in jsonpath and go-template output', true)
    .option('--show-managed-fields', 'keep the managedFields when printing objects in JSON or YAML format (kjob keeps none)');
}

/**
 * An option of cmd, from the nearest command that has it: commander hands a flag a create
 * subcommand and its parent both know to the parent.
 */
export function nearestOption(cmd: Command, key: string): unknown {
  let v: unknown;
  for (let c: Command | null = cmd; c && v === undefined; c = c.parent) v = c.opts()[key];
  return v;
}

/** The flags as cmd has them (nearestOption). */
export function objectOutputOf(cmd: Command): ObjectOutputOptions {
  return {
    output: nearestOption(cmd, 'output') as string | undefined,
    template: nearestOption(cmd, 'template') as string | undefined,
    allowMissingTemplateKeys: nearestOption(cmd, 'allowMissingTemplateKeys') !== false,
  };
}

/** A printer, with the format -o named ('name', 'json', 'jsonpath=...'). */
export type ObjectPrinter = GenericPrinter & { format: string };

/**
 * The printer -o asks for, or kubectl's error for it; undefined without -o or --template (the verb
 * prints its own line). --template alone is a Go template (PrintFlags.ToPrinter). typedJSON: an
 * object kjob built as kubectl builds a typed one (create, run), whose JSON follows the Go
 * struct's field order. Loaded for an -o only: a verb without one does not pay for the printers.
 */
export async function objectPrinter(o: ObjectOutputOptions, opts: { typedJSON?: boolean } = {}): Promise<ObjectPrinter | undefined> {
  const output = o.output ?? (o.template ? 'go-template' : undefined);
  if (output === undefined) return undefined;
  const { checkObjectOutputFormat, genericPrinter } = await import('../printers/generic.js');
  const format = checkObjectOutputFormat(output);
  if (format === '') return undefined;
  const print: GenericPrinter = format === 'json' && opts.typedJSON ? (obj, out) => out(toJSONAsGiven(obj)) : genericPrinter(format, { template: o.template, allowMissingTemplateKeys: o.allowMissingTemplateKeys });
  return Object.assign(print, { format });
}

/**
 * A printer built once, where a verb builds it per object as kubectl does (label, patch: after
 * their checks of that object), so that its error is that object's: each object it is asked for
 * gets the same printer, or the same error again.
 */
export function objectPrinterOnce(o: ObjectOutputOptions): () => Promise<ObjectPrinter | undefined> {
  let made: Promise<ObjectPrinter | undefined> | undefined;
  return () => (made ??= objectPrinter(o));
}
