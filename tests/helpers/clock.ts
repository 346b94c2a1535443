/** Clocks for tests: one over the global timers that counts live timers, and the fake clock. */
import { onTestFinished, vi } from 'vitest';
import type { Clock } from '../../server/core/clock.ts';

export interface CountingClock extends Clock {
  readonly liveTimers: number;
}

export function countingClock(): CountingClock {
  const live = new Set<unknown>();
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const handle = globalThis.setTimeout(() => {
        live.delete(handle);
        callback();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle);
      globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
    },
    get liveTimers() {
      return live.size;
    },
  };
}

/**
 * Puts the calling test on a fake clock until it ends: setTimeout,
 * clearTimeout and Date are vitest's fakes, moved on by
 * vi.advanceTimersByTimeAsync(). setImmediate stays real, so settle() still
 * lets promise and stream callbacks run.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  onTestFinished(() => {
    vi.useRealTimers();
  });
}
