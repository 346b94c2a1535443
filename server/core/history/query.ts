/**
 * One page of the pull history: running and finished jobs, newest start
 * first, optionally of one slot or in one state, paged with `before` (the id
 * of the last job of the previous page). Times leave as ISO strings, like
 * every snapshot.
 */
import { PULL_ERROR_CODES } from '../../../wire/values.ts';
import { compareByStart, type JobSet } from './job-set.ts';
import type { ActiveJob, FinishedJob } from './record.ts';
import type { JobState, PullErrorCode, PullHistoryEntry, PullHistoryPage } from '../types.ts';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export interface HistoryQuery {
  /** Only jobs this slot asked for. */
  slot?: string;
  /** Only jobs in this state (`pulling` for the running ones). */
  state?: JobState;
  /** Jobs per page, 1 to {@link MAX_PAGE_LIMIT}; {@link DEFAULT_PAGE_LIMIT} when absent. */
  limit?: number;
  /** Only jobs after this one in the order (a page's `next_before`). */
  before?: string;
}

/** One job as the history shows it (the wire's PullHistoryEntry). */
export type HistoryEntry = PullHistoryEntry;

/** One page of the history (the wire's PullHistoryPage). */
export type HistoryPage = PullHistoryPage;

/** A query the history cannot answer: the caller's mistake, told in words. */
export class HistoryQueryError extends Error {
  override readonly name = 'HistoryQueryError';
  /** The query field at fault. */
  readonly field: keyof HistoryQuery;

  constructor(field: keyof HistoryQuery, message: string) {
    super(message);
    this.field = field;
  }
}

type Job = ActiveJob | FinishedJob;

export function historyPage(jobs: JobSet, query: HistoryQuery, now: number): HistoryPage {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new HistoryQueryError('limit', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}; got ${limit}`);
  }
  let cursor: Job | undefined;
  if (query.before !== undefined) {
    cursor = jobs.active.get(query.before) ?? jobs.finished(query.before);
    if (cursor === undefined) {
      throw new HistoryQueryError('before', `before: no job ${JSON.stringify(query.before)} in the history (it may have expired); start again from the first page`);
    }
  }
  const keep = (job: Job): boolean =>
    (cursor === undefined || compareByStart(job, cursor) < 0) &&
    (query.slot === undefined || job.slots.includes(query.slot)) &&
    (query.state === undefined || stateOf(job) === query.state);

  // Newest first: the few active jobs merged into the finished ones, both walked from the newest end.
  const active = [...jobs.active.values()].filter(keep).sort(compareByStart);
  const finished = jobs.finishedByStart;
  const page: Job[] = [];
  let a = active.length - 1;
  let f = finished.length - 1;
  while (page.length <= limit) {
    while (f >= 0 && !keep(finished[f] as FinishedJob)) f -= 1;
    const nextActive = active[a];
    const nextFinished = finished[f];
    if (nextActive === undefined && nextFinished === undefined) break;
    if (nextFinished === undefined || (nextActive !== undefined && compareByStart(nextActive, nextFinished) > 0)) {
      page.push(nextActive as ActiveJob);
      a -= 1;
    } else {
      page.push(nextFinished);
      f -= 1;
    }
  }
  const more = page.length > limit;
  const shown = more ? page.slice(0, limit) : page;
  return { jobs: shown.map((job) => historyEntry(job, now)), next_before: more ? (shown.at(-1) as Job).id : null };
}

/** A job as a history entry; a running job's duration runs to `now`. */
export function historyEntry(job: Job, now: number): HistoryEntry {
  const finished = 'finished_at' in job ? job : null;
  const bytes = finished !== null ? finished.bytes_done : ((job as ActiveJob).progress?.bytes_done ?? null);
  const bytesTotal = finished !== null ? finished.bytes_total : ((job as ActiveJob).progress?.bytes_total ?? null);
  const durationMs = Math.max(0, (finished?.finished_at ?? now) - job.started_at);
  return {
    job_id: job.id,
    slots: [...job.slots],
    image: job.image,
    runtime: job.runtime,
    engine: job.engine ?? null,
    state: stateOf(job),
    error_code: wireErrorCode(finished?.error_code ?? null),
    error: finished?.error ?? null,
    started_at: new Date(job.started_at).toISOString(),
    finished_at: finished === null ? null : new Date(finished.finished_at).toISOString(),
    bytes_done: bytes,
    bytes_total: bytesTotal,
    duration_s: Math.round(durationMs / 100) / 10,
    speed_bps: bytes !== null && bytes > 0 && durationMs > 0 ? Math.round(bytes / (durationMs / 1000)) : null,
    server_restarts: job.resumes,
  };
}

function stateOf(job: Job): JobState {
  return 'finished_at' in job ? job.state : 'pulling';
}

const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set(PULL_ERROR_CODES);

/** A stored code this version does not know (written by a newer one) reads as the generic engine error; its words stay. */
function wireErrorCode(code: string | null): PullErrorCode | null {
  if (code === null) return null;
  return KNOWN_ERROR_CODES.has(code) ? (code as PullErrorCode) : 'pull.engine_error';
}
