import { describe, expect, it } from 'vitest';
import { JobSet, compareByStart, higherMark } from '../../../server/core/history/job-set.ts';
import { activeJob, finishedJob, T0 } from './fixtures.ts';

const mark = (percent: number | null, at = T0) => ({ percent, bytes_done: null, bytes_total: null, at });

describe('JobSet.apply', () => {
  it('follows a job from start through progress and a resume to its end', () => {
    const jobs = new JobSet();
    expect(jobs.apply({ t: 'start', ...activeJob() })).toBe(true);
    expect(jobs.apply({ t: 'progress', id: 'p_a', ...mark(10) })).toBe(true);
    expect(jobs.apply({ t: 'resume', id: 'p_a', at: T0 })).toBe(true);
    expect(jobs.active.get('p_a')).toEqual(activeJob({ resumes: 1, progress: mark(10) }));
    expect(jobs.apply({ t: 'end', ...finishedJob({ id: 'p_a', resumes: 1 }) })).toBe(true);
    expect(jobs.active.size).toBe(0);
    expect(jobs.finished('p_a')).toEqual(finishedJob({ id: 'p_a', resumes: 1 }));
  });

  it('never lowers the percent', () => {
    const jobs = new JobSet();
    jobs.apply({ t: 'start', ...activeJob() });
    jobs.apply({ t: 'progress', id: 'p_a', ...mark(50) });
    jobs.apply({ t: 'progress', id: 'p_a', ...mark(40) });
    expect(jobs.active.get('p_a')?.progress?.percent).toBe(50);
    jobs.apply({ t: 'start', ...activeJob({ progress: mark(30) }) });
    expect(jobs.active.get('p_a')?.progress?.percent).toBe(50);
  });

  it('ignores records of jobs it does not hold, and never restarts a finished one', () => {
    const jobs = new JobSet();
    expect(jobs.apply({ t: 'progress', id: 'p_x', ...mark(5) })).toBe(false);
    expect(jobs.apply({ t: 'resume', id: 'p_x', at: T0 })).toBe(false);
    jobs.apply({ t: 'end', ...finishedJob() });
    expect(jobs.apply({ t: 'start', ...activeJob({ id: 'p_f' }) })).toBe(false);
    expect(jobs.active.size).toBe(0);
    expect(jobs.apply({ t: 'format', name: 'slotpull-pulls', version: 1 })).toBe(false);
  });

  it('holds a job once when its end is applied twice', () => {
    const jobs = new JobSet();
    jobs.apply({ t: 'end', ...finishedJob({ error: 'first' }) });
    jobs.apply({ t: 'end', ...finishedJob({ error: 'second' }) });
    expect(jobs.finishedCount).toBe(1);
    expect(jobs.finishedByStart.map((job) => job.error)).toEqual(['second']);
  });

  it('orders the finished by start, then id, whatever order they finish in', () => {
    const jobs = new JobSet();
    for (const [id, started] of [['p_c', 3], ['p_a', 1], ['p_e', 2], ['p_b', 2], ['p_d', 0]] as const) {
      jobs.apply({ t: 'end', ...finishedJob({ id, started_at: T0 + started }) });
    }
    expect(jobs.finishedByStart.map((job) => job.id)).toEqual(['p_d', 'p_a', 'p_b', 'p_e', 'p_c']);
    expect(jobs.dropFinished((job) => job.id === 'p_b' || job.id === 'p_d')).toBe(2);
    expect(jobs.finishedByStart.map((job) => job.id)).toEqual(['p_a', 'p_e', 'p_c']);
    expect(jobs.finished('p_b')).toBeUndefined();
    expect(jobs.dropFinished(() => false)).toBe(0);
    const [first, , last] = jobs.finishedByStart;
    // A copy of a held job is not the held job: only what the set handed out is removed.
    expect(jobs.removeFinished([first!, { ...last! }])).toBe(1);
    expect(jobs.finishedByStart.map((job) => job.id)).toEqual(['p_e', 'p_c']);
  });

  it('keeps copies: changing a record after applying it changes nothing held', () => {
    const jobs = new JobSet();
    const record = { t: 'start' as const, ...activeJob() };
    jobs.apply(record);
    record.slots.push('other');
    expect(jobs.active.get('p_a')?.slots).toEqual(['llama']);
  });
});

describe('compareByStart and higherMark', () => {
  it('break ties by id and prefer the later mark on equal percents', () => {
    expect(compareByStart({ started_at: 1, id: 'b' }, { started_at: 1, id: 'a' })).toBeGreaterThan(0);
    expect(compareByStart({ started_at: 1, id: 'b' }, { started_at: 2, id: 'a' })).toBeLessThan(0);
    expect(compareByStart({ started_at: 1, id: 'a' }, { started_at: 1, id: 'a' })).toBe(0);
    expect(higherMark(null, mark(1))).toEqual(mark(1));
    expect(higherMark(mark(1), null)).toEqual(mark(1));
    expect(higherMark(mark(5, 1), mark(5, 2))).toEqual(mark(5, 2));
    expect(higherMark(mark(null), mark(0))).toEqual(mark(0));
    expect(higherMark(mark(3), mark(null))).toEqual(mark(3));
  });
});
