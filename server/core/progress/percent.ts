/**
 * How a pull's percent is computed, and only that: the layers' state in, a
 * number out. {@link rawPercent} is the model (the share of the image's bytes
 * downloaded); {@link advancePercent} and {@link shownPercent} hold the
 * promises made to the reader (never down, never still while bytes arrive,
 * at most 99 until completed, exactly 100 when completed).
 * Extraction is not part of it: it has its own measure (extraction.ts).
 */
import type { JobState, LayerPhase } from '../types.ts';
import { layerWeights } from './layer-weights.ts';

/** Highest percent shown before the pull has completed. */
export const MAX_PULLING_PERCENT = 99;
/** The percent of a completed pull, and of no other. */
export const COMPLETED_PERCENT = 100;

/** One layer the pull fetches, as the percent sees it. */
export interface PercentLayer {
  readonly phase: LayerPhase;
  /** Size in bytes; null until the engine (or the manifest) says. */
  readonly size: number | null;
  /** Download bytes in hand (a resumed download's offset included), at most the size. */
  readonly downloaded: number;
}

export interface PercentInput {
  /** The layers that need fetching: counted, not cached. */
  readonly layers: readonly PercentLayer[];
  /** A byte count or an exact size is known: before that, the percent is unknown. */
  readonly sawBytes: boolean;
}

/**
 * The share of the image's bytes downloaded, 0..100, unrounded; null while
 * unknown. Layers weigh by size, a size not known yet by the mean of the
 * known ones (layer-weights.ts): dockerd names a size when a layer starts.
 */
export function rawPercent({ layers, sawBytes }: PercentInput): number | null {
  if (!sawBytes || layers.length === 0) return null;
  const weights = layerWeights(layers.map((layer) => layer.size));
  let done = 0;
  let total = 0;
  layers.forEach((layer, i) => {
    done += weights[i]! * downloadShare(layer);
    total += weights[i]!;
  });
  return total > 0 ? (done / total) * 100 : null;
}

/**
 * The percent's course while pulling, unrounded: `raw` when it is at or above
 * `previous`. When it is below (a size learnt late made the image bigger than
 * estimated), the percent cannot go back, and must not sit still while bytes
 * arrive: it moves on by the share of what was left that this step did, the
 * rest up to {@link MAX_PULLING_PERCENT} shrinking in proportion to the bytes
 * left, so it reaches 99 with the last byte and not before (no silent 99
 * while bytes still come). Null while nothing is known; at most 99.
 */
export function advancePercent(previous: number | null, raw: number | null, previousRaw: number | null): number | null {
  if (raw === null) return previous;
  if (previous === null || raw >= previous) return Math.min(MAX_PULLING_PERCENT, raw);
  const step = previousRaw !== null && raw > previousRaw && previousRaw < 100 ? (raw - previousRaw) / (100 - previousRaw) : 0;
  return Math.min(MAX_PULLING_PERCENT, previous + (MAX_PULLING_PERCENT - previous) * step);
}

/** The percent on the wire: exactly {@link COMPLETED_PERCENT} when completed, else `percent` to one decimal, at most {@link MAX_PULLING_PERCENT}. */
export function shownPercent(percent: number | null, state: JobState): number | null {
  if (state === 'completed') return COMPLETED_PERCENT;
  return percent === null ? null : Math.min(MAX_PULLING_PERCENT, Math.round(percent * 10) / 10);
}

/** Share of a layer's download done, 0..1: whole from `Verifying Checksum` on. */
function downloadShare(layer: PercentLayer): number {
  switch (layer.phase) {
    case 'waiting':
      return 0;
    case 'downloading':
      return layer.size === null ? 0 : Math.min(1, layer.downloaded / layer.size);
    case 'verifying':
    case 'downloaded':
    case 'extracting':
    case 'complete':
    case 'cached':
      return 1;
  }
}
