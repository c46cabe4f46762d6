// pkg/controller/cronjob/utils.go: which scheduled time is due, when to look again, the name and
// shape of the Job created for a scheduled time.
import type { CronJobObject, JobObject, JobSpec } from '../../api/types.js';
import { parseTime } from '../../api/types.js';
import type { Schedule } from '../../util/cron/cron.js';
import { loadLocation, utcZone } from '../../util/cron/zone.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** nextScheduleDelta: requeue slack after a schedule time, for clock skew. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export type Missed = 'none' | 'few' | 'many';

export interface MostRecent {
  earliest: number;
  /** the most recent schedule time ≤ now after earliest, or undefined */
  mostRecent?: number;
  missed: Missed;
  /** "time difference between two schedules is less than 1 second" */
  error?: string;
}

/** creationTimestamp, or status.lastScheduleTime when set (ms). */
function earliestOf(cj: CronJobObject): number {
  return parseTime(cj.status?.lastScheduleTime) ?? parseTime(cj.metadata.creationTimestamp) ?? 0;
}

/** mostRecentScheduleTime (utils.go), with Go's integer arithmetic on seconds. */
export function mostRecentScheduleTime(cj: CronJobObject, now: number, schedule: Schedule, includeStartingDeadlineSeconds: boolean): MostRecent {
  let earliest = earliestOf(cj);
  let missed: Missed = 'none';
  const sds = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadlineSeconds && sds != null) {
    const schedulingDeadline = now - sds * 1000;
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = t1 === null ? null : schedule.next(t1);
  if (t1 !== null && now < t1) return { earliest, missed };
  if (t1 !== null && t2 !== null && now < t2) return { earliest, mostRecent: t1, missed };
  // Next() returned the zero time (an impossible schedule such as Feb 30): Go computes a zero
  // difference between the two schedules.
  const between = t1 === null || t2 === null ? 0 : Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, missed, error: 'time difference between two schedules is less than 1 second' };
  const elapsed = Math.trunc((now - t1!) / 1000);
  const numberOfMissed = Math.trunc(elapsed / between) + 1;
  let mostRecent: number | undefined;
  const potentialEarliest = t1! + (numberOfMissed - 1 - 1) * between * 1000;
  for (let t = schedule.next(potentialEarliest); t !== null && t <= now; t = schedule.next(t)) mostRecent = t;
  if (numberOfMissed > 100) missed = 'many';
  else if (numberOfMissed > 1) missed = 'few';
  return { earliest, mostRecent, missed };
}

/** nextScheduleTimeDuration: ms from now until the next schedule time (+100ms). */
export function nextScheduleTimeDuration(cj: CronJobObject, now: number, schedule: Schedule, deltaMs = NEXT_SCHEDULE_DELTA_MS): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent === undefined) from = r.missed === 'none' ? r.earliest : now;
  else from = r.mostRecent;
  const next = schedule.next(from);
  // Go adds the delta to the zero time, which gives a huge negative duration: requeue at once
  // (and the sync reports the invalid schedule). kjob does not spin on it.
  if (next === null) return undefined;
  return next + deltaMs - now;
}

/** getJobName: "<cronjob>-<scheduled minutes since the epoch>". */
export function getJobName(cj: CronJobObject, scheduledTime: number): string {
  return `${cj.metadata.name}-${Math.floor(Math.floor(scheduledTime / 1000) / 60)}`;
}

/** getJobFromTemplate2: the Job the controller creates for scheduledTime (before apiserver defaulting). */
export function getJobFromTemplate(cj: CronJobObject, scheduledTime: number): JobObject {
  const jt = cj.spec?.jobTemplate ?? {};
  const labels: Record<string, string> = { ...(jt.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(jt.metadata?.annotations ?? {}) };
  const tz = cj.spec?.timeZone;
  const loc = tz == null ? utcZone : loadLocation(tz);
  if (typeof loc === 'string') throw new Error(loc);
  annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = loc.rfc3339(scheduledTime);
  const metadata: JobObject['metadata'] = {};
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  metadata.annotations = annotations;
  metadata.name = getJobName(cj, scheduledTime);
  metadata.namespace = cj.metadata.namespace;
  metadata.ownerReferences = [
    { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true },
  ];
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: structuredClone(jt.spec ?? ({} as JobSpec)) };
}

/** time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
export function rfc1123z(t: number): string {
  const d = new Date(t);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
