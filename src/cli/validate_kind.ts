// kubectl's client-side check of a manifest's type (pkg/validation/schema.go getObjectKind),
// run by apply, create and replace unless --validate=false: an object without apiVersion or kind
// is refused before the server sees it, with kubectl's words.
import { UserError } from '../errors.js';

/** The errors getObjectKind reports for one object. */
export function kindErrors(o: unknown): string[] {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return ['invalid object to validate'];
  const f = o as Record<string, unknown>;
  const errs: string[] = [];
  if (f.apiVersion === undefined || f.apiVersion === null) errs.push('apiVersion not set');
  else if (typeof f.apiVersion !== 'string') errs.push("apiVersion isn't string type");
  if (f.kind === undefined || f.kind === null) errs.push('kind not set');
  else if (typeof f.kind !== 'string') errs.push("kind isn't string type");
  return errs;
}

/** Throws kubectl's `error validating "FILE"` when the object has no type. */
export function checkKind(o: unknown, source: string): void {
  const errs = kindErrors(o);
  if (!errs.length) return;
  // utilerrors.NewAggregate prints one error bare, several in brackets
  const what = errs.length > 1 ? `[${errs.join(', ')}]` : errs[0];
  throw new UserError(`error: error validating "${source}": error validating data: ${what}; if you choose to ignore these errors, turn validation off with --validate=false`);
}
