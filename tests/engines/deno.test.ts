/**
 * The unchanged server under Deno (server/deno/main.ts, `Deno.serve`),
 * with only the permissions the README documents, against the real podman
 * service: the slot list, a real pull followed over SSE, a cancel, and
 * both in /metrics.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../server/entry/options.ts';
import { useEngineEnv } from '../env/context.ts';
import { proxyClient } from '../env/proxy-client.ts';
import { resetEngineEnv } from '../env/reset.ts';
import { readExposition, sampleKey } from '../helpers/prometheus-text.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const proxy = proxyClient(env.proxy.controlUrl);
const DENO = new URL('../../node_modules/.bin/deno', import.meta.url).pathname;
const ENTRY = new URL('../../server/deno/main.ts', import.meta.url).pathname;
const TIMEOUT_MS = 60_000;

describe('slotpull on Deno against podman', () => {
  let dir: string;
  let deno: ServerProcess;
  let base: string;

  beforeAll(async () => {
    const podman = env.podman;
    if (podman === undefined) throw new Error('podman was not started by tests/env');
    dir = await mkdtemp(join(tmpdir(), 'slotpull-deno-'));
    const config = join(dir, 'slots.json');
    await writeFile(
      config,
      JSON.stringify({
        slots: [
          { name: 'multi', provider: 'container', image: env.images.multi!.proxyRef },
          { name: 'big', provider: 'container', image: env.images.big!.proxyRef },
        ],
      }),
    );
    await resetEngineEnv(env);
    deno = await startServerProcess(
      DENO,
      [
        'run',
        `--allow-env=${ENV_VARIABLES.join(',')}`,
        `--allow-read=.,${config},${podman.socketPath}`,
        `--allow-write=${podman.socketPath}`,
        `--allow-net=127.0.0.1,unix:${podman.socketPath}`,
        ENTRY,
        '--config', config,
        '--runtime', 'engine',
        '--engine', podman.socket,
        '--port', '0',
        '--state-dir', 'none',
      ],
      { PATH: process.env.PATH ?? '', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    );
    base = deno.base;
  }, TIMEOUT_MS);

  afterAll(async () => {
    await deno?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('names podman, lists the slots, follows a real pull to completed, cancels another, and counts both in /metrics', { timeout: TIMEOUT_MS }, async () => {
    expect(deno.output()).toMatch(/runtime podman \(--runtime engine: podman /);
    expect(await (await fetch(`${base}/api/health`)).json()).toMatchObject({ ok: true, runtime: 'podman' });
    const slots = await (await fetch(`${base}/api/slots`)).json();
    expect(slots.map((slot: Record<string, unknown>) => [slot.name, slot.image_status])).toEqual([
      ['multi', 'missing'],
      ['big', 'missing'],
    ]);

    await proxy.setDown(false);
    await proxy.setRate(3 * 1024 * 1024);
    expect((await fetch(`${base}/api/slots/multi/pull`, { method: 'POST' })).status).toBe(202);
    const sse = readSse(await fetch(`${base}/api/slots/multi/pull/stream?until=done`));
    const done = await sse.until((frame) => frame.state !== 'pulling', TIMEOUT_MS);
    expect(done).toMatchObject({ state: 'completed', percent: 100, total_layers: env.images.multi!.layers.length, runtime: 'podman' });
    expect((await (await fetch(`${base}/api/slots/multi`)).json()).image_status).toBe('present');

    await proxy.setRate(1024 * 1024);
    await fetch(`${base}/api/slots/big/pull`, { method: 'POST' });
    const big = readSse(await fetch(`${base}/api/slots/big/pull/stream`));
    await big.until((frame) => Number(frame.bytes_done ?? 0) > 0, TIMEOUT_MS);
    const cancelled = await (await fetch(`${base}/api/slots/big/pull`, { method: 'DELETE' })).json();
    expect(cancelled).toMatchObject({ state: 'cancelled' });
    await big.until((frame) => frame.state === 'cancelled');
    await big.close();
    expect((await (await fetch(`${base}/api/slots/big`)).json()).image_status).toBe('missing');

    const { samples } = readExposition(await (await fetch(`${base}/metrics`)).text());
    const engine = '(default)';
    expect(samples.get(sampleKey('slotpull_pulls_started_total', { engine }))).toBe(2);
    expect(samples.get(sampleKey('slotpull_pulls_finished_total', { engine, result: 'completed' }))).toBe(1);
    expect(samples.get(sampleKey('slotpull_pulls_finished_total', { engine, result: 'cancelled' }))).toBe(1);
    expect(samples.get(sampleKey('slotpull_engine_up', { engine }))).toBe(1);
    // Every byte the two pulls showed, counted as they came.
    expect(samples.get(sampleKey('slotpull_pull_bytes_total', { engine }))).toBeGreaterThanOrEqual(Number(done.bytes_done) + Number(cancelled.bytes_done));
  });

  it('stops cleanly on SIGTERM', { timeout: TIMEOUT_MS }, async () => {
    expect(await deno.stop('SIGTERM')).toBe(0);
    expect(deno.output()).toContain('SIGTERM: stopping');
  });
});
