/**
 * Per-engine isolation, against FAKE engines on a unix socket (a hang on
 * demand is what a real engine cannot be made to do): every request has a
 * deadline, a pull whose engine falls silent is given up, and a named engine
 * that failed makes its readers wait for nothing while it is asked again in
 * the background.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../../server/core/clock.ts';
import { parseEngineEndpoint } from '../../../server/core/engine-endpoint.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { createEngineRuntime } from '../../../server/runtimes/engine/engine.ts';
import { createNamedEngine, RECONNECT_AFTER_MS } from '../../../server/runtimes/engine/named-engine.ts';
import type { EngineFetch } from '../../../server/runtimes/engine/transport.ts';

let dir: string;
let server: Server;
let socket: string;
/** What the fake engine does per path; the default answers like dockerd. */
let behave: (req: IncomingMessage, res: ServerResponse) => void;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slotpull-isolation-'));
  socket = join(dir, 'fake-engine.sock');
  server = createServer((req, res) => behave(req, res));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const image = parseImageReference('127.0.0.1:5000/slotpull/tiny:1');

describe('deadlines on a FAKE engine that hangs', () => {
  it('a read that gets no answer fails at its deadline with one sentence', async () => {
    behave = () => undefined;
    const engine = createEngineRuntime(parseEngineEndpoint(`unix://${socket}`), 'docker', 'fake', { requestTimeoutMs: 300, readBudgetMs: 5000 });
    await expect(engine.inspectImage(image)).rejects.toThrow(`the engine at unix://${socket} did not answer within 0.3 s`);
    engine.close();
  });

  it('a pull whose engine never answers, or falls silent mid-stream, is given up after the silence limit', async () => {
    const engine = createEngineRuntime(parseEngineEndpoint(`unix://${socket}`), 'docker', 'fake', { pullSilenceMs: 300 });
    const drain = async () => {
      for await (const chunk of engine.pullImage(image, new AbortController().signal).chunks) void chunk;
    };
    behave = () => undefined;
    await expect(drain()).rejects.toThrow(`the engine at unix://${socket} said nothing for 0.3 s, so the pull was given up`);
    behave = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"Pulling from slotpull/tiny","id":"1"}\r\n');
    };
    await expect(drain()).rejects.toThrow(/said nothing for 0\.3 s/);
  });

  it('a pull cancelled by its caller ends quietly, not as silence', async () => {
    behave = () => undefined;
    const engine = createEngineRuntime(parseEngineEndpoint(`unix://${socket}`), 'docker', 'fake', { pullSilenceMs: 10_000 });
    const controller = new AbortController();
    const chunks = engine.pullImage(image, controller.signal).chunks[Symbol.asyncIterator]();
    const next = chunks.next();
    controller.abort();
    await expect(next).rejects.toThrow(/abort/i);
  });
});

describe('a named engine that failed', () => {
  /** A clock whose time moves only when told; timers are real (the read budget is not under test here). */
  const manualClock = () => {
    let now = 1_000_000;
    const clock: Clock & { advance(ms: number): void } = {
      now: () => now,
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
      advance: (ms) => {
        now += ms;
      },
    };
    return clock;
  };

  it('fails its readers at once, and is asked again only in the background and only after the pause', async () => {
    const clock = manualClock();
    let hang = false;
    const calls: string[] = [];
    const fetch: EngineFetch = (path, init) => {
      calls.push(path);
      if (hang) return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    };
    const engine = createNamedEngine('gpu9', parseEngineEndpoint('tcp://127.0.0.1:2375'), clock, { fetch, requestTimeoutMs: 60_000 });
    await expect(engine.connect()).rejects.toThrow(/^engine "gpu9": no container engine answers at tcp:\/\/127\.0\.0\.1:2375 \(connect ECONNREFUSED\)/);
    expect(engine.unavailable?.()).toMatch(/^engine "gpu9": no container engine answers/);

    // Within the pause: no request at all.
    calls.length = 0;
    await expect(engine.containerStates(['slot-a'])).rejects.toThrow(/engine "gpu9"/);
    await expect(engine.inspectImage(image)).rejects.toThrow(/engine "gpu9"/);
    expect(calls).toEqual([]);

    // After the pause the engine hangs: the reader still fails at once; one ping goes out in the background.
    hang = true;
    clock.advance(RECONNECT_AFTER_MS);
    const started = performance.now();
    await expect(engine.inspectImage(image)).rejects.toThrow(/engine "gpu9"/);
    await expect(engine.containerStates(['slot-a'])).rejects.toThrow(/engine "gpu9"/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(calls).toEqual(['/_ping']);
    engine.close();
  });

  it('comes back by itself once a background ping is answered', async () => {
    const clock = manualClock();
    let up = false;
    const fetch: EngineFetch = async (path) => {
      if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      if (path === '/_ping') return new Response('OK');
      if (path === '/version') return Response.json({ Version: '4.3.1', Components: [{ Name: 'Podman Engine' }] });
      return new Response('{"message":"no such image"}', { status: 404 });
    };
    const engine = createNamedEngine('gpu9', parseEngineEndpoint('tcp://127.0.0.1:2375'), clock, { fetch });
    await expect(engine.connect()).rejects.toThrow();
    up = true;
    clock.advance(RECONNECT_AFTER_MS);
    await expect(engine.inspectImage(image)).rejects.toThrow(/engine "gpu9"/);
    await vi.waitFor(() => expect(engine.unavailable?.()).toBeNull());
    expect(await engine.inspectImage(image)).toBe('missing');
    expect(engine.name).toBe('podman');
  });
});
