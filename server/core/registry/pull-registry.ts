/**
 * The pull registry: one job per image, joined by every slot that uses it,
 * watched push-style by streams. Jobs are registered synchronously, before
 * the first `await`, so concurrent POSTs can never start two engine pulls.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import { createPullParser } from '../parse/parser.ts';
import { PullProgress } from '../progress/aggregate.ts';
import type { ImageReference } from '../reference.ts';
import type { ContainerRuntime } from '../runtime.ts';
import { createTtlCache, type TtlCache } from '../ttl-cache.ts';
import type { ImagePresence, ImageStatus, JobState, ProgressEvent, PullProgressFields } from '../types.ts';

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
  /** Told when a job ends, for the log. */
  onJobEnd?: (job: PullJobView) => void;
}

export const DEFAULT_RETAIN_FINISHED_MS = 10 * 60 * 1000;
export const DEFAULT_FRAME_INTERVAL_MS = 200;
export const DEFAULT_INSPECT_TTL_MS = 2000;
export const DEFAULT_MAX_CONCURRENT_PULLS = 3;

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
  /** Grows with every frame the job sends; a snapshot built at one version holds until the next. */
  readonly version: number;
  progress(): JobProgress;
}

/** Called with the image key whose job changed. */
export type JobListener = (imageKey: string) => void;

interface Job extends PullJobView {
  readonly tracker: PullProgress;
  readonly abort: AbortController;
  version: number;
  expiry: TimerHandle | null;
}

export class PullRegistry {
  readonly #runtime: ContainerRuntime;
  readonly #clock: Clock;
  readonly #newJobId: () => string;
  readonly #retainFinishedMs: number;
  readonly #frameIntervalMs: number;
  readonly #onJobEnd: ((job: PullJobView) => void) | undefined;
  readonly #jobs = new Map<string, Job>();
  readonly #listeners = new Map<string, Set<JobListener>>();
  readonly #presence: TtlCache<string, ImagePresence>;
  readonly #maxConcurrentPulls: number;
  /** Jobs waiting for a free pull slot, first come first served. */
  readonly #queue: Job[] = [];
  /** Jobs with progress not sent yet: their frames go out together on the next beat. */
  readonly #framesDue = new Set<Job>();
  #beat: TimerHandle | null = null;
  #runningPulls = 0;

  constructor(options: PullRegistryOptions) {
    this.#runtime = options.runtime;
    this.#clock = options.clock;
    this.#newJobId = options.newJobId;
    this.#retainFinishedMs = options.retainFinishedMs ?? DEFAULT_RETAIN_FINISHED_MS;
    this.#frameIntervalMs = options.frameIntervalMs ?? DEFAULT_FRAME_INTERVAL_MS;
    this.#onJobEnd = options.onJobEnd;
    this.#presence = createTtlCache(options.clock, options.inspectTtlMs ?? DEFAULT_INSPECT_TTL_MS);
    this.#maxConcurrentPulls = options.maxConcurrentPulls ?? DEFAULT_MAX_CONCURRENT_PULLS;
    if (!Number.isInteger(this.#maxConcurrentPulls) || this.#maxConcurrentPulls < 1) {
      throw new RangeError(`maxConcurrentPulls must be a positive integer, got ${this.#maxConcurrentPulls}`);
    }
  }

  get runtimeName(): string {
    return this.#runtime.name;
  }

  /** The active or recently finished job for an image. */
  job(image: ImageReference): PullJobView | undefined {
    return this.#jobs.get(image.key);
  }

  /**
   * `pulling` while a job runs, else what the runtime says, shared and cached:
   * `unknown` when it cannot be asked, never `missing`.
   */
  imageStatus(image: ImageReference): Promise<ImageStatus> {
    if (this.#jobs.get(image.key)?.state === 'pulling') return Promise.resolve('pulling');
    return this.#presence.get(image.key, () =>
      this.#runtime.inspectImage(image).catch((): ImagePresence => 'unknown'),
    );
  }

  /**
   * Joins the image's active job or starts one. Synchronous on purpose: the
   * job is in the map before this returns, so a burst of callers shares it.
   */
  start(image: ImageReference): { job: PullJobView; resumed: boolean } {
    const existing = this.#jobs.get(image.key);
    if (existing?.state === 'pulling') return { job: existing, resumed: true };
    if (existing !== undefined) this.#forget(existing);
    const now = this.#clock.now();
    const tracker = new PullProgress(now);
    const job: Job = {
      id: this.#newJobId(),
      image,
      runtime: this.#runtime.name,
      tracker,
      abort: new AbortController(),
      version: 0,
      expiry: null,
      get state() {
        return tracker.state;
      },
      progress: () => {
        const place = this.#queue.indexOf(job);
        return { ...tracker.snapshot(this.#clock.now()), queue_position: place < 0 ? null : place + 1 };
      },
    };
    this.#jobs.set(image.key, job);
    if (this.#runningPulls < this.#maxConcurrentPulls) this.#launch(job);
    else this.#queue.push(job);
    this.#emit(job);
    return { job, resumed: false };
  }

  /** Jobs waiting for a free pull slot. */
  get queuedPulls(): number {
    return this.#queue.length;
  }

  #launch(job: Job): void {
    this.#runningPulls += 1;
    void this.#run(job);
  }

  /** Starts waiting jobs while there is room; the ones still waiting have moved up. */
  #startQueued(): void {
    let moved = false;
    while (this.#runningPulls < this.#maxConcurrentPulls && this.#queue.length > 0) {
      this.#launch(this.#queue.shift() as Job);
      moved = true;
    }
    if (moved) for (const waiting of this.#queue) this.#emit(waiting);
  }

  /** Cancels the image's active job; undefined when none is pulling. */
  cancel(image: ImageReference): PullJobView | undefined {
    const job = this.#jobs.get(image.key);
    if (job?.state !== 'pulling') return undefined;
    job.tracker.cancel(this.#clock.now());
    job.abort.abort();
    const place = this.#queue.indexOf(job);
    // A queued job never reached the engine: it only leaves the queue.
    if (place >= 0) {
      this.#queue.splice(place, 1);
      for (const waiting of this.#queue.slice(place)) this.#emit(waiting);
    }
    this.#finish(job);
    return job;
  }

  /** Calls `listener` whenever a job for one of `imageKeys` changes; returns the way out. */
  watch(imageKeys: Iterable<string>, listener: JobListener): () => void {
    const keys = [...new Set(imageKeys)];
    for (const key of keys) {
      let set = this.#listeners.get(key);
      if (set === undefined) this.#listeners.set(key, (set = new Set()));
      set.add(listener);
    }
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      for (const key of keys) {
        const set = this.#listeners.get(key);
        set?.delete(listener);
        if (set?.size === 0) this.#listeners.delete(key);
      }
    };
  }

  /** Listeners currently attached, over all images (for leak checks). */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }

  /** Jobs kept, active and finished. */
  get jobCount(): number {
    return this.#jobs.size;
  }

  /** Engine pulls running now. */
  get runningPulls(): number {
    return this.#runningPulls;
  }

  /** Cancels every active pull and drops every timer; the registry is unusable afterwards. */
  close(): void {
    for (const job of [...this.#jobs.values()]) {
      this.cancel(job.image);
      this.#forget(job);
    }
  }

  async #run(job: Job): Promise<void> {
    try {
      const output = this.#runtime.pullImage(job.image, job.abort.signal);
      const parser = createPullParser(output.format);
      for await (const chunk of output.chunks) {
        this.#applyAll(job, parser.push(chunk));
        if (job.state !== 'pulling') break;
      }
      this.#applyAll(job, parser.flush());
      if (job.state === 'pulling') job.tracker.streamEnded(this.#clock.now());
    } catch (error) {
      if (job.state === 'pulling') {
        job.tracker.fail(error instanceof Error ? error.message : String(error), this.#clock.now());
      }
    } finally {
      this.#runningPulls -= 1;
      this.#startQueued();
      // A cancel has already finished the job; anything else finishes here.
      if (job.expiry === null && this.#jobs.get(job.image.key) === job) this.#finish(job);
    }
  }

  #applyAll(job: Job, events: ProgressEvent[]): void {
    if (events.length === 0 || job.state !== 'pulling') return;
    const now = this.#clock.now();
    for (const event of events) job.tracker.apply(event, now);
    if (job.state !== 'pulling') {
      this.#finish(job);
      return;
    }
    this.#scheduleFrame(job);
  }

  /**
   * Coalesces progress to one frame per interval, the last one always
   * delivered. One timer fires on the clock's multiples of the interval and
   * sends every pull's pending frame in one pass, so a page showing many
   * pulls gets them together and lays out once per beat, not once per pull.
   */
  #scheduleFrame(job: Job): void {
    this.#framesDue.add(job);
    if (this.#beat !== null) return;
    const interval = this.#frameIntervalMs;
    const now = this.#clock.now();
    this.#beat = this.#clock.setTimeout(this.#onBeat, (Math.floor(now / interval) + 1) * interval - now);
  }

  readonly #onBeat = (): void => {
    this.#beat = null;
    const due = [...this.#framesDue];
    this.#framesDue.clear();
    for (const job of due) this.#emit(job);
  };

  /** A change of state goes out at once; the finished job is kept for a while, then dropped. */
  #finish(job: Job): void {
    if (job.expiry !== null) return;
    this.#clearFrame(job);
    this.#presence.delete(job.image.key);
    job.expiry = this.#clock.setTimeout(() => {
      this.#forget(job);
      this.#notify(job.image.key);
    }, this.#retainFinishedMs);
    this.#emit(job);
    this.#onJobEnd?.(job);
  }

  #emit(job: Job): void {
    job.version += 1;
    this.#notify(job.image.key);
  }

  #notify(imageKey: string): void {
    const set = this.#listeners.get(imageKey);
    if (set === undefined) return;
    for (const listener of [...set]) listener(imageKey);
  }

  #clearFrame(job: Job): void {
    this.#framesDue.delete(job);
    if (this.#framesDue.size > 0 || this.#beat === null) return;
    this.#clock.clearTimeout(this.#beat);
    this.#beat = null;
  }

  #forget(job: Job): void {
    this.#clearFrame(job);
    if (job.expiry !== null) this.#clock.clearTimeout(job.expiry);
    job.expiry = null;
    if (this.#jobs.get(job.image.key) === job) this.#jobs.delete(job.image.key);
  }
}
