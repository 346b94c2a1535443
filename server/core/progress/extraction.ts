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

/** A layer's unpacking as timed from the engine's lines: its bytes, and the seconds they took. */
export interface ExtractionSample {
  seconds: number;
  bytes: number;
}

/** What the layers unpacked from start to end tell of the engine's unpacking (kept for its next pulls). */
export function unpackedSamples(layers: readonly ExtractionLayer[]): ExtractionSample[] {
  return layers.flatMap((layer) => (layer.phase === 'complete' ? (extractionSample(layer, null) ?? []) : []));
}

/**
 * What a layer tells of the extraction pace: the seconds it took (or has
 * taken) for the bytes it extracted, timed from its lines. A layer still
 * extracting counts where the engine counts bytes (dockerd), so that a
 * one-layer image has a pace before its end; timed to its latest count, not
 * to now (a frame between two counts is no slowdown: taken as one, a layer
 * a frame after its first count promised a minute for a second's work).
 */
function extractionSample(layer: ExtractionLayer, units: ExtractionUnits): ExtractionSample | null {
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
 * A layer's unpacking time as a start cost plus a pace: `seconds = start +
 * perByte × bytes`, fitted to the layers' samples by least squares. dockerd
 * spends about 0.2 s on any layer before its bytes count, so a pace alone,
 * taken from small layers, made a bigger one take twice its time. Samples
 * of (about) one size can't tell the two apart: they give a pace alone.
 */
export interface ExtractionFit {
  start: number;
  perByte: number;
}

/** Sizes closer than this share of the largest are one size to the fit. */
const MIN_SIZE_SPREAD = 0.2;

export function fitExtraction(samples: readonly ExtractionSample[]): ExtractionFit | null {
  const bytes = samples.reduce((sum, sample) => sum + sample.bytes, 0);
  if (bytes === 0) return null;
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  const paceAlone = { start: 0, perByte: seconds / bytes };
  const sizes = samples.map((sample) => sample.bytes);
  if (Math.max(...sizes) - Math.min(...sizes) < MIN_SIZE_SPREAD * Math.max(...sizes)) return paceAlone;
  const n = samples.length;
  const meanBytes = bytes / n;
  const meanSeconds = seconds / n;
  let covariance = 0;
  let variance = 0;
  for (const sample of samples) {
    covariance += (sample.bytes - meanBytes) * (sample.seconds - meanSeconds);
    variance += (sample.bytes - meanBytes) ** 2;
  }
  const perByte = covariance / variance;
  // Bigger layers quicker, or a negative start: noise around one of the simpler models.
  if (perByte < 0) return { start: meanSeconds, perByte: 0 };
  const start = meanSeconds - perByte * meanBytes;
  return start < 0 ? paceAlone : { start, perByte };
}

/**
 * Seconds each layer's unpacking still takes at `now` (0 for a layer
 * unpacked), by the fit of the layers extracted so far (see fitExtraction;
 * timed from the engine's lines) and of the engine's `earlier` ones, from
 * its last pulls: with those, an image's unpacking is allowed for before
 * its first layer unpacks (a one-layer image's whole unpacking comes after
 * its last byte). Null with no sample at all, and where the engine does
 * not report extraction (its caller passes no `earlier` samples then).
 */
export function unpackSecondsLeft(
  layers: readonly ExtractionLayer[],
  units: ExtractionUnits,
  now: number,
  earlier: readonly ExtractionSample[] = [],
): number[] | null {
  if (units === null && earlier.length === 0) return null;
  const own = layers.flatMap((layer) => extractionSample(layer, units) ?? []);
  const fit = fitExtraction([...earlier, ...own]);
  if (fit === null) return null;
  const weight = weights(layers);
  return layers.map((layer, i) => {
    if (layer.phase === 'complete') return 0;
    const started = layer.phase === 'extracting' && layer.extractStartedAt !== null;
    // Bytes left at the pace where the engine counts them (the start cost is paid); else the whole time less the time spent.
    const left =
      units === 'bytes' && started
        ? (weight[i]! - extractedBytes(layer, weight[i]!)) * fit.perByte
        : fit.start + weight[i]! * fit.perByte - (started ? (now - layer.extractStartedAt!) / 1000 : 0);
    return Math.max(0, left);
  });
}

/**
 * Seconds left of an engine's silent end, where it reports nothing after
 * the last byte (podman unpacks the layers and writes the image without a
 * word): by the fit of its earlier pulls' silent ends (the image's bytes,
 * and the seconds from their last byte to the end; see fitExtraction), for
 * an image of `bytes`, less the `since` seconds it has run. Null without
 * earlier pulls.
 */
export function silentEndSecondsLeft(bytes: number, earlier: readonly ExtractionSample[], since: number): number | null {
  const fit = fitExtraction(earlier);
  return fit === null ? null : Math.max(0, fit.start + fit.perByte * bytes - since);
}
