/**
 * The layer plan beside a real pull, and "completed" only once the engine
 * has the image: podman and dockerd, the real registry behind the throttling
 * proxy. The runtime is the real engine runtime, wrapped only to note when
 * its plan, its first byte report, the end of its stream and the closing
 * inspect happened (the figures are printed for docs/benchmarks.md).
 *
 * The snapshot fields checked here — the plan's exact bytes_total on the
 * first frame with bytes, stalled_s and extract_percent — are filled by the
 * progress aggregator (server/core/progress); the runtime's side (the plan
 * read, the pause, the closing inspect) is checked on its own first, so a
 * failure says which side is missing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEngineEndpoint } from '../../server/core/engine-endpoint.ts';
import { parseImageReference } from '../../server/core/reference.ts';
import type { ContainerRuntime } from '../../server/core/runtime.ts';
import type { LayerPlan } from '../../server/core/types.ts';
import { connectEngine, type EngineRuntime } from '../../server/runtimes/engine/engine.ts';
import { useEngineEnv } from '../env/context.ts';
import type { EngineName, ImageName } from '../env/engines.d.mts';
import { proxyClient } from '../env/proxy-client.ts';
import { resetEngineEnv } from '../env/reset.ts';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const proxy = proxyClient(env.proxy.controlUrl);
/** Per response body: podman reports a blob that takes more than a second, so the 8 MiB layer of `multi` does. */
const PROGRESS_RATE = 3 * 1024 * 1024;
/** The aggregator's "no byte for a while" (issue 12: about 15 s). */
const STALLED_AFTER_S = 15;
/** How long past the stall threshold a snapshot may take to say so before the test fails (not hangs). */
const STALL_GRACE_MS = 5_000;
const PULL_TIMEOUT_MS = 45_000;

const seeded = (name: ImageName) => {
  const image = env.images[name];
  if (image === undefined) throw new Error(`image ${name} was not seeded`);
  return image;
};

/** When each step of one pull happened, in ms after the first call for it. */
interface Timeline {
  start: number | null;
  plan: LayerPlan | null;
  planAtMs: number | null;
  firstByteAtMs: number | null;
  streamEndAtMs: number | null;
  /** What the first inspect after the stream's end answered: the pull loop's own check. */
  inspectAfterEnd: 'present' | 'missing' | null;
}

/** The real engine runtime, its pulls timed (no behaviour changed). */
function timedRuntime(engine: EngineRuntime, timeline: Timeline): ContainerRuntime {
  const since = (): number => {
    timeline.start ??= performance.now();
    return Math.round(performance.now() - timeline.start);
  };
  return {
    name: engine.name,
    containerStates: (names, signal) => engine.containerStates(names, signal),
    async inspectImage(image, signal) {
      const answer = await engine.inspectImage(image, signal);
      if (timeline.streamEndAtMs !== null) timeline.inspectAfterEnd ??= answer;
      return answer;
    },
    async readLayerPlan(image, signal) {
      since();
      const plan = await engine.readLayerPlan(image, signal);
      timeline.planAtMs = since();
      timeline.plan = plan;
      return plan;
    },
    pullImage(image, signal) {
      since();
      const output = engine.pullImage(image, signal);
      return {
        format: output.format,
        chunks: (async function* () {
          for await (const chunk of output.chunks) {
            if (timeline.firstByteAtMs === null && /"Downloading"[^\n]*"current":[1-9]/.test(chunk)) timeline.firstByteAtMs = since();
            yield chunk;
          }
          timeline.streamEndAtMs = since();
        })(),
      };
    },
  };
}

const newTimeline = (): Timeline => ({ start: null, plan: null, planAtMs: null, firstByteAtMs: null, streamEndAtMs: null, inspectAfterEnd: null });

for (const engineName of ['podman', 'docker'] as EngineName[]) {
  describe(`the layer plan and the closing check on ${engineName}`, () => {
    const info = env[engineName];
    const multi = seeded('multi');
    const timeline = newTimeline();
    let engine: EngineRuntime;
    let app: TestApp;
    let frames: Record<string, any>[] = [];
    let presentAtCompleted: string | null = null;

    beforeAll(async () => {
      if (info === undefined) throw new Error(`${engineName} was not started by tests/env`);
      await resetEngineEnv(env);
      await proxy.setRate(PROGRESS_RATE);
      engine = await connectEngine(parseEngineEndpoint(info.socket));
      app = makeApp(timedRuntime(engine, timeline), {}, { slots: [{ name: 'multi', provider: 'container', image: multi.proxyRef }] });
      expect((await app.request('/api/slots/multi/pull', { method: 'POST' })).status).toBe(202);
      const sse = readSse(await app.request('/api/slots/multi/pull/stream?until=done'));
      for (;;) {
        const frame = JSON.parse((await sse.next(PULL_TIMEOUT_MS)).data);
        frames.push(frame);
        if (frame.state === 'completed') presentAtCompleted = await engine.inspectImage(parseImageReference(multi.proxyRef));
        if (frame.state !== 'pulling') break;
      }
      await sse.close();
      console.log(
        `${engineName} multi: plan at ${timeline.planAtMs} ms after the pull started, first byte report at ${timeline.firstByteAtMs} ms, stream end at ${timeline.streamEndAtMs} ms`,
      );
    }, PULL_TIMEOUT_MS + 10_000);

    afterAll(async () => {
      app?.close();
      engine?.close();
      await resetEngineEnv(env);
    });

    it('reads the manifest beside the pull: every layer and its exact size, before the engine reports a byte', () => {
      expect(timeline.plan).toEqual({ layers: multi.layers.map(({ digest, size }) => ({ digest, size })), config: multi.id });
      expect(timeline.firstByteAtMs, 'the engine never reported a byte: the proxy rate is too fast for this test').not.toBeNull();
      expect(timeline.planAtMs).toBeLessThan(timeline.firstByteAtMs as number);
    });

    it('completes only after the engine said, once the stream ended, that it has the image', () => {
      expect(frames.at(-1)).toMatchObject({ state: 'completed', percent: 100 });
      expect(timeline.inspectAfterEnd).toBe('present');
      expect(presentAtCompleted).toBe('present');
    });

    it('shows the manifest\'s exact total on the first frame that has bytes', () => {
      const first = frames.find((frame) => frame.state === 'pulling' && frame.bytes_done !== null);
      expect(first, 'no pulling frame had bytes').toBeDefined();
      expect(first).toMatchObject({ bytes_total: multi.totalSize, bytes_total_exact: true });
    });
  });
}

describe('a download that stalls, on docker', () => {
  const big = seeded('big');
  let engine: EngineRuntime;
  let app: TestApp;

  beforeAll(async () => {
    if (env.docker === undefined) throw new Error('docker was not started by tests/env');
    await resetEngineEnv(env);
    engine = await connectEngine(parseEngineEndpoint(env.docker.socket));
    app = makeApp(engine, {}, { slots: [{ name: 'big', provider: 'container', image: big.proxyRef }] });
  });

  beforeEach(async () => {
    await proxy.setPaused(false);
    await proxy.setRate(PROGRESS_RATE);
  });

  afterAll(async () => {
    await proxy.setPaused(false);
    app?.close();
    engine?.close();
    await resetEngineEnv(env);
  });

  it(
    `says stalled after ${STALLED_AFTER_S} s without a byte, with no ETA, then goes on and completes, unpacking with a percent`,
    { timeout: PULL_TIMEOUT_MS + STALLED_AFTER_S * 1000 },
    async () => {
      expect((await app.request('/api/slots/big/pull', { method: 'POST' })).status).toBe(202);
      const sse = readSse(await app.request('/api/slots/big/pull/stream?until=done'));
      const frames: Record<string, any>[] = [];
      const followed = (async () => {
        for (;;) {
          const frame = JSON.parse((await sse.next(PULL_TIMEOUT_MS + STALLED_AFTER_S * 1000)).data);
          frames.push(frame);
          if (frame.state !== 'pulling') return frame;
        }
      })();
      // A failure below must not leave this read to reject unheard.
      followed.catch(() => undefined);

      const pullOf = async (): Promise<Record<string, any>> => (await (await app.request('/api/slots/big')).json()).pull;
      await until('the engine to report the first bytes of big', async () => ((await pullOf())?.bytes_done > 0 ? true : undefined), 15_000);
      await proxy.setPaused(true);
      const pausedAt = Date.now();
      let stalled: Record<string, any> | undefined;
      let last: Record<string, any> = {};
      try {
        while (stalled === undefined && Date.now() - pausedAt < STALLED_AFTER_S * 1000 + STALL_GRACE_MS) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          last = await pullOf();
          if (typeof last.stalled_s === 'number' && last.stalled_s >= STALLED_AFTER_S) stalled = last;
        }
      } finally {
        await proxy.setPaused(false);
        await proxy.setRate(0);
      }
      const seen = { state: last.state, bytes_done: last.bytes_done, stalled_s: last.stalled_s, eta_s: last.eta_s };
      expect(stalled, `no snapshot said stalled_s >= ${STALLED_AFTER_S} within ${STALLED_AFTER_S} s + ${STALL_GRACE_MS} ms of the pause; the last: ${JSON.stringify(seen)}`).toBeDefined();
      expect(stalled).toMatchObject({ state: 'pulling', eta_s: null });

      expect(await followed).toMatchObject({ state: 'completed', percent: 100 });
      // dockerd reports extraction bytes (overlay2): at least one frame while unpacking says how far.
      expect(frames.filter((frame) => frame.state === 'pulling' && frame.extract_percent !== null).length, 'no frame had extract_percent').toBeGreaterThan(0);
    },
  );
});

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
