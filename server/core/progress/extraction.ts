/**
 * Extraction as its own measure, saying only what the engine tells: a
 * percent by bytes where it counts extraction in bytes (dockerd with
 * overlay2), seconds where it counts seconds (Docker 28+ with the containerd
 * image store; see quirks/containerd-extract-seconds.ts), nothing where it
 * says nothing (podman, the CLIs). And, from the layers already extracted,
 * how long the rest will take.
 */
import type { Layer } from './layer.ts';
import { layerWeights } from './layer-weights.ts';

/** How the engine counts extraction: unknown (null) until its first `Extracting` line with a count. */
export type ExtractionUnits = 'bytes' | 'seconds' | null;

/** The layers that need extracting (not cached), as extraction sees them. */
export type ExtractionLayer = Pick<Layer, 'phase' | 'size' | 'extracted' | 'extractStartedAt' | 'extractEndedAt' | 'extractReportedAt'>;

/** Weight of each layer (layer-weights.ts). */
const weights = (layers: readonly ExtractionLayer[]): number[] => layerWeights(layers.map((layer) => layer.size));

/** Bytes of a layer extracted, 0..weight. */
function extractedBytes(layer: ExtractionLayer, weight: number): number {
  if (layer.phase === 'complete') return weight;
  if (layer.phase !== 'extracting' || layer.extracted === null) return 0;
  return Math.min(weight, layer.extracted);
}

/**
 * Share of the layers' bytes extracted, 0..100 to a tenth, rounded down (100
 * only when every layer is extracted); null unless the engine counts
 * extraction in bytes, or with no layer to extract.
 */
export function extractPercent(layers: readonly ExtractionLayer[], units: ExtractionUnits): number | null {
  if (units !== 'bytes' || layers.length === 0) return null;
  const weight = weights(layers);
  const total = weight.reduce((a, b) => a + b, 0);
  const done = layers.reduce((sum, layer, i) => sum + extractedBytes(layer, weight[i]!), 0);
  return total > 0 ? Math.floor((done / total) * 1000) / 10 : null;
}

/**
 * Whole seconds spent extracting so far, over all layers, where the engine
 * counts extraction in seconds; else null. Timed from the engine's lines
 * (first `Extracting` to `Pull complete`), which are more precise than its
 * count (whole seconds from 1; see quirks/containerd-extract-seconds.ts).
 */
export function extractSeconds(layers: readonly ExtractionLayer[], units: ExtractionUnits, now: number): number | null {
  if (units !== 'seconds') return null;
  const ms = layers.reduce((sum, layer) => {
    if (layer.extractStartedAt === null) return sum;
    const end = layer.phase === 'complete' ? (layer.extractEndedAt ?? now) : now;
    return sum + Math.max(0, end - layer.extractStartedAt);
  }, 0);
  return Math.floor(ms / 1000);
}

/**
 * What a layer tells of the extraction pace: the seconds it took (or has
 * taken) for the bytes it extracted, timed from its lines. A layer still
 * extracting counts where the engine counts bytes (dockerd), so that a
 * one-layer image has a pace before its end; timed to its latest count, not
 * to now (a frame between two counts is no slowdown: taken as one, a layer
 * a frame after its first count promised a minute for a second's work).
 */
function extractionSample(layer: ExtractionLayer, units: ExtractionUnits): { seconds: number; bytes: number } | null {
  const { extractStartedAt: startedAt, extractReportedAt: reportedAt } = layer;
  if (startedAt === null || layer.size === null) return null;
  if (layer.phase === 'complete' && layer.extractEndedAt !== null) {
    return { seconds: (layer.extractEndedAt - startedAt) / 1000, bytes: layer.size };
  }
  if (units === 'bytes' && layer.phase === 'extracting' && (layer.extracted ?? 0) > 0 && reportedAt !== null && reportedAt > startedAt) {
    return { seconds: (reportedAt - startedAt) / 1000, bytes: Math.min(layer.size, layer.extracted!) };
  }
  return null;
}

/**
 * Seconds the extraction still left will take at `now`, at the pace of the
 * layers extracted so far (seconds per byte, timed from the engine's lines);
 * null before any pace is known, or when the engine does not report
 * extraction.
 */
export function extractionSecondsLeft(layers: readonly ExtractionLayer[], units: ExtractionUnits, now: number): number | null {
  if (units === null) return null;
  let seconds = 0;
  let bytes = 0;
  for (const layer of layers) {
    const sample = extractionSample(layer, units);
    if (sample === null) continue;
    seconds += sample.seconds;
    bytes += sample.bytes;
  }
  if (bytes === 0) return null;
  const secondsPerByte = seconds / bytes;
  const weight = weights(layers);
  return layers.reduce((sum, layer, i) => {
    if (layer.phase === 'complete') return sum;
    // By bytes where the engine counts them, else by the time the layer has been extracting.
    const left =
      units === 'bytes'
        ? (weight[i]! - extractedBytes(layer, weight[i]!)) * secondsPerByte
        : weight[i]! * secondsPerByte - (layer.phase === 'extracting' && layer.extractStartedAt !== null ? (now - layer.extractStartedAt) / 1000 : 0);
    return sum + Math.max(0, left);
  }, 0);
}
