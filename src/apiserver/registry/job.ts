// pkg/registry/batch/job/strategy.go: Jobs get a generated selector and labels, generation 1 and an
// empty status on create; a spec change bumps the generation; status is its own subresource; a
// delete without a propagation policy orphans the pods (batch/v1), with a warning.
import type { StatusCause } from '../../errors.js';
import type { JobObject } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { generateJobSelector, mirrorJobLabels } from '../../api/defaults.js';
import { validateJobUpdate } from '../../api/validation.js';
import { isDNS1123Label } from '../../api/names.js';
import { BaseStrategy, keepStatus, type GarbageCollectionPolicy } from './strategy.js';
import { jsonEqual } from '../../util/canonical.js';

export class JobStrategy extends BaseStrategy {
  override readonly statusSubresource = true;
  constructor() {
    super(resourceForKind('Job')!);
  }
  override prepareForCreate(job: JobObject): void {
    job.status = {};
    job.metadata.generation = 1;
    if (job.spec?.manualSelector !== true) generateJobSelector(job);
    // SetDefaults_Job's label mirroring, as the Job reads back from storage with its generated labels.
    mirrorJobLabels(job);
  }
  override warningsOnCreate(job: JobObject): string[] {
    const msgs = isDNS1123Label(job.metadata.name ?? '');
    if (msgs.length === 0) return [];
    return [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`];
  }
  override prepareForUpdate(job: JobObject, old: JobObject): void {
    keepStatus(job, old);
    mirrorJobLabels(job);
    // Any change of the spec is a new generation.
    if (!jsonEqual(job.spec, old.spec)) job.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  override validateUpdate(job: JobObject, old: JobObject): StatusCause[] {
    return validateJobUpdate(old, job);
  }
  override defaultGarbageCollectionPolicy(): GarbageCollectionPolicy {
    return 'OrphanDependents';
  }
  deleteWarning(): string {
    return 'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning';
  }
}
