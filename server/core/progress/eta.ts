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
 * Seconds until the last byte: the later of the bytes left at
 * `bytesPerSecond` and `slowestLayer` (see slowestLayerSeconds); 0 with no
 * byte left. Null when the rate is unknown or zero with bytes still to come.
 */
export function downloadSeconds(bytesLeft: number, bytesPerSecond: number | null, slowestLayer: number | null = null): number | null {
  if (bytesLeft <= 0) return 0;
  if (bytesPerSecond === null || bytesPerSecond <= 0) return null;
  return Math.max(bytesLeft / bytesPerSecond, slowestLayer ?? 0);
}

/** A layer's seconds until its bytes are in at its own rate (see slowestLayerSeconds), or null without a second of its own history. */
function ownDownloadSeconds(layer: Layer, now: number): number | null {
  const pace = layer.pace;
  if (layer.size === null || pace === null || pace.lastAt - pace.firstAt < MIN_LAYER_PACE_MS) return null;
  const bytesPerMs = (layer.received - pace.firstReceived) / (pace.lastAt - pace.firstAt);
  // No byte for a second or more: the stalled state speaks for that, not an ETA.
  if (bytesPerMs <= 0) return null;
  const left = layer.size - layer.offset - layer.received;
  return (left / bytesPerMs - (now - pace.lastAt)) / 1000;
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
    const seconds = isDownloaded(layer.phase) ? null : ownDownloadSeconds(layer, now);
    if (seconds !== null) slowest = Math.max(slowest ?? 0, seconds);
  }
  return slowest;
}

/**
 * Seconds to ready where the engine unpacks the layers one after another,
 * in their order, each once its bytes are in and the one before it is
 * unpacked (dockerd): a small layer unpacks while a bigger one still
 * downloads, so only what is left after the last byte adds to the wait,
 * not every layer's unpacking. Each layer's bytes are in at its own
 * reading, scaled so that the last ends with the pull's `download` reading
 * (see downloadSeconds); a layer without a reading of its own ends with it.
 * `unpackLeft[i]`: the seconds layer i's unpacking still takes.
 */
export function secondsToReady(layers: readonly Layer[], now: number, download: number, unpackLeft: readonly number[]): number {
  const own = layers.map((layer) => (isDownloaded(layer.phase) ? null : ownDownloadSeconds(layer, now)));
  const latest = Math.max(0, ...own.map((seconds) => seconds ?? 0));
  const bytesIn = (layer: Layer, seconds: number | null): number => {
    if (isDownloaded(layer.phase)) return 0;
    return seconds === null || latest === 0 ? download : (Math.max(0, seconds) * download) / latest;
  };
  let ready = 0;
  layers.forEach((layer, i) => {
    ready = Math.max(ready, bytesIn(layer, own[i]!)) + (unpackLeft[i] ?? 0);
  });
  return Math.max(ready, download);
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
