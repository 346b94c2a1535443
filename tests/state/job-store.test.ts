import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_FILE, PROGRESS_FILE, openJobStore } from '../../server/state/job-store.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs('slotpull-store');
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const now = () => T0 + 5000;

function fill(store: ReturnType<typeof openJobStore>): void {
  const { history } = store;
  history.start({ id: 'p_run', image: 'registry.test/big:1', runtime: 'podman', slots: ['big'], started_at: T0 });
  history.progress('p_run', { percent: 42.5, bytes_done: 425, bytes_total: 1000, at: T0 + 100 });
  history.start({ id: 'p_done', image: 'registry.test/multi:1', runtime: 'podman', slots: ['multi'], started_at: T0 + 1 });
  history.finish({ id: 'p_done', state: 'failed', error_code: 'pull.not_found', error: 'manifest unknown', finished_at: T0 + 2000, bytes_done: null, bytes_total: null });
}

describe('openJobStore', () => {
  it('keeps running and finished jobs in two journals that a reopen reads back', async () => {
    const dir = tempDir();
    const store = openJobStore({ dir, now });
    fill(store);
    await store.close();
    expect(readdirSync(dir).sort()).toEqual([PROGRESS_FILE, LIFECYCLE_FILE]);
    const lines = readFileSync(join(dir, LIFECYCLE_FILE), 'utf8').split('\n');
    expect(lines[0]).toMatch(/^[0-9a-f]{8} \{"t":"format","name":"slotpull-pulls","version":1\}$/);
    expect(lines.at(-1)).toBe('');

    const again = openJobStore({ dir, now });
    expect(again.history.recovery).toEqual({ records: 4, skipped: 0, expired: 0, compacted: [] });
    expect(again.history.activeJobs()).toEqual([
      { id: 'p_run', image: 'registry.test/big:1', runtime: 'podman', slots: ['big'], started_at: T0, resumes: 0, progress: { percent: 42.5, bytes_done: 425, bytes_total: 1000, at: T0 + 100 } },
    ]);
    expect(again.history.page()).toEqual(store.history.page());
    expect(again.history.page().jobs.map((job) => [job.job_id, job.state, job.error_code])).toEqual([
      ['p_done', 'failed', 'pull.not_found'],
      ['p_run', 'pulling', null],
    ]);
    await again.close();
  });

  it('reads a journal torn by a crash without a repair step, and rewrites it clean', async () => {
    const dir = tempDir();
    const store = openJobStore({ dir, now });
    fill(store);
    await store.close();
    // Half a record, as a kill in the middle of a large write would leave it.
    appendFileSync(join(dir, LIFECYCLE_FILE), '3c9d7ff7 {"t":"resume","id":"p_r');

    const again = openJobStore({ dir, now });
    expect(again.history.recovery).toEqual({ records: 4, skipped: 1, expired: 0, compacted: ['lifecycle'] });
    expect(again.history.activeJobs().map((job) => job.id)).toEqual(['p_run']);
    again.history.resume('p_run', T0 + 3000);
    await again.close();
    const third = openJobStore({ dir, now });
    expect(third.history.recovery.skipped).toBe(0);
    expect(third.history.activeJobs()[0]?.resumes).toBe(1);
    await third.close();
  });

  it('honours the retention it is given', async () => {
    const dir = tempDir();
    const store = openJobStore({ dir, now });
    fill(store);
    await store.close();
    const later = openJobStore({ dir, now: () => T0 + 2 * 86_400_000, historyDays: 1 });
    expect(later.history.recovery.expired).toBe(1);
    expect(later.history.page().jobs.map((job) => job.job_id)).toEqual(['p_run']);
    await later.close();
  });
});
