/**
 * Faults on real engines (issue 6): the engine going away mid-pull (podman's
 * service stopped with SIGTERM, dockerd killed with SIGKILL) and the registry
 * dying mid-pull with the proxy cutting the connection. Each time: the job
 * fails with the right code and does not hang, the server keeps serving,
 * everything recovers when the engine or registry is back (a new pull
 * completes), and afterwards no stream listener, timer, busy engine socket or
 * child process of slotpull is left.
 *
 * This file starts its own environment (both engines, two small images,
 * about 3 s) and stops it at the end, so stopping an engine or the registry
 * never disturbs the shared one of global-setup.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../server/runtimes/engine/engine.ts';
import { parseEngineEndpoint } from '../../server/core/engine-endpoint.ts';
import { createNamedEngine, RECONNECT_AFTER_MS } from '../../server/runtimes/engine/named-engine.ts';
import { systemClock } from '../../server/runtimes/system-clock.ts';
import { startEngineEnv } from '../env/engines.mjs';
import type { EngineEnv, EngineName, SeededImage } from '../env/engines.d.mts';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { childPids, commandLine } from '../helpers/proc.ts';
import { agentSocketsTo, serveSlotpull, waitFor, type Served } from '../helpers/served.ts';
import { readSse, type SseReader } from '../helpers/sse-client.ts';

/** Slow enough that the pull of `multi` (3 + 5 + 8 MiB) is still running when the fault hits: the 8 MiB layer takes 8 s. */
const SLOW_RATE_BPS = 1_000_000;
/** Short, so that "unknown while down" and "back to missing" are each seen within a fraction of a second (the default is 2 s). */
const INSPECT_TTL_MS = 250;
const FAULT_TIMEOUT_MS = 20_000;
const TEST_TIMEOUT_MS = 60_000;

type Frame = Record<string, any>;

let env: EngineEnv;
beforeAll(async () => {
  env = await startEngineEnv({ images: ['multi', 'tiny'], rate: SLOW_RATE_BPS });
}, TEST_TIMEOUT_MS);
afterAll(async () => {
  await env?.stop();
});

const image = (name: 'multi' | 'tiny'): SeededImage => env.images[name] ?? missing(`image ${name}`);

/** One slotpull over one engine of this file's environment, served on a real port. */
async function startServer(engineName: EngineName): Promise<{ app: TestApp; served: Served }> {
  const engine = await connectEngine(parseEngineEndpoint(env[engineName]?.socket ?? missing(engineName)));
  const app = makeApp(engine, { inspectTtlMs: INSPECT_TTL_MS }, {
    slots: [
      { name: 'multi', provider: 'container', image: image('multi').proxyRef },
      { name: 'tiny', provider: 'container', image: image('tiny').proxyRef },
    ],
  });
  return { app, served: await serveSlotpull(app) };
}

function client(base: string) {
  const json = async (path: string): Promise<Frame> => {
    const response = await fetch(`${base}${path}`);
    expect(response.status, path).toBe(200);
    return (await response.json()) as Frame;
  };
  return {
    json,
    post: async (slot: string): Promise<Frame> => {
      const response = await fetch(`${base}/api/slots/${slot}/pull`, { method: 'POST' });
      expect(response.status).toBe(202);
      return (await response.json()) as Frame;
    },
    stream: async (slot: string): Promise<SseReader> => readSse(await fetch(`${base}/api/slots/${slot}/pull/stream`)),
    /** The terminal frame of the slot's current job, from a fresh `?until=done` stream (which must then end). */
    async outcome(slot: string, timeoutMs = TEST_TIMEOUT_MS): Promise<Frame> {
      const sse = readSse(await fetch(`${base}/api/slots/${slot}/pull/stream?until=done`));
      const last = await sse.until((frame) => frame.state !== 'pulling', timeoutMs);
      await expect(sse.next(1000)).rejects.toThrow(/ended/);
      return last;
    },
  };
}

/** Waits for the first bytes of a pull (or its end, which the caller then sees as a wrong state). */
const midPull = (sse: SseReader): Promise<Frame> => sse.until((frame) => Number(frame.bytes_done ?? 0) > 0 || frame.state !== 'pulling', FAULT_TIMEOUT_MS);

/**
 * Nothing of slotpull is left once its streams are closed: no stream
 * listener, no request busy on the engine's socket, no child process (every
 * child of this process is one of the environment's daemons), and after
 * close() no timer.
 */
async function expectNothingLeft(app: TestApp, served: Served, socketPath: string): Promise<void> {
  await waitFor('stream listeners to go', () => (app.registry.listenerCount === 0 ? true : undefined), 5000);
  await waitFor('the engine socket to be idle', () => (agentSocketsTo(socketPath).busy === 0 ? true : undefined), 5000);
  const strays = childPids().filter((pid) => !commandLine(pid).includes(env.tmpDir));
  expect(strays.map(commandLine)).toEqual([]);
  await served.close();
  expect(app.clock.liveTimers).toBe(0);
  expect(app.registry.jobCount).toBe(0);
}

const ENGINE_FAULTS = [
  { engineName: 'podman', how: 'its service is stopped (SIGTERM)', signal: 'SIGTERM' },
  { engineName: 'docker', how: 'dockerd is killed (SIGKILL)', signal: 'SIGKILL' },
] as const;

describe('the engine goes away mid-pull', () => {
  for (const { engineName, how, signal } of ENGINE_FAULTS) {
    it(`${engineName}: ${how} — pull.interrupted, unknown while down, back on the same socket`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const info = env[engineName] ?? missing(engineName);
      const socketPath = info.socketPath;
      const oldPid = info.pid;
      await env.proxy.setRate(SLOW_RATE_BPS);
      const { app, served } = await startServer(engineName);
      const api = client(served.base);
      try {
        expect((await api.json('/api/slots/multi')).image_status).toBe('missing');
        expect(await api.post('multi')).toMatchObject({ resumed: false, state: 'pulling' });
        const watcher = await api.stream('multi');
        expect(await midPull(watcher)).toMatchObject({ state: 'pulling' });

        await env.stopEngine(engineName, { signal });
        expect(info.pid).toBe(oldPid);

        // The job fails with the engine's connection named, and the open stream sees it.
        const failed = await watcher.until((frame) => frame.state !== 'pulling', FAULT_TIMEOUT_MS);
        expect(failed).toMatchObject({ state: 'failed', error_code: 'pull.interrupted', runtime: engineName });
        expect(failed.error).toMatch(/the engine at unix:\/\/.+ closed the connection mid-pull/);
        expect(failed.percent ?? 0).toBeLessThan(100);

        // While down: the server serves, the image is unknown (never missing), at once (a job's end drops
        // the cached inspect) and after the cache expired; so is the container, once its cached answer expired.
        expect(await api.json('/api/health')).toMatchObject({ ok: true, runtime: engineName });
        for (const afterTtl of [false, true]) {
          if (afterTtl) await new Promise((resolve) => setTimeout(resolve, INSPECT_TTL_MS + 50));
          const slot = await api.json('/api/slots/multi');
          expect(slot).toMatchObject({ image_status: 'unknown', pull: { state: 'failed', error_code: 'pull.interrupted' } });
          if (afterTtl) expect(slot.container_status).toBe('unknown');
          expect((await api.json('/api/slots/tiny')).image_status).toBe('unknown');
        }
        expect(await api.json('/api/slots/tiny/pull/status')).toMatchObject({ state: 'unknown', job_id: null });
        // A pull while it is down fails at once with the reason; it does not hang.
        await api.post('tiny');
        const refused = await api.outcome('tiny', FAULT_TIMEOUT_MS);
        expect(refused).toMatchObject({ state: 'failed' });
        expect(refused.error).toMatch(/cannot reach the engine at unix:\/\//);

        // Back on the same socket path: status recovers by itself, and a new pull completes.
        const restarted = await env.startEngine(engineName);
        expect(restarted.socketPath).toBe(socketPath);
        expect(restarted.pid).not.toBe(oldPid);
        await waitFor('image_status to read missing again', async () => ((await api.json('/api/slots/multi')).image_status === 'missing' ? true : undefined), 5000);
        await env.proxy.setRate(0);
        expect(await api.post('multi')).toMatchObject({ resumed: false, state: 'pulling' });
        expect(await api.outcome('multi')).toMatchObject({ state: 'completed', percent: 100, runtime: engineName });
        expect((await api.json('/api/slots/multi')).image_status).toBe('present');
        // The watcher opened before the fault followed the new job too.
        expect(await watcher.until((frame) => frame.state === 'completed', 5000)).toMatchObject({ percent: 100 });
        await watcher.close();

        await expectNothingLeft(app, served, socketPath);
      } finally {
        await served.close();
        await env.proxy.setRate(SLOW_RATE_BPS);
        await env.startEngine(engineName).catch(() => undefined);
        await env.run(engineName, ['rmi', '-f', image('multi').proxyRef, image('tiny').proxyRef], { allowFailure: true });
      }
    });
  }
});

describe('a named engine goes away mid-pull', () => {
  // README: "an engine that is down makes only its own slots `unknown` (its pulls answer 503) and comes
  // back by itself"; named-engine.ts: it "connects on first use and again after a failure".
  it('docker as engine "gpu" (SIGKILL): known down — health says why, pulls answer 503 — and back once it answers', { timeout: TEST_TIMEOUT_MS }, async () => {
    const info = env.docker ?? missing('docker');
    await env.proxy.setRate(SLOW_RATE_BPS);
    const named = createNamedEngine('gpu', parseEngineEndpoint(info.socket), systemClock);
    await named.connect();
    const fallback = await connectEngine(parseEngineEndpoint(env.podman?.socket ?? missing('podman')));
    const app = makeApp(fallback, { inspectTtlMs: INSPECT_TTL_MS, engines: new Map([['gpu', named]]) }, {
      engines: { gpu: info.socket },
      slots: [{ name: 'multi', provider: 'container', image: image('multi').proxyRef, engine: 'gpu' }],
    });
    const served = await serveSlotpull(app);
    const api = client(served.base);
    try {
      await api.post('multi');
      const watcher = await api.stream('multi');
      expect(await midPull(watcher)).toMatchObject({ state: 'pulling', runtime: 'docker' });
      await env.stopEngine('docker', { signal: 'SIGKILL' });
      const failed = await watcher.until((frame) => frame.state !== 'pulling', FAULT_TIMEOUT_MS);
      expect(failed).toMatchObject({ state: 'failed', error_code: 'pull.interrupted' });
      await watcher.close();
      expect((await api.json('/api/slots/multi')).image_status).toBe('unknown');

      // Known down: the engine's own slots are unknown, health says why, its pulls are refused.
      expect((await api.json('/api/health')).engines.gpu).toMatchObject({ unavailable: expect.stringMatching(/engine "gpu"/) });
      const refused = await fetch(`${served.base}/api/slots/multi/pull`, { method: 'POST' });
      expect({ status: refused.status, body: await refused.json() }).toMatchObject({ status: 503, body: { error: { code: 'runtime.unavailable' } } });

      // Back: once the engine answers (and the reconnect pause has passed), reads find it and pulls run again.
      await env.startEngine('docker');
      await waitFor('image_status to read missing again', async () => ((await api.json('/api/slots/multi')).image_status === 'missing' ? true : undefined), RECONNECT_AFTER_MS + 5000, 200);
      expect((await api.json('/api/health')).engines.gpu).toEqual({ runtime: 'docker', unavailable: null });
      await env.proxy.setRate(0);
      expect(await api.post('multi')).toMatchObject({ resumed: false, runtime: 'docker' });
      expect(await api.outcome('multi')).toMatchObject({ state: 'completed', percent: 100 });
      await expectNothingLeft(app, served, info.socketPath);
    } finally {
      await served.close();
      await env.proxy.setRate(SLOW_RATE_BPS);
      await env.startEngine('docker').catch(() => undefined);
      await env.run('docker', ['rmi', '-f', image('multi').proxyRef], { allowFailure: true });
    }
  });
});

describe('the registry dies mid-pull and the proxy cuts the connection', () => {
  for (const engineName of ['podman', 'docker'] as const) {
    it(`${engineName}: the job fails, the server keeps serving, a retry completes once the registry is back`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const info = env[engineName] ?? missing(engineName);
      const multi = image('multi');
      await env.proxy.setRate(SLOW_RATE_BPS);
      env.proxy.resetStats();
      const { app, served } = await startServer(engineName);
      const api = client(served.base);
      try {
        await api.post('multi');
        const watcher = await api.stream('multi');
        expect(await midPull(watcher)).toMatchObject({ state: 'pulling' });

        await env.stopRegistry({ signal: 'SIGKILL' });
        expect(env.proxy.breakAll()).toBeGreaterThan(0);

        const failed = await watcher.until((frame) => frame.state !== 'pulling', TEST_TIMEOUT_MS / 2);
        expect(failed).toMatchObject({ state: 'failed', runtime: engineName });
        // Seen: podman "unexpected EOF" (interrupted); dockerd, reconnecting, the proxy's 502 (registry_unreachable).
        expect(['pull.interrupted', 'pull.registry_unreachable']).toContain(failed.error_code);
        // Not 100; podman says "Download complete" for each cut blob just before its error, so its bar can read 99 here (docs/api.md).
        expect(failed.percent ?? 0).toBeLessThan(100);

        // The server keeps serving; the engine is up, so the image reads missing (not unknown).
        expect(await api.json('/api/health')).toMatchObject({ ok: true });
        expect(await api.json('/api/slots/multi')).toMatchObject({ image_status: 'missing', pull: { state: 'failed', job_id: failed.job_id } });
        expect(await api.outcome('multi', 5000)).toMatchObject({ state: 'failed', job_id: failed.job_id });
        // The engine has let go of the registry and of slotpull's request.
        await waitFor('the engine to drop its registry requests', () => (env.proxy.stats().activeRequests === 0 ? true : undefined), 10_000);
        expect(agentSocketsTo(info.socketPath).busy).toBe(0);

        await env.startRegistry();
        await env.proxy.setRate(0);
        env.proxy.resetStats();
        const retry = await api.post('multi');
        expect(retry).toMatchObject({ resumed: false, state: 'pulling' });
        expect(retry.job_id).not.toBe(failed.job_id);
        const done = await api.outcome('multi');
        expect(done).toMatchObject({ state: 'completed', percent: 100, job_id: retry.job_id });
        expect(done.bytes_done).toBe(done.bytes_total);
        expect((await api.json('/api/slots/multi')).image_status).toBe('present');
        expect(env.proxy.stats().blobRequests).toBeGreaterThan(0);
        await watcher.close();

        await expectNothingLeft(app, served, info.socketPath);
      } finally {
        await served.close();
        await env.startRegistry().catch(() => undefined);
        await env.proxy.setRate(SLOW_RATE_BPS);
        await env.run(engineName, ['rmi', '-f', multi.proxyRef], { allowFailure: true });
      }
    });
  }
});

function missing(what: string): never {
  throw new Error(`${what} was not started by this file's environment`);
}
