// The real-engine test environment works, against both engines, over the raw
// Docker Engine API (no slotpull code involved): this is the ground the
// engine runtime's integration tests stand on, and a record of how dockerd
// and podman behave when the registry misbehaves.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useEngineEnv } from '../env/context.ts';
import type { EngineInfo, EngineName, SeededImage } from '../env/engines.mjs';
import { runEngineCli } from '../env/engines.mjs';
import { blobBytes, proxyClient } from '../env/proxy-client.ts';
import { resetEngineEnv } from '../env/reset.ts';
import { engineRequest, openEngineRequest } from '../env/unix-http.mjs';

const env = useEngineEnv();
const proxy = proxyClient(env.proxy.controlUrl);
/** Slow enough that a test can act mid-pull: a 4 MiB layer takes 4 s. */
const SLOW_RATE_BPS = 1_000_000;
/** "Mid-pull" = at least this much of a blob went through the proxy. */
const MID_PULL_BYTES = 256 * 1024;
const WAIT_POLL_MS = 50;
const WAIT_TIMEOUT_MS = 20_000;

let initialRate = 0;
beforeAll(async () => {
  await resetEngineEnv(env);
  initialRate = (await proxy.stats()).rate;
});
afterEach(async () => {
  await proxy.setDown(false);
  await proxy.setRate(initialRate);
});
afterAll(async () => {
  // Leave the shared engines as found: other files expect the seeded images missing.
  for (const engine of [env.podman, env.docker]) {
    if (!engine) continue;
    await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/containers/exit3-${engine.name}?force=1` });
    for (const image of Object.values(env.images)) {
      for (const ref of [image.ref, image.proxyRef]) await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/images/${ref}?force=1` });
    }
  }
});

/** One JSON line of a pull stream. */
interface PullLine {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

describe.each(['podman', 'docker'] as const)('%s', (name: EngineName) => {
  const engine = env[name] ?? missing(`engine ${name}`);

  it('answers /_ping and /version on its own socket', async () => {
    const ping = await engineRequest({ socket: engine.socket, path: '/_ping' });
    expect([ping.status, ping.text]).toEqual([200, 'OK']);
    const version = (await engineRequest({ socket: engine.socket, path: '/version' })).json();
    expect(version.Version).toBe(engine.version);
    expect(engine.socketPath.startsWith(`${env.tmpDir}/`)).toBe(true);
  });

  it('pulls a missing 3-layer image through the throttled proxy; the proxy saw every layer byte once', async () => {
    const image = env.images.multi ?? missing('image multi');
    expect(await imageStatus(engine, image.proxyRef)).toBe(404);
    await proxy.reset();

    const { status, lines } = await startPull(engine, image.proxyRef).done;

    expect(status).toBe(200);
    expect(lines.filter((line) => line.error !== undefined)).toEqual([]);
    // Real progress: at 4 MB/s the 8 MiB layer takes 2 s, so even podman reports bytes.
    const totals = new Set(lines.filter((l) => l.status === 'Downloading').map((l) => l.progressDetail?.total));
    expect(totals.size).toBeGreaterThan(0);
    for (const total of totals) expect(image.layers.map((layer) => layer.size)).toContain(total);
    expect(await imageStatus(engine, image.proxyRef)).toBe(200);
    const stats = await proxy.stats();
    for (const layer of image.layers) expect(blobBytes(stats, layer.digest)).toBe(layer.size);
    // One GET per layer plus one for the image config.
    expect(stats.blobRequests).toBe(image.layers.length + 1);
    expect(stats.activeRequests).toBe(0);
  });

  it('fails a pull when the proxy is killed mid-pull (connections broken, then refused)', async () => {
    const image = env.images.big ?? missing('image big');
    await proxy.setRate(SLOW_RATE_BPS);
    await proxy.reset();
    const pull = startPull(engine, image.proxyRef);

    await waitFor('the big layer to be mid-download', async () => blobBytes(await proxy.stats(), firstLayer(image).digest) >= MID_PULL_BYTES);
    await proxy.setDown(true);
    const { status, lines } = await pull.done;

    expect(status).toBe(200);
    expect(lines.at(-1)?.error).toEqual(expect.any(String));
    expect(lines.at(-1)?.errorDetail?.message).toBe(lines.at(-1)?.error);
    expect(await imageStatus(engine, image.proxyRef)).toBe(404);
  });

  const afterBreak = name === 'podman' ? 'podman fails at once' : 'dockerd retries once and resumes with a Range request';
  it(`breakAll mid-pull (a network glitch): ${afterBreak}`, async () => {
    const image = env.images['base-a'] ?? missing('image base-a');
    await proxy.setRate(SLOW_RATE_BPS);
    await proxy.reset();
    const pull = startPull(engine, image.proxyRef);

    await waitFor('the base layer to be mid-download', async () => blobBytes(await proxy.stats(), firstLayer(image).digest) >= MID_PULL_BYTES);
    expect(await proxy.breakAll()).toBeGreaterThan(0);
    await proxy.setRate(0);
    const { lines } = await pull.done;
    const stats = await proxy.stats();

    if (name === 'podman') {
      expect(lines.at(-1)?.error).toMatch(/unexpected EOF|connection reset/);
      expect(await imageStatus(engine, image.proxyRef)).toBe(404);
    } else {
      // --max-download-attempts=1 still allows one retry on dockerd 20.10 (it counts retries, not attempts).
      expect(lines.some((line) => /^Retrying in \d+ seconds?$/.test(line.status ?? ''))).toBe(true);
      expect(lines.at(-1)?.status).toBe(`Status: Downloaded newer image for ${image.proxyRef}`);
      expect(stats.rangeRequests).toBeGreaterThan(0);
      for (const layer of image.layers) expect(blobBytes(stats, layer.digest)).toBe(layer.size);
      expect(await imageStatus(engine, image.proxyRef)).toBe(200);
    }
  });

  it('runs the busybox image: `sh -c "exit 3"` leaves a container with ExitCode 3', async () => {
    const image = env.images.busybox ?? missing('image busybox');
    const container = `exit3-${name}`;
    // podman's runtime (runc) and ulimits come from the environment's containers.conf.
    const run = await runEngineCli(env, name, ['run', '--name', container, '--network', 'none', image.ref, 'sh', '-c', 'exit 3'], { allowFailure: true });

    expect(run.code).toBe(3);
    const inspect = await engineRequest({ socket: engine.socket, path: `/containers/${container}/json` });
    expect(inspect.status).toBe(200);
    const state = inspect.json().State;
    expect([state.Status, state.ExitCode, state.Running]).toEqual(['exited', 3, false]);
  });
});

/** A pull over the compat API; `done` resolves when the engine ends the stream. */
function startPull(engine: EngineInfo, ref: string): { done: Promise<{ status: number; lines: PullLine[] }> } {
  const at = ref.lastIndexOf(':');
  const fromImage = ref.slice(0, at);
  const tag = ref.slice(at + 1);
  const done = (async () => {
    const res = await openEngineRequest({
      socket: engine.socket,
      method: 'POST',
      path: `/images/create?fromImage=${encodeURIComponent(fromImage)}&tag=${encodeURIComponent(tag)}`,
    });
    let text = '';
    for await (const chunk of res) text += chunk;
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as PullLine);
    return { status: res.statusCode ?? 0, lines };
  })();
  return { done };
}

async function imageStatus(engine: EngineInfo, ref: string): Promise<number> {
  return (await engineRequest({ socket: engine.socket, path: `/images/${ref}/json` })).status;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  throw new Error(`timed out after ${WAIT_TIMEOUT_MS} ms waiting for ${what}`);
}

function firstLayer(image: SeededImage) {
  return image.layers[0] ?? missing(`a layer of ${image.name}`);
}

function missing(what: string): never {
  throw new Error(`engine env: ${what} is missing`);
}
