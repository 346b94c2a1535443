/**
 * Coalesces progress to one frame per interval, the last one always
 * delivered. One timer fires on the clock's multiples of the interval and
 * sends every pending item in one pass, so a page showing many pulls gets
 * their frames together and lays out once per beat, not once per pull.
 */
import type { Clock, TimerHandle } from '../clock.ts';

export interface FrameBeatOptions<T> {
  clock: Clock;
  /** Gap between two beats, in ms. */
  intervalMs: number;
  /** Sends one item's frame; called for each item due, once per beat. */
  send: (item: T) => void;
}

export class FrameBeat<T> {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #send: (item: T) => void;
  /** Items with a change not sent yet. */
  readonly #due = new Set<T>();
  #timer: TimerHandle | null = null;

  constructor(options: FrameBeatOptions<T>) {
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs;
    this.#send = options.send;
  }

  /** The item's frame goes out on the next beat (once, however often it changes before). */
  schedule(item: T): void {
    this.#due.add(item);
    if (this.#timer !== null) return;
    const interval = this.#intervalMs;
    const now = this.#clock.now();
    // The next multiple, not now + interval: a late timer then costs no beat.
    this.#timer = this.#clock.setTimeout(this.#beat, (Math.floor(now / interval) + 1) * interval - now);
  }

  /** The item's pending frame is not sent; with nothing left due, the timer goes. */
  drop(item: T): void {
    this.#due.delete(item);
    if (this.#due.size > 0 || this.#timer === null) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  readonly #beat = (): void => {
    this.#timer = null;
    const due = [...this.#due];
    this.#due.clear();
    for (const item of due) this.#send(item);
  };
}
