// The pods/ephemeralcontainers subresource (pkg/registry/core/pod/strategy.go's
// podEphemeralContainersStrategy, validation.ValidatePodEphemeralContainersUpdate): an update that
// changes only spec.ephemeralContainers of the stored pod; new ephemeral containers are validated
// as the apiserver does (unique names across all containers, no ports, probes, resources,
// lifecycle or restartPolicy, a targetContainerName naming a container); an existing ephemeral
// container may be neither changed nor removed.
import type { StatusCause } from '../../errors.js';
import type { PodObject } from '../../api/types.js';
import { goQuote } from '../../util/go.js';
import { isDNS1123Label } from '../../api/names.js';
import { invalid } from '../../api/validation.js';

/** The pod as stored, with the request's ephemeral containers (PrepareForUpdate). */
export function prepareEphemeralUpdate(pod: PodObject, old: PodObject): PodObject {
  const next = structuredClone(old);
  const list = pod.spec?.ephemeralContainers;
  if (list && list.length) next.spec = { ...next.spec!, ephemeralContainers: list };
  else if (next.spec) delete next.spec.ephemeralContainers;
  next.metadata = { ...next.metadata, resourceVersion: pod.metadata.resourceVersion };
  return next;
}

const FORBIDDEN = ['ports', 'lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'resources', 'resizePolicy', 'restartPolicy'] as const;

export function validateEphemeralUpdate(pod: PodObject, old: PodObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const eph = pod.spec?.ephemeralContainers ?? [];
  const oldEph = old.spec?.ephemeralContainers ?? [];
  const others = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  const seen = new Set(others);
  eph.forEach((c, i) => {
    const f = `spec.ephemeralContainers[${i}]`;
    // A container's name names its directories, logs and cgroups on the host (validateContainerCommon).
    const nameErrors = c.name ? isDNS1123Label(c.name) : [];
    if (!c.name) causes.push({ field: `${f}.name`, message: 'Required value', type: 'FieldValueRequired' });
    else if (nameErrors.length > 0) for (const msg of nameErrors) causes.push(invalid(`${f}.name`, c.name, msg));
    else if (seen.has(c.name)) causes.push({ field: `${f}.name`, message: `Duplicate value: ${goQuote(c.name)}`, type: 'FieldValueDuplicate' });
    else seen.add(c.name);
    if (!c.image) causes.push({ field: `${f}.image`, message: 'Required value', type: 'FieldValueRequired' });
    for (const k of FORBIDDEN) {
      const v = c[k];
      if (v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0)) continue;
      causes.push({ field: `${f}.${k}`, message: 'Forbidden: cannot be set for an Ephemeral Container', type: 'FieldValueForbidden' });
    }
    if (c.targetContainerName && !others.includes(c.targetContainerName)) {
      causes.push({ field: `${f}.targetContainerName`, message: `Not found: ${goQuote(c.targetContainerName)}`, type: 'FieldValueNotFound' });
    }
  });
  const byName = new Map(eph.map((c, i) => [c.name, i] as const));
  for (const o of oldEph) {
    const i = byName.get(o.name);
    if (i === undefined) {
      causes.push({ field: 'spec.ephemeralContainers', message: `Forbidden: existing ephemeral containers ${goQuote(o.name)} may not be removed`, type: 'FieldValueForbidden' });
    } else if (JSON.stringify(eph[i]) !== JSON.stringify(o)) {
      causes.push({ field: `spec.ephemeralContainers[${i}]`, message: `Forbidden: existing ephemeral containers ${goQuote(o.name)} may not be changed`, type: 'FieldValueForbidden' });
    }
  }
  return causes;
}
