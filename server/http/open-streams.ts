/**
 * The streams open now, so closing the server ends them all. A set of
 * callbacks rather than one AbortSignal listener per stream: a thousand
 * dashboards are a thousand entries, not a "possible leak" warning.
 */
export class OpenStreams {
  readonly #ends = new Set<() => void>();
  #ended = false;

  /** Registers a stream's end; returns the way out. After endAll(), ends it at once. */
  add(end: () => void): () => void {
    if (this.#ended) {
      end();
      return () => {};
    }
    this.#ends.add(end);
    return () => void this.#ends.delete(end);
  }

  get size(): number {
    return this.#ends.size;
  }

  endAll(): void {
    this.#ended = true;
    for (const end of [...this.#ends]) end();
    this.#ends.clear();
  }
}
