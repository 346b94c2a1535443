/**
 * The pull store in a state directory: the core's PullHistory over two
 * journal files. The caller holds the directory's lock (state-lock.ts) for
 * as long as the store is open: one server per state directory.
 *
 *   <dir>/pulls.jsonl      start, resume and end of every job (the history)
 *   <dir>/progress.jsonl   the last percent of each running job
 */
import { join } from 'node:path';
import { PullHistory, type PullHistoryOptions } from '../core/history/pull-history.ts';
import type { RetentionPolicy } from '../core/history/retention.ts';
import { JournalFile } from './journal-file.ts';

export const LIFECYCLE_FILE = 'pulls.jsonl';
export const PROGRESS_FILE = 'progress.jsonl';

export interface JobStoreOptions extends Partial<RetentionPolicy> {
  /** The state directory; it must exist and be writable (see prepareStateDir). */
  dir: string;
  now?: () => number;
  /**
   * fdatasync the lifecycle journal after each record (in the background) and
   * every compaction before its rename: a power loss then costs at most the
   * last few milliseconds of records. Default true. A SIGKILL loses nothing
   * written either way. The progress journal is never synced: after a power
   * loss a resumed pull may restart its percent from an older mark.
   */
  durable?: boolean;
  /** Told when a journal cannot be written or synced; the change is kept in memory. Without it a write error is thrown. */
  onWriteError?: (error: unknown) => void;
}

export interface JobStore {
  readonly history: PullHistory;
  /** Resolves when every record so far is on disk. */
  flush(): Promise<void>;
  /** Flushes and closes both journals; the history must not be used afterwards. */
  close(): Promise<void>;
}

/** Opens (or creates) the store in `options.dir` and reads it back. */
export function openJobStore(options: JobStoreOptions): JobStore {
  const durable = options.durable ?? true;
  const lifecycle = new JournalFile(join(options.dir, LIFECYCLE_FILE), { durable, onSyncError: options.onWriteError });
  let progress: JournalFile;
  try {
    progress = new JournalFile(join(options.dir, PROGRESS_FILE), { durable: false });
  } catch (error) {
    void lifecycle.close();
    throw error;
  }
  const historyOptions: PullHistoryOptions = {
    now: options.now ?? Date.now,
    lifecycle,
    progress,
    historyDays: options.historyDays,
    maxFinished: options.maxFinished,
    onWriteError: options.onWriteError,
  };
  let history: PullHistory;
  try {
    history = new PullHistory(historyOptions);
  } catch (error) {
    void lifecycle.close();
    void progress.close();
    throw error;
  }
  return {
    history,
    flush: async () => {
      await lifecycle.flush();
      await progress.flush();
    },
    close: async () => {
      await lifecycle.close();
      await progress.close();
    },
  };
}
