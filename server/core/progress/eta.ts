/**
 * An ETA that keeps its promise: the shown time counts down by the time that
 * passed, and moves to a new estimate only when that differs by more than
 * {@link ETA_TOLERANCE} of it (or by more than a second), so it does not jump
 * on every frame.
 */

/** Less history of the download rate than this gives no ETA. */
export const MIN_ETA_HISTORY_MS = 2_000;
/** Width of the window the ETA's download rate is averaged over: longer than the speed's, for a steady ETA. */
export const ETA_RATE_WINDOW_MS = 10_000;
/** Relative difference between a new estimate and the countdown beyond which the ETA moves to the estimate. */
export const ETA_TOLERANCE = 0.1;
/** Absolute difference, in seconds, that never moves the ETA (whole-second rounding is not news). */
const MIN_ETA_MOVE_S = 1;

/**
 * Seconds to ready: the download bytes left at `bytesPerSecond`, plus the
 * extraction left where its pace is known. Null when the rate is unknown or
 * zero with bytes still to come.
 */
export function secondsToReady(bytesLeft: number, bytesPerSecond: number | null, extractionSecondsLeft: number | null): number | null {
  const extraction = extractionSecondsLeft ?? 0;
  if (bytesLeft <= 0) return extraction;
  if (bytesPerSecond === null || bytesPerSecond <= 0) return null;
  return bytesLeft / bytesPerSecond + extraction;
}

/** The ETA shown over a pull's frames. */
export class EtaCountdown {
  /** The estimate adopted last, and when (ms). */
  #adopted: { at: number; seconds: number } | null = null;

  /** Whole seconds to show at `now` given the current `estimate` (null: no ETA, and the countdown is forgotten). */
  show(estimate: number | null, now: number): number | null {
    if (estimate === null) {
      this.#adopted = null;
      return null;
    }
    const countdown = this.#adopted === null ? null : this.#adopted.seconds - (now - this.#adopted.at) / 1000;
    if (countdown === null || countdown <= 0 || Math.abs(estimate - countdown) > Math.max(ETA_TOLERANCE * countdown, MIN_ETA_MOVE_S)) {
      this.#adopted = { at: now, seconds: estimate };
      return Math.ceil(estimate);
    }
    return Math.ceil(countdown);
  }
}
