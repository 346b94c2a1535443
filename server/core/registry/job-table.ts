/**
 * The jobs a registry knows, one per image: the active one, or the last
 * finished one, kept for a while (docs/api.md: 10 minutes by default) so
 * that a late reader still sees how it ended, then dropped.
 */
import type { Clock, TimerHandle } from '../clock.ts';

/** What the table needs of a job: the image it is keyed by. */
export interface Keyed {
  readonly image: { readonly key: string };
}

export interface JobTableOptions<J> {
  clock: Clock;
  /** How long a finished job stays. */
  retainFinishedMs: number;
  /** Told when a finished job's time is up and it is gone. */
  dropped: (job: J) => void;
}

interface Entry<J> {
  job: J;
  /** The drop timer of a finished job; null while it runs. */
  expiry: TimerHandle | null;
}

export class JobTable<J extends Keyed> {
  readonly #clock: Clock;
  readonly #retainFinishedMs: number;
  readonly #dropped: (job: J) => void;
  readonly #entries = new Map<string, Entry<J>>();

  constructor(options: JobTableOptions<J>) {
    this.#clock = options.clock;
    this.#retainFinishedMs = options.retainFinishedMs;
    this.#dropped = options.dropped;
  }

  /** The image's job, active or recently finished. */
  get(image: { readonly key: string }): J | undefined {
    return this.#entries.get(image.key)?.job;
  }

  /** Makes `job` its image's job; one kept from before is forgotten. */
  add(job: J): void {
    const earlier = this.#entries.get(job.image.key);
    if (earlier !== undefined) this.forget(earlier.job);
    this.#entries.set(job.image.key, { job, expiry: null });
  }

  /**
   * The job has finished: it stays for the retention time, then goes.
   * False, and nothing done, when it had finished already or is no longer
   * its image's job, so a job ends exactly once.
   */
  finish(job: J): boolean {
    const entry = this.#entries.get(job.image.key);
    if (entry?.job !== job || entry.expiry !== null) return false;
    entry.expiry = this.#clock.setTimeout(() => {
      this.#entries.delete(job.image.key);
      this.#dropped(job);
    }, this.#retainFinishedMs);
    return true;
  }

  /** Drops the job now, with its timer, untold. */
  forget(job: J): void {
    const entry = this.#entries.get(job.image.key);
    if (entry?.job !== job) return;
    if (entry.expiry !== null) this.#clock.clearTimeout(entry.expiry);
    this.#entries.delete(job.image.key);
  }

  /** Every job kept, active and finished, as a copy. */
  jobs(): J[] {
    return [...this.#entries.values()].map((entry) => entry.job);
  }

  get size(): number {
    return this.#entries.size;
  }
}
