/**
 * The server's state directory at start (docs/state.md): which one, made
 * and proved writable, locked (one server per directory), and the pull store
 * opened in it; or, with `--state-dir none`, a history in memory only. What
 * cannot be used stops the server with one line (a StateDirError: exit 2).
 */
import { PullHistory } from '../core/history/pull-history.ts';
import { openJobStore, type JobStore } from '../state/job-store.ts';
import { prepareStateDir } from '../state/prepare-state-dir.ts';
import { describeStateDir, resolveStateDir, StateDirError, type StateDirChoice } from '../state/state-dir.ts';
import { acquireStateLock } from '../state/state-lock.ts';

/** A journal that cannot be written is told at most this often: a full disk would otherwise fill the log with every progress mark. */
const WRITE_ERROR_LOG_INTERVAL_MS = 60_000;

export interface StateOptions {
  /** The `--state-dir` value, when given. */
  flag: string | undefined;
  historyDays: number;
  cwd: string;
  env: { XDG_STATE_HOME?: string; HOME?: string };
  log: (line: string) => void;
}

export interface ServerState {
  readonly choice: StateDirChoice;
  readonly history: PullHistory;
  /** For the first log lines: where, and what was read back. */
  readonly banner: string[];
  /** Writes what is pending, closes the journals and releases the lock. Idempotent. */
  close(): Promise<void>;
}

export async function openServerState({ flag, historyDays, cwd, env, log }: StateOptions): Promise<ServerState> {
  const choice = resolveStateDir({ flag, cwd, env });
  if (choice.kind === 'memory') {
    return { choice, history: new PullHistory({ now: Date.now, historyDays }), banner: [describeStateDir(choice)], close: async () => {} };
  }
  const dir = choice.path;
  prepareStateDir(dir);
  const lock = await acquireStateLock(dir, { onLost: (message) => log(`warning: ${message}`) });
  let store: JobStore;
  try {
    store = openJobStore({ dir, historyDays, onWriteError: writeErrorLog(dir, log) });
  } catch (error) {
    lock.release();
    if (error instanceof StateDirError) throw error;
    throw new StateDirError(`state dir ${dir} cannot be read: ${(error as Error).message}`);
  }
  const { history } = store;
  let closing: Promise<void> | null = null;
  return {
    choice,
    history,
    banner: [describeStateDir(choice), describeHistory(history, historyDays, lock.tookOver?.pid ?? null)],
    close: () =>
      (closing ??= store.close().finally(() => {
        lock.release();
      })),
  };
}

function describeHistory(history: PullHistory, historyDays: number, tookOverFrom: number | null): string {
  const { recovery } = history;
  const running = history.activeJobs().length;
  const notes = [
    `${history.finishedCount} finished pulls kept ${historyDays} days`,
    running === 0 ? 'no pull to take up again' : `${running} pull${running === 1 ? '' : 's'} to take up again`,
    ...(recovery.skipped > 0 ? [`${recovery.skipped} damaged or torn journal lines skipped`] : []),
    ...(tookOverFrom === null ? [] : [`the lock of pid ${tookOverFrom}, which stopped without releasing it, taken over`]),
  ];
  return `history: ${notes.join('; ')}`;
}

/** The first journal write error at once, then at most one a minute, with how many were not told. */
function writeErrorLog(dir: string, log: (line: string) => void): (error: unknown) => void {
  let toldAt = -Infinity;
  let untold = 0;
  return (error) => {
    const now = Date.now();
    if (now - toldAt < WRITE_ERROR_LOG_INTERVAL_MS) {
      untold += 1;
      return;
    }
    const more = untold === 0 ? '' : ` (and ${untold} more since the last such line)`;
    log(`warning: state dir ${dir}: a pull record could not be written${more}: ${(error as Error).message}; pulls go on, but may not outlive this process`);
    toldAt = now;
    untold = 0;
  };
}
