import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PullRegistry } from '../../../server/core/registry/pull-registry.ts';
import { SlotFeed } from '../../../server/core/registry/slot-feed.ts';
import { noJobSnapshot } from '../../../server/core/registry/slot-snapshot.ts';
import { sseMessage, sseOpening } from '../../../server/core/sse/frame.ts';
import { createSnapshotStream } from '../../../server/core/sse/snapshot-stream.ts';
import { StreamSet } from '../../../server/core/sse/stream-set.ts';
import type { ContainerSlot } from '../../../server/core/slot.ts';
import { containerSlot } from '../../helpers/container-slot.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';

const LAYER = 'd9b9504b1033';
const FRAME_INTERVAL_MS = 200;

const chat = containerSlot('chat', '127.0.0.1:5000/feas/multi:1');
const tiny = containerSlot('tiny', '127.0.0.1:5000/feas/tiny:1');
const gpu = containerSlot('gpu', '127.0.0.1:5000/feas/multi:1', 'gpu');

describe('createSnapshotStream', () => {
  let clock: CountingClock;
  let local: ScriptedRuntime;
  let registries: Map<string | null, PullRegistry>;
  let feed: SlotFeed;
  let streams: StreamSet;
  const decoder = new TextDecoder();

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = countingClock();
    local = new ScriptedRuntime('docker');
    let ids = 0;
    const newJobId = () => `p_${++ids}`;
    registries = new Map([
      [null, new PullRegistry({ runtime: local, clock, newJobId, frameIntervalMs: FRAME_INTERVAL_MS })],
      ['gpu', new PullRegistry({ runtime: new ScriptedRuntime('podman'), clock, newJobId, frameIntervalMs: FRAME_INTERVAL_MS })],
    ]);
    feed = new SlotFeed({ registryFor: (slot) => registries.get(slot.engine) as PullRegistry });
    streams = new StreamSet(clock);
  });
  afterEach(() => {
    streams.endAll();
    for (const registry of registries.values()) registry.close();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  const open = (slots: ContainerSlot[], lastId?: number) => createSnapshotStream({ slots, feed, streams, lastId }).getReader();
  const readText = async (reader: ReadableStreamDefaultReader<Uint8Array>) => decoder.decode((await reader.read()).value);

  it('writes the opening, then every slot\'s frame from the feed in one chunk, numbered above the last id', async () => {
    registries.get(null)!.start(chat.image);
    local.presence.set(tiny.image.key, 'present');
    const reader = open([chat, tiny], 41);
    expect(await readText(reader)).toBe(sseOpening());
    expect(await readText(reader)).toBe(
      sseMessage(42, feed.jobFrame(chat)!.data) + sseMessage(43, JSON.stringify(noJobSnapshot(tiny, 'present', 'docker'))),
    );
    await reader.cancel();
  });

  it('writes a frame the feed serialized once for every stream on the slot', async () => {
    registries.get(null)!.start(chat.image);
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
    expect(a).toBe(sseMessage(2, feed.jobFrame(chat)!.data));
    expect(b).toBe(a);
    for (const reader of readers) await reader.cancel();
  });

  it('leaves no listener on any engine\'s registry and no open stream once cancelled', async () => {
    const reader = open([chat, tiny, gpu]);
    expect([registries.get(null)!.listenerCount, registries.get('gpu')!.listenerCount, streams.size]).toEqual([2, 1, 1]);
    await readText(reader);
    await reader.cancel();
    expect([registries.get(null)!.listenerCount, registries.get('gpu')!.listenerCount, streams.size]).toEqual([0, 0, 0]);
    expect(clock.liveTimers).toBe(0);
  });
});
