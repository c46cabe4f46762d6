// The CronJob controller (pkg/controller/cronjob, v2): one level-triggered sync per CronJob key.
// It prunes finished Jobs beyond the history limits, reconciles status.active with the Jobs it
// owns, and when a scheduled time is due creates the Job for it (one per sync, the most recent
// missed time only), honouring suspend, startingDeadlineSeconds and the concurrency policy. It
// asks to be requeued at the next scheduled time (+100ms).
import type { CronJobObject, CronJobSpec, JobObject, ObjectReference } from '../../api/types.js';
import { asKind, controllerOf, splitKey, rfc3339 } from '../../api/types.js';
import { StatusError } from '../../errors.js';
import type { LocalAPIServer } from '../../apiserver/interface.js';
import { APIEventRecorder, type EventRecorder } from '../../client/record.js';
import { CRONJOBS, JOBS, listItems, tryGet } from '../../client/client.js';
import type { Clock } from '../../util/clock.js';
import { parseTime } from '../../api/types.js';
import { hasTrueCondition } from '../../api/job_util.js';
import { CronError, formatSchedule, parseStandard, type Schedule } from '../../util/cron/cron.js';
import { loadLocation, loadLocationError } from '../../util/cron/zone.js';
import { getJobFromTemplate, getJobName, mostRecentScheduleTime, nextScheduleTimeDuration, rfc1123z, NEXT_SCHEDULE_DELTA_MS } from './utils.js';

export const COMPONENT = 'cronjob-controller';

export interface SyncResult {
  requeueAfterMs?: number;
}

export interface CronJobControllerOptions {
  api: LocalAPIServer;
  clock: Clock;
  /** default: Events through api, as cronjob-controller */
  recorder?: EventRecorder;
  /** requeue slack after a schedule time (100ms upstream) */
  requeueSlackMs?: number;
}

type Ref = ObjectReference;

function finishedCondition(job: JobObject): 'Complete' | 'Failed' | undefined {
  if (hasTrueCondition(job, 'Complete')) return 'Complete';
  if (hasTrueCondition(job, 'Failed')) return 'Failed';
  return undefined;
}

export class CronJobController {
  private readonly api: LocalAPIServer;
  private readonly recorder: EventRecorder;
  private readonly clock: Clock;
  private readonly slack: number;

  constructor(opts: CronJobControllerOptions) {
    this.api = opts.api;
    this.clock = opts.clock;
    this.slack = opts.requeueSlackMs ?? NEXT_SCHEDULE_DELTA_MS;
    this.recorder = opts.recorder ?? new APIEventRecorder(opts.api, { component: COMPONENT }, opts.clock);
  }

  private event(cj: CronJobObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(cj, type, reason, message);
  }

  /** sync(cronJobKey): cleanup, syncCronJob, one status write. */
  syncCronJob(key: string): SyncResult {
    // One atomic group from read to write: a CLI update in between cannot make the status write
    // conflict after the Job was already created.
    return this.api.atomic(() => this.syncCronJobLocked(key));
  }

  private syncCronJobLocked(key: string): SyncResult {
    const { namespace, name } = splitKey(key);
    const cronJob = tryGet(this.api, 'CronJob', namespace, name);
    if (!cronJob) return {};
    const jobs = this.jobsToBeReconciled(cronJob);
    const cj = structuredClone(cronJob);
    cj.status ??= {};
    const updateAfterCleanup = this.cleanupFinishedJobs(cj, jobs);
    const r = this.sync(cj, jobs);
    if (updateAfterCleanup || r.updateStatus) {
      const latest = r.cronJob;
      if (latest.status?.active && latest.status.active.length === 0) delete latest.status.active;
      this.api.updateStatus(CRONJOBS, latest.metadata.namespace, latest.metadata.name!, latest);
    }
    return r.requeueAfterMs === undefined ? {} : { requeueAfterMs: r.requeueAfterMs };
  }

  /** getJobsToBeReconciled: every Job of the namespace whose controller ref names this CronJob. */
  private jobsToBeReconciled(cj: CronJobObject): JobObject[] {
    return listItems(this.api, 'Job', cj.metadata.namespace).filter((j) => controllerOf(j)?.name === cj.metadata.name);
  }

  private cleanupFinishedJobs(cj: CronJobObject, jobs: JobObject[]): boolean {
    const spec: Partial<CronJobSpec> = cj.spec ?? {};
    if (spec.failedJobsHistoryLimit == null && spec.successfulJobsHistoryLimit == null) return false;
    const succeeded: JobObject[] = [];
    const failed: JobObject[] = [];
    for (const j of jobs) {
      const c = finishedCondition(j);
      if (c === 'Complete') succeeded.push(j);
      else if (c === 'Failed') failed.push(j);
    }
    let update = false;
    if (spec.successfulJobsHistoryLimit != null && this.removeOldestJobs(cj, succeeded, spec.successfulJobsHistoryLimit)) update = true;
    if (spec.failedJobsHistoryLimit != null && this.removeOldestJobs(cj, failed, spec.failedJobsHistoryLimit)) update = true;
    return update;
  }

  private removeOldestJobs(cj: CronJobObject, jobs: JobObject[], max: number): boolean {
    const n = jobs.length - max;
    if (n <= 0) return false;
    jobs.sort(byJobStartTime);
    let update = false;
    for (let i = 0; i < n; i++) if (this.deleteJob(cj, jobs[i])) update = true;
    return update;
  }

  /** deleteJob: background deletion, drop from active, SuccessfulDelete. */
  private deleteJob(cj: CronJobObject, job: JobObject): boolean {
    try {
      this.api.delete(JOBS, job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background' });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      this.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${e.message}`);
      return false;
    }
    deleteFromActiveList(cj, job.metadata.uid!);
    this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }

  private sync(input: CronJobObject, jobs: JobObject[]): { cronJob: CronJobObject; updateStatus: boolean; requeueAfterMs?: number } {
    let cj = input;
    const now = this.clock.now().getTime();
    let updateStatus = false;
    const done = (requeueAfterMs?: number) => ({ cronJob: cj, updateStatus, requeueAfterMs });
    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata.uid!);
      const found = inActiveList(cj, j.metadata.uid!);
      const cond = finishedCondition(j);
      if (!found && !cond) {
        const fresh = tryGet(this.api, 'CronJob', cj.metadata.namespace, cj.metadata.name!);
        if (fresh && inActiveList(fresh, j.metadata.uid!)) {
          cj = structuredClone(fresh);
          cj.status ??= {};
          continue;
        }
        this.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (found && cond) {
        deleteFromActiveList(cj, j.metadata.uid!);
        this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${cond}`);
        updateStatus = true;
      }
      if (cond === 'Complete') {
        // a job does not have to be in active list to count for lastSuccessfulTime
        const ct = j.status?.completionTime;
        const last = parseTime(st(cj).lastSuccessfulTime);
        if (last === undefined) {
          if (ct) {
            st(cj).lastSuccessfulTime = ct;
            updateStatus = true;
          }
        } else if (ct && (parseTime(ct) ?? 0) > last) {
          st(cj).lastSuccessfulTime = ct;
          updateStatus = true;
        }
      }
    }

    // Active refs whose Job is gone.
    for (const ref of [...((st(cj).active ?? []) as Ref[])]) {
      if (children.has(ref.uid ?? '')) continue;
      const j = tryGet(this.api, 'Job', ref.namespace ?? cj.metadata.namespace, ref.name ?? '');
      if (!j) {
        this.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        deleteFromActiveList(cj, ref.uid ?? '');
        updateStatus = true;
      }
    }

    if (cj.metadata.deletionTimestamp) return done();

    const spec: Partial<CronJobSpec> = cj.spec ?? {};
    if (spec.timeZone != null) {
      const err = loadLocationError(spec.timeZone);
      if (err) {
        this.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(spec.timeZone)}: ${err}`);
        return done();
      }
    }
    if (spec.suspend === true) return done();

    const schedule = String(spec.schedule ?? '');
    if (schedule.includes('TZ')) {
      this.event(
        cj,
        'Warning',
        'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
      );
    }
    let sched: Schedule;
    try {
      sched = parseStandard(formatSchedule(schedule, spec.timeZone));
    } catch (e) {
      if (!(e instanceof CronError)) throw e;
      this.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(schedule)} : ${e.message}`);
      return done();
    }

    const nextIn = () => nextScheduleTimeDuration(cj, now, sched, this.slack);
    // nextScheduleTime: most recent unmet time, with startingDeadlineSeconds.
    const mr = mostRecentScheduleTime(cj, now, sched, true);
    if (mr.mostRecent === undefined || mr.mostRecent > now) {
      if (mr.error) {
        this.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${schedule} : ${mr.error}`);
        return done();
      }
      return done(nextIn());
    }
    if (mr.missed === 'many') {
      this.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const scheduledTime = mr.mostRecent;

    if (spec.startingDeadlineSeconds != null && scheduledTime + spec.startingDeadlineSeconds * 1000 < now) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduledTime)}`);
      return done(nextIn());
    }
    const jobName = getJobName(cj, scheduledTime);
    const active = (st(cj).active ?? []) as Ref[];
    if (active.some((r) => r.name === jobName && r.namespace === cj.metadata.namespace) || parseTime(st(cj).lastScheduleTime) === scheduledTime) {
      return done(nextIn());
    }
    if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      this.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return done(nextIn());
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...active]) {
        const j = tryGet(this.api, 'Job', ref.namespace ?? cj.metadata.namespace, ref.name ?? '');
        if (!j) {
          this.event(cj, 'Warning', 'FailedGet', `Get job: jobs.batch ${JSON.stringify(ref.name ?? '')} not found`);
          return done(1000);
        }
        if (!this.deleteJob(cj, j)) return done(1000);
        updateStatus = true;
      }
    }

    let created: JobObject;
    let alreadyExisted = false;
    try {
      created = asKind('Job', this.api.create(JOBS, cj.metadata.namespace, getJobFromTemplate(cj, scheduledTime)).object);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.reason !== 'AlreadyExists') {
        this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${e.message}`);
        return done(1000);
      }
      alreadyExisted = true;
      const existing = tryGet(this.api, 'Job', cj.metadata.namespace, jobName);
      if (!existing) return done(1000);
      const owner = controllerOf(existing);
      if (!owner || owner.uid !== cj.metadata.uid) return done();
      if (inActiveList(cj, existing.metadata.uid!)) return done();
      created = existing;
    }
    if (!alreadyExisted) this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    const ref: Ref = {
      kind: 'Job',
      namespace: created.metadata.namespace,
      name: created.metadata.name,
      uid: created.metadata.uid,
      apiVersion: 'batch/v1',
      resourceVersion: created.metadata.resourceVersion,
    };
    st(cj).active = [...((st(cj).active ?? []) as Ref[]), ref];
    st(cj).lastScheduleTime = rfc3339(new Date(scheduledTime));
    updateStatus = true;
    return done(nextIn());
  }

  /**
   * updateCronJob (the informer's update handler): a changed schedule or time zone requeues at the
   * new next time (or records UnParseableCronJobSchedule); any other change syncs at once.
   * Returns the delay in ms, or undefined for "do not enqueue".
   */
  onUpdate(oldSpec: { schedule?: string; timeZone?: string | null } | undefined, cj: CronJobObject): number | undefined {
    const spec: Partial<CronJobSpec> = cj.spec ?? {};
    if (!oldSpec || (oldSpec.schedule === spec.schedule && (oldSpec.timeZone ?? null) === (spec.timeZone ?? null))) return 0;
    let sched: Schedule;
    try {
      sched = parseStandard(formatSchedule(String(spec.schedule ?? ''), spec.timeZone));
    } catch (e) {
      if (!(e instanceof CronError)) throw e;
      this.event(cj, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${spec.schedule}`);
      return undefined;
    }
    return Math.max(0, nextScheduleTimeDuration(cj, this.clock.now().getTime(), sched, this.slack) ?? 0);
  }
}

/** The CronJob's status, made present. */
const st = (cj: CronJobObject) => (cj.status ??= {});

function inActiveList(cj: CronJobObject, uid: string): boolean {
  return ((cj.status?.active ?? []) as Ref[]).some((r) => r.uid === uid);
}

function deleteFromActiveList(cj: CronJobObject, uid: string): void {
  cj.status ??= {};
  const active = ((st(cj).active ?? []) as Ref[]).filter((r) => r.uid !== uid);
  st(cj).active = active;
}

/** byJobStartTime: by status.startTime, Jobs without one last, ties by name. */
function byJobStartTime(a: JobObject, b: JobObject): number {
  const sa = parseTime(a.status?.startTime);
  const sb = parseTime(b.status?.startTime);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0;
  return sa! - sb!;
}

/** Whether a time zone loads (for callers outside the controller). */
export function timeZoneLoads(tz: string): boolean {
  return typeof loadLocation(tz) !== 'string';
}
