// apps/v1 validation (pkg/apis/apps/validation/validation.go): ValidateDeployment,
// ValidateReplicaSet and their updates, with the apiserver's field paths and messages.
import type { StatusCause } from '../errors.js';
import type { KObject } from './types.js';
import { asKind } from './types.js';
import type { DeploymentSpec, DeploymentStrategy } from 'kubernetes-types/apps/v1.js';
import { isDNS1123Subdomain } from './names.js';
import { selectorFromLabelSelector } from './labels.js';
import { jsonEqual } from '../util/canonical.js';
import { GoValue, forbidden, invalid, notSupported, required } from './field_errors.js';
import {
  goLabelSelector,
  goStringMap,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePodTemplateSpec,
  validateLabelSelector,
  dedupe,
} from './validation.js';

type Errs = StatusCause[];

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegative = (errs: Errs, v: unknown, field: string) => {
  if (isInt(v) && v < 0) errs.push(invalid(field, v, 'must be greater than or equal to 0'));
};

/** Go %#v of an intstr.IntOrString (a pointer field's value, which field errors print dereferenced). */
function goIntOrString(v: unknown): GoValue {
  if (typeof v === 'string') return new GoValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:"${v}"}`);
  return new GoValue(`intstr.IntOrString{Type:0, IntVal:${isInt(v) ? v : 0}, StrVal:""}`);
}

const PERCENT = /^[0-9]+%$/;

/** getIntOrPercentValue: the number of an int or of a "N%" string. */
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'string') return PERCENT.test(v) ? parseInt(v, 10) : 0;
  return isInt(v) ? v : 0;
}

function validatePositiveIntOrPercent(v: unknown, field: string): Errs {
  const errs: Errs = [];
  if (typeof v === 'string') {
    if (!PERCENT.test(v)) errs.push(invalid(field, v, "must be an integer or percentage (e.g '5%')"));
    else nonNegative(errs, parseInt(v, 10), field);
  } else nonNegative(errs, v, field);
  return errs;
}

function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined, path: string): Errs {
  const errs: Errs = [];
  const type = strategy?.type ?? '';
  if (type === 'Recreate') {
    if (strategy!.rollingUpdate != null) errs.push(forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const ru = strategy!.rollingUpdate;
    if (ru == null) errs.push(required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil'));
    else {
      const p = `${path}.rollingUpdate`;
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
        errs.push(invalid(`${p}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      if (typeof ru.maxUnavailable === 'string' && PERCENT.test(ru.maxUnavailable) && parseInt(ru.maxUnavailable, 10) > 100)
        errs.push(invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'must not be greater than 100%'));
    }
  } else {
    errs.push(notSupported(path, new GoValue(`apps.DeploymentStrategy{Type:"${type}", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`), ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

/** ValidateReplicaSetSpec / ValidateDeploymentSpec: the selector and the template they share, then the Deployment's own fields.
 * (A ReplicaSet's spec has a subset of the Deployment's fields, of the same types.) */
function validateWorkloadSpec(kind: 'Deployment' | 'ReplicaSet', spec: Partial<DeploymentSpec> | undefined): Errs {
  const s = spec ?? {};
  const errs: Errs = [];
  nonNegative(errs, s.replicas, 'spec.replicas');
  if (kind === 'ReplicaSet') nonNegative(errs, s.minReadySeconds, 'spec.minReadySeconds');
  let selectorOk = true;
  if (s.selector == null) errs.push(required('spec.selector'));
  else {
    const before = errs.length;
    errs.push(...validateLabelSelector(s.selector, 'spec.selector'));
    selectorOk = errs.length === before;
    if (Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions ?? []).length === 0)
      errs.push(invalid('spec.selector', new GoValue(goLabelSelector(s.selector)), 'empty selector is invalid for deployment'));
  }
  let selector;
  try {
    selector = selectorOk ? selectorFromLabelSelector(s.selector) : undefined;
  } catch {
    selector = undefined;
  }
  if (selector === undefined && s.selector != null) errs.push(invalid('spec.selector', new GoValue(goLabelSelector(s.selector)), 'invalid label selector'));
  else {
    // ValidatePodTemplateSpecForReplicaSet
    const tpl = s.template ?? {};
    const labels = tpl.metadata?.labels;
    // A missing selector is labels.Nothing(): not empty, matching nothing.
    if (s.selector == null || (!selector!.empty() && !selector!.matches(labels ?? {})))
      errs.push(invalid('spec.template.metadata.labels', new GoValue(goStringMap(labels)), '`selector` does not match template `labels`'));
    errs.push(...validatePodTemplateSpec(tpl, 'spec.template'));
    const rp = tpl.spec?.restartPolicy ?? '';
    if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
    if (tpl.spec?.activeDeadlineSeconds != null) errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  if (kind === 'Deployment') {
    errs.push(...validateDeploymentStrategy(s.strategy, 'spec.strategy'));
    nonNegative(errs, s.minReadySeconds, 'spec.minReadySeconds');
    nonNegative(errs, s.revisionHistoryLimit, 'spec.revisionHistoryLimit');
    if (s.progressDeadlineSeconds != null) {
      nonNegative(errs, s.progressDeadlineSeconds, 'spec.progressDeadlineSeconds');
      if (isInt(s.progressDeadlineSeconds) && s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0))
        errs.push(invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** ValidateDeployment / ValidateReplicaSet (create). */
export function validateAppsWorkload(kind: 'Deployment' | 'ReplicaSet', obj: KObject): Errs {
  const errs = validateObjectMeta(obj.metadata, true, isDNS1123Subdomain);
  errs.push(...validateWorkloadSpec(kind, asKind(kind, obj).spec));
  return errs;
}

/** ValidateDeploymentUpdate / ValidateReplicaSetUpdate, with apps/v1's immutable selector. */
export function validateAppsWorkloadUpdate(kind: 'Deployment' | 'ReplicaSet', obj: KObject, old: KObject): StatusCause[] {
  const errs = validateObjectMetaUpdate(old, obj);
  const spec = asKind(kind, obj).spec;
  errs.push(...validateWorkloadSpec(kind, spec));
  if (!jsonEqual(spec?.selector ?? null, asKind(kind, old).spec?.selector ?? null))
    errs.push(invalid('spec.selector', new GoValue(goLabelSelector(spec?.selector)), 'field is immutable'));
  return dedupe(errs);
}
