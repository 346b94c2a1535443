/**
 * slotpull on real engines: the same scenarios once against podman's and once
 * against dockerd's Docker-compatible API, each through slotpull's HTTP API on
 * a real port and a real SSE client, pulling from a real registry behind the
 * throttling proxy (tests/env).
 */
import { serve, type ServerType } from '@hono/node-server';
import { globalAgent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateSlotsFile } from '../../server/config/schema.ts';
import { createCliRuntime } from '../../server/runtimes/cli.ts';
import { parseEngineEndpoint } from '../../server/core/engine-endpoint.ts';
import { connectEngine, type EngineRuntime } from '../../server/runtimes/engine/engine.ts';
import { engineFetch } from '../../server/runtimes/engine/transport.ts';
import { createSlotpull, type Slotpull } from '../../server/http/app.ts';
import { systemClock } from '../../server/runtimes/system-clock.ts';
import { useEngineEnv } from '../env/context.ts';
import type { EngineName, ImageName } from '../env/engines.d.mts';
import { runEngineCli } from '../env/engines.mjs';
import { blobBytes, proxyClient } from '../env/proxy-client.ts';
import { resetEngineEnv } from '../env/reset.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const proxy = proxyClient(env.proxy.controlUrl);
/** Slow enough that podman, which reports about once a second per layer, shows progress. */
const PROGRESS_RATE = 3 * 1024 * 1024;
const PULL_TIMEOUT_MS = 60_000;

const image = (name: ImageName) => {
  const seeded = env.images[name];
  if (seeded === undefined) throw new Error(`image ${name} was not seeded`);
  return seeded;
};

function slotsFile() {
  const slot = (name: string, ref: string, container?: string) => ({ name, provider: 'container', image: ref, ...(container ? { container } : {}) });
  return {
    slots: [
      slot('multi', image('multi').proxyRef),
      slot('multi-twin', image('multi').proxyRef),
      slot('big', image('big').proxyRef),
      slot('tiny', image('tiny').proxyRef),
      slot('nope', `${env.proxy.address}/slotpull/multi:no-such-tag`),
      slot('base-a', image('base-a').proxyRef),
      slot('base-b', image('base-b').proxyRef),
      slot('box', image('busybox').ref, 'slotpull-box'),
    ],
  };
}

for (const engineName of ['podman', 'docker'] as EngineName[]) {
  describe(`on ${engineName}`, () => {
    const info = env[engineName];
    let engine: EngineRuntime;
    let slotpull: Slotpull;
    let server: ServerType;
    let base: string;
    const cli = (...args: string[]) => runEngineCli(env, engineName, args, { allowFailure: true });

    beforeAll(async () => {
      if (info === undefined) throw new Error(`${engineName} was not started by tests/env`);
      await resetEngineEnv(env);
      engine = await connectEngine(parseEngineEndpoint(info.socket));
      const config = validateSlotsFile(slotsFile(), 'engines test');
      if (!config.ok) throw new Error(config.problems.join('\n'));
      let ids = 0;
      slotpull = createSlotpull({ slots: config.slots, runtime: engine, clock: systemClock, newJobId: () => `p_${engineName}${++ids}`, version: 'test' });
      await new Promise<void>((resolve) => {
        server = serve({ fetch: slotpull.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      slotpull?.close();
      if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    });

    beforeEach(async () => {
      await proxy.setDown(false);
      await proxy.setRate(PROGRESS_RATE);
      await proxy.reset();
    });

    const post = (slot: string) => fetch(`${base}/api/slots/${slot}/pull`, { method: 'POST' });
    const slotJson = async (slot: string) => (await fetch(`${base}/api/slots/${slot}`)).json();
    const removeImage = (ref: string) => cli('rmi', '-f', ref);

    /** Every frame of a slot's stream until its pull ends. */
    async function follow(slot: string): Promise<Record<string, any>[]> {
      const sse = readSse(await fetch(`${base}/api/slots/${slot}/pull/stream?until=done`));
      const frames: Record<string, any>[] = [];
      for (;;) {
        const frame = JSON.parse((await sse.next(PULL_TIMEOUT_MS)).data);
        frames.push(frame);
        if (frame.state !== 'pulling') return frames;
      }
    }

    it('pulls a missing 3-layer image with honest, monotonic progress, then reports it present', { timeout: PULL_TIMEOUT_MS }, async () => {
      const multi = image('multi');
      await removeImage(multi.proxyRef);
      expect((await slotJson('multi')).image_status).toBe('missing');
      expect((await post('multi')).status).toBe(202);
      const frames = await follow('multi');
      const last = frames.at(-1)!;
      expect(last).toMatchObject({ state: 'completed', percent: 100, total_layers: multi.layers.length, layer: multi.layers.length, runtime: engineName });
      const percents = frames.map((frame) => frame.percent).filter((percent): percent is number => percent !== null);
      expect(percents.length).toBeGreaterThan(2);
      percents.forEach((percent, i) => expect(percent).toBeGreaterThanOrEqual(percents[i - 1] ?? 0));
      expect(percents.slice(0, -1).every((percent) => percent <= 99)).toBe(true);
      expect(last.bytes_done).toBe(last.bytes_total);
      if (last.bytes_total_exact) expect(last.bytes_total).toBe(multi.totalSize);
      // Every layer's bytes came through the proxy, once.
      const stats = await proxy.stats();
      for (const layer of multi.layers) expect(blobBytes(stats, layer.digest)).toBe(layer.size);
      expect((await slotJson('multi')).image_status).toBe('present');
    });

    it('pulls an image that is present again: completed, nothing downloaded', { timeout: PULL_TIMEOUT_MS }, async () => {
      const tiny = image('tiny');
      await cli('pull', tiny.proxyRef);
      await proxy.reset();
      await post('tiny');
      expect((await follow('tiny')).at(-1)).toMatchObject({ state: 'completed', percent: 100 });
      const stats = await proxy.stats();
      for (const layer of tiny.layers) expect(blobBytes(stats, layer.digest)).toBe(0);
    });

    it('fails a missing tag with pull.not_found and the engine\'s own words', { timeout: PULL_TIMEOUT_MS }, async () => {
      await post('nope');
      const last = (await follow('nope')).at(-1)!;
      expect(last).toMatchObject({ state: 'failed', error_code: 'pull.not_found' });
      expect(last.error).toMatch(/manifest unknown|not found/i);
    });

    it('fails with pull.registry_unreachable when the registry is down', { timeout: PULL_TIMEOUT_MS }, async () => {
      await removeImage(image('tiny').proxyRef);
      await proxy.setDown(true);
      await post('tiny');
      const last = (await follow('tiny')).at(-1)!;
      expect(last).toMatchObject({ state: 'failed', error_code: 'pull.registry_unreachable' });
      expect(last.error).toMatch(/connection refused/i);
    });

    it('fails, not hangs, when the connection to the registry breaks mid-pull', { timeout: PULL_TIMEOUT_MS }, async () => {
      const big = image('big');
      await removeImage(big.proxyRef);
      await post('big');
      const sse = readSse(await fetch(`${base}/api/slots/big/pull/stream?until=done`));
      await sse.until((frame) => Number(frame.bytes_done ?? 0) > 0 || frame.state !== 'pulling', PULL_TIMEOUT_MS);
      expect(await proxy.breakAll()).toBeGreaterThan(0);
      await proxy.setDown(true);
      const last = await sse.until((frame) => frame.state !== 'pulling', PULL_TIMEOUT_MS);
      expect(last.state).toBe('failed');
      expect(['pull.interrupted', 'pull.registry_unreachable', 'pull.engine_error']).toContain(last.error_code);
      expect((await slotJson('big')).image_status).toBe('missing');
    });

    it('cancels mid-pull: cancelled, the engine stops fetching, the image is not present', { timeout: PULL_TIMEOUT_MS }, async () => {
      const big = image('big');
      await removeImage(big.proxyRef);
      await proxy.setRate(2 * 1024 * 1024);
      await post('big');
      const sse = readSse(await fetch(`${base}/api/slots/big/pull/stream`));
      await sse.until((frame) => Number(frame.bytes_done ?? 0) > 0, PULL_TIMEOUT_MS);
      const cancelled = await fetch(`${base}/api/slots/big/pull`, { method: 'DELETE' });
      expect(await cancelled.json()).toMatchObject({ state: 'cancelled' });
      await sse.until((frame) => frame.state === 'cancelled');
      await sse.close();
      // The engine drops its registry connections once the API request is gone.
      const deadline = Date.now() + 10_000;
      while ((await proxy.stats()).activeRequests > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const stopped = await proxy.stats();
      expect(stopped.activeRequests).toBe(0);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await proxy.stats()).bytes).toBe(stopped.bytes);
      expect(stopped.bytes).toBeLessThan(big.totalSize);
      expect((await slotJson('big')).image_status).toBe('missing');
      // No socket to the engine is left busy: the cancelled request's socket was destroyed.
      const busy = Object.entries(globalAgent.sockets).filter(([name]) => name.includes(info!.socketPath));
      expect(busy.flatMap(([, sockets]) => sockets ?? [])).toEqual([]);
    });

    it('serves two slots with one image from one engine pull', { timeout: PULL_TIMEOUT_MS }, async () => {
      const multi = image('multi');
      await removeImage(multi.proxyRef);
      const [a, b] = await Promise.all([post('multi'), post('multi-twin')]);
      expect([(await a.json()).resumed, (await b.json()).resumed].sort()).toEqual([false, true]);
      expect((await follow('multi-twin')).at(-1)).toMatchObject({ state: 'completed' });
      const stats = await proxy.stats();
      for (const layer of multi.layers) expect(blobBytes(stats, layer.digest)).toBe(layer.size);
    });

    it('counts a base layer already on disk in layers_cached', { timeout: PULL_TIMEOUT_MS }, async () => {
      await removeImage(image('base-a').proxyRef);
      await removeImage(image('base-b').proxyRef);
      await post('base-a');
      expect((await follow('base-a')).at(-1)).toMatchObject({ state: 'completed', layers_cached: 0 });
      await post('base-b');
      const last = (await follow('base-b')).at(-1)!;
      expect(last).toMatchObject({ state: 'completed', layers_cached: 1, total_layers: image('base-b').layers.length - 1 });
    });

    it('reports container status from one list: absent, stopped, crashed with why, running', { timeout: PULL_TIMEOUT_MS }, async () => {
      const box = image('busybox');
      // tests/env runs podman's containers with runc; crun fails on this host's cgroups and rlimits.
      const runArgs = engineName === 'podman'
        ? ['--network=none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024']
        : ['--network', 'none'];
      const ok = async (args: string[]) => {
        const result = await cli(...args);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      };
      // Every request the runtime makes, by path.
      const paths: string[] = [];
      const endpoint = parseEngineEndpoint(info!.socket);
      const inner = engineFetch(endpoint);
      const counted = await connectEngine(endpoint, {
        fetch: (path, init) => {
          paths.push(path);
          return inner(path, init);
        },
      });
      const statesOf = async (...names: string[]) => {
        paths.length = 0;
        return Object.fromEntries(await counted.containerStates(names));
      };
      /** The slot as a fresh slotpull lists it (no cached answer from an earlier step). */
      const freshSlot = async () => {
        const config = validateSlotsFile(slotsFile(), 'engines test');
        if (!config.ok) throw new Error(config.problems.join('\n'));
        const fresh = createSlotpull({ slots: config.slots, runtime: counted, clock: systemClock, newJobId: () => 'p_fresh', version: 'test' });
        try {
          return await (await fresh.app.request('/api/slots/box')).json();
        } finally {
          fresh.close();
        }
      };
      // The same engine through its CLI, pointed at it by the environment (the runtime passes no --url or -H).
      const viaCli = createCliRuntime(info!.cli, engineName, 'test', {
        env: { ...process.env, ...info!.cliEnv, ...(engineName === 'docker' ? { DOCKER_HOST: info!.socket } : { CONTAINER_HOST: info!.socket }) },
      });
      const OOM = 'slotpull-oom';
      await cli('rm', '-f', 'slotpull-box', OOM);
      await cli('pull', box.ref);
      expect(await slotJson('box')).toMatchObject({ container_status: 'absent', container_error: null });

      await ok(['create', '--name', 'slotpull-box', ...runArgs, box.ref, 'sh', '-c', 'exit 3']);
      expect(await statesOf('slotpull-box', 'slotpull-nope')).toEqual({
        'slotpull-box': { status: 'stopped', error: null },
        'slotpull-nope': { status: 'absent', error: null },
      });
      expect(paths).toEqual(['/containers/json?all=1']);

      expect((await cli('start', '-a', 'slotpull-box')).code).toBe(3);
      // A container killed for memory: only the inspect says so (the list has no OOMKilled).
      expect((await cli('run', '--name', OOM, ...runArgs, '--memory', '8m', '--memory-swap', '8m', box.ref, 'sh', '-c', 'tail /dev/zero')).code).toBe(137);
      const crashed = await statesOf('slotpull-box', OOM, 'slotpull-nope');
      // One list, then one inspect for each container it shows crashed, and none for the rest.
      expect(paths[0]).toBe('/containers/json?all=1');
      expect(paths.slice(1).sort()).toEqual(['/containers/slotpull-box/json', `/containers/${OOM}/json`]);
      expect(crashed['slotpull-box']).toEqual({ status: 'crashed', error: 'exited with code 3' });
      expect(crashed[OOM]).toEqual(await engine.containerStatus(OOM));
      // dockerd reports OOMKilled; podman 4.3 on this host's cgroup v1 never does (its inspect says false too).
      const oomError = engineName === 'docker' ? 'exited with code 137 (out of memory)' : 'exited with code 137';
      expect(crashed[OOM]).toEqual({ status: 'crashed', error: oomError });
      expect(await freshSlot()).toMatchObject({ container_status: 'crashed', container_error: 'exited with code 3' });
      // The CLI runtime's list (`ps --all`) and inspect say the same.
      expect(Object.fromEntries(await viaCli.containerStates(['slotpull-box', OOM, 'slotpull-nope']))).toEqual({
        'slotpull-box': { status: 'crashed', error: 'exited with code 3' },
        [OOM]: { status: 'crashed', error: oomError },
        'slotpull-nope': { status: 'absent', error: null },
      });

      await cli('rm', '-f', 'slotpull-box', OOM);
      await ok(['run', '-d', '--name', 'slotpull-box', ...runArgs, box.ref, 'sleep', '60']);
      expect(await statesOf('slotpull-box')).toEqual({ 'slotpull-box': { status: 'running', error: null } });
      expect(await freshSlot()).toMatchObject({ container_status: 'running', container_error: null });
      expect(Object.fromEntries(await viaCli.containerStates(['slotpull-box']))).toEqual({ 'slotpull-box': { status: 'running', error: null } });
      await cli('rm', '-f', 'slotpull-box');
    });
  });
}

describe('both engines behind one server', () => {
  beforeAll(() => resetEngineEnv(env));

  it('serves slots on each engine, pulling on the right one', { timeout: PULL_TIMEOUT_MS }, async () => {
    const tiny = image('tiny');
    for (const engineName of ['podman', 'docker'] as const) await runEngineCli(env, engineName, ['rmi', '-f', tiny.proxyRef], { allowFailure: true });
    await runEngineCli(env, 'docker', ['pull', tiny.proxyRef]);
    const config = validateSlotsFile(
      {
        engines: { p: env.podman!.socket, d: env.docker!.socket },
        slots: [
          { name: 'on-podman', provider: 'container', image: tiny.proxyRef, engine: 'p' },
          { name: 'on-docker', provider: 'container', image: tiny.proxyRef, engine: 'd' },
        ],
      },
      'two engines',
    );
    if (!config.ok) throw new Error(config.problems.join('\n'));
    const engines = new Map<string, EngineRuntime>([
      ['p', await connectEngine(parseEngineEndpoint(env.podman!.socket))],
      ['d', await connectEngine(parseEngineEndpoint(env.docker!.socket))],
    ]);
    const slotpull = createSlotpull({ slots: config.slots, runtime: engines.get('d')!, engines, clock: systemClock, newJobId: () => 'p_both', version: 'test' });
    try {
      const slots = await (await slotpull.app.request('/api/slots')).json();
      expect(slots.map((s: Record<string, unknown>) => [s.name, s.image_status])).toEqual([
        ['on-podman', 'missing'],
        ['on-docker', 'present'],
      ]);
      expect(await (await slotpull.app.request('/api/slots/on-podman/pull', { method: 'POST' })).json()).toMatchObject({ runtime: 'podman' });
      const sse = readSse(await slotpull.app.request('/api/slots/on-podman/pull/stream?until=done'));
      expect(await sse.until((frame) => frame.state !== 'pulling', PULL_TIMEOUT_MS)).toMatchObject({ state: 'completed', runtime: 'podman' });
      expect((await (await slotpull.app.request('/api/slots/on-podman')).json()).image_status).toBe('present');
    } finally {
      slotpull.close();
    }
  });
});
