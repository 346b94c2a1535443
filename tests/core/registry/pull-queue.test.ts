import { describe, expect, it } from 'vitest';
import { PullQueue } from '../../../server/core/registry/pull-queue.ts';

function queueOf(maxConcurrentPulls: number) {
  const started: string[] = [];
  const moved: string[] = [];
  const queue = new PullQueue<string>({ maxConcurrentPulls, start: (item) => started.push(item), moved: (item) => moved.push(item) });
  return { queue, started, moved };
}

describe('PullQueue', () => {
  it('starts items up to the cap, and the rest wait in order, knowing their place', () => {
    const { queue, started } = queueOf(2);
    for (const item of ['a', 'b', 'c', 'd']) queue.add(item);
    expect(started).toEqual(['a', 'b']);
    expect(['a', 'b', 'c', 'd'].map((item) => queue.position(item))).toEqual([null, null, 1, 2]);
    expect([queue.running, queue.waiting]).toEqual([2, 2]);
  });

  it('starts the next in line when a run ends, and tells the ones still waiting that they moved', () => {
    const { queue, started, moved } = queueOf(1);
    for (const item of ['a', 'b', 'c', 'd']) queue.add(item);
    queue.finished();
    expect(started).toEqual(['a', 'b']);
    expect(moved).toEqual(['c', 'd']);
    expect(queue.position('d')).toBe(2);
    expect([queue.running, queue.waiting]).toEqual([1, 2]);
  });

  it('tells nobody when a run ends with nobody waiting', () => {
    const { queue, moved } = queueOf(2);
    queue.add('a');
    queue.finished();
    expect(moved).toEqual([]);
    expect(queue.running).toBe(0);
  });

  it('withdraws a waiting item: only the ones behind it move up; a running item is not in line', () => {
    const { queue, started, moved } = queueOf(1);
    for (const item of ['a', 'b', 'c', 'd']) queue.add(item);
    queue.withdraw('c');
    expect(moved).toEqual(['d']);
    expect([queue.position('b'), queue.position('d')]).toEqual([1, 2]);
    queue.withdraw('a');
    expect(moved).toEqual(['d']);
    expect([queue.running, queue.waiting]).toEqual([1, 2]);
    queue.finished();
    queue.finished();
    expect(started).toEqual(['a', 'b', 'd']);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => queueOf(0)).toThrow('maxConcurrentPulls must be a positive integer, got 0');
    expect(() => queueOf(1.5)).toThrow('maxConcurrentPulls must be a positive integer, got 1.5');
  });
});
