import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTtlCache } from '../../server/core/ttl-cache.ts';
import { countingClock } from '../helpers/clock.ts';

describe('createTtlCache', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shares one in-flight load among callers and reuses the answer for the TTL', async () => {
    const cache = createTtlCache<string, number>(countingClock(), 2000);
    let loads = 0;
    const load = async () => ++loads;
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get('a', load)));
    expect(new Set(answers)).toEqual(new Set([1]));
    vi.advanceTimersByTime(1999);
    expect(await cache.get('a', load)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await cache.get('a', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('forgets a key on delete and keeps keys apart', async () => {
    const cache = createTtlCache<string, string>(countingClock(), 2000);
    expect(await cache.get('a', async () => 'x')).toBe('x');
    expect(await cache.get('b', async () => 'y')).toBe('y');
    cache.delete('a');
    expect(await cache.get('a', async () => 'z')).toBe('z');
    expect(cache.size).toBe(2);
  });
});
