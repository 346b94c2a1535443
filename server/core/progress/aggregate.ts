/**
 * One pull's ProgressEvents folded into the progress fields of a PullSnapshot
 * (docs/api.md, PullSnapshot). Pure: time comes in as `now` (ms since the epoch).
 *
 * The pieces it folds with: the layers (layer.ts, layer-table.ts), the
 * image's ids (image-ids.ts), the percent (percent.ts), the speed (speed.ts)
 * and each engine's quirks, named in quirks/.
 */
import type { JobState, ProgressEvent, PullErrorCode, PullPhase, PullProgressFields } from '../types.ts';
import { errorCodeFor } from './error-code.ts';
import { ImageIds } from './image-ids.ts';
import { canMove, inHand, isDownloaded, layerSnapshot, type Layer, type LayerEvent } from './layer.ts';
import { LayerTable } from './layer-table.ts';
import { rawPercent, shownPercent } from './percent.ts';
import { byteCounts } from './quirks/containerd-extract-seconds.ts';
import { rangeResumeExtent } from './quirks/dockerd-range-resume.ts';
import { isLayerFinished, revealsExtraction } from './quirks/extraction-reports.ts';
import { isPodmanClosingDownload } from './quirks/podman-closing-download.ts';
import { mayBePodmanConfigBlob } from './quirks/podman-config-blob.ts';
import { SpeedMeter } from './speed.ts';

/** Less speed history than this gives no ETA. */
export const MIN_ETA_HISTORY_MS = 3_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export interface PullProgressOptions {
  /** A job taken up again after a restart: since when, and the percent shown before it, which the percent never goes below. */
  resumed?: { at: number; percent: number | null };
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
  readonly #layers = new LayerTable();
  readonly #imageIds = new ImageIds();
  /** The engine reports extraction (dockerd; see quirks/extraction-reports.ts). */
  #reportsExtraction = false;
  #sawFinalizing = false;
  /** A progressDetail with current and total in bytes has arrived: percent is known. */
  #sawBytes = false;
  /** The percent shown (see percent.ts). */
  #percent: number | null = null;
  readonly #speed = new SpeedMeter();
  #unparsed = 0;
  /** Events parsed from the engine's lines. */
  #understood = 0;

  constructor(startedAt: number, options: PullProgressOptions = {}) {
    this.#startedAt = startedAt;
    this.#updatedAt = options.resumed?.at ?? startedAt;
    this.#percent = options.resumed?.percent ?? null;
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
        if (revealsExtraction(event)) this.#reportsExtraction = true;
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
      case 'plan':
        break;
      case 'unparsed':
        this.#unparsed++;
        break;
    }
    this.#updatePercent();
  }

  /** The engine finished successfully: every non-cached layer is complete, percent is 100. */
  complete(now: number): void {
    if (this.#state !== 'pulling') return;
    this.#layers.completeAll();
    this.#finish('completed', now);
    this.#updatePercent();
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
    const layers = this.#layers.counted();
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
      layers: layers.map(layerSnapshot),
      speed_bps: speed,
      eta_s: eta,
      extract_percent: null,
      extract_seconds: null,
      stalled_s: null,
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
    if (this.#imageIds.matches(id)) return;
    if (revealsExtraction(event)) this.#reportsExtraction = true;

    const known = this.#layers.get(id);
    if (isPodmanClosingDownload(event.phase, known, this.#reportsExtraction)) {
      this.#noteImageId(id);
      return;
    }
    const layer = known ?? this.#addLayer(id);
    if (!canMove(layer.phase, event.phase)) return;

    const { current, total } = byteCounts(event);
    if (total !== undefined && total > 0) {
      const extent = rangeResumeExtent(layer, total, event.phase);
      layer.size = extent.size;
      layer.offset = extent.offset;
    }
    if (current !== undefined && total !== undefined) this.#sawBytes = true;

    switch (event.phase) {
      case 'downloading':
        if (current !== undefined) {
          this.#layers.receive(layer, current);
          layer.hasBytes = true;
          layer.mayBeConfigBlob = false; // bytes: a real layer
        }
        break;
      case 'verifying':
      case 'downloaded':
        this.#layers.receiveAll(layer);
        break;
      case 'extracting':
        this.#layers.receiveAll(layer);
        if (current !== undefined) layer.extracted = Math.max(layer.extracted ?? 0, current);
        break;
      case 'complete':
        this.#layers.receiveAll(layer);
        if (layer.size !== null) layer.extracted = layer.size;
        break;
      case 'waiting':
      case 'cached':
        break;
    }
    layer.phase = event.phase;
    this.#speed.record(now, this.#layers.receivedTotal);
  }

  /** `Retrying in N seconds`: the layer's download starts over. */
  #applyRetry(rawId: string, now: number): void {
    const id = rawId.trim();
    if (this.#imageIds.matches(id)) return;
    const layer = this.#layers.get(id) ?? this.#addLayer(id);
    if (this.#layers.restart(layer)) this.#speed.record(now, this.#layers.receivedTotal);
  }

  /** A layer first seen now; held back from the counts when it may be podman's config blob. */
  #addLayer(id: string): Layer {
    return this.#layers.add(id, mayBePodmanConfigBlob(this.#layers.all(), this.#reportsExtraction));
  }

  /** The engine named the image: a "layer" by that id was the image all along. */
  #noteImageId(rawId: string): void {
    if (this.#imageIds.add(rawId)) this.#layers.drop((id) => this.#imageIds.matches(id));
  }

  #isFinished(layer: Layer): boolean {
    return isLayerFinished(layer.phase, this.#reportsExtraction);
  }

  #updatePercent(): void {
    const layers = this.#layers
      .counted()
      .filter((layer) => layer.phase !== 'cached')
      .map((layer) => ({ phase: layer.phase, size: layer.size, downloaded: inHand(layer), extracted: layer.extracted }));
    const raw = rawPercent({ layers, reportsExtraction: this.#reportsExtraction, sawBytes: this.#sawBytes });
    this.#percent = shownPercent(this.#percent, raw, this.#state);
  }

  #phase(layers: Layer[]): PullPhase | null {
    if (this.#state !== 'pulling') return null;
    if (this.#sawFinalizing) return 'finalizing';
    if (layers.length === 0) return 'resolving';
    if (layers.some((layer) => !isDownloaded(layer.phase))) return 'downloading';
    if (layers.some((layer) => layer.phase !== 'cached' && !this.#isFinished(layer))) return 'extracting';
    return 'finalizing';
  }
}
