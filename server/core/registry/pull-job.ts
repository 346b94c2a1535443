/**
 * A pull job: one image pulled on one engine, its progress tracker and the
 * way to stop it. Made here from its parts (a new id and tracker, or those of
 * a job taken up again after a restart), so that the registry only decides
 * when a job starts, not what one is.
 */
import type { Clock } from '../clock.ts';
import type { PullProgress } from '../progress/aggregate.ts';
import type { ImageReference } from '../reference.ts';
import type { JobState, PullProgressFields } from '../types.ts';

/** A job's progress as the wire shows it: the aggregator's fields and its place in the queue. */
export type JobProgress = PullProgressFields & {
  /** 1 for the next job to start; null once the engine pulls it. */
  queue_position: number | null;
};

/** What callers may read of a job. */
export interface PullJobView {
  readonly id: string;
  readonly image: ImageReference;
  readonly runtime: string;
  readonly state: JobState;
  /** Server restarts the job was taken up again after. */
  readonly serverRestarts: number;
  /** Grows with every frame the job sends; a snapshot built at one version holds until the next. */
  readonly version: number;
  progress(): JobProgress;
}

/** The registry's own handle on a job. */
export interface PullJob extends PullJobView {
  readonly tracker: PullProgress;
  readonly abort: AbortController;
  version: number;
}

export interface PullJobParts {
  id: string;
  image: ImageReference;
  /** The engine's name (`docker`, `podman`, …). */
  runtime: string;
  tracker: PullProgress;
  clock: Clock;
  /** Server restarts the job was taken up again after; 0 for a new job. */
  serverRestarts?: number;
  /** The job's place among the jobs waiting for an engine pull; null when not waiting. */
  queuePosition: (job: PullJob) => number | null;
  /** Told of the progress before anyone is shown it (the registry records a higher percent there first). */
  beforeShown?: (job: PullJob, progress: JobProgress) => void;
}

export function createPullJob({ id, image, runtime, tracker, clock, serverRestarts = 0, queuePosition, beforeShown }: PullJobParts): PullJob {
  const job: PullJob = {
    id,
    image,
    runtime,
    tracker,
    serverRestarts,
    abort: new AbortController(),
    version: 0,
    get state() {
      return tracker.state;
    },
    progress: () => {
      const progress = { ...tracker.snapshot(clock.now()), queue_position: queuePosition(job) };
      beforeShown?.(job, progress);
      return progress;
    },
  };
  return job;
}
