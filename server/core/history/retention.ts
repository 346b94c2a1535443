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
  let dropped = jobs.dropFinished((job) => job.finished_at < cutoff);
  const excess = jobs.finishedCount - policy.maxFinished;
  if (excess > 0) {
    const oldest = [...jobs.finishedByStart].sort(byFinish).slice(0, excess);
    const ids = new Set(oldest.map((job) => job.id));
    dropped += jobs.dropFinished((job) => ids.has(job.id));
  }
  return dropped;
}

function byFinish(a: FinishedJob, b: FinishedJob): number {
  return a.finished_at - b.finished_at || compareByStart(a, b);
}
