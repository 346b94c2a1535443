import { describe, expect, it, vi } from 'vitest';
import { QuietWatch } from '../../../server/core/registry/quiet-watch.ts';
import { countingClock, useFakeClock } from '../../helpers/clock.ts';

describe('QuietWatch', () => {
  function watch() {
    useFakeClock();
    const clock = countingClock();
    const woken: string[] = [];
    const quiet = new QuietWatch<string>({ clock, afterMs: 15_000, everyMs: 5_000, onQuiet: (item) => woken.push(item) });
    return { quiet, woken, clock };
  }

  it('wakes after the quiet threshold, then every few seconds while the quiet lasts', () => {
    const { quiet, woken } = watch();
    quiet.touch('a');
    vi.advanceTimersByTime(14_999);
    expect(woken).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(woken).toEqual(['a']);
    vi.advanceTimersByTime(10_000);
    expect(woken).toEqual(['a', 'a', 'a']);
  });

  it('starts over on progress, and leaves no timer once dropped', () => {
    const { quiet, woken, clock } = watch();
    quiet.touch('a');
    quiet.touch('b');
    vi.advanceTimersByTime(10_000);
    quiet.touch('a');
    vi.advanceTimersByTime(10_000);
    // b: quiet since 0, woken at 15 s and 20 s; a: touched at 10 s, quiet for 10 s only.
    expect(woken).toEqual(['b', 'b']);
    expect(clock.liveTimers).toBe(1);
    quiet.drop('a');
    quiet.drop('b');
    expect(clock.liveTimers).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(woken).toEqual(['b', 'b']);
  });
});
