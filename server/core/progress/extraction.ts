/**
 * Extraction as its own measure, saying only what the engine tells: a
 * percent by bytes where it counts extraction in bytes (dockerd with
 * overlay2), seconds where it counts seconds (Docker 28+ with the containerd
 * image store; see quirks/containerd-extract-seconds.ts), nothing where it
 * says nothing (podman, the CLIs). And, from the layers already extracted,
 * how long the rest will take.
 */
import type { Layer } from './layer.ts';

/** How the engine counts extraction: unknown (null) until its first `Extracting` line with a count. */
export type ExtractionUnits = 'bytes' | 'seconds' | null;

/** The layers that need extracting (not cached), as extraction sees them. */
export type ExtractionLayer = Pick<Layer, 'phase' | 'size' | 'extracted' | 'extractStartedAt' | 'extractEndedAt' | 'extractSeconds'>;

/** Weight of each layer: its size, or the mean of the known sizes (1 each when none is known). */
function weights(layers: readonly ExtractionLayer[]): number[] {
  const sizes = layers.flatMap((layer) => (layer.size === null ? [] : [layer.size]));
  const mean = sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 1;
  return layers.map((layer) => layer.size ?? mean);
}

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

/** Seconds of extraction the engine reported over all layers; null unless it counts in seconds. */
export function extractSeconds(layers: readonly ExtractionLayer[], units: ExtractionUnits): number | null {
  if (units !== 'seconds') return null;
  return layers.reduce((sum, layer) => sum + (layer.extractSeconds ?? 0), 0);
}

/** Seconds a layer took to extract, once extracted: as counted by the engine, or as timed from its lines. */
function extractionDuration(layer: ExtractionLayer, units: ExtractionUnits): number | null {
  if (layer.phase !== 'complete' || layer.size === null) return null;
  if (units === 'seconds') return layer.extractSeconds;
  if (layer.extractStartedAt === null || layer.extractEndedAt === null) return null;
  return (layer.extractEndedAt - layer.extractStartedAt) / 1000;
}

/**
 * Seconds the extraction still left will take, at the pace of the layers
 * already extracted (seconds per byte); null while no layer has been seen
 * extracted from start to end, or when the engine does not report extraction.
 */
export function extractionSecondsLeft(layers: readonly ExtractionLayer[], units: ExtractionUnits): number | null {
  if (units === null) return null;
  let seconds = 0;
  let bytes = 0;
  for (const layer of layers) {
    const duration = extractionDuration(layer, units);
    if (duration === null) continue;
    seconds += duration;
    bytes += layer.size!;
  }
  if (bytes === 0) return null;
  const secondsPerByte = seconds / bytes;
  const weight = weights(layers);
  return layers.reduce((sum, layer, i) => {
    if (layer.phase === 'complete') return sum;
    const left = units === 'seconds' ? weight[i]! * secondsPerByte - (layer.extractSeconds ?? 0) : (weight[i]! - extractedBytes(layer, weight[i]!)) * secondsPerByte;
    return sum + Math.max(0, left);
  }, 0);
}
