/**
 * Where a registry records its jobs so that they outlive the process: the
 * pull history (core/history/pull-history.ts implements this port; the entry
 * gives it journal files in the state directory, or none for memory only).
 * Each call is written before the registry shows what it records.
 */
import type { JobEnd, JobStart } from '../history/pull-history.ts';
import type { ProgressMark } from '../history/record.ts';

export interface PullRecorder {
  /** A job began (pulling or queued). */
  start(job: JobStart): void;
  /** A running job's progress, before a frame shows it; only a higher percent is kept. */
  progress(id: string, mark: ProgressMark): boolean;
  /** A job was taken up again after a restart. */
  resume(id: string, at: number): void;
  /** A job ended. */
  finish(end: JobEnd): void;
}
