// pkg/registry/batch/cronjob/strategy.go: generation 1 and an empty status on create; a spec change
// bumps the generation; status is its own subresource; schedules and time zones are validated.
import type { StatusCause } from '../../errors.js';
import type { KObject } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import { validateCronJobUpdate } from '../../api/validation.js';
import { BaseStrategy, keepStatus } from './strategy.js';
import { jsonEqual } from '../../util/canonical.js';

export class CronJobStrategy extends BaseStrategy {
  override readonly statusSubresource = true;
  constructor() {
    super(resourceForKind('CronJob')!);
  }
  override prepareForCreate(cj: KObject): void {
    cj.status = {};
    cj.metadata.generation = 1;
  }
  override prepareForUpdate(cj: KObject, old: KObject): void {
    keepStatus(cj, old);
    if (!jsonEqual(cj.spec, old.spec)) cj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  override validateUpdate(cj: KObject, old: KObject): StatusCause[] {
    return validateCronJobUpdate(old, cj);
  }
}
