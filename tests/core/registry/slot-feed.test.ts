import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PullRegistry } from '../../../server/core/registry/pull-registry.ts';
import { SlotFeed } from '../../../server/core/registry/slot-feed.ts';
import { containerSlot } from '../../helpers/container-slot.ts';
import { countingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';

const MULTI = '127.0.0.1:5000/feas/multi:1';
const TINY = '127.0.0.1:5000/feas/tiny:1';
const LAYER = 'd9b9504b1033';
const FRAME_INTERVAL_MS = 200;

// chat and code share an image on the default engine; gpu pulls the same image on its own engine.
const chat = containerSlot('chat', MULTI);
const code = containerSlot('code', MULTI);
const tiny = containerSlot('tiny', TINY);
const gpu = containerSlot('gpu', MULTI, 'gpu');

describe('SlotFeed', () => {
  let local: ScriptedRuntime;
  let remote: ScriptedRuntime;
  let registries: Map<string | null, PullRegistry>;
  let feed: SlotFeed;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const clock = countingClock();
    local = new ScriptedRuntime('docker');
    remote = new ScriptedRuntime('podman');
    let ids = 0;
    registries = new Map(
      [
        [null, local],
        ['gpu', remote],
      ].map(([engine, runtime]) => [
        engine as string | null,
        new PullRegistry({ runtime: runtime as ScriptedRuntime, clock, newJobId: () => `p_${++ids}`, frameIntervalMs: FRAME_INTERVAL_MS }),
      ]),
    );
    feed = new SlotFeed({ registryFor: (slot) => registries.get(slot.engine) as PullRegistry });
  });
  afterEach(() => {
    for (const registry of registries.values()) registry.close();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  const registryOf = (engine: string | null) => registries.get(engine) as PullRegistry;

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

    it('listens once per image and engine for a set of slots, and its one way out ends it all', () => {
      const unwatch = feed.watch([chat, code, tiny, gpu], () => {});
      // The default engine: multi (chat and code) and tiny; gpu: multi.
      expect([registryOf(null).listenerCount, registryOf('gpu').listenerCount]).toEqual([2, 1]);
      unwatch();
      unwatch();
      expect([registryOf(null).listenerCount, registryOf('gpu').listenerCount]).toEqual([0, 0]);
    });
  });

  describe('jobFrame', () => {
    it('is null for a slot without a job', () => {
      expect(feed.jobFrame(chat)).toBeNull();
    });

    it('is the same frame until the job sends its next one, and its data is serialized once', async () => {
      registryOf(null).start(chat.image);
      const stringify = vi.spyOn(JSON, 'stringify');
      const first = feed.jobFrame(chat)!;
      expect(first.snapshot).toMatchObject({ slot_name: 'chat', image: MULTI, job_id: 'p_1', runtime: 'docker', state: 'pulling' });
      const reads = Array.from({ length: 1000 }, () => feed.jobFrame(chat)!.data);
      expect(stringify).toHaveBeenCalledTimes(1);
      expect(new Set(reads)).toEqual(new Set([JSON.stringify(first.snapshot)]));
      expect(feed.jobFrame(chat)).toBe(first);

      local.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 1, total: 2 }));
      await settle();
      // Progress waits for the beat: until then the job, and its frame, are as they were.
      expect(feed.jobFrame(chat)).toBe(first);
      await vi.advanceTimersByTimeAsync(FRAME_INTERVAL_MS);
      const next = feed.jobFrame(chat)!;
      expect(next).not.toBe(first);
      expect(next.snapshot.bytes_done).toBe(1);
      expect(next.data).toBe(JSON.stringify(next.snapshot));
    });

    it('keeps a frame per slot: two slots on one job each get their own name', () => {
      registryOf(null).start(chat.image);
      expect([feed.jobFrame(chat)!.snapshot.slot_name, feed.jobFrame(code)!.snapshot.slot_name]).toEqual(['chat', 'code']);
      expect(feed.jobFrame(chat)!.snapshot.job_id).toBe(feed.jobFrame(code)!.snapshot.job_id);
    });

    it('serializes nothing for a reader of the snapshot alone (a JSON answer)', () => {
      registryOf(null).start(chat.image);
      const stringify = vi.spyOn(JSON, 'stringify');
      expect(feed.jobFrame(chat)!.snapshot.state).toBe('pulling');
      expect(stringify).not.toHaveBeenCalled();
    });
  });

  describe('frame', () => {
    it('gives a slot without a job its image\'s presence, asking each engine once for its slots', async () => {
      local.presence.set(chat.image.key, 'present');
      const frames = await Promise.all([chat, code, gpu].map((slot) => feed.frame(slot)));
      expect(frames.map((frame) => [frame.snapshot.slot_name, frame.snapshot.state, frame.snapshot.runtime, frame.snapshot.job_id])).toEqual([
        ['chat', 'present', 'docker', null],
        ['code', 'present', 'docker', null],
        ['gpu', 'missing', 'podman', null],
      ]);
      expect([local.inspectCalls, remote.inspectCalls]).toEqual([1, 1]);
      expect(frames[0]!.data).toBe(JSON.stringify(frames[0]!.snapshot));
    });

    it('says unknown when the engine cannot be asked', async () => {
      local.presence.set(chat.image.key, 'error');
      expect((await feed.frame(chat)).snapshot.state).toBe('unknown');
    });

    it('gives the job\'s frame while there is a job, without asking the engine', async () => {
      registryOf(null).start(chat.image);
      expect(await feed.frame(chat)).toBe(feed.jobFrame(chat));
      expect(local.inspectCalls).toBe(0);
    });

    it('gives the job\'s frame when a job started while the engine was asked', async () => {
      const asking = feed.frame(chat);
      registryOf(null).start(chat.image);
      const frame = await asking;
      expect(frame).toBe(feed.jobFrame(chat));
      expect(frame.snapshot.state).toBe('pulling');
    });
  });
});
