/**
 * A cap on engine pulls at once: items beyond it wait first come, first
 * served, and each knows its place in line.
 */

export interface PullQueueOptions<T> {
  /** Runs at once; must be a positive integer. */
  maxConcurrentPulls: number;
  /** Starts an item's run; its end is reported with `finished()`. */
  start: (item: T) => void;
  /** Told of each waiting item whose place in line changed. */
  moved: (item: T) => void;
}

export class PullQueue<T> {
  readonly #max: number;
  readonly #start: (item: T) => void;
  readonly #moved: (item: T) => void;
  readonly #waiting: T[] = [];
  #running = 0;

  constructor(options: PullQueueOptions<T>) {
    const max = options.maxConcurrentPulls;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrentPulls must be a positive integer, got ${max}`);
    this.#max = max;
    this.#start = options.start;
    this.#moved = options.moved;
  }

  /** Starts the item when there is room, else puts it last in line. */
  add(item: T): void {
    if (this.#running < this.#max) this.#run(item);
    else this.#waiting.push(item);
  }

  /** A run ended: waiting items start while there is room, and the ones still waiting have moved up. */
  finished(): void {
    this.#running -= 1;
    let moved = false;
    while (this.#running < this.#max && this.#waiting.length > 0) {
      this.#run(this.#waiting.shift() as T);
      moved = true;
    }
    if (moved) for (const item of this.#waiting) this.#moved(item);
  }

  /** Takes a waiting item out of line (it never ran); the ones behind it move up. */
  withdraw(item: T): void {
    const place = this.#waiting.indexOf(item);
    if (place < 0) return;
    this.#waiting.splice(place, 1);
    for (const behind of this.#waiting.slice(place)) this.#moved(behind);
  }

  /** 1 for the next item to start; null when the item is not waiting. */
  position(item: T): number | null {
    const place = this.#waiting.indexOf(item);
    return place < 0 ? null : place + 1;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  #run(item: T): void {
    this.#running += 1;
    this.#start(item);
  }
}
