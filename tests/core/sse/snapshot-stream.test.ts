import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SlotFeed } from '../../../server/core/registry/slot-feed.ts';
import { sseMessage, sseOpening } from '../../../server/core/sse/frame.ts';
import { createSnapshotStream } from '../../../server/core/sse/snapshot-stream.ts';
import { StreamSet } from '../../../server/core/sse/stream-set.ts';
import type { ContainerSlot } from '../../../server/core/slot.ts';
import { containerSlot } from '../../helpers/container-slot.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';
import { slotTargets, type Targets } from '../../helpers/slot-targets.ts';

const LAYER = 'd9b9504b1033';
const FRAME_INTERVAL_MS = 200;
const WATCH_MS = 2000;

const chat = containerSlot('chat', '127.0.0.1:5000/feas/multi:1');
const tiny = containerSlot('tiny', '127.0.0.1:5000/feas/tiny:1');
const gpu = containerSlot('gpu', '127.0.0.1:5000/feas/multi:1', 'gpu');

describe('createSnapshotStream', () => {
  let clock: CountingClock;
  let local: ScriptedRuntime;
  let parts: Targets;
  let feed: SlotFeed;
  let streams: StreamSet;
  const decoder = new TextDecoder();

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = countingClock();
    local = new ScriptedRuntime('docker');
    parts = slotTargets({
      runtimes: new Map<string | null, ScriptedRuntime>([
        [null, local],
        ['gpu', new ScriptedRuntime('podman')],
      ]),
      slots: [chat, tiny, gpu],
      clock,
      registry: { frameIntervalMs: FRAME_INTERVAL_MS },
      watchIntervalMs: WATCH_MS,
    });
    feed = parts.feed;
    streams = new StreamSet(clock);
  });
  afterEach(() => {
    streams.endAll();
    parts.close();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  const registryOf = (engine: string | null) => parts.registryOf(engine);
  const open = (slots: ContainerSlot[], lastId?: number) => createSnapshotStream({ slots, feed, streams, lastId }).getReader();
  const readText = async (reader: ReadableStreamDefaultReader<Uint8Array>) => decoder.decode((await reader.read()).value);

  it('writes the opening, then every slot\'s frame from the feed in one chunk, numbered above the last id', async () => {
    registryOf(null).start(chat.image);
    local.presence.set(tiny.image.key, 'present');
    const reader = open([chat, tiny], 41);
    expect(await readText(reader)).toBe(sseOpening());
    expect(await readText(reader)).toBe(sseMessage(42, feed.frameNow(chat)!.data) + sseMessage(43, feed.frameNow(tiny)!.data));
    expect(feed.frameNow(tiny)!.snapshot).toMatchObject({ state: 'present', job_id: null, container_status: 'absent' });
    await reader.cancel();
  });

  it('writes a frame the feed serialized once for every stream on the slot', async () => {
    registryOf(null).start(chat.image);
    const readers = [open([chat]), open([chat])];
    for (const reader of readers) {
      await readText(reader);
      await readText(reader);
    }
    local.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 1, total: 2 }));
    await settle();
    await vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS);
    const stringify = vi.spyOn(JSON, 'stringify');
    const [a, b] = [await readText(readers[0]!), await readText(readers[1]!)];
    expect(stringify).toHaveBeenCalledTimes(1);
    expect(a).toBe(sseMessage(2, feed.frameNow(chat)!.data));
    expect(b).toBe(a);
    for (const reader of readers) await reader.cancel();
  });

  it('leaves no listener on any engine\'s registry and no open stream once cancelled', async () => {
    const reader = open([chat, tiny, gpu]);
    expect([registryOf(null).listenerCount, registryOf('gpu').listenerCount, streams.size]).toEqual([2, 1, 1]);
    await readText(reader);
    await reader.cancel();
    expect([registryOf(null).listenerCount, registryOf('gpu').listenerCount, streams.size]).toEqual([0, 0, 0]);
    expect(clock.liveTimers).toBe(0);
  });

  it('sends a frame when the slot\'s container crashes, read by the live watch while the stream is open', async () => {
    const reader = open([chat]);
    await readText(reader);
    expect(JSON.parse((await readText(reader)).split('data: ')[1]!)).toMatchObject({ slot_name: 'chat', container_status: 'absent' });
    local.containers.set('slot-chat', { status: 'crashed', error: 'exited with code 1' });
    await vi.advanceTimersByTimeAsync(WATCH_MS);
    expect(await readText(reader)).toBe(sseMessage(2, feed.frameNow(chat)!.data));
    expect(feed.frameNow(chat)!.snapshot).toMatchObject({ container_status: 'crashed', container_error: 'exited with code 1' });
    await reader.cancel();
    expect(clock.liveTimers).toBe(0);
  });
});
