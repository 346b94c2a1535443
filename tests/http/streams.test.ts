import { describe, expect, it, vi } from 'vitest';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { useFakeClock } from '../helpers/clock.ts';
import { dockerLine, type ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import { settle } from '../helpers/settle.ts';
import { readSse } from '../helpers/sse-client.ts';

const LAYER = 'd9b9504b1033';
const frame = (message: { data: string }) => JSON.parse(message.data) as Record<string, any>;

describe('SSE channels', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;

  useTestApp((built) => ({ runtime, app } = built));

  it('sends the headers, then retry and a comment at once, then a snapshot with an id', async () => {
    const response = await app.request('/api/slots/chat/pull/stream');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('retry: 3000\n: connected\n\n');
    const first = decoder.decode((await reader.read()).value);
    expect(first).toMatch(/^id: 1\ndata: \{.*\}\n\n$/);
    expect(JSON.parse(first.slice(first.indexOf('{')))).toMatchObject({ slot_name: 'chat', state: 'missing' });
    await reader.cancel();
  });

  it('follows a pull: increasing ids, unnamed frames, progress, then completed', async () => {
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    const initial = await sse.next();
    expect(frame(initial).state).toBe('missing');
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Pulling from feas/multi', '1'));
    pull.push(dockerLine('Pulling fs layer', LAYER));
    pull.push(dockerLine('Downloading', LAYER, { current: 500, total: 1000 }));
    const progress = await sse.until((f) => f.bytes_done === 500);
    expect(progress).toMatchObject({ state: 'pulling', bytes_total: 1000, total_layers: 1 });
    pull.push(dockerLine('Download complete', LAYER));
    pull.push(dockerLine('Pull complete', LAYER));
    pull.end();
    const done = await sse.until((f) => f.state !== 'pulling');
    expect(done).toMatchObject({ state: 'completed', percent: 100, layer: 1 });
    expect(sse.retry).toBe(3000);
    expect(sse.comments).toContain('connected');
    await sse.close();
  });

  it('numbers frames above Last-Event-ID, so ids keep increasing across a reconnect', async () => {
    const sse = readSse(await app.request('/api/slots/chat/pull/stream', { headers: { 'Last-Event-ID': '41' } }));
    const message = await sse.next();
    expect(message.id).toBe('42');
    expect(message.event).toBeUndefined();
    await sse.close();
  });

  it('ends after the first terminal frame with ?until=done', async () => {
    const sse = readSse(await app.request('/api/slots/chat/pull/stream?until=done'));
    expect(frame(await sse.next()).state).toBe('missing');
    await expect(sse.next()).rejects.toThrow('ended');
    expect(app.registry.listenerCount).toBe(0);
  });

  it('stays open after a terminal state and shows a pull started later by anyone', async () => {
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    expect(frame(await sse.next()).state).toBe('missing');
    await app.request('/api/slots/code/pull', { method: 'POST' });
    expect(await sse.until((f) => f.state === 'pulling')).toMatchObject({ slot_name: 'chat' });
    await sse.close();
  });

  it('never cancels a pull when a stream closes', async () => {
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    await sse.next();
    await sse.close();
    expect(runtime.pulls[0]!.signal.aborted).toBe(false);
    expect(app.registry.job(runtime.pulls[0]!.image)?.state).toBe('pulling');
  });

  it('serves many slots on /api/events, each with its current snapshot first', async () => {
    runtime.presence.set('127.0.0.1:5000/feas/big:1', 'present');
    const sse = readSse(await app.request('/api/events'));
    const first = [frame(await sse.next()), frame(await sse.next()), frame(await sse.next())];
    expect(first.map((f) => [f.slot_name, f.state])).toEqual([
      ['chat', 'missing'],
      ['code', 'missing'],
      ['big', 'present'],
    ]);
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    const both = [frame(await sse.next()), frame(await sse.next())];
    expect(both.map((f) => [f.slot_name, f.state]).sort()).toEqual([
      ['chat', 'pulling'],
      ['code', 'pulling'],
    ]);
    await sse.close();
  });

  it('writes the frames of every slot due at once in one chunk', async () => {
    const response = await app.request('/api/events');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    await reader.read(); // retry and the connected comment
    const first = decoder.decode((await reader.read()).value);
    expect(first.match(/^id: \d+$/gm)).toEqual(['id: 1', 'id: 2', 'id: 3']);
    expect([...first.matchAll(/"slot_name":"(\w+)"/g)].map((m) => m[1])).toEqual(['chat', 'code', 'big']);
    await reader.cancel();
  });

  it('ends /api/events?until=done once every named slot has been terminal', async () => {
    const sse = readSse(await app.request('/api/events?slots=chat,big&until=done'));
    const names = [frame(await sse.next()).slot_name, frame(await sse.next()).slot_name];
    expect(names).toEqual(['chat', 'big']);
    await expect(sse.next()).rejects.toThrow('ended');
  });

  it('keeps at most one pending snapshot per slot for a reader that does not read', async () => {
    useFakeClock();
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    await sse.next();
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Pulling fs layer', LAYER));
    // Five coalescing intervals of changes while the reader reads nothing.
    for (let round = 1; round <= 5; round++) {
      for (let i = 1; i <= 200; i++) pull.push(dockerLine('Downloading', LAYER, { current: (round - 1) * 200 + i, total: 1000 }));
      await settle();
      await vi.advanceTimersByTimeAsync(210);
    }
    // The last change's frame goes out on the next beat, at most two intervals after the previous frame.
    await vi.advanceTimersByTimeAsync(410);
    // Nothing was queued per change: the first frame read is already the newest, and no other waits.
    expect(frame(await sse.next())).toMatchObject({ state: 'pulling', bytes_done: 1000 });
    const nothingElse = expect(sse.next(300)).rejects.toThrow('no SSE message within 300 ms');
    await vi.advanceTimersByTimeAsync(300);
    await nothingElse;
    await sse.close();
  });

  it('pings every 15 s while nothing changes, and leaves no timer or listener after close', async () => {
    useFakeClock();
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    await sse.next();
    const reading = sse.next(60_000).catch(() => null);
    await vi.advanceTimersByTimeAsync(15_000);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sse.comments.filter((c) => c === 'ping').length).toBeGreaterThanOrEqual(1);
    await sse.close();
    await reading;
    expect(app.clock.liveTimers).toBe(0);
    expect(app.registry.listenerCount).toBe(0);
  });

  it('ends open streams when the server closes', async () => {
    const sse = readSse(await app.request('/api/events'));
    await sse.next();
    app.close();
    // The other slots' first frames came in the same chunk; after them, the end.
    const readAll = async (): Promise<never> => {
      for (;;) await sse.next();
    };
    await expect(readAll()).rejects.toThrow('ended');
    expect(app.registry.listenerCount).toBe(0);
    expect(app.clock.liveTimers).toBe(0);
  });

  it('builds and serializes a frame once for every stream on the slot', async () => {
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    const pull = runtime.pulls[0]!;
    const slot = { name: 'chat', image: pull.image, engine: null, container: 'slot-chat' } as Parameters<typeof app.feed.frameNow>[0];
    const first = app.feed.frameNow(slot)!;
    expect(app.feed.frameNow(slot)).toBe(first);
    // The progress frame goes out on the registry's next beat.
    const framed = new Promise<void>((resolve) => {
      const unwatch = app.registry.watch([pull.image.key], () => {
        unwatch();
        resolve();
      });
    });
    pull.push(dockerLine('Downloading', LAYER, { current: 1, total: 2 }));
    await framed;
    const next = app.feed.frameNow(slot)!;
    expect(next).not.toBe(first);
    expect(next.snapshot.bytes_done).toBe(1);
    expect(JSON.parse(next.data)).toEqual(next.snapshot);
  });
});
