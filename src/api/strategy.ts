// The apiserver's write paths (registry strategies): what happens to an object on create and on
// update before it is stored, whatever the client verb (apply, create, patch).
import { randomUUID } from 'node:crypto';
import type { KObject } from './types.js';
import type { ResourceInfo } from './resources.js';
import { defaultObject, admitPod } from './defaults.js';
import { decodeCheck } from './decode.js';
import { validateCreate, validateJobUpdate, validateCronJobUpdate, validateConfigMapUpdate, validateSecretUpdate } from './validation.js';
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

export interface CreateOptions {
  /** The ServiceAccount admission plugin's lookup (see serviceAccountGetter); absent: not checked. */
  serviceAccount?: (namespace: string, name: string) => KObject | undefined;
}

/** Create: decoding, defaulting, admission, validation. Throws the BadRequest, Forbidden or Invalid StatusError. */
export function prepareCreate(info: ResourceInfo, manifest: KObject, opts: CreateOptions = {}): KObject {
  decodeCheck(manifest);
  let obj = defaultObject(info, manifest, { uid: randomUUID() });
  if (info.kind === 'Pod') obj = admitPod(obj, { randomSuffix: () => randomSuffix(5), serviceAccount: opts.serviceAccount });
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
  decodeCheck(desired);
  const defaulted = defaultObject(info, desired, { uid: existing.metadata.uid! });
  const updated: KObject = {
    ...defaulted,
    metadata: { ...existing.metadata, labels: defaulted.metadata.labels, annotations: defaulted.metadata.annotations },
  };
  if (existing.status !== undefined) updated.status = existing.status;
  else delete updated.status;
  // Pod specs are immutable but for a few fields; keep the admitted spec.
  if (info.kind === 'Pod') updated.spec = existing.spec;
  const causes =
    info.kind === 'Job'
      ? validateJobUpdate(existing, updated)
      : info.kind === 'CronJob'
        ? validateCronJobUpdate(existing, updated, cronValidateOptions)
        : info.kind === 'ConfigMap'
          ? validateConfigMapUpdate(existing, updated)
          : info.kind === 'Secret'
            ? validateSecretUpdate(existing, updated)
            : validateCreate(info, updated, cronValidateOptions);
  if (causes.length > 0) throw invalid(info.kind, info.group, existing.metadata.name!, causes);
  mustDecode(info, updated);
  return updated;
}
