import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SlotFeed } from '../../../server/core/registry/slot-feed.ts';
import { containerSlot } from '../../helpers/container-slot.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';
import { slotTargets, type Targets } from '../../helpers/slot-targets.ts';

const MULTI = '127.0.0.1:5000/feas/multi:1';
const TINY = '127.0.0.1:5000/feas/tiny:1';
const LAYER = 'd9b9504b1033';
const FRAME_INTERVAL_MS = 200;
const TTL_MS = 2000;
const WATCH_MS = 2000;
const CRASHED = { status: 'crashed', error: 'exited with code 137 (out of memory)' } as const;

// chat and code share an image on the default engine; gpu pulls the same image on its own engine.
const chat = containerSlot('chat', MULTI);
const code = containerSlot('code', MULTI);
const tiny = containerSlot('tiny', TINY);
const gpu = containerSlot('gpu', MULTI, 'gpu');

describe('SlotFeed', () => {
  let clock: CountingClock;
  let local: ScriptedRuntime;
  let remote: ScriptedRuntime;
  let parts: Targets;
  let feed: SlotFeed;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = countingClock();
    local = new ScriptedRuntime('docker');
    remote = new ScriptedRuntime('podman');
    parts = slotTargets({
      runtimes: new Map<string | null, ScriptedRuntime>([
        [null, local],
        ['gpu', remote],
      ]),
      slots: [chat, code, tiny, gpu],
      clock,
      registry: { frameIntervalMs: FRAME_INTERVAL_MS },
      ttlMs: TTL_MS,
      watchIntervalMs: WATCH_MS,
    });
    feed = parts.feed;
  });
  afterEach(() => {
    parts.close();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  const registryOf = (engine: string | null) => parts.registryOf(engine);
  const containersOf = (engine: string | null) => parts.targets.get(engine)!.containers;

  describe('watch', () => {
    it('tells which slot changed: every slot on the job\'s image and engine, no other', () => {
      const heard: string[] = [];
      feed.watch([chat, code, tiny, gpu], (slot) => heard.push(slot.name));
      registryOf(null).start(chat.image);
      expect(heard).toEqual(['chat', 'code']);
      registryOf('gpu').start(gpu.image);
      registryOf(null).start(tiny.image);
      expect(heard).toEqual(['chat', 'code', 'gpu', 'tiny']);
    });

    it('listens once per image, once per container list and engine, and its one way out ends it all', () => {
      const unwatch = feed.watch([chat, code, tiny, gpu], () => {});
      // The default engine: multi (chat and code) and tiny; gpu: multi.
      expect([registryOf(null).listenerCount, registryOf('gpu').listenerCount]).toEqual([2, 1]);
      expect([containersOf(null).listenerCount, containersOf('gpu').listenerCount]).toEqual([3, 1]);
      unwatch();
      unwatch();
      expect([registryOf(null).listenerCount, registryOf('gpu').listenerCount]).toEqual([0, 0]);
      expect([containersOf(null).listenerCount, containersOf('gpu').listenerCount]).toEqual([0, 0]);
      expect(clock.liveTimers).toBe(0);
    });
  });

  describe('frameNow', () => {
    it('is null until the slot\'s image and container have been asked about, and asks nothing itself', async () => {
      expect(feed.frameNow(chat)).toBeNull();
      expect([local.inspectCalls, local.containerListCalls]).toEqual([0, 0]);
      await feed.frame(chat);
      expect(feed.frameNow(chat)?.snapshot).toMatchObject({ state: 'missing', image_status: 'missing', container_status: 'absent' });
    });

    it('is the same frame until the job sends its next one, and its data is serialized once', async () => {
      registryOf(null).start(chat.image);
      const stringify = vi.spyOn(JSON, 'stringify');
      const first = await feed.frame(chat);
      expect(first.snapshot).toMatchObject({ slot_name: 'chat', image: MULTI, job_id: 'p_1', runtime: 'docker', state: 'pulling', image_status: 'pulling' });
      const reads = Array.from({ length: 1000 }, () => feed.frameNow(chat)!.data);
      expect(stringify).toHaveBeenCalledTimes(1);
      expect(new Set(reads)).toEqual(new Set([JSON.stringify(first.snapshot)]));
      expect(feed.frameNow(chat)).toBe(first);

      local.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 1, total: 2 }));
      await settle();
      // Progress waits for the beat: until then the job, and its frame, are as they were.
      expect(feed.frameNow(chat)).toBe(first);
      await vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS);
      const next = feed.frameNow(chat)!;
      expect(next).not.toBe(first);
      expect(next.snapshot.bytes_done).toBe(1);
      expect(next.data).toBe(JSON.stringify(next.snapshot));
    });

    it('gives the slots of one job the same progress in a frame, though each is built at its own moment', async () => {
      registryOf(null).start(chat.image);
      await Promise.all([feed.frame(chat), feed.frame(code)]);
      // A second and more of history, for a speed.
      for (let frame = 1; frame <= 7; frame += 1) {
        local.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: frame * 1_000_000, total: 9_000_000 }));
        await settle();
        await vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS);
      }
      const chatNow = feed.frameNow(chat)!.snapshot;
      // code's frame is asked 50 ms later in the same beat: its speed would have been lower.
      await vi.advanceTimersByTimeAsync(50);
      const codeNow = feed.frameNow(code)!.snapshot;
      expect(chatNow.speed_bps).not.toBeNull();
      const { slot_name: _chat, shared_with: _chatShared, ...chatProgress } = chatNow;
      const { slot_name: _code, shared_with: _codeShared, ...codeProgress } = codeNow;
      expect(codeProgress).toEqual(chatProgress);
    });

    it('keeps a frame per slot: two slots on one job each get their own name, and name each other as sharing it', async () => {
      registryOf(null).start(chat.image);
      const [chatFrame, codeFrame, gpuFrame, tinyFrame] = await Promise.all([chat, code, gpu, tiny].map((slot) => feed.frame(slot)));
      expect([chatFrame!.snapshot.slot_name, codeFrame!.snapshot.slot_name]).toEqual(['chat', 'code']);
      expect(chatFrame!.snapshot.job_id).toBe(codeFrame!.snapshot.job_id);
      // One image, one engine: one pull, which a cancel stops for both. gpu pulls the image on its own engine.
      expect([chatFrame, codeFrame, gpuFrame, tinyFrame].map((frame) => frame!.snapshot.shared_with)).toEqual([['code'], ['chat'], [], []]);
    });

    it('serializes nothing for a reader of the snapshot alone (a JSON answer)', async () => {
      registryOf(null).start(chat.image);
      const stringify = vi.spyOn(JSON, 'stringify');
      expect((await feed.frame(chat)).snapshot.state).toBe('pulling');
      expect(stringify).not.toHaveBeenCalled();
    });
  });

  describe('frame', () => {
    it('gives a slot without a job its image\'s presence and its container, asking each engine once for its slots', async () => {
      local.presence.set(chat.image.key, 'present');
      local.containers.set('slot-chat', CRASHED);
      const frames = await Promise.all([chat, code, gpu].map((slot) => feed.frame(slot)));
      expect(frames.map(({ snapshot: s }) => [s.slot_name, s.state, s.image_status, s.runtime, s.job_id, s.container_status, s.container_error])).toEqual([
        ['chat', 'present', 'present', 'docker', null, 'crashed', CRASHED.error],
        ['code', 'present', 'present', 'docker', null, 'absent', null],
        ['gpu', 'missing', 'missing', 'podman', null, 'absent', null],
      ]);
      expect([local.inspectCalls, remote.inspectCalls, local.containerListCalls, remote.containerListCalls]).toEqual([1, 1, 1, 1]);
      expect(frames[0]!.data).toBe(JSON.stringify(frames[0]!.snapshot));
    });

    it('says unknown, with why, when the engine cannot be asked', async () => {
      local.presence.set(chat.image.key, 'error');
      local.containerListFailure = 'Cannot connect to the Docker daemon';
      expect((await feed.frame(chat)).snapshot).toMatchObject({
        state: 'unknown',
        image_status: 'unknown',
        container_status: 'unknown',
        container_error: 'Cannot connect to the Docker daemon',
      });
    });

    it('gives the job\'s frame while there is a job, without asking about the image', async () => {
      registryOf(null).start(chat.image);
      expect((await feed.frame(chat)).snapshot.job_id).toBe('p_1');
      expect(local.inspectCalls).toBe(0);
    });

    it('gives the job\'s frame when a job started while the engine was asked', async () => {
      const asking = feed.frame(chat);
      registryOf(null).start(chat.image);
      const frame = await asking;
      expect(frame).toBe(feed.frameNow(chat));
      expect(frame.snapshot).toMatchObject({ state: 'pulling', image_status: 'pulling' });
    });

    it('reads the engine again once its answers are a TTL old, without a stream (a JSON answer)', async () => {
      await feed.frame(chat);
      local.containers.set('slot-chat', CRASHED);
      expect((await feed.frame(chat)).snapshot.container_status).toBe('absent');
      await vi.advanceTimersByTimeAsync(TTL_MS);
      expect((await feed.frame(chat)).snapshot.container_status).toBe('crashed');
      expect(local.containerListCalls).toBe(2);
    });
  });

  describe('live state', () => {
    it('asks no engine and runs no timer while no stream follows a slot', async () => {
      await Promise.all([chat, gpu].map((slot) => feed.frame(slot)));
      const asked = [local.containerListCalls, local.inspectCalls, remote.containerListCalls, remote.inspectCalls];
      expect(clock.liveTimers).toBe(0);
      await vi.advanceTimersByTimeAsync(10 * WATCH_MS);
      expect([local.containerListCalls, local.inspectCalls, remote.containerListCalls, remote.inspectCalls]).toEqual(asked);
    });

    it('tells a crash, a start and an image removed within one interval, with one container list and one inspect per image per engine', async () => {
      local.presence.set(MULTI, 'present');
      local.presence.set(TINY, 'present');
      await Promise.all([chat, code, tiny].map((slot) => feed.frame(slot)));
      const heard: string[] = [];
      const unwatch = feed.watch([chat, code, tiny, gpu], (slot) => heard.push(slot.name));
      const before = [local.containerListCalls, local.inspectCalls];

      local.containers.set('slot-chat', CRASHED);
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect(heard).toEqual(['chat']);
      expect(feed.frameNow(chat)!.snapshot).toMatchObject({ state: 'present', container_status: 'crashed', container_error: CRASHED.error });
      // One list for the engine's three slots, one inspect for each of its two images.
      expect([local.containerListCalls - before[0]!, local.inspectCalls - before[1]!]).toEqual([1, 2]);

      local.containers.set('slot-chat', { status: 'running', error: null });
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect(heard).toEqual(['chat', 'chat']);
      expect(feed.frameNow(chat)!.snapshot).toMatchObject({ container_status: 'running', container_error: null });

      // The image of chat and code removed: both are told, and their frames say missing.
      local.presence.set(MULTI, 'missing');
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect(heard).toEqual(['chat', 'chat', 'chat', 'code']);
      expect([feed.frameNow(chat)!.snapshot.state, feed.frameNow(code)!.snapshot.image_status]).toEqual(['missing', 'missing']);

      // Nothing changed: nobody is told, and the frame is the one built before.
      const frame = feed.frameNow(chat);
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect(heard).toHaveLength(4);
      expect(feed.frameNow(chat)).toBe(frame);
      unwatch();
    });

    it('is one watch per engine for every stream, stopped with the last one', async () => {
      const first = feed.watch([chat], () => {});
      const second = feed.watch([chat, code], () => {});
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect([local.containerListCalls, remote.containerListCalls]).toEqual([1, 0]);
      first();
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect(local.containerListCalls).toBe(2);
      second();
      expect(clock.liveTimers).toBe(0);
      await vi.advanceTimersByTimeAsync(10 * WATCH_MS);
      expect(local.containerListCalls).toBe(2);
    });

    it('says present after a completed pull, and missing once the image is removed behind its back', async () => {
      await feed.frame(chat);
      const unwatch = feed.watch([chat], () => {});
      registryOf(null).start(chat.image);
      local.pulls[0]!.push(dockerLine('Status: Downloaded newer image for feas/multi:1'));
      local.pulls[0]!.end();
      await settle();
      expect(feed.frameNow(chat)!.snapshot).toMatchObject({ state: 'completed', image_status: 'present' });
      local.presence.set(MULTI, 'present');
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect(feed.frameNow(chat)!.snapshot.image_status).toBe('present');
      local.presence.set(MULTI, 'missing');
      await vi.advanceTimersByTimeAsync(WATCH_MS);
      expect(feed.frameNow(chat)!.snapshot).toMatchObject({ state: 'completed', image_status: 'missing' });
      unwatch();
    });
  });
});
