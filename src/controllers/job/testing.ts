// For unit tests of the Job controller: a Job created through the apiserver, and the scheduler's binding.
import { asKind, type Container, type JobSpec, type KObject, type PodSpec } from '../../api/types.js';
import type { APIServer } from '../../apiserver/interface.js';
import { JOBS, PODS } from '../../client/client.js';

/** spec fields, plus restartPolicy and containers for the template (default: one `true`). */
export function createTestJob(api: APIServer, spec: Partial<JobSpec> & { restartPolicy?: PodSpec['restartPolicy']; containers?: Container[] }, name: string): KObject {
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
  return api.create(JOBS, 'default', manifest).object;
}

/** What the scheduler does: pods/binding to the node (once). */
export function bindPod(api: APIServer, name: string, node = 'kjob-node'): void {
  if (asKind('Pod', api.get(PODS, 'default', name)).spec?.nodeName) return;
  api.create(PODS, 'default', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } }, { subresource: 'binding' });
}
