import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobTable } from '../../../server/core/registry/job-table.ts';
import { countingClock, type CountingClock } from '../../helpers/clock.ts';

const RETAIN_MS = 10_000;

interface TestJob {
  readonly name: string;
  readonly image: { readonly key: string };
}
const jobOf = (name: string, key: string): TestJob => ({ name, image: { key } });

describe('JobTable', () => {
  let clock: CountingClock;
  let dropped: string[];
  let table: JobTable<TestJob>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = countingClock();
    dropped = [];
    table = new JobTable({ clock, retainFinishedMs: RETAIN_MS, dropped: (job) => dropped.push(job.name) });
  });
  afterEach(() => vi.useRealTimers());

  it('keeps one job per image key', () => {
    const a = jobOf('a', 'img-1');
    const b = jobOf('b', 'img-2');
    table.add(a);
    table.add(b);
    expect(table.get({ key: 'img-1' })).toBe(a);
    expect(table.get({ key: 'img-3' })).toBeUndefined();
    expect(table.jobs()).toEqual([a, b]);
    expect(table.size).toBe(2);
  });

  it('keeps a finished job for the retention time, then drops it and says so', () => {
    const a = jobOf('a', 'img-1');
    table.add(a);
    expect(table.finish(a)).toBe(true);
    vi.advanceTimersByTime(RETAIN_MS - 1);
    expect(table.get(a.image)).toBe(a);
    vi.advanceTimersByTime(1);
    expect(table.get(a.image)).toBeUndefined();
    expect(dropped).toEqual(['a']);
    expect(clock.liveTimers).toBe(0);
  });

  it('finishes a job once, and only while it is its image\'s job', () => {
    const a = jobOf('a', 'img-1');
    table.add(a);
    expect(table.finish(a)).toBe(true);
    expect(table.finish(a)).toBe(false);
    const next = jobOf('next', 'img-1');
    table.add(next);
    expect(table.finish(a)).toBe(false);
    expect(clock.liveTimers).toBe(0);
    vi.advanceTimersByTime(RETAIN_MS);
    expect(table.get(a.image)).toBe(next);
    expect(dropped).toEqual([]);
  });

  it('forgets a job at once, with its timer and untold; forgetting a job that is gone does nothing', () => {
    const a = jobOf('a', 'img-1');
    table.add(a);
    table.finish(a);
    table.forget(a);
    expect(table.size).toBe(0);
    expect(clock.liveTimers).toBe(0);
    const b = jobOf('b', 'img-1');
    table.add(b);
    table.forget(a);
    expect(table.get(b.image)).toBe(b);
    vi.advanceTimersByTime(RETAIN_MS);
    expect(dropped).toEqual([]);
  });
});
