// For unit tests of the Job controller: a Job stored as the apiserver would store it.
import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/store.js';
import { defaultObject } from '../../api/defaults.js';
import { resourceForKind } from '../../api/resources.js';
import type { KObject } from '../../api/types.js';

/** spec fields, plus restartPolicy and containers for the template (default: one `true`). */
export function createTestJob(store: Store, spec: Record<string, any>, name: string): KObject {
  const { restartPolicy = 'Never', containers, ...rest } = spec;
  const manifest: KObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      template: { spec: { restartPolicy, containers: containers ?? [{ name: 'c', image: 'busybox', command: ['true'] }] } },
      ...rest,
    },
  };
  return store.create(defaultObject(resourceForKind('Job')!, manifest, { uid: randomUUID() }));
}
