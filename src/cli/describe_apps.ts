// describe for Deployments and ReplicaSets: what the describers read besides the object (the
// ReplicaSets a Deployment controls, the pods of a ReplicaSet).
import type { EventObject, KObject } from '../api/types.js';
import { describeDeployment, describeReplicaSet } from '../printers/describe_apps.js';
import { equalIgnoreHash } from '../controllers/deployment/util.js';

type List = (kind: string, namespace?: string, fieldSelector?: string) => Promise<KObject[]>;

export async function describeApps(obj: KObject, list: List, events: EventObject[] | undefined, now: Date): Promise<string> {
  if (obj.kind === 'ReplicaSet') return describeReplicaSet(obj, await list('Pod', obj.metadata.namespace), events, now);
  // deploymentutil.GetAllReplicaSetsInChunks: the controlled ReplicaSets; the new one is the
  // oldest whose template is the Deployment's.
  const rss = (await list('ReplicaSet', obj.metadata.namespace)).filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === obj.metadata.uid));
  const byAge = [...rss].sort((a, b) => (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0) || (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const newRS = byAge.find((rs) => equalIgnoreHash(rs.spec?.template, obj.spec?.template));
  // kubectl lists the old ones oldest first.
  return describeDeployment(obj, newRS, byAge.filter((rs) => rs !== newRS), events, now);
}
