import { describe, expect, it } from 'vitest';
import { JobSet } from '../../../server/core/history/job-set.ts';
import { DAY_MS, DEFAULT_HISTORY_DAYS, DEFAULT_MAX_FINISHED, applyCountCap, applyRetention, retentionPolicy } from '../../../server/core/history/retention.ts';
import { activeJob, finishedJob, T0 } from './fixtures.ts';

describe('retentionPolicy', () => {
  it('fills defaults and refuses values that are not counts', () => {
    expect(retentionPolicy()).toEqual({ historyDays: DEFAULT_HISTORY_DAYS, maxFinished: DEFAULT_MAX_FINISHED });
    expect(retentionPolicy({ historyDays: 0.5, maxFinished: 0 })).toEqual({ historyDays: 0.5, maxFinished: 0 });
    expect(() => retentionPolicy({ historyDays: -1 })).toThrow('historyDays must be a number of days, 0 or more; got -1');
    expect(() => retentionPolicy({ historyDays: Number.NaN })).toThrow(RangeError);
    expect(() => retentionPolicy({ maxFinished: 2.5 })).toThrow('maxFinished must be a whole number, 0 or more; got 2.5');
  });
});

describe('applyRetention', () => {
  it('drops finished jobs older than the days, by finish time, and never a running one', () => {
    const jobs = new JobSet();
    jobs.apply({ t: 'start', ...activeJob({ started_at: T0 - 30 * DAY_MS }) });
    jobs.apply({ t: 'end', ...finishedJob({ id: 'p_old', started_at: T0 - 20 * DAY_MS, finished_at: T0 - 15 * DAY_MS }) });
    // Started long ago, finished within the window: kept.
    jobs.apply({ t: 'end', ...finishedJob({ id: 'p_long', started_at: T0 - 20 * DAY_MS, finished_at: T0 - 13 * DAY_MS }) });
    jobs.apply({ t: 'end', ...finishedJob({ id: 'p_new', started_at: T0 - DAY_MS, finished_at: T0 - DAY_MS }) });
    expect(applyRetention(jobs, retentionPolicy({ historyDays: 14 }), T0)).toBe(1);
    expect(jobs.finishedByStart.map((job) => job.id)).toEqual(['p_long', 'p_new']);
    expect(jobs.active.size).toBe(1);
    expect(applyRetention(jobs, retentionPolicy({ historyDays: 0 }), T0)).toBe(2);
    expect(jobs.active.size).toBe(1);
  });

  it('keeps at most maxFinished, dropping the first to finish', () => {
    const jobs = new JobSet();
    for (let i = 0; i < 6; i++) {
      // Start order and finish order differ: p_0 started first but finished last.
      jobs.apply({ t: 'end', ...finishedJob({ id: `p_${i}`, started_at: T0 + i, finished_at: i === 0 ? T0 + 100 : T0 + 10 + i }) });
    }
    expect(applyRetention(jobs, retentionPolicy({ maxFinished: 3 }), T0 + 200)).toBe(3);
    expect(jobs.finishedByStart.map((job) => job.id)).toEqual(['p_0', 'p_4', 'p_5']);
  });

  it('finds the first to finish the same way one over the cap (a scan) and many over (a sort)', () => {
    for (const over of [1, 8, 9, 30]) {
      const jobs = new JobSet();
      const count = 40 + over;
      // Finish times shuffled against start order, with ties broken by start.
      for (let i = 0; i < count; i++) jobs.apply({ t: 'end', ...finishedJob({ id: `p_${String(i).padStart(2, '0')}`, started_at: T0 + i, finished_at: T0 + ((i * 7) % 13) }) });
      const expected = [...jobs.finishedByStart]
        .sort((a, b) => a.finished_at - b.finished_at || a.started_at - b.started_at)
        .slice(over)
        .map((job) => job.id)
        .sort();
      expect(applyCountCap(jobs, retentionPolicy({ maxFinished: 40 })), `${over} over`).toBe(over);
      expect(jobs.finishedByStart.map((job) => job.id).sort()).toEqual(expected);
      expect(applyCountCap(jobs, retentionPolicy({ maxFinished: 40 }))).toBe(0);
    }
  });
});
