/**
 * The pull registry: one job per image, joined by every slot that uses it,
 * watched push-style by streams. Jobs are registered synchronously, before
 * the first `await`, so concurrent POSTs can never start two engine pulls.
 * It composes the parts, each in its module: the job table, the queue for a
 * pull slot, the image-presence cache, the pull loop, the frame beat and
 * the listeners.
 */
import type { Clock } from '../clock.ts';
import { PullProgress } from '../progress/aggregate.ts';
import type { ImageReference } from '../reference.ts';
import type { ContainerRuntime } from '../runtime.ts';
import type { ImageStatus } from '../types.ts';
import { ChangeListeners, type ChangeListener } from './change-listeners.ts';
import { FrameBeat } from './frame-beat.ts';
import { createImagePresence, type ImagePresenceCache } from './image-presence.ts';
import { JobTable } from './job-table.ts';
import { createPullJob, type PullJob, type PullJobView } from './pull-job.ts';
import { runPull } from './pull-loop.ts';
import { PullQueue } from './pull-queue.ts';

export interface PullRegistryOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  /** Makes job ids; injected so the core needs no crypto global. */
  newJobId: () => string;
  /** How long a finished job stays visible (CONTRACT §3: 10 minutes). */
  retainFinishedMs?: number;
  /** Shortest gap between two progress frames of one pull (5 a second). */
  frameIntervalMs?: number;
  /** How long an inspect answer is reused (about 2 s). */
  inspectTtlMs?: number;
  /** Engine pulls at once; further jobs wait in order (default 3). */
  maxConcurrentPulls?: number;
  /** Told when a new job starts (queued or pulling), for the metrics; not when a caller joins one. */
  onJobStart?: (job: PullJobView) => void;
  /** Told when a job ends, for the log and the metrics. */
  onJobEnd?: (job: PullJobView) => void;
}

export const DEFAULT_RETAIN_FINISHED_MS = 10 * 60 * 1000;
export const DEFAULT_FRAME_INTERVAL_MS = 200;
export const DEFAULT_INSPECT_TTL_MS = 2000;
export const DEFAULT_MAX_CONCURRENT_PULLS = 3;

export class PullRegistry {
  readonly #runtime: ContainerRuntime;
  readonly #clock: Clock;
  readonly #newJobId: () => string;
  readonly #onJobStart: ((job: PullJobView) => void) | undefined;
  readonly #onJobEnd: ((job: PullJobView) => void) | undefined;
  readonly #listeners = new ChangeListeners<string>();
  readonly #jobs: JobTable<PullJob>;
  readonly #queue: PullQueue<PullJob>;
  readonly #presence: ImagePresenceCache;
  /** Jobs with progress not sent yet: their frames go out together on the next beat. */
  readonly #beat: FrameBeat<PullJob>;

  constructor(options: PullRegistryOptions) {
    const { runtime, clock } = options;
    this.#runtime = runtime;
    this.#clock = clock;
    this.#newJobId = options.newJobId;
    this.#onJobStart = options.onJobStart;
    this.#onJobEnd = options.onJobEnd;
    this.#queue = new PullQueue({
      maxConcurrentPulls: options.maxConcurrentPulls ?? DEFAULT_MAX_CONCURRENT_PULLS,
      start: (job) => void this.#run(job),
      moved: (job) => this.#emit(job),
    });
    this.#jobs = new JobTable({
      clock,
      retainFinishedMs: options.retainFinishedMs ?? DEFAULT_RETAIN_FINISHED_MS,
      dropped: (job) => this.#listeners.notify(job.image.key),
    });
    this.#presence = createImagePresence({ runtime, clock, ttlMs: options.inspectTtlMs ?? DEFAULT_INSPECT_TTL_MS });
    this.#beat = new FrameBeat({ clock, intervalMs: options.frameIntervalMs ?? DEFAULT_FRAME_INTERVAL_MS, send: (job) => this.#emit(job) });
  }

  get runtimeName(): string {
    return this.#runtime.name;
  }

  /** The active or recently finished job for an image. */
  job(image: ImageReference): PullJobView | undefined {
    return this.#jobs.get(image);
  }

  /**
   * `pulling` while a job runs, else what the runtime says, shared and cached:
   * `unknown` when it cannot be asked, never `missing`.
   */
  imageStatus(image: ImageReference): Promise<ImageStatus> {
    if (this.#jobs.get(image)?.state === 'pulling') return Promise.resolve('pulling');
    return this.#presence.get(image);
  }

  /**
   * Joins the image's active job or starts one. Synchronous on purpose: the
   * job is in the table before this returns, so a burst of callers shares it.
   */
  start(image: ImageReference): { job: PullJobView; resumed: boolean } {
    const existing = this.#jobs.get(image);
    if (existing?.state === 'pulling') return { job: existing, resumed: true };
    const job = createPullJob({
      id: this.#newJobId(),
      image,
      runtime: this.#runtime.name,
      tracker: new PullProgress(this.#clock.now()),
      clock: this.#clock,
      queuePosition: (queued) => this.#queue.position(queued),
    });
    this.#jobs.add(job);
    this.#onJobStart?.(job);
    this.#queue.add(job);
    this.#emit(job);
    return { job, resumed: false };
  }

  /** Cancels the image's active job; undefined when none is pulling. */
  cancel(image: ImageReference): PullJobView | undefined {
    const job = this.#jobs.get(image);
    if (job?.state !== 'pulling') return undefined;
    job.tracker.cancel(this.#clock.now());
    job.abort.abort();
    // A queued job never reached the engine: it only leaves the queue.
    this.#queue.withdraw(job);
    this.#finish(job);
    return job;
  }

  /** Calls `listener` whenever a job for one of `imageKeys` changes; returns the way out. */
  watch(imageKeys: Iterable<string>, listener: ChangeListener<string>): () => void {
    return this.#listeners.watch(imageKeys, listener);
  }

  /** Listeners currently attached, over all images (for leak checks). */
  get listenerCount(): number {
    return this.#listeners.count;
  }

  /** Jobs kept, active and finished. */
  get jobCount(): number {
    return this.#jobs.size;
  }

  /** Engine pulls running now. */
  get runningPulls(): number {
    return this.#queue.running;
  }

  /** Jobs waiting for a free pull slot. */
  get queuedPulls(): number {
    return this.#queue.waiting;
  }

  /** Cancels every active pull and drops every timer; the registry is unusable afterwards. */
  close(): void {
    for (const job of this.#jobs.jobs()) {
      this.cancel(job.image);
      this.#jobs.forget(job);
    }
  }

  async #run(job: PullJob): Promise<void> {
    try {
      await runPull({
        runtime: this.#runtime,
        clock: this.#clock,
        image: job.image,
        signal: job.abort.signal,
        tracker: job.tracker,
        onProgress: () => {
          // Progress waits for the beat; an end (an error line) goes out at once.
          if (job.state === 'pulling') this.#beat.schedule(job);
          else this.#finish(job);
        },
      });
    } finally {
      this.#queue.finished();
      // A cancel or an error line has finished the job already; an output that just ended finishes it here.
      this.#finish(job);
    }
  }

  /** A change of state goes out at once; the finished job is kept for a while, then dropped. */
  #finish(job: PullJob): void {
    if (!this.#jobs.finish(job)) return;
    this.#beat.drop(job);
    this.#presence.forget(job.image);
    this.#emit(job);
    this.#onJobEnd?.(job);
  }

  #emit(job: PullJob): void {
    job.version += 1;
    this.#listeners.notify(job.image.key);
  }
}
