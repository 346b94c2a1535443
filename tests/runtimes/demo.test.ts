/**
 * The demo runtime under fake timers: no real sleeps, every timer accounted for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../server/core/clock.ts';
import { createPullParser } from '../../server/core/parse/parser.ts';
import { parseImageReference } from '../../server/core/reference.ts';
import { RuntimeFailure, type ContainerRuntime } from '../../server/core/runtime.ts';
import { createDemoRuntime } from '../../server/runtimes/demo.ts';
import { DEMO_IMAGES } from '../../server/runtimes/demo-images.ts';
import { countingClock } from '../helpers/clock.ts';

const LLAMA = 'ghcr.io/acme/llama-server:vulkan';
const VISION = 'ghcr.io/acme/vision-server:0.9';
const RERANK = 'ghcr.io/acme/rerank-server:1.2';

/** A clock over whatever the globals are at call time (vi's fakes in these tests). */
const fakeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

interface Line {
  /** Fake milliseconds since the pull started. */
  at: number;
  text: string;
  json: Record<string, any>;
}

interface PullRun {
  lines: Line[];
  error: unknown;
  format: string;
}

/** Runs a pull to its end under fake time, collecting every line with its fake time. */
async function pullToEnd(runtime: ContainerRuntime, raw: string): Promise<PullRun> {
  const start = Date.now();
  const output = runtime.pullImage(parseImageReference(raw), new AbortController().signal);
  const lines: Line[] = [];
  let error: unknown = null;
  const consumed = (async () => {
    try {
      let carry = '';
      for await (const chunk of output.chunks) {
        const parts = (carry + chunk).split('\r\n');
        carry = parts.pop() as string;
        for (const text of parts) lines.push({ at: Date.now() - start, text, json: JSON.parse(text) });
      }
      expect(carry).toBe('');
    } catch (caught) {
      error = caught;
    }
  })();
  await vi.runAllTimersAsync();
  await consumed;
  return { lines, error, format: output.format };
}

function layersOf(raw: string) {
  const image = DEMO_IMAGES.find((candidate) => candidate.reference === raw);
  if (image === undefined) throw new Error(`no demo image ${raw}`);
  return image.layers;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('determinism', () => {
  it('gives the same lines at the same times for the same seed', async () => {
    const first = await pullToEnd(createDemoRuntime({ clock: fakeClock, seed: 7 }), LLAMA);
    const second = await pullToEnd(createDemoRuntime({ clock: fakeClock, seed: 7 }), LLAMA);
    expect(second.lines).toEqual(first.lines);
    expect(first.lines.length).toBeGreaterThan(100);
  });

  it('gives other timings for another seed', async () => {
    const first = await pullToEnd(createDemoRuntime({ clock: fakeClock, seed: 7 }), LLAMA);
    const other = await pullToEnd(createDemoRuntime({ clock: fakeClock, seed: 8 }), LLAMA);
    expect(other.lines.map((l) => l.text)).not.toEqual(first.lines.map((l) => l.text));
  });
});

describe('the large image', () => {
  it('streams dockerd-shaped lines for 9 layers whose bytes add up to the layer sizes', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock, seed: 1 });
    const run = await pullToEnd(runtime, LLAMA);
    const layers = layersOf(LLAMA);
    const sizes = new Map(layers.map((layer) => [layer.id, layer.size]));
    expect(run.error).toBeNull();
    expect(run.format).toBe('engine-json');

    const { lines } = run;
    expect(lines[0]?.text).toBe('{"status":"Pulling from acme/llama-server","id":"vulkan"}');
    const layerLines = lines.filter((l) => typeof l.json.id === 'string' && l.json.id !== 'vulkan');
    expect(new Set(layerLines.map((l) => l.json.id)).size).toBe(9);
    expect([...new Set(layerLines.map((l) => l.json.id))].sort()).toEqual([...sizes.keys()].sort());

    // Every progress total is the layer's size; every layer extracts to its full size.
    const totalSeen = new Map<string, number>();
    for (const { json } of layerLines) {
      if (json.progressDetail?.total !== undefined) {
        expect(json.progressDetail.total).toBe(sizes.get(json.id));
        expect(json.progressDetail.current).toBeLessThanOrEqual(json.progressDetail.total);
        totalSeen.set(json.id, json.progressDetail.total);
      }
    }
    const sum = [...totalSeen.values()].reduce((a, b) => a + b, 0);
    expect(sum).toBe(layers.reduce((a, layer) => a + layer.size, 0));
    expect(sum).toBeGreaterThan(1.3e9);
    expect(sum).toBeLessThan(1.5e9);
    for (const layer of layers) {
      const extracting = layerLines.filter((l) => l.json.id === layer.id && l.json.status === 'Extracting');
      expect(extracting.at(-1)?.json.progressDetail).toEqual({ current: layer.size, total: layer.size });
    }

    // Each layer's life in dockerd's order.
    for (const layer of layers) {
      const statuses = layerLines.filter((l) => l.json.id === layer.id).map((l) => l.json.status as string);
      const order = ['Pulling fs layer', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete'];
      const positions = order.map((status) => statuses.indexOf(status));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }

    // Pull complete in layer order (sequential extraction).
    const completed = layerLines.filter((l) => l.json.status === 'Pull complete').map((l) => l.json.id);
    expect(completed).toEqual(layers.map((layer) => layer.id));

    // Layers 4..9 wait; at most three download at once, and three do at some point.
    expect(layerLines.filter((l) => l.json.status === 'Waiting').map((l) => l.json.id)).toEqual(
      layers.slice(3).map((layer) => layer.id),
    );
    const downloading = new Set<string>();
    let most = 0;
    for (const { json } of layerLines) {
      if (json.status === 'Downloading') downloading.add(json.id);
      if (json.status === 'Download complete') downloading.delete(json.id);
      most = Math.max(most, downloading.size);
    }
    expect(most).toBe(3);

    expect(lines.at(-2)?.json.status).toMatch(/^Digest: sha256:[0-9a-f]{64}$/);
    expect(lines.at(-1)?.text).toBe(`{"status":"Status: Downloaded newer image for ${LLAMA}"}`);
    expect(await runtime.inspectImage(parseImageReference(LLAMA))).toBe('present');
  });

  it('downloads at 20–60 MB/s with progress about every 250 ms', async () => {
    const run = await pullToEnd(createDemoRuntime({ clock: fakeClock, seed: 3 }), LLAMA);
    const total = layersOf(LLAMA).reduce((a, layer) => a + layer.size, 0);
    const downloads = run.lines.filter((l) => l.json.status === 'Downloading' || l.json.status === 'Download complete');
    const seconds = ((downloads.at(-1)?.at ?? 0) - (downloads[0]?.at ?? 0)) / 1000;
    expect(total / seconds).toBeGreaterThan(20e6);
    expect(total / seconds).toBeLessThan(60e6);

    const firstLayer = layersOf(LLAMA)[3]?.id;
    const times = run.lines.filter((l) => l.json.id === firstLayer && l.json.status === 'Downloading').map((l) => l.at);
    expect(times.length).toBeGreaterThan(10);
    for (let i = 1; i < times.length; i += 1) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(219);
      expect(gap).toBeLessThanOrEqual(281);
    }
  });

  it('speeds up with speedFactor', async () => {
    const normal = await pullToEnd(createDemoRuntime({ clock: fakeClock }), LLAMA);
    const fast = await pullToEnd(createDemoRuntime({ clock: fakeClock, speedFactor: 10 }), LLAMA);
    expect((fast.lines.at(-1)?.at ?? 0) * 5).toBeLessThan(normal.lines.at(-1)?.at ?? 0);
    expect(fast.lines.at(-1)?.json.status).toBe(`Status: Downloaded newer image for ${LLAMA}`);
  });

  it('formats bytes and the bar exactly as dockerd does', async () => {
    const run = await pullToEnd(createDemoRuntime({ clock: fakeClock }), LLAMA);
    const line = run.lines.find((l) => l.json.status === 'Downloading');
    expect(line?.text).toMatch(
      /^\{"status":"Downloading","progressDetail":\{"current":\d+,"total":\d+\},"progress":"\[=*\\u003e *\] +[\d.]+[kMG]?B\/[\d.]+[kMG]?B","id":"[0-9a-f]{12}"\}$/,
    );
    const bar = (line?.json.progress as string).slice(1, 52);
    expect(bar).toHaveLength(51);
    const complete = run.lines.find((l) => l.json.status === 'Pull complete');
    expect(complete?.text).toMatch(/^\{"status":"Pull complete","progressDetail":\{\},"id":"[0-9a-f]{12}"\}$/);
    const big = run.lines.find((l) => l.json.id === '4e52a64c2c68' && l.json.status === 'Extracting');
    expect(big?.json.progress).toMatch(/\/612\.4MB$/);
  });

  it('is parsed by the engine-json parser without an unparsed line', async () => {
    const run = await pullToEnd(createDemoRuntime({ clock: fakeClock }), LLAMA);
    const parser = createPullParser('engine-json');
    const events = [...parser.push(run.lines.map((l) => `${l.text}\r\n`).join('')), ...parser.flush()];
    expect(events.filter((e) => e.kind === 'unparsed')).toEqual([]);
    expect(events.filter((e) => e.kind === 'error')).toEqual([]);
  });

  it('shows Already exists for every layer when pulled again', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock, speedFactor: 20 });
    await pullToEnd(runtime, LLAMA);
    const again = await pullToEnd(runtime, LLAMA);
    expect(again.lines.filter((l) => l.json.status === 'Already exists')).toHaveLength(9);
    expect(again.lines.at(-1)?.json.status).toBe(`Status: Image is up to date for ${LLAMA}`);
  });
});

describe('the failing image', () => {
  it('ends with a registry error line after about 60% of its bytes', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    const run = await pullToEnd(runtime, VISION);
    const layers = layersOf(VISION);
    expect(run.error).toBeNull(); // dockerd: HTTP 200, then an error line
    const last = run.lines.at(-1)?.json;
    expect(last).toEqual({
      errorDetail: { message: 'received unexpected HTTP status: 503 Service Unavailable' },
      error: 'received unexpected HTTP status: 503 Service Unavailable',
    });
    expect(run.lines.at(-1)?.text.startsWith('{"errorDetail":')).toBe(true);

    let bytes = 0;
    for (const layer of layers) {
      const own = run.lines.filter((l) => l.json.id === layer.id);
      if (own.some((l) => l.json.status === 'Download complete')) bytes += layer.size;
      else bytes += own.filter((l) => l.json.status === 'Downloading').at(-1)?.json.progressDetail.current ?? 0;
    }
    const fraction = bytes / layers.reduce((a, layer) => a + layer.size, 0);
    expect(fraction).toBeGreaterThan(0.55);
    expect(fraction).toBeLessThan(0.65);
    expect(run.lines.some((l) => String(l.json.status).startsWith('Status:'))).toBe(false);
    expect(await runtime.inspectImage(parseImageReference(VISION))).toBe('missing');
  });

  it('fails only its first pull: a retry completes, and the image is present', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock, speedFactor: 50 });
    expect((await pullToEnd(runtime, VISION)).lines.at(-1)?.json.error).toBe('received unexpected HTTP status: 503 Service Unavailable');
    const retry = await pullToEnd(runtime, VISION);
    expect(retry.lines.at(-1)?.json.status).toBe(`Status: Downloaded newer image for ${VISION}`);
    expect(await runtime.inspectImage(parseImageReference(VISION))).toBe('present');
    // Another runtime (another server) fails its first pull again.
    expect((await pullToEnd(createDemoRuntime({ clock: fakeClock, speedFactor: 50 }), VISION)).lines.at(-1)?.json.error).toBeDefined();
  });

  it('fails at about 60% even at high speed', async () => {
    const run = await pullToEnd(createDemoRuntime({ clock: fakeClock, speedFactor: 50 }), VISION);
    const parser = createPullParser('engine-json');
    const events = parser.push(run.lines.map((l) => `${l.text}\r\n`).join(''));
    expect(events.at(-1)).toEqual({ kind: 'error', message: 'received unexpected HTTP status: 503 Service Unavailable' });
  });
});

describe('presence and containers', () => {
  it('has the rerank image at start and pulls it as up to date', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    expect(await runtime.inspectImage(parseImageReference(RERANK))).toBe('present');
    expect(await runtime.inspectImage(parseImageReference(LLAMA))).toBe('missing');
    const run = await pullToEnd(runtime, RERANK);
    expect(run.lines.map((l) => l.json.status)).toEqual([
      'Pulling from acme/rerank-server',
      'Already exists',
      'Already exists',
      'Already exists',
      expect.stringMatching(/^Digest: sha256:/),
      `Status: Image is up to date for ${RERANK}`,
    ]);
  });

  it('fails any other reference like dockerd, with a not-found error', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    const run = await pullToEnd(runtime, 'ghcr.io/acme/nope:1');
    expect(run.lines).toEqual([]);
    expect(run.error).toBeInstanceOf(RuntimeFailure);
    expect((run.error as RuntimeFailure).message).toBe(
      'manifest for ghcr.io/acme/nope:1 not found: manifest unknown: manifest unknown',
    );
    expect((run.error as RuntimeFailure).details).toEqual({ http_status: 404 });
    const hub = await pullToEnd(runtime, 'nginx');
    expect((hub.error as Error).message).toBe('manifest for nginx:latest not found: manifest unknown: manifest unknown');
    expect(await runtime.inspectImage(parseImageReference('ghcr.io/acme/nope:1'))).toBe('missing');
  });

  it('matches the catalogue by canonical reference', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    const run = await pullToEnd(runtime, 'ghcr.io/acme/rerank-server:1.2');
    expect(run.error).toBeNull();
  });

  it('reports the demo containers', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    const names = ['slot-chat', 'slot-rerank', 'slot-vision', 'slot-code', 'anything-else'];
    expect(Object.fromEntries(await runtime.containerStates(names))).toEqual({
      'slot-chat': { status: 'stopped', error: null },
      'slot-rerank': { status: 'crashed', error: 'exited with code 137 (out of memory)' },
      'slot-vision': { status: 'absent', error: null },
      'slot-code': { status: 'absent', error: null },
      'anything-else': { status: 'absent', error: null },
    });
    await expect(runtime.containerStates(names, AbortSignal.abort())).rejects.toThrow('demo container list was cancelled');
    expect(runtime.name).toBe('demo');
  });

  it('refuses bad options when created', () => {
    expect(() => createDemoRuntime({ clock: fakeClock, speedFactor: 0 })).toThrow(/speedFactor/);
    expect(() => createDemoRuntime({ clock: fakeClock, seed: 1.5 })).toThrow(/seed/);
  });
});

describe('the layer plan, as a registry gives it', () => {
  const readPlan = async (runtime: ContainerRuntime, raw: string) => {
    const start = Date.now();
    let at: number | null = null;
    const read = runtime.readLayerPlan!(parseImageReference(raw), new AbortController().signal).then((plan) => {
      at = Date.now() - start;
      return plan;
    });
    await vi.runAllTimersAsync();
    return { plan: await read, at: at as number | null };
  };

  it('lists the 9 layers of the large image with their sizes, after a registry round-trip of 100–300 ms', async () => {
    const { plan, at } = await readPlan(createDemoRuntime({ clock: fakeClock, seed: 1 }), LLAMA);
    const layers = layersOf(LLAMA);
    expect(plan?.layers.map((layer) => layer.size)).toEqual(layers.map((layer) => layer.size));
    // The pull's short ids are the first 12 hex digits of the plan's digests.
    expect(plan?.layers.map((layer) => layer.digest.slice('sha256:'.length, 'sha256:'.length + 12))).toEqual(layers.map((layer) => layer.id));
    for (const digest of [...(plan?.layers.map((layer) => layer.digest) ?? []), plan?.config]) expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(at).toBeGreaterThanOrEqual(100);
    expect(at).toBeLessThanOrEqual(300);
  });

  it('comes after the same delay for the same seed, another for another seed', async () => {
    const first = await readPlan(createDemoRuntime({ clock: fakeClock, seed: 7 }), LLAMA);
    const again = await readPlan(createDemoRuntime({ clock: fakeClock, seed: 7 }), LLAMA);
    const other = await readPlan(createDemoRuntime({ clock: fakeClock, seed: 8 }), LLAMA);
    expect(again).toEqual(first);
    expect(other.at).not.toBe(first.at);
  });

  it('is null for the image whose manifest cannot be read, and for an image the registry does not have', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    expect(DEMO_IMAGES.filter((image) => image.manifestUnreadable === true).map((image) => image.reference)).toEqual([VISION]);
    expect((await readPlan(runtime, VISION)).plan).toBeNull();
    expect((await readPlan(runtime, 'ghcr.io/acme/nope:1')).plan).toBeNull();
    expect((await readPlan(runtime, RERANK)).plan?.layers).toHaveLength(3);
  });

  it('gives up on abort: null at once, no timer left', async () => {
    const clock = countingClock();
    const runtime = createDemoRuntime({ clock });
    const controller = new AbortController();
    const read = runtime.readLayerPlan!(parseImageReference(LLAMA), controller.signal);
    expect(clock.liveTimers).toBe(1);
    controller.abort();
    expect(await read).toBeNull();
    expect(clock.liveTimers).toBe(0);
    expect(await runtime.readLayerPlan!(parseImageReference(LLAMA), AbortSignal.abort())).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves the pull as it was: a layer\'s size is told only once its download starts, as dockerd does', async () => {
    const run = await pullToEnd(createDemoRuntime({ clock: fakeClock, seed: 1 }), LLAMA);
    for (const layer of layersOf(LLAMA)) {
      const own = run.lines.filter((line) => line.json.id === layer.id);
      const firstSized = own.findIndex((line) => line.json.progressDetail?.total !== undefined);
      // A layer that downloads within one tick (a few kB) is sized first by its extraction, as in dockerd.
      expect(['Downloading', 'Extracting']).toContain(own[firstSized]?.json.status);
      const before = own.slice(0, firstSized).map((line) => line.json.status);
      expect(before.filter((status) => status === 'Pulling fs layer' || status === 'Waiting')).toEqual(layersOf(LLAMA).indexOf(layer) < 3 ? ['Pulling fs layer'] : ['Pulling fs layer', 'Waiting']);
    }
  });
});

describe('stopping', () => {
  it('stops at once on abort: no timer left, the iterator ends', async () => {
    const clock = countingClock();
    const runtime = createDemoRuntime({ clock });
    const controller = new AbortController();
    const output = runtime.pullImage(parseImageReference(LLAMA), controller.signal);
    const iterator = output.chunks[Symbol.asyncIterator]();
    await vi.advanceTimersByTimeAsync(5000);
    expect((await iterator.next()).done).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(vi.getTimerCount()).toBe(0);
    expect(clock.liveTimers).toBe(0);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(await runtime.inspectImage(parseImageReference(LLAMA))).toBe('missing');
  });

  it('ends a waiting next() on abort', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    const controller = new AbortController();
    const iterator = runtime.pullImage(parseImageReference(LLAMA), controller.signal).chunks[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears its timers when the consumer stops iterating', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    const output = runtime.pullImage(parseImageReference(LLAMA), new AbortController().signal);
    const consumed = (async () => {
      for await (const chunk of output.chunks) {
        if (chunk.includes('"Downloading"')) break;
      }
    })();
    await vi.advanceTimersByTimeAsync(3000);
    await consumed;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts nothing for an already aborted signal', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock });
    const output = runtime.pullImage(parseImageReference(LLAMA), AbortSignal.abort());
    expect(vi.getTimerCount()).toBe(0);
    expect(await output.chunks[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true });
  });

  it('leaves no timer behind after a pull ends', async () => {
    const runtime = createDemoRuntime({ clock: fakeClock, speedFactor: 20 });
    await pullToEnd(runtime, VISION);
    await pullToEnd(runtime, 'ghcr.io/acme/nope:1');
    expect(vi.getTimerCount()).toBe(0);
  });
});
