import { describe, expect, it } from 'vitest';
import { JobSet } from '../../../server/core/history/job-set.ts';
import { HistoryQueryError, MAX_PAGE_LIMIT, historyEntry, historyPage } from '../../../server/core/history/query.ts';
import { activeJob, finishedJob, T0 } from './fixtures.ts';

/** 12 finished jobs (three started in the same millisecond, two slots) and two running ones. */
function sampleJobs(): JobSet {
  const jobs = new JobSet();
  for (let i = 0; i < 12; i++) {
    const started = i >= 4 && i <= 6 ? 4 : i;
    jobs.apply({ t: 'end', ...finishedJob({ id: `p_${String(i).padStart(2, '0')}`, slots: [i % 2 === 0 ? 'even' : 'odd'], started_at: T0 + started * 1000 }) });
  }
  jobs.apply({ t: 'start', ...activeJob({ id: 'p_run1', slots: ['even', 'odd'], started_at: T0 + 5500 }) });
  jobs.apply({ t: 'start', ...activeJob({ id: 'p_run2', slots: ['odd'], started_at: T0 + 20_000 }) });
  return jobs;
}

const ids = (page: { jobs: ReadonlyArray<{ job_id: string }> }): string[] => page.jobs.map((job) => job.job_id);

describe('historyPage', () => {
  it('lists running and finished jobs newest start first, ties by id', () => {
    const page = historyPage(sampleJobs(), {}, T0 + 30_000);
    expect(ids(page)).toEqual(['p_run2', 'p_11', 'p_10', 'p_09', 'p_08', 'p_07', 'p_run1', 'p_06', 'p_05', 'p_04', 'p_03', 'p_02', 'p_01', 'p_00']);
    expect(page.next_before).toBeNull();
  });

  it('pages with before through every job once, at every page size', () => {
    const jobs = sampleJobs();
    const all = ids(historyPage(jobs, {}, T0));
    for (let limit = 1; limit <= 5; limit++) {
      const seen: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = historyPage(jobs, { limit, ...(before !== undefined && { before }) }, T0);
        expect(page.jobs.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(page));
        if (page.next_before === null) break;
        before = page.next_before;
      }
      expect(seen, `limit ${limit}`).toEqual(all);
    }
  });

  it('filters by slot, a job of several slots in each', () => {
    const jobs = sampleJobs();
    expect(ids(historyPage(jobs, { slot: 'odd' }, T0))).toEqual(['p_run2', 'p_11', 'p_09', 'p_07', 'p_run1', 'p_05', 'p_03', 'p_01']);
    const first = historyPage(jobs, { slot: 'even', limit: 3 }, T0);
    expect(ids(first)).toEqual(['p_10', 'p_08', 'p_run1']);
    expect(ids(historyPage(jobs, { slot: 'even', limit: 3, before: first.next_before as string }, T0))).toEqual(['p_06', 'p_04', 'p_02']);
    expect(historyPage(jobs, { slot: 'none' }, T0)).toEqual({ jobs: [], next_before: null });
  });

  it('filters by state, running jobs as pulling, and pages within the filter', () => {
    const jobs = new JobSet();
    for (let i = 0; i < 6; i++) {
      jobs.apply({ t: 'end', ...finishedJob({ id: `p_${i}`, state: i % 3 === 0 ? 'failed' : 'completed', started_at: T0 + i * 1000 }) });
    }
    jobs.apply({ t: 'start', ...activeJob({ id: 'p_run', started_at: T0 + 10_000 }) });
    expect(ids(historyPage(jobs, { state: 'failed' }, T0))).toEqual(['p_3', 'p_0']);
    expect(ids(historyPage(jobs, { state: 'pulling' }, T0))).toEqual(['p_run']);
    const first = historyPage(jobs, { state: 'completed', limit: 2 }, T0);
    expect(ids(first)).toEqual(['p_5', 'p_4']);
    expect(ids(historyPage(jobs, { state: 'completed', limit: 2, before: first.next_before as string }, T0))).toEqual(['p_2', 'p_1']);
    expect(historyPage(jobs, { state: 'cancelled' }, T0)).toEqual({ jobs: [], next_before: null });
  });

  it('says what is wrong with a bad limit or an unknown before', () => {
    const jobs = sampleJobs();
    for (const limit of [0, -1, 1.5, MAX_PAGE_LIMIT + 1]) {
      expect(() => historyPage(jobs, { limit }, T0)).toThrow(new HistoryQueryError('limit', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}; got ${limit}`));
    }
    expect(() => historyPage(jobs, { before: 'p_gone' }, T0)).toThrow(/before: no job "p_gone" in the history \(it may have expired\)/);
    expect(historyPage(jobs, { limit: MAX_PAGE_LIMIT }, T0).jobs).toHaveLength(14);
  });
});

describe('historyEntry', () => {
  it('shows a finished job with ISO times, duration and average speed', () => {
    const job = finishedJob({ state: 'failed', error_code: 'pull.interrupted', error: 'unexpected EOF', finished_at: T0 + 252_345, bytes_done: 500_000_000, resumes: 1 });
    expect(historyEntry(job, T0 + 999_999)).toEqual({
      job_id: 'p_f',
      slots: ['llama'],
      image: 'registry.test/models/llama:q4',
      runtime: 'podman',
      engine: null,
      state: 'failed',
      error_code: 'pull.interrupted',
      error: 'unexpected EOF',
      started_at: '2026-12-01T10:00:00.000Z',
      finished_at: '2026-12-01T10:04:12.345Z',
      bytes_done: 500_000_000,
      bytes_total: 600_000_000,
      duration_s: 252.3,
      speed_bps: Math.round(500_000_000 / 252.345),
      server_restarts: 1,
    });
  });

  it("shows a named engine, and an error code this version does not know as the generic engine error, with its words", () => {
    const job = finishedJob({ engine: 'gpu2', state: 'failed', error_code: 'pull.quota_exceeded', error: 'quota exceeded' });
    expect(historyEntry(job, T0)).toMatchObject({ engine: 'gpu2', error_code: 'pull.engine_error', error: 'quota exceeded' });
  });

  it('shows a running job up to now, its bytes from the last mark', () => {
    const running = activeJob({ progress: { percent: 20, bytes_done: 1_000_000, bytes_total: 5_000_000, at: T0 + 1000 } });
    expect(historyEntry(running, T0 + 4000)).toMatchObject({ state: 'pulling', finished_at: null, bytes_done: 1_000_000, bytes_total: 5_000_000, duration_s: 4, speed_bps: 250_000 });
    expect(historyEntry(activeJob(), T0)).toMatchObject({ bytes_done: null, bytes_total: null, duration_s: 0, speed_bps: null });
  });
});
