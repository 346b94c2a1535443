import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamSet } from '../../../server/core/sse/stream-set.ts';
import { countingClock } from '../../helpers/clock.ts';

function recorder() {
  const calls: string[] = [];
  return { calls, stream: { ping: () => calls.push('ping'), end: () => calls.push('end') } };
}

describe('StreamSet', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pings every open stream each period with one timer for all of them', () => {
    const clock = countingClock();
    const set = new StreamSet(clock, 1000);
    const streams = Array.from({ length: 50 }, recorder);
    for (const { stream } of streams) set.add(stream);
    expect(clock.liveTimers).toBe(1);
    vi.advanceTimersByTime(999);
    expect(streams[0]!.calls).toEqual([]);
    vi.advanceTimersByTime(2001);
    for (const { calls } of streams) expect(calls).toEqual(['ping', 'ping', 'ping']);
    expect(clock.liveTimers).toBe(1);
  });

  it('stops the heartbeat when the last stream leaves, and starts it again for the next', () => {
    const clock = countingClock();
    const set = new StreamSet(clock, 1000);
    const first = recorder();
    const leave = set.add(first.stream);
    leave();
    expect(clock.liveTimers).toBe(0);
    expect(set.size).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(first.calls).toEqual([]);
    const second = recorder();
    set.add(second.stream);
    vi.advanceTimersByTime(1000);
    expect(second.calls).toEqual(['ping']);
  });

  it('ends every stream on endAll, and any stream added later at once', () => {
    const clock = countingClock();
    const set = new StreamSet(clock, 1000);
    const open = recorder();
    set.add(open.stream);
    set.endAll();
    expect(open.calls).toEqual(['end']);
    expect(clock.liveTimers).toBe(0);
    const late = recorder();
    set.add(late.stream);
    expect(late.calls).toEqual(['end']);
    expect(set.size).toBe(0);
    expect(clock.liveTimers).toBe(0);
  });
});
