/**
 * Values a producer pushes, read by a consumer as an async iterator: the
 * shape of a runtime's pull output when the runtime is driven by callbacks
 * (timers, a child's pipes, a test's hand). Pure: no timers, no I/O.
 */

export interface PushQueueOptions<T> {
  /** Called with each value as the consumer receives it (the producer's backpressure). */
  onTake?: (value: T) => void;
  /**
   * The consumer stopped iterating (`return()`, as `break` in `for await`
   * does) before the producer ended: stop producing. `return()` settles
   * after what this returns.
   */
  onReturn?: () => void | Promise<void>;
}

interface Reader<T> {
  resolve: (result: IteratorResult<T>) => void;
  reject: (error: unknown) => void;
}

type Ending = { error: unknown } | 'done';

/**
 * Values come out in the order pushed, those pushed before iteration
 * included. After {@link end} the rest of the values come out, then the
 * iterator is done; after {@link fail} the rest come out, then `next()`
 * rejects once with the error and is done afterwards. The first of end and
 * fail counts; later pushes, ends and fails are ignored.
 */
export class PushQueue<T> implements AsyncIterableIterator<T, undefined> {
  readonly #values: T[] = [];
  /** next() calls waiting for a value; only while #values is empty. */
  readonly #readers: Reader<T>[] = [];
  readonly #options: PushQueueOptions<T>;
  /** Set by end() or fail(): how the iterator finishes once the values are taken. */
  #ending: Ending | null = null;
  #discarding = false;

  constructor(options: PushQueueOptions<T> = {}) {
    this.#options = options;
  }

  /** Adds a value; ignored once the queue is ending or discarding. */
  push(value: T): void {
    if (this.#ending !== null || this.#discarding) return;
    const reader = this.#readers.shift();
    if (reader === undefined) {
      this.#values.push(value);
      return;
    }
    this.#options.onTake?.(value);
    reader.resolve({ value, done: false });
  }

  /** The producer is done: the iterator ends after the values already pushed. */
  end(): void {
    if (this.#ending !== null) return;
    this.#ending = 'done';
    this.#settleReaders();
  }

  /** The producer failed: after the values already pushed, `next()` rejects once with `error`. */
  fail(error: unknown): void {
    if (this.#ending !== null) return;
    this.#ending = { error };
    this.#settleReaders();
  }

  /**
   * Drops the values not taken yet and ignores any pushed from now on (the
   * pull was cancelled: nobody wants its output); the iterator still ends
   * only with end() or fail().
   */
  discard(): void {
    this.#discarding = true;
    this.#values.length = 0;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#values.length > 0) {
      const value = this.#values.shift() as T;
      this.#options.onTake?.(value);
      return Promise.resolve({ value, done: false });
    }
    if (this.#ending === null) {
      return new Promise((resolve, reject) => {
        this.#readers.push({ resolve, reject });
      });
    }
    const ending = this.#takeEnding();
    return ending === 'done' ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(ending.error);
  }

  /** The consumer stops: the values left are dropped, and a producer still running is told by `onReturn`. */
  async return(): Promise<IteratorResult<T, undefined>> {
    const producing = this.#ending === null;
    this.discard();
    this.#ending = 'done';
    this.#settleReaders();
    if (producing) await this.#options.onReturn?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** How the iterator finishes now: a failure is given once, and done after it. */
  #takeEnding(): Ending {
    const ending = this.#ending ?? 'done';
    this.#ending = 'done';
    return ending;
  }

  /** Readers wait only while no value is queued: once ending, the first gets the ending, the rest are done. */
  #settleReaders(): void {
    for (const reader of this.#readers.splice(0)) {
      const ending = this.#takeEnding();
      if (ending === 'done') reader.resolve({ value: undefined, done: true });
      else reader.reject(ending.error);
    }
  }
}
