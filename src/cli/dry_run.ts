// kubectl's --dry-run (cmdutil.GetDryRunStrategy): none, client or server. The flag alone and a
// boolean are its older forms, taken with kubectl's warning (a klog line on stderr).
import { UserError } from '../errors.js';
import { klogWarning } from './klog.js';
import { goParseBool } from '../util/go.js';

export type DryRun = 'none' | 'client' | 'server';

/**
 * What a verb's success line ends with under a dry run (cmdutil.PrintFlagsWithDryRunStrategy):
 * "job.batch/pi created (dry run)", "... (server dry run)".
 */
export function dryRunSuffix(dryRun: DryRun | undefined): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
}

/** The option's value as commander gives it (undefined, true for the flag alone, or its text). */
export function dryRunStrategy(flag: unknown, warn: (line: string) => void): DryRun | undefined {
  if (flag === undefined) return undefined;
  if (flag === true) {
    warn(klogWarning('helpers.go:702', '--dry-run is deprecated and can be replaced with --dry-run=client.') + '\n');
    return 'client';
  }
  const v = String(flag).replace(/^=/, '');
  // Its older boolean form, as strconv.ParseBool reads one (1, t, True, ...).
  const b = goParseBool(v);
  if (b !== undefined) {
    const to = b ? 'client' : 'none';
    warn(klogWarning(b ? 'helpers.go:716' : 'helpers.go:719', `--dry-run=${v} is deprecated (boolean value) and can be replaced with --dry-run=${to}.`) + '\n');
    return to;
  }
  if (v === 'none' || v === 'client' || v === 'server') return v;
  throw new UserError(`error: Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}
