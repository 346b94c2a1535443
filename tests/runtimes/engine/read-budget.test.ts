/** The read budget, under a fake clock: a slow engine fails its readers at once and is asked one read at a time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReadBudget } from '../../../server/runtimes/engine/read-budget.ts';
import { countingClock } from '../../helpers/clock.ts';

/** A read that answers when told (a stand-in for an engine request). */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createReadBudget', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes answers and failures within the budget through, and leaves no timer', async () => {
    const clock = countingClock();
    const budget = createReadBudget({ budgetMs: 2000, clock, target: 'tcp://h:1' });
    await expect(budget.run(async () => 'list')).resolves.toBe('list');
    await expect(budget.run(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(budget.slow).toBeNull();
    expect(clock.liveTimers).toBe(0);
  });

  it('fails a reader at the budget, then every reader at once, with one read out at a time', async () => {
    const clock = countingClock();
    const budget = createReadBudget({ budgetMs: 2000, clock, target: 'tcp://h:1' });
    const hung = deferred<string>();
    const first = budget.run(() => hung.promise);
    const firstFailed = expect(first).rejects.toThrow('the engine at tcp://h:1 has not answered within 2 s, so its slots show unknown');
    await vi.advanceTimersByTimeAsync(2000);
    await firstFailed;
    expect(budget.slow).toMatch(/has not answered within 2 s/);

    // While the first read is still out, later readers fail at once and nothing more is sent.
    const sent = vi.fn(() => new Promise<string>(() => undefined));
    await expect(budget.run(sent)).rejects.toThrow(/has not answered/);
    expect(sent).not.toHaveBeenCalled();
    expect(clock.liveTimers).toBe(0);

    // The late answer does not make it fast again; the next reader sends one background read.
    hung.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    const probe = deferred<string>();
    await expect(budget.run(() => probe.promise)).rejects.toThrow(/has not answered/);
    await expect(budget.run(sent)).rejects.toThrow(/has not answered/);
    expect(sent).not.toHaveBeenCalled();

    // A background read that answers within the budget ends it: the next reader is served normally.
    await vi.advanceTimersByTimeAsync(500);
    probe.resolve('quick');
    await vi.advanceTimersByTimeAsync(0);
    expect(budget.slow).toBeNull();
    await expect(budget.run(async () => 'fresh')).resolves.toBe('fresh');
  });

  it('stays slow when the background read fails or is slow too', async () => {
    const clock = countingClock();
    const budget = createReadBudget({ budgetMs: 1000, clock, target: 'x' });
    const hung = budget.run(() => new Promise<never>(() => undefined));
    const hungFailed = expect(hung).rejects.toThrow(/within 1 s/);
    await vi.advanceTimersByTimeAsync(1000);
    await hungFailed;
    // The hung read never settles: nothing else is sent, however many readers come.
    const sent = vi.fn(async () => 'x');
    for (let i = 0; i < 5; i++) await expect(budget.run(sent)).rejects.toThrow(/within 1 s/);
    expect(sent).not.toHaveBeenCalled();
  });

  it('a background read that fails leaves it slow; one slower than the budget too', async () => {
    const clock = countingClock();
    const budget = createReadBudget({ budgetMs: 1000, clock, target: 'x' });
    const first = deferred<string>();
    const failed = expect(budget.run(() => first.promise)).rejects.toThrow(/within 1 s/);
    await vi.advanceTimersByTimeAsync(1000);
    await failed;
    first.reject(new Error('deadline'));
    await vi.advanceTimersByTimeAsync(0);

    await expect(budget.run(async () => Promise.reject(new Error('still down')))).rejects.toThrow(/within 1 s/);
    await vi.advanceTimersByTimeAsync(0);
    expect(budget.slow).not.toBeNull();

    const slowProbe = deferred<string>();
    await expect(budget.run(() => slowProbe.promise)).rejects.toThrow(/within 1 s/);
    await vi.advanceTimersByTimeAsync(1500);
    slowProbe.resolve('late again');
    await vi.advanceTimersByTimeAsync(0);
    expect(budget.slow).not.toBeNull();
  });
});
