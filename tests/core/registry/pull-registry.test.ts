import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STALLED_AFTER_MS } from '../../../server/core/progress/stalled.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { PullRegistry } from '../../../server/core/registry/pull-registry.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';

const image = parseImageReference('127.0.0.1:5000/feas/multi:1');
const LAYER = 'd9b9504b1033';

describe('PullRegistry', () => {
  let clock: CountingClock;
  let runtime: ScriptedRuntime;
  let registry: PullRegistry;
  let ids = 0;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = countingClock();
    runtime = new ScriptedRuntime();
    registry = new PullRegistry({ runtime, clock, newJobId: () => `p_${++ids}` });
  });
  afterEach(() => {
    registry.close();
    vi.useRealTimers();
  });

  it('starts exactly one runtime pull for 100 concurrent starts of one image', async () => {
    const results = Array.from({ length: 100 }, () => registry.start(image));
    expect(runtime.pulls).toHaveLength(1);
    expect(results.filter((r) => !r.resumed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(registry.runningPulls).toBe(1);
  });

  it('joins by canonical image, so two spellings share a job', () => {
    const a = registry.start(parseImageReference('nginx'));
    const b = registry.start(parseImageReference('docker.io/library/nginx:latest'));
    expect(b).toMatchObject({ resumed: true });
    expect(b.job.id).toBe(a.job.id);
    expect(runtime.pulls).toHaveLength(1);
  });

  it('coalesces progress to at most 5 frames a second and sends the last one', async () => {
    const frames: number[] = [];
    registry.watch([image.key], () => frames.push(Date.now()));
    registry.start(image);
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Pulling fs layer', LAYER));
    await downloadFor2s(pull);
    // 100 updates over 2 s: the start frame plus at most 5 a second.
    expect(frames.length).toBeGreaterThanOrEqual(8);
    expect(frames.length).toBeLessThanOrEqual(12);
    const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
    expect(Math.min(...gaps.slice(1))).toBeGreaterThanOrEqual(200);
    await vi.advanceTimersByTimeAsync(200);
    expect(registry.job(image)?.progress().bytes_done).toBe(100_000);
  });

  it('sends the progress frames of every pull on one beat of the clock', async () => {
    const other = parseImageReference('127.0.0.1:5000/feas/tiny:1');
    const frames = new Map<string, number[]>([[image.key, []], [other.key, []]]);
    registry.watch([image.key, other.key], (key) => frames.get(key)!.push(Date.now()));
    vi.setSystemTime(1_000_070);
    registry.start(image);
    await vi.advanceTimersByTimeAsync(130);
    registry.start(other);
    for (const pull of runtime.pulls) pull.push(dockerLine('Pulling fs layer', LAYER));
    await settle();
    // Both pulls' pending frames wait on the registry's one beat timer (the other timer: its one quiet watch, for stalls).
    expect(clock.liveTimers).toBe(2);
    for (let i = 1; i <= 50; i++) {
      for (const pull of runtime.pulls) pull.push(dockerLine('Downloading', LAYER, { current: i * 1000, total: 200_000 }));
      await settle();
      await vi.advanceTimersByTimeAsync(20);
    }
    // After each start frame (at 70 and 200 past the second), progress goes out only on multiples of 200 ms.
    for (const times of frames.values()) {
      const progress = times.slice(1);
      expect(progress.length).toBeGreaterThanOrEqual(3);
      for (const at of progress) expect(at % 200).toBe(0);
    }
    const [a, b] = [...frames.values()].map((times) => times.slice(1));
    expect(a!.filter((at) => b!.includes(at)).length).toBeGreaterThanOrEqual(3);
  });

  it('sends a frame when a download goes quiet for the stalled threshold, and every 5 s while it lasts', async () => {
    const frames: Array<number | null> = [];
    registry.watch([image.key], () => frames.push(registry.job(image)?.progress().stalled_s ?? null));
    registry.start(image);
    await settle();
    runtime.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 1000, total: 200_000 }));
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    const before = frames.length;
    await vi.advanceTimersByTimeAsync(STALLED_AFTER_MS);
    expect(frames.slice(before)).toEqual([15]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(frames.slice(before)).toEqual([15, 20]);
  });

  it('keeps a frame on every beat when its timer fires late', async () => {
    const late = new PullRegistry({
      runtime,
      clock: { ...clock, setTimeout: (callback, ms) => clock.setTimeout(callback, ms + 3) },
      newJobId: () => `p_${++ids}`,
    });
    const frames: number[] = [];
    late.watch([image.key], () => frames.push(Date.now()));
    late.start(image);
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Pulling fs layer', LAYER));
    await downloadFor2s(pull);
    // 2 s of changes: a frame on each of about 10 beats, not every other one.
    expect(frames.length).toBeGreaterThanOrEqual(10);
    late.close();
  });

  it('sends a change of state at once, without waiting for the frame interval', async () => {
    let frames = 0;
    registry.watch([image.key], () => frames++);
    registry.start(image);
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Downloading', LAYER, { current: 10, total: 100 }));
    await settle();
    const before = frames;
    pull.end();
    await settle();
    await settle();
    expect(registry.job(image)?.state).toBe('completed');
    expect(frames).toBe(before + 1);
    expect(registry.job(image)?.progress().percent).toBe(100);
  });

  it('fails with the runtime\'s own words and a mapped code', async () => {
    registry.start(image);
    runtime.pulls[0]!.end('manifest for feas/multi:1 not found: manifest unknown: manifest unknown');
    await settle();
    await settle();
    expect(registry.job(image)?.progress()).toMatchObject({
      state: 'failed',
      error: 'manifest for feas/multi:1 not found: manifest unknown: manifest unknown',
      error_code: 'pull.not_found',
    });
  });

  it('fails on an error line that follows HTTP 200, and stops reading', async () => {
    registry.start(image);
    const pull = runtime.pulls[0]!;
    pull.push('{"errorDetail":{"message":"pinging container registry 127.0.0.1:5000: connection refused"},"error":"pinging container registry 127.0.0.1:5000: connection refused"}\n');
    await settle();
    await settle();
    expect(registry.job(image)?.progress()).toMatchObject({ state: 'failed', error_code: 'pull.registry_unreachable' });
    expect(registry.runningPulls).toBe(0);
  });

  it('cancels: aborts the runtime, says cancelled at once, and frees the pull', async () => {
    registry.start(image);
    const job = registry.cancel(image);
    expect(job?.state).toBe('cancelled');
    expect(runtime.pulls[0]!.signal.aborted).toBe(true);
    await settle();
    await settle();
    expect(registry.runningPulls).toBe(0);
    expect(registry.cancel(image)).toBeUndefined();
    expect(registry.job(image)?.progress().state).toBe('cancelled');
  });

  it('keeps a finished job for the retention time, then drops it and its timers', async () => {
    const changes: string[] = [];
    registry.watch([image.key], (key) => changes.push(key));
    registry.start(image);
    runtime.pulls[0]!.end();
    await settle();
    await settle();
    expect(registry.jobCount).toBe(1);
    await vi.advanceTimersByTimeAsync(10 * 60 * 1000 - 1);
    expect(registry.jobCount).toBe(1);
    const before = changes.length;
    await vi.advanceTimersByTimeAsync(1);
    expect(registry.jobCount).toBe(0);
    expect(changes.length).toBe(before + 1);
    expect(clock.liveTimers).toBe(0);
  });

  it('starts a new job when the image was pulled before', async () => {
    const first = registry.start(image);
    runtime.pulls[0]!.end();
    await settle();
    await settle();
    const second = registry.start(image);
    expect(second.resumed).toBe(false);
    expect(second.job.id).not.toBe(first.job.id);
    expect(runtime.pulls).toHaveLength(2);
  });

  it('answers image status: pulling from the job, else one shared inspect, unknown on error', async () => {
    runtime.presence.set(image.key, 'present');
    const answers = await Promise.all(Array.from({ length: 50 }, () => registry.imageStatus(image)));
    expect(new Set(answers)).toEqual(new Set(['present']));
    expect(runtime.inspectCalls).toBe(1);
    registry.start(image);
    expect(await registry.imageStatus(image)).toBe('pulling');
    expect(runtime.inspectCalls).toBe(1);

    const other = parseImageReference('ghcr.io/acme/other:1');
    runtime.presence.set(other.key, 'error');
    expect(await registry.imageStatus(other)).toBe('unknown');
  });

  it('asks the runtime again after a pull ends, not from the stale cache', async () => {
    expect(await registry.imageStatus(image)).toBe('missing');
    registry.start(image);
    runtime.pulls[0]!.end();
    await settle();
    await settle();
    expect(await registry.imageStatus(image)).toBe('present');
    // The first status, the pull's own check that the engine has the image, and the status after.
    expect(runtime.inspectCalls).toBe(3);
  });

  it('unwatches once, and close() cancels pulls and leaves no timer', async () => {
    const stop = registry.watch([image.key, image.key], () => {});
    expect(registry.listenerCount).toBe(1);
    stop();
    stop();
    expect(registry.listenerCount).toBe(0);
    registry.start(image);
    runtime.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 1, total: 100 }));
    await settle();
    registry.close();
    expect(runtime.pulls[0]!.signal.aborted).toBe(true);
    expect(registry.jobCount).toBe(0);
    expect(clock.liveTimers).toBe(0);
  });

  it('caps concurrent engine pulls: later jobs wait in order as resolving, with their place', async () => {
    const capped = new PullRegistry({ runtime, clock, newJobId: () => `q_${++ids}`, maxConcurrentPulls: 2 });
    const images = ['a', 'b', 'c', 'd'].map((name) => parseImageReference(`ghcr.io/acme/${name}:1`));
    const jobs = images.map((ref) => capped.start(ref).job);
    expect(runtime.pulls.map((pull) => pull.image.raw)).toEqual(['ghcr.io/acme/a:1', 'ghcr.io/acme/b:1']);
    expect(jobs.map((job) => job.progress().queue_position)).toEqual([null, null, 1, 2]);
    expect(jobs[2]!.progress()).toMatchObject({ state: 'pulling', phase: 'resolving', percent: null });
    expect(capped.queuedPulls).toBe(2);

    // Cancelling a queued job never reaches the engine, and the one behind it moves up.
    expect(capped.cancel(images[2]!)?.state).toBe('cancelled');
    expect(jobs[3]!.progress().queue_position).toBe(1);

    runtime.pulls[0]!.end();
    await settle();
    await settle();
    expect(runtime.pulls.map((pull) => pull.image.raw)).toEqual(['ghcr.io/acme/a:1', 'ghcr.io/acme/b:1', 'ghcr.io/acme/d:1']);
    expect(jobs[3]!.progress().queue_position).toBeNull();
    expect(capped.queuedPulls).toBe(0);
    capped.close();
    expect(clock.liveTimers).toBe(0);
  });

  it('allows in a pull\'s ETA for unpacking as the engine\'s last pull unpacked', async () => {
    const unpackOnce = async (target: typeof image): Promise<number | null> => {
      registry.start(target);
      const pull = runtime.pulls.at(-1)!;
      pull.push(dockerLine('Pulling from feas/multi', '1'));
      pull.push(dockerLine('Pulling fs layer', LAYER));
      await downloadFor2s(pull);
      const eta = registry.job(target)?.progress().eta_s ?? null;
      pull.push(dockerLine('Downloading', LAYER, { current: 200_000, total: 200_000 }));
      pull.push(dockerLine('Download complete', LAYER));
      pull.push(dockerLine('Extracting', LAYER, { current: 1, total: 200_000 }));
      await settle();
      await vi.advanceTimersByTimeAsync(1_000);
      pull.push(dockerLine('Pull complete', LAYER));
      pull.end();
      await settle();
      await settle();
      expect(registry.job(target)?.state).toBe('completed');
      return eta;
    };
    // 100 of 200 kB in 2 s: 2 s of bytes left; then the engine's last pull unpacked 200 kB in 1 s.
    expect(await unpackOnce(image)).toBe(2);
    expect(await unpackOnce(parseImageReference('127.0.0.1:5000/feas/big:1'))).toBe(3);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new PullRegistry({ runtime, clock, newJobId: () => 'x', maxConcurrentPulls: 0 })).toThrow('maxConcurrentPulls must be a positive integer, got 0');
  });
});

/** 100 download updates, 20 ms apart: 2 s of a busy pull. */
async function downloadFor2s(pull: ScriptedRuntime['pulls'][number]): Promise<void> {
  for (let i = 1; i <= 100; i++) {
    pull.push(dockerLine('Downloading', LAYER, { current: i * 1000, total: 200_000 }));
    await settle();
    await vi.advanceTimersByTimeAsync(20);
  }
}
