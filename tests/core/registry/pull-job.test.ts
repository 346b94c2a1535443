import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { createPullJob, type PullJob } from '../../../server/core/registry/pull-job.ts';
import { countingClock } from '../../helpers/clock.ts';

const image = parseImageReference('127.0.0.1:5000/feas/multi:1');

describe('createPullJob', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  const make = (position: number | null = null) => {
    const tracker = new PullProgress(Date.now());
    const asked: PullJob[] = [];
    const job = createPullJob({
      id: 'p_1',
      image,
      runtime: 'podman',
      tracker,
      clock: countingClock(),
      queuePosition: (queued) => {
        asked.push(queued);
        return position;
      },
    });
    return { job, tracker, asked };
  };

  it('is made from its parts, at version 0, with its own way to stop', () => {
    const { job, tracker } = make();
    expect(job).toMatchObject({ id: 'p_1', image, runtime: 'podman', tracker, version: 0, state: 'pulling' });
    expect(job.abort.signal.aborted).toBe(false);
    expect(make().job.abort).not.toBe(job.abort);
  });

  it('reads its state from the tracker', () => {
    const { job, tracker } = make();
    tracker.cancel(Date.now());
    expect(job.state).toBe('cancelled');
  });

  it('shows the tracker\'s progress with its place in the queue', () => {
    const { job, asked } = make(2);
    vi.setSystemTime(1_004_000);
    expect(job.progress()).toMatchObject({ state: 'pulling', queue_position: 2, updated_at: new Date(1_000_000).toISOString() });
    expect(asked).toEqual([job]);
  });
});
