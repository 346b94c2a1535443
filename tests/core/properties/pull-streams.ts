/**
 * fast-check arbitraries of engine pull output in the four shapes slotpull
 * reads — dockerd's JSON (`POST /images/create`), podman compat's JSON,
 * podman libpod's JSON, the docker CLI's text and the podman CLI's text —
 * modelled on the captures in tests/fixtures/. A stream is built from
 * per-layer scripts (sizes, byte counts, retries, missing totals, cached
 * layers), interleaved at random, then roughed up: duplicated lines, swapped
 * lines, dropped lines and garbage lines.
 */
import fc from 'fast-check';
import type { PullOutputFormat } from '../../../server/core/types.ts';

export type StreamShape = 'dockerd' | 'podman-compat' | 'podman-libpod' | 'docker-cli' | 'podman-cli';

/** The parser each shape needs. */
export const FORMAT_OF: Readonly<Record<StreamShape, PullOutputFormat>> = {
  dockerd: 'engine-json',
  'podman-compat': 'engine-json',
  'podman-libpod': 'engine-json',
  'docker-cli': 'docker-cli',
  'podman-cli': 'podman-cli',
};

const SHAPES = Object.keys(FORMAT_OF) as StreamShape[];
const REFERENCE = '127.0.0.1:5000/feas/multi:1';
/** Largest layer generated: a few GB, like a model-serving image. */
const MAX_LAYER_BYTES = 4 * 1024 ** 3;

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** How a layer's download reports its total. */
type TotalMode = 'exact' | 'missing' | 'zero';

interface LayerPlan {
  digest: string;
  size: number;
  cached: boolean;
  /** Fractions of the size reported while downloading, in order. */
  downloads: number[];
  totalMode: TotalMode;
  /** Retry after this many download lines (a broken connection), if any. */
  retryAfter: number | null;
  /** Fractions of the size reported while extracting (dockerd). */
  extracts: number[];
  /** containerd reports extraction in seconds. */
  extractInSeconds: boolean;
}

const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }).map((values) => [...values].sort((a, b) => a - b));

const layerPlan: fc.Arbitrary<LayerPlan> = fc.record({
  digest: hex(64),
  size: fc.integer({ min: 1, max: MAX_LAYER_BYTES }),
  /** About one layer in five is already on disk. */
  cached: fc.nat(4).map((n) => n === 0),
  downloads: fractions,
  totalMode: fc.constantFrom<TotalMode>('exact', 'exact', 'exact', 'missing', 'zero'),
  retryAfter: fc.option(fc.nat(4), { freq: 4 }),
  extracts: fractions,
  extractInSeconds: fc.boolean(),
});

const json = (value: unknown) => JSON.stringify(value);
const status = (text: string, id?: string, detail: Record<string, unknown> = {}) =>
  json({ status: text, progressDetail: detail, ...(id === undefined ? {} : { id }) });

/** One layer's lines in order, in a shape. */
function layerScript(shape: StreamShape, plan: LayerPlan): string[] {
  const id = plan.digest.slice(0, 12);
  const bytes = (fraction: number) => Math.floor(fraction * plan.size);
  const detail = (current: number): Record<string, unknown> =>
    plan.totalMode === 'exact' ? { current, total: plan.size } : plan.totalMode === 'zero' ? { current, total: 0 } : { current };
  const downloading = (fractionsDone: number[]) => fractionsDone.map((f) => status('Downloading', id, detail(bytes(f))));
  const withRetry = (lines: string[], retry: string) => {
    if (plan.retryAfter === null) return lines;
    const at = Math.min(plan.retryAfter, lines.length);
    return [...lines.slice(0, at), retry, ...lines];
  };

  switch (shape) {
    case 'dockerd': {
      if (plan.cached) return [status('Already exists', id)];
      const extracting = plan.extracts.map((f) =>
        plan.extractInSeconds ? status('Extracting', id, { current: Math.ceil(f * 30), units: 's' }) : status('Extracting', id, { current: bytes(f), total: plan.size }),
      );
      return [
        status('Pulling fs layer', id),
        status('Waiting', id),
        ...withRetry(downloading(plan.downloads), status('Retrying in 5 seconds', id)),
        status('Verifying Checksum', id),
        status('Download complete', id),
        ...extracting,
        status('Pull complete', id),
      ];
    }
    case 'podman-compat':
      if (plan.cached) return [status('Already exists', id)];
      return [status('Pulling fs layer', id), ...downloading(plan.downloads), status('Download complete', id)];
    case 'podman-libpod': {
      const done = plan.cached ? `Copying blob ${plan.digest} skipped: already exists` : `Copying blob ${plan.digest} done`;
      return [json({ stream: `Copying blob sha256:${plan.digest}\n` }), json({ stream: `${done}\n` })];
    }
    case 'docker-cli': {
      if (plan.cached) return [`${id}: Already exists`];
      const lines = [`${id}: Pulling fs layer`, `${id}: Waiting`, ...plan.downloads.map(() => `${id}: Downloading`)];
      return [...withRetry(lines, `${id}: Retrying in 3 seconds`), `${id}: Verifying Checksum`, `${id}: Download complete`, `${id}: Extracting`, `${id}: Pull complete`];
    }
    case 'podman-cli':
      return [`Copying blob sha256:${plan.digest}`, plan.cached ? `Copying blob ${plan.digest} skipped: already exists` : `Copying blob ${plan.digest} done`];
  }
}

/** The lines before and after the layers, in a shape. */
function frame(shape: StreamShape, imageId: string): { head: string[]; tail: string[] } {
  const digest = `sha256:${imageId}`;
  switch (shape) {
    case 'dockerd':
      return { head: [status('Pulling from feas/multi', '1')], tail: [status(`Digest: ${digest}`), status(`Status: Downloaded newer image for ${REFERENCE}`)] };
    case 'podman-compat': {
      const short = imageId.slice(0, 12);
      return { head: [], tail: [status('Pulling fs layer', short), status('Download complete', short), status('Download complete', short)] };
    }
    case 'podman-libpod':
      return {
        head: [json({ stream: `Trying to pull ${REFERENCE}...\n` }), json({ stream: 'Getting image source signatures\n' })],
        tail: [json({ stream: `Copying config ${digest}\nWriting manifest to image destination\nStoring signatures\n` }), json({ images: [imageId], id: imageId })],
      };
    case 'docker-cli':
      return { head: [`Using default tag: latest`, '1: Pulling from feas/multi'], tail: [`Digest: ${digest}`, `Status: Downloaded newer image for ${REFERENCE}`, REFERENCE] };
    case 'podman-cli':
      return {
        head: [`Trying to pull ${REFERENCE}...`, 'Getting image source signatures'],
        tail: [`Copying config ${digest}`, 'Writing manifest to image destination', 'Storing signatures', imageId],
      };
  }
}

/** Merges per-layer scripts, keeping each one's order: `picks` choose which layer speaks next. */
function interleave(scripts: string[][], picks: number[]): string[] {
  const queues = scripts.map((script) => [...script]);
  const out: string[] = [];
  let step = 0;
  for (;;) {
    const open = queues.filter((queue) => queue.length > 0);
    if (open.length === 0) return out;
    out.push(open[(picks[step++] ?? 0) % open.length]!.shift()!);
  }
}

/** Lines no engine should send, and some they do when something in between breaks. */
export const garbageLine: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 80 }).map((text) => text.replace(/[\r\n]/g, ' ')),
  fc.constantFrom(
    '<html><body><h1>502 Bad Gateway</h1></body></html>',
    '{"status":"Downloading","progressDetail":{"current":12',
    '{}',
    '[]',
    'null',
    '42',
    '"Downloading"',
    '{"status":5,"id":7}',
    '{"status":"Downloading","progressDetail":"lots","id":"aaaaaaaaaaaa"}',
    '{"status":"Downloading","progressDetail":{"current":-5,"total":-1},"id":"aaaaaaaaaaaa"}',
    '{"status":"Downloading","progressDetail":{"current":"12","total":"100"},"id":"aaaaaaaaaaaa"}',
    '{"status":"Downloading","progressDetail":{"current":1.5,"total":2.25},"id":"aaaaaaaaaaaa"}',
    '{"status":"Downloading","progressDetail":{"current":1e308,"total":1e308},"id":"aaaaaaaaaaaa"}',
    '{"status":"Downloading","progressDetail":{"current":9007199254740993,"total":18014398509481984},"id":"bbbbbbbbbbbb"}',
    '{"status":"Extracting","progressDetail":{"current":3,"units":"s"},"id":"aaaaaaaaaaaa"}',
    '{"status":"Something new","id":"aaaaaaaaaaaa"}',
    '{"status":"Downloading","id":""}',
    '{"status":"Pull complete","id":"   "}',
    '{"stream":""}',
    '{"stream":"\\n\\n"}',
    '{"images":[],"id":""}',
    '{"images":[42]}',
    'WARN[0000] "/" is not a shared mount, this could cause issues',
    'Copying blob 0123456789ab',
    '\u0000\u0001\u0002',
    '\ufeff{"status":"Pulling fs layer","id":"aaaaaaaaaaaa"}',
  ),
);

/** A line that fails the pull (an engine's in-stream error). */
const errorLine = (shape: StreamShape): string => {
  switch (shape) {
    case 'dockerd':
    case 'podman-compat':
      return json({ errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' });
    case 'podman-libpod':
      return json({ error: 'reading blob: connection reset by peer' });
    case 'docker-cli':
      return 'Error response from daemon: unexpected EOF';
    case 'podman-cli':
      return 'Error: copying system image from manifest list: reading blob: connection reset by peer';
  }
};

type Noise =
  | { kind: 'duplicate'; from: number; to: number }
  | { kind: 'swap'; at: number }
  | { kind: 'drop'; at: number }
  | { kind: 'garbage'; at: number; line: string };

const noise: fc.Arbitrary<Noise> = fc.oneof(
  fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), line: garbageLine }),
);

function roughen(lines: string[], ops: readonly Noise[]): string[] {
  const out = [...lines];
  for (const op of ops) {
    if (out.length === 0) break;
    switch (op.kind) {
      case 'duplicate':
        out.splice(op.to % (out.length + 1), 0, out[op.from % out.length]!);
        break;
      case 'swap': {
        const at = op.at % out.length;
        const next = (at + 1) % out.length;
        [out[at], out[next]] = [out[next]!, out[at]!];
        break;
      }
      case 'drop':
        out.splice(op.at % out.length, 1);
        break;
      case 'garbage':
        out.splice(op.at % (out.length + 1), 0, op.line);
        break;
    }
  }
  return out;
}

/** How a pull ends, from the registry's side. */
export type Ending = 'complete' | 'fail' | 'cancel' | 'none';

export interface PullStream {
  shape: StreamShape;
  format: PullOutputFormat;
  lines: string[];
  /** The text as the engine sends it (LF or CRLF endings; maybe no final newline). */
  text: string;
  /** The text cut into chunks at random places. */
  chunks: string[];
  /** Milliseconds between chunks (0 allowed: a burst). */
  steps: number[];
  ending: Ending;
}

export interface PullStreamOptions {
  /** Apply duplicates, swaps, drops and garbage (default true). */
  roughen?: boolean;
  /** Maybe put an in-stream error line somewhere (default true). */
  errors?: boolean;
}

/** A whole pull's output in one of the five shapes, chunked at random. */
export function pullStream(options: PullStreamOptions = {}): fc.Arbitrary<PullStream> {
  const { roughen: rough = true, errors = true } = options;
  return fc
    .record({
      shape: fc.constantFrom(...SHAPES),
      imageId: hex(64),
      layers: fc.array(layerPlan, { minLength: 1, maxLength: 5 }),
      picks: fc.array(fc.nat(), { maxLength: 80 }),
      noise: rough ? fc.array(noise, { maxLength: 12 }) : fc.constant<Noise[]>([]),
      error: errors ? fc.option(fc.nat(), { freq: 5 }) : fc.constant(null),
      crlf: fc.boolean(),
      finalNewline: fc.boolean(),
      cuts: fc.array(fc.nat(), { maxLength: 40 }),
      steps: fc.array(fc.nat(3000), { minLength: 1, maxLength: 40 }),
      ending: fc.constantFrom<Ending>('complete', 'complete', 'fail', 'cancel', 'none'),
    })
    .map((plan) => {
      const { head, tail } = frame(plan.shape, plan.imageId);
      let lines = [...head, ...interleave(plan.layers.map((layer) => layerScript(plan.shape, layer)), plan.picks), ...tail];
      lines = roughen(lines, plan.noise);
      if (plan.error !== null) lines.splice(plan.error % (lines.length + 1), 0, errorLine(plan.shape));
      const newline = plan.crlf ? '\r\n' : '\n';
      const text = lines.join(newline) + (plan.finalNewline ? newline : '');
      return { shape: plan.shape, format: FORMAT_OF[plan.shape], lines, text, chunks: cutAt(text, plan.cuts), steps: plan.steps, ending: plan.ending };
    });
}

/** `text` cut at the given places (taken modulo its length); the chunks join back to `text`. */
export function cutAt(text: string, cuts: number[]): string[] {
  if (text.length === 0) return [];
  const points = [...new Set(cuts.map((cut) => cut % text.length))].filter((point) => point > 0).sort((a, b) => a - b);
  const chunks: string[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(text.slice(start, point));
    start = point;
  }
  chunks.push(text.slice(start));
  return chunks;
}
