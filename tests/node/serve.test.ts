/**
 * The app behind @hono/node-server on a real port: SSE over real sockets,
 * and a thousand clients that connect and vanish without a trace.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { dockerLine, type ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import type { Served } from '../helpers/served.ts';
import { readSse } from '../helpers/sse-client.ts';

const CYCLES = 1000;

describe('Node server', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;
  let served: Served;
  let base: string;
  const http = useTestApp((built) => ({ runtime, app } = built));
  beforeEach(async () => {
    served = await http.serve();
    ({ base } = served);
  });

  const openConnections = () => served.connections();

  it('streams frames over a real socket as they happen', async () => {
    const controller = new AbortController();
    const sse = readSse(await fetch(`${base}/api/slots/chat/pull/stream`, { signal: controller.signal }));
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ state: 'missing' });
    await fetch(`${base}/api/slots/chat/pull`, { method: 'POST' });
    runtime.pulls[0]!.push(dockerLine('Downloading', 'aaaaaaaaaaaa', { current: 1, total: 4 }));
    expect(await sse.until((f) => f.bytes_done === 1)).toMatchObject({ state: 'pulling', bytes_total: 4 });
    controller.abort();
  });

  it(`leaves no subscriber, timer or socket after ${CYCLES} connect/disconnect cycles`, { timeout: 60_000 }, async () => {
    await fetch(`${base}/api/slots/chat/pull`, { method: 'POST' });
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const controller = new AbortController();
      const response = await fetch(`${base}/api/events`, { signal: controller.signal });
      const sse = readSse(response);
      await sse.next();
      controller.abort();
      await sse.close().catch(() => undefined);
    }
    // The server learns of each disconnect from its socket; wait for the last ones to close.
    const deadline = Date.now() + 5000;
    while ((app.registry.listenerCount > 0 || (await openConnections()) > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(app.registry.listenerCount).toBe(0);
    expect(await openConnections()).toBe(0);
    // Only the running pull's own frame timer may remain; no stream left a heartbeat behind.
    expect(app.clock.liveTimers).toBeLessThanOrEqual(1);
    expect(runtime.pulls[0]!.signal.aborted).toBe(false);
  });
});
