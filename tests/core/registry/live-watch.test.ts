import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveWatch } from '../../../server/core/registry/live-watch.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';

const INTERVAL_MS = 2000;

describe('LiveWatch', () => {
  let clock: CountingClock;
  let refreshes: number;
  /** Resolves the refresh in flight, when `held` is set. */
  let release: (() => void) | null;
  let held: boolean;
  let watch: LiveWatch;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = countingClock();
    refreshes = 0;
    release = null;
    held = false;
    watch = new LiveWatch({
      clock,
      intervalMs: INTERVAL_MS,
      refresh: () => {
        refreshes += 1;
        return held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
    });
  });
  afterEach(() => vi.useRealTimers());

  it('runs no timer and reads nothing while nobody follows', async () => {
    await vi.advanceTimersByTimeAsync(10 * INTERVAL_MS);
    expect([refreshes, clock.liveTimers, watch.active]).toEqual([0, 0, false]);
  });

  it('reads once per interval for any number of followers, and stops with the last', async () => {
    const first = watch.follow();
    const second = watch.follow();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(refreshes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    expect(refreshes).toBe(3);
    first();
    first();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(refreshes).toBe(4);
    second();
    expect([clock.liveTimers, watch.active]).toEqual([0, false]);
    await vi.advanceTimersByTimeAsync(10 * INTERVAL_MS);
    expect(refreshes).toBe(4);
  });

  it('never overlaps two reads: a slow one delays the next, and one that ends after the last follower left schedules none', async () => {
    held = true;
    const leave = watch.follow();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync(5 * INTERVAL_MS);
    expect(refreshes).toBe(1);
    release!();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(refreshes).toBe(2);
    leave();
    expect(watch.active).toBe(true); // the read in flight ends by itself …
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect([watch.active, clock.liveTimers]).toEqual([false, 0]); // … and nothing follows it

    // A follower that comes back while a read runs waits for it, then one interval.
    const again = watch.follow();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(refreshes).toBe(3);
    const during = watch.follow();
    release!();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(refreshes).toBe(4);
    again();
    during();
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(clock.liveTimers).toBe(0);
  });
});
