/**
 * The pull history and the jobs to take up again after a restart, kept in two
 * append-only journals through an injected {@link JournalStorage} (the file
 * adapter is server/state/journal-file.ts; without storage it lives in memory
 * only, for `--state-dir none`):
 *
 * - the lifecycle journal: a job started, was resumed, ended — two or three
 *   lines per pull, rewritten (compacted) only when it holds more than twice
 *   the lines its jobs need, so a finished pull costs one line, amortized;
 * - the progress journal: each running job's last percent, written ahead of
 *   the frame that shows it (so the percent never goes down after a restart),
 *   compacted down to one line per running job every few hundred lines.
 *
 * Every record is written before it is applied in memory, through the same
 * {@link JobSet.apply} that replay uses: a restart reads back what was held.
 */
import { JobSet } from './job-set.ts';
import { readJournal, type JournalScan } from './journal.ts';
import { historyPage, type HistoryPage, type HistoryQuery } from './query.ts';
import { encodeRecord, formatRecord, storedError, type ActiveJob, type FinishedJob, type JournalRecord, type ProgressMark } from './record.ts';
import { applyCountCap, applyRetention, retentionPolicy, type RetentionPolicy } from './retention.ts';

/** Lines a compacted lifecycle journal may grow by before it is compacted again, on top of doubling. */
export const COMPACT_SLACK_LINES = 1000;
/** The same for the progress journal, whose lines are superseded all the time. */
export const PROGRESS_COMPACT_SLACK_LINES = 200;
/** Retention is applied at most this often (and whenever the count cap is passed). */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** Where a journal lives. Synchronous on purpose: when `append` returns, the record is the kernel's. */
export interface JournalStorage {
  /** The journal's bytes when it was opened (empty for a new one). */
  readonly initial: Uint8Array;
  /** Appends one encoded record. */
  append(line: Uint8Array): void;
  /** Replaces the whole journal with these lines, atomically: a crash leaves the old journal or the new one. */
  replace(lines: Uint8Array[]): void;
}

export interface PullHistoryOptions extends Partial<RetentionPolicy> {
  now: () => number;
  /** Start, resume and end records; absent: memory only. */
  lifecycle?: JournalStorage;
  /** Progress marks of running jobs; absent: memory only. */
  progress?: JournalStorage;
  /**
   * Told when a journal cannot be written (disk full, directory gone); the
   * change is kept in memory all the same. Without it the error is thrown.
   */
  onWriteError?: (error: unknown) => void;
}

/** What opening found and did. */
export interface Recovery {
  /** Records read back from both journals. */
  records: number;
  /** Lines skipped: torn by a crash, or damaged. */
  skipped: number;
  /** Finished jobs dropped by retention. */
  expired: number;
  /** Journals that had lines and were rewritten at open: a damaged line, or more than twice the lines the jobs need (expired ones no longer count). */
  compacted: Array<'lifecycle' | 'progress'>;
}

/** The fields of a job when it starts. */
export type JobStart = Pick<ActiveJob, 'id' | 'image' | 'runtime' | 'engine' | 'slots' | 'started_at'>;
/** The fields of a job when it ends; image, runtime and start come from its start. */
export type JobEnd = Pick<FinishedJob, 'id' | 'state' | 'error_code' | 'error' | 'finished_at' | 'bytes_done' | 'bytes_total'> & {
  /** The slots that asked for the image by the end; the start's when absent. */
  slots?: string[];
};

export class PullHistory {
  readonly recovery: Recovery;
  readonly #jobs = new JobSet();
  readonly #policy: RetentionPolicy;
  readonly #now: () => number;
  readonly #lifecycle: JournalStorage | undefined;
  readonly #progress: JournalStorage | undefined;
  readonly #onWriteError: ((error: unknown) => void) | undefined;
  #lifecycleLines = 0;
  #progressLines = 0;
  #retentionDueAt = 0;

  constructor(options: PullHistoryOptions) {
    this.#policy = retentionPolicy(options);
    this.#now = options.now;
    this.#lifecycle = options.lifecycle;
    this.#progress = options.progress;
    this.#onWriteError = options.onWriteError;
    const apply = (record: JournalRecord): void => void this.#jobs.apply(record);
    const scans: JournalScan[] = [];
    if (this.#lifecycle !== undefined) scans.push(readJournal(this.#lifecycle.initial, apply));
    if (this.#progress !== undefined) scans.push(readJournal(this.#progress.initial, apply));
    const [lifecycleScan, progressScan] = scans;
    this.#lifecycleLines = lifecycleScan?.lines ?? 0;
    this.#progressLines = progressScan?.lines ?? 0;
    const expired = this.#applyRetention();
    const compacted: Recovery['compacted'] = [];
    // A new journal is "compacted" too: that writes its format line.
    if (this.#lifecycle !== undefined && (lifecycleScan!.skipped > 0 || this.#lifecycleLines === 0 || this.#lifecycleOverdue())) {
      if (this.#lifecycleLines > 0) compacted.push('lifecycle');
      this.#compactLifecycle();
    }
    if (this.#progress !== undefined && (progressScan!.skipped > 0 || this.#progressLines === 0 || this.#progressOverdue())) {
      if (this.#progressLines > 0) compacted.push('progress');
      this.#compactProgress();
    }
    this.recovery = {
      records: scans.reduce((sum, scan) => sum + scan.records, 0),
      skipped: scans.reduce((sum, scan) => sum + scan.skipped, 0),
      expired,
      compacted,
    };
  }

  /** Jobs that were running or queued, in the order they started: the ones to take up again. */
  activeJobs(): ActiveJob[] {
    return [...this.#jobs.active.values()].map((job) => ({ ...job, slots: [...job.slots], progress: job.progress && { ...job.progress } }));
  }

  get finishedCount(): number {
    return this.#jobs.finishedCount;
  }

  /** A job began (pulling or queued). */
  start(job: JobStart): void {
    if (this.#jobs.finished(job.id) !== undefined) throw new Error(`job ${job.id} has already finished; job ids are never reused`);
    const known = this.#jobs.active.get(job.id);
    this.#writeLifecycle({
      t: 'start',
      id: job.id,
      image: job.image,
      runtime: job.runtime,
      ...(job.engine === undefined ? {} : { engine: job.engine }),
      slots: [...job.slots],
      started_at: job.started_at,
      resumes: known?.resumes ?? 0,
      progress: known?.progress ?? null,
    });
  }

  /**
   * A running job's progress. Written only when its percent went up, and
   * before the caller shows it, so that the percent a restart resumes from
   * is never below one a client saw. False when nothing was written.
   */
  progress(id: string, mark: ProgressMark): boolean {
    const job = this.#jobs.active.get(id);
    if (job === undefined || mark.percent === null) return false;
    if (job.progress?.percent != null && mark.percent <= job.progress.percent) return false;
    this.#write(this.#progress, { t: 'progress', id, percent: mark.percent, bytes_done: mark.bytes_done, bytes_total: mark.bytes_total, at: mark.at });
    this.#progressLines += 1;
    if (this.#progressOverdue()) this.#compactProgress();
    return true;
  }

  /** A job was taken up again after a restart. */
  resume(id: string, at: number): void {
    if (!this.#jobs.active.has(id)) throw new Error(`job ${id} is not running or queued; only those can be resumed`);
    this.#writeLifecycle({ t: 'resume', id, at });
  }

  /** A job ended: it leaves the running set and enters the history. */
  finish(end: JobEnd): void {
    const job = this.#jobs.active.get(end.id);
    if (job === undefined) throw new Error(`job ${end.id} is not running or queued; it must start before it can finish`);
    this.#writeLifecycle({
      t: 'end',
      id: end.id,
      image: job.image,
      runtime: job.runtime,
      ...(job.engine === undefined ? {} : { engine: job.engine }),
      slots: [...(end.slots ?? job.slots)],
      state: end.state,
      error_code: end.error_code,
      error: storedError(end.error),
      started_at: job.started_at,
      finished_at: end.finished_at,
      bytes_done: end.bytes_done,
      bytes_total: end.bytes_total,
      resumes: job.resumes,
    });
    this.#retainIfDue();
  }

  /** One page of the history, newest first (see {@link historyPage}). */
  page(query: HistoryQuery = {}): HistoryPage {
    this.#retainIfDue();
    return historyPage(this.#jobs, query, this.#now());
  }

  #writeLifecycle(record: JournalRecord): void {
    this.#write(this.#lifecycle, record);
    this.#lifecycleLines += 1;
    if (this.#lifecycleOverdue()) this.#compactLifecycle();
  }

  #write(storage: JournalStorage | undefined, record: JournalRecord): void {
    try {
      storage?.append(encodeRecord(record));
    } catch (error) {
      if (this.#onWriteError === undefined) throw error;
      this.#onWriteError(error);
    }
    this.#jobs.apply(record);
  }

  #retainIfDue(): void {
    if (this.#now() >= this.#retentionDueAt) this.#applyRetention();
    else if (applyCountCap(this.#jobs, this.#policy) === 0) return;
    // Dropped jobs leave superseded lines behind; the doubling rule compacts them in time.
    if (this.#lifecycleOverdue()) this.#compactLifecycle();
  }

  #applyRetention(): number {
    const now = this.#now();
    this.#retentionDueAt = now + RETENTION_INTERVAL_MS;
    return applyRetention(this.#jobs, this.#policy, now);
  }

  #lifecycleOverdue(): boolean {
    return this.#lifecycle !== undefined && this.#lifecycleLines > 2 * (this.#jobs.active.size + this.#jobs.finishedCount) + COMPACT_SLACK_LINES;
  }

  #progressOverdue(): boolean {
    return this.#progress !== undefined && this.#progressLines > 2 * this.#jobs.active.size + PROGRESS_COMPACT_SLACK_LINES;
  }

  /** The format line, every running job as one start line (its progress inside), every finished one as one end line. */
  #compactLifecycle(): void {
    const lines = [encodeRecord(formatRecord())];
    for (const job of this.#jobs.active.values()) lines.push(encodeRecord({ t: 'start', ...job }));
    for (const job of this.#jobs.finishedByStart) lines.push(encodeRecord({ t: 'end', ...job }));
    this.#replace(this.#lifecycle, lines);
    this.#lifecycleLines = lines.length;
  }

  /** The format line and the last mark of every running job. */
  #compactProgress(): void {
    const lines = [encodeRecord(formatRecord())];
    for (const job of this.#jobs.active.values()) {
      if (job.progress !== null) lines.push(encodeRecord({ t: 'progress', id: job.id, ...job.progress }));
    }
    this.#replace(this.#progress, lines);
    this.#progressLines = lines.length;
  }

  #replace(storage: JournalStorage | undefined, lines: Uint8Array[]): void {
    try {
      storage?.replace(lines);
    } catch (error) {
      if (this.#onWriteError === undefined) throw error;
      this.#onWriteError(error);
    }
  }
}
