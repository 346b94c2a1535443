/**
 * One engine that hangs slows no one else. Beside the real dockerd (a named
 * engine) and podman (the default runtime), a FAKE engine — a plain HTTP
 * server that answers like an empty engine until told to hang, then accepts
 * every request and never answers (what no real engine does on demand).
 * While it hangs: listings return without waiting for it (the requests it
 * holds are never answered, so a listing that returned did not wait), its
 * slots are `unknown` with one sentence, it gets one request at a time, its
 * pulls are refused, and a pull on dockerd runs to the end with progress.
 * When it answers again, it comes back by itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEngineEndpoint } from '../../server/core/engine-endpoint.ts';
import { connectEngine } from '../../server/runtimes/engine/engine.ts';
import { createNamedEngine, type NamedEngine } from '../../server/runtimes/engine/named-engine.ts';
import { systemClock } from '../../server/runtimes/system-clock.ts';
import { useEngineEnv } from '../env/context.ts';
import { runEngineCli } from '../env/engines.mjs';
import { resetEngineEnv } from '../env/reset.ts';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { serveSlotpull, waitFor, type Served } from '../helpers/served.ts';
import { readSse } from '../helpers/sse-client.ts';

const env = useEngineEnv();
const TIMEOUT_MS = 60_000;
/** Short, so the test sees the budget pass quickly; the default is 2 s. */
const READ_BUDGET_MS = 400;
/** Each listing asks the engines again. */
const INSPECT_TTL_MS = 50;

/** The FAKE engine: empty-engine answers, or, once `hanging`, none at all. */
function fakeEngine() {
  let hanging = false;
  const held: ServerResponse[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (hanging) return void held.push(res);
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/_ping') return void res.end('OK');
    if (req.url === '/version') return void res.end(JSON.stringify({ Version: '0.0.0-fake', Components: [{ Name: 'Engine' }] }));
    if (req.url?.startsWith('/containers/json') === true) return void res.end('[]');
    res.statusCode = 404;
    res.end('{"message":"no such image"}');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    server,
    /** Requests it holds unanswered right now. */
    get held() {
      return held.filter((res) => !res.destroyed && !res.writableEnded).length;
    },
    hang(on: boolean) {
      hanging = on;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a hanging engine beside real ones', () => {
  const fake = fakeEngine();
  let app: TestApp;
  let served: Served;
  let hung: NamedEngine;
  let docker: NamedEngine;
  const multi = () => env.images.multi ?? fail('image multi was not seeded');
  function fail(why: string): never {
    throw new Error(why);
  }

  beforeAll(async () => {
    await resetEngineEnv(env);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = `tcp://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    const options = { readBudgetMs: READ_BUDGET_MS };
    hung = createNamedEngine('hung', parseEngineEndpoint(address), systemClock, options);
    docker = createNamedEngine('real', parseEngineEndpoint(env.docker?.socket ?? fail('no dockerd')), systemClock, options);
    const podman = await connectEngine(parseEngineEndpoint(env.podman?.socket ?? fail('no podman')), options);
    const slot = (name: string, engine?: string) => ({ name, provider: 'container', image: multi().proxyRef, ...(engine === undefined ? {} : { engine }) });
    app = makeApp(podman, { inspectTtlMs: INSPECT_TTL_MS, engines: new Map([['real', docker], ['hung', hung]]) }, {
      engines: { real: env.docker?.socket, hung: address },
      slots: [slot('p1'), slot('d1', 'real'), slot('d2', 'real'), slot('h1', 'hung'), slot('h2', 'hung')],
    });
    served = await serveSlotpull(app);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await served?.close();
    hung?.close();
    docker?.close();
    await fake.close();
    await runEngineCli(env, 'docker', ['rmi', '-f', multi().proxyRef], { allowFailure: true });
  });

  const listing = async () => {
    const response = await fetch(`${served.base}/api/slots`);
    expect(response.status).toBe(200);
    const slots = (await response.json()) as { name: string; image_status: string; container_status: string; container_error: string | null }[];
    return Object.fromEntries(slots.map((slot) => [slot.name, slot]));
  };

  it('lists the others without waiting for it, marks only its slots unknown, and keeps pulls on the others running', { timeout: TIMEOUT_MS }, async () => {
    const before = await listing();
    expect(Object.values(before).map((slot) => slot.image_status)).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);

    fake.hang(true);
    // Listed as a dashboard does until its slots read unknown: that listing returned although the requests it sent are still held.
    await waitFor(
      'a listing to find the fake engine hanging',
      async () => {
        const slots = await listing();
        return slots.h1?.image_status === 'unknown' && slots.h1.container_status === 'unknown' ? true : undefined;
      },
      10_000,
      INSPECT_TTL_MS,
    );
    expect(fake.held).toBeGreaterThan(0);
    const sentence = `the engine at tcp://127.0.0.1:${(fake.server.address() as AddressInfo).port} has not answered within 0.4 s`;
    expect((await listing()).h2?.container_error).toContain(sentence);

    // A pull on dockerd runs to the end with byte progress meanwhile, followed on SSE, with listings all along.
    expect((await fetch(`${served.base}/api/slots/d1/pull`, { method: 'POST' })).status).toBe(202);
    const sse = readSse(await fetch(`${served.base}/api/slots/d1/pull/stream?until=done`));
    let listings = 0;
    let mostHeld = 0;
    let frame = await sse.until(() => true, TIMEOUT_MS);
    let sawBytes = false;
    while (frame.state === 'pulling') {
      const during = await listing();
      listings += 1;
      expect([during.h1?.image_status, during.h2?.container_status, during.p1?.image_status]).toEqual(['unknown', 'unknown', 'missing']);
      sawBytes ||= Number(frame.bytes_done ?? 0) > 0;
      mostHeld = Math.max(mostHeld, fake.held);
      frame = await sse.until(() => true, TIMEOUT_MS);
    }
    await sse.close();
    expect(frame).toMatchObject({ state: 'completed', percent: 100 });
    expect(sawBytes).toBe(true);
    expect(listings).toBeGreaterThan(0);
    // However many listings, nothing piled up on it: the two reads of the listing that found it slow, then one at a time.
    expect(mostHeld).toBeLessThanOrEqual(2);
    expect((await listing()).d2?.image_status).toBe('present');

    // Its own pulls are refused with the same sentence; health says it too.
    const refused = await fetch(`${served.base}/api/slots/h1/pull`, { method: 'POST' });
    expect({ status: refused.status, body: await refused.json() }).toMatchObject({ status: 503, body: { error: { code: 'runtime.unavailable', message: expect.stringContaining(sentence) } } });
    expect(((await (await fetch(`${served.base}/api/health`)).json()) as { engines: Record<string, unknown> }).engines).toMatchObject({
      real: { runtime: 'docker', unavailable: null },
      hung: { unavailable: expect.stringContaining(sentence) },
    });
  });

  it('comes back by itself once it answers again', { timeout: TIMEOUT_MS }, async () => {
    fake.hang(false);
    await waitFor('the fake engine\'s slots to read missing again', async () => ((await listing()).h1?.image_status === 'missing' ? true : undefined), 20_000, 100);
    expect(hung.unavailable?.()).toBeNull();
  });
});
