/**
 * Reads an engine's live state again every few seconds while someone
 * follows it: one container list and the images' presence per interval,
 * shared by every open stream on the engine's slots, and nothing at all
 * while no stream is open (no timer, no request). What changed is told by
 * the parts it refreshes (ContainerStates, the registry's image presence);
 * this only keeps the beat, under the injected clock.
 */
import type { Clock, TimerHandle } from '../clock.ts';

/** A crash, a start or an image removed reaches the streams within about this (plus the engine's answer). */
export const DEFAULT_WATCH_INTERVAL_MS = 2000;

export interface LiveWatchOptions {
  clock: Clock;
  intervalMs?: number;
  /** Reads the engine's state again; resolves when done, and never rejects (a failure is a state). */
  refresh: () => Promise<void>;
}

export class LiveWatch {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #refresh: () => Promise<void>;
  #followers = 0;
  #timer: TimerHandle | null = null;
  /** A refresh in flight: the next one is scheduled when it is done, so two never overlap. */
  #refreshing = false;

  constructor(options: LiveWatchOptions) {
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
    this.#refresh = options.refresh;
  }

  /** Follows the engine until the returned function is called (once); the first follower starts the beat. */
  follow(): () => void {
    this.#followers += 1;
    if (this.#followers === 1 && !this.#refreshing) this.#schedule();
    let following = true;
    return () => {
      if (!following) return;
      following = false;
      this.#followers -= 1;
      if (this.#followers > 0) return;
      if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
      this.#timer = null;
    };
  }

  /** Whether a beat is due (a timer waits or a refresh runs). */
  get active(): boolean {
    return this.#timer !== null || this.#refreshing;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#refreshing = true;
      void this.#refresh().finally(() => {
        this.#refreshing = false;
        if (this.#followers > 0) this.#schedule();
      });
    }, this.#intervalMs);
  }
}
