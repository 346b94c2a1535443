/**
 * The SSE streams open on one server. One heartbeat timer pings them all
 * (a timer per stream would cost memory per client and churn per frame),
 * and closing the server ends them together. A set of entries rather than
 * one AbortSignal listener per stream: a thousand dashboards are a thousand
 * entries, not a "possible leak" warning.
 */
import type { Clock, TimerHandle } from '../clock.ts';

/** Proxies close a connection that stays silent longer than this. */
export const HEARTBEAT_MS = 15_000;

export interface OpenStream {
  /** Sends a `: ping` comment when the reader next asks. */
  ping(): void;
  /** Ends the response (the server is closing). */
  end(): void;
}

export class StreamSet {
  readonly #streams = new Set<OpenStream>();
  readonly #clock: Clock;
  readonly #heartbeatMs: number;
  #heartbeat: TimerHandle | null = null;
  #ended = false;

  constructor(clock: Clock, heartbeatMs: number = HEARTBEAT_MS) {
    this.#clock = clock;
    this.#heartbeatMs = heartbeatMs;
  }

  /** Registers an open stream; returns the way out. After endAll(), ends it at once. */
  add(stream: OpenStream): () => void {
    if (this.#ended) {
      stream.end();
      return () => {};
    }
    this.#streams.add(stream);
    this.#heartbeat ??= this.#clock.setTimeout(this.#beat, this.#heartbeatMs);
    return () => {
      this.#streams.delete(stream);
      if (this.#streams.size === 0) this.#stopHeartbeat();
    };
  }

  get size(): number {
    return this.#streams.size;
  }

  endAll(): void {
    this.#ended = true;
    this.#stopHeartbeat();
    for (const stream of [...this.#streams]) stream.end();
    this.#streams.clear();
  }

  readonly #beat = (): void => {
    this.#heartbeat = this.#clock.setTimeout(this.#beat, this.#heartbeatMs);
    for (const stream of this.#streams) stream.ping();
  };

  #stopHeartbeat(): void {
    if (this.#heartbeat !== null) this.#clock.clearTimeout(this.#heartbeat);
    this.#heartbeat = null;
  }
}
