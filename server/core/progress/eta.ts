/**
 * An ETA that keeps its promise: the shown time counts down by the time that
 * passed, and moves to a new estimate only when that differs by more than
 * {@link ETA_TOLERANCE} of it (or by more than a second), so it does not jump
 * on every frame.
 *
 * The download's part is the later of two readings (issue 12): the bytes
 * left at the pull's recent total rate, right when the layers share one
 * link (a layer that ends gives its share to the others); and the slowest
 * layer's bytes left at its own rate, right when each download has its own
 * limit (a registry or CDN that paces each connection: as small layers end,
 * the total rate falls, and the first reading alone promised 52-57 % too
 * early on such a bed). Neither can be told apart before a layer ends, so
 * the ETA takes the one that promises less: on a shared link it may say
 * more than is left early on, and the pull ends before it.
 */
import { isDownloaded, type Layer } from './layer.ts';

/** Less history of the download rate than this gives no ETA. */
export const MIN_ETA_HISTORY_MS = 2_000;
/** Width of the window the ETA's download rate is averaged over: longer than the speed's, for a steady ETA. */
export const ETA_RATE_WINDOW_MS = 10_000;
/** Relative difference between a new estimate and the countdown beyond which the ETA moves to the estimate. */
export const ETA_TOLERANCE = 0.1;
/** Absolute difference, in seconds, that never moves the ETA (rounding to whole seconds is not news). */
const MIN_ETA_MOVE_S = 0.5;
/** Less of a layer's own history than this gives no rate for it. */
export const MIN_LAYER_PACE_MS = 1_000;

/**
 * Seconds to ready: the later of the download bytes left at `bytesPerSecond`
 * and `slowestLayer` (see slowestLayerSeconds), plus the extraction left
 * where its pace is known. Null when the rate is unknown or zero with bytes
 * still to come.
 */
export function secondsToReady(
  bytesLeft: number,
  bytesPerSecond: number | null,
  extractionSecondsLeft: number | null,
  slowestLayer: number | null = null,
): number | null {
  const extraction = extractionSecondsLeft ?? 0;
  if (bytesLeft <= 0) return extraction;
  if (bytesPerSecond === null || bytesPerSecond <= 0) return null;
  return Math.max(bytesLeft / bytesPerSecond, slowestLayer ?? 0) + extraction;
}

/**
 * Seconds until the slowest layer in download has its bytes, at its own
 * rate between its first and latest byte reports (podman reports once a
 * second: the time since the latest report is counted down, not taken as a
 * pause); null while no layer of known size has a second of its own
 * history (or none is downloading).
 */
export function slowestLayerSeconds(layers: readonly Layer[], now: number): number | null {
  let slowest: number | null = null;
  for (const layer of layers) {
    const pace = layer.pace;
    if (isDownloaded(layer.phase) || layer.size === null || pace === null || pace.lastAt - pace.firstAt < MIN_LAYER_PACE_MS) continue;
    const bytesPerMs = (layer.received - pace.firstReceived) / (pace.lastAt - pace.firstAt);
    // No byte for a second or more: the stalled state speaks for that, not an ETA.
    if (bytesPerMs <= 0) continue;
    const left = layer.size - layer.offset - layer.received;
    slowest = Math.max(slowest ?? 0, (left / bytesPerMs - (now - pace.lastAt)) / 1000);
  }
  return slowest;
}

/** The ETA shown over a pull's frames. */
export class EtaCountdown {
  /** The estimate adopted last, and when (ms). */
  #adopted: { at: number; seconds: number } | null = null;

  /**
   * Whole seconds to show at `now` given the current `estimate` (null: no ETA,
   * and the countdown is forgotten). Rounded to the nearest: rounded up, the
   * last seconds of a short pull read up to twice what was left.
   */
  show(estimate: number | null, now: number): number | null {
    if (estimate === null) {
      this.#adopted = null;
      return null;
    }
    const countdown = this.#adopted === null ? null : this.#adopted.seconds - (now - this.#adopted.at) / 1000;
    if (countdown === null || countdown <= 0 || Math.abs(estimate - countdown) > Math.max(ETA_TOLERANCE * countdown, MIN_ETA_MOVE_S)) {
      this.#adopted = { at: now, seconds: estimate };
      return Math.round(estimate);
    }
    return Math.round(countdown);
  }
}
