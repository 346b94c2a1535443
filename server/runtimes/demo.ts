/**
 * The demo runtime: a simulated engine for the built-in demo config, so every
 * state a dashboard shows can be seen without docker or podman. It speaks
 * dockerd's `/images/create` JSON lines byte for byte (CRLF, `\u003e` in the
 * progress bar), so its output goes through the same parser as a real engine.
 *
 * Like dockerd, it downloads three layers at a time, says a layer's size
 * only once its download starts, and extracts the layers one by one in
 * order, each after its download. Beside a pull it gives the image's layer
 * plan after a registry's round-trip, as the engine runtimes read it from a
 * manifest — except for the one image whose manifest can't be read.
 *
 * All timing goes through the injected Clock and all randomness through a
 * seeded PRNG: one seed, one line sequence, one timing.
 */
import { seededRandom } from '../core/seeded-random.ts';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { PushQueue } from '../core/push-queue.ts';
import type { ImageReference } from '../core/reference.ts';
import { RuntimeFailure, type ContainerRuntime, type ContainerState } from '../core/runtime.ts';
import type { LayerPlan } from '../core/types.ts';
import { DEMO_CONTAINERS, DEMO_IMAGES, type DemoImage } from './demo-images.ts';

export interface DemoRuntimeOptions {
  /** Every delay of the simulation goes through it (tests pass one over fake timers). */
  clock: Clock;
  /** Same seed, same lines and timings. Default 1. */
  seed?: number;
  /** Multiplies download and extraction speed (tests use large values). Default 1. */
  speedFactor?: number;
}

const DEFAULT_SEED = 1;
/** dockerd sends progress about every 250 ms; each tick is this ± the jitter. */
const TICK_MS = 250;
const TICK_JITTER_MS = 30;
/** Manifest round-trip before `Pulling from`. */
const RESOLVE_MS = { min: 300, max: 700 } as const;
/** Gap between `Pulling from` and the layer list, and before `Digest:` of an up-to-date image. */
const SHORT_GAP_MS = { min: 20, max: 80 } as const;
const MAX_PARALLEL_DOWNLOADS = 3;
/** Total download speed of one pull, bytes per second, before speedFactor. */
const DOWNLOAD_BPS = { min: 20e6, max: 60e6 } as const;
/** Per-tick jitter of the download speed, as a fraction either way. */
const DOWNLOAD_JITTER = 0.2;
/** How unevenly parallel downloads share the bandwidth, as a fraction either way. */
const SHARE_JITTER = 0.3;
const EXTRACT_BPS = { min: 200e6, max: 400e6 } as const;
/** A registry's token and manifest round-trips, before the layer plan is known. */
const MANIFEST_READ_MS = { min: 100, max: 300 } as const;
/** Mixed into the seed for the manifest read, so its timing is its own stream and leaves the pull's lines as they were. */
const MANIFEST_STREAM = 0x6d616e69;

/** Creates the demo runtime. Its image store lives in the returned object only. */
export function createDemoRuntime(options: DemoRuntimeOptions): ContainerRuntime {
  const { clock } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const speedFactor = options.speedFactor ?? 1;
  if (!Number.isInteger(seed)) throw new RangeError(`'seed' must be an integer, got ${seed}`);
  if (!(speedFactor > 0 && Number.isFinite(speedFactor))) {
    throw new RangeError(`'speedFactor' must be a positive number, got ${speedFactor}`);
  }
  const catalogue = new Map(DEMO_IMAGES.map((image) => [image.reference, image]));
  const present = new Set(DEMO_IMAGES.filter((image) => image.presentAtStart).map((image) => image.reference));
  /** Images whose failing pull has failed once: their next pulls succeed. */
  const failedOnce = new Set<string>();
  const find = (image: ImageReference): DemoImage | undefined =>
    catalogue.get(image.key) ?? catalogue.get(image.explicit);

  return {
    name: 'demo',
    async inspectImage(image, signal) {
      if (signal?.aborted) throw new RuntimeFailure('demo image inspect was cancelled', { cancelled: true });
      const known = find(image);
      return known !== undefined && present.has(known.reference) ? 'present' : 'missing';
    },
    readLayerPlan(image, signal) {
      const known = find(image);
      const random = seededRandom(seed ^ fnv1a(image.key) ^ MANIFEST_STREAM);
      return new Promise((resolve) => {
        if (signal.aborted) return resolve(null);
        const timer = clock.setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve(known === undefined || known.manifestUnreadable === true ? null : layerPlanOf(known));
        }, Math.round(between(random, MANIFEST_READ_MS.min, MANIFEST_READ_MS.max)));
        const onAbort = (): void => {
          clock.clearTimeout(timer);
          resolve(null);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    pullImage(image, signal) {
      const known = find(image);
      const random = seededRandom(seed ^ fnv1a(image.key));
      const plan: PullPlan = {
        image,
        known,
        present: known !== undefined && present.has(known.reference),
        downloadBps: between(random, DOWNLOAD_BPS.min + 5e6, DOWNLOAD_BPS.max - 5e6),
        extractBps: between(random, EXTRACT_BPS.min, EXTRACT_BPS.max),
        speedFactor,
        failure: known === undefined || failedOnce.has(known.reference) ? undefined : known.failure,
        onSuccess: () => {
          if (known !== undefined) present.add(known.reference);
        },
        onFailure: () => {
          if (known !== undefined) failedOnce.add(known.reference);
        },
      };
      return { format: 'engine-json', chunks: runPull(plan, clock, random, signal) };
    },
    async containerStates(names, signal) {
      if (signal?.aborted) throw new RuntimeFailure('demo container list was cancelled', { cancelled: true });
      return new Map(names.map((name): [string, ContainerState] => [name, { ...(DEMO_CONTAINERS[name] ?? { status: 'absent', error: null }) }]));
    },
  };
}

interface PullPlan {
  image: ImageReference;
  known: DemoImage | undefined;
  present: boolean;
  downloadBps: number;
  extractBps: number;
  speedFactor: number;
  /** How this pull fails part-way, if it does. */
  failure: DemoImage['failure'];
  onSuccess: () => void;
  onFailure: () => void;
}

interface LayerRun {
  id: string;
  size: number;
  downloaded: number;
  extracted: number;
  state: 'waiting' | 'downloading' | 'downloaded' | 'complete';
}

/**
 * Drives one simulated pull and returns its output: one timer pending at a
 * time, cleared on abort or when the consumer stops iterating, so a stopped
 * pull leaves nothing behind.
 */
function runPull(plan: PullPlan, clock: Clock, random: () => number, signal: AbortSignal): PushQueue<string> {
  let timer: TimerHandle | null = null;
  const stop = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    signal.removeEventListener('abort', onAbort);
  };
  const output = new PushQueue<string>({ onReturn: stop });
  const onAbort = (): void => {
    stop();
    output.discard();
    output.end();
  };
  const after = (ms: number, step: () => void): void => {
    timer = clock.setTimeout(() => {
      timer = null;
      step();
    }, Math.round(ms));
  };
  const emit = (...messages: object[]): void => output.push(messages.map(engineLine).join(''));
  const succeed = (): void => {
    stop();
    plan.onSuccess();
    output.end();
  };
  if (signal.aborted) {
    output.end();
    return output;
  }
  signal.addEventListener('abort', onAbort, { once: true });

  const { image, known } = plan;
  const pulling = { status: `Pulling from ${repositoryPath(image)}`, id: image.pullTag };
  after(between(random, RESOLVE_MS.min, RESOLVE_MS.max), () => {
    if (known === undefined) {
      // dockerd answers HTTP 404 before any stream line.
      stop();
      const message = `manifest for ${familiar(image)} not found: manifest unknown: manifest unknown`;
      output.fail(new RuntimeFailure(message, { http_status: 404 }));
      return;
    }
    emit(pulling);
    if (plan.present) {
      emit(...known.layers.map((layer) => bare('Already exists', layer.id)));
      after(between(random, SHORT_GAP_MS.min, SHORT_GAP_MS.max), () => {
        emit({ status: `Digest: ${known.digest}` }, { status: `Status: Image is up to date for ${familiar(image)}` });
        succeed();
      });
      return;
    }
    const layers: LayerRun[] = known.layers.map((l) => ({ ...l, downloaded: 0, extracted: 0, state: 'waiting' }));
    const totalBytes = layers.reduce((sum, layer) => sum + layer.size, 0);
    const { failure } = plan;
    const failAt = failure === undefined ? Infinity : Math.floor(totalBytes * failure.afterFraction);
    let downloadedBytes = 0;
    let nextExtract = 0;

    const tick = (ms: number): void => {
      const out: object[] = [];
      // Downloads: up to three at a time, sharing this tick's bytes.
      for (const layer of layers) {
        const active = layers.filter((l) => l.state === 'downloading').length;
        if (layer.state === 'waiting' && active < MAX_PARALLEL_DOWNLOADS) layer.state = 'downloading';
      }
      const jitter = 1 + (random() * 2 - 1) * DOWNLOAD_JITTER;
      const bps = clamp(plan.downloadBps * jitter, DOWNLOAD_BPS.min, DOWNLOAD_BPS.max) * plan.speedFactor;
      const budget = Math.min(Math.round((bps * ms) / 1000), failAt - downloadedBytes);
      const active = layers.filter((l) => l.state === 'downloading');
      downloadedBytes += share(active, budget, random);
      for (const layer of active) {
        if (layer.downloaded < layer.size) {
          out.push(progress('Downloading', layer.id, layer.downloaded, layer.size));
        } else {
          layer.state = 'downloaded';
          out.push(bare('Verifying Checksum', layer.id), bare('Download complete', layer.id));
        }
      }
      if (downloadedBytes >= failAt && failure !== undefined) {
        const message = failure.message;
        emit(...out, { errorDetail: { message }, error: message });
        stop();
        plan.onFailure();
        output.end();
        return;
      }
      // Extraction: one layer at a time, in layer order, each once downloaded.
      let extractBudget = Math.round(((plan.extractBps * between(random, 0.9, 1.1) * ms) / 1000) * plan.speedFactor);
      while (extractBudget > 0 && nextExtract < layers.length) {
        const layer = layers[nextExtract] as LayerRun;
        if (layer.state !== 'downloaded') break;
        const step = Math.min(extractBudget, layer.size - layer.extracted);
        layer.extracted += step;
        extractBudget -= step;
        out.push(progress('Extracting', layer.id, layer.extracted, layer.size));
        if (layer.extracted < layer.size) break;
        layer.state = 'complete';
        out.push(bare('Pull complete', layer.id));
        nextExtract += 1;
      }
      if (nextExtract === layers.length) {
        out.push({ status: `Digest: ${known.digest}` }, { status: `Status: Downloaded newer image for ${familiar(image)}` });
        emit(...out);
        succeed();
        return;
      }
      if (out.length > 0) emit(...out);
      scheduleTick();
    };
    const scheduleTick = (): void => {
      const ms = TICK_MS + (random() * 2 - 1) * TICK_JITTER_MS;
      after(ms, () => tick(ms));
    };

    after(between(random, SHORT_GAP_MS.min, SHORT_GAP_MS.max), () => {
      emit(
        ...layers.map((layer) => bare('Pulling fs layer', layer.id)),
        ...layers.slice(MAX_PARALLEL_DOWNLOADS).map((layer) => bare('Waiting', layer.id)),
      );
      scheduleTick();
    });
  });
  return output;
}

/** The image's layers as its manifest would list them: digests that begin with the short ids the pull prints. */
function layerPlanOf(image: DemoImage): LayerPlan {
  return {
    layers: image.layers.map((layer) => ({ digest: `sha256:${layer.id}${hexOf(`${image.reference} ${layer.id}`, 52)}`, size: layer.size })),
    config: `sha256:${hexOf(`${image.reference} config`, 64)}`,
  };
}

/** `length` hex digits derived from `text` (FNV-1a, chained): stable, never random. */
function hexOf(text: string, length: number): string {
  let hex = '';
  let hash = fnv1a(text);
  while (hex.length < length) {
    hex += hash.toString(16).padStart(8, '0');
    hash = fnv1a(`${hash} ${text}`);
  }
  return hex.slice(0, length);
}

/**
 * Splits `budget` bytes over the layers by weight (connections are never
 * equally fast), giving what a finishing layer cannot use to the others.
 * Returns the bytes given: all of `budget` unless every layer finished.
 */
function share(layers: LayerRun[], budget: number, random: () => number): number {
  const weights = new Map(layers.map((layer) => [layer, between(random, 1 - SHARE_JITTER, 1 + SHARE_JITTER)]));
  let left = Math.max(0, budget);
  let open = layers.filter((layer) => layer.downloaded < layer.size);
  while (left > 0 && open.length > 0) {
    const weightSum = open.reduce((sum, layer) => sum + (weights.get(layer) as number), 0);
    const round = left;
    for (const layer of open) {
      const each = Math.ceil((round * (weights.get(layer) as number)) / weightSum);
      const take = Math.min(each, layer.size - layer.downloaded, left);
      layer.downloaded += take;
      left -= take;
    }
    open = open.filter((layer) => layer.downloaded < layer.size);
  }
  return Math.max(0, budget) - left;
}

/** A layer status without bytes, shaped like dockerd's. */
function bare(status: string, id: string): object {
  return { status, progressDetail: {}, id };
}

/** A layer status with bytes and dockerd's text progress bar. */
function progress(status: string, id: string, current: number, total: number): object {
  return { status, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

/** docker's JSONProgress.String() for a wide terminal: `[===>   ]  1.2MB/3.4MB`. */
function progressBar(current: number, total: number): string {
  const filled = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  return `[${'='.repeat(filled)}>${' '.repeat(50 - filled)}] ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** go-units HumanSize: decimal units, 4 significant digits (`%.4g`). */
function humanSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < SIZE_UNITS.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return `${Number(size.toPrecision(4))}${SIZE_UNITS[unit]}`;
}

/** One stream line as dockerd writes it: Go's JSON escaping and CRLF. */
function engineLine(message: object): string {
  const json = JSON.stringify(message).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  return `${json}\r\n`;
}

/** Repository path without the host, as in `Pulling from acme/llama-server`. */
function repositoryPath(image: ImageReference): string {
  const suffix = image.digest === null ? `:${image.tag}` : `@${image.digest}`;
  return image.key.slice(image.key.indexOf('/') + 1, image.key.length - suffix.length);
}

/** The reference as docker prints it (`nginx:latest`, `ghcr.io/acme/x:1`). */
function familiar(image: ImageReference): string {
  return image.key.replace(/^docker\.io\/(?:library\/(?=[^/]+$))?/, '').replace(/^docker\.io\//, '');
}

function between(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** FNV-1a, so each image gets its own stream of the seed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
