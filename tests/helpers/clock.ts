/** A clock over the (fake or real) global timers that counts live timers, for leak checks. */
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
