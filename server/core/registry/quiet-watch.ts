/**
 * Frames for a pull that has gone quiet. Frames follow the engine's lines,
 * and a stalled download sends none: this watch wakes once an item's quiet
 * has lasted long enough to call it stalled, then every few seconds while it
 * lasts, so the page learns of the stall and sees it grow. One timer serves
 * every item, armed for the earliest wake.
 */
import type { Clock, TimerHandle } from '../clock.ts';

export interface QuietWatchOptions<T> {
  clock: Clock;
  /** Quiet this long wakes the watch for an item (the stalled threshold). */
  afterMs: number;
  /** Then it wakes this often while the item's quiet lasts. */
  everyMs: number;
  /** Called on each wake for the quiet item. */
  onQuiet: (item: T) => void;
}

export class QuietWatch<T> {
  readonly #options: QuietWatchOptions<T>;
  /** When each watched item is next due. */
  readonly #dueAt = new Map<T, number>();
  #timer: TimerHandle | null = null;
  #timerAt = Infinity;

  constructor(options: QuietWatchOptions<T>) {
    this.#options = options;
  }

  /** The item made progress now: its quiet starts over. */
  touch(item: T): void {
    this.#dueAt.set(item, this.#options.clock.now() + this.#options.afterMs);
    this.#arm();
  }

  /** The item is done: no more wakes (and no timer once none is watched). */
  drop(item: T): void {
    if (!this.#dueAt.delete(item) || this.#dueAt.size > 0 || this.#timer === null) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  /** A timer for the earliest due item; one already set earlier stays (it re-arms when it fires). */
  #arm(): void {
    const earliest = Math.min(...this.#dueAt.values());
    if (earliest >= this.#timerAt) return;
    if (this.#timer !== null) this.#options.clock.clearTimeout(this.#timer);
    const { clock } = this.#options;
    this.#timerAt = earliest;
    this.#timer = clock.setTimeout(this.#wake, Math.max(0, earliest - clock.now()));
  }

  readonly #wake = (): void => {
    this.#timer = null;
    this.#timerAt = Infinity;
    const now = this.#options.clock.now();
    const quiet = [...this.#dueAt].filter(([, at]) => at <= now).map(([item]) => item);
    for (const item of quiet) this.#dueAt.set(item, now + this.#options.everyMs);
    if (this.#dueAt.size > 0) this.#arm();
    for (const item of quiet) this.#options.onQuiet(item);
  };
}
