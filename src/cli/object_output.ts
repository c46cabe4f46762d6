// The -o of the verbs that print the object they wrote (apply, create, label, annotate, replace,
// run, patch): kubectl's PrintFlags (cli-runtime genericclioptions: json and yaml, name, and the
// template printers with --template and --allow-missing-template-keys). kubectl builds the printer
// in each command's Complete, before anything is written: a bad -o or template changes nothing.
import type { Command } from 'commander';
import type { GenericPrinter } from '../printers/generic.js';
import { toJSONAsGiven } from '../printers/output.js';

const stripEq = (v: string) => v.replace(/^=/, '');

/** -o and its template flags, as a verb's options give them. */
export interface ObjectOutputOptions {
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
 * The flags as cmd has them, each from the nearest command that has it (commander hands a flag a
 * create subcommand and its parent both know to the parent). --template alone is a Go template.
 */
export function objectOutputOf(cmd: Command): ObjectOutputOptions {
  const flag = (key: string): unknown => {
    let v: unknown;
    for (let c: Command | null = cmd; c && v === undefined; c = c.parent) v = c.opts()[key];
    return v;
  };
  const template = flag('template') as string | undefined;
  return { output: (flag('output') as string | undefined) ?? (template ? 'go-template' : undefined), template, allowMissingTemplateKeys: flag('allowMissingTemplateKeys') !== false };
}

/**
 * The printer -o asks for, or kubectl's error for it; undefined without -o (the verb prints its
 * own line). typedJSON: an object kjob built as kubectl builds a typed one (create, run), whose
 * JSON follows the Go struct's field order. Loaded for an -o only: a verb without one does not
 * pay for the printers.
 */
export async function objectPrinter(o: ObjectOutputOptions, opts: { typedJSON?: boolean } = {}): Promise<GenericPrinter | undefined> {
  if (o.output === undefined) return undefined;
  const { checkObjectOutputFormat, genericPrinter } = await import('../printers/generic.js');
  const fmt = checkObjectOutputFormat(o.output);
  if (fmt === '') return undefined;
  if (fmt === 'json' && opts.typedJSON) return (obj, out) => out(toJSONAsGiven(obj));
  return genericPrinter(fmt, { template: o.template, allowMissingTemplateKeys: o.allowMissingTemplateKeys });
}
