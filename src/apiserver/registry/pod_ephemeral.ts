// The pods/ephemeralcontainers subresource (pkg/registry/core/pod/strategy.go's
// podEphemeralContainersStrategy, validation.ValidatePodEphemeralContainersUpdate): an update that
// changes only spec.ephemeralContainers of the stored pod; new ephemeral containers are held to
// what every container is (validateContainerCommon) and to the apiserver's own rules for them
// (unique names across all containers, no ports, probes, resources, lifecycle, restartPolicy or
// subPath, a targetContainerName naming a container); an existing ephemeral container may be
// neither changed nor removed.
import type { StatusCause } from '../../errors.js';
import type { PodObject } from '../../api/types.js';
import { goQuote } from '../../util/go.js';
import { validateContainerCommon } from '../../api/validation.js';
import { duplicate, forbidden, notFound } from '../../api/field_errors.js';

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
  const volNames = new Set((pod.spec?.volumes ?? []).map((v) => v.name));
  eph.forEach((c, i) => {
    const f = `spec.ephemeralContainers[${i}]`;
    // Held to what every container is (its name names its directories, logs and cgroups on the host).
    causes.push(...validateContainerCommon(c, f, volNames));
    // Unique across all the pod's containers.
    if (seen.has(c.name)) causes.push(duplicate(`${f}.name`, c.name));
    else if (c.name) seen.add(c.name);
    if (c.targetContainerName && !others.includes(c.targetContainerName)) causes.push(notFound(`${f}.targetContainerName`, c.targetContainerName));
    for (const k of FORBIDDEN) {
      const v = c[k];
      if (v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0)) continue;
      causes.push(forbidden(`${f}.${k}`, 'cannot be set for an Ephemeral Container'));
    }
    // A subPath is a bind mount left until the pod goes: none for an ephemeral container.
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (m.subPath) causes.push(forbidden(`${f}.volumeMounts[${j}].subPath`, 'cannot be set for an Ephemeral Container'));
    });
  });
  const byName = new Map(eph.map((c, i) => [c.name, i] as const));
  for (const o of oldEph) {
    const i = byName.get(o.name);
    if (i === undefined) {
      causes.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${goQuote(o.name)} may not be removed`));
    } else if (JSON.stringify(eph[i]) !== JSON.stringify(o)) {
      causes.push(forbidden(`spec.ephemeralContainers[${i}]`, `existing ephemeral containers ${goQuote(o.name)} may not be changed`));
    }
  }
  return causes;
}
