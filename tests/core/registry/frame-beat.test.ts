import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBeat } from '../../../server/core/registry/frame-beat.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';

const INTERVAL_MS = 200;

describe('FrameBeat', () => {
  let clock: CountingClock;
  let sent: [string, number][];
  let beat: FrameBeat<string>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(1_000_000);
    clock = countingClock();
    sent = [];
    beat = new FrameBeat({ clock, intervalMs: INTERVAL_MS, send: (item) => sent.push([item, Date.now() % 1000]) });
  });
  afterEach(() => vi.useRealTimers());

  it('sends an item changed many times within a beat once, on the next multiple of the interval', () => {
    vi.advanceTimersByTime(70);
    for (let i = 0; i < 10; i++) beat.schedule('a');
    vi.advanceTimersByTime(129);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([['a', 200]]);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
    expect(clock.liveTimers).toBe(0);
  });

  it('sends every due item in one pass of one timer', () => {
    beat.schedule('a');
    vi.advanceTimersByTime(150);
    beat.schedule('b');
    expect(clock.liveTimers).toBe(1);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([
      ['a', 200],
      ['b', 200],
    ]);
  });

  it('keeps to the multiples when a timer fires late', () => {
    const late = new FrameBeat<string>({
      clock: { ...clock, setTimeout: (callback, ms) => clock.setTimeout(callback, ms + 3) },
      intervalMs: INTERVAL_MS,
      send: (item) => sent.push([item, Date.now() % 1000]),
    });
    late.schedule('a');
    vi.advanceTimersByTime(203);
    late.schedule('a');
    vi.advanceTimersByTime(200);
    // Fired 3 ms late at 203, then aimed at 400 (not 403 + 200) and 3 ms late again.
    expect(sent).toEqual([
      ['a', 203],
      ['a', 403],
    ]);
  });

  it('drops a pending item; the timer goes with the last one', () => {
    beat.schedule('a');
    beat.schedule('b');
    beat.drop('a');
    expect(clock.liveTimers).toBe(1);
    beat.drop('b');
    expect(clock.liveTimers).toBe(0);
    beat.drop('b');
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });
});
