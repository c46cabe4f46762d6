// A DELETE request's options as the apiserver's REST handler (endpoints/handlers/delete.go) reads them (query parameters over the
// body), checked by ValidateDeleteOptions before the registry sees them
// (k8s.io/apimachinery/pkg/apis/meta/v1/validation).
import type { DeleteOptions as WireDeleteOptions } from 'kubernetes-types/meta/v1.js';
import { invalid } from '../errors.js';
import { invalid as invalidField, notSupported } from '../api/field_errors.js';
import type { StatusCause } from '../errors.js';
import type { DeleteOptions } from '../apiserver/interface.js';

const POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

export function deleteOptionsFromRequest(query: URLSearchParams, body: WireDeleteOptions, dryRun: boolean): DeleteOptions {
  const grace = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const policy = query.get('propagationPolicy') ?? body.propagationPolicy;
  const orphan = query.get('orphanDependents') ?? body.orphanDependents;
  const causes: StatusCause[] = [];
  if (orphan !== undefined && orphan !== null && policy !== undefined && policy !== null) {
    causes.push(invalidField('propagationPolicy', policy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (policy !== undefined && policy !== null && !(POLICIES as readonly string[]).includes(policy)) {
    causes.push(notSupported('propagationPolicy', policy, [...POLICIES, 'nil']));
  }
  if (causes.length) throw invalid('DeleteOptions', 'meta.k8s.io', '', causes);
  const orphanDependents = orphan === true || orphan === 'true';
  return {
    dryRun: dryRun || (body.dryRun ?? []).includes('All'),
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    propagationPolicy: (policy ?? (orphanDependents ? 'Orphan' : undefined)) as DeleteOptions['propagationPolicy'],
    preconditions: body.preconditions,
  };
}
