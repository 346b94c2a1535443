/**
 * How a pull's percent is computed, and only that: the layers' state in, a
 * number out. {@link rawPercent} is the model (what share of the work is
 * done); {@link shownPercent} holds the promises made to the reader (never
 * down, at most 99 until completed, exactly 100 when completed).
 */
import type { JobState, LayerPhase } from '../types.ts';

/** Share of a layer's progress that is its download, where the engine reports extraction. */
export const DOWNLOAD_SHARE = 0.8;
/** Share of a layer's progress that is its extraction, where the engine reports it. */
export const EXTRACT_SHARE = 1 - DOWNLOAD_SHARE;
/** Highest percent shown before the pull has completed. */
export const MAX_PULLING_PERCENT = 99;
/** The percent of a completed pull, and of no other. */
export const COMPLETED_PERCENT = 100;

/** One layer the pull fetches, as the percent sees it. */
export interface PercentLayer {
  readonly phase: LayerPhase;
  /** Size in bytes; null until the engine says. */
  readonly size: number | null;
  /** Download bytes in hand (a resumed download's offset included), at most the size. */
  readonly downloaded: number;
  /** Extraction bytes; null when unknown. */
  readonly extracted: number | null;
}

export interface PercentInput {
  /** The layers that need fetching: counted, not cached. */
  readonly layers: readonly PercentLayer[];
  /** The engine reports extraction (dockerd): a layer is then part download, part extraction. */
  readonly reportsExtraction: boolean;
  /** The engine has given a byte count (current of a total): before that, the percent is unknown. */
  readonly sawBytes: boolean;
}

/**
 * The share of the pull done, 0..100, unrounded; null while unknown. Layers
 * weigh by size when every size is known, else one each; where the engine
 * reports extraction a layer is {@link DOWNLOAD_SHARE} download and
 * {@link EXTRACT_SHARE} extraction.
 */
export function rawPercent({ layers, reportsExtraction, sawBytes }: PercentInput): number | null {
  if (!sawBytes || layers.length === 0) return null;
  const bySize = layers.every((layer) => layer.size !== null);
  let done = 0;
  let total = 0;
  for (const layer of layers) {
    const weight = bySize ? (layer.size as number) : 1;
    const share = reportsExtraction
      ? DOWNLOAD_SHARE * downloadShare(layer) + EXTRACT_SHARE * extractShare(layer)
      : downloadShare(layer);
    done += weight * share;
    total += weight;
  }
  return total > 0 ? (done / total) * 100 : null;
}

/**
 * The percent to show after `previous`: 100 when completed; while pulling,
 * `raw` to one decimal, at most {@link MAX_PULLING_PERCENT} and never below
 * `previous`; otherwise (failed, cancelled, or nothing new) `previous` stays.
 */
export function shownPercent(previous: number | null, raw: number | null, state: JobState): number | null {
  if (state === 'completed') return COMPLETED_PERCENT;
  if (state !== 'pulling' || raw === null) return previous;
  const shown = Math.min(MAX_PULLING_PERCENT, Math.round(raw * 10) / 10);
  return previous === null ? shown : Math.max(previous, shown);
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

/** Share of a layer's extraction done, 0..1: by bytes while extracting, whole once complete. */
function extractShare(layer: PercentLayer): number {
  if (layer.phase === 'complete') return 1;
  if (layer.phase !== 'extracting' || layer.extracted === null || layer.size === null) return 0;
  return Math.min(1, layer.extracted / layer.size);
}
