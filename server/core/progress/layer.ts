/**
 * One layer of a pull as the aggregator keeps it, and what it shows on the
 * wire. Engine quirks that shape these fields are named in `quirks/`.
 */
import type { LayerPhase, LayerSnapshot, ProgressEvent } from '../types.ts';

/** A `layer` event of the parser. */
export type LayerEvent = Extract<ProgressEvent, { kind: 'layer' }>;

export interface Layer {
  readonly id: string;
  phase: LayerPhase;
  /** Size in bytes; null until the engine says. */
  size: number | null;
  /** Bytes already in hand when the current attempt began (see quirks/dockerd-range-resume.ts). */
  offset: number;
  /** Download bytes received in the current attempt (the engine's `current`). */
  received: number;
  /** The engine reported download bytes for this layer. */
  hasBytes: boolean;
  /** Extraction bytes; null when unknown (or reported in seconds). */
  extracted: number | null;
  /** Not counted yet: it may be podman's config blob (see quirks/podman-config-blob.ts). */
  mayBeConfigBlob: boolean;
  /** The most download bytes the engine itself reported (offset included); a bare `Download complete` fills `received` but not this. */
  reported: number;
  /** Listed by the registry's manifest (the plan). */
  planned: boolean;
  /** Named by the engine (a planned layer the engine never names was not fetched). */
  named: boolean;
  /** The layer's first and latest byte reports of the current attempt: its own download rate (see eta.ts). */
  pace: { firstAt: number; firstReceived: number; lastAt: number } | null;
  /** When the engine first reported this layer extracting, and when it reported it complete (ms). */
  extractStartedAt: number | null;
  extractEndedAt: number | null;
  /** When the engine last reported this layer's extraction count (its pace is timed up to then, not to now). */
  extractReportedAt: number | null;
}

/** Order of a layer's life; an update never moves a layer to a lower rank. */
export const LAYER_RANK: Readonly<Record<LayerPhase, number>> = {
  waiting: 0,
  downloading: 1,
  verifying: 2,
  downloaded: 3,
  extracting: 4,
  complete: 5,
  cached: 5,
};

export function newLayer(id: string, mayBeConfigBlob: boolean): Layer {
  return {
    id,
    phase: 'waiting',
    size: null,
    offset: 0,
    received: 0,
    hasBytes: false,
    extracted: null,
    mayBeConfigBlob,
    reported: 0,
    planned: false,
    named: false,
    pace: null,
    extractStartedAt: null,
    extractEndedAt: null,
    extractReportedAt: null,
  };
}

/**
 * Whether an event in phase `next` may move a layer that is in `current`:
 * never to a lower rank, nor sideways (a complete layer is not cached, nor back).
 */
export function canMove(current: LayerPhase, next: LayerPhase): boolean {
  return LAYER_RANK[next] > LAYER_RANK[current] || next === current;
}

/** Whether the layer's download is behind it: `Download complete` or later, or cached. */
export function isDownloaded(phase: LayerPhase): boolean {
  return LAYER_RANK[phase] >= LAYER_RANK.downloaded;
}

/** Download bytes of a layer on disk: a resumed attempt's offset plus what it received, at most the size. */
export function inHand(layer: Layer): number {
  const bytes = layer.offset + layer.received;
  return layer.size === null ? bytes : Math.min(layer.size, bytes);
}

/**
 * Download bytes of a layer that a failed pull can vouch for: all of them once
 * the engine went on to extract it, else only those the engine reported (podman
 * says `Download complete` for a blob cut short just before its error; see
 * quirks/podman-closing-download.ts).
 */
export function vouchedFor(layer: Layer): number {
  if (layer.phase === 'extracting' || layer.phase === 'complete') return inHand(layer);
  return Math.min(inHand(layer), layer.reported);
}

/** The layer as the snapshot lists it: `current` is what its phase counts (download or extraction bytes). */
export function layerSnapshot(layer: Layer): LayerSnapshot {
  let current: number | null;
  switch (layer.phase) {
    case 'waiting':
    case 'cached':
      current = null;
      break;
    case 'downloading':
      current = layer.hasBytes ? inHand(layer) : null;
      break;
    case 'verifying':
    case 'downloaded':
      current = layer.size ?? (layer.hasBytes ? inHand(layer) : null);
      break;
    case 'extracting':
      current = layer.extracted;
      break;
    case 'complete':
      current = layer.size;
      break;
  }
  return { id: layer.id, phase: layer.phase, current, total: layer.size };
}
