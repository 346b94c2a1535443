/**
 * One pull's ProgressEvents folded into the progress fields of a PullSnapshot
 * (CONTRACT §4). Pure: time comes in as `now` (ms since the epoch).
 */
import type {
  JobState,
  LayerPhase,
  LayerSnapshot,
  ProgressEvent,
  PullErrorCode,
  PullPhase,
  PullProgressFields,
} from '../types.ts';
import { errorCodeFor } from './error-code.ts';
import { SpeedMeter } from './speed.ts';

/** Share of a layer's progress that is its download, where the engine reports extraction. */
export const DOWNLOAD_SHARE = 0.8;
/** Share of a layer's progress that is its extraction, where the engine reports it. */
export const EXTRACT_SHARE = 1 - DOWNLOAD_SHARE;
/** Highest percent shown before the pull has completed. */
export const MAX_PULLING_PERCENT = 99;
/** Less speed history than this gives no ETA. */
export const MIN_ETA_HISTORY_MS = 3_000;
/** Shortest id compared by prefix against the image id (Docker's short ids). */
const MIN_PREFIX_ID_LENGTH = 12;

/** Order of a layer's life; an update never moves a layer to a lower rank. */
const RANK: Readonly<Record<LayerPhase, number>> = {
  waiting: 0,
  downloading: 1,
  verifying: 2,
  downloaded: 3,
  extracting: 4,
  complete: 5,
  cached: 5,
};

type LayerEvent = Extract<ProgressEvent, { kind: 'layer' }>;

interface Layer {
  id: string;
  phase: LayerPhase;
  /** Size in bytes; null until the engine says. */
  size: number | null;
  /**
   * Bytes already in hand when the current attempt began. dockerd resumes a
   * broken download with a Range request from this offset and then reports
   * `current` from 0 against `total` = size − offset.
   */
  offset: number;
  /** Download bytes received in the current attempt (the engine's `current`). */
  received: number;
  /** The engine reported download bytes for this layer. */
  hasBytes: boolean;
  /** Extraction bytes; null when unknown (or reported in seconds). */
  extracted: number | null;
  /**
   * Podman announces the image config like a layer, after the layers are
   * done. A blob first seen when every known layer is downloaded may be that
   * config: it is not counted until it shows bytes or the pull completes.
   */
  tentative: boolean;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function normalizeId(id: string): string {
  return id.trim().replace(/^sha256:/, '');
}

/** Same id, or one is a (Docker short-id) prefix of the other. */
function sameImage(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= MIN_PREFIX_ID_LENGTH && long.startsWith(short);
}

function newLayer(id: string): Layer {
  return { id, phase: 'waiting', size: null, offset: 0, received: 0, hasBytes: false, extracted: null, tentative: false };
}

/** Download bytes of a layer on disk: a resumed attempt's offset plus what it received, at most the size. */
function inHand(layer: Layer): number {
  const bytes = layer.offset + layer.received;
  return layer.size === null ? bytes : Math.min(layer.size, bytes);
}

/**
 * The progress of one pull. Feed it events with {@link apply}; end it with
 * {@link complete}, {@link fail} or {@link cancel}; read it with {@link snapshot}.
 * After a terminal state every further call is ignored.
 */
export class PullProgress {
  readonly #startedAt: number;
  #updatedAt: number;
  #finishedAt: number | null = null;
  #state: JobState = 'pulling';
  #error: string | null = null;
  #errorCode: PullErrorCode | null = null;
  /** Layers by id, in first-seen order. */
  readonly #layers = new Map<string, Layer>();
  readonly #imageIds: string[] = [];
  /** The engine reports extraction (dockerd): a layer is 80% download, 20% extraction. */
  #reportsExtraction = false;
  #sawFinalizing = false;
  /** A progressDetail with current and total has arrived: percent is known. */
  #sawBytes = false;
  /** Shown percent: never goes down. */
  #percent: number | null = null;
  /** Bytes received over all layers and attempts (positive deltas only). */
  #receivedTotal = 0;
  readonly #speed = new SpeedMeter();
  #unparsed = 0;
  /** Events parsed from the engine's lines. */
  #understood = 0;

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
    this.#updatedAt = startedAt;
  }

  get state(): JobState {
    return this.#state;
  }

  /** Lines no parser could read, so far. */
  get unparsedLines(): number {
    return this.#unparsed;
  }

  /**
   * The engine's stream ended without an error. That is success, unless not
   * one line of it was understood: an answer of garbage is not a pull.
   */
  streamEnded(now: number): void {
    if (this.#understood === 0 && this.#unparsed > 0) {
      this.fail(`the engine's answer was not a pull stream (${this.#unparsed} unreadable lines and nothing else)`, now, 'pull.engine_error');
      return;
    }
    this.complete(now);
  }

  /** Folds one event in. An `error` event fails the pull. */
  apply(event: ProgressEvent, now: number): void {
    if (this.#state !== 'pulling') return;
    this.#updatedAt = now;
    if (event.kind !== 'unparsed') this.#understood++;
    switch (event.kind) {
      case 'layer':
        this.#applyLayer(event, now);
        break;
      case 'retry':
        this.#applyRetry(event.id, now);
        break;
      case 'resolving':
        if (event.reportsExtraction) this.#reportsExtraction = true;
        break;
      case 'finalizing':
        this.#sawFinalizing = true;
        break;
      case 'image':
        this.#noteImageId(event.id);
        break;
      case 'error':
        this.fail(event.message, now);
        return;
      case 'note':
        break;
      case 'unparsed':
        this.#unparsed++;
        break;
    }
    this.#raisePercent();
  }

  /** The engine finished successfully: every non-cached layer is complete, percent is 100. */
  complete(now: number): void {
    if (this.#state !== 'pulling') return;
    for (const layer of this.#layers.values()) {
      // Whatever was not named as the image by now was a real layer.
      layer.tentative = false;
      if (layer.phase === 'cached') continue;
      layer.phase = 'complete';
      if (layer.size !== null) {
        layer.received = Math.max(0, layer.size - layer.offset);
        layer.extracted = layer.size;
      }
    }
    this.#percent = 100;
    this.#finish('completed', now);
  }

  /** The pull failed; `code` defaults to {@link errorCodeFor}(message). */
  fail(message: string, now: number, code: PullErrorCode = errorCodeFor(message)): void {
    if (this.#state !== 'pulling') return;
    this.#error = message;
    this.#errorCode = code;
    this.#finish('failed', now);
  }

  /** The pull was cancelled. */
  cancel(now: number): void {
    if (this.#state !== 'pulling') return;
    this.#finish('cancelled', now);
  }

  /** The progress fields as of `now` (speed and ETA depend on it). */
  snapshot(now: number): PullProgressFields {
    const layers = this.#countedLayers();
    const fetched = layers.filter((layer) => layer.phase !== 'cached');
    const counted = layers.length > 0 || this.#state === 'completed';
    const sizes = fetched.map((layer) => layer.size).filter((size) => size !== null);
    const exact = fetched.length > 0 && sizes.length === fetched.length;
    const hasByteInfo = fetched.some((layer) => layer.size !== null || layer.hasBytes);
    const bytesTotal = sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) : null;
    const bytesDone = hasByteInfo ? fetched.reduce((sum, layer) => sum + inHand(layer), 0) : null;
    const phase = this.#phase(layers);

    let speed: number | null = null;
    let eta: number | null = null;
    if (phase === 'downloading') {
      const bps = this.#speed.bytesPerSecond(now);
      if (bps !== null) speed = Math.round(bps);
      if (bps !== null && bps > 0 && exact && bytesTotal !== null && bytesDone !== null) {
        if (this.#speed.historyMs(now) >= MIN_ETA_HISTORY_MS) {
          eta = Math.ceil(Math.max(0, bytesTotal - bytesDone) / bps);
        }
      }
    }

    return {
      state: this.#state,
      phase,
      percent: this.#percent,
      bytes_done: bytesDone,
      bytes_total: bytesTotal,
      bytes_total_exact: exact,
      layer: counted ? fetched.filter((layer) => this.#isFinished(layer)).length : null,
      total_layers: counted ? fetched.length : null,
      layers_cached: counted ? layers.length - fetched.length : null,
      layers: layers.map((layer) => this.#layerSnapshot(layer)),
      speed_bps: speed,
      eta_s: eta,
      error: this.#error,
      error_code: this.#errorCode,
      started_at: iso(this.#startedAt),
      updated_at: iso(this.#updatedAt),
      finished_at: this.#finishedAt === null ? null : iso(this.#finishedAt),
    };
  }

  #finish(state: Exclude<JobState, 'pulling'>, now: number): void {
    this.#state = state;
    this.#updatedAt = now;
    this.#finishedAt = now;
  }

  #applyLayer(event: LayerEvent, now: number): void {
    const id = event.id.trim();
    if (this.#isImageId(id)) return;
    if (event.phase === 'extracting' || event.phase === 'complete') this.#reportsExtraction = true;

    let layer = this.#layers.get(id);
    // Podman compat closes with a `Download complete` whose id is the image id:
    // a second one for the config blob, or one for an id never announced.
    if (
      event.phase === 'downloaded' &&
      !this.#reportsExtraction &&
      (layer === undefined || layer.phase === 'downloaded' || layer.phase === 'cached')
    ) {
      this.#noteImageId(id);
      return;
    }

    if (layer === undefined) {
      layer = newLayer(id);
      layer.tentative = !this.#reportsExtraction && this.#layers.size > 0 && [...this.#layers.values()].every((known) => known.phase === 'cached' || RANK[known.phase] >= RANK.downloaded);
      this.#layers.set(id, layer);
    }
    const rank = RANK[event.phase];
    const current = RANK[layer.phase];
    if (rank < current || (rank === current && event.phase !== layer.phase)) return;

    const inSeconds = event.units === 's';
    if (event.total !== undefined && event.total > 0 && !inSeconds) {
      // dockerd resumes a broken download with a Range request and then reports only the
      // remaining length as total: a layer's size is the largest total it was given…
      layer.size = Math.max(layer.size ?? 0, event.total);
      // …and the bytes it had before are the difference, which its `current` leaves out.
      if (event.phase === 'downloading') layer.offset = layer.size - event.total;
    }
    if (event.current !== undefined && event.total !== undefined && !inSeconds) this.#sawBytes = true;

    switch (event.phase) {
      case 'downloading':
        if (event.current !== undefined) {
          this.#receive(layer, event.current);
          layer.hasBytes = true;
          layer.tentative = false;
        }
        break;
      case 'verifying':
      case 'downloaded':
        this.#receiveAll(layer);
        break;
      case 'extracting':
        this.#receiveAll(layer);
        if (event.current !== undefined && !inSeconds) {
          layer.extracted = Math.max(layer.extracted ?? 0, event.current);
        }
        break;
      case 'complete':
        this.#receiveAll(layer);
        if (layer.size !== null) layer.extracted = layer.size;
        break;
      case 'waiting':
      case 'cached':
        break;
    }
    layer.phase = event.phase;
    this.#speed.record(now, this.#receivedTotal);
  }

  /** `Retrying in N seconds`: the layer's download starts over (the one way back). */
  #applyRetry(rawId: string, now: number): void {
    const id = rawId.trim();
    if (this.#isImageId(id)) return;
    let layer = this.#layers.get(id);
    if (layer === undefined) {
      layer = newLayer(id);
      layer.tentative = !this.#reportsExtraction && this.#layers.size > 0 && [...this.#layers.values()].every((known) => known.phase === 'cached' || RANK[known.phase] >= RANK.downloaded);
      this.#layers.set(id, layer);
    }
    if (layer.phase === 'complete' || layer.phase === 'cached') return;
    layer.phase = 'waiting';
    layer.offset = 0;
    layer.received = 0;
    layer.extracted = null;
    this.#speed.record(now, this.#receivedTotal);
  }

  /** The current attempt's download progress to `bytes`; only a rise counts as received. */
  #receive(layer: Layer, bytes: number): void {
    if (bytes <= layer.received) return;
    this.#receivedTotal += bytes - layer.received;
    layer.received = bytes;
  }

  /** The download is done: the rest of a known size has been received. */
  #receiveAll(layer: Layer): void {
    if (layer.size !== null) this.#receive(layer, layer.size - layer.offset);
  }

  #noteImageId(rawId: string): void {
    const id = normalizeId(rawId);
    if (id === '') return;
    if (!this.#imageIds.includes(id)) this.#imageIds.push(id);
    for (const layerId of [...this.#layers.keys()]) {
      if (sameImage(normalizeId(layerId), id)) this.#layers.delete(layerId);
    }
  }

  #isImageId(id: string): boolean {
    const normalized = normalizeId(id);
    return this.#imageIds.some((imageId) => sameImage(normalized, imageId));
  }

  /** Downloaded and extracted, or downloaded where the engine never reports extraction. */
  #isFinished(layer: Layer): boolean {
    if (layer.phase === 'complete') return true;
    if (this.#reportsExtraction) return false;
    return layer.phase === 'downloaded' || layer.phase === 'extracting';
  }

  /** Share of one layer done, 0..1. */
  #fraction(layer: Layer): number {
    const rank = RANK[layer.phase];
    let download = 0;
    if (rank >= RANK.verifying) download = 1;
    else if (layer.phase === 'downloading' && layer.size !== null) download = Math.min(1, inHand(layer) / layer.size);
    if (!this.#reportsExtraction) return download;

    let extract = 0;
    if (layer.phase === 'complete') extract = 1;
    else if (layer.phase === 'extracting' && layer.extracted !== null && layer.size !== null) {
      extract = Math.min(1, layer.extracted / layer.size);
    }
    return DOWNLOAD_SHARE * download + EXTRACT_SHARE * extract;
  }

  /** The layers shown and counted: all but a blob that may yet turn out to be podman's config. */
  #countedLayers(): Layer[] {
    return [...this.#layers.values()].filter((layer) => !layer.tentative);
  }

  /** Raw percent: by bytes when every size is known, else by layer count; null before byte data. */
  #rawPercent(): number | null {
    if (!this.#sawBytes) return null;
    const fetched = this.#countedLayers().filter((layer) => layer.phase !== 'cached');
    if (fetched.length === 0) return null;
    const bySize = fetched.every((layer) => layer.size !== null);
    let done = 0;
    let total = 0;
    for (const layer of fetched) {
      const weight = bySize ? layer.size! : 1;
      done += weight * this.#fraction(layer);
      total += weight;
    }
    return total > 0 ? (done / total) * 100 : null;
  }

  #raisePercent(): void {
    if (this.#state !== 'pulling') return;
    const raw = this.#rawPercent();
    if (raw === null) return;
    const shown = Math.min(MAX_PULLING_PERCENT, Math.round(raw * 10) / 10);
    this.#percent = this.#percent === null ? shown : Math.max(this.#percent, shown);
  }

  #phase(layers: Layer[]): PullPhase | null {
    if (this.#state !== 'pulling') return null;
    if (this.#sawFinalizing) return 'finalizing';
    if (layers.length === 0) return 'resolving';
    if (layers.some((layer) => RANK[layer.phase] < RANK.downloaded)) return 'downloading';
    if (layers.some((layer) => layer.phase !== 'cached' && !this.#isFinished(layer))) return 'extracting';
    return 'finalizing';
  }

  #layerSnapshot(layer: Layer): LayerSnapshot {
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
}
