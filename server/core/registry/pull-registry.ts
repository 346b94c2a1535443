/**
 * The pull registry: one job per image, joined by every slot that uses it,
 * watched push-style by streams. Jobs are registered synchronously, before
 * the first `await`, so concurrent POSTs can never start two engine pulls.
 * It composes the parts, each in its module: the job table, the queue for a
 * pull slot, the image-presence cache, the pull loop, the frame beat and
 * the listeners; and it records each job's start, progress and end in a
 * {@link PullRecorder}, so that a restart can take running jobs up again.
 */
import type { Clock } from '../clock.ts';
import { PullProgress } from '../progress/aggregate.ts';
import type { ExtractionSample } from '../progress/extraction.ts';
import type { ImageReference } from '../reference.ts';
import type { ContainerRuntime } from '../runtime.ts';
import type { ImageStatus } from '../types.ts';
import { ChangeListeners, type ChangeListener } from './change-listeners.ts';
import { FrameBeat } from './frame-beat.ts';
import { STALLED_AFTER_MS } from '../progress/stalled.ts';
import { createImagePresence, type ImagePresenceCache } from './image-presence.ts';
import { JobTable } from './job-table.ts';
import { createPullJob, type JobProgress, type PullJob, type PullJobView } from './pull-job.ts';
import { runPull } from './pull-loop.ts';
import { PullQueue } from './pull-queue.ts';
import { QuietWatch } from './quiet-watch.ts';
import type { PullRecorder } from './pull-recorder.ts';

export interface PullRegistryOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  /** Makes job ids; injected so the core needs no crypto global. */
  newJobId: () => string;
  /** How long a finished job stays visible (docs/api.md: 10 minutes). */
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
  /** Where jobs are recorded (the pull history); none: they live in memory only. */
  recorder?: PullRecorder;
  /** The slots file's name of this registry's engine, for the records; absent for the server's own runtime. */
  engine?: string;
  /** The names of the slots that use an image on this engine: the slots a job serves, for the records. */
  slotsOf?: (image: ImageReference) => string[];
}

/** A job that was running or queued when the server stopped, to be taken up again with its id. */
export interface ResumedJob {
  id: string;
  image: ImageReference;
  /** When the job first started (ms since the epoch). */
  startedAt: number;
  /** The highest percent shown before the restart: the percent never goes below it. */
  percent: number | null;
  /** Restarts it was taken up again after before this one. */
  serverRestarts: number;
}

export const DEFAULT_RETAIN_FINISHED_MS = 10 * 60 * 1000;
export const DEFAULT_FRAME_INTERVAL_MS = 200;
export const DEFAULT_INSPECT_TTL_MS = 2000;
/** While a pull is quiet past the stalled threshold, a frame this often says how long it has been. */
export const STALLED_FRAME_EVERY_MS = 5000;
export const DEFAULT_MAX_CONCURRENT_PULLS = 3;
/** Layers of the last pulls whose unpacking the registry keeps (see #unpacked). */
export const UNPACKED_KEPT = 16;

export class PullRegistry {
  readonly #runtime: ContainerRuntime;
  readonly #clock: Clock;
  readonly #newJobId: () => string;
  readonly #onJobStart: ((job: PullJobView) => void) | undefined;
  readonly #onJobEnd: ((job: PullJobView) => void) | undefined;
  readonly #recorder: PullRecorder | undefined;
  readonly #engine: string | undefined;
  readonly #slotsOf: (image: ImageReference) => string[];
  /** Set by close(): jobs stop without ending, and nothing more is recorded. */
  #closed = false;
  readonly #listeners = new ChangeListeners<string>();
  readonly #jobs: JobTable<PullJob>;
  readonly #queue: PullQueue<PullJob>;
  readonly #presence: ImagePresenceCache;
  /** Jobs with progress not sent yet: their frames go out together on the next beat. */
  readonly #beat: FrameBeat<PullJob>;
  readonly #quiet: QuietWatch<PullJob>;
  /** The engine's layers unpacked in its last completed pulls, newest last: the next pulls' ETA allows for unpacking with them. */
  #unpacked: readonly ExtractionSample[] = [];

  constructor(options: PullRegistryOptions) {
    const { runtime, clock } = options;
    this.#runtime = runtime;
    this.#clock = clock;
    this.#newJobId = options.newJobId;
    this.#onJobStart = options.onJobStart;
    this.#onJobEnd = options.onJobEnd;
    this.#recorder = options.recorder;
    this.#engine = options.engine;
    this.#slotsOf = options.slotsOf ?? (() => []);
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
    this.#presence = createImagePresence({
      runtime,
      clock,
      ttlMs: options.inspectTtlMs ?? DEFAULT_INSPECT_TTL_MS,
      changed: (image) => this.#listeners.notify(image.key),
    });
    this.#beat = new FrameBeat({ clock, intervalMs: options.frameIntervalMs ?? DEFAULT_FRAME_INTERVAL_MS, send: (job) => this.#emit(job) });
    this.#quiet = new QuietWatch({ clock, afterMs: STALLED_AFTER_MS, everyMs: STALLED_FRAME_EVERY_MS, onQuiet: (job) => this.#beat.schedule(job) });
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
   * What is known of the image without asking: `pulling` while a job runs,
   * else the engine's last answer — `present` after a completed job —, or
   * undefined when the engine has not been asked yet.
   */
  knownImageStatus(image: ImageReference): ImageStatus | undefined {
    return this.#jobs.get(image)?.state === 'pulling' ? 'pulling' : this.#presence.known(image);
  }

  /** Asks the engine about the image now (the live watch); a changed answer is told to the image's listeners. */
  refreshImageStatus(image: ImageReference): Promise<ImageStatus> {
    if (this.#jobs.get(image)?.state === 'pulling') return Promise.resolve('pulling');
    return this.#presence.refresh(image);
  }

  /**
   * Joins the image's active job or starts one. Synchronous on purpose: the
   * job is in the table before this returns, so a burst of callers shares it.
   */
  start(image: ImageReference): { job: PullJobView; resumed: boolean } {
    const existing = this.#jobs.get(image);
    if (existing?.state === 'pulling') return { job: existing, resumed: true };
    const id = this.#newJobId();
    const now = this.#clock.now();
    this.#recorder?.start({ id, image: image.raw, runtime: this.#runtime.name, engine: this.#engine, slots: this.#slotsOf(image), started_at: now });
    return { job: this.#add(id, image, new PullProgress(now, { unpackedBefore: this.#unpacked }), 0), resumed: false };
  }

  /**
   * Takes up again a job that was running or queued when the server stopped:
   * the same id, its start time, and a percent that starts from where it was
   * shown. Undefined, and nothing done, when the image has a running job.
   */
  resume(taken: ResumedJob): PullJobView | undefined {
    if (this.#jobs.get(taken.image)?.state === 'pulling') return undefined;
    const now = this.#clock.now();
    this.#recorder?.resume(taken.id, now);
    const tracker = new PullProgress(taken.startedAt, { resumed: { at: now, percent: taken.percent }, unpackedBefore: this.#unpacked });
    return this.#add(taken.id, taken.image, tracker, taken.serverRestarts + 1);
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

  /**
   * Stops every engine pull and drops every timer; the registry is unusable
   * afterwards. Running and queued jobs are stopped, not ended: the recorder
   * still holds them as running, for the next start to take up again.
   */
  close(): void {
    this.#closed = true;
    for (const job of this.#jobs.jobs()) {
      if (job.state === 'pulling') {
        job.tracker.cancel(this.#clock.now());
        job.abort.abort();
        this.#queue.withdraw(job);
        this.#beat.drop(job);
        this.#quiet.drop(job);
      }
      this.#jobs.forget(job);
    }
  }

  #add(id: string, image: ImageReference, tracker: PullProgress, serverRestarts: number): PullJob {
    const job = createPullJob({
      id,
      image,
      runtime: this.#runtime.name,
      tracker,
      clock: this.#clock,
      serverRestarts,
      queuePosition: (queued) => this.#queue.position(queued),
      beforeShown: (shown, progress) => this.#recordProgress(shown, progress),
    });
    this.#jobs.add(job);
    this.#onJobStart?.(job);
    this.#queue.add(job);
    this.#quiet.touch(job);
    this.#emit(job);
    return job;
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
          if (job.state === 'pulling') {
            this.#beat.schedule(job);
            this.#quiet.touch(job);
          } else this.#finish(job);
        },
      });
    } finally {
      this.#queue.finished();
      // A cancel or an error line has finished the job already; an output that just ended finishes it here.
      this.#finish(job);
    }
  }

  /** A change of state is recorded and goes out at once; the finished job is kept for a while, then dropped. */
  #finish(job: PullJob): void {
    if (this.#closed || !this.#jobs.finish(job)) return;
    this.#beat.drop(job);
    this.#quiet.drop(job);
    // A completed pull leaves the image present; after any other end the engine is asked again.
    this.#presence.forget(job.image, job.state === 'completed' ? 'present' : undefined);
    if (job.state === 'completed') this.#unpacked = [...this.#unpacked, ...job.tracker.unpacked()].slice(-UNPACKED_KEPT);
    this.#recordEnd(job);
    this.#emit(job);
    this.#onJobEnd?.(job);
  }

  /** A percent about to be shown is recorded first (the recorder keeps only a higher one), so a restart never shows less. */
  #recordProgress(job: PullJob, progress: JobProgress): void {
    if (this.#closed || this.#recorder === undefined || progress.state !== 'pulling' || progress.percent === null) return;
    const { percent, bytes_done, bytes_total } = progress;
    this.#recorder.progress(job.id, { percent, bytes_done, bytes_total, at: this.#clock.now() });
  }

  #recordEnd(job: PullJob): void {
    if (this.#recorder === undefined) return;
    const state = job.state;
    if (state === 'pulling') return;
    const now = this.#clock.now();
    const { error_code, error, finished_at, bytes_done, bytes_total } = job.tracker.snapshot(now);
    this.#recorder.finish({
      id: job.id,
      state,
      error_code,
      error,
      finished_at: finished_at === null ? now : Date.parse(finished_at),
      bytes_done,
      bytes_total,
      slots: this.#slotsOf(job.image),
    });
  }

  #emit(job: PullJob): void {
    job.version += 1;
    this.#listeners.notify(job.image.key);
  }
}
