// The apiserver's write paths (registry strategies): what happens to an object on create and on
// update before it is stored, whatever the client verb (apply, create, patch).
import { randomUUID } from 'node:crypto';
import type { KObject } from './types.js';
import type { ResourceInfo } from './resources.js';
import { defaultObject, admitPod } from './defaults.js';
import { validateCreate, validateJobUpdate, validateCronJobUpdate } from './validation.js';
import { randomSuffix } from './names.js';
import { invalid } from '../errors.js';
import { cronValidateOptions } from '../controllers/cronjob/cronjob_controller.js';
import { decodeTyped, decodeError } from '../apiserver/decode.js';

/** What is stored must decode as the kind's Go type (an object read from a state file written
 * before decoding was strict, carried into an update, might not): refused as the apiserver
 * refuses a body it cannot decode. */
function mustDecode(info: ResourceInfo, obj: KObject): void {
  const { error } = decodeTyped(info.kind, obj as Record<string, unknown>, 'Strict');
  if (error !== undefined) throw decodeError(info.kind, obj as Record<string, unknown>, error);
}

/** Create: defaulting, admission, validation. Throws the Invalid StatusError. */
export function prepareCreate(info: ResourceInfo, manifest: KObject): KObject {
  let obj = defaultObject(info, manifest, { uid: randomUUID() });
  if (info.kind === 'Pod') obj = admitPod(obj, { randomSuffix: () => randomSuffix(5) });
  const causes = validateCreate(info, obj, cronValidateOptions);
  if (causes.length > 0) throw invalid(info.kind, info.group, obj.metadata.name ?? manifest.metadata.name ?? '', causes);
  mustDecode(info, obj);
  return obj;
}

/**
 * Update: the desired object, defaulted, over the stored identity and status; then update
 * validation (immutable fields, schedules). Throws the Invalid StatusError.
 */
export function prepareUpdate(info: ResourceInfo, existing: KObject, desired: KObject): KObject {
  const defaulted = defaultObject(info, desired, { uid: existing.metadata.uid! });
  const updated: KObject = {
    ...defaulted,
    metadata: { ...existing.metadata, labels: defaulted.metadata.labels, annotations: defaulted.metadata.annotations },
    status: existing.status,
  };
  // Pod specs are immutable but for a few fields; keep the admitted spec.
  if (info.kind === 'Pod') updated.spec = existing.spec;
  const causes =
    info.kind === 'Job'
      ? validateJobUpdate(existing, updated)
      : info.kind === 'CronJob'
        ? validateCronJobUpdate(existing, updated, cronValidateOptions)
        : validateCreate(info, updated, cronValidateOptions);
  if (causes.length > 0) throw invalid(info.kind, info.group, existing.metadata.name!, causes);
  mustDecode(info, updated);
  return updated;
}
