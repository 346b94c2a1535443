/**
 * How long finished jobs are kept: `historyDays` after they finished, and at
 * most `maxFinished` of them (the oldest go first), so that the journal stays
 * bounded whatever the pull rate. Running and queued jobs are never dropped.
 */
import { compareByStart, type JobSet } from './job-set.ts';
import type { FinishedJob } from './record.ts';

export const DEFAULT_HISTORY_DAYS = 14;
/** About 3 MB of journal; a dashboard's history never needs more. */
export const DEFAULT_MAX_FINISHED = 10_000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionPolicy {
  /** Days a finished job is kept after it finished; 0 keeps none. */
  historyDays: number;
  /** Finished jobs kept at most. */
  maxFinished: number;
}

/** The policy with defaults filled in; throws on a value that is not a count. */
export function retentionPolicy(options: Partial<RetentionPolicy> = {}): RetentionPolicy {
  const historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
  const maxFinished = options.maxFinished ?? DEFAULT_MAX_FINISHED;
  if (!Number.isFinite(historyDays) || historyDays < 0) {
    throw new RangeError(`historyDays must be a number of days, 0 or more; got ${historyDays}`);
  }
  if (!Number.isSafeInteger(maxFinished) || maxFinished < 0) {
    throw new RangeError(`maxFinished must be a whole number, 0 or more; got ${maxFinished}`);
  }
  return { historyDays, maxFinished };
}

/** Drops the finished jobs the policy no longer keeps at `now`; returns how many. */
export function applyRetention(jobs: JobSet, policy: RetentionPolicy, now: number): number {
  const cutoff = now - policy.historyDays * DAY_MS;
  return jobs.dropFinished((job) => job.finished_at < cutoff) + applyCountCap(jobs, policy);
}

/**
 * Drops the first to finish while more than `maxFinished` are kept; returns
 * how many. At the cap this runs at every finished pull, so one over costs a
 * scan, not a sort.
 */
export function applyCountCap(jobs: JobSet, policy: RetentionPolicy): number {
  const excess = jobs.finishedCount - policy.maxFinished;
  if (excess <= 0) return 0;
  const oldest = excess <= SCAN_AT_MOST ? firstToFinishByScan(jobs.finishedByStart, excess) : [...jobs.finishedByStart].sort(byFinish).slice(0, excess);
  return jobs.removeFinished(oldest);
}

/** Up to this many jobs over the cap are found by repeated scans rather than a sort. */
const SCAN_AT_MOST = 8;

function firstToFinishByScan(finished: readonly FinishedJob[], count: number): FinishedJob[] {
  const picked = new Set<FinishedJob>();
  for (let n = 0; n < count; n++) {
    let first: FinishedJob | undefined;
    for (const job of finished) {
      if (!picked.has(job) && (first === undefined || byFinish(job, first) < 0)) first = job;
    }
    if (first !== undefined) picked.add(first);
  }
  return [...picked];
}

function byFinish(a: FinishedJob, b: FinishedJob): number {
  return a.finished_at - b.finished_at || compareByStart(a, b);
}
