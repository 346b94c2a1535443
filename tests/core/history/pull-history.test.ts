/**
 * PullHistory over journals kept in memory (`MemoryJournal`, a stand-in for
 * the file adapter, which tests/state/ tests on real files): what is written
 * when, compaction, retention, and that replay reads back what was held.
 */
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../../server/core/history/journal.ts';
import {
  COMPACT_SLACK_LINES,
  PROGRESS_COMPACT_SLACK_LINES,
  PullHistory,
  RETENTION_INTERVAL_MS,
  type JournalStorage,
  type PullHistoryOptions,
} from '../../../server/core/history/pull-history.ts';
import { encodeRecord, type JournalRecord } from '../../../server/core/history/record.ts';
import { DAY_MS } from '../../../server/core/history/retention.ts';
import { T0 } from './fixtures.ts';

class MemoryJournal implements JournalStorage {
  initial: Uint8Array;
  lines: Uint8Array[] = [];
  replaced = 0;
  failing: Error | null = null;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.initial = initial;
  }

  append(line: Uint8Array): void {
    if (this.failing !== null) throw this.failing;
    this.lines.push(line);
  }

  replace(lines: Uint8Array[]): void {
    if (this.failing !== null) throw this.failing;
    this.lines = [...lines];
    this.replaced += 1;
  }

  /** Everything written, as the file would hold it. */
  get bytes(): Uint8Array {
    const all = new Uint8Array(this.lines.reduce((sum, line) => sum + line.length, 0));
    let at = 0;
    for (const line of this.lines) {
      all.set(line, at);
      at += line.length;
    }
    return all;
  }

  records(): JournalRecord[] {
    const records: JournalRecord[] = [];
    readJournal(this.bytes, (record) => records.push(record));
    return records;
  }

  /** The journal a restart opens: what was written. */
  reopened(): MemoryJournal {
    return new MemoryJournal(this.bytes);
  }
}

function open(options: Partial<PullHistoryOptions> & { lifecycle?: MemoryJournal; progress?: MemoryJournal } = {}) {
  let now = options.now?.() ?? T0;
  const lifecycle = options.lifecycle ?? new MemoryJournal();
  const progress = options.progress ?? new MemoryJournal();
  const history = new PullHistory({ ...options, now: () => now, lifecycle, progress });
  return { history, lifecycle, progress, setNow: (ms: number) => (now = ms) };
}

const startOf = (id: string, started_at = T0, slots = ['llama']) => ({ id, image: `registry.test/${id}:1`, runtime: 'podman', slots, started_at });
const endOf = (id: string, finished_at = T0 + 1000) => ({
  id,
  state: 'completed' as const,
  error_code: null,
  error: null,
  finished_at,
  bytes_done: 100,
  bytes_total: 100,
});
const mark = (percent: number, at = T0) => ({ percent, bytes_done: percent, bytes_total: 100, at });

describe('PullHistory', () => {
  it('starts a new journal with its format line and reads back what it held', () => {
    const { history, lifecycle, progress } = open();
    expect(history.recovery).toEqual({ records: 0, skipped: 0, expired: 0, compacted: [] });
    expect(lifecycle.records()).toEqual([]);
    expect(lifecycle.lines).toHaveLength(1);
    history.start(startOf('p_1'));
    history.progress('p_1', mark(30));
    history.resume('p_1', T0 + 5);
    history.start(startOf('p_2', T0 + 1));
    history.finish({ ...endOf('p_2'), slots: ['llama', 'other'] });

    const again = new PullHistory({ now: () => T0, lifecycle: lifecycle.reopened(), progress: progress.reopened() });
    expect(again.activeJobs()).toEqual(history.activeJobs());
    expect(again.activeJobs()).toEqual([{ ...startOf('p_1'), resumes: 1, progress: mark(30) }]);
    expect(again.page()).toEqual(history.page());
    expect(again.page().jobs.find((job) => job.job_id === 'p_2')?.slots).toEqual(['llama', 'other']);
    expect(again.recovery).toEqual({ records: 5, skipped: 0, expired: 0, compacted: [] });
  });

  it("keeps a named engine through start, compaction and end, and none for the server's own runtime", () => {
    const { history, lifecycle, progress } = open();
    history.start({ ...startOf('p_named'), engine: 'gpu2' });
    history.start(startOf('p_own', T0 + 1));
    const again = new PullHistory({ now: () => T0, lifecycle: lifecycle.reopened(), progress: progress.reopened(), maxFinished: 5 });
    expect(again.activeJobs().map((job) => [job.id, job.engine])).toEqual([
      ['p_named', 'gpu2'],
      ['p_own', undefined],
    ]);
    again.finish(endOf('p_named'));
    expect(again.page().jobs.map((job) => [job.job_id, job.engine])).toEqual([
      ['p_own', null],
      ['p_named', 'gpu2'],
    ]);
  });

  it('writes a progress mark only when the percent goes up, before it is held', () => {
    const { history, progress } = open();
    history.start(startOf('p_1'));
    const before = progress.lines.length;
    expect(history.progress('p_1', mark(10))).toBe(true);
    expect(history.progress('p_1', mark(10))).toBe(false);
    expect(history.progress('p_1', mark(9))).toBe(false);
    expect(history.progress('p_1', { percent: null, bytes_done: 5, bytes_total: null, at: T0 })).toBe(false);
    expect(history.progress('p_unknown', mark(50))).toBe(false);
    expect(history.progress('p_1', mark(10.1))).toBe(true);
    expect(progress.lines.length - before).toBe(2);
    expect(history.activeJobs()[0]?.progress).toEqual(mark(10.1));
  });

  it('keeps the progress journal to about one line per running job', () => {
    const { history, progress } = open();
    history.start(startOf('p_1'));
    history.start(startOf('p_2'));
    for (let tenth = 1; tenth <= 990; tenth++) {
      history.progress('p_1', mark(tenth / 10));
      history.progress('p_2', mark(tenth / 20));
    }
    expect(progress.replaced).toBeGreaterThan(1);
    expect(progress.lines.length).toBeLessThanOrEqual(2 * 2 + PROGRESS_COMPACT_SLACK_LINES + 1);
    history.finish(endOf('p_2'));
    const again = new PullHistory({ now: () => T0, lifecycle: new MemoryJournal(), progress: progress.reopened() });
    // The progress journal alone knows no running job: its marks wait for their start.
    expect(again.activeJobs()).toEqual([]);
    expect(history.activeJobs()[0]?.progress?.percent).toBe(99);
  });

  it('compacts the lifecycle journal when it holds twice the lines its jobs need, to one line a job', () => {
    const { history, lifecycle, progress } = open({ maxFinished: 100_000 });
    let n = 0;
    while (lifecycle.replaced < 2) {
      history.start(startOf(`p_${n}`, T0 + n));
      history.resume(`p_${n}`, T0 + n);
      if (n % 10 !== 0) history.finish(endOf(`p_${n}`, T0 + n + 1));
      n += 1;
    }
    const jobs = history.activeJobs().length + history.finishedCount;
    expect(lifecycle.lines.length).toBeLessThanOrEqual(jobs + 2);
    expect(n).toBeGreaterThan(COMPACT_SLACK_LINES / 3);
    const again = new PullHistory({ now: () => T0, lifecycle: lifecycle.reopened(), progress: progress.reopened(), maxFinished: 100_000 });
    expect(again.activeJobs()).toEqual(history.activeJobs());
    expect(again.page({ limit: 500 })).toEqual(history.page({ limit: 500 }));
    expect(again.activeJobs().every((job) => job.resumes === 1)).toBe(true);
  });

  it('rewrites a journal with a torn or damaged line at open, keeping every good record', () => {
    const { history, lifecycle, progress } = open();
    history.start(startOf('p_1'));
    history.start(startOf('p_2'));
    history.finish(endOf('p_2'));
    const torn = encodeRecord({ t: 'resume', id: 'p_1', at: T0 }).subarray(0, 12);
    const reopened = new MemoryJournal(new Uint8Array([...lifecycle.bytes, ...torn]));
    const again = new PullHistory({ now: () => T0, lifecycle: reopened, progress: progress.reopened() });
    expect(again.recovery).toEqual({ records: 3, skipped: 1, expired: 0, compacted: ['lifecycle'] });
    expect(again.activeJobs()).toEqual(history.activeJobs());
    expect(reopened.records().map((record) => record.t)).toEqual(['start', 'end']);
    expect(readJournal(reopened.bytes, () => {}).skipped).toBe(0);
  });

  it('sweeps expired jobs at open and then hourly, and the count cap at once', () => {
    const minute = 1 / (24 * 60);
    const { history, lifecycle, progress, setNow } = open({ historyDays: minute });
    for (let i = 0; i < 3; i++) {
      history.start(startOf(`p_${i}`, T0 + i));
      history.finish(endOf(`p_${i}`, T0 + 10 + i));
    }
    setNow(T0 + 2 * 60_000);
    // Expired, but the hourly sweep is not due yet.
    expect(history.page().jobs).toHaveLength(3);
    setNow(T0 + RETENTION_INTERVAL_MS);
    expect(history.page().jobs).toHaveLength(0);
    const later = new PullHistory({ now: () => T0 + DAY_MS, historyDays: minute, lifecycle: lifecycle.reopened(), progress: progress.reopened() });
    // The swept jobs' lines stay in the journal until the doubling rule compacts it: each open drops them again.
    expect(later.recovery).toMatchObject({ records: 6, expired: 3, compacted: [] });
    expect(later.page().jobs).toEqual([]);

    const capped = open({ maxFinished: 2 });
    for (let i = 0; i < 3; i++) {
      capped.history.start(startOf(`p_${i}`, T0 + i));
      capped.history.finish(endOf(`p_${i}`, T0 + 10 - i));
    }
    // p_2 finished first, so it goes first.
    expect(capped.history.page().jobs.map((job) => job.job_id)).toEqual(['p_1', 'p_0']);
    const reread = new PullHistory({ now: () => T0 + 2 * DAY_MS, historyDays: 1, lifecycle: capped.lifecycle.reopened(), progress: capped.progress.reopened() });
    expect(reread.recovery).toMatchObject({ records: 6, expired: 3, compacted: [] });
    expect(reread.page().jobs).toEqual([]);

    // Enough expired lines to pass the doubling rule: the open compacts them away.
    const many = open();
    for (let i = 0; i < COMPACT_SLACK_LINES; i++) {
      many.history.start(startOf(`p_${i}`, T0 + i));
      many.history.finish(endOf(`p_${i}`, T0 + i + 1));
    }
    const lines = many.lifecycle.lines.length;
    const swept = new MemoryJournal(many.lifecycle.bytes);
    const afterDays = new PullHistory({ now: () => T0 + 30 * DAY_MS, lifecycle: swept, progress: many.progress.reopened() });
    expect(afterDays.recovery).toMatchObject({ expired: COMPACT_SLACK_LINES, compacted: ['lifecycle'] });
    expect(swept.lines.length).toBe(1);
    expect(lines).toBe(2 * COMPACT_SLACK_LINES + 1);
  });

  it('refuses to start a finished job, and to resume or finish one it does not hold', () => {
    const { history } = open();
    history.start(startOf('p_1'));
    history.finish(endOf('p_1'));
    expect(() => history.start(startOf('p_1'))).toThrow('job p_1 has already finished; job ids are never reused');
    expect(() => history.resume('p_1', T0)).toThrow('job p_1 is not running or queued; only those can be resumed');
    expect(() => history.finish(endOf('p_9'))).toThrow('job p_9 is not running or queued; it must start before it can finish');
  });

  it('keeps a change in memory and reports it when a journal cannot be written', () => {
    const errors: unknown[] = [];
    const { history, lifecycle } = open({ onWriteError: (error) => errors.push(error) });
    lifecycle.failing = new Error('ENOSPC: no space left on device');
    history.start(startOf('p_1'));
    expect(errors).toEqual([lifecycle.failing]);
    expect(history.activeJobs().map((job) => job.id)).toEqual(['p_1']);
    const { history: strict, lifecycle: strictLifecycle } = open();
    strictLifecycle.failing = new Error('EIO');
    expect(() => strict.start(startOf('p_1'))).toThrow('EIO');
  });

  it('works in memory only, without journals', () => {
    const history = new PullHistory({ now: () => T0 });
    history.start(startOf('p_1'));
    history.progress('p_1', mark(5));
    history.finish(endOf('p_1'));
    expect(history.recovery).toEqual({ records: 0, skipped: 0, expired: 0, compacted: [] });
    expect(history.page().jobs.map((job) => job.job_id)).toEqual(['p_1']);
  });

  it('hands out copies of the running jobs', () => {
    const { history } = open();
    history.start(startOf('p_1'));
    history.progress('p_1', mark(5));
    const [copy] = history.activeJobs();
    copy!.slots.push('x');
    copy!.progress!.percent = 99;
    expect(history.activeJobs()[0]).toMatchObject({ slots: ['llama'], progress: { percent: 5 } });
  });
});
