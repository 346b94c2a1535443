/**
 * The current set of jobs that a journal's records add up to: the running or
 * queued ones (to take up again) and the finished ones (the history). Replay
 * and live writes go through the same {@link JobSet.apply}, so what a restart
 * reads back is what the running server held. A job is in one map at most.
 */
import type { ActiveJob, FinishedJob, JournalRecord, ProgressMark } from './record.ts';

/** Newest-first order of the history: by start time, then id, so that jobs started in the same millisecond keep one order. */
export function compareByStart(a: { started_at: number; id: string }, b: { started_at: number; id: string }): number {
  return a.started_at - b.started_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The mark with the higher percent (the later one on a tie): a job's percent never goes down. */
export function higherMark(current: ProgressMark | null, next: ProgressMark | null): ProgressMark | null {
  if (current === null) return next;
  if (next === null) return current;
  return (next.percent ?? -1) >= (current.percent ?? -1) ? next : current;
}

export class JobSet {
  /** Running or queued jobs, in the order they started. */
  readonly active = new Map<string, ActiveJob>();
  readonly #finished = new Map<string, FinishedJob>();
  /** Finished jobs, oldest start first. */
  #byStart: FinishedJob[] = [];

  /** Applies one record; false when it changed nothing (a job unknown here, or already finished). */
  apply(record: JournalRecord): boolean {
    switch (record.t) {
      case 'start': {
        if (this.#finished.has(record.id)) return false;
        const known = this.active.get(record.id);
        const job: ActiveJob = {
          id: record.id,
          image: record.image,
          runtime: record.runtime,
          slots: [...record.slots],
          started_at: record.started_at,
          resumes: Math.max(record.resumes, known?.resumes ?? 0),
          progress: higherMark(known?.progress ?? null, record.progress),
        };
        if (record.engine !== undefined) job.engine = record.engine;
        this.active.set(record.id, job);
        return true;
      }
      case 'progress': {
        const job = this.active.get(record.id);
        if (job === undefined) return false;
        job.progress = higherMark(job.progress, { percent: record.percent, bytes_done: record.bytes_done, bytes_total: record.bytes_total, at: record.at });
        return true;
      }
      case 'resume': {
        const job = this.active.get(record.id);
        if (job === undefined) return false;
        job.resumes += 1;
        return true;
      }
      case 'end': {
        this.active.delete(record.id);
        const { t: _kind, ...job } = record;
        this.#putFinished({ ...job, slots: [...job.slots] });
        return true;
      }
      case 'format':
        return false;
    }
  }

  get finishedCount(): number {
    return this.#finished.size;
  }

  finished(id: string): FinishedJob | undefined {
    return this.#finished.get(id);
  }

  /** Finished jobs, oldest start first (do not modify). */
  get finishedByStart(): readonly FinishedJob[] {
    return this.#byStart;
  }

  /** Drops the finished jobs `drop` picks; returns how many. */
  dropFinished(drop: (job: FinishedJob) => boolean): number {
    const kept = this.#byStart.filter((job) => !drop(job));
    const dropped = this.#byStart.length - kept.length;
    if (dropped === 0) return 0;
    this.#byStart = kept;
    this.#finished.clear();
    for (const job of kept) this.#finished.set(job.id, job);
    return dropped;
  }

  /** Removes these finished jobs (held ones, as handed out); returns how many. */
  removeFinished(jobs: readonly FinishedJob[]): number {
    let removed = 0;
    for (const job of jobs) {
      if (this.#finished.get(job.id) !== job) continue;
      this.#finished.delete(job.id);
      this.#byStart.splice(this.#indexOf(job), 1);
      removed += 1;
    }
    return removed;
  }

  #putFinished(job: FinishedJob): void {
    const previous = this.#finished.get(job.id);
    if (previous !== undefined) this.#byStart.splice(this.#indexOf(previous), 1);
    this.#finished.set(job.id, job);
    // Jobs mostly finish in start order, so this is nearly always an append.
    const at = this.#insertionPoint(job);
    if (at === this.#byStart.length) this.#byStart.push(job);
    else this.#byStart.splice(at, 0, job);
  }

  /** First index whose job sorts after `job`. */
  #insertionPoint(job: FinishedJob): number {
    let low = 0;
    let high = this.#byStart.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareByStart(this.#byStart[mid] as FinishedJob, job) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #indexOf(job: FinishedJob): number {
    return this.#insertionPoint(job) - 1;
  }
}
