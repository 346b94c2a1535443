/**
 * One pull's ProgressEvents folded into the progress fields of a PullSnapshot
 * (docs/api.md, PullSnapshot). Pure: time comes in as `now` (ms since the epoch).
 *
 * The pieces it folds with: the layers (layer.ts, layer-table.ts), the
 * registry's manifest (layer-plan.ts), the image's ids (image-ids.ts), the
 * percent (percent.ts), extraction (extraction.ts), the speed (speed.ts), the
 * ETA (eta.ts), the stalled state (stalled.ts) and each engine's quirks,
 * named in quirks/.
 */
import type { JobState, LayerPlan, ProgressEvent, PullErrorCode, PullPhase, PullProgressFields } from '../types.ts';
import { errorCodeFor } from './error-code.ts';
import { downloadSeconds, EtaCountdown, ETA_RATE_WINDOW_MS, MIN_ETA_HISTORY_MS, secondsToReady, slowestLayerSeconds } from './eta.ts';
import { extractPercent, extractSeconds, silentEndSecondsLeft, unpackedSamples, unpackSecondsLeft, type ExtractionSample, type ExtractionUnits } from './extraction.ts';
import { ImageIds } from './image-ids.ts';
import { canMove, inHand, isDownloaded, LAYER_RANK, layerSnapshot, vouchedFor, type Layer, type LayerEvent } from './layer.ts';
import { namesPlannedLayer, planLayerId } from './layer-plan.ts';
import { LayerTable } from './layer-table.ts';
import { advancePercent, rawPercent, shownPercent } from './percent.ts';
import { byteCounts, extractionUnitsOf } from './quirks/containerd-extract-seconds.ts';
import { rangeResumeExtent } from './quirks/dockerd-range-resume.ts';
import { isLayerFinished, revealsExtraction } from './quirks/extraction-reports.ts';
import { isPodmanClosingDownload } from './quirks/podman-closing-download.ts';
import { mayBePodmanConfigBlob } from './quirks/podman-config-blob.ts';
import { SpeedMeter } from './speed.ts';
import { stalledSeconds } from './stalled.ts';

/** The bytes of the layers fetched: their sizes, or what arrived of those not sized yet (a lower bound never below what is done). */
function bytesOfImage(fetched: readonly Layer[]): number {
  return fetched.reduce((sum, layer) => sum + (layer.size ?? inHand(layer)), 0);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export interface PullProgressOptions {
  /** A job taken up again after a restart: since when, and the percent shown before it, which the percent never goes below. */
  resumed?: { at: number; percent: number | null };
  /** The engine's layers unpacked in its last pulls (the registry keeps them): the ETA allows for unpacking before this pull's first layer unpacks. */
  unpackedBefore?: readonly ExtractionSample[];
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
  /** How the engine counts extraction, from its first `Extracting` line with a count. */
  #extractionUnits: ExtractionUnits = null;
  #sawFinalizing = false;
  /** The engine named the image (podman's closing line): the layers are written. */
  #sawImageNamed = false;
  /** A byte count or an exact size has arrived: percent is known. */
  #sawBytes = false;
  /** The registry's manifest, once read (see layer-plan.ts). */
  #plan: LayerPlan | null = null;
  /** The percent's course, unrounded (see percent.ts, advancePercent), and the model's last value it followed. */
  #percent: number | null = null;
  #rawPercent: number | null = null;
  readonly #speed = new SpeedMeter();
  /** The download rate the ETA divides by: averaged longer than the speed shown. */
  readonly #etaRate = new SpeedMeter({ windowMs: ETA_RATE_WINDOW_MS, minHistoryMs: MIN_ETA_HISTORY_MS });
  readonly #eta = new EtaCountdown();
  readonly #unpackedBefore: readonly ExtractionSample[];
  /** When every layer's bytes were first in, where the engine says nothing after them (podman): its silent end began. */
  #bytesInAt: number | null = null;
  /** When a byte last arrived or a layer last moved on (null before the first layer). */
  #lastProgressAt: number | null = null;
  #unparsed = 0;
  /** Events parsed from the engine's lines. */
  #understood = 0;

  constructor(startedAt: number, options: PullProgressOptions = {}) {
    this.#startedAt = startedAt;
    this.#updatedAt = options.resumed?.at ?? startedAt;
    this.#percent = options.resumed?.percent ?? null;
    this.#unpackedBefore = options.unpackedBefore ?? [];
  }

  get state(): JobState {
    return this.#state;
  }

  /** Lines no parser could read, so far. */
  get unparsedLines(): number {
    return this.#unparsed;
  }

  /**
   * What this pull tells of the engine's unpacking, for its next pulls' ETA
   * (see unpackedBefore): the layers it saw unpacked from start to end where
   * the engine reports unpacking; else, once completed, its silent end (the
   * image's bytes, and the time from its last byte to the end).
   */
  unpacked(): ExtractionSample[] {
    if (this.#reportsExtraction) return unpackedSamples(this.#layers.all());
    if (this.#state !== 'completed' || this.#bytesInAt === null || this.#finishedAt === null) return [];
    const bytes = bytesOfImage(this.#layers.counted().filter((layer) => layer.phase !== 'cached'));
    return bytes > 0 ? [{ bytes, seconds: (this.#finishedAt - this.#bytesInAt) / 1000 }] : [];
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
    // The plan comes from the registry, not the engine: it says nothing of whether the engine's answer was a pull.
    if (event.kind !== 'unparsed' && event.kind !== 'plan') this.#understood++;
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
        this.#sawImageNamed = true;
        break;
      case 'error':
        this.fail(event.message, now);
        return;
      case 'plan':
        this.#applyPlan(event.plan);
        break;
      case 'note':
        break;
      case 'unparsed':
        this.#unparsed++;
        break;
    }
    this.#updatePercent();
    if (this.#bytesInAt === null && !this.#reportsExtraction && this.#phase(this.#layers.counted()) === 'extracting') this.#bytesInAt = now;
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

  /**
   * The progress fields as of `now` (speed, ETA and the stalled state depend
   * on it). The ETA shown is remembered, so that the next snapshot counts
   * down from it (eta.ts).
   */
  snapshot(now: number): PullProgressFields {
    const layers = this.#layers.counted();
    const fetched = layers.filter((layer) => layer.phase !== 'cached');
    const counted = layers.length > 0 || this.#state === 'completed';
    const sized = fetched.filter((layer) => layer.size !== null);
    // A layer the manifest does not list, beside a manifest that was read: its size is the engine's word only.
    const exact = fetched.length > 0 && sized.length === fetched.length && (this.#plan === null || fetched.every((layer) => layer.planned));
    const hasByteInfo = fetched.some((layer) => layer.size !== null || layer.hasBytes);
    // A failed pull counts only the bytes the engine vouched for (layer.ts, vouchedFor).
    const bytesOf = this.#state === 'failed' ? vouchedFor : inHand;
    const bytesDone = hasByteInfo ? fetched.reduce((sum, layer) => sum + bytesOf(layer), 0) : null;
    const bytesTotal = hasByteInfo ? bytesOfImage(fetched) : null;
    const phase = this.#phase(layers);
    const stalled = stalledSeconds(phase, this.#lastProgressAt, now);

    let speed: number | null = null;
    let estimate: number | null = null;
    if (phase === 'downloading') {
      const bps = this.#speed.bytesPerSecond(now);
      if (bps !== null) speed = Math.round(bps);
    }
    if ((phase === 'downloading' || phase === 'extracting') && stalled === null && exact && bytesTotal !== null && bytesDone !== null) {
      const download =
        phase === 'extracting'
          ? 0
          : this.#etaRate.historyMs(now) >= MIN_ETA_HISTORY_MS
            ? downloadSeconds(bytesTotal - bytesDone, this.#etaRate.bytesPerSecond(now), slowestLayerSeconds(fetched, now))
            : null;
      estimate = download === null ? null : this.#secondsToReady(phase, fetched, bytesTotal, download, now);
    }
    const eta = this.#eta.show(estimate, now);

    return {
      state: this.#state,
      phase,
      percent: shownPercent(this.#percent, this.#state),
      bytes_done: bytesDone,
      bytes_total: bytesTotal,
      bytes_total_exact: exact,
      layer: counted ? fetched.filter((layer) => this.#isFinished(layer)).length : null,
      total_layers: counted ? fetched.length : null,
      layers_cached: counted ? layers.length - fetched.length : null,
      layers: layers.map(layerSnapshot),
      speed_bps: speed,
      eta_s: eta,
      extract_percent: extractPercent(fetched, this.#extractionUnits),
      extract_seconds: extractSeconds(fetched, this.#extractionUnits, now),
      stalled_s: stalled,
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

    const known = this.#findLayer(id);
    if (isPodmanClosingDownload(event.phase, known, this.#reportsExtraction)) {
      this.#noteImageId(id);
      this.#sawImageNamed = true;
      return;
    }
    const layer = known ?? this.#addLayer(id);
    layer.named = true;
    if (!canMove(layer.phase, event.phase)) return;
    const before = { phase: layer.phase, received: this.#layers.receivedTotal };

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
          layer.pace = { firstAt: layer.pace?.firstAt ?? now, firstReceived: layer.pace?.firstReceived ?? layer.received, lastAt: now };
          layer.hasBytes = true;
          layer.reported = Math.max(layer.reported, layer.offset + current);
          layer.mayBeConfigBlob = false; // bytes: a real layer
        }
        break;
      case 'verifying':
      case 'downloaded':
        this.#layers.receiveAll(layer);
        break;
      case 'extracting':
        this.#layers.receiveAll(layer);
        this.#noteExtraction(layer, event, now);
        if (current !== undefined) layer.extracted = Math.max(layer.extracted ?? 0, current);
        break;
      case 'complete':
        this.#layers.receiveAll(layer);
        if (layer.size !== null) layer.extracted = layer.size;
        layer.extractEndedAt = now;
        break;
      case 'waiting':
      case 'cached':
        break;
    }
    layer.phase = event.phase;
    this.#speed.record(now, this.#layers.receivedTotal);
    this.#etaRate.record(now, this.#layers.receivedTotal);
    if (this.#lastProgressAt === null || this.#layers.receivedTotal > before.received || LAYER_RANK[layer.phase] > LAYER_RANK[before.phase]) {
      this.#lastProgressAt = now;
    }
  }

  /** An `Extracting` line: how this engine counts extraction, and when the layer's began. */
  #noteExtraction(layer: Layer, event: LayerEvent, now: number): void {
    if (event.current === undefined) return;
    this.#extractionUnits = extractionUnitsOf(event);
    layer.extractStartedAt ??= now;
    layer.extractReportedAt = now;
  }

  /**
   * The registry's manifest: every layer it lists, with its exact size, in
   * manifest order after those the engine named already; its config blob is
   * the image, not a layer. A layer the engine names that the manifest does
   * not list stays, and makes the totals inexact (snapshot). Only the first
   * plan counts.
   */
  #applyPlan(plan: LayerPlan): void {
    if (this.#plan !== null) return;
    this.#plan = plan;
    this.#noteImageId(plan.config);
    for (const { digest, size } of plan.layers) {
      const id = planLayerId(digest);
      const layer = this.#layers.all().find((known) => namesPlannedLayer(known.id, id)) ?? this.#layers.add(id, false);
      layer.planned = true;
      layer.mayBeConfigBlob = false;
      layer.size ??= size;
    }
    if (plan.layers.length > 0) this.#sawBytes = true;
  }

  /** The layer the engine calls `id`: by that id, or the planned layer it names. */
  #findLayer(id: string): Layer | undefined {
    return this.#layers.get(id) ?? this.#layers.all().find((layer) => layer.planned && namesPlannedLayer(id, layer.id));
  }

  /** `Retrying in N seconds`: the layer's download starts over. */
  #applyRetry(rawId: string, now: number): void {
    const id = rawId.trim();
    if (this.#imageIds.matches(id)) return;
    const layer = this.#findLayer(id) ?? this.#addLayer(id);
    layer.named = true;
    if (this.#layers.restart(layer)) this.#speed.record(now, this.#layers.receivedTotal);
  }

  /** A layer first seen now; held back from the counts when it may be podman's config blob (never with a plan: it names the config). */
  #addLayer(id: string): Layer {
    return this.#layers.add(id, this.#plan === null && mayBePodmanConfigBlob(this.#layers.all(), this.#reportsExtraction));
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
      .map((layer) => ({ phase: layer.phase, size: layer.size, downloaded: inHand(layer) }));
    const raw = rawPercent({ layers, sawBytes: this.#sawBytes });
    if (this.#state !== 'pulling') return;
    this.#percent = advancePercent(this.#percent, raw, this.#rawPercent);
    if (raw !== null) this.#rawPercent = raw;
  }

  /**
   * Seconds to ready once `download` seconds have brought the last byte:
   * the unpacking left after it, timed where the engine reports unpacking
   * (eta.ts, secondsToReady), else by its silent ends in earlier pulls.
   * Null while unpacking with nothing to time it by.
   */
  #secondsToReady(phase: PullPhase, fetched: Layer[], bytesTotal: number, download: number, now: number): number | null {
    if (this.#reportsExtraction) {
      const unpackLeft = unpackSecondsLeft(fetched, this.#extractionUnits, now, this.#unpackedBefore);
      return phase === 'extracting' && unpackLeft === null ? null : secondsToReady(fetched, now, download, unpackLeft ?? []);
    }
    const silentEnd = silentEndSecondsLeft(bytesTotal, this.#unpackedBefore, this.#bytesInAt === null ? 0 : (now - this.#bytesInAt) / 1000);
    return phase === 'extracting' && silentEnd === null ? null : download + (silentEnd ?? 0);
  }

  /**
   * Where the pull stands. Once every layer is downloaded: `extracting` while
   * a layer is not yet reported extracted, or, where the engine never reports
   * extraction (podman), until it names the image (it unpacks the layers
   * meanwhile, and says nothing of it); then `finalizing`.
   */
  #phase(layers: Layer[]): PullPhase | null {
    if (this.#state !== 'pulling') return null;
    if (this.#sawFinalizing || this.#sawImageNamed) return 'finalizing';
    // Layers only the manifest named: the engine has not started on them yet.
    if (layers.every((layer) => !layer.named)) return 'resolving';
    if (layers.some((layer) => !isDownloaded(layer.phase))) return 'downloading';
    if (!this.#reportsExtraction) return layers.some((layer) => layer.phase !== 'cached') ? 'extracting' : 'finalizing';
    if (layers.some((layer) => layer.phase !== 'cached' && !this.#isFinished(layer))) return 'extracting';
    return 'finalizing';
  }
}
