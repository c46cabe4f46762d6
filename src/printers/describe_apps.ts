// kubectl's DeploymentDescriber and ReplicaSetDescriber (k8s.io/kubectl/pkg/describe).
import type { EventObject, KObject } from '../api/types.js';
import { formatLabelSelector } from './labels.js';
import { formatRFC1123Z, tabbedString, printLabelsMultiline, printAnnotationsMultiline, printController, describePodTemplate, describeEvents, type PrefixWriter } from './describe.js';

function printConditions(w: PrefixWriter, conditions: { type: string; status: string; reason?: string }[] | undefined): void {
  if (!conditions?.length) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

/** printReplicaSetsByLabels */
function replicaSetList(rss: KObject[]): string {
  if (rss.length === 0) return '<none>';
  return rss.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 1} replicas created)`).join(', ');
}

/** intstr.IntOrString.String() */
const intOrString = (v: unknown) => (v === undefined || v === null ? '0' : String(v));

/**
 * describe deployment: newRS is the ReplicaSet of the current template (undefined when none),
 * oldRSs every other ReplicaSet the Deployment controls, in list order.
 */
export function describeDeployment(d: KObject, newRS: KObject | undefined, oldRSs: KObject[], events: EventObject[] | undefined, now: Date): string {
  const spec = d.spec ?? {};
  const st = d.status ?? {};
  return tabbedString((w) => {
    w.write(0, `Name:\t${d.metadata.name}\n`);
    w.write(0, `Namespace:\t${d.metadata.namespace}\n`);
    w.write(0, `CreationTimestamp:\t${formatRFC1123Z(d.metadata.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', d.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
    w.write(0, `Selector:\t${formatLabelSelector(spec.selector)}\n`);
    w.write(0, `Replicas:\t${spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`);
    w.write(0, `StrategyType:\t${spec.strategy?.type ?? ''}\n`);
    w.write(0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`);
    const ru = spec.strategy?.rollingUpdate;
    if (ru) w.write(0, `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ${intOrString(ru.maxSurge)} max surge\n`);
    describePodTemplate(spec.template, w);
    printConditions(w, st.conditions);
    if (oldRSs.length > 0 || newRS) {
      w.write(0, `OldReplicaSets:\t${replicaSetList(oldRSs)}\n`);
      w.write(0, `NewReplicaSet:\t${replicaSetList(newRS ? [newRS] : [])}\n`);
    }
    if (events) describeEvents(events, w, now);
  });
}

/** describe replicaset: pods are the namespace's pods, counted when this ReplicaSet controls them. */
export function describeReplicaSet(rs: KObject, pods: KObject[], events: EventObject[] | undefined, now: Date): string {
  const spec = rs.spec ?? {};
  const st = rs.status ?? {};
  const counts = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 } as Record<string, number>;
  for (const p of pods) {
    const ref = (p.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    if (!ref || ref.uid !== rs.metadata.uid) continue;
    const phase = p.status?.phase ?? 'Pending';
    if (phase in counts) counts[phase]++;
  }
  return tabbedString((w) => {
    w.write(0, `Name:\t${rs.metadata.name}\n`);
    w.write(0, `Namespace:\t${rs.metadata.namespace}\n`);
    w.write(0, `Selector:\t${formatLabelSelector(spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rs.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
    const controlledBy = printController(rs);
    if (controlledBy) w.write(0, `Controlled By:\t${controlledBy}\n`);
    w.write(0, `Replicas:\t${st.replicas ?? 0} current / ${spec.replicas ?? 1} desired\n`);
    w.write(0, 'Pods Status:\t');
    w.write(0, `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed\n`);
    describePodTemplate(spec.template, w);
    printConditions(w, st.conditions);
    if (events) describeEvents(events, w, now);
  });
}
