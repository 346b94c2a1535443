/**
 * Download speed as a moving average over a window of a few seconds, from a
 * cumulative byte counter sampled at event times. Between samples the counter
 * is taken to stand still, so a stalled download decays towards 0 B/s.
 */

/** Width of the moving-average window. */
export const SPEED_WINDOW_MS = 5_000;
/** Less history than this gives no speed. */
export const MIN_SPEED_HISTORY_MS = 1_000;
/** Hard cap on retained samples. */
export const MAX_SPEED_SAMPLES = 128;
/** Samples closer than this to their predecessor are merged into one. */
export const MIN_SAMPLE_SPACING_MS = 50;

export interface SpeedMeterOptions {
  windowMs?: number;
  minHistoryMs?: number;
  maxSamples?: number;
  minSampleSpacingMs?: number;
}

interface Sample {
  at: number;
  bytes: number;
}

export class SpeedMeter {
  readonly #windowMs: number;
  readonly #minHistoryMs: number;
  readonly #maxSamples: number;
  readonly #spacingMs: number;
  /** In time order; at most one sample lies before the window (the baseline). */
  #samples: Sample[] = [];

  constructor(options: SpeedMeterOptions = {}) {
    this.#windowMs = options.windowMs ?? SPEED_WINDOW_MS;
    this.#minHistoryMs = options.minHistoryMs ?? MIN_SPEED_HISTORY_MS;
    this.#maxSamples = options.maxSamples ?? MAX_SPEED_SAMPLES;
    this.#spacingMs = options.minSampleSpacingMs ?? MIN_SAMPLE_SPACING_MS;
    if (!(this.#windowMs > 0)) throw new RangeError(`'windowMs' must be positive, got ${this.#windowMs}`);
    if (!Number.isInteger(this.#maxSamples) || this.#maxSamples < 2) {
      throw new RangeError(`'maxSamples' must be an integer of at least 2, got ${this.#maxSamples}`);
    }
  }

  /**
   * Records the cumulative count of bytes received so far. A count or time
   * lower than the last one is clamped to it (speed is never negative).
   */
  record(now: number, totalBytesReceived: number): void {
    const last = this.#samples.at(-1);
    const sample: Sample = {
      at: last ? Math.max(now, last.at) : now,
      bytes: last ? Math.max(totalBytesReceived, last.bytes) : totalBytesReceived,
    };
    const beforeLast = this.#samples.at(-2);
    if (beforeLast && sample.at - beforeLast.at < this.#spacingMs) {
      this.#samples[this.#samples.length - 1] = sample;
    } else {
      this.#samples.push(sample);
    }
    this.#prune(sample.at);
  }

  /** Bytes per second over the window ending at `now`; null with too little history. */
  bytesPerSecond(now: number): number | null {
    const first = this.#samples[0];
    if (!first || this.historyMs(now) < this.#minHistoryMs) return null;
    const from = Math.max(now - this.#windowMs, first.at);
    const span = now - from;
    if (span <= 0) return null;
    return ((this.#bytesAt(now) - this.#bytesAt(from)) / span) * 1000;
  }

  /** Samples retained (bounded by the window and `maxSamples`). */
  get sampleCount(): number {
    return this.#samples.length;
  }

  /** How long the retained samples reach back from `now` (0 with none). */
  historyMs(now: number): number {
    const first = this.#samples[0];
    return first ? Math.max(0, now - first.at) : 0;
  }

  /** The counter at time `at`: the latest sample not after it. */
  #bytesAt(at: number): number {
    let bytes = this.#samples[0]?.bytes ?? 0;
    for (const sample of this.#samples) {
      if (sample.at > at) break;
      bytes = sample.bytes;
    }
    return bytes;
  }

  #prune(now: number): void {
    const windowStart = now - this.#windowMs;
    let drop = 0;
    // Keep the last sample at or before the window start: it is the baseline.
    while (drop + 1 < this.#samples.length && this.#samples[drop + 1]!.at <= windowStart) drop++;
    drop = Math.max(drop, this.#samples.length - this.#maxSamples);
    if (drop > 0) this.#samples.splice(0, drop);
  }
}
